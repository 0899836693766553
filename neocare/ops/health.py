"""Readiness checks for the engineer on call (django-health-check): can this process serve?

`/health/live` answers while the process runs; `/health/ready` also needs the database, the
broker, both model files loaded and an outbox that is moving. Messages name no person.
"""

import dataclasses
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable, ServiceWarning


@dataclasses.dataclass
class Broker(HealthCheck):
    """Celery's broker accepts a connection (tasks can be published)."""

    def run(self):
        from neocare.celery import app

        try:
            with app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, timeout=2)
        except Exception as exc:
            raise ServiceUnavailable("broker unreachable") from exc


@dataclasses.dataclass
class RiskModel(HealthCheck):
    """The risk model file is loaded (without it the guideline stands alone: a warning)."""

    def run(self):
        from neocare.infants.risk import current_model

        model, why = current_model()
        if model is None:
            raise ServiceWarning(f"risk model unavailable: {why}")


@dataclasses.dataclass
class PhotoEstimator(HealthCheck):
    """The skin-photo estimator is loaded (without it photos are "not estimated")."""

    def run(self):
        from neocare.infants.risk import current_photo_estimator

        estimator, why = current_photo_estimator()
        if estimator is None:
            raise ServiceWarning(f"photo estimator unavailable: {why}")


@dataclasses.dataclass
class Outbox(HealthCheck):
    """No message has waited, due, longer than OUTBOX_STUCK_AFTER_MINUTES (workers or the
    gateway are not keeping up)."""

    def run(self):
        from neocare.messaging.models import Message

        limit = timezone.now() - timedelta(minutes=settings.OUTBOX_STUCK_AFTER_MINUTES)
        stuck = Message.objects.filter(status=Message.Status.PENDING, not_before__lt=limit)
        if stuck.exists():
            raise ServiceUnavailable(f"{stuck.count()} message(s) due and unsent")


READY = (
    "health_check.checks.Database",
    "neocare.ops.health.Broker",
    "neocare.ops.health.RiskModel",
    "neocare.ops.health.PhotoEstimator",
    "neocare.ops.health.Outbox",
)
