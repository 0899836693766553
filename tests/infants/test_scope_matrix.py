"""Every role × every infant endpoint: in scope works, out of scope is 404 (never 403)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from neocare.audit.models import AuditEvent
from neocare.infants.models import Observation, Reading

CLINICAL_ROLES = ["guardian", "community_doctor", "district_doctor", "paediatrician"]
ALL_ROLES = [*CLINICAL_ROLES, "health_admin"]


def reading_body(key):
    return {
        "method": "tcb_home",
        "value": "180",
        "unit": "umol/L",
        "measured_at": (timezone.now() - timedelta(minutes=5)).isoformat(),
        "idempotency_key": key,
    }


def observation_body(key):
    return {
        "observed_at": (timezone.now() - timedelta(minutes=5)).isoformat(),
        "stool_colour": "normal",
        "idempotency_key": key,
    }


ENDPOINTS = {
    "infant detail": ("get", "/api/v1/infants/{id}/", None),
    "readings list": ("get", "/api/v1/infants/{id}/readings/", None),
    "reading create": ("post", "/api/v1/infants/{id}/readings/", reading_body),
    "observations list": ("get", "/api/v1/infants/{id}/observations/", None),
    "observation create": ("post", "/api/v1/infants/{id}/observations/", observation_body),
    "guardians list": ("get", "/api/v1/infants/{id}/guardians/", None),
}


def call(client, endpoint, infant, key="scope-key-0001"):
    method, url, body = ENDPOINTS[endpoint]
    url = url.format(id=infant.public_id)
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, body(key), format="json")


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("role", CLINICAL_ROLES)
def test_role_reaches_infant_in_scope(world, client_for, role, endpoint):
    response = call(client_for(world.personas[role]), endpoint, world.ours)
    assert response.status_code in (200, 201), response.content


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("role", ALL_ROLES)
def test_stranger_of_each_role_gets_404_and_nothing_is_written(world, client_for, role, endpoint):
    before = (Reading.objects.count(), Observation.objects.count())
    response = call(client_for(world.strangers[role]), endpoint, world.ours)
    assert response.status_code == 404
    assert (Reading.objects.count(), Observation.objects.count()) == before


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("role", CLINICAL_ROLES)
def test_persona_gets_404_for_infant_of_another_district(world, client_for, role, endpoint):
    response = call(client_for(world.personas[role]), endpoint, world.theirs)
    assert response.status_code == 404


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_health_admin_sees_no_identifiable_record_even_in_own_region(world, client_for, endpoint):
    response = call(client_for(world.personas["health_admin"]), endpoint, world.ours)
    assert response.status_code == 404


@pytest.mark.parametrize("role", ALL_ROLES)
def test_infant_list_holds_exactly_the_scope(world, client_for, role):
    listed = client_for(world.personas[role]).get("/api/v1/infants/").json()
    expected = [] if role == "health_admin" else [str(world.ours.public_id)]
    assert [row["id"] for row in listed["results"]] == expected


def test_missing_and_foreign_infant_answer_identically(world, client_for):
    client = client_for(world.personas["community_doctor"])
    foreign = client.get(f"/api/v1/infants/{world.theirs.public_id}/")
    missing = client.get("/api/v1/infants/00000000-0000-4000-8000-000000000000/")
    assert (foreign.status_code, foreign.json()) == (missing.status_code, missing.json())


def test_district_doctor_sees_every_centre_of_the_district(world, client_for):
    from tests.factories import InfantFactory

    sibling_centre_infant = InfantFactory(registered_centre=world.centre_a2)
    other_district_infant = InfantFactory(registered_centre=world.centre_b1)
    listed = client_for(world.personas["district_doctor"]).get("/api/v1/infants/").json()
    ids = {row["id"] for row in listed["results"]}
    assert ids == {str(world.ours.public_id), str(sibling_centre_infant.public_id)}
    assert str(other_district_infant.public_id) not in ids


def test_unauthenticated_request_is_refused(world):
    from rest_framework.test import APIClient

    response = APIClient().get(f"/api/v1/infants/{world.ours.public_id}/")
    assert response.status_code == 401


def test_token_from_sign_in_opens_the_guardians_own_infant(world):
    from rest_framework.test import APIClient

    from neocare.messaging.models import Message

    client = APIClient()
    phone = str(world.personas["guardian"].phone_number)
    assert client.post("/api/v1/auth/code/", {"phone": phone}, format="json").status_code == 202
    code = Message.objects.get(phone=phone, template="auth").params["code"]
    answer = client.post(
        "/api/v1/auth/code/sign-in/", {"phone": phone, "code": code}, format="json"
    )
    token = answer.json()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token['token']}")
    assert client.get(f"/api/v1/infants/{world.ours.public_id}/").status_code == 200
    assert client.get(f"/api/v1/infants/{world.theirs.public_id}/").status_code == 404


class TestBreakGlass:
    def test_paediatrician_opens_foreign_infant_with_reason_and_it_is_audited(
        self, world, client_for
    ):
        paediatrician = world.personas["paediatrician"]
        client = client_for(paediatrician)
        assert client.get(f"/api/v1/infants/{world.theirs.public_id}/").status_code == 404

        response = client.post(
            "/api/v1/break-glass/",
            {
                "infant": str(world.theirs.public_id),
                "reason": "Transferred by ambulance, unconscious, no referral yet",
            },
            format="json",
        )

        assert response.status_code == 201
        assert client.get(f"/api/v1/infants/{world.theirs.public_id}/").status_code == 200
        event = AuditEvent.objects.get(action="break_glass")
        assert (event.actor, event.infant, event.reason) == (
            paediatrician,
            world.theirs,
            "Transferred by ambulance, unconscious, no referral yet",
        )

    def test_break_glass_expires(self, world, client_for):
        from neocare.infants.models import BreakGlassAccess

        paediatrician = world.personas["paediatrician"]
        client = client_for(paediatrician)
        client.post(
            "/api/v1/break-glass/",
            {"infant": str(world.theirs.public_id), "reason": "Emergency admission"},
            format="json",
        )
        BreakGlassAccess.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        assert client.get(f"/api/v1/infants/{world.theirs.public_id}/").status_code == 404

    def test_break_glass_needs_a_written_reason(self, world, client_for):
        response = client_for(world.personas["paediatrician"]).post(
            "/api/v1/break-glass/",
            {"infant": str(world.theirs.public_id), "reason": ""},
            format="json",
        )
        assert response.status_code == 400
        assert "reason" in response.json()
        assert not AuditEvent.objects.filter(action="break_glass").exists()

    @pytest.mark.parametrize(
        "role", ["guardian", "community_doctor", "district_doctor", "health_admin"]
    )
    def test_other_roles_cannot_break_glass(self, world, client_for, role):
        response = client_for(world.personas[role]).post(
            "/api/v1/break-glass/",
            {"infant": str(world.theirs.public_id), "reason": "I would like to look please"},
            format="json",
        )
        assert response.status_code == 403
        assert (
            client_for(world.personas[role])
            .get(f"/api/v1/infants/{world.theirs.public_id}/")
            .status_code
            == 404
        )
