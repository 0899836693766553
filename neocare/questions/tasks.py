"""Thin Celery tasks of the questions app (bound to NeoCare's app, as the photos tasks are)."""

from neocare.celery import app
from neocare.questions.services import questions_escalate


@app.task
def questions_escalate_task() -> int:
    return questions_escalate()
