"""The day's call list: its stated priority, who is left off and why, idempotent building, and the
screens in the admin (the list by priority with its formula, the call screen, the POST-only steps of a
call, one click for the outcome)."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from borrowers import services as loan_services
from reminders import priority
from reminders.models import CallAttempt, CallListEntry
from reminders.services import call_list_build
from tests.conftest import enrol_totp, make_user
from tests.reminders.factories import borrower, loan, support_agent

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 17)  # instalment 1 (15 Feb) 30 days overdue, instalment 2 (15 Mar) 2 days


def test_the_priority_formula_part_by_part() -> None:
    last = priority.LastCall(outcome="no_answer", local_day=TODAY - timedelta(days=1))
    score = priority.call_priority(
        bucket="M1",
        amount_due=Decimal("2312.55"),
        milestone_days_away=1,
        broken_promises=2,
        last_call=last,
        today=TODAY,
    )
    assert score.parts == {"bucket": 10, "amount": 4, "milestone": 21, "broken_promises": 20, "last_call": 5}
    assert score.score == 60
    reached = priority.LastCall(outcome="reached", local_day=TODAY)
    low = priority.call_priority(
        bucket="M1",
        amount_due=Decimal("100"),
        milestone_days_away=30,
        broken_promises=0,
        last_call=reached,
        today=TODAY,
    )
    assert (low.parts["last_call"], low.score) == (-15, 0)  # never below 0
    assert priority.milestone_points(0) == 24
    assert priority.milestone_points(7) == 3
    assert priority.milestone_points(8) == 0
    assert priority.call_priority(
        bucket="M3+",
        amount_due=Decimal("99999"),
        milestone_days_away=None,
        broken_promises=9,
        last_call=None,
        today=TODAY,
    ).parts == {"bucket": 40, "amount": 20, "milestone": 0, "broken_promises": 30, "last_call": 0}


def _pay(booked: Any, amount: str, on: date) -> None:
    loan_services.loan_close_business(loan_id=booked.pk, business_date=on)
    loan_services.payment_record(
        loan_id=booked.pk, receipt_number=f"R-{booked.reference}-{on}", amount=Decimal(amount), paid_on=on
    )


def test_the_list_has_one_entry_per_borrower_for_their_most_overdue_loan_and_is_built_once() -> None:
    person = borrower()
    older = loan(person)  # nothing paid: instalment 1 is 30 days overdue
    newer = loan(person)
    _pay(newer, "1120.00", date(2026, 2, 15))  # instalment 1 paid on time: 2 days overdue (15 Mar)
    paid_up = loan()
    _pay(paid_up, "1120.00", date(2026, 2, 15))
    _pay(paid_up, "1110.00", date(2026, 3, 15))  # nothing overdue
    for booked in (older, newer, paid_up):
        loan_services.loan_close_business(loan_id=booked.pk, business_date=TODAY)

    summary = call_list_build(business_date=TODAY)
    again = call_list_build(business_date=TODAY)

    (entry,) = CallListEntry.objects.filter(business_date=TODAY)
    assert (entry.borrower_id, entry.loan_id) == (person.pk, older.pk)
    assert (entry.days_past_due, entry.bucket) == (30, "M1")
    # ¥1,120.00 + ¥20 fee + 27 days' penalty on ¥1,000, and instalment 2 (¥1,110.00) due 2 days ago.
    assert entry.amount_due == Decimal("2263.32")
    # The next step (the credit bureau on day 31) is tomorrow: 3 × (8 − 1) = 21 points.
    assert entry.next_milestone_on == date(2026, 3, 18)
    assert entry.priority_parts == {
        "bucket": 10,
        "amount": 4,
        "milestone": 21,
        "broken_promises": 0,
        "last_call": 0,
    }
    assert entry.priority == 35
    assert (summary.borrowers, summary.added) == (1, 1)
    assert (again.added, again.already) == (0, 1)


def test_an_unanswered_call_raises_a_borrower_the_next_day_and_a_referral_leaves_them_off() -> None:
    from reminders.services import call_outcome_record, call_start

    agent = support_agent()
    first, second = loan(close_through=TODAY), loan(close_through=TODAY)
    call_list_build(business_date=TODAY)
    noon = datetime(2026, 3, 17, 12, tzinfo=ZoneInfo("Asia/Shanghai"))
    for booked, outcome in ((first, "no_answer"), (second, "referred_to_hardship")):
        entry = CallListEntry.objects.get(business_date=TODAY, loan=booked)
        attempt = call_start(actor=agent, entry_id=entry.pk, now=noon)
        call_outcome_record(actor=agent, attempt_id=attempt.pk, outcome=outcome, now=noon)
    tomorrow = TODAY + timedelta(days=1)
    for booked in (first, second):
        loan_services.loan_close_business(loan_id=booked.pk, business_date=tomorrow)
    summary = call_list_build(business_date=tomorrow)
    (entry,) = CallListEntry.objects.filter(business_date=tomorrow)
    assert entry.loan_id == first.pk
    assert entry.priority_parts["last_call"] == 5
    assert summary.skipped["referred"] == 1


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def screen(settings: Any) -> tuple[Client, CallListEntry]:
    settings.ANXIN_BUSINESS_DATE = TODAY.isoformat()
    settings.LANGUAGE_CODE = "en"
    settings.EDUCATION_NOW = "2026-03-17T10:00:00+08:00"
    loan(borrower(name="林晓", phone="13912345678"), close_through=TODAY)
    call_list_build(business_date=TODAY)
    return _client(support_agent()), CallListEntry.objects.get(business_date=TODAY)


def test_the_list_is_ordered_by_priority_and_shows_its_formula(screen: tuple[Client, CallListEntry]) -> None:
    client, _entry = screen
    loan(close_through=date(2026, 3, 1))  # 14 days overdue: lower
    call_list_build(business_date=TODAY)
    with translation.override("en"):
        page = client.get(reverse("admin:reminders_calllistentry_changelist")).content.decode()
    assert "Priority = bucket + amount + next milestone + broken promises + last call" in page
    names = [
        e.borrower.full_name for e in CallListEntry.objects.filter(business_date=TODAY).order_by("-priority")
    ]
    assert page.index(names[0]) < page.index(names[1])
    listing = reverse("admin:reminders_calllistentry_changelist")
    for query in ("?day=all", f"?day={TODAY - timedelta(days=1)}", "?day=not-a-date"):
        assert client.get(listing + query).status_code == 200


def test_the_call_screen_shows_the_figures_the_rights_and_only_the_borrowers_number(
    screen: tuple[Client, CallListEntry],
) -> None:
    client, entry = screen
    url = reverse("admin:reminders_calllistentry_change", args=[entry.pk])
    page = client.get(url).content.decode()
    assert "139****5678" in page
    assert "13912345678" not in page
    assert "between 08:00 and 22:00" in page
    assert "never call, message or tell family" in page.lower()
    assert "《金融机构个人消费类贷款催收工作指引（试行）》" in page
    assert "/help/apply/" in page
    assert "reported to the credit bureau" in page  # the next milestone, tomorrow
    assert 'id="call-start-form"' in page

    start = reverse("admin:reminders_calllistentry_call_start", args=[entry.pk])
    assert client.get(start).status_code == 405
    assert client.post(start).status_code == 302
    page = client.get(url).content.decode()
    assert 'href="tel:13912345678"' in page
    assert page.count("13912345678") == 2  # the link and its text: no other number anywhere

    outcome = reverse("admin:reminders_calllistentry_call_outcome", args=[entry.pk])
    # "Promise made" without its amount: the form says so, nothing is recorded.
    missing = client.post(outcome, {"outcome": "promise_made", "note": ""})
    assert missing.status_code == 400
    assert "Enter the amount the borrower promised." in missing.content.decode()
    done = client.post(outcome, {"outcome": "no_answer", "note": "Voicemail."})
    assert done.status_code == 302
    attempt = CallAttempt.objects.get()
    assert (attempt.outcome, attempt.note) == ("no_answer", "Voicemail.")


def test_a_late_click_is_refused_with_the_reason_on_the_screen(
    screen: tuple[Client, CallListEntry], settings: Any
) -> None:
    client, entry = screen
    settings.EDUCATION_NOW = "2026-03-17T22:05:00+08:00"
    url = reverse("admin:reminders_calllistentry_change", args=[entry.pk])
    assert "It is 22:05 for the borrower" in client.get(url).content.decode()
    response = client.post(reverse("admin:reminders_calllistentry_call_start", args=[entry.pk]), follow=True)
    assert "It is 22:05 for the borrower" in response.content.decode()
    assert not CallAttempt.objects.exists()


def test_staff_outside_support_cannot_open_or_call(screen: tuple[Client, CallListEntry]) -> None:
    _, entry = screen
    editor = make_user("editor.list@example.com", is_staff=True)
    enrol_totp(editor)
    client = _client(editor)
    assert client.get(reverse("admin:reminders_calllistentry_change", args=[entry.pk])).status_code == 403
    assert (
        client.post(reverse("admin:reminders_calllistentry_call_start", args=[entry.pk])).status_code == 403
    )
    assert not CallAttempt.objects.exists()


@pytest.mark.parametrize(
    ("zone", "shown"), [("Asia/Shanghai", "10:00"), ("Asia/Urumqi", "08:00"), ("Asia/Tokyo", "11:00")]
)
def test_the_call_screen_shows_the_borrowers_own_clock(settings: Any, zone: str, shown: str) -> None:
    """Found by the attack pass: the screen printed Beijing time beside a Tokyo borrower's zone name."""
    settings.ANXIN_BUSINESS_DATE = TODAY.isoformat()
    settings.LANGUAGE_CODE = "en"
    settings.EDUCATION_NOW = "2026-03-17T10:00:00+08:00"
    loan(borrower(name="林晓", phone="13912345678", time_zone=zone), close_through=TODAY)
    call_list_build(business_date=TODAY)
    entry = CallListEntry.objects.get(business_date=TODAY)
    page = _client(support_agent()).get(reverse("admin:reminders_calllistentry_change", args=[entry.pk]))
    assert f'<td id="call-local-time">2026-03-17 {shown} ({zone})</td>' in page.content.decode()


def test_a_promise_made_after_the_list_was_built_takes_the_borrower_off_it(
    screen: tuple[Client, CallListEntry],
) -> None:
    """Found by the new-user pass: the list kept people with a promise made since the morning, whom the
    call screen then refused. They leave the list; their call screen still opens and says why."""
    from borrowers.models import PromiseToPay

    client, entry = screen
    listing = reverse("admin:reminders_calllistentry_changelist")
    assert entry.borrower.full_name in client.get(listing).content.decode()
    PromiseToPay.objects.create(
        loan=entry.loan,
        amount=Decimal("100.00"),
        pay_by=TODAY + timedelta(days=3),
        made_on=TODAY,
        source="site",
        paid_towards=Decimal("0.00"),
    )
    assert entry.borrower.full_name not in client.get(listing).content.decode()
    screen_page = client.get(reverse("admin:reminders_calllistentry_change", args=[entry.pk]))
    assert screen_page.status_code == 200
    assert "open promise to pay" in screen_page.content.decode()
