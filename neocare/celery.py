"""The Celery app. Imported from neocare/__init__.py so that @shared_task binds to it."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "neocare.settings")

app = Celery("neocare")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def publish_on_commit(task, ids, *, waiting: str, batch: int | None = None) -> None:
    """Once the current transaction commits, send `task` one message per id — or, with
    `batch`, one per list of up to `batch` ids.

    If the broker is down nothing is lost and nothing is undone: the rows wait in the database,
    and their sweeper (beat) hands them to a worker later.
    """
    import logging

    from django.db import transaction

    ids = list(ids)

    def publish():
        try:
            if batch is None:
                for pk in ids:
                    task.delay(pk)
            else:
                for start in range(0, len(ids), batch):
                    task.delay(ids[start : start + batch])
        except Exception:
            logging.getLogger(__name__).warning(
                "broker unavailable; %d %s wait for the sweeper", len(ids), waiting
            )

    transaction.on_commit(publish)
