"""`Patient/{id}/$everything`: the whole record as a Bundle of valid FHIR resources, estimates
never under a bilirubin LOINC code, in scope only."""

import importlib
from datetime import timedelta

import pytest
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from neocare.infants.models import Phototherapy
from neocare.infants.services import observation_record
from tests.fhir.test_lab_results import ALL_SCOPES, token_for
from tests.helpers import post_reading

BILIRUBIN_LOINC = {"1975-2", "14631-6", "58941-6"}


@pytest.fixture
def system(world):
    from django.test import Client

    from neocare.fhir.services import system_client_register

    client, secret = system_client_register(
        name="HA-everything", facility=world.hospital_a, scopes=ALL_SCOPES
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_for(client, secret)}")


def test_everything_is_the_whole_record_as_valid_fhir(world, record, system, client_for):
    infant, alert, referral, photo = record
    parent = world.personas["guardian"]
    post_reading(client_for(parent), infant, value="12", method="visual", key="visual-1")
    observation_record(
        infant=infant,
        observed_at=timezone.now() - timedelta(minutes=5),
        entered_by=parent,
        channel="app",
        idempotency_key="obs-everything",
        weight_g=3100,
        stool_card_number=5,
        lethargy=False,
    )
    Phototherapy.objects.create(
        infant=infant,
        referral=referral,
        started_at=timezone.now() - timedelta(hours=3),
        recorded_by=world.personas["paediatrician"],
    )
    photo.status, photo.estimate_mg_dl = "usable", 9.5
    photo.estimate_low_mg_dl, photo.estimate_high_mg_dl = 7.0, 12.0
    photo.save()

    answer = system.get(f"/fhir/Patient/{infant.public_id}/$everything")

    assert answer.status_code == 200, answer.content
    bundle = Bundle.model_validate(answer.json())
    kinds = {}
    for entry in bundle.entry:
        module = importlib.import_module(
            f"fhir.resources.R4B.{entry.resource.__resource_type__.lower()}"
        )
        model = getattr(module, entry.resource.__resource_type__)
        model.model_validate(entry.resource.model_dump())  # each resource on its own, too
        kinds.setdefault(entry.resource.__resource_type__, []).append(entry.resource)
    assert set(kinds) >= {
        "Patient",
        "RelatedPerson",
        "Observation",
        "RiskAssessment",
        "ServiceRequest",
        "Task",
        "Procedure",
        "Communication",
    }
    observations = kinds["Observation"]
    estimates = [o for o in observations if "estimate" in (o.code.text or "")]
    assert len(estimates) == 2  # the visual guess and the photo
    for estimate in estimates:
        assert not {c.code for c in estimate.code.coding} & BILIRUBIN_LOINC
        assert "not a measurement" in estimate.note[0].text
    measured = [o for o in observations if o.code.coding[0].code in BILIRUBIN_LOINC]
    assert len(measured) == infant.readings.exclude(method="visual").count()
    assert any(o.code.coding[0].code == "29463-7" for o in observations)  # the weight
    risk = kinds["RiskAssessment"]
    assert len(risk) == infant.assessments.count()
    scored = [
        a for a in infant.assessments.all() if (a.result.get("risk_model") or {}).get("probability")
    ]
    with_probability = [r for r in risk if any(p.probabilityDecimal for p in r.prediction)]
    assert len(with_probability) == len(scored)
    assert all(r.method.text.startswith("AAP-2022") for r in risk)


def test_everything_is_in_scope_only(world, record, client_for):
    infant = record[0]
    stranger = client_for(world.strangers["paediatrician"])
    assert stranger.get(f"/fhir/Patient/{infant.public_id}/$everything").status_code == 404
    doctor = client_for(world.personas["community_doctor"])
    assert doctor.get(f"/fhir/Patient/{infant.public_id}/$everything").status_code == 200
