"""A real HTTP webhook receiver on loopback: verifies signatures, records what it got, and fails on request.

What a platform engineer runs to see AdWarden's webhooks arrive (``adwarden webhooks receive``), and what the
tests and benchmarks deliver to. ``failures`` makes it misbehave on purpose, one request per entry: ``500``,
``timeout`` (answers after ``timeout_seconds``), ``drop`` (closes the connection without answering) or
``garbage`` (a 200 whose body is not JSON), so retries can be shown against a real socket.

>>> with Receiver("secret-of-16-chars") as r:  # doctest: +SKIP
...     print(r.url)
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from adwarden.actions.signing import IDEMPOTENCY_HEADER, SEQUENCE_HEADER, verify


class Receiver:
    def __init__(self, secret: str = "", *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.secret = secret
        self.received: list[dict[str, Any]] = []  # every verified request, duplicates included
        self.bad_signatures = 0
        self.failures: deque[str] = deque()  # "500" | "timeout" | "drop" | "garbage", consumed one per request
        self.timeout_seconds = 2.0
        self.lock = threading.Lock()
        self.arrivals: dict[str, float] = {}
        self.on_event: Any = None  # called with (key, body) for each verified event
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    mode = receiver.failures.popleft() if receiver.failures else None
                if mode == "drop":
                    self.close_connection = True
                    self.connection.close()
                    return
                if mode == "timeout":
                    time.sleep(receiver.timeout_seconds)
                if not verify(receiver.secret, dict(self.headers.items()), body):
                    with receiver.lock:
                        receiver.bad_signatures += 1
                    self._answer(401, b'{"error":"bad signature"}')
                    return
                if mode == "500":
                    self._answer(500, b"boom")
                    return
                if mode == "garbage":
                    self._answer(200, b"<html>not json")
                    return
                with receiver.lock:
                    key = self.headers[IDEMPOTENCY_HEADER]
                    receiver.received.append({"key": key, "body": json.loads(body),
                                              "sequence": self.headers.get(SEQUENCE_HEADER)})
                    receiver.arrivals.setdefault(key, time.perf_counter())
                if receiver.on_event is not None:
                    receiver.on_event(key, json.loads(body))
                self._answer(200, b'{"ok":true}')

            def _answer(self, status: int, payload: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = str(self.server.server_address[0]), int(self.server.server_address[1])
        return f"http://{host}:{port}/hook"

    def keys(self) -> list[str]:
        with self.lock:
            return [r["key"] for r in self.received]

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
