"""Timed education (issue #15, item 5): articles sent to parents by the infant's age and state.

The rules are data (`EducationRule`, in the admin; the starter set is loaded by a migration).
A periodic task (`education_dispatch`) finds, for each active rule whose article is published,
the infants whose moment has come — at most `within_hours` ago, so nothing arrives after its
time — and writes one outbox message per consenting guardian, with a link of their own:

- once per rule, infant and guardian (`EducationSent`, unique; the message's dedupe key too);
- at the lowest priority (`Message.low_priority`: after the clinical messages in every queue,
  only while the day's budget keeps room for them, never folded into an urgent text — see
  `neocare.messaging.services._allowed_today`), and outside quiet hours like every
  non-urgent message;
- not while the infant's alert is at the rule's level or above (an article must not compete
  with the doctor's call or a hospital visit); such a rule fires later if its window is still
  open;
- never to a guardian who withdrew consent: they are not chosen, what waits in the outbox is
  suppressed at withdrawal (`neocare.infants.services.consent_withdraw`), and the outbox checks
  consent again when it writes.

Opening the link (`/m/e/<token>/`) records when it was first read and shows the article.
"""

import logging
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation

from neocare.alerts.models import ACTIVE as ALERT_ACTIVE
from neocare.alerts.models import Alert
from neocare.infants.assessments import clinical_policy
from neocare.infants.models import Guardianship, Infant, Observation, Phototherapy
from neocare.knowledge.models import EducationRule, EducationSent
from neocare.knowledge.selectors import articles_public
from neocare.messaging.services import Draft, messages_enqueue
from neocare.network.models import User
from risk_model.guideline import REPORTED_SIGNS, prolonged_limit_hours

logger = logging.getLogger(__name__)

Trigger = EducationRule.Trigger


def _infants_due(rule: EducationRule, now: datetime) -> set[int]:
    """Ids of the infants whose moment for `rule` lies in the last `within_hours`."""
    # The rule's anchor (birth, discharge, …) fell in (earliest, latest].
    latest = now - timedelta(hours=rule.after_hours)
    earliest = latest - timedelta(hours=rule.within_hours)
    infants = Infant.objects.all()
    if rule.feeding:
        infants = infants.filter(feeding__in=rule.feeding)
    if rule.trigger == Trigger.BIRTH:
        infants = infants.filter(birth_at__gt=earliest, birth_at__lte=latest)
    elif rule.trigger == Trigger.DISCHARGE:
        infants = infants.filter(discharged_at__gt=earliest, discharged_at__lte=latest)
    elif rule.trigger == Trigger.PROLONGED_CHECK:
        # The engine's own day for each feeding (14 / 21 / mixed by policy).
        policy, by_feeding = clinical_policy(), Q(pk__in=[])
        for feeding in rule.feeding or Infant.Feeding.values:
            limit = timedelta(hours=prolonged_limit_hours(feeding, policy))
            by_feeding |= Q(feeding=feeding, birth_at__gt=earliest - limit) & Q(
                birth_at__lte=latest - limit
            )
        infants = infants.filter(by_feeding)
    elif rule.trigger == Trigger.PHOTOTHERAPY_STOPPED:
        stopped = Phototherapy.objects.filter(stopped_at__gt=earliest, stopped_at__lte=latest)
        running = Phototherapy.objects.filter(stopped_at__isnull=True)
        infants = infants.filter(pk__in=stopped.values("infant_id")).exclude(
            pk__in=running.values("infant_id")
        )
    elif rule.trigger == Trigger.DANGER_SIGN:
        reported = Q()
        for sign in REPORTED_SIGNS:
            reported |= Q(**{sign: True})
        observations = Observation.objects.filter(
            reported, observed_at__gt=earliest, observed_at__lte=latest
        )
        infants = infants.filter(pk__in=observations.values("infant_id"))
    else:  # a trigger added to the choices without its query
        raise ValueError(f"education rule {rule.code}: unknown trigger {rule.trigger}")
    if rule.hold_while_alert_from is not None:
        holding = Alert.objects.filter(
            status__in=ALERT_ACTIVE, severity_level__gte=rule.hold_while_alert_from
        )
        infants = infants.exclude(pk__in=holding.values("infant_id"))
    return set(infants.values_list("pk", flat=True))


def _link(token: str) -> str:
    return f"{settings.PARENT_PAGE_URL.rstrip('/')}/e/{token}/"


def _drafts(rule: EducationRule, links: list[Guardianship]) -> tuple[list, list]:
    drafts, sent = [], []
    for link in links:
        guardian, infant = link.guardian, link.infant
        token = secrets.token_urlsafe(9)  # 12 characters, 72 random bits
        language = guardian.language or settings.LANGUAGE_CODE
        with translation.override(language):
            title = rule.article.title_in(translation.get_language())
        drafts.append(
            Draft(
                recipient=guardian,
                template="education",
                params={"infant": infant.display_name, "title": title, "link": _link(token)},
                infant=infant,
                low_priority=True,
                dedupe_key=f"education:{rule.pk}:{infant.pk}:{guardian.pk}",
            )
        )
        sent.append(EducationSent(rule=rule, infant=infant, guardian=guardian, token=token))
    return drafts, sent


def education_dispatch(*, now: datetime | None = None, batch: int = 1000) -> int:
    """Write the messages of every rule whose moment has come. Returns messages written.

    Each rule is handled under a lock on its row (two dispatchers never both send it) and each
    batch in one transaction: the once-only rows and the outbox messages are written together.
    """
    now = now or timezone.now()
    public = set(articles_public(at=now).values_list("pk", flat=True))
    written = 0
    for rule in EducationRule.objects.filter(active=True).select_related("article"):
        if rule.article_id not in public:
            logger.info("education rule %s: article not published, not sent", rule.code)
            continue
        infant_ids = _infants_due(rule, now)
        while infant_ids:
            with transaction.atomic():
                EducationRule.objects.select_for_update().get(pk=rule.pk)
                reached = EducationSent.objects.filter(
                    rule=rule, infant_id=OuterRef("infant_id"), guardian_id=OuterRef("guardian_id")
                )
                links = list(
                    Guardianship.objects.filter(
                        ~Exists(reached),
                        infant_id__in=infant_ids,
                        consent_withdrawn_at__isnull=True,
                        guardian__role=User.Role.GUARDIAN,
                        guardian__is_active=True,
                        guardian__phone_number__gt="",
                    )
                    .select_related("guardian", "infant")
                    .order_by("pk")[:batch]
                )
                if not links:
                    break
                drafts, sent = _drafts(rule, links)
                messages = messages_enqueue(drafts)
                by_key = {m.dedupe_key: m for m in messages}
                for row, draft in zip(sent, drafts, strict=True):
                    row.message = by_key.get(draft.dedupe_key)
                EducationSent.objects.bulk_create(sent, ignore_conflicts=True)
                written += len(messages)
            if len(links) < batch:
                break
    return written


@transaction.atomic
def education_opened(token: str, *, now: datetime | None = None) -> EducationSent | None:
    """The guardian opened the link: the first opening is recorded. None for an unknown link."""
    sent = (
        EducationSent.objects.select_for_update()
        .select_related("rule", "guardian")
        .filter(token=token)
        .first()
    )
    if sent is not None and sent.read_at is None:
        sent.read_at = now or timezone.now()
        sent.save(update_fields=["read_at"])
    return sent
