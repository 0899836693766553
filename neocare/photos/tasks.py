"""Thin Celery tasks: ids in, one service call. Bound to NeoCare's app explicitly (not
`shared_task`, whose proxy follows whichever Celery app is current when it is first used)."""

from neocare.celery import app
from neocare.photos import services


@app.task(acks_late=True)
def photo_analyse_task(photo_id: int) -> str:
    # acks_late: a worker lost mid-analysis leaves the task to be redelivered; the service
    # analyses a photo once whatever the number of deliveries.
    return services.photo_analyse(photo_id)


@app.task
def photos_sweep_task() -> int:
    return services.photos_sweep()
