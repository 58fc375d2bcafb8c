"""Writing messages in tests, and an SMS backend that records and fails on request."""

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.models import User
from notifications.models import Message
from notifications.services import MessageDraft, messages_schedule
from notifications.sms import SmsPermanentError, SmsTemporaryError

_keys = itertools.count(1)
STUB = "tests.notifications.messages_helpers.RecordingSmsBackend"


def local(tz: str, year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(tz))


def daytime_zone(at: datetime | None = None) -> str:
    """A time zone where it is about noon now (tests that run on the real clock, whatever the hour)."""
    hour = (at or timezone.now()).astimezone(ZoneInfo("UTC")).hour
    offset = 12 - hour  # -11 … 12; the Etc/GMT names have the sign the other way round
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{'+' if offset < 0 else '-'}{abs(offset)}"


def draft(user: User, **fields: Any) -> MessageDraft:
    values: dict[str, Any] = {
        "user_id": user.pk,
        "channel": Message.Channel.SMS,
        "template": "reminder:before_1",
        "body": "Your payment of ¥1,085.37 is due tomorrow.",
        "send_after": timezone.now(),
        "idempotency_key": f"test:{next(_keys)}",
        "to": "13800138000",
        "topic": "AX-1001",
        "language": "en",
    }
    values.update(fields)
    return MessageDraft(**values)


def schedule(user: User, **fields: Any) -> Message:
    one = draft(user, **fields)
    assert messages_schedule(drafts=[one]) == 1
    return Message.objects.get(idempotency_key=one.idempotency_key)


def queued(user: User, **fields: Any) -> Message:
    """A message already released (queued now)."""
    message = schedule(user, **fields)
    Message.objects.filter(pk=message.pk).update(status=Message.Status.QUEUED, queued_at=timezone.now())
    message.refresh_from_db()
    return message


@dataclass
class Script:
    """What the recording backend does on each call: "ok", "temporary" or "permanent:<code>"."""

    outcomes: list[str] = field(default_factory=list)
    sent: list[dict[str, str]] = field(default_factory=list)

    def next(self) -> str:
        return self.outcomes.pop(0) if self.outcomes else "ok"


SCRIPT = Script()


class RecordingSmsBackend:
    name = "recording"

    def send(self, *, to: str, body: str, idempotency_key: str) -> str:
        outcome = SCRIPT.next()
        SCRIPT.sent.append({"to": to, "body": body, "key": idempotency_key, "outcome": outcome})
        if outcome == "temporary":
            raise SmsTemporaryError("http_503", "provider busy")
        if outcome.startswith("permanent:"):
            raise SmsPermanentError(outcome.split(":", 1)[1], "HTTP 400")
        return f"rec-{idempotency_key}"


@pytest.fixture
def sms_script(settings: Any) -> Iterator[Script]:
    settings.SMS_BACKEND = STUB
    SCRIPT.outcomes.clear()
    SCRIPT.sent.clear()
    yield SCRIPT
    SCRIPT.outcomes.clear()
    SCRIPT.sent.clear()
