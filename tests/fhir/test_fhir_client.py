"""A real FHIR client library (fhirpy) against the running server, as a hospital system would
use it: authenticate with client credentials, read the CapabilityStatement, send a lab result,
hand over a birth (twice, and a broken one), run $everything,
read the Patient, search Observations by code and date — and validate what comes back."""

import base64
import copy
import importlib
from datetime import timedelta

import pytest
import requests
from django.apps import apps
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.patient import Patient
from fhirpy import SyncFHIRClient

from neocare.alerts.models import Alert
from neocare.fhir.models import SystemClient
from neocare.fhir.services import system_client_register
from neocare.infants.models import Infant
from tests.fhir.test_births import birth_bundle
from tests.helpers import make_term_infant_born_50h_ago

consent_v1 = importlib.import_module("neocare.infants.migrations.0007_consent_text_v1")


@pytest.mark.django_db(transaction=True)
def test_a_hospital_system_speaks_fhir_with_fhirpy(world, live_server):
    infant = make_term_infant_born_50h_ago(world.ours)
    client, secret = system_client_register(
        name="HA-HIS", facility=world.hospital_a, scopes=[s.value for s in SystemClient.Scope]
    )
    basic = base64.b64encode(f"{client.application.client_id}:{secret}".encode()).decode()
    token = requests.post(
        f"{live_server.url}/o/token/",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
        timeout=10,
    ).json()["access_token"]
    fhir = SyncFHIRClient(f"{live_server.url}/fhir", authorization=f"Bearer {token}")

    statement = CapabilityStatement.model_validate(fhir.execute("metadata", method="get"))
    assert statement.fhirVersion == "4.0.1"

    taken = timezone.now() - timedelta(minutes=20)
    result = fhir.resource(
        "Observation",
        status="final",
        identifier=[{"system": "urn:oid:1.2.156.1.HA.lab", "value": "HIS-0001"}],
        code={"coding": [{"system": "http://loinc.org", "code": "14631-6"}]},
        subject={"reference": f"Patient/{infant.public_id}"},
        effectiveDateTime=taken.isoformat(),
        valueQuantity={
            "value": 291,
            "unit": "umol/L",
            "system": "http://unitsofmeasure.org",
            "code": "umol/L",
        },
    )
    result.save()  # POST /fhir/Observation
    assert result["id"]
    Observation.model_validate(result.serialize())
    assert Alert.objects.get(infant=infant).severity == "urgent_referral"  # 17.0 mg/dL at 50 h

    patient = fhir.reference("Patient", str(infant.public_id)).to_resource()
    Patient.model_validate(patient.serialize())
    assert patient["gender"] == "female"

    found = (
        fhir.resources("Observation")
        .search(patient=str(infant.public_id), code="http://loinc.org|14631-6")
        .search(date__ge=(taken - timedelta(hours=1)).isoformat())
        .fetch()
    )
    assert [o["id"] for o in found] == [result["id"]]
    for observation in found:
        Observation.model_validate(observation.serialize())

    everything = Bundle.model_validate(
        fhir.execute(f"Patient/{infant.public_id}/$everything", method="get")
    )
    assert {e.resource.__resource_type__ for e in everything.entry} >= {
        "Patient",
        "Observation",
        "RiskAssessment",
        "Flag",
    }

    # A birth handed over through the running server, sent twice, and a broken one.
    consent_v1.first_version(apps, None)  # the migration's row (a transactional test flushes)
    bundle = birth_bundle(world, mrn="LIVE-1", tsb_value=15.0)
    first = fhir.execute("", method="post", data=bundle)
    again = fhir.execute("", method="post", data=bundle)
    assert first["entry"][0]["response"]["status"] == "201 Created"
    assert again["entry"][0]["response"]["status"] == "200 OK"
    broken = copy.deepcopy(bundle)
    broken["entry"][0]["resource"].pop("identifier")
    refused = requests.post(
        f"{live_server.url}/fhir/",
        json=broken,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/fhir+json"},
        timeout=10,
    )
    assert refused.status_code == 400
    OperationOutcome.model_validate(refused.json())
    born = Infant.objects.get(hospital_record_number__endswith="|LIVE-1")
    assert born.readings.count() == 1 and born.guardianships.count() == 1
