"""Issue #13: what the engineer on call needs — liveness and readiness, metrics without
identifiable data, and a request id from the web request into its log lines and tasks."""

import json
import logging
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from neocare.messaging.models import Message
from neocare.ops.requests import REQUEST_ID, RequestIdFilter
from tests.helpers import make_term_infant_born_50h_ago, post_reading


def test_liveness_needs_nothing_but_the_process(client):
    response = client.get("/health/live/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200


@pytest.mark.django_db
def test_readiness_checks_database_broker_models_and_outbox(client):
    response = client.get("/health/ready/", HTTP_ACCEPT="application/json")

    body = response.json()
    assert response.status_code == 200, body
    names = " ".join(body)
    for check in ("Database", "Broker", "RiskModel", "PhotoEstimator", "Outbox"):
        assert check in names


# The checks run in worker threads, with their own connections: committed rows only.
@pytest.mark.django_db(transaction=True)
def test_readiness_fails_when_the_outbox_is_stuck(world, client, settings):
    Message.objects.create(
        recipient=world.personas["guardian"],
        phone="+8613800000009",
        language="zh-hans",
        template="reminder",
        params={},
        not_before=timezone.now() - timedelta(minutes=settings.OUTBOX_STUCK_AFTER_MINUTES + 1),
    )

    response = client.get("/health/ready/", HTTP_ACCEPT="application/json")

    assert response.status_code == 500
    assert any("unsent" in v for v in response.json().values())


def test_readiness_fails_without_a_broker(db, client, monkeypatch):
    from tests.conftest import reset_celery_connections

    # Celery reads CELERY_BROKER_URL from the environment before its own settings.
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")  # nothing listens there
    reset_celery_connections()
    try:
        response = client.get("/health/ready/", HTTP_ACCEPT="application/json")
    finally:
        monkeypatch.undo()
        reset_celery_connections()

    assert response.status_code == 500
    assert any("broker" in v for v in response.json().values())


def test_metrics_count_the_programme_without_names(world, client_for, settings):
    infant = make_term_infant_born_50h_ago(world.ours)
    post_reading(client_for(world.personas["guardian"]), infant, value="16.0", key="metrics-01")

    response = Client(REMOTE_ADDR="127.0.0.1").get("/metrics")

    text = response.content.decode()
    assert response.status_code == 200
    assert "neocare_readings_ingested_24h 1.0" in text
    assert 'neocare_alerts_open{severity="urgent_referral"} 1.0' in text
    assert 'neocare_assessments_24h{action="urgent_referral"} 1.0' in text
    assert "neocare_outbox_backlog" in text and "django_http_requests_total" in text
    assert infant.display_name not in text and str(infant.public_id) not in text


def test_metrics_need_the_token_or_this_host(db, settings):
    assert Client(REMOTE_ADDR="10.1.2.3").get("/metrics").status_code == 403
    settings.METRICS_TOKEN = "scrape-secret"
    far = Client(REMOTE_ADDR="10.1.2.3")
    assert far.get("/metrics").status_code == 403
    assert far.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-secret").status_code == 200


def test_a_request_id_is_returned_logged_and_carried_into_its_tasks(world, client_for, caplog):
    from celery.signals import before_task_publish

    published = []

    def spy(headers=None, **_):
        published.append(dict(headers or {}))

    before_task_publish.connect(spy, weak=False)
    client = client_for(world.personas["guardian"])
    try:
        with caplog.at_level(logging.INFO):
            response = post_reading(client, world.ours, value="16.0", key="request-id-1")
        # The outbox publishes on commit; in a test transaction, run the callbacks by hand.
        from neocare.messaging.tasks import messages_send_task

        token = REQUEST_ID.set(response["X-Request-ID"])
        try:
            messages_send_task.apply_async(args=[[0]])
        finally:
            REQUEST_ID.reset(token)
    finally:
        before_task_publish.disconnect(spy)

    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    assert published and published[-1]["request_id"] == request_id


def test_a_proxys_request_id_is_kept_and_a_hostile_one_replaced(db, client):
    kept = client.get("/health/live/", HTTP_X_REQUEST_ID="proxy-abc-12345")
    replaced = client.get("/health/live/", HTTP_X_REQUEST_ID="<script>")

    assert kept["X-Request-ID"] == "proxy-abc-12345"
    assert replaced["X-Request-ID"] != "<script>" and len(replaced["X-Request-ID"]) == 32


def test_log_lines_are_json_with_the_request_id(settings):
    from pythonjsonlogger.json import JsonFormatter

    formatter = JsonFormatter(settings.LOGGING["formatters"]["json"]["format"])
    record = logging.LogRecord("neocare.test", logging.INFO, __file__, 1, "hello", None, None)
    token = REQUEST_ID.set("abc123def456")
    try:
        RequestIdFilter().filter(record)
    finally:
        REQUEST_ID.reset(token)

    line = json.loads(formatter.format(record))
    assert (line["message"], line["request_id"], line["levelname"]) == (
        "hello",
        "abc123def456",
        "INFO",
    )
