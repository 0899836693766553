"""Alert lifecycle, escalation and referrals. Every change is audited."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from neocare.alerts.models import ACTIVE, Alert, Call, Referral
from neocare.audit.models import AuditEvent
from neocare.audit.services import audit_record
from neocare.infants.models import ActionLevel, Assessment, Infant
from neocare.messaging.models import Message
from neocare.messaging.notify import notify_alert, notify_escalation, notify_referral
from neocare.network.models import Facility, User
from neocare.network.places import nearest_hospital

# Assessments at or above this level open an alert (issue #5: "community doctor review" or worse).
ALERT_FROM = ActionLevel.DOCTOR_REVIEW


def _audit(*, actor: User | None, alert_or_referral, what: str, reason: str = "") -> None:
    audit_record(
        actor=actor,
        infant=alert_or_referral.infant,
        action=AuditEvent.Action.UPDATE if what != "opened" else AuditEvent.Action.CREATE,
        object_type=alert_or_referral._meta.model_name,
        object_id=alert_or_referral.public_id,
        reason=f"{what}: {reason}" if reason else what,
    )


def alert_raise(
    *, assessment: Assessment, actor: User | None, announce: bool = True
) -> Alert | None:
    """Open an alert for this assessment, or raise the infant's active one to its severity.

    Called in the transaction that stores the assessment, so a retried upload (which stores
    nothing new) never pages anyone twice. Returns the alert when it was opened or raised,
    None when nothing changed. `announce=False` (a record of the past being loaded) opens and
    refers without messaging anyone.
    """
    if assessment.level < ALERT_FROM:
        return None  # most readings: no savepoint, no query
    return _alert_open_or_raise(assessment=assessment, actor=actor, announce=announce)


@transaction.atomic
def _alert_open_or_raise(
    *, assessment: Assessment, actor: User | None, announce: bool
) -> Alert | None:
    infant = assessment.infant
    now = timezone.now()
    active = Alert.objects.select_for_update().filter(infant=infant, status__in=ACTIVE).first()
    if active is None:
        try:
            with transaction.atomic():
                alert = Alert.objects.create(
                    infant=infant,
                    centre=infant.registered_centre,
                    severity=assessment.action,
                    severity_level=assessment.action_level,
                    assessment=assessment,
                    opened_at=now,
                    raised_at=now,
                )
        except IntegrityError:
            # Another reading of the same infant opened it a moment ago: raise that one.
            active = Alert.objects.select_for_update().get(infant=infant, status__in=ACTIVE)
        else:
            _audit(actor=actor, alert_or_referral=alert, what="opened", reason=alert.severity)
            if announce:
                notify_alert(alert)
            _refer_emergency(alert, announce)
            return alert
    if assessment.action_level < active.severity_level:
        return None
    news = frozenset()
    if assessment.action_level == active.severity_level:
        if not _worse_at_same_level(active.assessment, assessment):
            return None
        # The page names what is new (a rapid rise, a sign), not the old reason again.
        news = frozenset(_reasons_at_level(assessment) - _reasons_at_level(active.assessment))
    active.severity, active.severity_level = assessment.action, assessment.action_level
    active.assessment, active.raised_at = assessment, now
    # A worse reading (a higher level, or at the same level a value higher by a step or a new
    # reason) pages again: the alert is open until someone acknowledges it anew.
    active.status, active.acknowledged_at, active.acknowledged_by = Alert.Status.OPEN, None, None
    active.save()
    _audit(actor=actor, alert_or_referral=active, what="raised", reason=active.severity)
    if announce:
        notify_alert(active, news)
    _refer_emergency(active, announce)
    return active


# Reasons that only hold what was asked before (a pending visit, an open request): no news.
HELD = frozenset({"hospital_visit_pending", "request_tsb", "value_unconfirmed", "tsb_advice_open"})


def _reasons_at_level(assessment: Assessment) -> set[str]:
    level = assessment.action
    signals = assessment.result.get("signals", [])
    return {s["code"] for s in signals if s["action_floor"] == level} - HELD


def _worse_at_same_level(shown: Assessment, new: Assessment) -> bool:
    """Whether a new assessment at the alert's level is worse than the one the alert shows: a
    value higher by ALERT_REPAGE_STEP_MG_DL or more, or a new reason for the level (a rapid
    rise, a reported sign)."""
    before, after = shown.result.get("value_mg_dl"), new.result.get("value_mg_dl")
    step = settings.ALERT_REPAGE_STEP_MG_DL - 1e-9
    if before is not None and after is not None and after - before >= step:
        return True
    return bool(_reasons_at_level(new) - _reasons_at_level(shown))


def _refer_emergency(alert: Alert, announce: bool) -> None:
    """The system refers at once for an emergency, unless a referral is already under way."""
    if alert.severity_level < ActionLevel.EMERGENCY:
        return
    if Referral.objects.filter(infant=alert.infant).exclude(status=Referral.Status.CLOSED).exists():
        return
    referral = Referral.objects.create(
        infant=alert.infant,
        alert=alert,
        hospital=nearest_hospital(alert.infant.registered_centre),
        referred_by=None,
        reason=_("Automatic referral: the assessment was an emergency."),
    )
    _audit(actor=None, alert_or_referral=referral, what="opened", reason="automatic, emergency")
    if announce:
        notify_referral(referral)


def _check_active(alert: Alert) -> None:
    if alert.status == Alert.Status.RESOLVED:
        raise ValidationError({"status": [_("This alert is already resolved.")]})


def _check_doctor(user: User) -> None:
    if user.role not in (User.Role.COMMUNITY_DOCTOR, User.Role.DISTRICT_DOCTOR):
        raise PermissionDenied(_("Only community and district doctors act on alerts."))


@transaction.atomic
def alert_acknowledge(*, alert: Alert, by: User) -> Alert:
    _check_doctor(by)
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    _check_active(alert)
    if alert.status == Alert.Status.OPEN:
        alert.status, alert.acknowledged_at, alert.acknowledged_by = (
            Alert.Status.ACKNOWLEDGED,
            timezone.now(),
            by,
        )
        alert.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
        _audit(actor=by, alert_or_referral=alert, what="acknowledged")
    return alert


@transaction.atomic
def alert_resolve(*, alert: Alert, by: User, outcome: str, note: str = "") -> Alert:
    _check_doctor(by)
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    _check_active(alert)
    if outcome not in Alert.Outcome.values:
        raise ValidationError({"outcome": [_("Unknown outcome.")]})
    if outcome == Alert.Outcome.OTHER and not note.strip():
        raise ValidationError({"note": [_("Say what happened when the outcome is 'other'.")]})
    now = timezone.now()
    if alert.acknowledged_at is None:  # resolving implies having seen it
        alert.acknowledged_at, alert.acknowledged_by = now, by
    alert.status, alert.resolved_at, alert.resolved_by = Alert.Status.RESOLVED, now, by
    alert.outcome, alert.outcome_note = outcome, note.strip()
    alert.save()
    _audit(actor=by, alert_or_referral=alert, what="resolved", reason=outcome)
    return alert


@transaction.atomic
def call_record(*, infant: Infant, by: User, reached: bool, note: str = "") -> Call:
    """A doctor records a call to the parents, tied to the infant's active alert if any."""
    _check_doctor(by)
    alert = Alert.objects.filter(infant=infant, status__in=ACTIVE).first()
    call = Call.objects.create(
        infant=infant, alert=alert, by=by, reached=reached, note=note.strip()
    )
    audit_record(
        actor=by,
        infant=infant,
        action=AuditEvent.Action.CREATE,
        object_type="call",
        object_id=call.public_id,
        reason="reached" if reached else "not reached",
    )
    return call


@transaction.atomic
def referral_create(
    *, infant: Infant, by: User, hospital: Facility | None = None, reason: str = ""
) -> Referral:
    """A doctor refers the infant (to the nearest hospital unless told otherwise); the active
    alert, if any, is resolved as "referred"."""
    _check_doctor(by)
    if hospital is None:
        hospital = nearest_hospital(infant.registered_centre)
    elif hospital.tier != Facility.Tier.TERTIARY_HOSPITAL:
        raise ValidationError({"hospital": [_("Refer to a tertiary hospital.")]})
    alert = Alert.objects.select_for_update().filter(infant=infant, status__in=ACTIVE).first()
    referral = Referral.objects.create(
        infant=infant, alert=alert, hospital=hospital, referred_by=by, reason=reason.strip()
    )
    _audit(actor=by, alert_or_referral=referral, what="opened", reason=hospital.name)
    notify_referral(referral)
    if alert is not None:
        alert_resolve(alert=alert, by=by, outcome=Alert.Outcome.REFERRED, note=hospital.name)
    return referral


REFERRAL_ORDER = [s.value for s in Referral.Status]


@transaction.atomic
def referral_update(
    *,
    referral: Referral,
    by: User,
    status: str,
    treatment: str = "",
    phototherapy_started_at=None,
    phototherapy_stopped_at=None,
) -> Referral:
    """The receiving hospital's paediatricians move a referral forward, never back.

    Phototherapy is recorded with its start (and its end, now or with a later update): the
    course goes on the infant's record, and its end starts the rebound follow-up."""
    if by.role != User.Role.PAEDIATRICIAN or by.facility_id != referral.hospital_id:
        raise PermissionDenied(_("Only the receiving hospital's paediatricians update a referral."))
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if status not in REFERRAL_ORDER:
        raise ValidationError({"status": [_("Unknown status.")]})
    # Recording the end of the phototherapy the referral gave keeps the status as it is.
    stop_only = (
        status == referral.status
        and phototherapy_stopped_at is not None
        and phototherapy_started_at is None
    )
    if not stop_only and REFERRAL_ORDER.index(status) <= REFERRAL_ORDER.index(referral.status):
        raise ValidationError(
            {
                "status": [
                    _("A referral moves forward only (now: %(s)s).")
                    % {"s": referral.get_status_display()}
                ]
            }
        )
    if (
        status == Referral.Status.TREATED
        and not stop_only
        and treatment not in Referral.Treatment.values
    ):
        raise ValidationError({"treatment": [_("Say which treatment was given.")]})
    phototherapy = (treatment or referral.treatment) == Referral.Treatment.PHOTOTHERAPY
    if treatment == Referral.Treatment.PHOTOTHERAPY and phototherapy_started_at is None:
        raise ValidationError(
            {"phototherapy_started_at": [_("Give the time phototherapy started.")]}
        )
    if (phototherapy_started_at or phototherapy_stopped_at) and not phototherapy:
        raise ValidationError(
            {
                "phototherapy_started_at": [
                    _("Phototherapy times go with the phototherapy treatment.")
                ]
            }
        )
    referral.status = status
    if treatment:
        referral.treatment = treatment
    referral.save()
    _audit(actor=by, alert_or_referral=referral, what=status, reason=treatment)
    # infants.services records readings through this module's alerts: imported here, once.
    from neocare.infants.assessments import assessment_record
    from neocare.infants.services import phototherapy_record, phototherapy_stop

    if phototherapy_started_at is not None:
        phototherapy_record(
            infant=referral.infant,
            by=by,
            started_at=phototherapy_started_at,
            stopped_at=phototherapy_stopped_at,
            referral=referral,
        )
    elif phototherapy_stopped_at is not None:
        course = referral.infant.phototherapy.filter(stopped_at__isnull=True).first()
        if course is None:
            raise ValidationError(
                {"phototherapy_stopped_at": [_("No course of phototherapy is running.")]}
            )
        phototherapy_stop(course=course, by=by, stopped_at=phototherapy_stopped_at)
    elif status in (Referral.Status.TREATED, Referral.Status.CLOSED) and not phototherapy:
        # The hospital sent the infant home without phototherapy: the plan is made again from
        # what the visit answered (what was measured and reported before it).
        assessment_record(infant=referral.infant, actor=by, at=timezone.now())
    return referral


def _first_paged_at(alert: Alert):
    """When the centre's doctors were first sent this alert (at its current severity): the
    escalation delay runs from then, so nobody above is paged about an alert the community
    doctor never received. None while the text still waits to go. With nobody to send it to,
    or every text failed, the delay runs from when the alert was raised."""
    texts = list(
        Message.objects.filter(
            infant_id=alert.infant_id,
            template="doctor_alert",
            dedupe_key__startswith=f"alert:{alert.pk}:",
            created_at__gte=alert.raised_at,
        ).values_list("status", "sent_at")
    )
    sent = [at for status, at in texts if at is not None]
    if sent:
        return min(sent)
    waiting = (Message.Status.PENDING, Message.Status.SENDING)
    if any(status in waiting for status, _ in texts):
        return None
    return alert.raised_at


def escalation_delay_minutes(severity: str) -> int:
    return settings.ALERT_ESCALATE_AFTER_MINUTES[severity]


def alerts_escalate(*, now=None) -> int:
    """Move unacknowledged alerts up one level when their time is up. Idempotent: each step is
    a conditional UPDATE, so two sweeps running at once escalate an alert once."""
    now = now or timezone.now()
    escalated = 0
    candidates = Alert.objects.filter(
        status=Alert.Status.OPEN, escalation_level__lt=Alert.Escalation.REGION
    ).select_related("infant")
    for alert in candidates.iterator():
        delay = timezone.timedelta(minutes=escalation_delay_minutes(alert.severity))
        since = _first_paged_at(alert) if alert.escalation_level == 0 else alert.escalated_at
        if since is None or since + delay > now:
            continue
        with transaction.atomic():
            claimed = Alert.objects.filter(
                pk=alert.pk, status=Alert.Status.OPEN, escalation_level=alert.escalation_level
            ).update(escalation_level=alert.escalation_level + 1, escalated_at=now)
            if not claimed:
                continue  # another sweep got there first
            escalated += 1
            alert.refresh_from_db()
            _audit(
                actor=None,
                alert_or_referral=alert,
                what="escalated",
                reason=alert.get_escalation_level_display(),
            )
            notify_escalation(alert, minutes=int((now - alert.raised_at).total_seconds() // 60))
    return escalated
