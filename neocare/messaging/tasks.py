"""Thin Celery tasks: ids in, one service call."""

import random

from celery import shared_task

from neocare.messaging import services
from neocare.messaging.gateways import RETRY


@shared_task(bind=True, acks_late=True, max_retries=None)
def messages_send_task(self, message_ids: list[int]) -> dict[int, str | None]:
    # acks_late: a redelivered task finds the rows claimed (status "sending") and does nothing;
    # a row stuck in "sending" is the sweeper's to recover. Only what the gateway asked to try
    # again is retried, with backoff.
    outcomes = services.messages_send(message_ids)
    again = [pk for pk, outcome in outcomes.items() if outcome == RETRY]
    if again:
        backoff = min(60, 2 ** min(self.request.retries, 6)) * (0.5 + random.random())
        raise self.retry(args=(again,), countdown=backoff)
    return outcomes


@shared_task
def messages_sweep_task() -> int:
    return services.messages_sweep()


@shared_task
def reminders_dispatch_task() -> int:
    from neocare.messaging.reminders import reminders_dispatch

    return reminders_dispatch()
