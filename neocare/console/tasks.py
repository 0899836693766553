"""Thin Celery tasks: one service call."""

from celery import shared_task

from neocare.console import rollups


@shared_task
def rollups_refresh_task() -> int:
    return rollups.refresh()
