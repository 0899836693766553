"""Messages are written with the event that causes them and sent at most once, under the
rules SMS providers impose: templates, daily budgets, quiet hours, opt-out, receipts."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from neocare.alerts.models import Alert
from neocare.celery import app as celery_app
from neocare.messaging import services
from neocare.messaging.models import Message, PhoneOptOut
from neocare.messaging.services import message_enqueue, message_send, messages_sweep, quiet_until
from tests.conftest import reset_celery_connections
from tests.factories import InfantFactory, guardian, link
from tests.helpers import make_term_infant_born_50h_ago, post_reading, quiet_now

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOON = datetime(2026, 11, 23, 12, 0, tzinfo=SHANGHAI)


@pytest.fixture
def infant(world):
    return make_term_infant_born_50h_ago(world.ours)


def test_a_dangerous_reading_writes_the_parents_and_the_doctors_messages_with_it(
    world, client_for, infant, django_capture_on_commit_callbacks
):
    doctor = world.personas["community_doctor"]
    doctor.phone_number, doctor.language = "+8613900000001", "en"
    doctor.save()
    world.personas["guardian"].language = "en"
    world.personas["guardian"].save()

    with django_capture_on_commit_callbacks() as dispatched:
        response = post_reading(client_for(doctor), infant, value="16.0", key="msg-key-01")
        again = post_reading(client_for(doctor), infant, value="16.0", key="msg-key-01")

    assert (response.status_code, again.status_code) == (201, 200)
    parent = Message.objects.get(recipient=world.personas["guardian"])
    assert (parent.template, parent.urgent, parent.status) == ("reading_result", True, "pending")
    text = services._render(parent)
    assert text.startswith(
        f"NeoCare: {infant.display_name}'s blood test result 16.0 mg/dL was received."
    )
    assert "Take your baby to hospital today" in text
    to_doctor = Message.objects.get(recipient=doctor)
    assert to_doctor.template == "doctor_alert" and to_doctor.urgent
    assert Message.objects.count() == 2  # the retried upload wrote nothing
    assert len(dispatched) == 2  # each asks a worker to send it once the transaction commits


def test_messages_are_in_the_guardians_language(world, infant):
    chinese = guardian(language="zh-hans")
    link(infant, chinese)

    message = message_enqueue(
        recipient=chinese,
        template="reminder",
        params={"infant": "小明", "due": "11-24 09:00"},
        infant=infant,
    )

    assert services._render(message) == services.render("reminder", message.params, "zh-hans")
    assert "小明" in services._render(message)
    assert services._render(message) != services.render("reminder", message.params, "en")


def test_broker_down_keeps_the_reading_the_alert_and_the_message_for_later(
    world, client_for, infant, django_capture_on_commit_callbacks, settings, monkeypatch
):
    settings.SMS_QUIET_HOURS = (0, 0)
    # Celery reads CELERY_BROKER_URL from the environment before its own settings.
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")  # nothing listens there
    publish_retry = celery_app.conf.task_publish_retry
    celery_app.conf.task_publish_retry = False  # fail at once instead of retrying for seconds
    reset_celery_connections()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = post_reading(
                client_for(world.personas["guardian"]), infant, value="16.0", key="msg-key-02"
            )
    finally:
        monkeypatch.undo()
        celery_app.conf.task_publish_retry = publish_retry
        reset_celery_connections()

    assert response.status_code == 201
    assert Alert.objects.filter(infant=infant).exists()
    message = Message.objects.get(recipient=world.personas["guardian"])
    assert message.status == "pending"
    # Broker back: the sweeper finds it and the task sends it.
    celery_app.conf.task_always_eager = True
    try:
        assert messages_sweep() == 1
    finally:
        celery_app.conf.task_always_eager = False
    message.refresh_from_db()
    assert message.status == "sent"


def _message(world, infant, *, urgent=False, template="reminder", recipient=None):
    return message_enqueue(
        recipient=recipient or world.personas["guardian"],
        template=template,
        params={"infant": infant.display_name, "due": "tomorrow"},
        infant=infant,
        urgent=urgent,
    )


def test_gateway_500s_are_retried_with_the_same_key_and_the_text_goes_once(world, infant, gateway):
    message = _message(world, infant)
    gateway.answer((500, 0), (503, 0))

    outcomes = [message_send(message.pk) for _ in range(3)]

    assert outcomes == ["retry", "retry", "sent"]
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 3)
    assert {r["idempotency_key"] for r in gateway.requests} == {str(message.public_id)}
    assert len(gateway.delivered) == 1


def test_a_4xx_marks_the_message_failed_with_the_reason(world, infant, gateway):
    message = _message(world, infant)
    gateway.answer((400, 0))

    assert message_send(message.pk) == "failed"

    message.refresh_from_db()
    assert message.status == "failed"
    assert message.last_error.startswith("HTTP 400")
    assert message_send(message.pk) is None  # never tried again


def test_a_timeout_is_retried_with_the_same_key_so_nothing_goes_twice(world, infant, gateway):
    message = _message(world, infant)
    gateway.answer((200, 1.0))  # delivered, but after the client gave up

    first = message_send(message.pk)
    second = message_send(message.pk)

    assert (first, second) == ("retry", "sent")
    assert len(gateway.requests) == 2 and len(gateway.delivered) == 1


def test_retries_give_up_as_unknown_not_failed(world, infant, gateway, settings):
    settings.SMS_MAX_ATTEMPTS = 2
    message = _message(world, infant)
    gateway.answer((500, 0), (500, 0))

    assert [message_send(message.pk) for _ in range(2)] == ["retry", "unknown"]
    message.refresh_from_db()
    assert message.status == "unknown"


def test_a_message_is_sent_by_one_worker_only(world, infant, gateway):
    message = _message(world, infant)

    assert message_send(message.pk) == "sent"
    assert message_send(message.pk) is None
    assert len(gateway.requests) == 1


def _crash_after_sending(message):
    """What a worker killed right after the gateway call leaves behind."""
    now = timezone.now()
    Message.objects.filter(pk=message.pk).update(status="sending", claimed_at=now)
    [(_, outgoing)] = services._prepare([message.pk])
    services.gateway().send(outgoing)


def test_a_worker_killed_mid_send_is_recovered_and_the_text_goes_once(
    world, infant, gateway, settings
):
    message = _message(world, infant)
    _crash_after_sending(message)

    later = timezone.now() + timedelta(seconds=settings.SMS_STUCK_AFTER_SECONDS + 1)
    celery_app.conf.task_always_eager = True
    try:
        messages_sweep(now=later)
    finally:
        celery_app.conf.task_always_eager = False

    message.refresh_from_db()
    assert message.status == "sent"
    assert len(gateway.requests) == 2  # sent again with the same key…
    assert len(gateway.delivered) == 1  # …which the gateway delivers once


def test_without_an_idempotent_gateway_a_lost_send_is_unknown_not_resent(
    world, infant, settings, tmp_path
):
    settings.SMS_GATEWAY, settings.SMS_FILE_PATH = "file", tmp_path / "sms.jsonl"
    settings.SMS_QUIET_HOURS = (0, 0)
    message = _message(world, infant)
    _crash_after_sending(message)

    messages_sweep(now=timezone.now() + timedelta(seconds=settings.SMS_STUCK_AFTER_SECONDS + 1))

    message.refresh_from_db()
    assert (message.status, message.reason) == ("unknown", "worker_lost_mid_send")
    assert len((tmp_path / "sms.jsonl").read_text().splitlines()) == 1


def test_the_daily_budget_keeps_room_for_urgent_messages(world, infant, gateway, settings):
    settings.SMS_DAILY_BUDGET_PER_PHONE, settings.SMS_URGENT_RESERVE = 2, 1
    routine_1, routine_2 = _message(world, infant), _message(world, infant, template="reminder")
    Message.objects.filter(pk=routine_2.pk).update(not_before=timezone.now() + timedelta(hours=1))

    assert message_send(routine_1.pk) == "sent"
    Message.objects.filter(pk=routine_2.pk).update(not_before=timezone.now())
    assert message_send(routine_2.pk) is None  # budget: waits for tomorrow
    urgent = _message(world, infant, urgent=True, template="reminder_second")
    assert message_send(urgent.pk) == "sent"

    routine_2.refresh_from_db()
    assert routine_2.status == "pending"
    # Tomorrow, local time (not "in an hour": at 23:30 tomorrow is half an hour away).
    assert timezone.localtime(routine_2.not_before).date() > timezone.localdate()


def test_what_waits_for_one_number_goes_as_one_message(world, infant, gateway):
    second_child = InfantFactory(registered_centre=world.centre_a1)
    link(second_child, world.personas["guardian"])
    first = _message(world, infant)
    other = _message(world, second_child)

    assert message_send(first.pk) == "sent"

    other.refresh_from_db()
    assert (other.status, other.merged_into_id) == ("merged", first.pk)
    assert len(gateway.requests) == 1
    text = gateway.requests[0]["text"]
    assert infant.display_name in text and second_child.display_name in text
    assert gateway.requests[0]["template_id"] == "NC_COMBINED"


def test_non_urgent_messages_wait_out_quiet_hours_local_time(settings):
    settings.SMS_QUIET_HOURS = (21, 8)

    assert quiet_until(NOON) == NOON
    late = datetime(2026, 11, 23, 22, 30, tzinfo=SHANGHAI)
    assert quiet_until(late) == datetime(2026, 11, 24, 8, 0, tzinfo=SHANGHAI)
    early = datetime(2026, 11, 24, 6, 0, tzinfo=SHANGHAI)
    assert quiet_until(early) == datetime(2026, 11, 24, 8, 0, tzinfo=SHANGHAI)


def test_urgent_messages_ignore_quiet_hours(world, infant, settings):
    quiet_now(settings)

    routine = _message(world, infant)
    urgent = _message(world, infant, urgent=True)

    assert routine.not_before > timezone.now()
    assert urgent.not_before <= timezone.now()


def test_withdrawn_consent_means_no_messages(world, infant):
    withdrawn = guardian()
    link(infant, withdrawn, withdrawn=True)

    message = _message(world, infant, recipient=withdrawn)

    assert (message.status, message.reason) == ("suppressed", "consent_withdrawn")


def test_td_reply_opts_the_number_out_with_only_a_confirmation(world, infant, client):
    parent = world.personas["guardian"]
    waiting = _message(world, infant)

    wrong = client.post(
        "/api/v1/sms/inbound/",
        {"phone": str(parent.phone_number), "text": "TD"},
        content_type="application/json",
    )
    response = client.post(
        "/api/v1/sms/inbound/",
        {"phone": str(parent.phone_number), "text": " td "},
        content_type="application/json",
        HTTP_X_NEOCARE_WEBHOOK_SECRET="test-webhook-secret",
    )

    assert wrong.status_code in (401, 403)
    assert response.json() == {"opted_out": True}
    assert PhoneOptOut.objects.filter(phone=str(parent.phone_number)).exists()
    waiting.refresh_from_db()
    assert waiting.status == "suppressed"
    confirmation = Message.objects.get(template="opt_out_confirmed")
    assert confirmation.status == "pending" and confirmation.urgent
    assert _message(world, infant).status == "suppressed"


def test_delivery_receipts_settle_the_outcome(world, infant, gateway, client):
    message = _message(world, infant)
    message_send(message.pk)

    refused = client.post(
        "/api/v1/sms/delivery/",
        {"idempotency_key": str(message.public_id), "status": "delivered"},
        content_type="application/json",
        HTTP_X_NEOCARE_WEBHOOK_SECRET="nope",
    )
    settled = client.post(
        "/api/v1/sms/delivery/",
        {"idempotency_key": str(message.public_id), "status": "delivered"},
        content_type="application/json",
        HTTP_X_NEOCARE_WEBHOOK_SECRET="test-webhook-secret",
    )

    assert refused.status_code in (401, 403)
    assert settled.json() == {"status": "delivered"}
