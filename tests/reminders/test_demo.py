"""The demo (reminders.demo through seed_demo): demo@ has the rules' reminders about their loans in the
notification centre, dated on the days they went, some read; support@ has a call list for the business
date; seeding again changes nothing."""

import io
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from notifications.models import Message
from reminders.models import CallListEntry

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 29)


def test_demo_reminders_and_call_list(settings: Any, django_capture_on_commit_callbacks: Any) -> None:
    settings.ANXIN_BUSINESS_DATE = TODAY.isoformat()
    # The released messages are handed to the (inline) workers once committed, as outside a test.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
    first = (Message.objects.count(), CallListEntry.objects.count())

    inbox = list(
        Message.objects.filter(user__email="demo@anxin.example", channel="in_app", status="sent").order_by(
            "sent_at"
        )
    )
    assert [m.template for m in inbox] == [
        "reminder:overdue_30",
        "reminder:before_due_3",
        "reminder:before_due_1",
        "reminder:before_due_0",
    ]
    assert [m.read_at is not None for m in inbox] == [True, True, False, False]
    shanghai = ZoneInfo("Asia/Shanghai")
    # AX-DEMO-1002 fell due 45 days ago (15 Oct): 30 days overdue on 14 Nov; AX-DEMO-1001, lent 40 days
    # ago, fell due on 20 Nov (and was paid that day).
    assert [m.sent_at.astimezone(shanghai).date() for m in inbox] == [  # type: ignore[union-attr]
        date(2026, 11, 14),
        date(2026, 11, 17),
        date(2026, 11, 19),
        date(2026, 11, 20),
    ]
    overdue = inbox[0]
    assert overdue.topic == "AX-DEMO-1002"
    assert overdue.link == "/loans/AX-DEMO-1002/promise/?from=reminder"
    assert "已逾期30天" in overdue.body
    # The next milestone, the credit bureau, is tomorrow (in Chinese once the catalogue has the sentence).
    assert "征信" in overdue.body or "credit bureau" in overdue.body
    assert inbox[1].subject.startswith("还款提醒")
    assert "¥" in inbox[1].body

    entries = CallListEntry.objects.filter(business_date=TODAY).order_by("-priority")
    assert entries.filter(loan__reference="AX-DEMO-1002").exists()
    # Borrowers whose applications are under review are not on it.
    assert not entries.filter(
        borrower__user__email__in=["zhang@anxin.example", "zhao@anxin.example"]
    ).exists()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
    assert (Message.objects.count(), CallListEntry.objects.count()) == first
    assert Message.objects.filter(user__email="demo@anxin.example", read_at__isnull=True).count() == 2
