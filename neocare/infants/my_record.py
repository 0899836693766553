"""A parent's own record (issue #15): their infants' timelines as a parent reads them, the
messages sent to them, their consents, everything about them as JSON (the right of access),
and deletion on request (docs/privacy.md says what is kept and why).
"""

import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from neocare.audit.models import AuditEvent
from neocare.audit.services import audit_record
from neocare.infants.assessments import assessment_latest
from neocare.infants.models import OBSERVED_SIGNS, Guardianship, Infant, Observation, Reading
from neocare.infants.services import consent_withdraw
from neocare.knowledge.models import EducationSent
from neocare.messaging.models import Message
from neocare.messaging.templates import TEMPLATES, render
from neocare.network.models import User
from risk_model.reasons import both_units
from risk_model.units import mg_dl_shown, to_mg_dl, umol_l_shown


def _language(guardian: User) -> str:
    return "en" if (guardian.language or "").startswith("en") else "zh-hans"


def _value(reading, language: str) -> str:
    """Both units as the parents' SMS write them (μmol/L first in Chinese)."""
    mg = mg_dl_shown(to_mg_dl(reading.value_as_sent, reading.unit_as_sent))
    return both_units(mg, umol_l_shown(reading.value_as_sent, reading.unit_as_sent), language)


def _reading_summary(reading, language: str) -> str:
    """What the parent reads: the method and the value; a visual guess says it is none."""
    summary = f"{reading.get_method_display()}: {_value(reading, language)}"
    if reading.method == Reading.Method.VISUAL:
        return gettext("%(summary)s (not a measurement)") % {"summary": summary}
    return summary


def my_messages(guardian: User):
    """The messages written to this parent (merged ones are part of the one they joined)."""
    return (
        Message.objects.filter(recipient=guardian)
        .exclude(status=Message.Status.MERGED)
        .order_by("-created_at", "-id")
    )


def message_text(message: Message) -> str:
    return render(message.template, message.params, message.language)


def my_timeline(guardian: User, infant: Infant) -> dict:
    """One infant's record as the parent sees it, newest first: readings with the advice given
    at the time, photos with their status, observations, the messages sent to this parent;
    and the next measurement due now."""
    language = _language(guardian)
    events = []
    for r in infant.readings.select_related("assessment"):
        assessment = getattr(r, "assessment", None)
        events.append(
            {
                "at": r.measured_at,
                "kind": "reading",
                "summary": _reading_summary(r, language),
                "advice": assessment.result["advice"][language] if assessment else None,
                "status": None,
            }
        )
    for p in infant.photos.all():
        events.append(
            {
                "at": p.taken_at,
                "kind": "photo",
                "summary": p.get_body_site_display(),
                "advice": getattr(p, "assessment", None)
                and p.assessment.result["advice"][language],
                "status": p.get_status_display(),
            }
        )
    for o in infant.observations.all():
        events.append(
            {
                "at": o.observed_at,
                "kind": "observation",
                "summary": ", ".join(
                    str(part)
                    for part in (
                        o.weight_g and f"{o.weight_g} g",
                        o.stool_colour and o.get_stool_colour_display(),
                        *(
                            Observation._meta.get_field(sign).verbose_name
                            for sign in OBSERVED_SIGNS
                            if getattr(o, sign)
                        ),
                    )
                    if part
                ),
                "advice": None,
                "status": None,
            }
        )
    for m in my_messages(guardian).filter(infant=infant):
        events.append(
            {
                "at": m.created_at,
                "kind": "message",
                "summary": message_text(m),
                "advice": None,
                "status": m.get_status_display(),
            }
        )
    events.sort(key=lambda e: e["at"], reverse=True)
    latest = assessment_latest(infant)
    return {
        "infant": infant,
        "next_measurement_at": latest.next_measurement_at if latest else None,
        "advice": latest.result["advice"][language] if latest else None,
        "events": events,
    }


def my_consents(guardian: User):
    return Guardianship.objects.filter(guardian=guardian).select_related("infant", "consent_text")


def my_export(guardian: User) -> dict:
    """Everything NeoCare holds about this parent and their infants, as JSON-ready data."""
    language = _language(guardian)

    def when(value):
        return value.isoformat() if value else None

    infants = []
    for g in my_consents(guardian):
        infant = g.infant
        infants.append(
            {
                "id": str(infant.public_id),
                "name": infant.display_name,
                "sex": infant.sex,
                "born_at": when(infant.birth_at),
                "gestational_age": infant.gestational_age,
                "birth_weight_g": infant.birth_weight_g,
                "registered_centre": infant.registered_centre.name,
                "relationship": g.relationship,
                "consent": {
                    "given_at": when(g.consent_given_at),
                    "withdrawn_at": when(g.consent_withdrawn_at),
                    "version": g.consent_text.version if g.consent_text else None,
                    "text": g.consent_text.text(language) if g.consent_text else None,
                },
                "readings": [
                    {
                        "measured_at": when(r.measured_at),
                        "method": r.method,
                        "value": str(r.value_as_sent),
                        "unit": r.unit_as_sent,
                        "entered_by_me": r.entered_by_id == guardian.pk,
                    }
                    for r in infant.readings.order_by("measured_at")
                ],
                "assessments": [
                    {
                        "basis_at": when(a.basis_at),
                        "action": a.action,
                        "advice": a.result.get("advice", {}).get(language),
                        "next_measurement_at": when(a.next_measurement_at),
                    }
                    for a in infant.assessments.order_by("basis_at", "id")
                ],
                "observations": [
                    {
                        "observed_at": when(o.observed_at),
                        "weight_g": o.weight_g,
                        "feeds_per_day": o.feeds_per_day,
                        "stool_card_number": o.stool_card_number,
                        "poor_feeding": o.poor_feeding,
                        "lethargy": o.lethargy,
                        "high_pitched_cry": o.high_pitched_cry,
                        "arching": o.arching,
                        "seizures": o.seizures,
                        "blue_colour": o.blue_colour,
                        "dark_urine": o.dark_urine,
                    }
                    for o in infant.observations.order_by("observed_at")
                ],
                "photos": [
                    {
                        "taken_at": when(p.taken_at),
                        "body_site": p.body_site,
                        "status": p.status,
                        "estimate_mg_dl": p.estimate_mg_dl,
                    }
                    for p in infant.photos.order_by("taken_at")
                ],
                "questions": [
                    {
                        "asked_at": when(q.created_at),
                        "asked_by_me": q.asked_by_id == guardian.pk,
                        "text": q.text,
                        "status": q.status,
                        "answer": q.answer or None,
                        "answered_at": when(q.answered_at),
                        "answered_by_system": q.answered_by_system,
                    }
                    for q in infant.questions.order_by("created_at", "id")
                ],
                "articles_sent_to_me": [
                    {
                        "article": e.rule.article.title_in(language),
                        "rule": e.rule.code,
                        "sent_at": when(e.created_at),
                        "opened_at": when(e.read_at),
                    }
                    for e in EducationSent.objects.filter(infant=infant, guardian=guardian)
                    .select_related("rule__article")
                    .order_by("created_at")
                ],
                # Who looked at this record, and when (every read is audited).
                "record_viewed": [
                    {"at": when(e.at), "by_role": e.actor_role, "what": e.object_type}
                    for e in AuditEvent.objects.filter(
                        infant=infant, action=AuditEvent.Action.VIEW
                    ).order_by("at")
                ],
            }
        )
    return {
        "exported_at": timezone.now().isoformat(),
        "me": {
            "id": str(guardian.public_id),
            "name": guardian.first_name,
            "phone_number": str(guardian.phone_number) if guardian.phone_number else None,
            "language": guardian.language,
        },
        "infants": infants,
        "messages": [
            {
                "at": when(m.created_at),
                "sent_at": when(m.sent_at),
                "status": m.status,
                "kind": str(TEMPLATES[m.template].label),
                "text": message_text(m),
            }
            for m in my_messages(guardian)
        ],
    }


@transaction.atomic
def my_erasure(guardian: User) -> None:
    """Deletion on request: consent withdrawn for every infant, the identity unlinked (name,
    number, sign-in gone; the account kept only as an anonymous key the clinical records point
    to), every token revoked, the number masked in the outbox. The infants' clinical records
    (readings, assessments, photos, alerts, referrals, the audit trail) stay, as medical
    regulation requires (docs/privacy.md)."""
    from knox.models import AuthToken

    for g in my_consents(guardian):
        consent_withdraw(infant=g.infant, guardian=guardian)
    phone = str(guardian.phone_number) if guardian.phone_number else ""
    audit_record(
        actor=guardian,
        infant=None,
        action=AuditEvent.Action.UPDATE,
        object_type="guardian",
        object_id=guardian.public_id,
        reason="erasure requested",
    )
    if phone:
        masked = f"{phone[:-8]}****{phone[-4:]}" if len(phone) > 8 else "****"
        Message.objects.filter(phone=phone).update(phone=masked)
    AuthToken.objects.filter(user=guardian).delete()
    guardian.username = f"erased-{uuid.uuid4().hex[:12]}"
    guardian.first_name = guardian.last_name = guardian.email = ""
    guardian.phone_number = None
    guardian.is_active = False
    guardian.set_unusable_password()
    guardian.save()
