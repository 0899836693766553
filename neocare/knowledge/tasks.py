"""Thin Celery tasks: one service call."""

from celery import shared_task


@shared_task
def education_dispatch_task() -> int:
    from neocare.knowledge.education import education_dispatch

    return education_dispatch()
