"""Measurement reminders, kept in the database and dispatched by a periodic task in batches.

No task waits in the broker for its due time (far-future ETAs are redelivered on Redis and kill
workers on newer RabbitMQ): the due time is a column; the beat task claims what is due.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from neocare.messaging.models import Reminder
from neocare.messaging.notify import notify_reminder

ACTIVE = (Reminder.Status.PENDING, Reminder.Status.FIRST_SENT)


def reminder_schedule(assessment) -> None:
    """A reading arrived: cancel what waited for it; remind at the next measurement time."""
    if assessment.reading_id is None:
        return
    Reminder.objects.filter(infant=assessment.infant, status__in=ACTIVE).update(
        status=Reminder.Status.CANCELLED
    )
    if assessment.next_measurement_at is not None:
        Reminder.objects.create(
            infant=assessment.infant, assessment=assessment, due_at=assessment.next_measurement_at
        )


def _advance(reminder_id: int, before: str, after: str, stage: int) -> bool:
    with transaction.atomic():
        # The conditional UPDATE is the claim: two dispatchers never remind twice.
        if not Reminder.objects.filter(pk=reminder_id, status=before).update(status=after):
            return False
        notify_reminder(Reminder.objects.select_related("infant").get(pk=reminder_id), stage)
    return True


def reminders_dispatch(*, now=None, batch: int | None = None) -> int:
    """Send the first reminder of what is due, and the second (plus a note to the doctor) of
    what is still missing `REMINDER_SECOND_AFTER_HOURS` later. Returns reminders advanced."""
    now = now or timezone.now()
    batch = batch or settings.REMINDER_BATCH_SIZE
    second_due = now - timedelta(hours=settings.REMINDER_SECOND_AFTER_HOURS)
    advanced = 0
    for before, after, stage, due in (
        (Reminder.Status.PENDING, Reminder.Status.FIRST_SENT, 1, now),
        (Reminder.Status.FIRST_SENT, Reminder.Status.DONE, 2, second_due),
    ):
        while True:
            ids = list(
                Reminder.objects.filter(status=before, due_at__lte=due)
                .order_by("due_at")
                .values_list("pk", flat=True)[:batch]
            )
            done = sum(_advance(pk, before, after, stage) for pk in ids)
            advanced += done
            if len(ids) < batch or done == 0:
                break
    return advanced
