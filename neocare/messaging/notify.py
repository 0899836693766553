"""Who is told what, when something happens. Each function writes outbox rows in the caller's
transaction; `dedupe_key`s make a repeated event write nothing new."""

from django.utils import timezone, translation
from django.utils.formats import date_format

from neocare.messaging.services import message_enqueue
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


def notify_assessment(assessment) -> None:
    """Parents hear that a reading arrived, what it means and when to measure next."""
    if assessment.reading_id is None:
        return
    reading, infant = assessment.reading, assessment.infant
    for guardian in _guardians(infant):
        language = guardian.language
        advice = assessment.result["reasons"][0]["parent"].get(language, "")
        next_text = ""
        if assessment.next_measurement_at:
            with translation.override(language):
                next_text = " " + translation.gettext("Next measurement: %(when)s.") % {
                    "when": _when(assessment.next_measurement_at, language)
                }
        message_enqueue(
            recipient=guardian,
            template="reading_result",
            params={
                "infant": infant.display_name,
                "value": _value(reading),
                "advice": advice,
                "next": next_text,
            },
            infant=infant,
            urgent=assessment.action_level >= URGENT_FROM_LEVEL,
            dedupe_key=f"assessment:{assessment.pk}:{guardian.pk}",
        )


def _centre_doctors(centre):
    return User.objects.filter(role=User.Role.COMMUNITY_DOCTOR, facility=centre)


def notify_alert(alert) -> None:
    """The centre's doctors hear of a new or raised alert."""
    for doctor in _centre_doctors(alert.centre):
        message_enqueue(
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
    for doctor in doctors:
        message_enqueue(
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


def notify_referral(referral) -> None:
    """Parents are told where to take the baby today, with the address."""
    hospital = referral.hospital
    for guardian in _guardians(referral.infant):
        message_enqueue(
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


def notify_reminder(reminder, stage: int) -> None:
    infant = reminder.infant
    for guardian in _guardians(infant):
        message_enqueue(
            recipient=guardian,
            template="reminder" if stage == 1 else "reminder_second",
            params={
                "infant": infant.display_name,
                "due": _when(reminder.due_at, guardian.language),
            },
            infant=infant,
            dedupe_key=f"reminder:{reminder.pk}:{stage}:{guardian.pk}",
        )
    if stage == 2:
        for doctor in _centre_doctors(infant.registered_centre):
            message_enqueue(
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
