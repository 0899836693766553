"""Births and discharges in: a delivering hospital's transaction Bundle registers the newborn
at its community centre, links the mother with her consent (and invites her), assesses any
pre-discharge bilirubin — all or nothing; a resend changes nothing."""

import copy
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.operationoutcome import OperationOutcome

from neocare.alerts.models import Alert
from neocare.fhir.services import system_client_register
from neocare.infants.models import Guardianship, Infant, Reading
from neocare.messaging.models import Message
from neocare.network.models import Catchment
from tests.fhir.test_lab_results import ALL_SCOPES, token_for

NEOCARE = "urn:neocare:code"
MRN = "urn:oid:1.2.156.1.HA.mrn"


@pytest.fixture
def hospital(world, consent_text):
    client, secret = system_client_register(
        name="HA-birth", facility=world.hospital_a, scopes=ALL_SCOPES
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_for(client, secret)}")


@pytest.fixture
def consent_text(db):
    import importlib

    from django.apps import apps

    importlib.import_module("neocare.infants.migrations.0007_consent_text_v1").first_version(
        apps, None
    )


def birth_bundle(world, *, born_hours_ago=40, tsb_value=None, discharged=False, mrn="MRN-1"):
    born = timezone.now().replace(microsecond=0) - timedelta(hours=born_hours_ago)
    entries = [
        {
            "fullUrl": "urn:uuid:baby",
            "resource": {
                "resourceType": "Patient",
                "identifier": [{"system": MRN, "value": mrn}],
                "name": [{"text": "林宝宝"}],
                "gender": "female",
                "birthDate": timezone.localtime(born).date().isoformat(),
                "_birthDate": {
                    "extension": [
                        {
                            "url": "http://hl7.org/fhir/StructureDefinition/patient-birthTime",
                            "valueDateTime": born.isoformat(),
                        }
                    ]
                },
                "generalPractitioner": [{"display": world.centre_a1.name}],
            },
        },
        {
            "resource": {
                "resourceType": "Observation",
                "status": "final",
                "code": {"coding": [{"system": "http://loinc.org", "code": "76516-4"}]},
                "subject": {"reference": "urn:uuid:baby"},
                "valueQuantity": {
                    "value": 39.0,
                    "unit": "wk",
                    "system": "http://unitsofmeasure.org",
                    "code": "wk",
                },
            }
        },
        {
            "resource": {
                "resourceType": "Observation",
                "status": "final",
                "code": {"coding": [{"system": "http://loinc.org", "code": "8339-4"}]},
                "subject": {"reference": "urn:uuid:baby"},
                "valueQuantity": {
                    "value": 3250,
                    "unit": "g",
                    "system": "http://unitsofmeasure.org",
                    "code": "g",
                },
            }
        },
        {
            "resource": {
                "resourceType": "Observation",
                "status": "final",
                "code": {"coding": [{"system": NEOCARE, "code": "feeding"}]},
                "subject": {"reference": "urn:uuid:baby"},
                "valueCodeableConcept": {
                    "coding": [{"system": NEOCARE, "code": "exclusive_breastfeeding"}]
                },
            }
        },
        {
            "resource": {
                "resourceType": "Observation",
                "status": "final",
                "code": {"coding": [{"system": NEOCARE, "code": "neurotoxicity-risk-assessed"}]},
                "subject": {"reference": "urn:uuid:baby"},
                "valueBoolean": True,
            }
        },
        {
            "resource": {
                "resourceType": "RelatedPerson",
                "id": "mother",
                "patient": {"reference": "urn:uuid:baby"},
                "relationship": [
                    {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/v3-RoleCode",
                                "code": "MTH",
                            }
                        ]
                    }
                ],
                "name": [{"text": "林妈妈"}],
                "telecom": [{"system": "phone", "value": "13912340000"}],
            }
        },
        {
            "resource": {
                "resourceType": "Consent",
                "status": "active",
                "scope": {"text": "NeoCare follow-up"},
                "category": [{"text": "programme"}],
                "dateTime": (born + timedelta(hours=20)).isoformat(),
                "performer": [{"reference": "RelatedPerson/mother"}],
            }
        },
        {
            "resource": {
                "resourceType": "Encounter",
                "status": "finished" if discharged else "in-progress",
                "class": {
                    "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                    "code": "IMP",
                },
                "subject": {"reference": "urn:uuid:baby"},
                "period": {
                    "start": born.isoformat(),
                    **({"end": (born + timedelta(hours=38)).isoformat()} if discharged else {}),
                },
            }
        },
    ]
    if tsb_value is not None:
        entries.append(
            {
                "resource": {
                    "resourceType": "Observation",
                    "status": "final",
                    "identifier": [{"system": "urn:oid:1.2.156.1.HA.lab", "value": f"PRE-{mrn}"}],
                    "code": {"coding": [{"system": "http://loinc.org", "code": "1975-2"}]},
                    "subject": {"reference": "urn:uuid:baby"},
                    "effectiveDateTime": (born + timedelta(hours=36)).isoformat(),
                    "valueQuantity": {
                        "value": tsb_value,
                        "unit": "mg/dL",
                        "system": "http://unitsofmeasure.org",
                        "code": "mg/dL",
                    },
                }
            }
        )
    return {"resourceType": "Bundle", "type": "transaction", "entry": entries}


def send(client, bundle):
    return client.post("/fhir/", bundle, content_type="application/fhir+json")


def test_a_birth_bundle_hands_the_newborn_over(world, hospital):
    Bundle.model_validate(birth_bundle(world, tsb_value=15.0))  # what we ask hospitals to send
    answer = send(hospital, birth_bundle(world, tsb_value=15.0))

    assert answer.status_code == 200, answer.content
    response = Bundle.model_validate(answer.json())
    assert response.entry[0].response.status == "201 Created"
    infant = Infant.objects.get(hospital_record_number=f"{MRN}|MRN-1")
    assert (infant.delivering_hospital, infant.registered_centre) == (
        world.hospital_a,
        world.centre_a1,
    )
    assert (infant.gestational_age_weeks, infant.gestational_age_days) == (39, 0)
    assert infant.birth_weight_g == 3250 and infant.neurotoxicity_risk_factors == []
    link = Guardianship.objects.get(infant=infant)
    assert link.relationship == "mother" and link.consent_text.version == "1"
    assert Message.objects.filter(recipient=link.guardian, template="invitation").count() == 1
    reading = Reading.objects.get(infant=infant)
    assert (reading.method, reading.channel) == ("tsb_lab", "hospital_system")
    assert reading.assessment is not None  # assessed at once


def test_resending_the_same_bundle_changes_nothing_and_the_discharge_updates(world, hospital):
    bundle = birth_bundle(world, tsb_value=15.0)
    send(hospital, bundle)
    again = send(hospital, bundle)

    assert again.status_code == 200 and again.json()["entry"][0]["response"]["status"] == "200 OK"
    assert Infant.objects.filter(hospital_record_number=f"{MRN}|MRN-1").count() == 1
    infant = Infant.objects.get(hospital_record_number=f"{MRN}|MRN-1")
    assert Reading.objects.filter(infant=infant).count() == 1
    assert Message.objects.filter(template="invitation").count() == 1

    discharged = copy.deepcopy(bundle)
    encounter = next(e for e in discharged["entry"] if e["resource"]["resourceType"] == "Encounter")
    encounter["resource"]["period"]["end"] = timezone.now().isoformat()
    encounter["resource"]["status"] = "finished"
    assert send(hospital, discharged).status_code == 200
    infant.refresh_from_db()
    assert infant.discharged_at is not None


def test_a_withdrawn_mother_is_not_relinked_by_a_resend(world, hospital):
    from neocare.infants.services import consent_withdraw

    bundle = birth_bundle(world)
    send(hospital, bundle)
    link = Guardianship.objects.get(infant__hospital_record_number=f"{MRN}|MRN-1")
    consent_withdraw(infant=link.infant, guardian=link.guardian)

    send(hospital, bundle)

    link.refresh_from_db()
    assert link.consent_withdrawn_at is not None


def test_a_high_pre_discharge_tsb_raises_the_alert(world, hospital):
    send(hospital, birth_bundle(world, born_hours_ago=50, tsb_value=19.0))
    infant = Infant.objects.get(hospital_record_number=f"{MRN}|MRN-1")
    assert Alert.objects.filter(infant=infant).exists()


@pytest.mark.parametrize(
    ("breakage", "path"),
    [
        (
            lambda b: b["entry"][0]["resource"].pop("identifier"),
            "Bundle.entry[0].resource.identifier",
        ),
        (
            lambda b: b["entry"][0]["resource"].pop("_birthDate"),
            "Bundle.entry[0].resource._birthDate.extension",
        ),
        (
            lambda b: b["entry"][0]["resource"].update(
                generalPractitioner=[{"display": "nowhere"}]
            ),
            "Bundle.entry[0].resource.generalPractitioner",
        ),
        (
            lambda b: b["entry"][1]["resource"]["valueQuantity"].update(code="mo"),
            "Bundle.entry[1].resource.valueQuantity",
        ),
        (
            lambda b: b["entry"][5]["resource"].update(
                telecom=[{"system": "phone", "value": "12"}]
            ),
            "Bundle.entry[5].resource.telecom",
        ),
        (lambda b: b["entry"].pop(6), "Bundle.entry[5].resource.id"),
        (lambda b: b.update(type="batch"), "Bundle.type"),
    ],
)
def test_a_broken_bundle_saves_nothing_and_names_the_element(world, hospital, breakage, path):
    bundle = birth_bundle(world, tsb_value=15.0)
    breakage(bundle)

    answer = send(hospital, bundle)

    assert answer.status_code == 400, answer.content
    outcome = OperationOutcome.model_validate(answer.json())
    assert path in [e for issue in outcome.issue for e in issue.expression or []]
    assert not Infant.objects.filter(hospital_record_number__startswith=MRN).exists()
    assert not Message.objects.filter(template="invitation").exists()


def _by_address(world, address):
    bundle = birth_bundle(world)
    patient = bundle["entry"][0]["resource"]
    del patient["generalPractitioner"]
    if address is not None:
        patient["address"] = [address]
    return bundle


@pytest.fixture
def catchments(world):
    Catchment.objects.create(
        district=world.centre_a1.district, street="石牌街道", centre=world.centre_a1
    )
    Catchment.objects.create(
        district=world.centre_a2.district, street="林和街道", centre=world.centre_a2
    )
    # The same street name in another district belongs to that district's centre.
    Catchment.objects.create(
        district=world.centre_b1.district, street="石牌街道", centre=world.centre_b1
    )


def test_without_a_named_centre_the_address_chooses_it(world, hospital, catchments):
    address = {"district": world.centre_a2.district.name, "line": ["林和街道体育东路12号"]}
    answer = send(hospital, _by_address(world, address))

    assert answer.status_code == 200, answer.content
    infant = Infant.objects.get(hospital_record_number=f"{MRN}|MRN-1")
    assert infant.registered_centre == world.centre_a2


@pytest.mark.parametrize(
    ("address", "says"),
    [
        (None, "or the family's address"),
        ({"district": "A", "line": ["天河路1号"]}, "no community health centre serves"),
        # Without the district the street is in two districts' catchments: never a guess.
        ({"text": "石牌街道1号"}, "the address lies in the catchments of A1, B1"),
    ],
)
def test_an_address_no_single_centre_serves_is_refused(world, hospital, catchments, address, says):
    answer = send(hospital, _by_address(world, address))

    assert answer.status_code == 400
    outcome = OperationOutcome.model_validate(answer.json())
    found = [(e, i.diagnostics) for i in outcome.issue for e in i.expression or []]
    assert any(says in (text or "") for _, text in found), found
    assert not Infant.objects.filter(hospital_record_number__startswith=MRN).exists()


def test_an_impossible_pre_discharge_value_is_refused_as_the_api_would(world, hospital):
    """The physiologic ceiling (40 mg/dL) holds inside a bundle as at POST /fhir/Observation."""
    answer = send(hospital, birth_bundle(world, tsb_value=99.0))

    assert answer.status_code == 400
    outcome = OperationOutcome.model_validate(answer.json())
    paths = [e for issue in outcome.issue for e in issue.expression or []]
    assert "Bundle.entry[8].resource.valueQuantity.value" in paths
    assert not Infant.objects.filter(hospital_record_number__startswith=MRN).exists()


def test_a_client_without_the_handover_scope_cannot_send_births(world, consent_text):
    client, secret = system_client_register(
        name="HA-lab-only", facility=world.hospital_a, scopes=["system/Observation.write"]
    )
    lab = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(client, secret)}")
    assert send(lab, birth_bundle(world)).status_code == 403
