"""Issue #16, first part: hospital systems authenticate as systems (OAuth 2.0 client
credentials), read the CapabilityStatement and a Patient, and send bilirubin results that are
assessed exactly as a typed-in reading is. Every resource is validated with fhir.resources."""

import base64
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.patient import Patient

from neocare.alerts.models import Alert
from neocare.audit.models import AuditEvent
from neocare.fhir.models import SystemClient
from neocare.fhir.services import system_client_register
from neocare.infants.models import Reading
from neocare.messaging.models import Message, Reminder
from tests.factories import InfantFactory, link
from tests.helpers import make_term_infant_born_50h_ago, post_reading

ALL_SCOPES = [s.value for s in SystemClient.Scope]
FHIR = "application/fhir+json"


def token_for(client: SystemClient, secret: str, scope: str | None = None) -> str:
    basic = base64.b64encode(f"{client.application.client_id}:{secret}".encode()).decode()
    data = {"grant_type": "client_credentials", **({"scope": scope} if scope else {})}
    answer = Client().post("/o/token/", data, HTTP_AUTHORIZATION=f"Basic {basic}")
    assert answer.status_code == 200, answer.content
    return answer.json()["access_token"]


@pytest.fixture
def hospital(world):
    """Hospital HA's system (HA delivered `ours`), with every scope."""
    client, secret = system_client_register(
        name="HA-LIS", facility=world.hospital_a, scopes=ALL_SCOPES
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_for(client, secret)}")


@pytest.fixture
def other_hospital(world):
    client, secret = system_client_register(
        name="HC-LIS", facility=world.hospital_c, scopes=ALL_SCOPES
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_for(client, secret)}")


def tsb(infant, *, value=17.0, code="1975-2", unit="mg/dL", identifier="LAB-2026-0001", **extra):
    return {
        "resourceType": "Observation",
        "status": "final",
        "identifier": [{"system": "urn:oid:1.2.156.1.HA.lab", "value": identifier}],
        "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
        "subject": {"reference": f"Patient/{infant.public_id}"},
        "effectiveDateTime": (timezone.now() - timedelta(minutes=30)).isoformat(),
        "valueQuantity": {
            "value": value,
            "unit": unit,
            "system": "http://unitsofmeasure.org",
            "code": unit,
        },
        **extra,
    }


def post(client, body):
    return client.post("/fhir/Observation", body, content_type=FHIR)


def test_the_capability_statement_says_what_is_supported(db):
    answer = Client().get("/fhir/metadata")
    assert answer.status_code == 200 and answer["Content-Type"].startswith(FHIR)
    statement = CapabilityStatement.model_validate(answer.json())
    resources = {r.type: [i.code for i in r.interaction] for r in statement.rest[0].resource}
    assert resources == {"Patient": ["read"], "Observation": ["create", "search-type"]}
    assert [i.code for i in statement.rest[0].interaction] == ["transaction"]


def test_a_lab_tsb_is_assessed_exactly_as_a_typed_in_reading(world, hospital, client_for):
    infant = make_term_infant_born_50h_ago(world.ours)
    twin = make_term_infant_born_50h_ago(InfantFactory(registered_centre=world.centre_a1))
    link(twin, world.personas["guardian"])

    answer = post(hospital, tsb(infant, value=17.0))
    typed = post_reading(
        client_for(world.personas["community_doctor"]), twin, value="17.0", key="typed-tsb-1"
    )

    assert answer.status_code == 201, answer.content
    assert typed.status_code == 201
    stored = Observation.model_validate(answer.json())
    reading = Reading.objects.get(infant=infant)
    assert str(stored.id) == str(reading.public_id)
    assert (reading.method, reading.channel, reading.unit_as_sent) == (
        "tsb_lab",
        "hospital_system",
        "mg/dL",
    )
    ours, theirs = Alert.objects.get(infant=infant), Alert.objects.get(infant=twin)
    assert ours.severity == theirs.severity == "urgent_referral"
    assert Message.objects.filter(infant=infant, recipient=world.personas["guardian"]).exists()
    twin_reading = Reading.objects.get(infant=twin)
    assert reading.assessment.action == twin_reading.assessment.action
    assert reading.assessment.next_measurement_at == twin_reading.assessment.next_measurement_at
    assert (
        Reminder.objects.filter(infant=infant).count()
        == Reminder.objects.filter(infant=twin).count()
    )
    assert AuditEvent.objects.filter(
        infant=infant, actor__username="system-HA-LIS", action="create"
    ).exists()


def test_a_resent_result_changes_nothing(world, hospital):
    infant = make_term_infant_born_50h_ago(world.ours)
    body = tsb(infant, value=12.0)
    first = post(hospital, body)
    again = post(hospital, body)
    changed = post(hospital, {**body, "valueQuantity": {**body["valueQuantity"], "value": 13.0}})

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert changed.status_code == 409
    OperationOutcome.model_validate(changed.json())
    assert Reading.objects.filter(infant=infant).count() == 1


def test_micromoles_under_the_moles_code_and_a_meter_value(world, hospital):
    infant = make_term_infant_born_50h_ago(world.ours)
    serum = post(hospital, tsb(infant, value=200, code="14631-6", unit="umol/L"))
    meter = post(
        hospital, tsb(infant, value=180, code="58941-6", unit="umol/L", identifier="TCB-1")
    )

    assert serum.status_code == meter.status_code == 201
    methods = set(Reading.objects.filter(infant=infant).values_list("method", "unit_as_sent"))
    assert methods == {("tsb_lab", "umol/L"), ("tcb_clinic", "umol/L")}
    # Going out, the serum value keeps its unit under 14631-6; the meter value goes out in
    # mg/dL, the unit of 58941-6's property (mass concentration), with the value as sent.
    assert serum.json()["valueQuantity"]["code"] == "umol/L"
    assert serum.json()["valueQuantity"]["value"] == 200
    out = meter.json()
    assert out["code"]["coding"][0]["display"] == "Bilirubin [Mass/volume] in Skin"
    assert out["valueQuantity"]["code"] == "mg/dL"
    assert out["valueQuantity"]["value"] == 10.5  # 180 / 17.1 = 10.53
    assert out["note"] == [{"text": "sent as 180 umol/L"}]
    Observation.model_validate(out)


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"status": "preliminary"}, "Observation.status"),
        ({"identifier": []}, "Observation.identifier"),
        (
            {"code": {"coding": [{"system": "http://loinc.org", "code": "2345-7"}]}},
            "Observation.code.coding",
        ),
        (
            {
                "valueQuantity": {
                    "value": 17,
                    "system": "http://unitsofmeasure.org",
                    "code": "umol/L",
                }
            },
            "Observation.valueQuantity.code",
        ),
        (
            {"valueQuantity": {"value": 17, "unit": "mg/dl", "code": "mg/dl"}},
            "Observation.valueQuantity.code",
        ),
        ({"effectiveDateTime": None}, "Observation.effectiveDateTime"),
        ({"subject": {"display": "Baby Lin"}}, "Observation.subject.reference"),
        ({"valueQuantity": {"value": "lots"}}, "Observation.valueQuantity.value"),
        (
            {
                "valueQuantity": {
                    "value": 99,
                    "system": "http://unitsofmeasure.org",
                    "code": "mg/dL",
                }
            },
            "Observation.valueQuantity.value",
        ),
    ],
)
def test_an_invalid_result_answers_an_operation_outcome_with_the_path(
    world, hospital, change, path
):
    infant = make_term_infant_born_50h_ago(world.ours)
    body = {k: v for k, v in {**tsb(infant), **change}.items() if v is not None}

    answer = post(hospital, body)

    assert answer.status_code == 400, answer.content
    outcome = OperationOutcome.model_validate(answer.json())
    paths = [e for issue in outcome.issue for e in issue.expression or []]
    assert path in paths, paths
    assert not Reading.objects.filter(infant=infant).exists()


def test_the_patient_reads_as_valid_fhir(world, hospital):
    infant = make_term_infant_born_50h_ago(world.ours)
    answer = hospital.get(f"/fhir/Patient/{infant.public_id}")
    assert answer.status_code == 200
    patient = Patient.model_validate(answer.json())
    assert patient.gender == "female" and str(patient.birthDate) == str(
        timezone.localtime(infant.birth_at).date()
    )
    assert AuditEvent.objects.filter(infant=infant, object_type="fhir_patient").exists()


def test_another_hospitals_client_sees_nothing_and_writes_nothing(world, other_hospital):
    infant = make_term_infant_born_50h_ago(world.ours)  # delivered at HA, centre A1
    read = other_hospital.get(f"/fhir/Patient/{infant.public_id}")
    write = post(other_hospital, tsb(infant))
    assert read.status_code == write.status_code == 404
    OperationOutcome.model_validate(read.json())
    OperationOutcome.model_validate(write.json())
    assert not Reading.objects.filter(infant=infant).exists()
    # Its own infant (delivered at HC) it may read.
    assert other_hospital.get(f"/fhir/Patient/{world.theirs.public_id}").status_code == 200


def test_scopes_hold_and_strangers_are_refused(world):
    client, secret = system_client_register(
        name="HA-read", facility=world.hospital_a, scopes=["system/Patient.read"]
    )
    reader = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(client, secret)}")
    infant = make_term_infant_born_50h_ago(world.ours)
    assert post(reader, tsb(infant)).status_code == 403
    # It cannot ask for a scope it was not given.
    basic = base64.b64encode(f"{client.application.client_id}:{secret}".encode()).decode()
    refused = Client().post(
        "/o/token/",
        {"grant_type": "client_credentials", "scope": "system/Observation.write"},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )
    assert refused.status_code in (400, 401)
    anonymous = Client().get(f"/fhir/Patient/{infant.public_id}")
    assert anonymous.status_code == 401
    OperationOutcome.model_validate(anonymous.json())
    # A parent's or a doctor's API token is not a system's.
    assert (
        Client(HTTP_AUTHORIZATION="Bearer not-a-token")
        .get(f"/fhir/Patient/{infant.public_id}")
        .status_code
        == 401
    )
    client.active = False
    client.save()
    assert reader.get(f"/fhir/Patient/{infant.public_id}").status_code == 401


# --- Search ------------------------------------------------------------------------------------
def _measured(world, hospital):
    infant = make_term_infant_born_50h_ago(world.ours)
    for k, (value, code, unit) in enumerate(
        [(8.0, "1975-2", "mg/dL"), (150, "14631-6", "umol/L"), (140, "58941-6", "umol/L")]
    ):
        body = tsb(infant, value=value, code=code, unit=unit, identifier=f"S-{k}")
        body["effectiveDateTime"] = (infant.birth_at + timedelta(hours=30 + k)).isoformat()
        assert post(hospital, body).status_code == 201
    return infant


def test_observations_are_searched_by_patient_code_and_date_with_paging(world, hospital):
    infant = _measured(world, hospital)
    base = f"/fhir/Observation?patient=Patient/{infant.public_id}"

    everything = hospital.get(base)
    serum = hospital.get(f"{base}&code=http://loinc.org|1975-2,14631-6")
    later = hospital.get(
        f"{base}&date=ge{(infant.birth_at + timedelta(hours=31)).isoformat().replace('+', '%2B')}"
    )
    first_page = hospital.get(f"{base}&_count=2")

    bundles = [Bundle.model_validate(r.json()) for r in (everything, serum, later, first_page)]
    assert [b.total for b in bundles] == [3, 2, 2, 3]
    for bundle in bundles:
        for entry in bundle.entry or []:
            Observation.model_validate(entry.resource.model_dump())
    assert len(bundles[3].entry) == 2
    next_url = next(link.url for link in bundles[3].link if link.relation == "next")
    rest = Bundle.model_validate(hospital.get(next_url.split("testserver", 1)[-1]).json())
    assert len(rest.entry) == 1
    assert AuditEvent.objects.filter(infant=infant, object_type="fhir_observations").exists()


@pytest.mark.parametrize(
    "query", ["?colour=red", "?code=2345-7", "?date=yesterday", "?_count=0", "?patient=abc"]
)
def test_an_unsupported_search_is_a_400_outcome(world, hospital, query):
    answer = hospital.get(f"/fhir/Observation{query}")
    assert answer.status_code == 400
    OperationOutcome.model_validate(answer.json())


def test_another_hospital_finds_none_of_ours(world, hospital, other_hospital):
    infant = _measured(world, hospital)
    found = other_hospital.get(f"/fhir/Observation?patient={infant.public_id}")
    assert found.status_code == 200 and found.json()["total"] == 0


def test_clinicians_read_with_their_own_token_within_their_scope_and_never_write(
    world, hospital, client_for
):
    infant = _measured(world, hospital)
    doctor = client_for(world.personas["community_doctor"])  # centre A1: ours
    stranger = client_for(world.strangers["community_doctor"])  # centre A2
    parent = client_for(world.personas["guardian"])

    assert doctor.get(f"/fhir/Patient/{infant.public_id}").status_code == 200
    assert doctor.get(f"/fhir/Observation?patient={infant.public_id}").json()["total"] == 3
    assert stranger.get(f"/fhir/Patient/{infant.public_id}").status_code == 404
    assert parent.get(f"/fhir/Patient/{infant.public_id}").status_code == 403
    write = doctor.post("/fhir/Observation", tsb(infant, identifier="DOC-1"), format="json")
    assert write.status_code == 403
