"""Reminders come from the assessment's next-measurement time, kept in the database; a reading
cancels them; a missed one gets a second reminder and a note to the community doctor."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from neocare.alerts.services import alerts_escalate
from neocare.infants.services import observation_record, reading_record
from neocare.messaging.models import Message, Reminder
from neocare.messaging.reminders import reminders_dispatch
from neocare.messaging.services import messages_send
from tests.helpers import at_once, make_term_infant_born_50h_ago


@pytest.fixture
def infant(world):
    make_term_infant_born_50h_ago(world.ours)
    doctor = world.personas["community_doctor"]
    doctor.phone_number = "+8613900000002"
    doctor.save()
    return world.ours


def record(world, infant, value, key, hours_ago):
    return reading_record(
        infant=infant,
        method="tsb_lab",
        value=Decimal(value),
        unit="mg/dL",
        measured_at=timezone.now() - timedelta(hours=hours_ago),
        entered_by=world.personas["guardian"],
        channel="app",
        idempotency_key=key,
    ).record


def test_a_reading_sets_a_reminder_at_its_next_measurement_time(world, infant):
    """TSB 13.5 at 48 h: Δ 2.5 mg/dL → TcB or TSB in 4–24 h: due 24 h after the reading."""
    reading = record(world, infant, "13.5", "remind-key-1", hours_ago=2)

    reminder = Reminder.objects.get(infant=infant)

    assert reminder.due_at == reading.assessment.next_measurement_at
    # Due 24 h after the reading, as an age in hours from birth (exact to well under a second).
    assert abs(reminder.due_at - (reading.measured_at + timedelta(hours=24))) < timedelta(
        milliseconds=1
    )


def test_the_awaited_reading_cancels_the_reminder(world, infant):
    record(world, infant, "13.5", "remind-key-2", hours_ago=2)
    first = Reminder.objects.get(infant=infant)

    record(world, infant, "13.0", "remind-key-3", hours_ago=1)

    first.refresh_from_db()
    assert first.status == "cancelled"
    assert Reminder.objects.filter(infant=infant, status="pending").count() == 1


def test_due_reminders_go_once_then_a_second_and_a_note_to_the_doctor(world, infant, settings):
    settings.REMINDER_SECOND_AFTER_HOURS = 6
    record(world, infant, "13.5", "remind-key-4", hours_ago=2)
    due = Reminder.objects.get(infant=infant).due_at

    assert reminders_dispatch(now=due - timedelta(minutes=1)) == 0
    assert reminders_dispatch(now=due) == 1
    assert reminders_dispatch(now=due + timedelta(minutes=5)) == 0  # not twice
    assert reminders_dispatch(now=due + timedelta(hours=6)) == 1

    templates = sorted(
        Message.objects.filter(template__startswith="reminder").values_list("template", flat=True)
    )
    assert templates == ["reminder", "reminder_second"]
    note = Message.objects.get(template="doctor_missed_measurement")
    assert note.recipient == world.personas["community_doctor"]
    assert Reminder.objects.get(infant=infant).status == "done"


def test_dispatch_works_through_many_reminders_in_batches(world, infant, settings):
    settings.REMINDER_BATCH_SIZE = 3
    record(world, infant, "13.5", "remind-key-5", hours_ago=2)
    template = Reminder.objects.get(infant=infant)
    Reminder.objects.bulk_create(
        Reminder(infant=infant, assessment=a, due_at=template.due_at)
        for a in _observation_assessments(world, infant, 7)
    )

    assert reminders_dispatch(now=template.due_at) == 8


def _observation_assessments(world, infant, n):
    """n assessments to hang extra reminders on (observations are assessed too)."""
    return [
        observation_record(
            infant=infant,
            observed_at=timezone.now() - timedelta(hours=3 + k),
            entered_by=world.personas["guardian"],
            channel="app",
            idempotency_key=f"obs-key-{k:03d}",
            weight_g=3200,
        ).record.assessment
        for k in range(n)
    ]


def test_escalation_tells_the_district_doctors(world, infant, client_for, gateway):
    district_doctor = world.personas["district_doctor"]
    district_doctor.phone_number = "+8613900000003"
    district_doctor.save()
    record(world, infant, "16.0", "remind-key-6", hours_ago=2)
    # The escalation delay runs from when the community doctor was sent the alert.
    messages_send(
        list(Message.objects.filter(template="doctor_alert").values_list("pk", flat=True))
    )

    alerts_escalate(now=timezone.now() + timedelta(hours=2))

    message = Message.objects.get(template="doctor_escalated")
    assert message.recipient == district_doctor and message.urgent


def test_a_referral_tells_the_parents_where_to_go_today(world, infant, client_for):
    world.personas["guardian"].language = "en"
    world.personas["guardian"].save()
    record(world, infant, "16.0", "remind-key-7", hours_ago=2)
    alert = infant.alerts.get()

    client_for(world.personas["community_doctor"]).post(
        f"/api/v1/alerts/{alert.public_id}/refer/",
        {"hospital": str(world.hospital_a.public_id)},
        format="json",
    )

    message = Message.objects.get(template="referral")
    assert message.urgent and message.recipient == world.personas["guardian"]
    assert message.params["hospital"] == world.hospital_a.name
    assert message.params["address"] == world.hospital_a.address


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_at_once_remind_once(world, infant):
    record(world, infant, "13.5", "remind-key-8", hours_ago=2)
    due = Reminder.objects.get(infant=infant).due_at
    counts = at_once(lambda: reminders_dispatch(now=due))

    assert sum(counts) == 1
    assert Message.objects.filter(template="reminder").count() == 1
