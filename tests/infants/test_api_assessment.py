"""Every reading is assessed in the same request; history keeps what was said at the time."""

from datetime import timedelta

import pytest
from django.utils import timezone

from neocare.infants.models import Assessment
from tests.factories import InfantFactory, link
from tests.helpers import post_reading


@pytest.fixture
def term_infant(world):
    """38+0 weeks, no neurotoxicity risk factor, 3.3 kg, born exactly 50 h ago.

    AAP 2022 at 48 h (38 weeks, no risk): phototherapy 16.0, exchange 24.0 mg/dL.
    """
    infant = InfantFactory(
        registered_centre=world.centre_a1,
        birth_at=timezone.now().replace(microsecond=0) - timedelta(hours=50),
        gestational_age_weeks=38,
        gestational_age_days=0,
        birth_weight_g=3300,
        neurotoxicity_risk_factors=[],
        feeding="formula",
    )
    link(infant, world.personas["guardian"])
    return infant


def test_reading_at_the_phototherapy_threshold_is_an_urgent_referral(
    world, client_for, term_infant
):
    client = client_for(world.personas["community_doctor"])

    response = post_reading(client, term_infant, age_hours=48, value="16.0", key="assess-0001")

    assert response.status_code == 201
    assessment = response.json()["assessment"]
    assert assessment["action"] == "urgent_referral"
    assert assessment["thresholds"]["phototherapy_mg_dl"] == 16.0
    assert assessment["thresholds"]["exchange_mg_dl"] == 24.0
    assert (assessment["gap_mg_dl"], assessment["gap_umol_l"]) == (0.0, 0)
    assert assessment["reasons"][0]["parent"] == {
        "zh-hans": "请今天带宝宝去医院检查，不要等待。",
        "en": "Take your baby to hospital today. Do not wait.",
    }
    stored = Assessment.objects.get()
    assert (stored.action, stored.action_level, stored.guideline_version) == (
        "urgent_referral",
        4,
        "AAP-2022/neocare-engine-2",
    )


def test_next_measurement_time_follows_the_gap(world, client_for, term_infant):
    # 13.0 mg/dL at 48 h: Δ 3.0 → TcB or TSB in 4–24 h → due 24 h after the reading.
    client = client_for(world.personas["guardian"])
    response = post_reading(client, term_infant, age_hours=48, value="13.0", key="assess-0002")
    assessment = response.json()["assessment"]
    assert (assessment["action"], assessment["next_measurement_hours"]) == ("repeat_sooner", 24.0)
    due = term_infant.birth_at + timedelta(hours=72)
    assert Assessment.objects.get().next_measurement_at == due


def test_umol_l_reading_gets_its_gap_in_umol_l(world, client_for, term_infant):
    client = client_for(world.personas["guardian"])
    response = post_reading(
        client, term_infant, age_hours=48, value=222, unit="umol/L", key="assess-0003"
    )
    assessment = response.json()["assessment"]
    assert (
        assessment["gap_mg_dl"],
        assessment["gap_umol_l"],
        assessment["gap_in_reading_unit"],
    ) == (3.0, 51, 51)  # the threshold beside a µmol/L value: 273 µmol/L (16.0 mg/dL) − 222


def test_history_keeps_what_was_said_and_latest_follows_the_clock(world, client_for, term_infant):
    client = client_for(world.personas["guardian"])
    post_reading(client, term_infant, age_hours=40, value="8.0", key="assess-0010")
    post_reading(client, term_infant, age_hours=48, value="14.5", key="assess-0011")
    # A reading synced late, measured before the others, joins the history: it is assessed at
    # the latest moment (what counts now includes it) and does not become the measurement.
    post_reading(client, term_infant, age_hours=30, value="6.0", key="assess-0012")

    history = client.get(f"/api/v1/infants/{term_infant.public_id}/readings/").json()["results"]
    assert [r["measured_at"] for r in history] == sorted(r["measured_at"] for r in history)
    assert [r["assessment"]["action"] for r in history] == [
        "doctor_review",  # the late 6.0 at 30 h, assessed as of the 14.5 at 48 h
        "routine",
        "doctor_review",
    ]
    assert history[0]["assessment"]["basis_at"] == history[2]["assessment"]["basis_at"]
    latest = client.get(f"/api/v1/infants/{term_infant.public_id}/assessment/").json()
    assert (latest["action"], latest["value_mg_dl"]) == ("doctor_review", 14.5)


def test_rate_of_rise_uses_the_earlier_readings(world, client_for, term_infant):
    client = client_for(world.personas["guardian"])
    post_reading(client, term_infant, age_hours=36, value="8.0", key="assess-0020")
    response = post_reading(client, term_infant, age_hours=46, value="11.0", key="assess-0021")
    signals = response.json()["assessment"]["signals"]
    assert signals == [
        {
            "code": "rapid_rise",
            "action_floor": "doctor_review",
            "rate_mg_dl_per_hour": 0.3,
            "limit_mg_dl_per_hour": 0.2,
            "over_hours": 10.0,
            "window_hours": [4, 8],
        }
    ]


def test_lethargy_reported_after_a_reading_makes_the_latest_assessment_an_emergency(
    world, client_for, term_infant
):
    client = client_for(world.personas["guardian"])
    post_reading(client, term_infant, age_hours=46, value="6.0", key="assess-0030")
    response = client.post(
        f"/api/v1/infants/{term_infant.public_id}/observations/",
        {
            "observed_at": (term_infant.birth_at + timedelta(hours=47)).isoformat(),
            "lethargy": True,
            "idempotency_key": "assess-obs-1",
        },
        format="json",
    )
    assert response.json()["assessment"]["action"] == "emergency"
    latest = client.get(f"/api/v1/infants/{term_infant.public_id}/assessment/").json()
    assert latest["action"] == "emergency"
    assert latest["signals"] == [
        {
            "code": "encephalopathy_signs",
            "action_floor": "emergency",
            "signs": ["lethargy"],
            "age_hours": 47.0,
        }
    ]


def test_infant_without_readings_is_asked_for_a_measurement(world, client_for, term_infant):
    latest = (
        client_for(world.personas["guardian"])
        .get(f"/api/v1/infants/{term_infant.public_id}/assessment/")
        .json()
    )
    assert (latest["action"], latest["id"]) == ("repeat_sooner", None)
    assert Assessment.objects.count() == 0


def test_preterm_infant_gets_clinician_review_not_a_made_up_threshold(world, client_for):
    infant = InfantFactory(
        registered_centre=world.centre_a1,
        gestational_age_weeks=33,
        birth_at=timezone.now() - timedelta(hours=50),
    )
    response = post_reading(
        client_for(world.personas["community_doctor"]),
        infant,
        age_hours=48,
        value="8.0",
        key="assess-0040",
    )
    assessment = response.json()["assessment"]
    assert assessment["guideline_applies"] is False
    assert assessment["thresholds"]["phototherapy_mg_dl"] is None
    assert assessment["action"] == "doctor_review"


def test_assessment_is_404_out_of_scope(world, client_for, term_infant):
    response = client_for(world.strangers["guardian"]).get(
        f"/api/v1/infants/{term_infant.public_id}/assessment/"
    )
    assert response.status_code == 404


def test_resent_reading_returns_the_original_assessment(world, client_for, term_infant):
    client = client_for(world.personas["guardian"])
    first = post_reading(client, term_infant, age_hours=48, value="13.0", key="assess-0050")
    again = post_reading(client, term_infant, age_hours=48, value="13.0", key="assess-0050")
    assert again.json()["assessment"] == first.json()["assessment"]
    assert Assessment.objects.count() == 1
