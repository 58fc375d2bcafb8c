"""The HTTP SMS provider adapter (httpx).

`POST {SMS_HTTP_URL}/messages` with JSON {"to", "text", "sender"}, a bearer token, and the message's
idempotency key in the `Idempotency-Key` header; a 2xx answers {"id": "<provider's message id>"}.

- Connect and read timeouts are separate (SMS_HTTP_CONNECT_TIMEOUT, SMS_HTTP_READ_TIMEOUT).
- Inside one call, a refused or dropped connection or a timeout is tried again, at most SMS_HTTP_RETRIES
  more times with a short growing pause. That is safe only because the provider dedupes on the key: a
  request whose answer was lost (it may well have been sent) repeated with the same key returns the
  same id and texts nobody twice. Anything else is not retried here: the task retries later.
- 5xx, 429 (slow down) and 409 (the same key still in progress) → SmsTemporaryError; any other 4xx →
  SmsPermanentError with the provider's error code ({"error": {"code": "..."}}), else "http_<status>".
"""

import logging
import re
import time
from typing import Any

import httpx
from django.conf import settings

from notifications.sms.base import SmsPermanentError, SmsTemporaryError
from notifications.sms.console import masked

logger = logging.getLogger(__name__)

RETRIED = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
TEMPORARY_4XX = frozenset({408, 409, 425, 429})
_CODE = re.compile(r"^[A-Za-z0-9_.\-]{1,40}$")


def _error_code(response: httpx.Response) -> str:
    try:
        payload: Any = response.json()
    except ValueError:
        payload = None
    code: Any = None
    if isinstance(payload, dict):
        error = payload.get("error")
        code = error.get("code") if isinstance(error, dict) else payload.get("code")
    if isinstance(code, str) and _CODE.match(code):
        return code
    return f"http_{response.status_code}"


class HttpSmsBackend:
    def __init__(
        self,
        *,
        url: str | None = None,
        token: str | None = None,
        sender: str | None = None,
        connect_timeout: float | None = None,
        read_timeout: float | None = None,
        retries: int | None = None,
        retry_wait: float | None = None,
        name: str | None = None,
    ) -> None:
        self.url = (settings.SMS_HTTP_URL if url is None else url).rstrip("/")
        self.token = settings.SMS_HTTP_TOKEN if token is None else token
        self.sender = settings.SMS_HTTP_SENDER if sender is None else sender
        self.connect_timeout = (
            settings.SMS_HTTP_CONNECT_TIMEOUT if connect_timeout is None else connect_timeout
        )
        self.read_timeout = settings.SMS_HTTP_READ_TIMEOUT if read_timeout is None else read_timeout
        self.retries = max(0, settings.SMS_HTTP_RETRIES if retries is None else retries)
        self.retry_wait = settings.SMS_HTTP_RETRY_WAIT if retry_wait is None else retry_wait
        self.name = settings.SMS_PROVIDER_NAME if name is None else name

    def _timeout(self) -> httpx.Timeout:
        return httpx.Timeout(
            connect=self.connect_timeout,
            read=self.read_timeout,
            write=self.read_timeout,
            pool=self.connect_timeout,
        )

    def send(self, *, to: str, body: str, idempotency_key: str) -> str:
        if not self.url:
            raise SmsPermanentError("not_configured", "SMS_HTTP_URL is empty")
        headers = {"Idempotency-Key": idempotency_key, "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        payload = {"to": to, "text": body, "sender": self.sender}
        with httpx.Client(timeout=self._timeout(), headers=headers) as client:
            for attempt in range(self.retries + 1):
                try:
                    response = client.post(f"{self.url}/messages", json=payload)
                except RETRIED as exc:
                    kind = "timeout" if isinstance(exc, httpx.TimeoutException) else "connection"
                    logger.warning(
                        "SMS to %s: %s on try %s of %s (%s)",
                        masked(to),
                        kind,
                        attempt + 1,
                        self.retries + 1,
                        type(exc).__name__,
                    )
                    if attempt >= self.retries:
                        raise SmsTemporaryError(kind, type(exc).__name__) from exc
                    time.sleep(self.retry_wait * (2**attempt))
                    continue
                return self._answer(response)
        raise SmsTemporaryError("connection")  # pragma: no cover - the loop returns or raises

    def _answer(self, response: httpx.Response) -> str:
        status = response.status_code
        if status >= 500 or status in TEMPORARY_4XX:
            raise SmsTemporaryError(f"http_{status}", _error_code(response))
        if status >= 400:
            raise SmsPermanentError(_error_code(response), f"HTTP {status}")
        try:
            answer: Any = response.json()
        except ValueError as exc:
            raise SmsTemporaryError("bad_response", "not JSON") from exc
        provider_id = answer.get("id") if isinstance(answer, dict) else None
        if not isinstance(provider_id, str) or not 0 < len(provider_id) <= 100:
            raise SmsTemporaryError("bad_response", "no message id")
        return provider_id
