"""In-app messages for the notification centre's tests, written as the channel layer leaves them."""

from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from notifications.models import Message

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
START = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.get_fixed_timezone(8 * 60))


def in_app(
    user: User,
    count: int = 1,
    *,
    read: bool = False,
    link: str = "",
    status: str = Message.Status.SENT,
    subject: str = "还款提醒",
    body: str = "你的贷款 AX-1001 将于 12 月 1 日到期：¥1,085.37。",
    start: datetime = START,
    channel: str = Message.Channel.IN_APP,
) -> list[Message]:
    """`count` messages to `user`, one an hour from `start` (so the last is the newest)."""
    shown = status in (Message.Status.SENT, Message.Status.DELIVERED)
    made = []
    for n in range(count):
        at = start + timedelta(hours=n)
        made.append(
            Message.objects.create(
                user=user,
                channel=channel,
                template="reminder:before_due_3",
                topic="AX-1001",
                language="zh-hans",
                to="13800138000" if channel == Message.Channel.SMS else "",
                subject=f"{subject} {n + 1}" if count > 1 else subject,
                body=body,
                link=link,
                status=status,
                send_after=at,
                queued_at=at if shown else None,
                sent_at=at if shown else None,
                read_at=at + timedelta(minutes=5) if read else None,
            )
        )
    return made


def page_queries(client: Client, url: str, **extra: Any) -> tuple[int, list[str]]:
    """How many queries one GET of `url` runs, and the writes among them (the session's first sight is
    written once by allauth, so it is warmed up first)."""
    client.get(url, **extra)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **extra)
    assert response.status_code == 200, response.status_code
    writes = [
        q["sql"] for q in captured.captured_queries if q["sql"].lstrip().split(" ", 1)[0].upper() in WRITES
    ]
    return len(captured.captured_queries), writes
