"""NeoCare's records as FHIR R4 resources, and inbound resources read into NeoCare's terms.

Every resource is checked against the `fhir.resources` models (R4B, which R4 resources
satisfy) on the way in; what goes out is built here from the record, and the tests validate it
the same way.
"""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from fhir.resources.R4B.observation import Observation as FhirObservation
from pydantic import ValidationError as PydanticError

from neocare.fhir.codes import (
    BILIRUBIN,
    FROM_UCUM,
    LOINC,
    NEOCARE_PATIENT,
    OBSERVATION_CATEGORY,
    TCB_UNITS,
    UCUM,
    UCUM_CODE,
    BilirubinCode,
)
from neocare.infants.models import Infant, Reading
from neocare.infants.serializers import ReadingSerializer
from risk_model.units import Unit, mg_dl_shown, to_mg_dl

BIRTH_TIME = "http://hl7.org/fhir/StructureDefinition/patient-birthTime"
GENDER = {"female": "female", "male": "male", "undetermined": "unknown"}
ACCEPTED_STATUSES = {"final", "amended", "corrected"}


class Invalid(Exception):
    """An inbound resource NeoCare cannot take: (FHIRPath expression, message) pairs."""

    def __init__(self, issues: list[tuple[str, str]]):
        super().__init__("; ".join(f"{path}: {text}" for path, text in issues))
        self.issues = issues


def operation_outcome(issues: list[tuple[str, str]], *, code: str = "invalid") -> dict:
    return {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": "error",
                "code": code,
                "diagnostics": text,
                **({"expression": [path]} if path else {}),
            }
            for path, text in issues
        ],
    }


def patient(infant: Infant) -> dict:
    born = timezone.localtime(infant.birth_at)
    return {
        "resourceType": "Patient",
        "id": str(infant.public_id),
        "identifier": [{"system": NEOCARE_PATIENT, "value": str(infant.public_id)}],
        "name": [{"text": infant.display_name}],
        "gender": GENDER.get(infant.sex, "unknown"),
        "birthDate": born.date().isoformat(),
        "_birthDate": {"extension": [{"url": BIRTH_TIME, "valueDateTime": born.isoformat()}]},
    }


# Measurements only: a visual estimate is no bilirubin value and never goes out under a
# bilirubin LOINC code (estimates get their own coding with $everything, not yet built).
MEASURED = (Reading.Method.TSB_LAB, Reading.Method.TCB_CLINIC, Reading.Method.TCB_HOME)


def _code_of(reading: Reading) -> BilirubinCode:
    if reading.method not in MEASURED:
        raise ValueError(f"reading {reading.public_id} is not a measurement")
    if reading.method in (Reading.Method.TCB_CLINIC, Reading.Method.TCB_HOME):
        return BILIRUBIN["58941-6"]
    return BILIRUBIN["14631-6" if reading.unit_as_sent == "umol/L" else "1975-2"]


def search_bundle(observations: list[dict], *, total: int, base: str, links: dict) -> dict:
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": [{"relation": relation, "url": url} for relation, url in links.items()],
        "entry": [
            {
                "fullUrl": f"{base}Observation/{o['id']}",
                "resource": o,
                "search": {"mode": "match"},
            }
            for o in observations
        ],
    }


def _quantity(reading: Reading, code: BilirubinCode) -> tuple[dict, list[dict]]:
    """The value in the unit it was sent; a TcB sent in µmol/L goes out in mg/dL, the unit of
    58941-6's property (mass concentration), with the value as sent in a note."""
    if reading.unit_as_sent == code.unit:
        value, unit, notes = float(reading.value_as_sent), code.unit, []
    else:
        value = float(mg_dl_shown(to_mg_dl(reading.value_umol_l, Unit.UMOL_L)))
        unit = Unit.MG_DL
        notes = [{"text": f"sent as {reading.value_as_sent.normalize():f} umol/L"}]
    ucum = UCUM_CODE[unit]
    return {"value": value, "unit": ucum, "system": UCUM, "code": ucum}, notes


def observation(reading: Reading) -> dict:
    """A stored bilirubin reading (meter or lab) as an Observation."""
    code = _code_of(reading)
    quantity, notes = _quantity(reading, code)
    return {
        "resourceType": "Observation",
        "id": str(reading.public_id),
        "status": "final",
        "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": code.category}]}],
        "code": {"coding": [{"system": LOINC, "code": code.code, "display": code.display}]},
        "subject": {"reference": f"Patient/{reading.infant.public_id}"},
        "effectiveDateTime": timezone.localtime(reading.measured_at).isoformat(),
        "valueQuantity": quantity,
        **({"note": notes} if notes else {}),
    }


@dataclass(frozen=True)
class LabResult:
    """An inbound bilirubin Observation in NeoCare's terms."""

    patient_id: str
    method: str
    value: Decimal
    unit: str
    measured_at: datetime
    identifier: str  # system|value: what makes a resend the same result


def _path(loc) -> str:
    return "Observation" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc)


def lab_result(body) -> LabResult:
    """Read a bilirubin Observation (LOINC 1975-2, 14631-6, 58941-6), or raise Invalid with the
    exact element paths."""
    if not isinstance(body, dict) or body.get("resourceType") != "Observation":
        raise Invalid([("Observation.resourceType", "expected an Observation resource")])
    try:
        parsed = FhirObservation.model_validate(body)
    except PydanticError as error:
        raise Invalid(
            [(_path(e["loc"]), e["msg"]) for e in error.errors() if e["loc"] != ("resourceType",)]
        ) from error
    issues: list[tuple[str, str]] = []
    if parsed.status not in ACCEPTED_STATUSES:
        issues.append(
            (
                "Observation.status",
                f"a result must be final, amended or corrected, not {parsed.status}",
            )
        )
    identifier = next((i for i in parsed.identifier or [] if i.system and i.value), None)
    if identifier is None:
        issues.append(
            ("Observation.identifier", "give the laboratory's identifier (system and value)")
        )
    codes = [
        BILIRUBIN[c.code]
        for c in (parsed.code.coding or [])
        if c.system == LOINC and c.code in BILIRUBIN
    ]
    if not codes:
        issues.append(
            (
                "Observation.code.coding",
                "a LOINC bilirubin code is needed: " + ", ".join(sorted(BILIRUBIN)),
            )
        )
    reference = parsed.subject.reference if parsed.subject else None
    if not reference or not reference.startswith("Patient/"):
        issues.append(("Observation.subject.reference", "give the infant as Patient/<id>"))
    if parsed.effectiveDateTime is None:
        issues.append(("Observation.effectiveDateTime", "give when the sample was taken"))
    elif isinstance(parsed.effectiveDateTime, datetime) and timezone.is_naive(
        parsed.effectiveDateTime
    ):
        issues.append(("Observation.effectiveDateTime", "give the time with its UTC offset"))
    elif not isinstance(parsed.effectiveDateTime, datetime):
        issues.append(("Observation.effectiveDateTime", "give a date and time, not only a date"))
    quantity = parsed.valueQuantity
    unit = None
    if quantity is None or quantity.value is None:
        issues.append(("Observation.valueQuantity", "give the value as a Quantity"))
    elif quantity.system != UCUM or quantity.code not in FROM_UCUM:
        issues.append(("Observation.valueQuantity.code", "give the unit in UCUM: mg/dL or umol/L"))
    elif codes:
        unit = FROM_UCUM[quantity.code]
        code = codes[0]
        allowed = TCB_UNITS if code.code == "58941-6" else {code.unit}
        if unit not in allowed:
            issues.append(
                (
                    "Observation.valueQuantity.code",
                    f"LOINC {code.code} is reported in {UCUM_CODE[code.unit]}, not {quantity.code}",
                )
            )
    if issues:
        raise Invalid(issues)
    try:
        value = Decimal(str(quantity.value))
    except InvalidOperation as error:  # pragma: no cover - pydantic parsed a decimal already
        raise Invalid([("Observation.valueQuantity.value", "not a number")]) from error
    result = LabResult(
        patient_id=reference.split("/", 1)[1],
        method=codes[0].method,
        value=value,
        unit=str(unit),
        measured_at=parsed.effectiveDateTime,
        identifier=f"{identifier.system}|{identifier.value}",
    )
    _check_like_the_api(result)
    return result


# Reading field → the Observation element it came from.
FIELD_PATH = {
    "value": "Observation.valueQuantity.value",
    "unit": "Observation.valueQuantity.code",
    "measured_at": "Observation.effectiveDateTime",
    "method": "Observation.code",
}


def _check_like_the_api(result: LabResult) -> None:
    """The API's own checks of a reading (physiologic ceiling, unit, clock skew), so a result
    from any door — `POST /fhir/Observation` or a birth Bundle — is refused as the API would."""
    checked = ReadingSerializer(
        data={
            "method": result.method,
            "value": str(result.value),
            "unit": result.unit,
            "measured_at": result.measured_at.isoformat(),
            "idempotency_key": result_key(result.identifier),
        }
    )
    if not checked.is_valid():
        raise Invalid(
            [
                (FIELD_PATH.get(field, "Observation"), str(message))
                for field, messages in checked.errors.items()
                for message in (messages if isinstance(messages, list) else [messages])
            ]
        )


def as_uuid(text) -> uuid.UUID | None:
    """A FHIR id or identifier value as NeoCare's public id; None if it is not one."""
    try:
        return uuid.UUID(str(text))
    except ValueError:
        return None


def result_key(identifier: str) -> str:
    """A result's identifier (system|value) as the reading's idempotency key (hashed to fit;
    keys are per account, so per client)."""
    return "fhir-" + hashlib.sha256(identifier.encode()).hexdigest()[:40]


def capability_statement(base_url: str) -> dict:
    """What this server does — and only that."""
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-12-01",
        "publisher": "NeoCare",
        "kind": "instance",
        "software": {"name": "NeoCare"},
        "implementation": {
            "description": "NeoCare neonatal jaundice follow-up: FHIR R4 interface",
            "url": base_url,
        },
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json", "json"],
        "rest": [
            {
                "mode": "server",
                "interaction": [
                    {
                        "code": "transaction",
                        "documentation": (
                            "POST /fhir/: a delivering hospital's birth and discharge Bundle "
                            "(docs/fhir.md), all or nothing; resending changes nothing."
                        ),
                    }
                ],
                "security": {
                    "service": [
                        {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/"
                                    "restful-security-service",
                                    "code": "OAuth",
                                }
                            ]
                        }
                    ],
                    "description": (
                        "OAuth 2.0 client credentials at /o/token/ (one client per hospital "
                        "system, bound to its facility). Scopes: system/Patient.read, "
                        "system/Patient.write, system/Observation.read, "
                        "system/Observation.write. A clinician's own API token or console "
                        "session may read within their scope."
                    ),
                },
                "resource": [
                    {
                        "type": "Patient",
                        "interaction": [{"code": "read"}],
                        "operation": [
                            {
                                "name": "everything",
                                "definition": "http://hl7.org/fhir/OperationDefinition/"
                                "Patient-everything",
                            }
                        ],
                    },
                    {
                        "type": "Observation",
                        "interaction": [{"code": "create"}, {"code": "search-type"}],
                        "searchParam": [
                            {"name": "patient", "type": "reference"},
                            {"name": "code", "type": "token"},
                            {"name": "date", "type": "date"},
                        ],
                        "documentation": (
                            "Bilirubin results: LOINC 1975-2 (mg/dL), 14631-6 (umol/L) serum, "
                            "58941-6 transcutaneous (mg/dL or umol/L), UCUM units; idempotent "
                            "on Observation.identifier; assessed against AAP 2022 at once."
                        ),
                    },
                ],
            }
        ],
    }
