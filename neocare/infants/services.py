"""Writes to infants' records. Every rule lives here once; the API, the batch sync and (later)
the console call these functions.

Errors: `django.core.exceptions.ValidationError` with a field dict for bad input (→ 400),
`PermissionDenied` for "you can see it, your role may not do that" (→ 403), and
`IdempotencyConflict` when a client key is reused for a different record (→ 409).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Generic, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from neocare.alerts.models import ACTIVE, Alert
from neocare.audit.models import AuditEvent
from neocare.audit.services import audit_record
from neocare.followup.models import Request
from neocare.followup.services import request_close
from neocare.infants.assessments import assessment_record
from neocare.infants.models import (
    FOLLOW_UP_ENDED,
    STOOL_CARD_PALE_NUMBERS,
    BreakGlassAccess,
    ClinicianThreshold,
    ConsentText,
    FollowUpStatus,
    Guardianship,
    Infant,
    Observation,
    Phototherapy,
    Reading,
)
from neocare.messaging import notify
from neocare.messaging.models import Message, Reminder
from neocare.network.models import Facility, User
from risk_model.tables import AAP_MIN_GA_WEEKS
from risk_model.units import Unit, to_mg_dl, to_umol_l


class IdempotencyConflict(Exception):
    """The client key was already used for a different record."""


T = TypeVar("T")


@dataclass(frozen=True)
class Recorded(Generic[T]):
    record: T
    created: bool


def _check_not_in_future(field: str, instant: datetime) -> None:
    tolerance = timedelta(minutes=settings.CLOCK_SKEW_TOLERANCE_MINUTES)
    if instant > timezone.now() + tolerance:
        raise ValidationError(
            {
                field: [
                    _(
                        "This time is in the future (more than %(minutes)d minutes ahead of the "
                        "server clock). Check the device's date and time."
                    )
                    % {"minutes": settings.CLOCK_SKEW_TOLERANCE_MINUTES}
                ]
            }
        )


def check_within_neonatal_period(infant: Infant, field: str, instant: datetime) -> None:
    """Readings and observations are accepted from birth to READING_MAX_AGE_DAYS of age."""
    _check_not_in_future(field, instant)
    if instant < infant.birth_at:
        raise ValidationError({field: [_("This time is before the infant's birth.")]})
    age_days = infant.age_hours_at(instant) / 24
    if age_days > settings.READING_MAX_AGE_DAYS:
        raise ValidationError(
            {
                field: [
                    _(
                        "The infant was %(age).1f days old at this time; jaundice monitoring "
                        "accepts records up to %(max)d days of age (neonatal period)."
                    )
                    % {"age": age_days, "max": settings.READING_MAX_AGE_DAYS}
                ]
            }
        )


def check_may_record_for(infant: Infant, user: User) -> None:
    """The caller already found `infant` in the user's scope; here only role rules."""
    if user.role == User.Role.GUARDIAN:
        consent = infant.guardianships.filter(guardian=user).first()
        if consent is None or not consent.consent_active:
            raise PermissionDenied(
                _(
                    "Consent to the programme was withdrawn for this infant; give consent again "
                    "to send records."
                )
            )
    elif not user.is_clinician and user.role != User.Role.HOSPITAL_SYSTEM:
        raise PermissionDenied(_("Your role may not record readings."))


def original_or_conflict(model: type[T], *, idempotency_key: str, same: dict, **owner) -> T | None:
    """The record already stored under this key by this `owner` (e.g. `entered_by=user`), or
    None; IdempotencyConflict when it differs from what is sent again (`same`)."""
    original = model.objects.filter(idempotency_key=idempotency_key, **owner).first()
    if original is None:
        return None
    differing = [name for name, value in same.items() if getattr(original, name) != value]
    if differing:
        raise IdempotencyConflict(
            _(
                "This idempotency key was already used for a different record (differs in: "
                "%(fields)s). Use a new key for a new record."
            )
            % {"fields": ", ".join(sorted(differing))}
        )
    return original


def _record_once(
    model: type[T],
    *,
    infant: Infant,
    entered_by: User,
    idempotency_key: str,
    time_field: str,
    sent: dict,
    derived: dict,
    announce: bool = True,
) -> Recorded[T]:
    """Create a reading or observation once per (entered_by, idempotency_key).

    The unique constraint on that pair is what makes duplicates impossible: a new record (the
    common case) is inserted without a lookup first; a resend or a raced copy lands in the
    IntegrityError branch and gets the original. A resend that the rules would now refuse
    (consent withdrawn since) still gets its original. The record and its audit row commit
    together (a savepoint when the caller already holds a transaction). A resend must match
    what the client `sent`; the `derived` fields (canonical value, channel) may differ between
    the copies.
    """
    same = {"infant_id": infant.id, **sent}

    def original() -> T | None:
        return original_or_conflict(
            model, entered_by=entered_by, idempotency_key=idempotency_key, same=same
        )

    try:
        check_may_record_for(infant, entered_by)
        check_within_neonatal_period(infant, time_field, sent[time_field])
    except (PermissionDenied, ValidationError):
        stored = original()
        if stored is None:
            raise
        return Recorded(stored, created=False)
    try:
        with transaction.atomic():
            record = model.objects.create(
                infant=infant,
                entered_by=entered_by,
                idempotency_key=idempotency_key,
                **sent,
                **derived,
            )
            # Assessed in the same transaction, with all that follows (alert, messages,
            # reminder): a reading is never stored without what the guideline said about it.
            assessment_record(
                infant=infant,
                actor=entered_by,
                announce=announce,
                **{model._meta.model_name: record},
            )
            audit_record(
                actor=entered_by,
                infant=infant,
                action=AuditEvent.Action.CREATE,
                object_type=model._meta.model_name,
                object_id=record.public_id,
            )
    except IntegrityError:
        stored = original()
        if stored is None:  # the constraint that fired was not the idempotency one
            raise
        return Recorded(stored, created=False)
    return Recorded(record, created=True)


def reading_record(
    *,
    infant: Infant,
    method: str,
    value: Decimal,
    unit: str,
    measured_at: datetime,
    entered_by: User,
    channel: str,
    idempotency_key: str,
    device_id: str = "",
    announce: bool = True,
) -> Recorded[Reading]:
    """Record one bilirubin reading, or return the original if this key was seen before.

    `announce=False` loads a record of the past (demo data): see `assessment_record`."""
    return _record_once(
        Reading,
        infant=infant,
        entered_by=entered_by,
        idempotency_key=idempotency_key,
        time_field="measured_at",
        sent={
            "method": method,
            "value_as_sent": value,
            "unit_as_sent": unit,
            "measured_at": measured_at,
        },
        derived={
            "value_umol_l": to_umol_l(value, unit),
            "channel": channel,
            "device_id": device_id,
        },
        announce=announce,
    )


def observation_record(
    *,
    infant: Infant,
    observed_at: datetime,
    entered_by: User,
    channel: str,
    idempotency_key: str,
    **values,
) -> Recorded[Observation]:
    """Record what a parent observed (weight, feeds, stool colour, alertness); idempotent.

    A stool colour card number is read by the card's own definition of pale.
    """
    card = values.get("stool_card_number")
    if card is not None:
        derived = (
            Observation.StoolColour.PALE
            if card in STOOL_CARD_PALE_NUMBERS
            else Observation.StoolColour.NORMAL
        )
        if values.get("stool_colour") and values["stool_colour"] != derived:
            raise ValidationError(
                {
                    "stool_colour": [
                        _("Stool colour card number %(number)d means %(colour)s; the two disagree.")
                        % {"number": card, "colour": derived.label}
                    ]
                }
            )
        values["stool_colour"] = derived
    values.setdefault("stool_colour", "")
    return _record_once(
        Observation,
        infant=infant,
        entered_by=entered_by,
        idempotency_key=idempotency_key,
        time_field="observed_at",
        sent={"observed_at": observed_at, **values},
        derived={"channel": channel},
    )


def _check_centre_in_scope(user: User, centre: Facility) -> None:
    if centre.tier != Facility.Tier.COMMUNITY_CENTRE:
        raise ValidationError({"registered_centre": [_("Choose a community health centre.")]})
    # A hospital system hands its newborns over to any centre (the family's).
    if user.role == User.Role.COMMUNITY_DOCTOR and centre.id != user.facility_id:
        raise ValidationError(
            {"registered_centre": [_("A community doctor registers infants at their own centre.")]}
        )
    if user.role == User.Role.DISTRICT_DOCTOR and centre.district_id != user.facility.district_id:
        raise ValidationError({"registered_centre": [_("Choose a centre in your district.")]})


@transaction.atomic
def infant_register(*, by: User, **fields) -> Infant:
    """Register an infant in the programme. Clinicians only; the centre must be in their reach."""
    if not by.is_clinician and by.role != User.Role.HOSPITAL_SYSTEM:
        raise PermissionDenied(_("Only clinicians register infants."))
    _check_not_in_future("birth_at", fields["birth_at"])
    discharged_at = fields.get("discharged_at")
    if discharged_at is not None:
        _check_not_in_future("discharged_at", discharged_at)
        if discharged_at < fields["birth_at"]:
            raise ValidationError({"discharged_at": [_("Discharge cannot precede birth.")]})
    _check_centre_in_scope(by, fields["registered_centre"])
    hospital = fields.get("delivering_hospital")
    if hospital is None and by.role == User.Role.PAEDIATRICIAN:
        fields["delivering_hospital"] = hospital = by.facility
    if hospital is not None and hospital.tier == Facility.Tier.COMMUNITY_CENTRE:
        raise ValidationError({"delivering_hospital": [_("Choose a hospital that delivers.")]})
    infant = Infant.objects.create(created_by=by, **fields)
    audit_record(
        actor=by,
        infant=infant,
        action=AuditEvent.Action.CREATE,
        object_type="infant",
        object_id=infant.public_id,
    )
    return infant


@transaction.atomic
def guardian_link(
    *,
    infant: Infant,
    by: User,
    phone_number,
    display_name: str,
    relationship: str,
    consent_given_at: datetime,
    language: str = "zh-hans",
    consent_version: str | None = None,
    announce: bool = True,
) -> Guardianship:
    """Link a guardian (found or created by phone number) to an infant, with their consent to
    the consent text `consent_version` (the one in force if not named), recorded on the link.

    Linking the same guardian again updates the relationship and renews consent. A new link, or
    consent given again after a withdrawal, sends the guardian the SMS invitation.
    """
    if not by.is_clinician and by.role != User.Role.HOSPITAL_SYSTEM:
        raise PermissionDenied(_("Only clinicians link guardians."))
    _check_not_in_future("consent_given_at", consent_given_at)
    consent_text = (
        ConsentText.objects.filter(version=consent_version).first()
        if consent_version
        else ConsentText.current()
    )
    if consent_text is None:
        raise ValidationError({"consent_version": [_("No consent text has this version.")]})
    guardian = User.objects.filter(phone_number=phone_number).first()
    if guardian is None:
        guardian = User(
            username=str(phone_number),
            phone_number=phone_number,
            role=User.Role.GUARDIAN,
            first_name=display_name,
            language=language,
        )
        # Parents sign in to the app by phone; no password is chosen here.
        guardian.set_unusable_password()
        guardian.save()
    elif guardian.role != User.Role.GUARDIAN:
        raise ValidationError(
            {
                "phone_number": [
                    _("This number belongs to a staff account and cannot be linked as a guardian.")
                ]
            }
        )
    earlier = Guardianship.objects.filter(infant=infant, guardian=guardian).first()
    joining = earlier is None or not earlier.consent_active
    guardianship, _created = Guardianship.objects.update_or_create(
        infant=infant,
        guardian=guardian,
        defaults={
            "relationship": relationship,
            "consent_given_at": consent_given_at,
            "consent_withdrawn_at": None,
            "consent_text": consent_text,
        },
    )
    if joining and announce:
        notify.notify_invitation(guardianship)
    audit_record(
        actor=by,
        infant=infant,
        action=AuditEvent.Action.LINK_GUARDIAN,
        object_type="guardian",
        object_id=guardian.public_id,
    )
    return guardianship


@transaction.atomic
def consent_withdraw(*, infant: Infant, guardian: User) -> Guardianship:
    """A guardian leaves the programme for this infant. Idempotent: the first time is kept."""
    if guardian.role != User.Role.GUARDIAN:
        raise PermissionDenied(_("Only the guardian can withdraw their consent."))
    guardianship = Guardianship.objects.select_for_update().get(infant=infant, guardian=guardian)
    if guardianship.consent_withdrawn_at is None:
        guardianship.consent_withdrawn_at = timezone.now()
        guardianship.save(update_fields=["consent_withdrawn_at"])
        # What still waits in the outbox for them about this infant (a reminder held by quiet
        # hours, an article) is not sent either; kept, with the reason.
        Message.objects.filter(
            recipient=guardian, infant=infant, status=Message.Status.PENDING
        ).update(status=Message.Status.SUPPRESSED, reason="consent_withdrawn")
        audit_record(
            actor=guardian,
            infant=infant,
            action=AuditEvent.Action.UPDATE,
            object_type="consent",
            object_id=guardian.public_id,
            reason="withdrawn",
        )
    return guardianship


@transaction.atomic
def break_glass_open(*, paediatrician: User, infant: Infant, reason: str) -> BreakGlassAccess:
    """Open a paediatrician's time-limited, audited access to an infant outside their scope."""
    if paediatrician.role != User.Role.PAEDIATRICIAN:
        raise PermissionDenied(_("Only paediatricians may use break-glass access."))
    now = timezone.now()
    grant = BreakGlassAccess.objects.create(
        paediatrician=paediatrician,
        infant=infant,
        reason=reason,
        granted_at=now,
        expires_at=now + timedelta(hours=settings.BREAK_GLASS_DURATION_HOURS),
    )
    audit_record(
        actor=paediatrician,
        infant=infant,
        action=AuditEvent.Action.BREAK_GLASS,
        object_type="infant",
        object_id=infant.public_id,
        reason=reason,
    )
    return grant


# --- Treatment and clinician-set thresholds (issue #12) -----------------------------------------
@transaction.atomic
def phototherapy_record(
    *,
    infant: Infant,
    by: User,
    started_at: datetime,
    stopped_at: datetime | None = None,
    referral=None,
) -> Phototherapy:
    """A paediatrician records a course of phototherapy (started, and stopped if it has). The
    infant is assessed at the course's latest event: under treatment the treating team decides;
    once stopped, the rebound follow-up of DOMAIN.md begins (reminder, parents told)."""
    if by.role != User.Role.PAEDIATRICIAN:
        raise PermissionDenied(_("Only paediatricians record phototherapy."))
    _check_not_in_future("started_at", started_at)
    if started_at < infant.birth_at:
        raise ValidationError({"started_at": [_("This time is before the infant's birth.")]})
    if stopped_at is not None:
        _check_not_in_future("stopped_at", stopped_at)
        if stopped_at < started_at:
            raise ValidationError({"stopped_at": [_("Phototherapy cannot stop before it starts.")]})
    if (
        Phototherapy.objects.filter(infant=infant, stopped_at__isnull=True)
        .exclude(started_at=started_at)
        .exists()
    ):
        raise ValidationError(
            {"started_at": [_("A course of phototherapy is still running; record its end first.")]}
        )
    course, _created = Phototherapy.objects.update_or_create(
        infant=infant,
        started_at=started_at,
        defaults={"stopped_at": stopped_at, "recorded_by": by, "referral": referral},
    )
    audit_record(
        actor=by,
        infant=infant,
        action=AuditEvent.Action.CREATE if _created else AuditEvent.Action.UPDATE,
        object_type="phototherapy",
        object_id=course.public_id,
        reason="stopped" if stopped_at else "started",
    )
    assessment_record(infant=infant, actor=by, phototherapy=course)
    return course


@transaction.atomic
def phototherapy_stop(*, course: Phototherapy, by: User, stopped_at: datetime) -> Phototherapy:
    """The course ended: record when, and start the rebound follow-up."""
    course = Phototherapy.objects.select_for_update().get(pk=course.pk)
    if course.stopped_at is not None:
        raise ValidationError({"stopped_at": [_("This course has already been stopped.")]})
    return phototherapy_record(
        infant=course.infant,
        by=by,
        started_at=course.started_at,
        stopped_at=stopped_at,
        referral=course.referral,
    )


@transaction.atomic
def clinician_threshold_set(
    *,
    infant: Infant,
    by: User,
    phototherapy: Decimal,
    exchange: Decimal | None,
    unit: str,
    note: str = "",
) -> ClinicianThreshold:
    """A paediatrician or district doctor sets thresholds for an infant AAP 2022 does not cover
    (below 35 weeks). A number no infant's threshold can be (below CLINICIAN_THRESHOLD_MIN_MG_DL:
    a typing or unit error) is refused in words; the infant is re-assessed at once on the new
    thresholds, and the engine says so."""
    if by.role not in (User.Role.PAEDIATRICIAN, User.Role.DISTRICT_DOCTOR):
        raise PermissionDenied(_("Only paediatricians and district doctors set thresholds."))
    if infant.gestational_age_weeks >= AAP_MIN_GA_WEEKS:
        raise ValidationError(
            {
                "phototherapy": [
                    _(
                        "This infant is 35 weeks or more: the AAP 2022 thresholds apply and "
                        "cannot be replaced."
                    )
                ]
            }
        )
    floor, ceiling = settings.CLINICIAN_THRESHOLD_MIN_MG_DL, settings.READING_MAX_MG_DL
    for field, value in (("phototherapy", phototherapy), ("exchange", exchange)):
        if value is None:
            continue
        mg_dl = to_mg_dl(value, unit)
        if not floor <= mg_dl <= ceiling:
            raise ValidationError(
                {
                    field: [
                        _(
                            "%(value)s %(unit)s (%(mg).1f mg/dL) is not a threshold any infant "
                            "has: give one between %(low).1f and %(high)d mg/dL (%(low_umol)d–"
                            "%(high_umol)d μmol/L), and check the unit."
                        )
                        % {
                            "value": f"{value.normalize():f}",
                            "unit": "μmol/L" if Unit(unit) is Unit.UMOL_L else "mg/dL",
                            "mg": mg_dl,
                            "low": floor,
                            "high": ceiling,
                            "low_umol": round(to_umol_l(floor, Unit.MG_DL)),
                            "high_umol": round(to_umol_l(ceiling, Unit.MG_DL)),
                        }
                    ]
                }
            )
    if exchange is not None and exchange <= phototherapy:
        raise ValidationError(
            {"exchange": [_("The exchange threshold must be above the phototherapy threshold.")]}
        )
    threshold = ClinicianThreshold.objects.create(
        infant=infant,
        unit_as_sent=Unit(unit).value,
        phototherapy_as_sent=phototherapy,
        exchange_as_sent=exchange,
        note=note.strip(),
        set_by=by,
    )
    audit_record(
        actor=by,
        infant=infant,
        action=AuditEvent.Action.CREATE,
        object_type="clinician_threshold",
        object_id=threshold.public_id,
    )
    # The infant is re-assessed at once on the clinician's thresholds (the plan follows).
    assessment_record(infant=infant, actor=by, at=timezone.now())
    return threshold


@transaction.atomic
def plan_request_close(*, request, by: User, reason: str):
    """A clinician closes a request of the follow-up plan with a reason (audited); the infant
    is re-assessed at once, so the plan, the alert and every page follow the decision."""
    closed = request_close(request=request, by=by, reason=reason)
    assessment_record(infant=closed.infant, actor=by, at=timezone.now())
    return closed


# Who decides about an infant's follow-up and corrects its facts: clinicians in scope, and the
# hospital's information system (FHIR).
DECIDERS = (
    User.Role.COMMUNITY_DOCTOR,
    User.Role.DISTRICT_DOCTOR,
    User.Role.PAEDIATRICIAN,
    User.Role.HOSPITAL_SYSTEM,
)


def _check_decider(by: User) -> None:
    if by.role not in DECIDERS:
        raise PermissionDenied(_("Only clinicians change an infant's follow-up or its facts."))


def _reason_given(reason: str) -> str:
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason.")]})
    return reason.strip()


@transaction.atomic
def follow_up_status_set(*, infant: Infant, by: User, status: str, reason: str) -> Infant:
    """Set where the infant's follow-up stands (audited with the reason).

    Ending it (completed, moved, died, declined) stops at once every reminder and every
    automatic text to the family — pending ones are kept as not sent, later ones are never
    written — and closes the plan's open requests and the open alert with the reason: nobody
    is paged about it any more, and "died" says nothing to the family. Taking it up again
    re-assesses the infant, so the plan starts from what the record says now."""
    _check_decider(by)
    if status not in FollowUpStatus.values:
        raise ValidationError({"status": [_("Unknown follow-up status.")]})
    reason = _reason_given(reason)
    infant = Infant.objects.select_for_update().get(pk=infant.pk)
    before = infant.follow_up_status
    if before == status:
        return infant
    infant.follow_up_status = status
    infant.save(update_fields=["follow_up_status"])
    audit_record(
        actor=by,
        infant=infant,
        action=AuditEvent.Action.UPDATE,
        object_type="follow_up_status",
        object_id=infant.public_id,
        reason=f"{before} → {status}: {reason}",
    )
    if status in FOLLOW_UP_ENDED:
        _follow_up_end(infant, by, status, reason)
    elif before in FOLLOW_UP_ENDED:
        assessment_record(infant=infant, actor=by, at=timezone.now())
    return infant


def _follow_up_end(infant: Infant, by: User, status: str, reason: str) -> None:
    now = timezone.now()
    Reminder.objects.filter(
        infant=infant, status__in=(Reminder.Status.PENDING, Reminder.Status.FIRST_SENT)
    ).update(status=Reminder.Status.CANCELLED)
    Message.objects.filter(
        infant=infant, recipient__role=User.Role.GUARDIAN, status=Message.Status.PENDING
    ).update(status=Message.Status.SUPPRESSED, reason=status)
    note = f"{FollowUpStatus(status).label}: {reason}"
    Request.objects.filter(infant=infant, status=Request.Status.OPEN).update(
        status=Request.Status.FOLLOW_UP_ENDED, ended_at=now, closed_by=by, close_reason=note
    )
    for alert in Alert.objects.select_for_update().filter(infant=infant, status__in=ACTIVE):
        alert.status, alert.resolved_at, alert.resolved_by = Alert.Status.RESOLVED, now, by
        alert.acknowledged_at = alert.acknowledged_at or now
        alert.outcome, alert.outcome_note = Alert.Outcome.OTHER, note
        alert.save()
        audit_record(
            actor=by,
            infant=infant,
            action=AuditEvent.Action.UPDATE,
            object_type="alert",
            object_id=alert.public_id,
            reason=f"resolved: {status}",
        )


# The facts a clinician may correct after registration; each changes the thresholds or the
# monitoring, so the infant is re-assessed at once.
CORRECTABLE = (
    "birth_at",
    "gestational_age_weeks",
    "gestational_age_days",
    "birth_weight_g",
    "feeding",
    "neurotoxicity_risk_factors",
    "hyperbilirubinemia_risk_factors",
)


@transaction.atomic
def infant_facts_correct(*, infant: Infant, by: User, reason: str, **changes) -> Infant:
    """A clinician corrects the infant's facts (a G6PD result found later, the gestation, the
    birth time, the feeding) with a reason; every change is audited with its old and new
    value, and the infant is re-assessed at once."""
    _check_decider(by)
    reason = _reason_given(reason)
    unknown = set(changes) - set(CORRECTABLE)
    if unknown:
        raise ValidationError(
            {name: [_("This fact cannot be corrected here.")] for name in unknown}
        )
    infant = Infant.objects.select_for_update().get(pk=infant.pk)
    changed = {
        name: (getattr(infant, name), value)
        for name, value in changes.items()
        if getattr(infant, name) != value
    }
    if not changed:
        return infant
    if "birth_at" in changed:
        birth = changed["birth_at"][1]
        _check_not_in_future("birth_at", birth)
        first = infant.readings.order_by("measured_at").values_list("measured_at", flat=True)
        if first.first() is not None and first.first() < birth:
            raise ValidationError(
                {"birth_at": [_("A reading of this infant was measured before this time.")]}
            )
    for name, (_old, new) in changed.items():
        setattr(infant, name, new)
    infant.save(update_fields=list(changed))
    audit_record(
        actor=by,
        infant=infant,
        action=AuditEvent.Action.UPDATE,
        object_type="infant_facts",
        object_id=infant.public_id,
        reason="; ".join(f"{name}: {old} → {new}" for name, (old, new) in changed.items())
        + f" ({reason})",
    )
    assessment_record(infant=infant, actor=by, at=timezone.now())
    return infant
