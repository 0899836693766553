"""Births and discharges in (issue #16): a delivering hospital's transaction Bundle.

One Bundle hands one newborn over to the community, all or nothing (one transaction):

- **Patient** (required): `identifier` = the hospital's record number (system and value: the
  conditional-create key), `birthDate` with the `patient-birthTime` extension (the exact time:
  every threshold is by age in hours), `gender`, `name.text`, and the community health centre
  in `generalPractitioner` (its NeoCare id as `identifier.value`, or its exact name as
  `display`) or, when none is named, the one whose catchment the family's `address` lies in
  (`address[0].district` and a street in `line` or `text`; network.Catchment). The address
  chooses the centre and is not stored.
- **Observation** LOINC 76516-4 gestational age at birth (UCUM `wk` or `d`) and 8339-4 birth
  weight (`g`), both required; NeoCare `feeding` (`valueCodeableConcept`, one of
  exclusive_breastfeeding, mixed, formula), required; any bilirubin result (LOINC 1975-2,
  14631-6, 58941-6) — stored and assessed like `POST /fhir/Observation`.
- **Condition** with a NeoCare risk-factor code (docs/fhir.md), and NeoCare
  `neurotoxicity-risk-assessed` (`valueBoolean` true) to say the list is complete; without it
  the neurotoxicity risk is "not assessed", which the engine treats as present.
- **Encounter**: the birth stay; `period.end` is the discharge.
- **RelatedPerson** (mother, father or guardian, with a phone) and a **Consent** (active, its
  `dateTime`, `performer` the RelatedPerson): the guardian is linked with that consent and
  receives the invitation. A guardian who has withdrawn is never re-linked by a resend.

Resending the same Bundle changes nothing; a later one (the discharge) updates the stay.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from phonenumber_field.phonenumber import PhoneNumber

from neocare.audit.models import AuditEvent
from neocare.audit.services import audit_record
from neocare.fhir.codes import BILIRUBIN, LOINC, UCUM
from neocare.fhir.everything import NEOCARE, RELATIONSHIP
from neocare.fhir.resources import BIRTH_TIME, Invalid, as_uuid, lab_result, result_key
from neocare.infants import services as infant_services
from neocare.infants.models import (
    Channel,
    Guardianship,
    HyperbilirubinemiaRiskFactor,
    Infant,
    NeurotoxicityRiskFactor,
)
from neocare.network.models import Catchment, Facility, User

GENDER = {"female": Infant.Sex.FEMALE, "male": Infant.Sex.MALE, "unknown": "undetermined"}
FROM_RELATIONSHIP = {code: name for name, code in RELATIONSHIP.items()}
GESTATIONAL_AGE, BIRTH_WEIGHT = "76516-4", "8339-4"


@dataclass
class Handover:
    entries: dict = field(default_factory=dict)  # resourceType → [(index, resource)]

    def of(self, kind):
        return self.entries.get(kind, [])


def _codes(resource) -> set[tuple[str, str]]:
    return {
        (c.get("system", ""), c.get("code", ""))
        for c in (resource.get("code") or {}).get("coding") or []
    }


def _entries(bundle) -> Handover:
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise Invalid([("Bundle.resourceType", "expected a Bundle")])
    if bundle.get("type") != "transaction":
        raise Invalid([("Bundle.type", "send a transaction Bundle")])
    handover = Handover()
    for index, entry in enumerate(bundle.get("entry") or []):
        resource = (entry or {}).get("resource") or {}
        handover.entries.setdefault(resource.get("resourceType"), []).append((index, resource))
    return handover


def _path(index: int, element: str) -> str:
    return f"Bundle.entry[{index}].resource.{element}"


def _patient(handover: Handover, issues: list) -> dict:
    patients = handover.of("Patient")
    if len(patients) != 1:
        issues.append(("Bundle.entry", "one Patient (the newborn) per Bundle"))
        return {}
    index, patient = patients[0]
    out = {"index": index}
    identifier = next(
        (i for i in patient.get("identifier") or [] if i.get("system") and i.get("value")), None
    )
    if identifier is None:
        issues.append((_path(index, "identifier"), "the hospital's record number (system, value)"))
    else:
        out["record_number"] = f"{identifier['system']}|{identifier['value']}"
    birth = next(
        (
            e.get("valueDateTime")
            for e in (patient.get("_birthDate") or {}).get("extension") or []
            if e.get("url") == BIRTH_TIME
        ),
        None,
    )
    born = parse_datetime(birth) if isinstance(birth, str) else None
    if born is None or timezone.is_naive(born):
        issues.append(
            (
                _path(index, "_birthDate.extension"),
                "the birth time with its UTC offset (patient-birthTime)",
            )
        )
    else:
        out["birth_at"] = born
    if patient.get("gender") not in GENDER:
        issues.append((_path(index, "gender"), "female, male or unknown"))
    else:
        out["sex"] = GENDER[patient["gender"]]
    out["display_name"] = ((patient.get("name") or [{}])[0] or {}).get("text") or ""
    if not out["display_name"]:
        issues.append((_path(index, "name[0].text"), "the baby's name as the family uses it"))
    out["registered_centre"] = _centre(patient, index, issues)
    return out


def _centre(patient: dict, index: int, issues: list) -> Facility | None:
    """The community health centre named in `generalPractitioner`, or else the one whose
    catchment (network.Catchment: a street in a district) the family's address lies in."""
    practitioners = patient.get("generalPractitioner") or []
    wanted = Facility.objects.filter(tier=Facility.Tier.COMMUNITY_CENTRE)
    for practitioner in practitioners:
        value = (practitioner.get("identifier") or {}).get("value")
        if value:
            centre = wanted.filter(public_id=as_uuid(value)).first() if as_uuid(value) else None
        else:
            centre = wanted.filter(name=practitioner.get("display") or "").first()
        if centre is not None:
            return centre
    if practitioners:
        issues.append(
            (_path(index, "generalPractitioner"), "no community health centre by that id or name")
        )
        return None
    address = next(iter(patient.get("address") or []), None)
    if not isinstance(address, dict):
        issues.append(
            (
                _path(index, "generalPractitioner"),
                "the community health centre (its id or name), or the family's address",
            )
        )
        return None
    where = " ".join([*(address.get("line") or []), address.get("text") or ""])
    catchments = Catchment.objects.select_related("centre", "district")
    if address.get("district"):
        catchments = catchments.filter(district__name=address["district"])
    centres = {c.centre for c in catchments if c.street in where}
    if len(centres) == 1:
        return centres.pop()
    issues.append(
        (
            _path(index, "address[0]"),
            "no community health centre serves this address: give the street (街道) and "
            "district, or name the centre in generalPractitioner"
            if not centres
            else "the address lies in the catchments of "
            + ", ".join(sorted(c.name for c in centres))
            + ": name the centre in generalPractitioner",
        )
    )
    return None


def _birth_facts(handover: Handover, issues: list) -> dict:
    out = {"neurotoxicity_risk_factors": None, "hyperbilirubinemia_risk_factors": []}
    found = set()
    for index, observation in handover.of("Observation"):
        codes = _codes(observation)
        quantity = observation.get("valueQuantity") or {}
        if (LOINC, GESTATIONAL_AGE) in codes:
            found.add("ga")
            unit, value = quantity.get("code"), quantity.get("value")
            if quantity.get("system") != UCUM or unit not in ("wk", "d") or value is None:
                issues.append((_path(index, "valueQuantity"), "gestational age in UCUM wk or d"))
                continue
            days = round(Decimal(str(value)) * (7 if unit == "wk" else 1))
            out["gestational_age_weeks"], out["gestational_age_days"] = divmod(int(days), 7)
        elif (LOINC, BIRTH_WEIGHT) in codes:
            found.add("weight")
            if quantity.get("system") != UCUM or quantity.get("code") != "g":
                issues.append((_path(index, "valueQuantity"), "birth weight in UCUM g"))
                continue
            out["birth_weight_g"] = int(quantity["value"])
        elif (NEOCARE, "feeding") in codes:
            found.add("feeding")
            coding = ((observation.get("valueCodeableConcept") or {}).get("coding") or [{}])[0]
            if coding.get("code") not in Infant.Feeding.values:
                issues.append(
                    (
                        _path(index, "valueCodeableConcept"),
                        "one of " + ", ".join(Infant.Feeding.values),
                    )
                )
                continue
            out["feeding"] = coding["code"]
        elif (NEOCARE, "neurotoxicity-risk-assessed") in codes and observation.get("valueBoolean"):
            out["neurotoxicity_risk_factors"] = out["neurotoxicity_risk_factors"] or []
    for name, what in (
        ("ga", "gestational age (LOINC 76516-4)"),
        ("weight", "birth weight (LOINC 8339-4)"),
        ("feeding", "feeding (NeoCare feeding)"),
    ):
        if name not in found:
            issues.append(("Bundle.entry", f"an Observation of {what} is needed"))
    neuro, hyper = [], []
    for index, condition in handover.of("Condition"):
        for system, code in _codes(condition):
            if system == NEOCARE and code in NeurotoxicityRiskFactor.values:
                neuro.append(code)
            elif system == NEOCARE and code in HyperbilirubinemiaRiskFactor.values:
                hyper.append(code)
            else:
                issues.append((_path(index, "code"), f"unknown risk-factor code {system}|{code}"))
    if neuro:
        out["neurotoxicity_risk_factors"] = sorted(set(neuro))
    out["hyperbilirubinemia_risk_factors"] = sorted(set(hyper))
    for index, encounter in handover.of("Encounter"):
        end = ((encounter.get("period") or {}).get("end")) or None
        if end is not None:
            discharged = parse_datetime(end)
            if discharged is None or timezone.is_naive(discharged):
                issues.append((_path(index, "period.end"), "the discharge time with its offset"))
            else:
                out["discharged_at"] = discharged
    return out


def _guardians(handover: Handover, issues: list) -> list[dict]:
    consents = {}
    for index, consent in handover.of("Consent"):
        when = parse_datetime(consent.get("dateTime") or "")
        if consent.get("status") != "active" or when is None or timezone.is_naive(when):
            issues.append((_path(index, "dateTime"), "an active Consent with its time and offset"))
            continue
        for performer in consent.get("performer") or []:
            consents[performer.get("reference", "")] = when
    out = []
    for index, person in handover.of("RelatedPerson"):
        relationship = None
        for concept in person.get("relationship") or []:
            for coding in concept.get("coding") or []:
                relationship = FROM_RELATIONSHIP.get(coding.get("code"), relationship)
        phone = next(
            (t.get("value") for t in person.get("telecom") or [] if t.get("system") == "phone"),
            None,
        )
        number = PhoneNumber.from_string(phone, region="CN") if phone else None
        if number is None or not number.is_valid():
            issues.append((_path(index, "telecom"), "a valid mobile phone number"))
            continue
        if relationship is None:
            issues.append((_path(index, "relationship"), "MTH, FTH or GUARD (v3 RoleCode)"))
            continue
        key = f"RelatedPerson/{person.get('id', '')}"
        consent_at = consents.get(key) or consents.get(person.get("fullUrl", ""))
        if consent_at is None:
            issues.append(
                (_path(index, "id"), "a Consent whose performer is this RelatedPerson is needed")
            )
            continue
        out.append(
            {
                "phone_number": number,
                "display_name": ((person.get("name") or [{}])[0] or {}).get("text") or "",
                "relationship": relationship,
                "consent_given_at": consent_at,
            }
        )
    return out


def _bilirubin(handover: Handover, issues: list) -> list:
    results = []
    for index, observation in handover.of("Observation"):
        if not any(system == LOINC and code in BILIRUBIN for system, code in _codes(observation)):
            continue
        # The newborn is not in NeoCare yet: the subject is the bundle's own Patient.
        body = {
            **observation,
            "subject": {"reference": "Patient/00000000-0000-0000-0000-000000000000"},
        }
        try:
            results.append(lab_result(body))
        except Invalid as invalid:
            issues.extend(
                (p.replace("Observation", _path(index, "")[:-1], 1), t) for p, t in invalid.issues
            )
    return results


def handover_record(*, bundle, by: User) -> tuple[Infant, bool]:
    """Register or update the newborn of `bundle` for hospital system `by`; (infant, created).
    Raises Invalid (nothing saved) for anything NeoCare cannot take.

    Two copies of one Bundle racing: the unique record number lets one create the infant; the
    other's transaction rolls back and runs again as the update it now is (changing nothing).
    """
    try:
        return _handover_once(bundle=bundle, by=by)
    except IntegrityError:
        return _handover_once(bundle=bundle, by=by)


@transaction.atomic
def _handover_once(*, bundle, by: User) -> tuple[Infant, bool]:
    handover = _entries(bundle)
    issues: list = []
    patient = _patient(handover, issues)
    facts = _birth_facts(handover, issues)
    guardians = _guardians(handover, issues)
    results = _bilirubin(handover, issues)
    if issues:
        raise Invalid(issues)
    infant = (
        Infant.objects.select_for_update()
        .filter(delivering_hospital=by.facility, hospital_record_number=patient["record_number"])
        .first()
    )
    fields = {
        "display_name": patient["display_name"],
        "sex": patient["sex"],
        "birth_at": patient["birth_at"],
        "registered_centre": patient["registered_centre"],
        **facts,
    }
    created = infant is None
    try:
        if created:
            infant = infant_services.infant_register(
                by=by,
                delivering_hospital=by.facility,
                hospital_record_number=patient["record_number"],
                **fields,
            )
        else:
            changed = [name for name, value in fields.items() if getattr(infant, name) != value]
            for name in changed:
                setattr(infant, name, fields[name])
            if changed:
                infant.full_clean(exclude=["created_by"])
                infant.save()
                audit_record(
                    actor=by,
                    infant=infant,
                    action=AuditEvent.Action.UPDATE,
                    object_type="infant",
                    object_id=infant.public_id,
                    reason="hospital handover: " + ", ".join(sorted(changed)),
                )
        for guardian in guardians:
            earlier = Guardianship.objects.filter(
                infant=infant, guardian__phone_number=guardian["phone_number"]
            ).first()
            if (
                earlier is not None
                and earlier.consent_withdrawn_at is not None
                and (guardian["consent_given_at"] <= earlier.consent_withdrawn_at)
            ):
                continue  # a parent's withdrawal is not undone by a resent bundle
            infant_services.guardian_link(infant=infant, by=by, **guardian)
        for result in results:
            infant_services.reading_record(
                infant=infant,
                method=result.method,
                value=result.value,
                unit=result.unit,
                measured_at=result.measured_at,
                entered_by=by,
                channel=Channel.HOSPITAL_SYSTEM,
                idempotency_key=result_key(result.identifier),
            )
    except ValidationError as error:
        raise Invalid(
            [
                (_path(patient["index"], field), message)
                for field, messages in getattr(error, "message_dict", {"": error.messages}).items()
                for message in messages
            ]
        ) from error
    return infant, created
