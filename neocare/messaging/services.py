"""Writing messages to the outbox and sending them, under the rules SMS providers impose.

- `message_enqueue` writes the row in the caller's transaction (with the event that caused it)
  and asks a task to send it once that transaction commits.
- `messages_send` claims a batch of rows (locked and marked `sending`: one sender, ever),
  applies each number's daily budget (urgent first) and merges what waits for the same number,
  then hands the batch to the gateway — one HTTP call where the gateway has a batch API —
  outside any transaction, and records each message's own outcome.
- `messages_sweep` re-dispatches what is due or stuck; it never resends a message whose outcome
  is unknown to a gateway that would not recognise the repeat.
"""

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Max, OuterRef, Subquery
from django.utils import timezone

from neocare.celery import publish_on_commit
from neocare.infants.models import LATEST_FIRST, Assessment, Guardianship, Infant
from neocare.messaging.gateways import FAILED, RETRY, SENT, UNKNOWN, Outgoing, gateway
from neocare.messaging.models import Message, PhoneDay, PhoneOptOut
from neocare.messaging.templates import SECRET_TEMPLATES, TEMPLATES, render
from neocare.network.models import User

logger = logging.getLogger(__name__)

OPT_OUT_KEYWORDS = {"TD", "T", "STOP", "退订", "UNSUBSCRIBE"}


def _local(instant: datetime) -> datetime:
    return timezone.localtime(instant)


def quiet_until(instant: datetime) -> datetime:
    """`instant` if outside quiet hours, else the end of them (local time)."""
    start, end = settings.SMS_QUIET_HOURS
    local = _local(instant)
    # A window that wraps midnight (21–8) is "after start or before end".
    wraps = start > end
    quiet = (local.hour >= start or local.hour < end) if wraps else start <= local.hour < end
    if not quiet:
        return instant
    wake = local.replace(hour=end, minute=0, second=0, microsecond=0)
    if wake <= local:
        wake += timedelta(days=1)
    return wake


@dataclass(frozen=True)
class Draft:
    """A message to write: who, which template with which parameters, about which infant."""

    recipient: User
    template: str
    params: dict
    infant: object = None
    urgent: bool = False
    # Education: the lowest priority (see `_allowed_today`).
    low_priority: bool = False
    # The event that causes it, e.g. "reminder:<id>:1:<guardian>": a repeat writes nothing.
    dedupe_key: str | None = None
    # The assessment a parent's message speaks for (see `_superseded`).
    assessment: object = None


def messages_enqueue(drafts: Sequence[Draft]) -> list[Message]:
    """Write messages to the outbox in the caller's transaction: one path for one or thousands.

    Recipients without a phone are skipped. Opted-out numbers and guardians who withdrew consent
    get a `suppressed` row (kept, with the reason) instead of a message. Each message due now is
    published to a worker once the transaction commits.
    """
    drafts = [d for d in drafts if d.recipient.phone_number]
    unknown = {d.template for d in drafts} - set(TEMPLATES)
    if unknown:
        raise ValueError(f"unknown templates {sorted(unknown)}")
    if not drafts:
        return []
    now = timezone.now()
    phones = {str(d.recipient.phone_number) for d in drafts}
    opted_out = set(PhoneOptOut.objects.filter(phone__in=phones).values_list("phone", flat=True))

    def to_guardian_about_infant(d: Draft) -> bool:
        return d.infant is not None and d.recipient.role == User.Role.GUARDIAN

    about = [d for d in drafts if to_guardian_about_infant(d)]
    consenting = set(
        Guardianship.objects.filter(
            infant_id__in={d.infant.pk for d in about},
            guardian_id__in={d.recipient.pk for d in about},
            consent_withdrawn_at__isnull=True,
        ).values_list("infant_id", "guardian_id")
    )
    rows = []
    for d in drafts:
        phone = str(d.recipient.phone_number)
        status, reason = Message.Status.PENDING, ""
        if d.template != "opt_out_confirmed" and phone in opted_out:
            status, reason = Message.Status.SUPPRESSED, "opted_out"
        elif to_guardian_about_infant(d) and (d.infant.pk, d.recipient.pk) not in consenting:
            status, reason = Message.Status.SUPPRESSED, "consent_withdrawn"
        elif to_guardian_about_infant(d) and d.infant.follow_up_ended:
            # Follow-up ended (completed, moved, died, declined): nothing automatic goes.
            status, reason = Message.Status.SUPPRESSED, d.infant.follow_up_status
        rows.append(
            Message(
                recipient=d.recipient,
                phone=phone,
                language=d.recipient.language or settings.LANGUAGE_CODE,
                template=d.template,
                params={k: str(v) for k, v in d.params.items()},
                infant=d.infant,
                assessment=d.assessment,
                urgent=d.urgent,
                low_priority=d.low_priority and not d.urgent,
                dedupe_key=d.dedupe_key or f"once:{uuid.uuid4()}",
                status=status,
                reason=reason,
                not_before=now if d.urgent else quiet_until(now),
            )
        )
    # The unique dedupe key makes a repeated event a no-op; the rows are read back for ids.
    Message.objects.bulk_create(rows, ignore_conflicts=True)
    written = {
        m.dedupe_key: m for m in Message.objects.filter(dedupe_key__in=[r.dedupe_key for r in rows])
    }
    due = [
        m.pk for m in written.values() if m.status == Message.Status.PENDING and m.not_before <= now
    ]
    if due:
        _dispatch_on_commit(due)
    return [written[r.dedupe_key] for r in rows]


def message_enqueue(**draft) -> Message | None:
    """One message (see `messages_enqueue`); None when the recipient has no phone."""
    written = messages_enqueue([Draft(**draft)])
    return written[0] if written else None


def _dispatch_on_commit(message_ids: list[int]) -> None:
    from neocare.messaging.tasks import messages_send_task

    publish_on_commit(
        messages_send_task,
        message_ids,
        waiting="message(s)",
        batch=settings.SMS_SEND_BATCH_SIZE,
    )


def _next_budget_day(instant: datetime) -> datetime:
    local = _local(instant)
    tomorrow = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return quiet_until(tomorrow)


def _render(message: Message) -> str:
    return render(message.template, message.params, message.language)


def _claim(message_ids: Sequence[int], now: datetime) -> list[int]:
    """Claim what is still pending and due among these ids: one sender, ever. The rows are
    locked (`skip_locked`: a concurrent claimer takes the others) and marked `sending` in the
    same transaction, so no two workers ever both hold one."""
    with transaction.atomic():
        claimed = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(pk__in=message_ids, status=Message.Status.PENDING, not_before__lte=now)
            .values_list("pk", flat=True)
        )
        Message.objects.filter(pk__in=claimed, status=Message.Status.PENDING).update(
            status=Message.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    return claimed


# The order claimed messages are decided in: urgent first (the budget keeps room for them),
# education last, then oldest first — as the sweeper hands them out.
def _priority(message: Message) -> tuple:
    return (not message.urgent, message.low_priority, message.created_at, message.pk)


@transaction.atomic
def _prepare(claimed_ids: Sequence[int]) -> list[tuple[Message, Outgoing]]:
    """Inside the claim, for a batch of claimed messages at once: opt-outs, each number's daily
    budget (urgent first), merging what waits for the same number. Returns what to send; the
    rest is suppressed, merged or put back for the next budget day. A few queries per batch,
    not per message."""
    now = timezone.now()
    today = _local(now).date()
    batch = sorted(
        Message.objects.select_for_update(of=("self",))
        .filter(pk__in=claimed_ids)
        .select_related("assessment"),
        key=_priority,
    )
    phones = {m.phone for m in batch}
    opted_out = set(PhoneOptOut.objects.filter(phone__in=phones).values_list("phone", flat=True))
    PhoneDay.objects.bulk_create(
        [PhoneDay(phone=phone, day=today) for phone in sorted(phones)], ignore_conflicts=True
    )
    days = {
        day.phone: day
        for day in PhoneDay.objects.select_for_update()
        .filter(phone__in=phones, day=today)
        .order_by("phone")  # one lock order for every worker: no deadlock
    }
    education_today = _education_sent_today({m.phone for m in batch if m.low_priority}, now)
    # What waits for these numbers outside the batch, to be folded into the first message sent
    # to each (an article is never folded, nor carries anything: see below).
    waiting: dict[str, list[Message]] = {}
    for other in (
        Message.objects.select_for_update(skip_locked=True)
        .filter(
            phone__in={m.phone for m in batch if not m.low_priority},
            status=Message.Status.PENDING,
            not_before__lte=now,
            urgent=False,
            low_priority=False,
        )
        .exclude(pk__in=claimed_ids)
        .order_by("created_at", "pk")
    ):
        waiting.setdefault(other.phone, []).append(other)
    for message in batch:  # the batch's own routine messages can be folded as well
        if not (message.urgent or message.low_priority):
            waiting.setdefault(message.phone, []).append(message)
    # What newer assessments have overtaken is withdrawn, in the batch and among what would be
    # folded into it: it is never sent, alone or inside another text.
    stale = _superseded([*batch, *(m for queue in waiting.values() for m in queue)])
    withdrawn = []
    for phone, queue in waiting.items():
        withdrawn += [m for m in queue if m.pk in stale and m.pk not in claimed_ids]
        waiting[phone] = [m for m in queue if m.pk not in stale]
    for message in withdrawn:
        message.status, message.reason = Message.Status.WITHDRAWN, "superseded"

    budget = settings.SMS_DAILY_BUDGET_PER_PHONE
    to_send, changed, merged = [], [], []
    for message in batch:
        if message.status == Message.Status.MERGED:
            continue  # folded into an earlier message of this batch
        changed.append(message)
        if message.pk in stale:
            message.status, message.reason = Message.Status.WITHDRAWN, "superseded"
            continue
        if message.phone in opted_out and message.template != "opt_out_confirmed":
            message.status, message.reason = Message.Status.SUPPRESSED, "opted_out"
            continue
        day = days[message.phone]
        # A message that names a time before the next budget day goes today: deferred, it
        # would name a time already past.
        allowed = (
            message.urgent
            or _names_a_time_before(message, _next_budget_day(now))
            or _allowed_today(message, day, education_today.get(message.phone, 0))
        )
        if not allowed:
            message.status, message.not_before = Message.Status.PENDING, _next_budget_day(now)
            continue
        if day.sent >= budget:
            logger.warning(
                "urgent message %s exceeds the daily budget of %s", message.pk, message.phone
            )
        text = _render(message)
        template_id, params = TEMPLATES[message.template].provider_id, message.params
        # Fold whatever else is due for this number into this message (two infants of one
        # mother, a reminder and a result): one text, one unit of the budget. An article (low
        # priority) always goes alone: never folded into a clinical text, which says one
        # thing, nor carrying one (SMS_EDUCATION_PER_DAY counts what it sends).
        others = []
        if not message.low_priority:
            others = [o for o in waiting.pop(message.phone, []) if o is not message]
        if others:
            text = "\n".join([text] + [_render(o) for o in others])
            template_id, params = TEMPLATES["combined"].provider_id, {"parts": text}
            for other in others:
                other.status, other.merged_into = Message.Status.MERGED, message
            merged.extend(others)
        day.sent += 1
        if message.low_priority:
            education_today[message.phone] = education_today.get(message.phone, 0) + 1
        to_send.append(
            (message, Outgoing(str(message.public_id), message.phone, template_id, params, text))
        )
    for message in changed + merged + withdrawn:
        message.updated_at = now
    Message.objects.bulk_update(
        changed + merged + withdrawn,
        ["status", "reason", "not_before", "merged_into", "updated_at"],
    )
    PhoneDay.objects.bulk_update(days.values(), ["sent"])
    return to_send


def _superseded(messages: Sequence[Message]) -> set[int]:
    """The messages about an assessment that the infant's newer assessments have overtaken: the
    infant's latest assessment now asks more (a higher action), or the same person has since
    been written about a newer one. Two queries for the whole batch."""
    about = [m for m in messages if m.assessment_id is not None]
    if not about:
        return set()
    infants = {m.infant_id for m in about}
    newest = Assessment.objects.filter(infant=OuterRef("pk")).order_by(*LATEST_FIRST)
    latest = {
        pk: (latest_pk, level)
        for pk, latest_pk, level in Infant.objects.filter(pk__in=infants)
        .annotate(
            latest=Subquery(newest.values("pk")[:1]),
            level=Subquery(newest.values("action_level")[:1]),
        )
        .values_list("pk", "latest", "level")
    }
    newest_told = {
        (row["recipient_id"], row["infant_id"]): row["newest"]
        for row in Message.objects.filter(
            recipient_id__in={m.recipient_id for m in about},
            infant_id__in=infants,
            assessment__isnull=False,
        )
        .exclude(status=Message.Status.WITHDRAWN)
        .values("recipient_id", "infant_id")
        .annotate(newest=Max("assessment_id"))
    }
    stale = set()
    for m in about:
        latest_pk, latest_level = latest.get(m.infant_id, (None, None))
        if latest_pk is None or latest_pk == m.assessment_id:
            continue
        own_level = m.assessment.action_level
        told_newer = newest_told.get((m.recipient_id, m.infant_id), 0) > m.assessment_id
        if latest_level > own_level or told_newer:
            stale.add(m.pk)
    return stale


def _names_a_time_before(message: Message, instant: datetime) -> bool:
    """Whether the message speaks of a next measurement due before `instant`."""
    assessment = message.assessment
    due = None if assessment is None else assessment.next_measurement_at
    return due is not None and due < instant


def _education_sent_today(phones: set[str], now: datetime) -> dict[str, int]:
    if not phones:
        return {}
    start = _local(now).replace(hour=0, minute=0, second=0, microsecond=0)
    counts = (
        Message.objects.filter(phone__in=phones, low_priority=True, sent_at__gte=start)
        .values("phone")
        .annotate(sent=Count("pk"))
    )
    return {row["phone"]: row["sent"] for row in counts}


def _allowed_today(message: Message, day: PhoneDay, education_today: int) -> bool:
    """Whether the number's daily budget lets this non-urgent message go today.

    Clinical messages leave SMS_URGENT_RESERVE for an urgent one later in the day. Education
    (low priority) also leaves SMS_EDUCATION_HEADROOM for clinical messages and goes at most
    SMS_EDUCATION_PER_DAY times a day: with the defaults (5, 1, 2, 1) an article goes only to a
    number that has had at most one message today, and three remain for the doctors' news.
    """
    allowed = settings.SMS_DAILY_BUDGET_PER_PHONE - settings.SMS_URGENT_RESERVE
    if not message.low_priority:
        return day.sent < allowed
    if day.sent >= allowed - settings.SMS_EDUCATION_HEADROOM:
        return False
    return education_today < settings.SMS_EDUCATION_PER_DAY


def messages_send(message_ids: Sequence[int]) -> dict[int, str | None]:
    """Send these outbox messages, each at most once, in as few gateway calls as the gateway
    allows (one for a batch, when it has a batch API; each message keeps its own idempotency
    key and outcome). Returns each id's outcome: None when it was not this worker's to send
    (another claimed it, or it is not due) or went nowhere by rule (suppressed, merged,
    deferred by the budget)."""
    outcomes: dict[int, str | None] = dict.fromkeys(message_ids)
    claimed = _claim(message_ids, timezone.now())
    if not claimed:
        return outcomes
    prepared = _prepare(claimed)
    if prepared:
        results = gateway().send_batch([outgoing for _, outgoing in prepared])  # no transaction
        outcomes.update(_record([message for message, _ in prepared], results))
    return outcomes


def message_send(message_id: int) -> str | None:
    """Send one outbox message at most once (see `messages_send`)."""
    return messages_send([message_id])[message_id]


def _record(messages: list[Message], results: list) -> dict[int, str]:
    """Each message's outcome, all written in one transaction."""
    now = timezone.now()
    outcomes = {}
    with transaction.atomic():
        for message, result in zip(messages, results, strict=True):
            if result.outcome == SENT:
                message.status, message.sent_at = Message.Status.SENT, now
                message.provider_message_id = result.provider_message_id
            elif result.outcome == RETRY and message.attempts < settings.SMS_MAX_ATTEMPTS:
                # Back to the queue; the task retries with backoff (the key makes a repeat
                # harmless).
                message.status = Message.Status.PENDING
            elif result.outcome in (RETRY, UNKNOWN):
                message.status, message.reason = Message.Status.UNKNOWN, "gave_up_retrying"
            else:  # FAILED
                message.status, message.reason = Message.Status.FAILED, "rejected"
            message.last_error = result.error
            if message.status != Message.Status.PENDING and message.template in SECRET_TEMPLATES:
                message.params = {name: "••••••" for name in message.params}  # a code is not kept
            message.updated_at = now
            outcomes[message.pk] = {
                Message.Status.PENDING: RETRY,
                Message.Status.SENT: SENT,
                Message.Status.UNKNOWN: UNKNOWN,
                Message.Status.FAILED: FAILED,
            }[message.status]
        Message.objects.bulk_update(
            messages,
            [
                "status",
                "sent_at",
                "provider_message_id",
                "reason",
                "last_error",
                "params",
                "updated_at",
            ],
        )
        # What was folded into a message went when it went.
        sent = [m.pk for m in messages if m.status == Message.Status.SENT]
        Message.objects.filter(merged_into__in=sent).update(sent_at=now)
    return outcomes


def messages_sweep(*, now: datetime | None = None, batch: int = 1000) -> int:
    """Re-dispatch messages that are due but were never sent (broker down, quiet hours over,
    budget renewed) and recover those stuck mid-send by a crashed worker."""
    now = now or timezone.now()
    stuck_before = now - timedelta(seconds=settings.SMS_STUCK_AFTER_SECONDS)
    stuck = Message.objects.filter(status=Message.Status.SENDING, claimed_at__lt=stuck_before)
    if gateway().honours_idempotency_key:
        # The gateway drops a repeat of the same key: sending again cannot send twice.
        stuck.update(status=Message.Status.PENDING)
    else:
        stuck.update(status=Message.Status.UNKNOWN, reason="worker_lost_mid_send")
    due = list(
        Message.objects.filter(status=Message.Status.PENDING, not_before__lte=now)
        .order_by("-urgent", "low_priority", "not_before")
        .values_list("pk", flat=True)[:batch]
    )
    from neocare.messaging.tasks import messages_send_task

    size = settings.SMS_SEND_BATCH_SIZE
    for start in range(0, len(due), size):
        messages_send_task.delay(due[start : start + size])
    return len(due)


@transaction.atomic
def delivery_receipt(*, key: str, delivered: bool, error: str = "") -> Message | None:
    message = Message.objects.select_for_update().filter(public_id=key).first()
    if message is None:
        return None
    if message.status in (Message.Status.SENT, Message.Status.UNKNOWN, Message.Status.SENDING):
        message.status = Message.Status.DELIVERED if delivered else Message.Status.FAILED
        message.last_error = error
        if message.sent_at is None and delivered:
            message.sent_at = timezone.now()
        message.save()
    return message


@transaction.atomic
def inbound_reply(*, phone: str, text: str) -> bool:
    """An inbound SMS. "TD"/"STOP" opts the number out (and is confirmed). True if opted out."""
    keyword = text.strip().upper()
    if keyword not in OPT_OUT_KEYWORDS:
        return False
    _, created = PhoneOptOut.objects.get_or_create(phone=phone, defaults={"keyword": keyword})
    Message.objects.filter(phone=phone, status=Message.Status.PENDING).exclude(
        template="opt_out_confirmed"
    ).update(status=Message.Status.SUPPRESSED, reason="opted_out")
    user = User.objects.filter(phone_number=phone).first()
    if created and user is not None:
        message_enqueue(
            recipient=user,
            template="opt_out_confirmed",
            params={},
            urgent=True,
            dedupe_key=f"optout:{phone}",
        )
    return True
