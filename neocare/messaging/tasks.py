"""Thin Celery tasks: ids in, one service call."""

import random

from celery import shared_task

from neocare.messaging import services
from neocare.messaging.gateways import RETRY


@shared_task(bind=True, acks_late=True, max_retries=None)
def message_send_task(self, message_id: int) -> str | None:
    # acks_late: a redelivered task finds the row claimed (status "sending") and does nothing;
    # a row stuck in "sending" is the sweeper's to recover.
    outcome = services.message_send(message_id)
    if outcome == RETRY:
        backoff = min(60, 2 ** min(self.request.retries, 6)) * (0.5 + random.random())
        raise self.retry(countdown=backoff)
    return outcome


@shared_task
def messages_sweep_task() -> int:
    return services.messages_sweep()


@shared_task
def reminders_dispatch_task() -> int:
    from neocare.messaging.reminders import reminders_dispatch

    return reminders_dispatch()
