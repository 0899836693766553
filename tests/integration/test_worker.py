"""End to end with a real Celery worker on Redis and PostgreSQL: a dangerous reading posted
through the API comes out of the outbox into the (fake) SMS gateway, for the parent and the
community doctor. Runs in CI's PostgreSQL pass; needs Redis on 127.0.0.1:6379."""

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from neocare.celery import app as celery_app
from neocare.messaging.models import Message
from tests.fake_sms_gateway import FakeGateway

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


@pytest.fixture
def worker(trained_risk_model, monkeypatch):
    db = connection.settings_dict
    with FakeGateway() as gateway:
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "CELERY_BROKER_URL": BROKER,
            "SMS_GATEWAY": "http",
            "SMS_GATEWAY_URL": gateway.url,
            "SMS_QUIET_START_HOUR": "0",
            "SMS_QUIET_END_HOUR": "0",
            "RISK_MODEL_PATH": str(trained_risk_model),
        }
        # Celery reads CELERY_BROKER_URL from the environment before its own settings.
        monkeypatch.setenv("CELERY_BROKER_URL", BROKER)
        celery_app.close()
        celery_app.control.purge()
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
                "--without-gossip",
                "--without-mingle",
                "-l",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
        )
        try:
            yield gateway
        finally:
            process.terminate()
            process.wait(timeout=20)
            monkeypatch.undo()
            celery_app.close()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_dangerous_reading_reaches_the_parent_and_the_doctor_through_a_real_worker(
    world, client_for, worker
):
    infant = world.ours
    infant.birth_at = timezone.now().replace(microsecond=0) - timedelta(hours=50)
    infant.gestational_age_weeks, infant.gestational_age_days = 38, 0
    infant.neurotoxicity_risk_factors = []
    infant.save()
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
    assert wait_for(lambda: set(worker.delivered) >= set(keys)), worker.requests
    assert wait_for(
        lambda: (
            Message.objects.filter(pk__in=[], status="sent").count() == 0
            and Message.objects.filter(infant=infant, status="sent").count() == 2
        )
    )
    texts = [worker.delivered[k]["text"] for k in keys]
    assert any("16.0 mg/dL" in t for t in texts)
