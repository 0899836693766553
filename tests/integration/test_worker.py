"""End to end with a real Celery worker on Redis and PostgreSQL: a dangerous reading posted
through the API comes out of the outbox into the (fake) SMS gateway, for the parent and the
community doctor. Runs in CI's PostgreSQL pass; needs Redis on 127.0.0.1:6379."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from neocare.alerts.models import Alert
from neocare.celery import app as celery_app
from neocare.messaging.models import Message
from neocare.messaging.services import Draft, message_enqueue, messages_enqueue, messages_sweep
from neocare.photos.models import Photo
from tests.conftest import reset_celery_connections
from tests.factories import guardian
from tests.fake_sms_gateway import FakeGateway
from tests.helpers import make_term_infant_born_50h_ago
from tests.photos.test_analysis import synthetic, upload

ROOT = Path(__file__).resolve().parents[2]
BROKER = "redis://127.0.0.1:6379/15"  # a database of its own, purged before use
WAIT_SECONDS = 60


def wait_for(condition, seconds=WAIT_SECONDS):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


class Workers:
    """Real `celery worker` processes on Redis, pointed at the test database and gateway."""

    def __init__(self, env):
        self.env, self.processes = env, []

    def start(self):
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "neocare",
                "worker",
                "-P",
                "solo",
                "-n",
                f"test{len(self.processes)}@%h",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "WARNING",
            ],
            cwd=ROOT,
            env=self.env,
        )
        self.processes.append(process)
        return process

    def stop_all(self):
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=20)


@pytest.fixture
def gateway():
    with FakeGateway() as fake:
        yield fake


@pytest.fixture
def workers(trained_risk_model, trained_photo_estimator, monkeypatch, gateway, settings, tmp_path):
    settings.PHOTO_STORAGE_DIR = tmp_path / "photos"  # shared with the workers
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": BROKER,
        "SMS_GATEWAY": "http",
        "SMS_GATEWAY_URL": gateway.url,
        "SMS_GATEWAY_BATCH_URL": gateway.batch_url,
        "SMS_GATEWAY_TIMEOUT_SECONDS": "10",
        "SMS_QUIET_START_HOUR": "0",
        "SMS_QUIET_END_HOUR": "0",
        "RISK_MODEL_PATH": str(trained_risk_model),
        "PHOTO_ESTIMATOR_PATH": str(trained_photo_estimator),
        "PHOTO_STORAGE_DIR": str(settings.PHOTO_STORAGE_DIR),
    }
    # This process publishes to the same Redis; Celery reads CELERY_BROKER_URL from the
    # environment before its own settings.
    monkeypatch.setenv("CELERY_BROKER_URL", BROKER)
    reset_celery_connections()
    celery_app.control.purge()
    pool = Workers(env)
    try:
        yield pool
    finally:
        pool.stop_all()
        monkeypatch.undo()
        reset_celery_connections()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_dangerous_reading_reaches_the_parent_and_the_doctor_through_a_real_worker(
    world, client_for, workers, gateway
):
    workers.start()
    infant = make_term_infant_born_50h_ago(world.ours)
    doctor = world.personas["community_doctor"]
    doctor.phone_number = "+8613900000009"
    doctor.save()
    assert settings.SMS_QUIET_HOURS  # the test process keeps its own settings

    response = client_for(world.personas["guardian"]).post(
        f"/api/v1/infants/{infant.public_id}/readings/",
        {
            "method": "tsb_lab",
            "value": "16.0",
            "unit": "mg/dL",
            "idempotency_key": "worker-key-01",
            "measured_at": (infant.birth_at + timedelta(hours=48)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201

    keys = {str(m.public_id): m.recipient_id for m in Message.objects.filter(infant=infant)}
    assert set(keys.values()) == {world.personas["guardian"].pk, doctor.pk}
    assert wait_for(lambda: set(gateway.delivered) >= set(keys)), gateway.requests
    assert wait_for(
        lambda: (
            Message.objects.filter(pk__in=[], status="sent").count() == 0
            and Message.objects.filter(infant=infant, status="sent").count() == 2
        )
    )
    texts = [gateway.delivered[k]["text"] for k in keys]
    assert any("16.0 mg/dL" in t for t in texts)


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_while_sending_is_replaced_and_the_text_goes_once(
    world, workers, gateway, settings
):
    settings.SMS_GATEWAY, settings.SMS_GATEWAY_URL = "http", gateway.url  # as the workers
    first = workers.start()
    gateway.answer((200, 4.0))  # the gateway takes 4 s: the worker dies waiting for it
    with transaction.atomic():
        message = message_enqueue(
            recipient=world.personas["guardian"],
            template="reminder",
            params={"infant": "Baby", "due": "now"},
            urgent=True,
        )
    assert wait_for(lambda: len(gateway.requests) == 1)

    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    message.refresh_from_db()
    assert message.status == "sending"  # claimed by the dead worker
    assert wait_for(lambda: len(gateway.delivered) == 1)  # it did reach the gateway

    workers.start()
    later = timezone.now() + timedelta(seconds=settings.SMS_STUCK_AFTER_SECONDS + 1)
    assert messages_sweep(now=later) == 1  # recovered and handed to the new worker

    assert wait_for(lambda: Message.objects.get(pk=message.pk).status == "sent")
    assert len(gateway.requests) == 2  # the same key, sent again…
    assert len(gateway.delivered) == 1  # …and the text went once


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_wave_of_messages_goes_in_batches_each_once_through_a_real_worker(
    world, workers, gateway, settings
):
    settings.SMS_QUIET_HOURS = (0, 0)  # as the workers
    workers.start()
    parents = [guardian() for _ in range(150)]
    with transaction.atomic():  # published on commit: two tasks, of 100 and 50 messages
        written = messages_enqueue(
            [
                Draft(recipient=p, template="reminder", params={"infant": "宝宝", "due": "now"})
                for p in parents
            ]
        )

    assert wait_for(lambda: Message.objects.filter(status="sent").count() == 150)
    assert sorted(gateway.batches) == [50, 100]  # two HTTP calls in all
    assert set(gateway.delivered) == {str(m.public_id) for m in written}
    assert {gateway.delivered[str(m.public_id)]["to"] for m in written} == {
        str(p.phone_number) for p in parents
    }


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_photo_is_analysed_by_a_real_worker_and_its_estimate_reaches_the_parent(
    world, client_for, workers, gateway
):
    workers.start()
    infant = make_term_infant_born_50h_ago(world.ours)
    data, rect = synthetic(17.0)

    response = upload(client_for(world.personas["guardian"]), infant, data, rect)

    assert response.status_code == 201 and response.json()["status"] == "received"
    photo = Photo.objects.get(public_id=response.json()["id"])
    assert wait_for(lambda: Photo.objects.get(pk=photo.pk).status == "usable")
    assert Alert.objects.get(infant=infant).assessment.photo_id == photo.pk
    assert wait_for(
        lambda: Message.objects.filter(
            infant=infant, template="photo_result", status="sent"
        ).exists()
    )
    texts = [m["text"] for m in gateway.delivered.values()]
    assert any("not a measurement" in t or "不是测量值" in t for t in texts), texts
