"""Reading a delivery report the SMS provider posts (pure: bytes in, a report or an error out).

The body is JSON: {"receipt_id": "...", "message_id": "<the provider's message id>",
"status": "delivered" | "undeliverable" | "failed" | "expired" | "rejected" | <anything else: kept,
changes nothing>, "error_code": "..." (optional)}.
"""

import json
import re
from dataclasses import dataclass
from typing import Any

MAX_BODY = 16 * 1024
DELIVERED = frozenset({"delivered"})
UNDELIVERABLE = frozenset({"undeliverable", "failed", "expired", "rejected"})
_TOKEN = re.compile(r"^[A-Za-z0-9_.:\-]{1,100}$")


class MalformedReceiptError(ValueError):
    """The body is not a delivery report we can read."""


@dataclass(frozen=True)
class ReceiptReport:
    receipt_id: str
    provider_message_id: str
    status: str
    error_code: str
    payload: dict[str, Any]

    @property
    def delivered(self) -> bool:
        return self.status in DELIVERED

    @property
    def undeliverable(self) -> bool:
        return self.status in UNDELIVERABLE


def _token(payload: dict[str, Any], key: str, *, required: bool = True) -> str:
    value = payload.get(key, "")
    if value in ("", None) and not required:
        return ""
    if not isinstance(value, str) or not _TOKEN.match(value):
        raise MalformedReceiptError(f"{key} missing or not a short token")
    return value


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a provider sends")


def receipt_parse(body: bytes) -> ReceiptReport:
    if len(body) > MAX_BODY:
        raise MalformedReceiptError("body too large")
    try:
        payload = json.loads(body.decode("utf-8"), parse_constant=_refuse_constant)
        # Stored as JSON and shown in the admin: a lone surrogate or a NUL would fail there, not here.
        stored = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    except (UnicodeError, ValueError, RecursionError) as exc:
        # ValueError: not JSON, NaN or Infinity, an integer of more than 4,300 digits.
        raise MalformedReceiptError("not JSON") from exc
    if b"\x00" in stored or b"\\u0000" in stored:
        raise MalformedReceiptError("NUL in the body")
    if not isinstance(payload, dict):
        raise MalformedReceiptError("not a JSON object")
    status = _token(payload, "status").lower()[:40]
    return ReceiptReport(
        receipt_id=_token(payload, "receipt_id"),
        provider_message_id=_token(payload, "message_id"),
        status=status,
        error_code=_token(payload, "error_code", required=False)[:40],
        payload=payload,
    )
