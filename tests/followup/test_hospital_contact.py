"""Issue #26.8: after hospital contact the plan goes on — a course without a recorded end does
not silence home readings for ever, a hospital that sends the infant home without treatment
re-plans, and the end of phototherapy is recorded on a treated referral without closing it."""

from datetime import datetime

from neocare.alerts.models import Referral
from neocare.alerts.services import referral_create
from neocare.infants.assessments import assessment_latest
from neocare.infants.models import Phototherapy
from tests.followup.course import SHANGHAI, hours, latest_assessment, measure, term_infant

BORN = datetime(2027, 1, 10, 8, 0, tzinfo=SHANGHAI)


def refer_and_treat(world, client_for, clock, baby, *, start_h):
    """TSB 340 µmol/L at 72 h (39 weeks: at/above phototherapy 19.5 mg/dL); the community doctor
    refers; the hospital starts phototherapy at `start_h` and records no end."""
    doctor = client_for(world.personas["community_doctor"])
    measure(
        clock, doctor, baby, at=BORN + hours(72), value="340", unit="umol/L",
        method="tsb_lab", key="hosp-tsb-1",
    )  # fmt: skip
    referral = referral_create(
        infant=baby, by=world.personas["community_doctor"], hospital=world.hospital_a
    )
    clock.move_to(BORN + hours(start_h))
    paediatrician = client_for(world.personas["paediatrician"])
    url = f"/api/v1/referrals/{referral.public_id}/status/"
    for status in ("accepted", "arrived"):
        assert paediatrician.post(url, {"status": status}, format="json").status_code == 200
    response = paediatrician.post(
        url,
        {
            "status": "treated",
            "treatment": "phototherapy",
            "phototherapy_started_at": (BORN + hours(start_h)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    return referral, paediatrician, url


def test_a_home_reading_during_an_unclosed_course_is_assessed_and_asks_for_its_end(
    world, client_for, clock
):
    baby = term_infant(world.ours, born=BORN, weeks=39, days=0)
    refer_and_treat(world, client_for, clock, baby, start_h=75)
    parent = client_for(world.personas["guardian"])

    # The baby is home: the parents measure TcB 150 at 100 h, the course still "running".
    measure(
        clock, parent, baby, at=BORN + hours(100), value="150", unit="umol/L",
        method="tcb_home", key="hosp-tcb-1",
    )  # fmt: skip

    latest = latest_assessment(parent, baby)
    assert latest["decided_by"] != "treating_team"
    assert latest["next_measurement_at"] is not None
    codes = [s["code"] for s in latest["signals"]]
    assert "phototherapy_unclosed" in codes
    assert "has no recorded end" in " ".join(r["clinician"]["en"] for r in latest["reasons"])


def test_a_course_open_past_the_longest_course_no_longer_silences_the_plan(
    world, client_for, clock
):
    """Started at 75 h, never closed; a clinic TcB at 160 h (75 + 72 = 147 h passed)."""
    baby = term_infant(world.ours, born=BORN, weeks=39, days=0)
    refer_and_treat(world, client_for, clock, baby, start_h=75)
    doctor = client_for(world.personas["community_doctor"])

    measure(
        clock, doctor, baby, at=BORN + hours(160), value="200", unit="umol/L",
        method="tcb_clinic", key="hosp-tcb-2",
    )  # fmt: skip

    latest = assessment_latest(baby)
    assert latest.result["decided_by"] != "treating_team"
    assert latest.next_measurement_at is not None


def test_the_end_of_phototherapy_is_recorded_on_a_treated_referral_without_closing_it(
    world, client_for, clock
):
    baby = term_infant(world.ours, born=BORN, weeks=39, days=0)
    referral, paediatrician, url = refer_and_treat(world, client_for, clock, baby, start_h=75)
    clock.move_to(BORN + hours(99.5))

    response = paediatrician.post(
        url,
        {"status": "treated", "phototherapy_stopped_at": (BORN + hours(99)).isoformat()},
        format="json",
    )

    assert response.status_code == 200, response.json()
    referral.refresh_from_db()
    assert referral.status == Referral.Status.TREATED
    assert Phototherapy.objects.get(infant=baby).stopped_at == BORN + hours(99)
    assert assessment_latest(baby).result["reasons"][1]["code"] == "after_phototherapy_check"


def test_moving_a_referral_back_is_refused_in_words(world, client_for, clock):
    baby = term_infant(world.ours, born=BORN, weeks=39, days=0)
    referral, paediatrician, url = refer_and_treat(world, client_for, clock, baby, start_h=75)

    response = paediatrician.post(
        url, {"status": "arrived"}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert response.status_code == 400
    assert "treated" not in str(response.json()["status"])  # the status named in words


def test_a_hospital_that_sends_the_infant_home_untreated_re_plans(world, client_for, clock):
    """Lethargy reported at 60 h: emergency, automatic referral. The hospital sees the infant at
    63 h, gives no treatment and closes: the emergency advice ends, a measurement is asked."""
    baby = term_infant(world.ours, born=BORN, weeks=39, days=0)
    parent = client_for(world.personas["guardian"])
    measure(
        clock, parent, baby, at=BORN + hours(58), value="150", unit="umol/L",
        method="tcb_home", key="hosp-tcb-3",
    )  # fmt: skip
    clock.move_to(BORN + hours(60))
    assert parent.post(
        f"/api/v1/infants/{baby.public_id}/observations/",
        {"observed_at": (BORN + hours(60)).isoformat(), "lethargy": True,
         "idempotency_key": "hosp-obs-1"},
        format="json",
    ).status_code == 201  # fmt: skip
    assert latest_assessment(parent, baby)["action"] == "emergency"
    referral = Referral.objects.get(infant=baby)
    clock.move_to(BORN + hours(63))
    paediatrician = client_for(world.personas["paediatrician"])
    url = f"/api/v1/referrals/{referral.public_id}/status/"
    for body in (
        {"status": "accepted"},
        {"status": "arrived"},
        {"status": "treated", "treatment": "none"},
        {"status": "closed"},
    ):
        assert paediatrician.post(url, body, format="json").status_code == 200

    latest = latest_assessment(parent, baby)
    assert latest["action"] == "repeat_sooner"
    assert "emergency" not in latest["advice"]["en"].lower()
    assert datetime.fromisoformat(latest["next_measurement_at"]) == BORN + hours(63 + 24)


def test_one_normal_card_does_not_clear_a_pale_stool_before_a_doctor_acted(
    world, client_for, clock
):
    """#26.11: card 2 (pale) at 96 h asks the doctor; card 5 at 100 h does not clear it. Once
    the doctor has resolved the alert, a later normal card does."""
    baby = term_infant(world.ours, born=BORN, weeks=39, days=0)
    parent = client_for(world.personas["guardian"])
    measure(
        clock, parent, baby, at=BORN + hours(72), value="150", unit="umol/L",
        method="tcb_home", key="pale-tcb-1",
    )  # fmt: skip

    def card(at_h, number, key):
        clock.move_to(BORN + hours(at_h))
        response = parent.post(
            f"/api/v1/infants/{baby.public_id}/observations/",
            {"observed_at": (BORN + hours(at_h)).isoformat(), "stool_card_number": number,
             "idempotency_key": key},
            format="json",
        )  # fmt: skip
        assert response.status_code == 201, response.json()

    card(96, 2, "pale-card-1")
    card(100, 5, "pale-card-2")
    assert latest_assessment(parent, baby)["action"] == "doctor_review"

    alert = baby.alerts.get(status__in=("open", "acknowledged"))
    clock.move_to(BORN + hours(101))
    resolved = client_for(world.personas["community_doctor"]).post(
        f"/api/v1/alerts/{alert.public_id}/resolve/",
        {"outcome": "other", "note": "看过大便照片，颜色正常，继续观察"},
        format="json",
    )
    assert resolved.status_code == 200, resolved.json()
    card(110, 5, "pale-card-3")
    assert latest_assessment(parent, baby)["action"] == "routine"
