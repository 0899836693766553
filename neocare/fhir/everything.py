"""`Patient/{id}/$everything`: the infant's whole record as one FHIR Bundle (issue #16).

Coding choices (docs/fhir.md): measured bilirubin under its LOINC code (resources.observation);
photo and visual **estimates** under NeoCare's own code system, never a bilirubin LOINC code,
each marked "screening, not a measurement"; body weight LOINC 29463-7 in grams; stool colour,
dark urine and danger signs under NeoCare's codes; each assessment a RiskAssessment (the
guideline action, the model's probability and version); an open alert a Flag; a referral a
ServiceRequest with its Task (status); phototherapy a Procedure; each message sent to a
guardian a Communication.
"""

from django.utils import timezone

from neocare.alerts.models import ACTIVE as ALERT_ACTIVE
from neocare.alerts.models import Referral
from neocare.fhir.codes import LOINC, UCUM
from neocare.fhir.resources import MEASURED, observation, patient
from neocare.infants.models import OBSERVED_SIGNS, Infant, Observation, Reading
from neocare.messaging.models import Message
from neocare.messaging.templates import render
from risk_model.units import to_mg_dl

NEOCARE = "urn:neocare:code"
V3_ROLE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
RELATIONSHIP = {"mother": "MTH", "father": "FTH", "other": "GUARD"}
# Referral status → Task status (FHIR R4 task-status).
TASK_STATUS = {
    Referral.Status.SENT: "requested",
    Referral.Status.ACCEPTED: "accepted",
    Referral.Status.ARRIVED: "in-progress",
    Referral.Status.TREATED: "completed",
    Referral.Status.CLOSED: "completed",
}


def _when(instant) -> str | None:
    return timezone.localtime(instant).isoformat() if instant else None


def _ref(kind: str, public_id) -> dict:
    return {"reference": f"{kind}/{public_id}"}


def _neocare(code: str, display: str) -> dict:
    return {"coding": [{"system": NEOCARE, "code": code, "display": display}], "text": display}


def _related_people(infant: Infant) -> list[dict]:
    people = []
    for link in infant.guardianships.select_related("guardian"):
        guardian = link.guardian
        person = {
            "resourceType": "RelatedPerson",
            "id": str(guardian.public_id),
            "active": link.consent_withdrawn_at is None,
            "patient": _ref("Patient", infant.public_id),
            "relationship": [
                {"coding": [{"system": V3_ROLE, "code": RELATIONSHIP[link.relationship]}]}
            ],
        }
        if guardian.first_name:
            person["name"] = [{"text": guardian.first_name}]
        if guardian.phone_number and link.consent_withdrawn_at is None:
            person["telecom"] = [{"system": "phone", "value": str(guardian.phone_number)}]
        people.append(person)
    return people


def _estimate(infant, public_id, code, display, at, mg_dl, low=None, high=None) -> dict:
    resource = {
        "resourceType": "Observation",
        "id": str(public_id),
        "status": "final",
        "code": _neocare(code, display),
        "subject": _ref("Patient", infant.public_id),
        "effectiveDateTime": _when(at),
        "valueQuantity": {
            "value": round(mg_dl, 1),
            "unit": "mg/dL",
            "system": UCUM,
            "code": "mg/dL",
        },
        "note": [{"text": "An estimate for screening, not a measurement."}],
    }
    if low is not None and high is not None:
        resource["referenceRange"] = [
            {
                "low": {"value": round(low, 1), "unit": "mg/dL", "system": UCUM, "code": "mg/dL"},
                "high": {"value": round(high, 1), "unit": "mg/dL", "system": UCUM, "code": "mg/dL"},
                "text": "the estimate's 90 % band",
            }
        ]
    return resource


def _readings(infant: Infant) -> list[dict]:
    out = []
    for reading in infant.readings.select_related("infant").order_by("measured_at", "id"):
        if reading.method in MEASURED:
            out.append(observation(reading))
        elif reading.method == Reading.Method.VISUAL:
            out.append(
                _estimate(
                    infant,
                    reading.public_id,
                    "visual-bilirubin-estimate",
                    "Visual estimate of jaundice (not a measurement)",
                    reading.measured_at,
                    float(to_mg_dl(reading.value_as_sent, reading.unit_as_sent)),
                )
            )
    for photo in infant.photos.filter(estimate_mg_dl__isnull=False).order_by("taken_at"):
        out.append(
            _estimate(
                infant,
                photo.public_id,
                "photo-bilirubin-estimate",
                "Bilirubin estimate from a skin photo (screening, not a measurement)",
                photo.taken_at,
                photo.estimate_mg_dl,
                photo.estimate_low_mg_dl,
                photo.estimate_high_mg_dl,
            )
        )
    return out


def _observations(infant: Infant) -> list[dict]:
    out = []
    for o in infant.observations.order_by("observed_at", "id"):
        base = {
            "resourceType": "Observation",
            "status": "final",
            "subject": _ref("Patient", infant.public_id),
            "effectiveDateTime": _when(o.observed_at),
        }
        if o.weight_g:
            out.append(
                {
                    **base,
                    "id": f"{o.public_id}-weight",
                    "code": {
                        "coding": [{"system": LOINC, "code": "29463-7", "display": "Body weight"}]
                    },
                    "valueQuantity": {
                        "value": o.weight_g,
                        "unit": "g",
                        "system": UCUM,
                        "code": "g",
                    },
                }
            )
        if o.stool_colour:
            stool = {
                **base,
                "id": f"{o.public_id}-stool",
                "code": _neocare("stool-colour", "Stool colour (stool colour card)"),
                "valueCodeableConcept": _neocare(o.stool_colour, o.get_stool_colour_display()),
            }
            if o.stool_card_number:
                stool["component"] = [
                    {
                        "code": _neocare("stool-card-number", "Stool colour card number"),
                        "valueInteger": o.stool_card_number,
                    }
                ]
            out.append(stool)
        for sign in OBSERVED_SIGNS:
            value = getattr(o, sign)
            if value is not None:
                label = str(Observation._meta.get_field(sign).verbose_name)
                out.append(
                    {
                        **base,
                        "id": f"{o.public_id}-{sign.replace('_', '-')}",
                        "code": _neocare(sign.replace("_", "-"), label),
                        "valueBoolean": value,
                    }
                )
    return out


def _risk_assessments(infant: Infant) -> list[dict]:
    out = []
    for a in infant.assessments.order_by("basis_at", "id"):
        model = a.result.get("risk_model") or {}
        prediction = [{"outcome": {"text": f"guideline action: {a.get_action_display()}"}}]
        if model.get("probability") is not None:
            prediction.append(
                {
                    "outcome": {"text": "reaching the phototherapy threshold (risk model)"},
                    "probabilityDecimal": model["probability"],
                }
            )
        out.append(
            {
                "resourceType": "RiskAssessment",
                "id": str(a.pk),
                "status": "final",
                "subject": _ref("Patient", infant.public_id),
                "occurrenceDateTime": _when(a.basis_at),
                "method": {
                    "text": f"{a.guideline_version}; {model.get('model_version', 'no model')}"
                },
                "prediction": prediction,
                "note": [{"text": a.result["advice"]["en"]}],
            }
        )
    return out


def _flags(infant: Infant) -> list[dict]:
    return [
        {
            "resourceType": "Flag",
            "id": str(alert.public_id),
            "status": "active",
            "code": {"text": f"NeoCare alert: {alert.get_severity_display()} ({alert.status})"},
            "subject": _ref("Patient", infant.public_id),
            "period": {"start": _when(alert.opened_at)},
        }
        for alert in infant.alerts.filter(status__in=ALERT_ACTIVE)
    ]


def _referrals(infant: Infant) -> list[dict]:
    out = []
    for referral in infant.referrals.select_related("hospital").order_by("created_at"):
        request = {
            "resourceType": "ServiceRequest",
            "id": str(referral.public_id),
            "status": "completed" if referral.status in ("treated", "closed") else "active",
            "intent": "order",
            "code": {"text": "referral to a hospital for neonatal jaundice"},
            "subject": _ref("Patient", infant.public_id),
            "authoredOn": _when(referral.created_at),
            "performer": [{"display": referral.hospital.name}],
        }
        if referral.reason:
            request["reasonCode"] = [{"text": referral.reason}]
        out.append(request)
        task = {
            "resourceType": "Task",
            "id": f"{referral.public_id}-task",
            "status": TASK_STATUS[referral.status],
            "intent": "order",
            "focus": _ref("ServiceRequest", referral.public_id),
            "for": _ref("Patient", infant.public_id),
            "lastModified": _when(referral.updated_at),
            "businessStatus": {"text": referral.get_status_display()},
        }
        if referral.treatment:
            task["output"] = [
                {"type": {"text": "treatment"}, "valueString": referral.get_treatment_display()}
            ]
        out.append(task)
    for course in infant.phototherapy.order_by("started_at"):
        period = {"start": _when(course.started_at)}
        if course.stopped_at:
            period["end"] = _when(course.stopped_at)
        out.append(
            {
                "resourceType": "Procedure",
                "id": f"phototherapy-{course.pk}",
                "status": "completed" if course.stopped_at else "in-progress",
                "code": _neocare("phototherapy", "Phototherapy"),
                "subject": _ref("Patient", infant.public_id),
                "performedPeriod": period,
            }
        )
    return out


def _communications(infant: Infant) -> list[dict]:
    messages = (
        Message.objects.filter(infant=infant, recipient__role="guardian")
        .exclude(status__in=[Message.Status.MERGED, Message.Status.SUPPRESSED])
        .exclude(template="auth")
        .select_related("recipient")
        .order_by("created_at", "id")
    )
    return [
        {
            "resourceType": "Communication",
            "id": str(m.public_id),
            "status": "completed" if m.sent_at else "in-progress",
            "subject": _ref("Patient", infant.public_id),
            "recipient": [_ref("RelatedPerson", m.recipient.public_id)],
            "sent": _when(m.sent_at),
            "payload": [{"contentString": render(m.template, m.params, m.language)}],
        }
        for m in messages
    ]


def everything(infant: Infant, base: str) -> dict:
    resources = [
        patient(infant),
        *_related_people(infant),
        *_readings(infant),
        *_observations(infant),
        *_risk_assessments(infant),
        *_flags(infant),
        *_referrals(infant),
        *_communications(infant),
    ]
    for resource in resources:
        if resource.get("resourceType") == "Communication" and resource["sent"] is None:
            del resource["sent"]
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(resources),
        "entry": [
            {"fullUrl": f"{base}{r['resourceType']}/{r['id']}", "resource": r} for r in resources
        ],
    }
