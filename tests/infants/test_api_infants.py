"""Registering infants, linking guardians, consent."""

from datetime import timedelta

import pytest
from django.utils import timezone

from neocare.audit.models import AuditEvent
from neocare.infants.models import Guardianship, Infant
from neocare.network.models import User


def register_body(world, **change):
    return {
        "display_name": "Baby Chen",
        "sex": "male",
        "birth_at": (timezone.now() - timedelta(hours=30)).isoformat(),
        "gestational_age_weeks": 37,
        "gestational_age_days": 4,
        "birth_weight_g": 3100,
        "registered_centre": str(world.centre_a1.public_id),
        "delivering_hospital": str(world.hospital_a.public_id),
        "feeding": "exclusive_breastfeeding",
        "neurotoxicity_risk_factors": ["g6pd_deficiency"],
        "hyperbilirubinemia_risk_factors": [],
        **change,
    }


def test_community_doctor_registers_infant_at_own_centre(world, client_for):
    doctor = world.personas["community_doctor"]
    response = client_for(doctor).post("/api/v1/infants/", register_body(world), format="json")
    assert response.status_code == 201, response.json()
    infant = Infant.objects.get(public_id=response.json()["id"])
    assert (
        infant.gestational_age,
        infant.neurotoxicity_risk_factors,
        infant.registered_centre,
    ) == ("37+4", ["g6pd_deficiency"], world.centre_a1)
    assert response.json()["age_hours"] == pytest.approx(30, abs=0.1)
    assert AuditEvent.objects.filter(actor=doctor, infant=infant, action="create").exists()


def test_neurotoxicity_risk_not_assessed_is_kept_apart_from_none(world, client_for):
    client = client_for(world.personas["community_doctor"])
    not_assessed = client.post(
        "/api/v1/infants/", register_body(world, neurotoxicity_risk_factors=None), format="json"
    )
    none_present = client.post(
        "/api/v1/infants/", register_body(world, neurotoxicity_risk_factors=[]), format="json"
    )
    assert not_assessed.json()["neurotoxicity_risk_factors"] is None
    assert none_present.json()["neurotoxicity_risk_factors"] == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"gestational_age_weeks": 21}, "gestational_age_weeks"),
        ({"gestational_age_weeks": 45}, "gestational_age_weeks"),
        ({"gestational_age_days": 7}, "gestational_age_days"),
        ({"birth_at": "2026-11-20T08:00:00"}, "birth_at"),
        ({"neurotoxicity_risk_factors": ["bad_luck"]}, "neurotoxicity_risk_factors"),
        ({"birth_weight_g": 3.1}, "birth_weight_g"),
        ({"nickname": "Tiger"}, "nickname"),
    ],
)
def test_bad_registration_is_refused_and_nothing_saved(world, client_for, change, field):
    before = Infant.objects.count()
    response = client_for(world.personas["community_doctor"]).post(
        "/api/v1/infants/", register_body(world, **change), format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert Infant.objects.count() == before


def test_gestational_age_bounds_are_inclusive(world, client_for):
    client = client_for(world.personas["community_doctor"])
    for weeks in (22, 44):
        response = client.post(
            "/api/v1/infants/", register_body(world, gestational_age_weeks=weeks), format="json"
        )
        assert response.status_code == 201


def test_community_doctor_cannot_register_at_another_centre(world, client_for):
    response = client_for(world.personas["community_doctor"]).post(
        "/api/v1/infants/",
        register_body(world, registered_centre=str(world.centre_a2.public_id)),
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "registered_centre": ["A community doctor registers infants at their own centre."]
    }


def test_birth_in_the_future_is_refused(world, client_for):
    response = client_for(world.personas["community_doctor"]).post(
        "/api/v1/infants/",
        register_body(world, birth_at=(timezone.now() + timedelta(hours=2)).isoformat()),
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["birth_at"]


@pytest.mark.parametrize("role", ["guardian", "health_admin"])
def test_non_clinicians_cannot_register(world, client_for, role):
    response = client_for(world.personas[role]).post(
        "/api/v1/infants/", register_body(world), format="json"
    )
    assert response.status_code == 403
    assert Infant.objects.count() == 2


def test_paediatrician_registration_defaults_delivering_hospital_to_own(world, client_for):
    body = register_body(world)
    del body["delivering_hospital"]
    response = client_for(world.personas["paediatrician"]).post(
        "/api/v1/infants/", body, format="json"
    )
    assert response.status_code == 201
    assert response.json()["delivering_hospital"] == str(world.hospital_a.public_id)


def test_infant_list_filters_by_centre(world, client_for):
    from tests.factories import InfantFactory

    other = InfantFactory(registered_centre=world.centre_a2)
    client = client_for(world.personas["district_doctor"])
    listed = client.get("/api/v1/infants/", {"registered_centre": str(world.centre_a2.public_id)})
    assert [row["id"] for row in listed.json()["results"]] == [str(other.public_id)]


class TestGuardians:
    def link_body(self, **change):
        return {
            "phone_number": "+8613912345678",
            "display_name": "Ms Wang",
            "relationship": "mother",
            "consent_given_at": (timezone.now() - timedelta(hours=1)).isoformat(),
            **change,
        }

    def test_clinician_links_new_guardian_by_phone(self, world, client_for):
        response = client_for(world.personas["community_doctor"]).post(
            f"/api/v1/infants/{world.ours.public_id}/guardians/", self.link_body(), format="json"
        )
        assert response.status_code == 201
        guardian = User.objects.get(phone_number="+8613912345678")
        assert guardian.role == User.Role.GUARDIAN
        assert not guardian.has_usable_password()
        assert "+8613912345678" in [g["phone_number"] for g in response.json()]

    def test_national_format_phone_is_stored_as_e164(self, world, client_for):
        client_for(world.personas["community_doctor"]).post(
            f"/api/v1/infants/{world.ours.public_id}/guardians/",
            self.link_body(phone_number="139 1234 5678"),
            format="json",
        )
        assert User.objects.filter(phone_number="+8613912345678").exists()

    def test_invalid_phone_is_a_field_error(self, world, client_for):
        response = client_for(world.personas["community_doctor"]).post(
            f"/api/v1/infants/{world.ours.public_id}/guardians/",
            self.link_body(phone_number="12345"),
            format="json",
        )
        assert response.status_code == 400
        assert list(response.json()) == ["phone_number"]

    def test_linking_twice_keeps_one_guardianship(self, world, client_for):
        client = client_for(world.personas["community_doctor"])
        url = f"/api/v1/infants/{world.ours.public_id}/guardians/"
        client.post(url, self.link_body(), format="json")
        client.post(url, self.link_body(relationship="other"), format="json")
        links = Guardianship.objects.filter(
            infant=world.ours, guardian__phone_number="+8613912345678"
        )
        assert [g.relationship for g in links] == ["other"]

    def test_guardian_cannot_link_guardians(self, world, client_for):
        response = client_for(world.personas["guardian"]).post(
            f"/api/v1/infants/{world.ours.public_id}/guardians/", self.link_body(), format="json"
        )
        assert response.status_code == 403

    def test_guardian_withdraws_consent_once(self, world, client_for):
        client = client_for(world.personas["guardian"])
        url = f"/api/v1/infants/{world.ours.public_id}/consent/withdraw/"
        first = client.post(url)
        again = client.post(url)
        assert first.status_code == again.status_code == 200
        assert first.json()["consent_withdrawn_at"] == again.json()["consent_withdrawn_at"]
        assert first.json()["consent_withdrawn_at"] is not None
