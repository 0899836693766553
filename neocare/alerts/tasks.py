"""Thin Celery tasks of the alerts app."""

from celery import shared_task

from neocare.alerts.services import alerts_escalate


@shared_task
def alerts_escalate_task() -> int:
    return alerts_escalate()
