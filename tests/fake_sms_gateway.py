"""A small fake SMS gateway on 127.0.0.1 for tests and benchmarks: the boundary we do not own.

It records every request, delivers each idempotency key once (as a real gateway honouring the
key would), and can be told to answer 5xx, 4xx or to hang past the client's timeout. Its batch
API (`batch_url`) takes many messages in one request and answers for each key; numbers in
`refuse` are refused one by one, as a provider refuses a number it cannot reach.
"""

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeGateway:
    def __init__(self):
        self.requests: list[dict] = []
        self.delivered: dict[str, dict] = {}  # idempotency key → first body
        self.arrivals: dict[str, float] = {}  # idempotency key → time.time() of first request
        self.script: list[tuple[int, float]] = []  # (status, delay seconds) per request, then 200
        self.refuse: set[str] = set()  # numbers the batch API refuses
        self.batches: list[int] = []  # messages per batch request
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/send"

    @property
    def batch_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/send-batch"

    def answer(self, *steps: tuple[int, float]) -> None:
        """Answer the next requests with these (status, delay) pairs, then 200 at once."""
        with self.lock:
            self.script = list(steps)

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                batch = self.path.endswith("/send-batch")
                messages = body["messages"] if batch else [body]
                if not batch:
                    messages[0] = {**body, "idempotency_key": self.headers.get("Idempotency-Key")}
                now = time.time()
                with fake.lock:
                    for m in messages:
                        fake.arrivals.setdefault(m["idempotency_key"], now)
                    fake.requests.append(body)
                    if batch:
                        fake.batches.append(len(messages))
                    status, delay = fake.script.pop(0) if fake.script else (200, 0.0)
                    if not batch and status == 200 and body["to"] in fake.refuse:
                        status = 400
                time.sleep(delay)
                results = []
                if status == 200:
                    with fake.lock:
                        for m in messages:
                            key = m["idempotency_key"]
                            if m["to"] in fake.refuse:
                                results.append({"idempotency_key": key, "error": "unreachable"})
                            else:
                                fake.delivered.setdefault(key, m)
                                results.append({"idempotency_key": key, "id": f"fake-{key}"})
                    answer = {"results": results} if batch else {"id": results[0]["id"]}
                else:
                    answer = {"error": "scripted"}
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(payload)  # the client may have given up (timeout)

        return Handler

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
