"""A fake SMS provider for tests: a real HTTP server on 127.0.0.1 (a random port) in a thread.

It speaks what notifications.sms.http expects (`POST /messages`, JSON {"to", "text", "sender"}, an
`Idempotency-Key` header; answers {"id": ...}) and behaves like a real provider where it matters:

- it dedupes on the idempotency key: a repeat answers the same id and is not a second text;
- `texts` records every text it "sent" (one per key), `requests` every request it got;
- switches: `slow_seconds` / `slow_times` (answer late, after recording the text: the answer is lost
  but the text went), `fail_times` (answer 500 without sending), `reject_code` (answer 400 with that
  error code), `hold()` (record the text, then keep the request open until `release()`), `token` (a
  bearer token it requires);
- `post_receipt` posts a signed delivery report to a URL, as often as asked (duplicates).
"""

import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from notifications.sms.signing import HEADER, signature_for


@dataclass
class Text:
    id: str
    to: str
    text: str
    idempotency_key: str


@dataclass
class FakeSmsProvider:
    token: str = ""
    slow_seconds: float = 0.0
    slow_times: int = 0  # how many requests answer late (0: none)
    fail_times: int = 0  # how many requests answer 500
    reject_code: str = ""  # answer 400 with this code
    texts: list[Text] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    held: threading.Event = field(default_factory=threading.Event)
    _holding: bool = False
    _release: threading.Event = field(default_factory=threading.Event)
    _by_key: dict[str, Text] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def hold(self) -> None:
        """From now on a request records its text, sets `held`, and waits for `release()`."""
        self._release.clear()
        self.held.clear()
        self._holding = True

    def release(self) -> None:
        self._holding = False
        self._release.set()

    def texts_for(self, key: str) -> list[Text]:
        return [text for text in self.texts if text.idempotency_key == key]

    # --- the server -------------------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler) -> tuple[int, dict[str, Any]]:
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length)
        key = handler.headers.get("Idempotency-Key", "")
        with self._lock:
            self.requests.append({"path": handler.path, "key": key, "headers": dict(handler.headers)})
            if self.token and handler.headers.get("Authorization") != f"Bearer {self.token}":
                return 401, {"error": {"code": "unauthorised"}}
            if handler.path != "/messages":
                return 404, {"error": {"code": "not_found"}}
            try:
                payload = json.loads(raw)
            except ValueError:
                return 400, {"error": {"code": "bad_json"}}
            if not key:
                return 400, {"error": {"code": "idempotency_key_missing"}}
            if self.fail_times > 0:
                self.fail_times -= 1
                return 500, {"error": {"code": "internal"}}
            if self.reject_code:
                return 400, {"error": {"code": self.reject_code, "message": "rejected"}}
            text = self._by_key.get(key)
            if text is None:
                text = Text(
                    id=f"fake-{uuid.uuid4().hex[:16]}",
                    to=str(payload.get("to", "")),
                    text=str(payload.get("text", "")),
                    idempotency_key=key,
                )
                self._by_key[key] = text
                self.texts.append(text)
            slow = self.slow_seconds if self.slow_times > 0 else 0.0
            self.slow_times = max(0, self.slow_times - 1)
            holding = self._holding
        if holding:
            self.held.set()
            self._release.wait(timeout=120)
        if slow:
            time.sleep(slow)
        return 200, {"id": text.id}

    def start(self) -> "FakeSmsProvider":
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                status, body = provider._handle(self)
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout, a killed worker)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.release()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # --- delivery reports ------------------------------------------------------------------------

    def post_receipt(
        self,
        url: str,
        *,
        message_id: str,
        secret: str,
        status: str = "delivered",
        receipt_id: str | None = None,
        times: int = 1,
        error_code: str = "",
    ) -> list[int]:
        """Post one signed delivery report `times` times (a provider repeats them); the answers."""
        report: dict[str, Any] = {
            "receipt_id": receipt_id or f"r-{uuid.uuid4().hex[:12]}",
            "message_id": message_id,
            "status": status,
        }
        if error_code:
            report["error_code"] = error_code
        body = json.dumps(report).encode()
        headers = {"Content-Type": "application/json", HEADER: signature_for(body, secret)}
        return [httpx.post(url, content=body, headers=headers, timeout=10).status_code for _ in range(times)]


@contextmanager
def fake_sms_provider(**switches: Any) -> Iterator[FakeSmsProvider]:
    provider = FakeSmsProvider(**switches).start()
    try:
        yield provider
    finally:
        provider.stop()
