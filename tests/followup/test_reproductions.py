"""Issue #26, items 1–7: reproductions of what NeoCare forgets across events, nights and budgets.

Each test asserts the behaviour the follow-up plan must give and fails on the code the issue was
filed against. The clock is frozen (time-machine) and moved to each event; readings go through
the API as a phone sends them. Local times are Asia/Shanghai, where the night matters.
"""

from datetime import datetime, timedelta

from django.utils import timezone

from neocare.alerts.models import Alert
from neocare.alerts.services import alerts_escalate
from neocare.infants.assessments import assessment_latest
from neocare.infants.models import ActionLevel
from neocare.infants.selectors import infants_visible_to
from neocare.messaging.models import Message, PhoneDay
from neocare.network.models import Facility, User
from tests.factories import FacilityFactory, UserFactory
from tests.followup.course import (
    SHANGHAI,
    at_least,
    hours,
    latest_assessment,
    measure,
    sweep_at,
    term_infant,
)


# --- 1. An observation erases a dangerous reading ---
def test_observation_after_doubtful_high_reading_keeps_hospital_advice(world, client_for, clock):
    """#26.1: 250 then a doubtful 390 µmol/L; a routine observation must not bring back routine."""
    born = datetime(2027, 1, 10, 8, 0, tzinfo=SHANGHAI)
    baby = term_infant(world.ours, born=born, weeks=39, days=0, birth_weight_g=3300)
    parent = client_for(world.personas["guardian"])
    at = born + hours(100)
    measure(
        clock, parent, baby, at=at, value="250", unit="umol/L", method="tcb_home", key="i1-tcb-1"
    )
    doubtful = measure(
        clock,
        parent,
        baby,
        at=at + timedelta(minutes=1),
        value="390",
        unit="umol/L",
        method="tcb_home",
        key="i1-tcb-2",
    )
    assert doubtful["needs_confirmation"]["code"] == "implausible_rise"
    assert at_least(doubtful["assessment"]["action"], ActionLevel.URGENT_REFERRAL)

    observed_at = at + timedelta(minutes=5)
    clock.move_to(observed_at)
    observation = parent.post(
        f"/api/v1/infants/{baby.public_id}/observations/",
        {
            "observed_at": observed_at.isoformat(),
            "stool_card_number": 5,  # normal
            "weight_g": 3200,
            "idempotency_key": "i1-obs-1",
        },
        format="json",
    )
    assert observation.status_code == 201, observation.json()

    latest = latest_assessment(parent, baby)
    assert at_least(latest["action"], ActionLevel.URGENT_REFERRAL), latest["action"]
    assert "No visit is needed" not in latest["advice"]["en"]


def test_observation_after_doubtful_reading_in_blood_test_zone_keeps_doctor_review(
    world, client_for, clock
):
    """#26.1: 250 then a doubtful 330 µmol/L (TSB zone, no hospital alert to hold it), then an
    observation: the doubtful value's doctor review stays."""
    born = datetime(2027, 1, 10, 8, 0, tzinfo=SHANGHAI)
    baby = term_infant(world.ours, born=born, weeks=39, days=0, birth_weight_g=3300)
    parent = client_for(world.personas["guardian"])
    at = born + hours(100)
    measure(
        clock, parent, baby, at=at, value="250", unit="umol/L", method="tcb_home", key="i1b-tcb-1"
    )
    doubtful = measure(
        clock,
        parent,
        baby,
        at=at + timedelta(minutes=1),
        value="330",  # 19.3 mg/dL, 2.2 below phototherapy (21.5) at 100 h: a TSB is needed
        unit="umol/L",
        method="tcb_home",
        key="i1b-tcb-2",
    )
    assert doubtful["needs_confirmation"]["code"] == "implausible_rise"
    assert doubtful["assessment"]["action"] == "doctor_review"

    observed_at = at + timedelta(minutes=5)
    clock.move_to(observed_at)
    observation = parent.post(
        f"/api/v1/infants/{baby.public_id}/observations/",
        {
            "observed_at": observed_at.isoformat(),
            "stool_card_number": 5,  # normal
            "weight_g": 3200,
            "idempotency_key": "i1b-obs-1",
        },
        format="json",
    )
    assert observation.status_code == 201, observation.json()

    latest = latest_assessment(parent, baby)
    assert at_least(latest["action"], ActionLevel.DOCTOR_REVIEW), latest["action"]
    assert "No visit is needed" not in latest["advice"]["en"]


# --- 2. Confirming never confirms ---
def test_remeasure_close_to_doubtful_high_value_confirms_it(world, client_for, clock):
    """#26.2: 250, a doubtful 390, then 385 µmol/L: the 385 confirms the 390, it is not doubted."""
    born = datetime(2027, 1, 10, 8, 0, tzinfo=SHANGHAI)
    baby = term_infant(world.ours, born=born, weeks=39, days=0)
    parent = client_for(world.personas["guardian"])
    at = born + hours(100)
    measure(
        clock, parent, baby, at=at, value="250", unit="umol/L", method="tcb_home", key="i2-tcb-1"
    )
    doubtful = measure(
        clock,
        parent,
        baby,
        at=at + timedelta(minutes=1),
        value="390",
        unit="umol/L",
        method="tcb_home",
        key="i2-tcb-2",
    )
    assert doubtful["needs_confirmation"]["code"] == "implausible_rise"

    again = measure(
        clock,
        parent,
        baby,
        at=at + timedelta(minutes=21),
        value="385",
        unit="umol/L",
        method="tcb_home",
        key="i2-tcb-3",
    )

    assert again["needs_confirmation"] is None, again["needs_confirmation"]
    latest = latest_assessment(parent, baby)
    assert at_least(latest["action"], ActionLevel.URGENT_REFERRAL), latest["action"]


# --- 3. Superseded messages still go ---
def test_reassuring_result_held_by_quiet_hours_is_withdrawn_after_urgent_result(
    world, people, client_for, clock, gateway, settings
):
    """#26.3a: a routine result held overnight is withdrawn once an urgent result followed it."""
    settings.SMS_QUIET_HOURS = (21, 8)
    born = datetime(2027, 1, 8, 10, 30, tzinfo=SHANGHAI)  # 60 h old at 01-10 22:30
    baby = term_infant(world.ours, born=born, weeks=39, days=0)
    parent = client_for(people["guardian"])
    evening = datetime(2027, 1, 10, 22, 30, tzinfo=SHANGHAI)
    low = measure(
        clock,
        parent,
        baby,
        at=evening,
        value="150",
        unit="umol/L",
        method="tcb_home",
        key="i3a-tcb-1",
    )
    assert low["assessment"]["action"] == "routine"
    reassuring = Message.objects.get(recipient=people["guardian"], template="reading_result")
    assert reassuring.not_before == datetime(2027, 1, 11, 8, 0, tzinfo=SHANGHAI)

    high = measure(
        clock,
        client_for(people["community_doctor"]),
        baby,
        at=evening + timedelta(minutes=10),
        value="350",  # 20.5 mg/dL: above phototherapy (18.1), below escalation (23.1) at 60 h
        unit="umol/L",
        method="tsb_lab",
        key="i3a-tsb-1",
    )
    assert high["assessment"]["action"] == "urgent_referral"
    sweep_at(clock, evening + timedelta(minutes=11))  # the urgent texts go at once

    sweep_at(clock, datetime(2027, 1, 11, 8, 5, tzinfo=SHANGHAI))

    reassuring.refresh_from_db()
    assert reassuring.status == "withdrawn", reassuring.status
    assert str(reassuring.public_id) not in gateway.delivered
    assert not any("meter reading 150" in m["text"] for m in gateway.delivered.values())


def test_result_held_overnight_is_not_sent_naming_a_time_already_past(
    world, people, client_for, clock, gateway, settings
):
    """#26.3b: "blood test by 06:30" written at 22:30 must not be delivered at 08:05 as is."""
    settings.SMS_QUIET_HOURS = (21, 8)
    born = datetime(2027, 1, 10, 4, 30, tzinfo=SHANGHAI)  # 18 h old at 22:30
    baby = term_infant(world.ours, born=born, weeks=39, days=0)
    parent = client_for(people["guardian"])
    evening = datetime(2027, 1, 10, 22, 30, tzinfo=SHANGHAI)
    body = measure(
        clock,
        parent,
        baby,
        at=evening,
        value="150",  # 8.8 mg/dL, 3.0 below phototherapy (11.8) at 18 h: TSB within 4–8 h
        unit="umol/L",
        method="tcb_home",
        key="i3b-tcb-1",
    )
    assert body["assessment"]["next_measurement_kind"] == "tsb"
    due = timezone.localtime(
        datetime.fromisoformat(body["assessment"]["next_measurement_at"]), SHANGHAI
    )
    past_time = due.strftime("%H:%M")
    assert due < datetime(2027, 1, 11, 8, 0, tzinfo=SHANGHAI), past_time
    sweep_at(clock, evening + timedelta(minutes=1))  # whatever may go tonight goes

    morning = datetime(2027, 1, 11, 8, 5, tzinfo=SHANGHAI)
    sweep_at(clock, morning)

    eight = datetime(2027, 1, 11, 8, 0, tzinfo=SHANGHAI).timestamp()
    texts_this_morning = [
        gateway.delivered[key]["text"]
        for key, arrived in gateway.arrivals.items()
        if arrived >= eight
        and key in gateway.delivered
        and gateway.delivered[key]["to"] == str(people["guardian"].phone_number)
    ]
    assert not [t for t in texts_this_morning if past_time in t], texts_this_morning


# --- 4. A meter answers what needed serum ---
def test_home_tcb_does_not_cancel_first_day_blood_test_request(world, client_for, clock):
    """#26.4a: TcB at 18 h asks for a TSB; a home TcB at 25 h does not answer it."""
    born = datetime(2027, 1, 10, 0, 0, tzinfo=SHANGHAI)
    baby = term_infant(world.ours, born=born, weeks=39, days=0)
    parent = client_for(world.personas["guardian"])
    first = measure(
        clock,
        parent,
        baby,
        at=born + hours(18),
        value="150",
        unit="umol/L",
        method="tcb_home",
        key="i4a-tcb-1",
    )
    assert first["assessment"]["next_measurement_kind"] == "tsb"

    measure(
        clock,
        parent,
        baby,
        at=born + hours(25),
        value="160",
        unit="umol/L",
        method="tcb_home",
        key="i4a-tcb-2",
    )

    latest = latest_assessment(parent, baby)
    assert latest["next_measurement_kind"] == "tsb", latest["next_measurement_kind"]
    assert at_least(latest["action"], ActionLevel.DOCTOR_REVIEW), latest["action"]
    assert "No visit is needed" not in latest["advice"]["en"]


def test_fall_faster_than_bilirubin_falls_is_doubted(world, client_for, clock):
    """#26.4b: 200 then 120 µmol/L 8 h later (−4.7 mg/dL untreated) is doubted."""
    born = datetime(2027, 1, 10, 0, 0, tzinfo=SHANGHAI)
    baby = term_infant(world.ours, born=born, weeks=39, days=0)
    parent = client_for(world.personas["guardian"])
    measure(
        clock,
        parent,
        baby,
        at=born + hours(60),
        value="200",
        unit="umol/L",
        method="tcb_home",
        key="i4b-tcb-1",
    )

    fall = measure(
        clock,
        parent,
        baby,
        at=born + hours(68),
        value="120",
        unit="umol/L",
        method="tcb_home",
        key="i4b-tcb-2",
    )

    assert (fall["needs_confirmation"] or {}).get("code") == "implausible_fall", fall[
        "needs_confirmation"
    ]


def test_value_agreeing_with_plausible_reading_is_not_doubted_against_a_doubtful_fall(
    world, client_for, clock
):
    """#26.4b: after 200 and a doubtful 120 µmol/L, 205 an hour later agrees with the 200."""
    born = datetime(2027, 1, 10, 0, 0, tzinfo=SHANGHAI)
    baby = term_infant(world.ours, born=born, weeks=39, days=0)
    parent = client_for(world.personas["guardian"])
    for key, age, value in (("i4c-tcb-1", 60, "200"), ("i4c-tcb-2", 68, "120")):
        measure(
            clock,
            parent,
            baby,
            at=born + hours(age),
            value=value,
            unit="umol/L",
            method="tcb_home",
            key=key,
        )

    third = measure(
        clock,
        parent,
        baby,
        at=born + hours(69),
        value="205",
        unit="umol/L",
        method="tcb_home",
        key="i4c-tcb-3",
    )

    assert third["needs_confirmation"] is None, third["needs_confirmation"]


# --- 5. Night and budget hold "within hours" ---
def test_first_day_blood_test_request_at_night_reaches_doctor_and_parents_at_once(
    world, people, client_for, clock, settings
):
    """#26.5a: a TSB asked within 4–8 h at 22:00 is not held to 08:00 by quiet hours."""
    settings.SMS_QUIET_HOURS = (21, 8)
    born = datetime(2027, 1, 10, 4, 0, tzinfo=SHANGHAI)  # 18 h old at 22:00
    baby = term_infant(world.ours, born=born, weeks=39, days=0)
    night = datetime(2027, 1, 10, 22, 0, tzinfo=SHANGHAI)
    body = measure(
        clock,
        client_for(people["guardian"]),
        baby,
        at=night,
        value="150",  # 8.8 mg/dL, 3.0 below phototherapy (11.8) at 18 h
        unit="umol/L",
        method="tcb_home",
        key="i5a-tcb-1",
    )
    assert body["assessment"]["action"] == "doctor_review"
    assert body["assessment"]["next_measurement_kind"] == "tsb"

    to_doctor = Message.objects.get(recipient=people["community_doctor"], template="doctor_alert")
    to_parent = Message.objects.get(recipient=people["guardian"], template="reading_result")
    assert to_doctor.not_before <= night, timezone.localtime(to_doctor.not_before, SHANGHAI)
    assert to_parent.not_before <= night, timezone.localtime(to_parent.not_before, SHANGHAI)


def test_escalation_waits_until_the_community_doctor_was_sent_the_alert(
    world, people, client_for, clock, settings
):
    """#26.5b: no district page about an alert whose doctor_alert has not gone out yet."""
    born = datetime(2027, 1, 10, 0, 0, tzinfo=SHANGHAI)
    baby = term_infant(world.ours, born=born, weeks=39, days=0)
    measure(
        clock,
        client_for(people["community_doctor"]),
        baby,
        at=born + hours(48),
        value="300",  # 17.5 mg/dL: at/above phototherapy (16.6) at 48 h, below escalation (22.0)
        unit="umol/L",
        method="tsb_lab",
        key="i5b-tsb-1",
    )
    alert = Alert.objects.get(infant=baby)
    assert alert.severity == "urgent_referral"
    to_doctor = Message.objects.get(recipient=people["community_doctor"], template="doctor_alert")
    assert to_doctor.status == "pending"  # no worker has sent it

    delay = settings.ALERT_ESCALATE_AFTER_MINUTES["urgent_referral"]
    clock.move_to(born + hours(48) + timedelta(minutes=delay + 1))
    alerts_escalate()

    alert.refresh_from_db()
    assert alert.escalation_level == 0, alert.get_escalation_level_display()
    assert not Message.objects.filter(template="doctor_escalated").exists()


def test_contact_your_doctor_today_result_is_not_held_by_the_daily_budget(
    world, people, client_for, clock, gateway, settings
):
    """#26.5c: a phone whose daily budget is spent still gets a doctor-review result today."""
    settings.SMS_QUIET_HOURS = (21, 8)
    born = datetime(2027, 1, 8, 12, 0, tzinfo=SHANGHAI)
    baby = term_infant(world.ours, born=born, weeks=39, days=0)
    noon = born + hours(48)  # 01-10 12:00 local
    clock.move_to(noon)
    PhoneDay.objects.create(
        phone=str(people["guardian"].phone_number),
        day=timezone.localdate(),
        sent=settings.SMS_DAILY_BUDGET_PER_PHONE,  # the twin's texts used it up
    )
    body = measure(
        clock,
        client_for(people["guardian"]),
        baby,
        at=noon,
        value="260",  # 15.2 mg/dL, 1.4 below phototherapy (16.6) at 48 h
        unit="umol/L",
        method="tsb_lab",
        key="i5c-tsb-1",
    )
    assert body["assessment"]["action"] == "doctor_review"
    result = Message.objects.get(recipient=people["guardian"], template="reading_result")

    sweep_at(clock, noon + timedelta(minutes=1))

    result.refresh_from_db()
    assert str(result.public_id) in gateway.delivered, (
        result.status,
        timezone.localtime(result.not_before, SHANGHAI),
    )
    assert result.status == "sent"


# --- 6. Escalation pages someone who cannot act ---
def test_escalation_pages_only_doctors_who_can_see_the_infant(
    world, people, client_for, clock, gateway, settings
):
    """#26.6: district A's unacknowledged alert pages no district doctor of district B."""
    district_b = world.centre_b1.district  # region R1, like district A
    other_district_centre = FacilityFactory(
        district=district_b, tier=Facility.Tier.DISTRICT_CENTRE, name="DB"
    )
    UserFactory(
        role=User.Role.DISTRICT_DOCTOR,
        facility=other_district_centre,
        phone_number="+8613900000099",
        language="en",
    )
    born = datetime(2027, 1, 10, 0, 0, tzinfo=SHANGHAI)
    baby = term_infant(world.ours, born=born, weeks=39, days=0)
    opened = born + hours(48)
    measure(
        clock,
        client_for(people["community_doctor"]),
        baby,
        at=opened,
        value="300",  # 17.5 mg/dL: at/above phototherapy (16.6) at 48 h, below escalation (22.0)
        unit="umol/L",
        method="tsb_lab",
        key="i6-tsb-1",
    )
    alert = Alert.objects.get(infant=baby)
    sweep_at(clock, opened + timedelta(minutes=1))  # the community doctor is sent the alert

    delay = timedelta(minutes=settings.ALERT_ESCALATE_AFTER_MINUTES[alert.severity])
    for step in (1, 2):
        clock.move_to(opened + step * delay + timedelta(minutes=2 * step))
        alerts_escalate()
        sweep_at(clock, timezone.now() + timedelta(minutes=1))

    alert.refresh_from_db()
    assert alert.escalation_level == Alert.Escalation.REGION
    paged = [m.recipient for m in Message.objects.filter(template="doctor_escalated")]
    assert paged, "nobody was paged"
    cannot_see = [
        f"{u.get_role_display()} at {u.facility.name}"
        for u in paged
        if not infants_visible_to(u).filter(pk=baby.pk).exists()
    ]
    assert cannot_see == [], cannot_see


# --- 7. A worse value inside an open alert is silent ---
def test_worse_value_at_same_level_pages_again_and_moves_the_alert(
    world, people, client_for, clock
):
    """#26.7: TcB 300 then 350 µmol/L an hour later, both urgent referral: page again, show 350."""
    born = datetime(2027, 1, 10, 0, 0, tzinfo=SHANGHAI)
    baby = term_infant(world.ours, born=born, weeks=39, days=0)
    parent = client_for(people["guardian"])
    first = measure(
        clock,
        parent,
        baby,
        at=born + hours(48),
        value="300",  # 17.5 mg/dL: at/above phototherapy (16.6) at 48 h, below escalation (22.0)
        unit="umol/L",
        method="tcb_home",
        key="i7-tcb-1",
    )
    assert first["assessment"]["action"] == "urgent_referral"
    alert = Alert.objects.get(infant=baby)

    worse = measure(
        clock,
        parent,
        baby,
        at=born + hours(49),
        value="350",  # 20.5 mg/dL: +2.9 mg/dL, still below escalation (~22.0) at 49 h
        unit="umol/L",
        method="tcb_home",
        key="i7-tcb-2",
    )
    assert worse["needs_confirmation"] is None
    assert worse["assessment"]["action"] == "urgent_referral"

    pages = Message.objects.filter(recipient=people["community_doctor"], template="doctor_alert")
    assert pages.count() == 2, pages.count()
    alert.refresh_from_db()
    assert alert.assessment == assessment_latest(baby)
    assert alert.assessment.reading.value_as_sent == 350
