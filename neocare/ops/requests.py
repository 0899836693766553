"""A request id on every log line, from the web request into the Celery tasks it publishes.

The id comes from the proxy's `X-Request-ID` (or is made here), is returned in the response,
travels with every task published while the request runs (a message header), and is set again
in the worker while the task runs. Log records carry it as `request_id` (JSON logs).
"""

import contextvars
import logging
import re
import uuid

REQUEST_ID = contextvars.ContextVar("request_id", default="-")
# What a proxy may hand us: a UUID or a short token; anything else is replaced.
_ACCEPTABLE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _ACCEPTABLE.match(given) else uuid.uuid4().hex
        token = REQUEST_ID.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            REQUEST_ID.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = REQUEST_ID.get()
        return True


def connect_celery() -> None:
    from celery.signals import before_task_publish, task_postrun, task_prerun

    @before_task_publish.connect(weak=False)
    def carry(headers=None, **_):
        if headers is not None and REQUEST_ID.get() != "-":
            headers["request_id"] = REQUEST_ID.get()

    @task_prerun.connect(weak=False)
    def adopt(task=None, **_):
        request_id = getattr(task.request, "request_id", None) if task else None
        task.request.neocare_token = REQUEST_ID.set(request_id or f"task-{task.request.id}")

    @task_postrun.connect(weak=False)
    def forget(task=None, **_):
        token = getattr(task.request, "neocare_token", None) if task else None
        if token is not None:
            REQUEST_ID.reset(token)
