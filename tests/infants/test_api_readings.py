"""Posting and listing bilirubin readings: units, bad input, idempotency."""

from datetime import timedelta

import pytest
from django.utils import timezone

from neocare.audit.models import AuditEvent
from neocare.infants.models import Reading
from neocare.infants.services import consent_withdraw
from tests.factories import InfantFactory, link


@pytest.fixture
def parent_and_infant(world, client_for):
    """The guardian persona's infant, born 48 h ago at 38+2 weeks."""
    infant = world.ours
    infant.birth_at = timezone.now() - timedelta(hours=48)
    infant.gestational_age_weeks, infant.gestational_age_days = 38, 2
    infant.save()
    return client_for(world.personas["guardian"]), infant


def post(client, infant, **body):
    return client.post(f"/api/v1/infants/{infant.public_id}/readings/", body, format="json")


def minutes_ago(minutes):
    return (timezone.now() - timedelta(minutes=minutes)).isoformat()


def test_reading_in_umol_l_is_stored_canonically_and_shown_in_both_units(parent_and_infant):
    client, infant = parent_and_infant
    measured_at = timezone.now().replace(microsecond=0) - timedelta(minutes=30)

    response = post(
        client,
        infant,
        method="tcb_home",
        value=205,
        unit="umol/L",
        measured_at=measured_at.isoformat(),
        idempotency_key="key-00000001",
        device_id="meter-7",
    )

    assert response.status_code == 201
    body = response.json()
    reading = Reading.objects.get()
    assessment = body.pop("assessment")
    assert (assessment["id"], assessment["guideline_version"]) == (
        str(reading.assessment.public_id),
        "AAP-2022/neocare-engine-2",
    )
    assert body == {
        "id": str(reading.public_id),
        "infant": str(infant.public_id),
        "method": "tcb_home",
        "value": "205.00",
        "unit": "umol/L",
        "value_umol_l": 205,
        "value_mg_dl": 12.0,
        "measured_at": timezone.localtime(measured_at).isoformat(),
        "device_id": "meter-7",
        "idempotency_key": "key-00000001",
        "channel": "app",
        "entered_by_role": "guardian",
        "created_at": body["created_at"],
        "needs_confirmation": None,
        "late_entry": False,
    }
    assert reading.value_umol_l == 205.0


def test_reading_in_mg_dl_is_converted_with_17_1(parent_and_infant):
    client, infant = parent_and_infant
    response = post(
        client,
        infant,
        method="tsb_lab",
        value="12.3",
        unit="mg/dL",
        measured_at=minutes_ago(30),
        idempotency_key="key-00000002",
    )
    assert response.status_code == 201
    reading = Reading.objects.get()
    assert reading.value_umol_l == pytest.approx(12.3 * 17.1)
    assert (str(reading.value_as_sent), reading.unit_as_sent) == ("12.30", "mg/dL")
    assert (response.json()["value_umol_l"], response.json()["value_mg_dl"]) == (210, 12.3)


def test_micro_sign_spelling_of_the_unit_is_accepted(parent_and_infant):
    client, infant = parent_and_infant
    response = post(
        client,
        infant,
        method="tcb_home",
        value=150,
        unit="µmol/L",
        measured_at=minutes_ago(30),
        idempotency_key="key-00000003",
    )
    assert response.status_code == 201
    assert response.json()["unit"] == "umol/L"


GOOD = {"method": "tcb_home", "value": 200, "unit": "umol/L", "idempotency_key": "key-bad-0001"}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"unit": ""}, "unit", '"" is not a valid choice.'),
        ({"unit": "mmol/L"}, "unit", '"mmol/L" is not a valid choice.'),
        ({"value": -1}, "value", "Ensure this value is greater than or equal to 0."),
        (
            {"value": 685},
            "value",
            "Above the physiologic ceiling of 40 mg/dL (684 µmol/L). Check the value and its unit.",
        ),
        (
            {"value": "40.1", "unit": "mg/dL"},
            "value",
            "Above the physiologic ceiling of 40 mg/dL (684 µmol/L). Check the value and its unit.",
        ),
        ({"value": "twelve"}, "value", "A valid number is required."),
        ({"method": "smell"}, "method", '"smell" is not a valid choice.'),
        (
            {"idempotency_key": "short"},
            "idempotency_key",
            "Ensure this field has at least 8 characters.",
        ),
        (
            {"measured_at": "2026-11-20T08:00:00"},
            "measured_at",
            "Include the UTC offset, e.g. 2026-11-23T08:30:00+08:00 or ...Z.",
        ),
        (
            {"measured_at": "yesterday"},
            "measured_at",
            "Datetime has wrong format. Use one of these "
            "formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].",
        ),
        ({"colour": "yellow"}, "colour", "Unknown field."),
    ],
)
def test_bad_reading_gets_field_error_and_nothing_is_saved(
    parent_and_infant, change, field, message
):
    client, infant = parent_and_infant
    body = {**GOOD, "measured_at": minutes_ago(10), **change}
    body = {k: v for k, v in body.items() if v is not None}
    audit_rows = AuditEvent.objects.count()

    response = post(client, infant, **body)

    assert response.status_code == 400
    assert response.json()[field] == [message]
    assert Reading.objects.count() == 0
    assert AuditEvent.objects.count() == audit_rows


def test_missing_unit_is_reported_as_required(parent_and_infant):
    client, infant = parent_and_infant
    body = {
        "method": "tcb_home",
        "value": 200,
        "measured_at": minutes_ago(5),
        "idempotency_key": "key-nounit-1",
    }
    response = post(client, infant, **body)
    assert (response.status_code, response.json()) == (400, {"unit": ["This field is required."]})


def test_unknown_field_is_reported_beside_other_field_errors(parent_and_infant):
    client, infant = parent_and_infant
    response = post(
        client,
        infant,
        method="tcb_home",
        value=-5,
        unit="umol/L",
        measured_at=minutes_ago(5),
        idempotency_key="key-000000x1",
        colour="y",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"value", "colour"}


@pytest.mark.parametrize(
    ("offset", "accepted"),
    [
        (timedelta(minutes=4), True),  # a phone clock a few minutes fast
        (timedelta(minutes=6), False),  # beyond CLOCK_SKEW_TOLERANCE_MINUTES (5)
    ],
)
def test_future_measured_at_within_clock_skew_tolerance_only(parent_and_infant, offset, accepted):
    client, infant = parent_and_infant
    response = post(
        client, infant, **{**GOOD, "measured_at": (timezone.now() + offset).isoformat()}
    )
    assert response.status_code == (201 if accepted else 400)
    if not accepted:
        assert response.json() == {
            "measured_at": [
                "This time is in the future (more than 5 minutes ahead of the server clock). "
                "Check the device's date and time."
            ]
        }
        assert Reading.objects.count() == 0


def test_reading_before_birth_is_refused(parent_and_infant):
    client, infant = parent_and_infant
    before_birth = (infant.birth_at - timedelta(minutes=1)).isoformat()
    response = post(client, infant, **{**GOOD, "measured_at": before_birth})
    assert (response.status_code, response.json()) == (
        400,
        {"measured_at": ["This time is before the infant's birth."]},
    )
    assert Reading.objects.count() == 0


def test_reading_past_28_days_of_age_names_the_rule(world, client_for):
    infant = InfantFactory(
        registered_centre=world.centre_a1, birth_at=timezone.now() - timedelta(days=30)
    )
    link(infant, world.personas["guardian"])
    response = post(
        client_for(world.personas["guardian"]), infant, **{**GOOD, "measured_at": minutes_ago(60)}
    )
    assert response.status_code == 400
    assert response.json() == {
        "measured_at": [
            "The infant was 30.0 days old at this time; jaundice monitoring accepts records up to "
            "28 days of age (neonatal period)."
        ]
    }
    assert Reading.objects.count() == 0


def test_malformed_json_is_a_400(parent_and_infant):
    client, infant = parent_and_infant
    response = client.post(
        f"/api/v1/infants/{infant.public_id}/readings/", "{bad", content_type="application/json"
    )
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_body_that_is_not_an_object_is_a_400(parent_and_infant):
    client, infant = parent_and_infant
    response = client.post(f"/api/v1/infants/{infant.public_id}/readings/", [1, 2], format="json")
    assert response.status_code == 400
    assert Reading.objects.count() == 0


class TestIdempotency:
    def test_resend_with_same_key_returns_the_original_with_200(self, parent_and_infant):
        client, infant = parent_and_infant
        body = {**GOOD, "measured_at": minutes_ago(20)}
        first = post(client, infant, **body)
        again = post(client, infant, **body)
        assert (first.status_code, again.status_code) == (201, 200)
        assert again.json() == first.json()
        assert Reading.objects.count() == 1
        assert AuditEvent.objects.filter(action="create", object_type="reading").count() == 1

    def test_same_key_for_a_different_value_is_a_conflict(self, parent_and_infant):
        client, infant = parent_and_infant
        measured_at = minutes_ago(20)
        post(client, infant, **{**GOOD, "measured_at": measured_at})
        response = post(client, infant, **{**GOOD, "measured_at": measured_at, "value": 201})
        assert response.status_code == 409
        assert response.json() == {
            "idempotency_key": [
                "This idempotency key was already used for a different record (differs in: "
                "value_as_sent). Use a new key for a new record."
            ]
        }
        assert Reading.objects.get().value_umol_l == 200

    def test_a_resend_after_consent_was_withdrawn_still_gets_its_original(
        self, world, parent_and_infant
    ):
        # The phone sent it while consent held and lost the answer; it resends later.
        client, infant = parent_and_infant
        body = {**GOOD, "measured_at": minutes_ago(20)}
        first = post(client, infant, **body)
        consent_withdraw(infant=infant, guardian=world.personas["guardian"])

        again = post(client, infant, **body)
        new = post(client, infant, **{**body, "idempotency_key": "key-after-0001"})

        assert (first.status_code, again.status_code, new.status_code) == (201, 200, 403)
        assert again.json() == first.json()
        assert Reading.objects.count() == 1

    def test_two_users_may_use_the_same_key(self, world, parent_and_infant, client_for):
        client, infant = parent_and_infant
        body = {**GOOD, "measured_at": minutes_ago(20)}
        assert post(client, infant, **body).status_code == 201
        doctor = client_for(world.personas["community_doctor"])
        assert post(doctor, infant, **body).status_code == 201
        assert Reading.objects.count() == 2


def test_guardian_who_withdrew_consent_cannot_post(world, client_for):
    infant = InfantFactory(registered_centre=world.centre_a1)
    link(infant, world.personas["guardian"], withdrawn=True)
    response = post(
        client_for(world.personas["guardian"]), infant, **{**GOOD, "measured_at": minutes_ago(5)}
    )
    assert response.status_code == 403
    assert Reading.objects.count() == 0


def test_clinician_posts_lab_value_and_channel_says_so(world, client_for):
    response = post(
        client_for(world.personas["paediatrician"]),
        world.ours,
        **{**GOOD, "method": "tsb_lab", "measured_at": minutes_ago(5)},
    )
    assert response.status_code == 201
    assert (response.json()["channel"], response.json()["entered_by_role"]) == (
        "clinician",
        "paediatrician",
    )


def test_readings_list_is_in_time_order_whatever_the_arrival_order(parent_and_infant):
    client, infant = parent_and_infant
    for minutes, key in [(30, "key-late-0001"), (90, "key-early-001"), (60, "key-mid-00001")]:
        assert (
            post(
                client,
                infant,
                **{**GOOD, "measured_at": minutes_ago(minutes), "idempotency_key": key},
            ).status_code
            == 201
        )
    listed = client.get(f"/api/v1/infants/{infant.public_id}/readings/").json()
    assert [r["idempotency_key"] for r in listed["results"]] == [
        "key-early-001",
        "key-mid-00001",
        "key-late-0001",
    ]


def test_readings_list_filters_by_date(parent_and_infant):
    client, infant = parent_and_infant
    post(client, infant, **{**GOOD, "measured_at": minutes_ago(600), "idempotency_key": "old-0001"})
    post(client, infant, **{**GOOD, "measured_at": minutes_ago(10), "idempotency_key": "new-0001"})
    since = (timezone.now() - timedelta(minutes=60)).isoformat()
    listed = client.get(
        f"/api/v1/infants/{infant.public_id}/readings/", {"measured_after": since}
    ).json()
    assert [r["idempotency_key"] for r in listed["results"]] == ["new-0001"]


def test_messages_follow_accept_language_chinese(parent_and_infant):
    client, infant = parent_and_infant
    client.credentials(HTTP_ACCEPT_LANGUAGE="zh-hans")
    response = post(client, infant, **{**GOOD, "measured_at": minutes_ago(5), "value": 700})
    assert response.status_code == 400
    assert response.json()["value"] == ["超过生理上限 40 mg/dL（684 µmol/L）。请检查数值及其单位。"]
