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


def reminder_schedule(assessment, *, now, told: bool, announce: bool = True) -> None:
    """The infant's latest assessment sets the one pending reminder: at its next measurement
    time, which already holds everything in force (the engine brings it forward for a photo or
    an estimate, never back). Nothing is ever due in the past:

    - a time already passed becomes "now": if the parents were just told to measure now
      (`told`), that message was the first reminder and only the second follows; otherwise the
      first reminder goes out now;
    - when loading a record of the past (`announce=False`) a past time sets no reminder;
    - an unchanged time keeps the reminder as it is (a weight report sends no second reminder).
    """
    due = assessment.next_measurement_at
    active = Reminder.objects.filter(infant=assessment.infant, status__in=ACTIVE)
    overdue = due is not None and due <= now
    kept = active.first()
    if (
        kept is not None
        and due is not None
        and (kept.due_at == due or (overdue and kept.due_at <= now))
    ):
        return
    if kept is not None:
        active.update(status=Reminder.Status.CANCELLED)
    if due is None or (overdue and not announce) or assessment.infant.follow_up_ended:
        return
    kind = assessment.result.get("next_measurement_kind") or Reminder.Kind.MEASUREMENT
    if overdue:
        status = Reminder.Status.FIRST_SENT if told else Reminder.Status.PENDING
        Reminder.objects.create(
            infant=assessment.infant, assessment=assessment, due_at=now, status=status, kind=kind
        )
    else:
        Reminder.objects.create(
            infant=assessment.infant, assessment=assessment, due_at=due, kind=kind
        )


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
                    .select_related("infant", "assessment")
                    .order_by("due_at")[:batch]
                )
                if not reminders:
                    break
                Reminder.objects.filter(pk__in=[r.pk for r in reminders]).update(status=after)
                notify_reminders(reminders, stage)
            advanced += len(reminders)
    return advanced
