"""SMS gateway backends, chosen by `SMS_GATEWAY` in settings: console (default), file, http.

A backend answers one of four outcomes per message. `honours_idempotency_key` says whether the
gateway drops a second request with the same key: only then may a send whose outcome is unknown
(timeout, worker crash) be tried again; otherwise it waits for the delivery receipt.
`send_batch` hands over many messages at once and answers one outcome for each, in order.
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


class OneByOne:
    """A gateway without a batch API: a batch is sent one message at a time."""

    def send_batch(self, outs: list[Outgoing]) -> list[Result]:
        return [self.send(out) for out in outs]


class ConsoleGateway(OneByOne):
    """Writes each message to the log: the embedded default for `make run`."""

    honours_idempotency_key = True  # nothing leaves the machine; a repeat is harmless

    def send(self, out: Outgoing) -> Result:
        logger.info("SMS to %s [%s] %s", out.phone, out.template_id, out.text)
        return Result(SENT, provider_message_id=f"console-{out.key}")


class FileGateway(OneByOne):
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

    Its batch API (`SMS_GATEWAY_BATCH_URL`, when set) takes `{"messages": [...]}`, each message
    with its own `idempotency_key`, and answers `{"results": [...]}`, one per key: `id` (sent)
    or `error` (refused), or `retry: true`. A message the answer does not mention is tried
    again (safe by its key); a 5xx or timeout of the whole call retries them all, a 4xx fails
    them all with the gateway's reason.
    """

    honours_idempotency_key = True

    def send(self, out: Outgoing) -> Result:
        return self._post(
            settings.SMS_GATEWAY_URL,
            self._body(out),
            {"Idempotency-Key": out.key},
            lambda answer: Result(SENT, provider_message_id=str(answer.get("id", ""))),
        )

    def send_batch(self, outs: list[Outgoing]) -> list[Result]:
        size = settings.SMS_SEND_BATCH_SIZE
        if not settings.SMS_GATEWAY_BATCH_URL or len(outs) == 1:
            return [self.send(out) for out in outs]
        results = []
        for start in range(0, len(outs), size):
            results.extend(self._send_one_batch(outs[start : start + size]))
        return results

    def _send_one_batch(self, outs: list[Outgoing]) -> list[Result]:
        def each(answer: dict) -> list[Result]:
            by_key = {str(r.get("idempotency_key")): r for r in answer.get("results", [])}
            results = []
            for out in outs:
                r = by_key.get(out.key)
                if r is None or r.get("retry"):
                    results.append(Result(RETRY, error="no answer for this message in the batch"))
                elif r.get("error"):
                    results.append(Result(FAILED, error=f"refused: {r['error']}"[:500]))
                else:
                    results.append(Result(SENT, provider_message_id=str(r.get("id", ""))))
            return results

        answer = self._post(
            settings.SMS_GATEWAY_BATCH_URL,
            {"messages": [self._body(out) for out in outs]},
            {},
            each,
        )
        return answer if isinstance(answer, list) else [answer] * len(outs)

    @staticmethod
    def _body(out: Outgoing) -> dict:
        return {
            "to": out.phone,
            "template_id": out.template_id,
            "params": out.params,
            "text": out.text,
            "idempotency_key": out.key,
        }

    @staticmethod
    def _post(url: str, body: dict, headers: dict, on_success):
        """POST `body`; `on_success(answer)` for a 2xx, else one Result for the whole call."""
        request = urllib.request.Request(
            url,
            data=json.dumps(body, ensure_ascii=False).encode(),
            method="POST",
            headers={"Content-Type": "application/json", **headers},
        )
        try:
            with urllib.request.urlopen(
                request, timeout=settings.SMS_GATEWAY_TIMEOUT_SECONDS
            ) as response:
                return on_success(json.loads(response.read() or b"{}"))
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
