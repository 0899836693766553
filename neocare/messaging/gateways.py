"""SMS gateway backends, chosen by `SMS_GATEWAY` in settings: console (default), file, http.

A backend answers one of four outcomes. `honours_idempotency_key` says whether the gateway
drops a second request with the same key: only then may a send whose outcome is unknown
(timeout, worker crash) be tried again; otherwise it waits for the delivery receipt.
"""

import json
import logging
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)

SENT, RETRY, FAILED, UNKNOWN = "sent", "retry", "failed", "unknown"


@dataclass(frozen=True)
class Outgoing:
    key: str  # the message's public id: the idempotency key
    phone: str
    template_id: str
    params: dict
    text: str


@dataclass(frozen=True)
class Result:
    outcome: str
    provider_message_id: str = ""
    error: str = ""


class ConsoleGateway:
    """Writes each message to the log: the embedded default for `make run`."""

    honours_idempotency_key = True  # nothing leaves the machine; a repeat is harmless

    def send(self, out: Outgoing) -> Result:
        logger.info("SMS to %s [%s] %s", out.phone, out.template_id, out.text)
        return Result(SENT, provider_message_id=f"console-{out.key}")


class FileGateway:
    """Appends one JSON line per message to `SMS_FILE_PATH` (demos, manual checks)."""

    honours_idempotency_key = False

    def send(self, out: Outgoing) -> Result:
        path = Path(settings.SMS_FILE_PATH)
        path.parent.mkdir(parents=True, exist_ok=True)
        line = {**out.__dict__, "at": timezone.now().isoformat()}
        with path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
        return Result(SENT, provider_message_id=f"file-{out.key}")


class HttpGateway:
    """A generic HTTP SMS gateway: JSON POST with an `Idempotency-Key` header.

    2xx → sent (the body's `id`), 5xx or timeout → retry (safe: the key makes a repeat a
    no-op at the gateway), 4xx → failed with the gateway's reason.
    """

    honours_idempotency_key = True

    def send(self, out: Outgoing) -> Result:
        body = json.dumps(
            {
                "to": out.phone,
                "template_id": out.template_id,
                "params": out.params,
                "text": out.text,
                "idempotency_key": out.key,
            },
            ensure_ascii=False,
        ).encode()
        request = urllib.request.Request(
            settings.SMS_GATEWAY_URL,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "Idempotency-Key": out.key},
        )
        try:
            with urllib.request.urlopen(
                request, timeout=settings.SMS_GATEWAY_TIMEOUT_SECONDS
            ) as response:
                answer = json.loads(response.read() or b"{}")
                return Result(SENT, provider_message_id=str(answer.get("id", "")))
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")[:500]
            if exc.code >= 500:
                return Result(RETRY, error=f"HTTP {exc.code}: {detail}")
            return Result(FAILED, error=f"HTTP {exc.code}: {detail}")
        except TimeoutError as exc:
            return Result(RETRY, error=f"timeout: {exc}")
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError | socket.timeout):
                return Result(RETRY, error=f"timeout: {exc.reason}")
            return Result(RETRY, error=f"unreachable: {exc.reason}")


GATEWAYS = {"console": ConsoleGateway, "file": FileGateway, "http": HttpGateway}


def gateway():
    return GATEWAYS[settings.SMS_GATEWAY]()
