"""Helpers of the follow-up tests: a frozen clock moved event by event, readings posted as a
phone sends them, the sweeper run as a worker would."""

from contextlib import contextmanager
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from neocare.celery import app as celery_app
from neocare.infants.models import ActionLevel
from neocare.messaging.services import messages_sweep
from tests.fake_sms_gateway import FakeGateway

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Ahead of the real clock, so that nothing the fixtures make lies in the frozen future.
START = datetime(2027, 1, 1, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def gateway(settings):
    """The fake HTTP gateway of tests/messaging (the fixture lives in that package)."""
    with FakeGateway() as fake:
        settings.SMS_GATEWAY = "http"
        settings.SMS_GATEWAY_URL = fake.url
        settings.SMS_GATEWAY_BATCH_URL = fake.batch_url
        settings.SMS_GATEWAY_TIMEOUT_SECONDS = 2
        yield fake


@pytest.fixture
def people(world):
    """The guardian reads English; the centre's and the district's doctors have phones."""
    guardian = world.personas["guardian"]
    guardian.language = "en"
    guardian.save()
    for role, phone in (
        ("community_doctor", "+8613900000001"),
        ("district_doctor", "+8613900000002"),
    ):
        doctor = world.personas[role]
        doctor.phone_number, doctor.language = phone, "en"
        doctor.save()
    return world.personas


def term_infant(infant, *, born, weeks, days, birth_weight_g=3300):
    """`infant` born at `born`, of this gestation, neurotoxicity risk factors assessed: none."""
    infant.birth_at = born
    infant.gestational_age_weeks, infant.gestational_age_days = weeks, days
    infant.birth_weight_g = birth_weight_g
    infant.neurotoxicity_risk_factors = []
    infant.save()
    return infant


def measure(clock, client, infant, *, at, value, unit, method, key):
    """At `at` (the clock moves there), POST a reading measured then, as the phone sends it."""
    clock.move_to(at)
    response = client.post(
        f"/api/v1/infants/{infant.public_id}/readings/",
        {
            "method": method,
            "value": value,
            "unit": unit,
            "measured_at": at.isoformat(),
            "idempotency_key": key,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()


def latest_assessment(client, infant) -> dict:
    """What the API says counts now: GET /api/v1/infants/<id>/assessment/."""
    response = client.get(f"/api/v1/infants/{infant.public_id}/assessment/")
    assert response.status_code == 200
    return response.json()


def at_least(action: str, level: ActionLevel) -> bool:
    return ActionLevel.from_code(action) >= level


@contextmanager
def workers():
    """Tasks run in the caller, as the messaging tests run them."""
    celery_app.conf.task_always_eager = True
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = False


def sweep_at(clock, instant):
    """The clock moves to `instant` and the sweeper sends what is due (tasks run eagerly)."""
    clock.move_to(instant)
    with workers():
        messages_sweep()


def hours(h: float) -> timedelta:
    return timedelta(hours=h)
