"""Measurement reminders, kept in the database and dispatched by a periodic task in batches.

No task waits in the broker for its due time (far-future ETAs are redelivered on Redis and kill
workers on newer RabbitMQ): the due time is a column; the beat task claims what is due.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from neocare.messaging.models import Reminder
from neocare.messaging.notify import notify_reminders

ACTIVE = (Reminder.Status.PENDING, Reminder.Status.FIRST_SENT)


def reminder_schedule(assessment) -> None:
    """A reading arrived: cancel what waited for it; remind at the next measurement time.

    A photo that asks for a measurement sooner brings the reminder forward (never back)."""
    due = assessment.next_measurement_at
    active = Reminder.objects.filter(infant=assessment.infant, status__in=ACTIVE)
    if assessment.photo_id is not None:
        if due is None or active.filter(due_at__lte=due).exists():
            return
    elif assessment.reading_id is None:
        return
    active.update(status=Reminder.Status.CANCELLED)
    if due is not None:
        Reminder.objects.create(infant=assessment.infant, assessment=assessment, due_at=due)


def reminders_dispatch(*, now=None, batch: int | None = None) -> int:
    """Send the first reminder of what is due, and the second (plus a note to the doctor) of
    what is still missing `REMINDER_SECOND_AFTER_HOURS` later. Returns reminders advanced.

    Each batch is one transaction: the reminders are locked (`skip_locked`, so dispatchers
    running at once take different ones), moved to their next state and their messages written
    together — a crash loses neither the claim nor the messages.
    """
    now = now or timezone.now()
    batch = batch or settings.REMINDER_BATCH_SIZE
    second_due = now - timedelta(hours=settings.REMINDER_SECOND_AFTER_HOURS)
    advanced = 0
    for before, after, stage, due in (
        (Reminder.Status.PENDING, Reminder.Status.FIRST_SENT, 1, now),
        (Reminder.Status.FIRST_SENT, Reminder.Status.DONE, 2, second_due),
    ):
        while True:
            with transaction.atomic():
                reminders = list(
                    Reminder.objects.select_for_update(skip_locked=True, of=("self",))
                    .filter(status=before, due_at__lte=due)
                    .select_related("infant")
                    .order_by("due_at")[:batch]
                )
                if not reminders:
                    break
                Reminder.objects.filter(pk__in=[r.pk for r in reminders]).update(status=after)
                notify_reminders(reminders, stage)
            advanced += len(reminders)
    return advanced
