"""Issue #13: no input makes a 5xx — nested JSON, UTC offsets no zone has, photo key reuse."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from neocare.infants.models import Reading

DEEP = "[" * 1000 + "]" * 1000  # 2 kB that overflow Python's JSON parser
OBJECTS = '{"a": ' * 40 + "1" + "}" * 40  # deeper than JSON_MAX_DEPTH, well inside Python's


@pytest.fixture
def parent(world, client_for):
    return client_for(world.personas["guardian"])


@pytest.mark.parametrize("body", [DEEP, OBJECTS], ids=["arrays-1000", "objects-40"])
@pytest.mark.parametrize(
    "path", ["/api/v1/auth/token/", "/api/v1/sync/", "readings", "/api/v1/sms/inbound/"]
)
def test_deeply_nested_json_is_a_clear_400(world, parent, settings, path, body):
    if path == "readings":
        path = f"/api/v1/infants/{world.ours.public_id}/readings/"
    client = (
        APIClient(HTTP_ACCEPT_LANGUAGE="en")
        if path.startswith(("/api/v1/auth", "/api/v1/sms"))
        else parent
    )
    response = client.post(
        path,
        body,
        content_type="application/json",
        HTTP_X_NEOCARE_WEBHOOK_SECRET=settings.SMS_WEBHOOK_SECRET,
    )

    assert response.status_code == 400, response.content
    assert "nested" in response.json()["detail"]


def test_a_photos_card_rectangle_nested_too_deeply_is_a_field_error(world, parent):
    response = parent.post(
        f"/api/v1/infants/{world.ours.public_id}/photos/",
        {"card_rect": DEEP, "body_site": "forehead", "idempotency_key": "deep-rect-01"},
        format="multipart",
    )

    assert response.status_code == 400
    assert "card_rect" in response.json()


@pytest.mark.parametrize(
    "query",
    [
        "/api/v1/infants/?born_after=2026-11-01T00:00:00-16:00",
        "/api/v1/infants/{id}/readings/?measured_after=2026-11-01T00:00:00%2B15:30",
        "/api/v1/infants/{id}/observations/?observed_before=2026-11-01T00:00:00-14:30",
    ],
)
def test_a_utc_offset_no_zone_has_is_a_400_in_filters(world, parent, query):
    response = parent.get(query.format(id=world.ours.public_id))

    assert response.status_code == 400
    assert "UTC offset" in str(response.json())


def test_audit_filters_refuse_impossible_offsets(world, client_for):
    response = client_for(world.personas["district_doctor"]).get(
        "/api/v1/audit-events/?after=2026-11-01T00:00:00-16:00"
    )

    assert response.status_code == 400


def test_a_reading_with_an_impossible_offset_is_refused_and_not_saved(world, parent):
    measured = (timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S") + "-16:00"
    response = parent.post(
        f"/api/v1/infants/{world.ours.public_id}/readings/",
        {
            "method": "tcb_home",
            "value": 150,
            "unit": "umol/L",
            "measured_at": measured,
            "idempotency_key": "offset-key-1",
        },
        format="json",
    )

    assert response.status_code == 400
    assert "measured_at" in response.json()
    assert not Reading.objects.exists()


def test_real_offsets_are_accepted(world, parent):
    response = parent.get(
        f"/api/v1/infants/?born_after={(timezone.now() - timedelta(days=9)).isoformat()}".replace(
            "+", "%2B"
        )
    )
    kiribati = parent.get("/api/v1/infants/?born_after=2026-11-01T00:00:00%2B14:00")

    assert (response.status_code, kiribati.status_code) == (200, 200)


# --- Found by schemathesis (tests/api/test_schema_conformance.py), kept as plain reproductions --
def test_a_unit_that_is_not_text_is_a_field_error_not_a_500(world, parent):
    reading = {
        "method": "tcb_home",
        "value": "9.0",
        "unit": {},
        "measured_at": timezone.now().isoformat(),
        "idempotency_key": "unit-object-1",
    }
    nested = parent.post(
        f"/api/v1/infants/{world.ours.public_id}/readings/", reading, format="json"
    )
    batch = parent.post(
        "/api/v1/sync/",
        {"readings": [{**reading, "infant": str(world.ours.public_id)}]},
        format="json",
    )

    assert nested.status_code == 400 and "unit" in nested.json()
    assert batch.status_code == 200
    assert batch.json()["readings"][0]["status"] == "invalid"
    assert "unit" in batch.json()["readings"][0]["errors"]
    assert not Reading.objects.exists()


def test_an_impossible_time_of_day_is_a_field_error(world, parent):
    response = parent.post(
        f"/api/v1/infants/{world.ours.public_id}/observations/",
        {"observed_at": "2026-11-30T12:99:00Z", "idempotency_key": "minute-99-1"},
        format="json",
    )

    assert response.status_code == 400
    assert "observed_at" in response.json()


@pytest.mark.parametrize("query", ["status=", "status=closed"])
def test_an_alert_status_filter_must_name_a_status(world, client_for, query):
    doctor = client_for(world.personas["community_doctor"])

    response = doctor.get(f"/api/v1/alerts/?{query}")

    assert response.status_code == 400
    assert "status" in response.json()


def test_a_blank_filter_is_refused_rather_than_ignored(world, client_for):
    district = client_for(world.personas["district_doctor"])

    response = district.get("/api/v1/audit-events/?infant=")

    assert response.status_code == 400
    assert "infant" in response.json()


def test_a_misspelt_filter_is_refused_rather_than_ignored(world, parent):
    base = f"/api/v1/infants/{world.ours.public_id}/readings/"

    typo = parent.get(f"{base}?measured_afer=2026-11-01T00:00:00Z")
    nameless = parent.get(f"{base}?=null")

    assert typo.status_code == 400
    assert typo.json() == {"measured_afer": ["Unknown filter."]}
    assert nameless.status_code == 400
    assert parent.get(f"{base}?page=1&measured_after=2026-11-01T00:00:00Z").status_code == 200


def test_a_blank_page_number_is_not_the_first_page(world, parent):
    assert parent.get("/api/v1/infants/?page=").status_code == 404
    assert parent.get("/api/v1/infants/").status_code == 200


@pytest.mark.parametrize(
    "path", ["/api/v1/infants/null,null/", "/api/v1/alerts/0.5/refer/", "/api/v1/referrals/x/"]
)
def test_an_id_that_is_not_a_uuid_is_a_json_404(parent, path):
    response = parent.get(path) if "refer/" not in path else parent.post(path, {}, format="json")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_a_number_where_text_is_expected_is_refused(settings):
    webhook = APIClient(HTTP_ACCEPT_LANGUAGE="en")

    response = webhook.post(
        "/api/v1/sms/inbound/",
        {"phone": 0, "text": ""},
        format="json",
        HTTP_X_NEOCARE_WEBHOOK_SECRET=settings.SMS_WEBHOOK_SECRET,
    )

    assert response.status_code == 400
    assert response.json() == {"phone": ["Not a valid string."]}
