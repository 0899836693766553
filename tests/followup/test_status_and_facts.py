"""Issue #26.10: facts corrected with a reason re-assess at once; follow-up that ends stops
every reminder and automatic text to the family ("died" says nothing), closes the plan's
requests and the open alert; only clinicians decide; strangers get 404."""

from datetime import datetime

import pytest

from neocare.alerts.models import Alert
from neocare.audit.models import AuditEvent
from neocare.followup.models import Request
from neocare.infants.assessments import assessment_latest
from neocare.messaging.models import Message, Reminder
from neocare.messaging.reminders import reminders_dispatch
from tests.followup.course import SHANGHAI, hours, measure, term_infant

BORN = datetime(2027, 1, 10, 8, 0, tzinfo=SHANGHAI)


def test_a_g6pd_result_found_later_moves_the_infant_to_the_with_risk_curves(
    world, client_for, clock
):
    """39+0 weeks, TSB 230 µmol/L (13.5 mg/dL) at 48 h: 3.1 below the no-risk threshold 16.6
    (repeat sooner). G6PD deficiency found later: the with-risk curve (14.2 at 48 h) leaves a
    gap of 0.7 — doctor review and a TSB."""
    baby = term_infant(world.ours, born=BORN, weeks=39, days=0)
    doctor = client_for(world.personas["community_doctor"])
    measure(
        clock, doctor, baby, at=BORN + hours(48), value="230", unit="umol/L",
        method="tsb_lab", key="facts-tsb-1",
    )  # fmt: skip
    assert assessment_latest(baby).action == "repeat_sooner"
    clock.move_to(BORN + hours(50))

    response = doctor.post(
        f"/api/v1/infants/{baby.public_id}/facts/",
        {"neurotoxicity_risk_factors": ["g6pd_deficiency"], "reason": "G6PD 筛查阳性"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["neurotoxicity_risk_factors"] == ["g6pd_deficiency"]
    latest = assessment_latest(baby)
    assert (
        latest.action == "doctor_review" and latest.decided_by == world.personas["community_doctor"]
    )
    assert latest.result["thresholds"]["neurotoxicity_curves"] is True
    audit = AuditEvent.objects.get(object_type="infant_facts", infant=baby)
    assert "neurotoxicity_risk_factors: [] → ['g6pd_deficiency']" in audit.reason


def test_a_correction_needs_a_reason_and_a_fact_and_changes_nothing_without(world, client_for):
    baby = world.ours
    doctor = client_for(world.personas["community_doctor"])
    url = f"/api/v1/infants/{baby.public_id}/facts/"

    no_reason = doctor.post(url, {"gestational_age_weeks": 37}, format="json")
    no_fact = doctor.post(url, {"reason": "typo"}, format="json")
    bad = doctor.post(url, {"gestational_age_weeks": 60, "reason": "typo"}, format="json")

    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    assert no_fact.status_code == 400
    assert bad.status_code == 400 and "gestational_age_weeks" in bad.json()
    baby.refresh_from_db()
    assert baby.gestational_age_weeks != 60
    assert not AuditEvent.objects.filter(object_type="infant_facts").exists()


@pytest.mark.parametrize("role", ["guardian", "health_admin"])
def test_only_clinicians_correct_facts_or_set_the_follow_up(world, client_for, role):
    client = client_for(world.personas[role])
    base = f"/api/v1/infants/{world.ours.public_id}"

    facts = client.post(f"{base}/facts/", {"feeding": "formula", "reason": "x"}, format="json")
    status = client.post(
        f"{base}/follow-up-status/", {"status": "died", "reason": "x"}, format="json"
    )

    assert facts.status_code in (403, 404) and status.status_code in (403, 404)
    world.ours.refresh_from_db()
    assert world.ours.follow_up_status == "active"


def test_a_stranger_doctor_gets_404(world, client_for):
    client = client_for(world.strangers["community_doctor"])
    base = f"/api/v1/infants/{world.ours.public_id}"

    assert client.post(
        f"{base}/follow-up-status/", {"status": "moved", "reason": "x"}, format="json"
    ).status_code == 404  # fmt: skip
    assert client.post(
        f"{base}/facts/", {"feeding": "formula", "reason": "x"}, format="json"
    ).status_code == 404  # fmt: skip


def test_died_stops_every_text_to_the_family_and_closes_the_plan(world, client_for, clock):
    """39 weeks: TcB 255 µmol/L (14.9 mg/dL) at 48 h, 1.7 below the threshold 16.6: doctor
    review and a TSB — an alert, a request, a reminder, texts (as if held by quiet hours).
    Then the doctor records that the infant died: nothing pending goes, no reminder fires, no
    later text is written."""
    baby = term_infant(world.ours, born=BORN, weeks=39, days=0)
    guardian = world.personas["guardian"]
    parent = client_for(guardian)
    measure(
        clock, parent, baby, at=BORN + hours(44), value="150", unit="umol/L",
        method="tcb_home", key="died-tcb-1",
    )  # fmt: skip
    measure(
        clock, parent, baby, at=BORN + hours(48), value="255", unit="umol/L",
        method="tcb_home", key="died-tcb-2",
    )  # fmt: skip
    assert Alert.objects.filter(infant=baby, status__in=("open", "acknowledged")).exists()
    assert Request.objects.filter(infant=baby, status="open").exists()
    Message.objects.filter(infant=baby).update(status="pending")  # as if still held
    clock.move_to(BORN + hours(49))

    response = client_for(world.personas["community_doctor"]).post(
        f"/api/v1/infants/{baby.public_id}/follow-up-status/",
        {"status": "died", "reason": "家属电话告知"},
        format="json",
    )

    assert response.status_code == 200 and response.json()["follow_up_status"] == "died"
    to_family = Message.objects.filter(infant=baby, recipient=guardian)
    assert not to_family.filter(status="pending").exists()
    assert set(to_family.values_list("reason", flat=True)) == {"died"}
    assert not Reminder.objects.filter(infant=baby, status__in=("pending", "first_sent")).exists()
    assert not Request.objects.filter(infant=baby, status="open").exists()
    assert not Alert.objects.filter(infant=baby, status__in=("open", "acknowledged")).exists()
    before = to_family.count()
    clock.move_to(BORN + hours(120))
    reminders_dispatch()
    assert to_family.count() == before
    assert AuditEvent.objects.filter(object_type="follow_up_status", infant=baby).exists()


def test_moved_then_active_again_plans_anew(world, client_for, clock):
    baby = term_infant(world.ours, born=BORN, weeks=39, days=0)
    doctor = client_for(world.personas["community_doctor"])
    measure(
        clock, doctor, baby, at=BORN + hours(48), value="230", unit="umol/L",
        method="tsb_lab", key="moved-tsb-1",
    )  # fmt: skip
    url = f"/api/v1/infants/{baby.public_id}/follow-up-status/"
    assert doctor.post(url, {"status": "moved", "reason": "搬家"}, format="json").status_code == 200
    assert not Reminder.objects.filter(infant=baby, status="pending").exists()

    clock.move_to(BORN + hours(52))
    again = doctor.post(url, {"status": "active", "reason": "回到本区"}, format="json")

    assert again.status_code == 200
    assert Reminder.objects.filter(infant=baby, status="pending").exists()
    assert assessment_latest(baby).basis_at == BORN + hours(52)


def test_a_clinician_threshold_no_infant_has_is_refused_in_words(world, client_for):
    """33 weeks: a phototherapy threshold of 10 "µmol/L" (0.6 mg/dL) is a unit error."""
    preterm = world.ours
    preterm.gestational_age_weeks = 33
    preterm.save()
    url = f"/api/v1/infants/{preterm.public_id}/thresholds/"

    response = client_for(world.personas["paediatrician"]).post(
        url, {"phototherapy": "10", "exchange": "257", "unit": "umol/L"}, format="json"
    )

    assert response.status_code == 400
    assert "check the unit" in response.json()["phototherapy"][0]
    assert not preterm.clinician_thresholds.exists()


def test_a_new_clinician_threshold_re_assesses_at_once_and_echoes_the_clinicians_number(
    world, client_for, clock
):
    """33 weeks, TcB 140 µmol/L at 60 h; then the paediatrician sets phototherapy 170 µmol/L,
    exchange 257: the infant is re-assessed at once, and the texts say 170, as typed."""
    baby = term_infant(world.ours, born=BORN, weeks=33, days=2)
    doctor = client_for(world.personas["community_doctor"])
    measure(
        clock, doctor, baby, at=BORN + hours(60), value="140", unit="umol/L",
        method="tcb_clinic", key="thr-tcb-1",
    )  # fmt: skip
    clock.move_to(BORN + hours(61))

    response = client_for(world.personas["paediatrician"]).post(
        f"/api/v1/infants/{baby.public_id}/thresholds/",
        {"phototherapy": "170", "exchange": "257", "unit": "umol/L"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    latest = assessment_latest(baby)
    assert latest.basis_at == BORN + hours(61)
    assert latest.result["thresholds"]["source"] == "clinician"
    clinician = " ".join(r["clinician"]["zh-hans"] for r in latest.result["reasons"])
    assert "170 μmol/L" in clinician and "169 μmol/L" not in clinician


def test_below_35_weeks_a_tcb_near_the_only_quoted_curve_asks_for_serum(world, client_for, clock):
    """34 weeks, no thresholds set: TcB 200 µmol/L (11.7 mg/dL) at 60 h, just under the 35-week
    with-risk curve quoted for comparison (13.5 at 60 h): a TSB confirms it."""
    baby = term_infant(world.ours, born=BORN, weeks=34, days=0)
    doctor = client_for(world.personas["community_doctor"])

    reading = measure(
        clock, doctor, baby, at=BORN + hours(60), value="200", unit="umol/L",
        method="tcb_clinic", key="thr-tcb-2",
    )  # fmt: skip

    assert "confirm_with_tsb" in [s["code"] for s in reading["assessment"]["signals"]]
    assert reading["assessment"]["next_measurement_kind"] == "tsb"


def test_declined_then_resumed_asks_again_for_the_blood_test(world, client_for, clock):
    """A blood test was asked; the family declined follow-up (the request ends with it), then
    came back: ending the follow-up was no decision about the blood test, so it is asked again."""
    baby = term_infant(world.ours, born=BORN, weeks=39, days=0)
    parent = client_for(world.personas["guardian"])
    measure(
        clock, parent, baby, at=BORN + hours(48), value="255", unit="umol/L",
        method="tcb_home", key="resume-tcb-1",
    )  # fmt: skip
    doctor = client_for(world.personas["community_doctor"])
    url = f"/api/v1/infants/{baby.public_id}/follow-up-status/"
    declined = doctor.post(url, {"status": "declined", "reason": "家长拒绝"}, format="json")
    assert declined.status_code == 200
    assert Request.objects.get(infant=baby).status == "follow_up_ended"

    clock.move_to(BORN + hours(50))
    resumed = doctor.post(url, {"status": "active", "reason": "家长同意继续"}, format="json")
    assert resumed.status_code == 200

    assert Request.objects.filter(infant=baby, status="open", kind="tsb").exists()
    assert assessment_latest(baby).result["next_measurement_kind"] == "tsb"
    first = Reminder.objects.get(infant=baby, status__in=("pending", "first_sent"))
    assert first.status == "pending"  # nobody was texted yet: the first reminder is still owed


def test_the_parents_page_says_follow_up_ended_and_nothing_else(world, client_for, clock):
    from tests.parents_web.test_pages import parent_client

    baby = term_infant(world.ours, born=BORN, weeks=39, days=0)
    measure(
        clock, client_for(world.personas["guardian"]), baby, at=BORN + hours(48), value="255",
        unit="umol/L", method="tcb_home", key="ended-tcb-1",
    )  # fmt: skip
    client_for(world.personas["community_doctor"]).post(
        f"/api/v1/infants/{baby.public_id}/follow-up-status/",
        {"status": "died", "reason": "家属电话告知"},
        format="json",
    )

    html = parent_client(world.personas["guardian"]).get("/m/").content.decode()

    assert "随访已结束" in html
    assert "请今天联系社区医生" not in html and "下次测量" not in html and "死亡" not in html
