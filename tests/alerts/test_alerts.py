"""Alerts open from risky assessments, once per episode; doctors acknowledge, refer, resolve;
unacknowledged alerts escalate; referrals bring the infant to the hospital's paediatricians."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from neocare.alerts.models import Alert, Referral
from neocare.alerts.services import alerts_escalate
from neocare.audit.models import AuditEvent
from neocare.infants.models import Assessment
from tests.factories import InfantFactory
from tests.helpers import at_once, make_term_infant_born_50h_ago, post_reading


@pytest.fixture
def infant(world):
    """Registered at centre A1; phototherapy 16.0, escalation 22.0 mg/dL at 48 h."""
    return make_term_infant_born_50h_ago(world.ours)


def test_a_reading_at_the_phototherapy_threshold_opens_one_alert_even_when_retried(
    world, client_for, infant
):
    parent = client_for(world.personas["guardian"])

    first = post_reading(parent, infant, value="16.0", key="alert-key-1")
    again = post_reading(parent, infant, value="16.0", key="alert-key-1")

    assert (first.status_code, again.status_code) == (201, 200)
    alert = Alert.objects.get(infant=infant)
    assert (alert.severity, alert.status, alert.centre) == (
        "urgent_referral",
        "open",
        world.centre_a1,
    )
    assert (
        AuditEvent.objects.filter(object_type="alert", reason="opened: urgent_referral").count()
        == 1
    )


def test_a_routine_reading_opens_no_alert(world, client_for, infant):
    post_reading(client_for(world.personas["guardian"]), infant, value="8.0", key="alert-key-2")

    assert not Alert.objects.exists()


def test_a_worse_reading_raises_the_open_alert_and_pages_again(world, client_for, infant):
    parent = client_for(world.personas["guardian"])
    doctor = client_for(world.personas["community_doctor"])
    post_reading(parent, infant, value="14.5", key="alert-key-3", age_hours=47)  # Δ 1.3: review
    alert = Alert.objects.get(infant=infant)
    doctor.post(f"/api/v1/alerts/{alert.public_id}/acknowledge/")

    post_reading(parent, infant, value="16.2", key="alert-key-4")  # at/above phototherapy

    alert.refresh_from_db()
    assert Alert.objects.filter(infant=infant).count() == 1
    assert (alert.severity, alert.status, alert.acknowledged_by) == (
        "urgent_referral",
        "open",
        None,
    )


def test_an_emergency_is_referred_at_once_to_the_nearest_hospital(world, client_for, infant):
    world.centre_a1.latitude, world.centre_a1.longitude = Decimal("23.10"), Decimal("113.30")
    world.centre_a1.save()
    world.hospital_a.latitude, world.hospital_a.longitude = Decimal("23.50"), Decimal("113.30")
    world.hospital_a.save()
    world.hospital_c.latitude, world.hospital_c.longitude = Decimal("23.12"), Decimal("113.31")
    world.hospital_c.save()

    post_reading(client_for(world.personas["guardian"]), infant, value="22.5", key="alert-key-5")

    alert = Alert.objects.get(infant=infant)
    referral = Referral.objects.get(infant=infant)
    assert alert.severity == "emergency"
    assert (referral.hospital, referral.referred_by, referral.status) == (
        world.hospital_c,
        None,
        "sent",
    )
    assert AuditEvent.objects.filter(
        object_type="referral", actor=None, actor_role="system"
    ).exists()


def test_triage_queue_is_most_urgent_first_then_oldest_with_the_latest_assessment(
    world, client_for, infant
):
    other = InfantFactory(
        registered_centre=world.centre_a1,
        birth_at=infant.birth_at,
        gestational_age_weeks=38,
        gestational_age_days=0,
        neurotoxicity_risk_factors=[],
    )
    doctor = world.personas["community_doctor"]
    parent = client_for(doctor)
    post_reading(parent, infant, value="14.5", key="queue-key-1", age_hours=47)  # review, older
    post_reading(parent, other, value="16.5", key="queue-key-2")  # urgent referral, newer

    body = client_for(doctor).get("/api/v1/alerts/").json()

    rows = body["results"]
    assert [r["infant"] for r in rows] == [str(other.public_id), str(infant.public_id)]
    assert rows[0]["latest_assessment"]["action"] == "urgent_referral"
    assert rows[0]["latest_assessment"]["gap_mg_dl"] == -0.5


@pytest.mark.parametrize("who", ["community_doctor", "district_doctor"])
def test_doctors_in_scope_acknowledge_and_resolve_with_an_outcome(world, client_for, infant, who):
    post_reading(client_for(world.personas["guardian"]), infant, value="16.0", key="life-key-1")
    alert = Alert.objects.get(infant=infant)
    client = client_for(world.personas[who])

    acknowledged = client.post(f"/api/v1/alerts/{alert.public_id}/acknowledge/")
    missing_note = client.post(
        f"/api/v1/alerts/{alert.public_id}/resolve/", {"outcome": "other"}, format="json"
    )
    resolved = client.post(
        f"/api/v1/alerts/{alert.public_id}/resolve/",
        {"outcome": "measured_fine", "note": "TSB 12.1 next morning"},
        format="json",
    )

    assert acknowledged.status_code == 200
    assert acknowledged.json()["acknowledged_by"] == str(world.personas[who].public_id)
    assert acknowledged.json()["outcome"] is None  # not "", which no enum value is
    assert missing_note.status_code == 400 and "note" in missing_note.json()
    assert resolved.json()["status"] == "resolved"
    assert resolved.json()["outcome"] == "measured_fine"
    reasons = list(
        AuditEvent.objects.filter(object_type="alert")
        .order_by("id")
        .values_list("reason", flat=True)
    )
    assert reasons == ["opened: urgent_referral", "acknowledged", "resolved: measured_fine"]
    # A new risky reading after the episode is closed opens a new alert.
    post_reading(
        client_for(world.personas["guardian"]), infant, value="16.4", key="life-key-2", age_hours=49
    )
    assert Alert.objects.filter(infant=infant, status="open").count() == 1


@pytest.mark.parametrize(
    "who",
    ["guardian", "paediatrician", "health_admin"]
    + [f"stranger:{r}" for r in ("community_doctor", "district_doctor")],
)
def test_others_do_not_see_the_alert(world, client_for, infant, who):
    post_reading(client_for(world.personas["guardian"]), infant, value="16.0", key="scope-key-1")
    alert = Alert.objects.get(infant=infant)
    user = world.strangers[who.split(":")[1]] if ":" in who else world.personas[who]
    client = client_for(user)

    assert client.get("/api/v1/alerts/").json()["results"] == []
    assert client.get(f"/api/v1/alerts/{alert.public_id}/").status_code == 404
    assert client.post(f"/api/v1/alerts/{alert.public_id}/acknowledge/").status_code == 404


def test_refer_defaults_to_the_nearest_hospital_and_opens_the_record_to_its_paediatricians(
    world, client_for, infant
):
    world.hospital_a.latitude = Decimal("24.00")  # far
    world.hospital_a.save()
    post_reading(client_for(world.personas["guardian"]), infant, value="16.0", key="refer-key-1")
    alert = Alert.objects.get(infant=infant)
    doctor = client_for(world.personas["community_doctor"])
    receiving = client_for(world.strangers["paediatrician"])  # at hospital C
    assert receiving.get(f"/api/v1/infants/{infant.public_id}/").status_code == 404

    offered = doctor.get(f"/api/v1/alerts/{alert.public_id}/").json()["hospitals"]
    response = doctor.post(f"/api/v1/alerts/{alert.public_id}/refer/", {}, format="json")

    assert offered[0]["id"] == str(world.hospital_c.public_id)
    assert response.status_code == 201
    assert response.json()["hospital"] == str(world.hospital_c.public_id)
    alert.refresh_from_db()
    assert (alert.status, alert.outcome) == ("resolved", "referred")
    assert receiving.get(f"/api/v1/infants/{infant.public_id}/").status_code == 200


def test_the_doctor_can_choose_another_hospital(world, client_for, infant):
    post_reading(client_for(world.personas["guardian"]), infant, value="16.0", key="refer-key-2")
    alert = Alert.objects.get(infant=infant)

    response = client_for(world.personas["community_doctor"]).post(
        f"/api/v1/alerts/{alert.public_id}/refer/",
        {"hospital": str(world.hospital_a.public_id), "reason": "family lives near HA"},
        format="json",
    )
    wrong_tier = client_for(world.personas["community_doctor"]).post(
        f"/api/v1/alerts/{alert.public_id}/refer/",
        {"hospital": str(world.centre_b1.public_id)},
        format="json",
    )

    assert response.json()["hospital"] == str(world.hospital_a.public_id)
    assert wrong_tier.status_code == 400 and "hospital" in wrong_tier.json()


def test_paediatricians_move_a_referral_forward_to_the_treatment_given(world, client_for, infant):
    post_reading(client_for(world.personas["guardian"]), infant, value="16.0", key="refer-key-3")
    alert = Alert.objects.get(infant=infant)
    client_for(world.personas["community_doctor"]).post(
        f"/api/v1/alerts/{alert.public_id}/refer/",
        {"hospital": str(world.hospital_a.public_id)},
        format="json",
    )
    referral = Referral.objects.get(infant=infant)
    paediatrician = client_for(world.personas["paediatrician"])
    url = f"/api/v1/referrals/{referral.public_id}/status/"

    started = (timezone.now() - timedelta(minutes=30)).isoformat()
    treated = {"status": "treated", "treatment": "phototherapy"}
    steps = [
        paediatrician.post(url, {"status": "accepted"}, format="json"),
        paediatrician.post(url, {"status": "arrived"}, format="json"),
        paediatrician.post(url, {"status": "treated"}, format="json"),  # which treatment?
        paediatrician.post(url, treated, format="json"),  # phototherapy since when?
        paediatrician.post(url, {**treated, "phototherapy_started_at": started}, format="json"),
        paediatrician.post(url, {"status": "accepted"}, format="json"),  # backwards
    ]

    assert [s.status_code for s in steps] == [200, 200, 400, 400, 200, 400]
    assert steps[0].json()["treatment"] is None  # no treatment yet: null, not ""
    assert steps[4].json()["treatment"] == "phototherapy"
    assert "phototherapy_started_at" in steps[3].json()
    referral.refresh_from_db()
    assert (referral.status, referral.treatment) == ("treated", "phototherapy")
    # The course is on the infant's record: under treatment, the treating team decides.
    course = infant.phototherapy.get()
    assert (course.referral, course.stopped_at) == (referral, None)
    latest = Assessment.objects.filter(infant=infant).order_by("-basis_at", "-id").first()
    assert (latest.phototherapy, latest.result["decided_by"]) == (course, "treating_team")
    assert (
        client_for(world.strangers["paediatrician"])
        .post(url, {"status": "closed"}, format="json")
        .status_code
        == 404
    )
    assert (
        client_for(world.personas["community_doctor"])
        .post(url, {"status": "closed"}, format="json")
        .status_code
        == 403
    )


def _age_alert(alert: Alert, minutes: int) -> None:
    Alert.objects.filter(pk=alert.pk).update(raised_at=timezone.now() - timedelta(minutes=minutes))


def test_an_unacknowledged_alert_escalates_to_the_district_then_the_region(
    world, client_for, infant, settings
):
    settings.ALERT_ESCALATE_AFTER_MINUTES = {
        "doctor_review": 240,
        "urgent_referral": 60,
        "emergency": 15,
    }
    post_reading(client_for(world.personas["guardian"]), infant, value="16.0", key="esc-key-1")
    alert = Alert.objects.get(infant=infant)

    _age_alert(alert, 59)
    assert alerts_escalate() == 0
    _age_alert(alert, 61)
    assert alerts_escalate() == 1
    assert alerts_escalate() == 0  # idempotent
    alert.refresh_from_db()
    assert alert.escalation_level == Alert.Escalation.DISTRICT
    Alert.objects.filter(pk=alert.pk).update(escalated_at=timezone.now() - timedelta(minutes=61))
    assert alerts_escalate() == 1
    alert.refresh_from_db()
    assert alert.escalation_level == Alert.Escalation.REGION
    assert alerts_escalate(now=timezone.now() + timedelta(days=1)) == 0  # nowhere higher


def test_an_acknowledged_alert_does_not_escalate(world, client_for, infant):
    post_reading(client_for(world.personas["guardian"]), infant, value="16.0", key="esc-key-2")
    alert = Alert.objects.get(infant=infant)
    client_for(world.personas["community_doctor"]).post(
        f"/api/v1/alerts/{alert.public_id}/acknowledge/"
    )

    assert alerts_escalate(now=timezone.now() + timedelta(days=1)) == 0


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_escalation_sweeps_at_once_escalate_an_alert_once(world, client_for, infant):
    post_reading(client_for(world.personas["guardian"]), infant, value="16.0", key="esc-key-3")
    alert = Alert.objects.get(infant=infant)
    later = timezone.now() + timedelta(hours=2)
    counts = at_once(lambda: alerts_escalate(now=later))

    assert sum(counts) == 1
    assert (
        AuditEvent.objects.filter(
            object_id=str(alert.public_id), reason__startswith="escalated"
        ).count()
        == 1
    )


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("community_doctor", True),
        ("district_doctor", True),
        ("paediatrician", True),  # the receiving hospital's
        ("guardian", False),
        ("health_admin", False),
        ("stranger:community_doctor", False),
        ("stranger:paediatrician", False),
    ],
)
def test_referrals_are_seen_by_the_referring_side_and_the_receiving_hospital_only(
    world, client_for, infant, who, sees
):
    post_reading(client_for(world.personas["guardian"]), infant, value="16.0", key="seen-key-1")
    alert = Alert.objects.get(infant=infant)
    client_for(world.personas["community_doctor"]).post(
        f"/api/v1/alerts/{alert.public_id}/refer/",
        {"hospital": str(world.hospital_a.public_id)},
        format="json",
    )
    referral = Referral.objects.get(infant=infant)
    user = world.strangers[who.split(":")[1]] if ":" in who else world.personas[who]

    listed = client_for(user).get("/api/v1/referrals/").json()["results"]
    one = client_for(user).get(f"/api/v1/referrals/{referral.public_id}/")

    assert [r["id"] for r in listed] == ([str(referral.public_id)] if sees else [])
    assert one.status_code == (200 if sees else 404)
