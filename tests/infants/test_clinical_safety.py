"""Issue #12 through the service: what parents are texted, what reminders fall due, what the
queue shows — for the reproduced defects that need the whole path (API, outbox, reminders)."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from neocare.alerts.models import Alert, Referral
from neocare.alerts.services import referral_create, referral_update
from neocare.infants.assessments import assessment_record
from neocare.infants.models import Assessment, Reading
from neocare.messaging.models import Message, Reminder
from neocare.messaging.services import _render
from neocare.photos.models import Photo
from tests.factories import InfantFactory, guardian, link
from tests.helpers import browser_for, post_reading


@pytest.fixture
def infant(world):
    """`ours`, 38+0 weeks, no neurotoxicity risk factor, born 60 h ago, formula-fed."""
    ours = world.ours
    ours.birth_at = timezone.now().replace(microsecond=0) - timedelta(hours=60)
    ours.gestational_age_weeks, ours.gestational_age_days = 38, 0
    ours.neurotoxicity_risk_factors = []
    ours.feeding = "formula"
    ours.save()
    return ours


@pytest.fixture
def parent(world, client_for):
    """The guardian of `ours`, reading English texts (the Chinese ones are the scenario book's)."""
    world.personas["guardian"].language = "en"
    world.personas["guardian"].save()
    return client_for(world.personas["guardian"])


def parent_texts(world) -> list[str]:
    return [
        _render(m)
        for m in Message.objects.filter(recipient=world.personas["guardian"]).order_by("id")
    ]


def pending_reminder(infant) -> Reminder:
    return Reminder.objects.get(infant=infant, status__in=("pending", "first_sent"))


def test_a_visual_estimate_does_not_push_back_the_measurement_a_photo_asked_for(
    world, infant, parent
):
    """Defect 1: TSB 9.0 at 40 h → routine; a photo 14.0 at 49 h (within 3 mg/dL of 16.1) →
    doctor review, measure by 73 h; a visual 5 at 49.5 h must not lower or delay that."""
    infant.birth_at = timezone.now().replace(microsecond=0) - timedelta(hours=50)
    infant.save()
    assert (
        post_reading(parent, infant, value="9.0", key="d1-tsb-key0", age_hours=40).status_code
        == 201
    )
    photo = Photo.objects.create(
        infant=infant,
        uploaded_by=world.personas["guardian"],
        taken_at=infant.birth_at + timedelta(hours=49),
        body_site="forehead",
        card_rect={"x": 0, "y": 0, "width": 10, "height": 10},
        idempotency_key="d1-photo-key0",
        storage_name="none.jpg",
        source_format="JPEG",
        width=10,
        height=10,
        status=Photo.Status.USABLE,  # as the analysis leaves it (tests/photos covers that)
        estimate_mg_dl=14.0,
        estimate_low_mg_dl=12.0,
        estimate_high_mg_dl=16.0,
    )
    assessment_record(infant=infant, actor=None, photo=photo)
    due = infant.birth_at + timedelta(hours=73)
    assert pending_reminder(infant).due_at == due

    response = post_reading(
        parent, infant, value="5.0", key="d1-visual-key0", age_hours=49.5, method="visual"
    )

    body = response.json()
    assert body["assessment"]["action"] == "doctor_review"
    assert body["assessment"]["measurement"]["method"] == "tsb"
    assert pending_reminder(infant).due_at == due
    last = parent_texts(world)[-1]
    assert "visual estimate of 5.0 mg/dL (not a measurement)" in last
    assert "72" not in last and "below the treatment level" not in last


def test_an_implausible_value_is_kept_marked_and_lowers_nothing(world, infant, parent):
    """Defect 9: 0 µmol/L a minute after 350 µmol/L."""
    post_reading(parent, infant, value="350", unit="umol/L", key="d9-a-key0", age_hours=59.9)
    response = post_reading(
        parent, infant, value="0", unit="umol/L", key="d9-b-key0", age_hours=59.92
    )

    body = response.json()
    assert body["needs_confirmation"]["code"] == "implausible_fall"
    assert "not used to lower any advice" in body["needs_confirmation"]["message"]
    assert Reading.objects.get(idempotency_key="d9-b-key0").needs_confirmation == "implausible_fall"
    latest = parent.get(f"/api/v1/infants/{infant.public_id}/assessment/").json()
    assert latest["action"] == "urgent_referral"  # 350 µmol/L is above the 60-hour threshold
    assert latest["measurement"]["value_umol_l"] == 350
    assert "please measure again" in latest["advice"]["en"]


def test_a_umol_l_value_that_looks_like_mg_dl_asks_to_confirm_the_unit(world, infant, parent):
    post_reading(parent, infant, value="150", unit="umol/L", key="d9-c-key0", age_hours=40)
    response = post_reading(
        parent, infant, value="18", unit="umol/L", key="d9-d-key0", age_hours=58
    )

    assert response.json()["needs_confirmation"]["code"] == "unit_suspect"
    assert response.json()["assessment"]["measurement"]["value_umol_l"] == 150


def test_a_late_entry_texts_no_past_time_and_sets_no_reminder_in_the_past(world, infant, parent):
    """Defect 10: a reading measured two days ago (a routine one, due 24–48 h later)."""
    response = post_reading(parent, infant, value="6.0", key="d10-late-key0", age_hours=12)

    assert response.status_code == 201
    assert response.json()["late_entry"] is True
    now = timezone.now()
    # Due 12 + 8 h (first-day rule) — long past: the reminder is now, never in the past.
    reminder = pending_reminder(infant)
    assert reminder.due_at >= now - timedelta(minutes=1)
    # The parents are not texted the result of a reading of the past.
    assert not Message.objects.filter(template="reading_result").exists()


def test_an_entry_older_than_the_latest_changes_nothing_but_the_record(world, infant, parent):
    post_reading(parent, infant, value="9.0", key="d10-now-key0", age_hours=59.5)
    reminder = pending_reminder(infant)
    texts = len(parent_texts(world))

    post_reading(parent, infant, value="8.0", key="d10-old-key0", age_hours=30)

    assert pending_reminder(infant) == reminder
    assert len(parent_texts(world)) == texts
    latest = parent.get(f"/api/v1/infants/{infant.public_id}/assessment/").json()
    assert latest["measurement"]["value_mg_dl"] == 9.0


def test_a_dangerous_late_entry_still_reaches_the_doctor_and_the_parents(world, infant, parent):
    """A home TcB now, then a lab TSB from 10 h ago typed in late: the TSB outranks the newer
    meter reading (evidence order), so what counts now is the TSB's emergency."""
    post_reading(
        parent, infant, value="9.0", key="d10-now2-key0", age_hours=59.5, method="tcb_home"
    )
    post_reading(
        parent, infant, value="23.0", key="d10-old2-key0", age_hours=50
    )  # above escalation

    alert = Alert.objects.get(infant=infant)
    assert alert.severity == "emergency"
    assert Referral.objects.filter(infant=infant).exists()  # the system refers emergencies
    latest = parent.get(f"/api/v1/infants/{infant.public_id}/assessment/").json()
    assert latest["action"] == "emergency"
    assert "tsb_advice_open" in [s["code"] for s in latest["signals"]]
    assert any(t.startswith("NeoCare: emergency. Take") for t in parent_texts(world))  # now


def test_demo_data_builds_history_without_sending_anything(db):
    call_command("demo_data", infants=12, seed=7)

    assert Reading.objects.count() > 12
    assert Message.objects.count() == 0
    assert not Reminder.objects.filter(due_at__lt=timezone.now()).exists()


def test_a_worse_value_at_the_alerts_level_moves_the_alert_and_the_queue_shows_it(
    world, client_for
):
    """Defect 11, and issue #26.7: alert opened by 11.0 at 20 h (doctor review, first day); the
    newest is 20.5 at 186 h (1.3 below, doctor review again) — the same level, a value 9.5
    mg/dL higher: the alert pages again and shows the value that sets the action now."""
    baby = InfantFactory(
        registered_centre=world.centre_a1,
        birth_at=timezone.now().replace(microsecond=0) - timedelta(hours=190),
        gestational_age_weeks=38,
        neurotoxicity_risk_factors=[],
    )
    link(baby, guardian())
    doctor = world.personas["community_doctor"]
    post_reading(client_for(doctor), baby, value="11.0", key="d11-a-key0", age_hours=20)
    post_reading(client_for(doctor), baby, value="20.5", key="d11-b-key0", age_hours=186)
    alert = Alert.objects.get(infant=baby)
    assert alert.assessment.reading.idempotency_key == "d11-b-key0"

    row = next(
        a
        for a in client_for(doctor).get("/api/v1/alerts/").json()["results"]
        if a["id"] == str(alert.public_id)
    )
    assert row["latest_assessment"]["measurement"]["value_mg_dl"] == 20.5
    assert row["latest_assessment"]["measurement"]["age_hours"] == 186.0
    assert row["alert_assessment"] is None  # the alert's own assessment is the latest

    page = browser_for(doctor).get(reverse("console:triage")).content.decode()
    # English: mg/dL first, µmol/L in small print (the doctor's display unit, issue #14).
    assert "20.5 mg/dL" in page and "(351 µmol/L)" in page and "at 186 h" in page
    assert "alert opened at" not in page


def test_a_lower_value_at_the_alerts_level_leaves_the_alert_and_the_queue_shows_both(
    world, client_for
):
    """Defect 11: alert opened by TSB 15.0 at 48 h (Δ 1.0, doctor review); the newest is 14.6 at
    50 h (doctor review again, lower): the alert keeps what opened it, the queue shows both."""
    baby = InfantFactory(
        registered_centre=world.centre_a1,
        birth_at=timezone.now().replace(microsecond=0) - timedelta(hours=52),
        gestational_age_weeks=38,
        neurotoxicity_risk_factors=[],
    )
    link(baby, guardian())
    doctor = world.personas["community_doctor"]
    post_reading(client_for(doctor), baby, value="15.0", key="d11-c-key0", age_hours=48)
    post_reading(client_for(doctor), baby, value="14.6", key="d11-d-key0", age_hours=50)
    alert = Alert.objects.get(infant=baby)
    assert alert.assessment.reading.idempotency_key == "d11-c-key0"

    row = next(
        a
        for a in client_for(doctor).get("/api/v1/alerts/").json()["results"]
        if a["id"] == str(alert.public_id)
    )
    assert row["latest_assessment"]["measurement"]["value_mg_dl"] == 14.6
    assert row["alert_assessment"]["measurement"]["value_mg_dl"] == 15.0
    page = browser_for(doctor).get(reverse("console:triage")).content.decode()
    assert "14.6 mg/dL" in page and "alert opened at" in page and "15.0 mg/dL</span>" in page


def test_phototherapy_stopped_on_the_referral_schedules_the_rebound_check(world, infant, parent):
    """Defect 12: 37 weeks (a rebound risk factor): measure 6–12 h after stopping."""
    infant.gestational_age_weeks = 37
    infant.save()
    post_reading(parent, infant, value="18.0", key="d12-high-key0", age_hours=58)
    doctor = world.personas["community_doctor"]
    referral = referral_create(infant=infant, by=doctor, hospital=world.hospital_a)
    paediatrician = world.personas["paediatrician"]
    started = timezone.now() - timedelta(hours=1, minutes=30)
    stopped = timezone.now() - timedelta(minutes=30)

    referral_update(
        referral=referral,
        by=paediatrician,
        status="treated",
        treatment="phototherapy",
        phototherapy_started_at=started,
        phototherapy_stopped_at=stopped,
    )

    latest = Assessment.objects.filter(infant=infant).order_by("-basis_at", "-id").first()
    assert latest.result["reasons"][1]["code"] == "after_phototherapy_check"
    assert latest.action == "routine"  # the 18.0 before treatment no longer counts
    assert pending_reminder(infant).due_at == stopped + timedelta(hours=12)
    text = parent_texts(world)[-1]
    assert "phototherapy has been recorded" in text and "rebound" in text
    assert "Please measure again by" in text


def test_clinician_thresholds_for_an_infant_below_35_weeks(world, client_for):
    preterm = InfantFactory(
        registered_centre=world.centre_a1,
        delivering_hospital=world.hospital_a,
        birth_at=timezone.now().replace(microsecond=0) - timedelta(hours=60),
        gestational_age_weeks=33,
        neurotoxicity_risk_factors=[],
    )
    url = f"/api/v1/infants/{preterm.public_id}/thresholds/"
    body = {"phototherapy": "171", "exchange": "257", "unit": "umol/L", "note": "NICU plan"}

    by_paediatrician = client_for(world.personas["paediatrician"]).post(url, body, format="json")
    by_community_doctor = client_for(world.personas["community_doctor"]).post(
        url, body, format="json"
    )
    by_stranger = client_for(world.strangers["paediatrician"]).post(url, body, format="json")
    term_url = f"/api/v1/infants/{world.ours.public_id}/thresholds/"
    for_term_infant = client_for(world.personas["paediatrician"]).post(
        term_url, body, format="json"
    )

    assert by_paediatrician.status_code == 201
    assert by_paediatrician.json()["phototherapy_mg_dl"] == pytest.approx(10.0)
    assert by_community_doctor.status_code == 403
    assert by_stranger.status_code == 404
    assert for_term_infant.status_code == 400 and "phototherapy" in for_term_infant.json()

    reading = post_reading(
        client_for(world.personas["community_doctor"]),
        preterm,
        value="9.0",
        key="ct-1-key0",
        age_hours=59,
    ).json()
    assert reading["assessment"]["thresholds"]["source"] == "clinician"
    assert reading["assessment"]["action"] == "doctor_review"  # Δ 1.0 below 10.0
    # TSB within 4–24 h of 59 h; counted from the re-assessment the thresholds made at 60 h.
    assert reading["assessment"]["next_measurement_hours"] == 23.0


def test_a_paediatrician_records_phototherapy_on_the_record(world, client_for, infant):
    url = f"/api/v1/infants/{infant.public_id}/phototherapy/"
    started = (timezone.now() - timedelta(hours=3)).isoformat()
    stopped = (timezone.now() - timedelta(hours=1)).isoformat()
    paediatrician = client_for(world.personas["paediatrician"])

    begun = paediatrician.post(url, {"started_at": started}, format="json")
    ended = paediatrician.post(url, {"started_at": started, "stopped_at": stopped}, format="json")
    by_doctor = client_for(world.personas["community_doctor"]).post(
        url, {"started_at": started}, format="json"
    )
    by_stranger = client_for(world.strangers["paediatrician"]).get(url)

    assert (begun.status_code, ended.status_code) == (201, 201)
    assert infant.phototherapy.count() == 1 and infant.phototherapy.get().stopped_at is not None
    assert (by_doctor.status_code, by_stranger.status_code) == (403, 404)
    assert [c["stopped_at"] is not None for c in paediatrician.get(url).json()] == [True]


def test_the_staff_thresholds_and_phototherapy_reads_are_audited(world, client_for, infant):
    from neocare.audit.models import AuditEvent

    client_for(world.personas["paediatrician"]).get(
        f"/api/v1/infants/{infant.public_id}/phototherapy/"
    )
    client_for(world.personas["paediatrician"]).get(
        f"/api/v1/infants/{infant.public_id}/thresholds/"
    )
    kinds = set(
        AuditEvent.objects.filter(infant=infant, action="view").values_list(
            "object_type", flat=True
        )
    )
    assert {"phototherapy", "clinician_thresholds"} <= kinds


def test_every_programme_policy_is_named_in_settings(settings):
    """settings.CLINICAL_POLICY names each policy, so none hides behind a code default."""
    from dataclasses import fields

    from neocare.infants.assessments import clinical_policy
    from risk_model.policy import Policy

    assert set(settings.CLINICAL_POLICY) == {f.name for f in fields(Policy)}
    assert clinical_policy() == Policy(**settings.CLINICAL_POLICY)
