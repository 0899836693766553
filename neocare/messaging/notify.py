"""Who is told what, when something happens. Each function writes outbox rows in the caller's
transaction; `dedupe_key`s make a repeated event write nothing new."""

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from neocare.infants.models import Guardianship
from neocare.messaging.services import Draft, messages_enqueue
from neocare.network.models import Facility, User

URGENT_FROM_LEVEL = 4  # urgent referral and emergency go out at once, even in quiet hours


def _when(instant, language: str) -> str:
    with translation.override(language):
        return date_format(timezone.localtime(instant), "SHORT_DATETIME_FORMAT")


def _value(reading) -> str:
    """As sent, in the unit sent: mg/dL to 0.1, µmol/L whole (DOMAIN.md)."""
    if reading.unit_as_sent == "mg/dL":
        return f"{reading.value_as_sent:.1f} mg/dL"
    return f"{reading.value_as_sent:.0f} µmol/L"


def _guardians(infant):
    return [g.guardian for g in infant.guardianships.select_related("guardian")]


def _reference(infant) -> str:
    return str(infant.public_id)[:8]


def _what_was_sent(assessment) -> tuple[str, dict]:
    if assessment.photo_id is not None:
        photo = assessment.photo
        return "photo_result", {
            "low": f"{photo.estimate_low_mg_dl:.1f}",
            "high": f"{photo.estimate_high_mg_dl:.1f}",
        }
    return "reading_result", {"value": _value(assessment.reading)}


def notify_assessment(assessment) -> None:
    """Parents hear that a reading (or a usable photo) arrived, what it means and when to
    measure next. A photo's estimate is always sent as a range and called an estimate."""
    if assessment.reading_id is None and assessment.photo_id is None:
        return
    infant = assessment.infant
    template, sent = _what_was_sent(assessment)
    drafts = []
    for guardian in _guardians(infant):
        language = guardian.language
        advice = assessment.result["reasons"][0]["parent"].get(language, "")
        next_text = ""
        if assessment.next_measurement_at:
            with translation.override(language):
                next_text = " " + translation.gettext("Next measurement: %(when)s.") % {
                    "when": _when(assessment.next_measurement_at, language)
                }
        drafts.append(
            Draft(
                recipient=guardian,
                template=template,
                params={
                    "infant": infant.display_name,
                    **sent,
                    "advice": advice,
                    "next": next_text,
                },
                infant=infant,
                urgent=assessment.action_level >= URGENT_FROM_LEVEL,
                dedupe_key=f"assessment:{assessment.pk}:{guardian.pk}",
            )
        )
    messages_enqueue(drafts)


# What to do differently, one line per quality-gate reason (neocare.photos.models.Photo.Problem).
RETAKE_FIXES = {
    "card_too_small": _("hold the phone closer so that the card fills more of the photo."),
    "overexposed": _("avoid direct sunlight and flash; take it in bright shade or by a window."),
    "card_not_found": _("keep the whole card flat and in view, and mark it again in the app."),
    "blurred": _("hold the phone still and let it focus before taking the photo."),
    "underexposed": _("take it somewhere brighter, by a window in daylight."),
    "no_skin": _("lay the card flat on the baby's skin so that skin fills its window."),
}


def notify_photo_retake(photo) -> None:
    """Parents hear that a photo cannot be used, and the one thing to do differently."""
    drafts = []
    for guardian in _guardians(photo.infant):
        with translation.override(guardian.language):
            problem = str(photo.get_problem_display())
            fix = str(RETAKE_FIXES[photo.problem])
        drafts.append(
            Draft(
                recipient=guardian,
                template="photo_retake",
                params={"infant": photo.infant.display_name, "problem": problem, "fix": fix},
                infant=photo.infant,
                dedupe_key=f"photo-retake:{photo.pk}:{guardian.pk}",
            )
        )
    messages_enqueue(drafts)


def _centre_doctors(centre):
    return User.objects.filter(role=User.Role.COMMUNITY_DOCTOR, facility=centre)


def notify_alert(alert) -> None:
    """The centre's doctors hear of a new or raised alert."""
    messages_enqueue(
        [
            Draft(
                recipient=doctor,
                template="doctor_alert",
                params={
                    "severity": alert.get_severity_display(),
                    "infant": alert.infant.display_name,
                    "ref": _reference(alert.infant),
                },
                infant=alert.infant,
                urgent=alert.severity_level >= URGENT_FROM_LEVEL,
                dedupe_key=f"alert:{alert.pk}:{alert.severity_level}:{doctor.pk}",
            )
            for doctor in _centre_doctors(alert.centre)
        ]
    )


def notify_escalation(alert, minutes: int) -> None:
    """Level 1: the district centre's doctors. Level 2: the region's on-call list, which until a
    roster exists is every district doctor of the region."""
    district = alert.centre.district
    doctors = User.objects.filter(
        role=User.Role.DISTRICT_DOCTOR, facility__tier=Facility.Tier.DISTRICT_CENTRE
    )
    if alert.escalation_level == 1:
        doctors = doctors.filter(facility__district=district)
    else:
        doctors = doctors.filter(facility__district__region=district.region)
    messages_enqueue(
        [
            Draft(
                recipient=doctor,
                template="doctor_escalated",
                params={
                    "severity": alert.get_severity_display(),
                    "centre": alert.centre.name,
                    "minutes": minutes,
                    "ref": _reference(alert.infant),
                },
                infant=alert.infant,
                urgent=True,
                dedupe_key=f"escalation:{alert.pk}:{alert.escalation_level}:{doctor.pk}",
            )
            for doctor in doctors
        ]
    )


def notify_referral(referral) -> None:
    """Parents are told where to take the baby today, with the address."""
    hospital = referral.hospital
    messages_enqueue(
        [
            Draft(
                recipient=guardian,
                template="referral",
                params={
                    "infant": referral.infant.display_name,
                    "hospital": hospital.name,
                    "address": hospital.address,
                },
                infant=referral.infant,
                urgent=True,
                dedupe_key=f"referral:{referral.pk}:{guardian.pk}",
            )
            for guardian in _guardians(referral.infant)
        ]
    )


def notify_reminders(reminders, stage: int) -> None:
    """Stage 1: the parents are reminded. Stage 2: reminded again, and the centre's doctors
    told of the missed measurement. One batch of outbox rows for many reminders."""
    infants = {r.infant_id: r.infant for r in reminders}
    guardians: dict[int, list] = {}
    for link in Guardianship.objects.filter(infant_id__in=infants).select_related("guardian"):
        guardians.setdefault(link.infant_id, []).append(link.guardian)
    doctors: dict[int, list] = {}
    if stage == 2:
        centres = {i.registered_centre_id for i in infants.values()}
        for doctor in User.objects.filter(role=User.Role.COMMUNITY_DOCTOR, facility_id__in=centres):
            doctors.setdefault(doctor.facility_id, []).append(doctor)
    drafts = []
    for reminder in reminders:
        infant = reminder.infant
        for guardian in guardians.get(infant.pk, []):
            drafts.append(
                Draft(
                    recipient=guardian,
                    template="reminder" if stage == 1 else "reminder_second",
                    params={
                        "infant": infant.display_name,
                        "due": _when(reminder.due_at, guardian.language),
                    },
                    infant=infant,
                    dedupe_key=f"reminder:{reminder.pk}:{stage}:{guardian.pk}",
                )
            )
        for doctor in doctors.get(infant.registered_centre_id, []):
            drafts.append(
                Draft(
                    recipient=doctor,
                    template="doctor_missed_measurement",
                    params={
                        "infant": infant.display_name,
                        "ref": _reference(infant),
                        "due": _when(reminder.due_at, doctor.language),
                    },
                    infant=infant,
                    dedupe_key=f"reminder:{reminder.pk}:doctor:{doctor.pk}",
                )
            )
    messages_enqueue(drafts)
