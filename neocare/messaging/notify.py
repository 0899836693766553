"""Who is told what, when something happens. Each function writes outbox rows in the caller's
transaction; `dedupe_key`s make a repeated event write nothing new."""

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from neocare.infants.models import ActionLevel, Guardianship, Reading
from neocare.infants.selectors import infants_visible_to
from neocare.messaging.models import Reminder
from neocare.messaging.services import Draft, messages_enqueue, quiet_until
from neocare.network.models import Facility, User
from neocare.network.places import blood_test_place
from risk_model.units import Unit, mg_dl_shown, umol_l_shown

logger = logging.getLogger(__name__)

# What is asked "today" or "within hours" goes out at once, whatever the hour and the day's
# budget: a doctor's review today (a blood test within hours on day one, a rapid rise, a TcB
# to confirm), an urgent referral, an emergency. Quiet hours and budgets govern the rest.
URGENT_FROM = ActionLevel.DOCTOR_REVIEW
# A next measurement due within this long is "now" in the parents' text.
DUE_NOW_MINUTES = 15
# How a time reads in a text: GLOSSARY.md "请在 11月30日 09:00 前复测".
WHEN_FORMAT = {"zh-hans": "n月j日 H:i", "en": "j M, H:i"}
DAY_FORMAT = {"zh-hans": "n月j日", "en": "j M"}


def _day(instant, language: str) -> str:
    with translation.override(language):
        return date_format(timezone.localtime(instant), DAY_FORMAT.get(language, "Y-m-d"))


def _when(instant, language: str) -> str:
    with translation.override(language):
        return date_format(timezone.localtime(instant), WHEN_FORMAT.get(language, "Y-m-d H:i"))


def _in_language(text, person) -> str:
    """A label as the recipient reads it (parameters are stored as text, in their language)."""
    with translation.override(person.language or settings.LANGUAGE_CODE):
        return str(text())


def _separator(language: str) -> str:
    """Sentences follow each other with a space in English, without one in Chinese."""
    return "" if language == "zh-hans" else " "


def _duration(minutes: int) -> str:
    """ "4 h 9 min" rather than "249 min" (in the current language)."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return gettext("%(m)d min") % {"m": rest}
    return gettext("%(h)d h %(m)d min") % {"h": hours, "m": rest}


def _why(alert, person, news: frozenset[str] = frozenset()) -> str:
    """What set the alert, in the doctor's language: the assessment's first clinician reason
    after the action — or, when it pages again for a new reason, that reason."""
    reasons = alert.assessment.result.get("reasons", [])
    language = person.language or settings.LANGUAGE_CODE
    new = [r for r in reasons[1:] if r["code"] in news]
    if new:
        return new[0]["clinician"][language]
    return reasons[1]["clinician"][language] if len(reasons) > 1 else ""


def _guardians(infant):
    return [g.guardian for g in infant.guardianships.select_related("guardian")]


def _reference(infant) -> str:
    return str(infant.public_id)[:8]


def _what_was_sent(assessment) -> tuple[str, dict]:
    """The template and what it names, in the current language. Visual and photo values are
    always called estimates."""
    if assessment.photo_id is not None:
        return "photo_result", {"range": photo_range(assessment.photo)}
    if assessment.phototherapy_id is not None:
        return "treatment_result", {}
    reading = assessment.reading
    # The value as the parents sent it, in their meter's unit (mg/dL to 0.1, µmol/L whole).
    sent, unit = float(reading.value_as_sent), reading.unit_as_sent
    if unit == Unit.MG_DL:
        value = f"{mg_dl_shown(sent)} mg/dL"
    else:
        value = f"{umol_l_shown(sent, unit)} " + (
            "μmol/L" if translation.get_language() == "zh-hans" else "µmol/L"
        )
    if reading.method == Reading.Method.VISUAL:
        what = gettext("visual estimate of %(value)s (not a measurement)") % {"value": value}
    elif reading.method == Reading.Method.TSB_LAB:
        what = gettext("blood test result %(value)s") % {"value": value}
    else:
        what = gettext("meter reading %(value)s") % {"value": value}
    return "reading_result", {"what": what}


def photo_range(photo) -> str:
    """A usable photo's estimate as a range, in the current language's unit (μmol/L for
    Chinese, mg/dL for English)."""
    low, high = photo.estimate_low_mg_dl, photo.estimate_high_mg_dl
    if translation.get_language() == "zh-hans":
        return f"{umol_l_shown(low, Unit.MG_DL)}–{umol_l_shown(high, Unit.MG_DL)} μmol/L"
    return f"{low:.1f}–{high:.1f} mg/dL"


def _next_text(assessment, now) -> str:
    """When to measure next, counted from now: a time, "now", or who decides."""
    due = assessment.next_measurement_at
    language = translation.get_language()
    space = _separator(language)
    if due is None:
        if assessment.result.get("decided_by") == "treating_team":
            return space + gettext("The hospital team will tell you when to measure next.")
        return ""  # the action itself sends the baby to hospital
    kind = assessment.result.get("next_measurement_kind") or "measurement"
    if kind == "prolonged_check":
        return space + gettext(
            "If your baby still looks yellow on %(when)s, see your doctor for a blood test "
            "(total and direct bilirubin), and check the stool colour with the card."
        ) % {"when": _day(due, language)}
    if due <= now + timedelta(minutes=DUE_NOW_MINUTES):
        if kind == "tsb":
            where = blood_test_where(assessment.infant, now, now, language)
            return space + gettext("Please have a blood test now, %(where)s.") % {"where": where}
        return space + gettext("Please measure again now.")
    when = {"when": _when(due, language)}
    if kind == "tsb":
        where = blood_test_where(assessment.infant, now, due, language)
        return space + gettext("Please have a blood test %(where)s by %(when)s.") % {
            **when,
            "where": where,
        }
    return space + gettext("Please measure again by %(when)s.") % when


def blood_test_where(infant, now, due, language: str) -> str:
    """Where the family can have the blood test in time, in words: their community health
    centre while it is open (from when, if it opens later), or else the nearest hospital,
    with its address — never a closed door."""
    place, at = blood_test_place(infant.registered_centre, now, due)
    if place.tier != Facility.Tier.COMMUNITY_CENTRE:
        return gettext(
            "at %(place)s (%(address)s; your community health centre is closed until then)"
        ) % {"place": place.name, "address": place.address}
    if at > now + timedelta(minutes=DUE_NOW_MINUTES):
        return gettext("at %(place)s, open from %(opens)s,") % {
            "place": place.name,
            "opens": _when(at, language),
        }
    return gettext("at %(place)s") % {"place": place.name}


def assessment_is_urgent(assessment, now) -> bool:
    """Whether the parents' message about this assessment must go now: it asks for something
    today or within hours, or it names a time before quiet hours end (held, it would name a
    time already past)."""
    due = assessment.next_measurement_at
    return assessment.level >= URGENT_FROM or (due is not None and due <= quiet_until(now))


def notify_assessment(assessment, *, now) -> None:
    """Parents hear that a reading, a usable photo or a change of treatment was recorded, what it
    means and when to measure next (the assessment's one parent message)."""
    if assessment.observation_id is not None:
        return  # observations change the advice; an emergency reaches them as a referral
    records = (assessment.reading_id, assessment.photo_id, assessment.phototherapy_id)
    if all(record is None for record in records):
        return  # a clinician's decision: the clinician speaks with the family
    infant = assessment.infant
    drafts = []
    for guardian in _guardians(infant):
        language = guardian.language or settings.LANGUAGE_CODE
        with translation.override(language):
            template, sent = _what_was_sent(assessment)
            params = {
                "infant": infant.display_name,
                **sent,
                "advice": assessment.result["advice"][language],
                "next": _next_text(assessment, now),
            }
        drafts.append(
            Draft(
                recipient=guardian,
                template=template,
                params=params,
                infant=infant,
                assessment=assessment,
                urgent=assessment_is_urgent(assessment, now),
                dedupe_key=f"assessment:{assessment.pk}:{guardian.pk}",
            )
        )
    messages_enqueue(drafts)


# What to do differently, one line per quality-gate reason (neocare.photos.models.Photo.Problem).
RETAKE_FIXES = {
    "card_too_small": _("hold the phone closer so that the card fills more of the photo."),
    "overexposed": _("avoid direct sunlight and flash; take it in bright shade or by a window."),
    "card_not_found": _(
        "keep the whole card flat and in view, and mark it again in the app (on the web page: "
        "let the card fill the photo)."
    ),
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


def notify_alert(alert, news: frozenset[str] = frozenset()) -> None:
    """The centre's doctors hear of a new or raised alert (or a worse value at its level) at
    once: every alert asks a doctor for something today."""
    messages_enqueue(
        [
            Draft(
                recipient=doctor,
                template="doctor_alert",
                params={
                    "severity": _in_language(alert.get_severity_display, doctor),
                    "why": _why(alert, doctor, news),
                    "infant": alert.infant.display_name,
                    "ref": _reference(alert.infant),
                },
                infant=alert.infant,
                urgent=True,
                dedupe_key=f"alert:{alert.pk}:{alert.assessment_id}:{doctor.pk}",
            )
            for doctor in _centre_doctors(alert.centre)
        ]
    )


def escalation_recipients(alert) -> list:
    """Who is paged when an alert escalates, in order: level 1 the district centre's doctors of
    the infant's district; level 2 (the region, until an on-call roster exists) the district
    doctors again and the paediatricians of any hospital the infant is referred to. Only
    people who can open the infant's record are paged: nobody gets a page they meet with 404."""
    infant = alert.infant
    district = infant.registered_centre.district
    doctors = User.objects.filter(
        role=User.Role.DISTRICT_DOCTOR,
        facility__tier=Facility.Tier.DISTRICT_CENTRE,
        facility__district=district,
    ).select_related("facility")
    people = list(doctors)
    if alert.escalation_level >= 2:
        hospitals = infant.referrals.exclude(status="closed").values("hospital_id")
        people += list(User.objects.filter(role=User.Role.PAEDIATRICIAN, facility_id__in=hospitals))
    return [p for p in people if infants_visible_to(p).filter(pk=infant.pk).exists()]


def notify_escalation(alert, minutes: int) -> None:
    """The people who can act above the centre hear that an alert is still unanswered."""
    recipients = escalation_recipients(alert)
    if not recipients:
        logger.error(
            "alert %s escalated to level %s: nobody at that level can see the infant",
            alert.public_id,
            alert.escalation_level,
        )
    messages_enqueue(
        [
            Draft(
                recipient=doctor,
                template="doctor_escalated",
                params={
                    "severity": _in_language(alert.get_severity_display, doctor),
                    "centre": alert.centre.name,
                    "waited": _in_language(lambda: _duration(minutes), doctor),
                    "ref": _reference(alert.infant),
                },
                infant=alert.infant,
                urgent=True,
                dedupe_key=f"escalation:{alert.pk}:{alert.escalation_level}:{doctor.pk}",
            )
            for doctor in recipients
        ]
    )


def notify_referral(referral) -> None:
    """Parents are told where to take the baby, with the address: today, or — for an
    emergency — now, to the emergency department (with 120 for a baby who is very unwell)."""
    hospital = referral.hospital
    alert = referral.alert
    emergency = alert is not None and alert.severity_level >= ActionLevel.EMERGENCY
    messages_enqueue(
        [
            Draft(
                recipient=guardian,
                template="referral_emergency" if emergency else "referral",
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


# Reminder templates by what is due and by stage (1: the reminder, 2: the second one).
REMINDER_TEMPLATES = {
    "measurement": {1: "reminder", 2: "reminder_second"},
    "tsb": {1: "reminder_blood_test", 2: "reminder_second"},
    "prolonged_check": {1: "reminder_prolonged_check"},
}


def _reminder_where(reminder, guardian, now) -> dict:
    """Where a reminded blood test can be had now (a reminder goes when it is due)."""
    if reminder.kind != Reminder.Kind.TSB:
        return {}
    language = guardian.language or settings.LANGUAGE_CODE
    with translation.override(language):
        due = max(reminder.due_at, now)
        return {"where": blood_test_where(reminder.infant, now, due, language)}


def notify_reminders(reminders, stage: int) -> None:
    """Stage 1: the parents are reminded. Stage 2: reminded again, and the centre's doctors
    told of the missed measurement. One batch of outbox rows for many reminders."""
    now = timezone.now()
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
        if reminder.kind == Reminder.Kind.PROLONGED_CHECK and stage == 2:
            continue  # a check "if still yellow": nothing is missing when nothing arrives
        for guardian in guardians.get(infant.pk, []):
            drafts.append(
                Draft(
                    recipient=guardian,
                    template=REMINDER_TEMPLATES[reminder.kind][stage],
                    params={
                        "infant": infant.display_name,
                        "due": _when(reminder.due_at, guardian.language),
                        "days": round(infant.age_hours_at(reminder.due_at) / 24),
                        **_reminder_where(reminder, guardian, now),
                    },
                    infant=infant,
                    assessment=reminder.assessment,
                    urgent=reminder.assessment.level >= URGENT_FROM,
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


def notify_invitation(guardianship: Guardianship) -> None:
    """A newly linked guardian (or one consenting again) hears what the programme is, how to
    leave it, and where the parents' page is (issue #15)."""
    infant, guardian = guardianship.infant, guardianship.guardian
    messages_enqueue(
        [
            Draft(
                recipient=guardian,
                template="invitation",
                params={
                    "infant": infant.display_name,
                    "centre": infant.registered_centre.name,
                    "link": settings.PARENT_PAGE_URL,
                    "version": guardianship.consent_text.version
                    if guardianship.consent_text
                    else "",
                },
                infant=infant,
                dedupe_key=f"invitation:{guardianship.pk}:{guardianship.consent_given_at.isoformat()}",
            )
        ]
    )
