"""What a reminder says — the amount, the cost of waiting, the next milestone — checked by hand and
against the loan page's own "if you pay on…" figures for the same loan and day.

The standard loan (tests.reminders.factories): instalment 1 of ¥1,120.00 due Sunday 15 Feb 2026; 3 days'
grace (through Wed 18 Feb), so the ¥20.00 late fee is charged on Thu 19 Feb, when penalty interest starts:
¥1,000 × 18 % × 1 / 365 = ¥0.4932 → ¥0.49 on the first day, ¥0.99 for two days (rounded once a period).
"""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from borrowers.selectors import borrower_loan, borrower_loan_detail
from borrowers.selectors.reminders import reminder_figures, reminder_loans
from reminders import text
from tests.reminders.factories import loan

pytestmark = pytest.mark.django_db


def figures_of(booked, day):  # type: ignore[no-untyped-def]
    (found,) = reminder_loans(loan_ids=[booked.pk])
    return reminder_figures(found, day)


def page_of(booked, day, pay_on):  # type: ignore[no-untyped-def]
    bundle = borrower_loan(user=booked.borrower.user, reference=booked.reference)
    assert bundle is not None
    return borrower_loan_detail(loan=bundle, today=day, pay_on=pay_on)


def test_three_days_before_due_by_hand_and_as_the_loan_page_says() -> None:
    today = date(2026, 2, 12)
    booked = loan(close_through=today)
    f = figures_of(booked, today)
    # By hand: ¥1,000 principal + ¥1,200 × 1 % interest; grace to 18 Feb; fee and penalty from 19 Feb.
    assert f.due_date == date(2026, 2, 15)
    assert (f.amount, f.pay_by, f.charges_from) == (Decimal("1120.00"), date(2026, 2, 18), date(2026, 2, 19))
    assert (f.extra_fee, f.daily_penalty) == (Decimal("20.00"), Decimal("0.49"))
    assert f.days_past_due == 0
    # The loan page, same loan, same day: paying on pay_by costs the amount and nothing added; paying on
    # charges_from adds exactly the fee and the first day's penalty; a day later ¥0.99 of penalty in all.
    on_pay_by = page_of(booked, today, f.pay_by).chosen
    assert (on_pay_by.amount_due, on_pay_by.added_by_waiting) == (f.amount, Decimal("0.00"))
    first_day = page_of(booked, today, f.charges_from).chosen
    assert first_day.added_by_waiting == f.extra_fee + f.daily_penalty == Decimal("20.49")
    assert first_day.amount_due == Decimal("1140.49")
    assert page_of(booked, today, date(2026, 2, 20)).chosen.added_by_waiting == Decimal("20.99")
    # The next milestone: the credit bureau on day 31 past due (the reminder days are not steps).
    assert f.next_milestone is not None
    assert (f.next_milestone.kind, f.next_milestone.on) == ("credit_bureau", date(2026, 3, 18))
    assert f.next_milestone.days_away == 34


def test_seven_days_overdue_pays_today_and_tomorrow_adds_a_day_of_penalty() -> None:
    today = date(2026, 2, 22)
    booked = loan(close_through=today)
    f = figures_of(booked, today)
    # Closed through 22 Feb: the ¥20 fee (19 Feb) and 4 days of penalty, ¥1,000 × 0.18 × 4 / 365 = ¥1.97.
    assert f.days_past_due == 7
    assert f.amount_due_today == f.amount == Decimal("1141.97")
    assert (f.pay_by, f.charges_from) == (today, date(2026, 2, 23))
    # Tomorrow: 5 days, ¥2.4658 → ¥2.47, so ¥0.50 more; no second fee.
    assert (f.extra_fee, f.daily_penalty) == (Decimal("0.00"), Decimal("0.50"))
    tomorrow = page_of(booked, today, f.charges_from).chosen
    assert tomorrow.added_by_waiting == f.daily_penalty
    assert tomorrow.amount_due == f.amount + f.daily_penalty


def test_a_pause_leaves_nothing_to_add_and_says_until_when() -> None:
    today = date(2026, 2, 22)
    booked = loan(close_through=today)
    booked.charges_paused_through = date(2026, 3, 10)
    booked.save(update_fields=["charges_paused_through"])
    f = figures_of(booked, today)
    # Penalty resumes the day after the pause ends.
    assert f.charges_from == date(2026, 3, 11)
    assert f.extra_fee == Decimal("0.00")
    assert f.daily_penalty == Decimal("0.49")


def test_the_sentences_in_both_languages() -> None:
    today = date(2026, 2, 12)
    f = figures_of(loan(close_through=today), today)
    with translation.override("en"):
        assert text.cost_of_waiting(f) == "From Thursday 19 February, ¥20.00 more and ¥0.49 a day."
        assert text.next_milestone(f) == (
            "If it is still unpaid on Wednesday 18 March, the overdue record is reported to the credit "
            "bureau."
        )
        assert text.day_words(date(2027, 1, 4), today) == "Monday 4 January 2027"
    values = text.placeholder_values(figures=f, name="陈小安", link="/loans/X/", language="zh-hans")
    assert values["amount"] == "¥1,120.00"
    assert values["pay_by"].startswith("2月18日")
    assert values["days_overdue"] == "0"
