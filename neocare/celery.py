"""The Celery app. Imported from neocare/__init__.py so that @shared_task binds to it."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "neocare.settings")

app = Celery("neocare")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
