"""The promise-to-pay and due-day pages: what they show and write, their form errors, who may open them,
and how many queries they cost (the same whatever the data).

The promise page's confirm step says what penalty interest still adds by the chosen date: the figure is
held to what close of business then charges, to the fen.
"""

import itertools
import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from borrowers import services
from borrowers.models import Instalment, LedgerEntry, Loan, PromiseToPay, Restructure
from core.templatetags.money import money
from tests.borrowers.factories import make_borrower, make_loan, make_product
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

D0 = date(2026, 4, 10)  # instalments 1 and 2 overdue
CURRENT_DAY = date(2026, 3, 20)  # instalments 1 and 2 paid, the next due 15 April
_serial = itertools.count(1)


def text(response: Any) -> str:
    return response.content.decode()


def owner_of_overdue(settings: Any, months: int = 12, loans: int = 1) -> tuple[User, list[Loan]]:
    settings.ANXIN_BUSINESS_DATE = D0.isoformat()
    user = make_user(f"pp{next(_serial)}@example.com")
    borrower = make_borrower(user)
    product = make_product(term_months=months)
    made = [
        make_loan(borrower=borrower, product=product, principal=Decimal("12000.00")) for _ in range(loans)
    ]
    for loan in made:
        services.loan_close_business(loan_id=loan.pk, business_date=D0)
        loan.refresh_from_db()
    return user, made


def owner_of_current(settings: Any, months: int = 12) -> tuple[User, Loan]:
    user = make_user(f"dc{next(_serial)}@example.com")
    loan = make_loan(
        borrower=make_borrower(user), product=make_product(term_months=months), principal=Decimal("12000.00")
    )
    for inst in list(Instalment.objects.filter(loan=loan).order_by("number"))[:2]:
        services.loan_close_business(loan_id=loan.pk, business_date=inst.due_date)
        settings.ANXIN_BUSINESS_DATE = inst.due_date.isoformat()
        services.payment_record(
            loan_id=loan.pk,
            receipt_number=f"PG-{next(_serial)}",
            amount=inst.principal + inst.interest,
            paid_on=inst.due_date,
        )
    settings.ANXIN_BUSINESS_DATE = CURRENT_DAY.isoformat()
    services.loan_close_business(loan_id=loan.pk, business_date=CURRENT_DAY)
    return user, loan


def minimum_of(loan: Loan) -> Decimal:
    first = Instalment.objects.get(loan=loan, number=1)
    return first.principal_unpaid + first.interest_unpaid + first.fees_unpaid + first.penalty_unpaid


def promise_url(loan: Loan) -> str:
    return reverse("borrowers:promise", args=[loan.reference])


def due_day_url(loan: Loan) -> str:
    return reverse("borrowers:due_day", args=[loan.reference])


def counted(
    client: Client, method: str, url: str, data: dict[str, str] | None = None, **extra: str
) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, data or {}, **extra)
    writes = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    return len(captured.captured_queries), (response, writes)


# --- promise: the steps --------------------------------------------------------------------------------


def test_the_form_is_prefilled_with_the_least_and_a_week_ahead_and_writes_nothing(
    client: Client, settings: Any
) -> None:
    user, [loan] = owner_of_overdue(settings)
    client.force_login(user)
    client.get(reverse("portal:dashboard"))  # the sign-in's first page records the session
    _, (response, writes) = counted(client, "get", promise_url(loan))
    assert response.status_code == 200
    assert writes == []
    page = text(response)
    minimum = minimum_of(loan)
    assert f'value="{minimum}"' in page
    assert 'value="2026-04-17"' in page
    assert 'min="2026-04-10"' in page
    assert 'max="2026-04-24"' in page
    # Labels and error boxes as components/field.html draws them.
    assert '<label for="id_amount">' in page
    assert 'aria-describedby="id_amount_helptext id_amount_errors"' in page
    assert 'id="id_pay_by_errors"' in page


def test_continue_shows_what_waiting_adds_and_confirm_makes_the_promise(
    client: Client, settings: Any
) -> None:
    user, [loan] = owner_of_overdue(settings)
    client.force_login(user)
    client.cookies["django_language"] = "en"
    pay_by = D0 + timedelta(days=10)
    amount = minimum_of(loan)

    confirm = client.post(promise_url(loan), {"amount": str(amount), "pay_by": pay_by.isoformat()})

    assert confirm.status_code == 200
    assert not PromiseToPay.objects.exists()  # a confirm step writes nothing
    page = text(confirm)
    assert "Check your promise" in page
    assert "Penalty interest keeps following your loan's rules" in page
    found = re.search(r"costs more: (¥[\d,.]+) of penalty interest and (¥[\d,.]+) of late fees", page)
    assert found is not None
    penalty_shown, fees_shown = found.groups()
    assert 'name="confirm"' in page

    made = client.post(
        promise_url(loan), {"amount": str(amount), "pay_by": pay_by.isoformat(), "confirm": "1"}
    )

    assert made.status_code == 302
    assert made["Location"] == reverse("borrowers:detail", args=[loan.reference]) + "#promise"
    promise = PromiseToPay.objects.get(loan=loan)
    assert (promise.amount, promise.pay_by, promise.source, promise.made_by) == (amount, pay_by, "site", user)

    # What the page said penalty interest adds by that date is what close of business charges then.
    settings.ANXIN_BUSINESS_DATE = pay_by.isoformat()
    services.close_business_through(pay_by)
    charged = LedgerEntry.objects.filter(
        loan=loan, business_date__gt=D0, business_date__lte=pay_by
    ).aggregate(penalty=Sum("penalty"), fees=Sum("fees"))
    assert penalty_shown == money(Decimal(charged["penalty"] or 0))
    assert fees_shown == money(Decimal(charged["fees"] or 0))


def test_change_goes_back_to_the_form_with_the_values(client: Client, settings: Any) -> None:
    user, [loan] = owner_of_overdue(settings)
    client.force_login(user)
    amount = minimum_of(loan) + Decimal("10.00")
    page = text(client.post(promise_url(loan), {"amount": str(amount), "pay_by": "2026-04-15", "edit": "1"}))
    assert f'value="{amount}"' in page
    assert 'value="2026-04-15"' in page
    assert 'name="confirm"' not in page


@pytest.mark.parametrize(
    ("data", "box", "words"),
    [
        ({"amount": "1.00", "pay_by": "2026-04-15"}, "id_amount_errors", "at least"),
        ({"amount": "99999999.00", "pay_by": "2026-04-15"}, "id_amount_errors", "at most"),
        ({"amount": "abc", "pay_by": "2026-04-15"}, "id_amount_errors", "in yuan"),
        ({"amount": "1200.005", "pay_by": "2026-04-15"}, "id_amount_errors", "2 decimal places"),
        ({"amount": "", "pay_by": "2026-04-15"}, "id_amount_errors", "Enter the amount"),
        ({"amount": "1300.00", "pay_by": "2026-04-09"}, "id_pay_by_errors", "today or a later"),
        ({"amount": "1300.00", "pay_by": "2026-04-25"}, "id_pay_by_errors", "no later than"),
        ({"amount": "1300.00", "pay_by": "next week"}, "id_pay_by_errors", "YYYY-MM-DD"),
    ],
)
def test_bad_input_is_a_message_beside_its_field_and_changes_nothing(
    client: Client, settings: Any, data: dict[str, str], box: str, words: str
) -> None:
    user, [loan] = owner_of_overdue(settings)
    client.force_login(user)
    client.cookies["django_language"] = "en"
    for extra in ({}, {"confirm": "1"}):
        response = client.post(promise_url(loan), {**data, **extra})
        assert response.status_code == 200
        errors = text(response).split(f'id="{box}"', 1)[1].split("</div>", 1)[0]
        assert words in errors
    assert not PromiseToPay.objects.exists()


def test_a_service_refusal_at_confirm_is_a_form_error(client: Client, settings: Any) -> None:
    """Two tabs: a promise made in one; confirming in the other is refused with the reason."""
    user, [loan] = owner_of_overdue(settings)
    client.force_login(user)
    client.cookies["django_language"] = "en"
    data = {"amount": str(minimum_of(loan)), "pay_by": "2026-04-15", "confirm": "1"}
    services.promise_make(
        actor=user,
        loan_id=loan.pk,
        amount=minimum_of(loan),
        pay_by=date(2026, 4, 12),
        source="site",
        today=D0,
    )
    response = client.post(promise_url(loan), data)
    assert response.status_code == 200
    assert "You promised to pay" in text(response)  # the page now shows the open promise
    assert PromiseToPay.objects.count() == 1


def test_from_a_reminder_the_promise_records_it(client: Client, settings: Any) -> None:
    user, [loan] = owner_of_overdue(settings)
    client.force_login(user)
    page = text(client.get(promise_url(loan) + "?from=reminder"))
    assert 'name="from" value="reminder"' in page
    client.post(
        promise_url(loan),
        {"amount": str(minimum_of(loan)), "pay_by": "2026-04-15", "confirm": "1", "from": "reminder"},
    )
    assert PromiseToPay.objects.get(loan=loan).source == "reminder"


def test_an_open_promise_shows_on_the_loan_page_the_dashboard_and_the_promise_page(
    client: Client, settings: Any
) -> None:
    user, [loan] = owner_of_overdue(settings)
    client.force_login(user)
    client.cookies["django_language"] = "en"
    amount = minimum_of(loan)
    services.promise_make(
        actor=user, loan_id=loan.pk, amount=amount, pay_by=date(2026, 4, 17), source="site", today=D0
    )
    for url in (
        reverse("borrowers:detail", args=[loan.reference]),
        reverse("portal:dashboard"),
        promise_url(loan),
    ):
        page = text(client.get(url))
        assert f"You promised to pay {money(amount)} by 17 Apr 2026" in page, url
        assert "reminders about this loan start again from 18 Apr 2026" in page, url
        assert "penalty interest keeps following the loan's rules" in page, url
    # The promise page offers no second one.
    assert 'name="amount"' not in text(client.get(promise_url(loan)))


def test_the_loan_page_of_an_overdue_loan_offers_the_promise(client: Client, settings: Any) -> None:
    user, [loan] = owner_of_overdue(settings)
    client.force_login(user)
    page = text(client.get(reverse("borrowers:detail", args=[loan.reference])))
    assert f'href="{promise_url(loan)}"' in page
    assert f'href="{due_day_url(loan)}"' not in page  # an overdue loan's due day cannot move


def test_a_loan_not_overdue_has_nothing_to_promise(client: Client, settings: Any) -> None:
    user, loan = owner_of_current(settings)
    client.force_login(user)
    client.cookies["django_language"] = "en"
    page = text(client.get(promise_url(loan)))
    assert "not overdue" in page
    assert 'name="amount"' not in page
    client.post(promise_url(loan), {"amount": "100.00", "pay_by": "2026-03-25", "confirm": "1"})
    assert not PromiseToPay.objects.exists()


def test_after_two_broken_promises_the_page_says_to_call(client: Client, settings: Any) -> None:
    user, [loan] = owner_of_overdue(settings)
    for _ in range(2):
        today = Loan.objects.get(pk=loan.pk).closed_through
        assert today is not None
        settings.ANXIN_BUSINESS_DATE = today.isoformat()
        services.promise_make(
            actor=user,
            loan_id=loan.pk,
            amount=minimum_of(loan) + Decimal("5"),
            pay_by=today,
            source="site",
            today=today,
        )
        services.close_business_through(today + timedelta(days=1))
    client.force_login(user)
    client.cookies["django_language"] = "en"
    page = text(client.get(promise_url(loan)))
    assert "Please call us" in page
    assert 'name="amount"' not in page
    assert "Broken" in page  # the history


# --- due day: the steps --------------------------------------------------------------------------------


def test_the_due_day_page_previews_the_new_schedule_and_writes_nothing(client: Client, settings: Any) -> None:
    user, loan = owner_of_current(settings)
    client.force_login(user)
    client.cookies["django_language"] = "en"
    page = text(client.get(due_day_url(loan)))  # (the sign-in's first page records the session)
    assert "falls due on day 15 of each month" in page
    assert '<label for="id_day">' in page
    assert "Move my due day" not in page

    _, (response, writes) = counted(client, "get", due_day_url(loan), {"day": "25"})
    assert writes == []
    page = text(response)
    assert "From day 15 to day 25" in page
    # 10,000.00 × 12.00% × 41 ÷ 365 = 134.79, instead of 100.00: 34.79 more.
    assert "¥134.79 instead of ¥100.00" in page
    assert "Moving costs ¥34.79 more interest" in page
    assert "25 Apr 2026" in page
    assert 'name="day" value="25"' in page
    assert not Restructure.objects.exists()

    htmx = client.get(due_day_url(loan), {"day": "25"}, HTTP_HX_REQUEST="true")
    assert "HX-Request" in htmx["Vary"]
    piece = text(htmx)
    assert "<html" not in piece
    assert 'id="due-day-preview"' in piece
    assert "¥134.79" in piece


def confirmation(client: Client, loan: Any, day: str) -> dict[str, str]:
    """The confirm form's fields, as the preview for `day` draws them."""
    preview = text(client.get(due_day_url(loan), {"day": day}))
    form = preview.split('method="post"', 1)[1].split("</form>", 1)[0]
    return dict(re.findall(r'<input type="hidden" name="(day|first_due|interest)" value="([^"]*)"', form))


@pytest.mark.parametrize(
    "change", [{"interest": "0.01"}, {"first_due": "2030-01-25"}, {"day": "3"}, {"interest": None}]
)
def test_a_confirmation_that_is_not_what_the_preview_showed_moves_nothing(
    client: Client, settings: Any, change: dict[str, str | None]
) -> None:
    """Altered, stale or partial (the hostile-input test sent day=3 alone, and it moved): asked again."""
    user, loan = owner_of_current(settings)
    client.force_login(user)
    client.cookies["django_language"] = "en"
    data = confirmation(client, loan, "25")
    assert set(data) == {"day", "first_due", "interest"}
    for name, value in change.items():
        if value is None:
            del data[name]
        else:
            data[name] = value
    response = client.post(due_day_url(loan), data)
    assert response.status_code == 200
    assert "The figures have changed since you looked" in text(response)
    assert not Restructure.objects.exists()


def test_confirming_moves_the_due_day_and_the_loan_page_shows_it(client: Client, settings: Any) -> None:
    user, loan = owner_of_current(settings)
    client.force_login(user)
    client.cookies["django_language"] = "en"
    response = client.post(due_day_url(loan), confirmation(client, loan, "25"))
    assert response.status_code == 302
    assert response["Location"].endswith("#schedule")
    record = Restructure.objects.get(loan=loan)
    assert record.kind == "due_day"
    page = text(client.get(reverse("borrowers:detail", args=[loan.reference])))
    assert "you moved this loan's due day" in page
    assert "The schedule before the due day moved" in page
    # Moved: the page no longer offers a move it would refuse for a year (new-user pass).
    assert f'href="{due_day_url(loan)}"' not in page
    # The old schedule shows what it said, not the zeros left on the replaced rows (new-user pass).
    history = page.split("The schedule before the due day moved", 1)[1].split("</details>", 1)[0]
    first = record.schedule_before[0]
    scheduled = Decimal(first["principal"]) + Decimal(first["interest"])
    assert scheduled > 0
    assert f"{scheduled:,.2f}" in history
    assert "restructured" not in page
    again = text(client.get(due_day_url(loan)))
    assert "once a year" in again
    assert "20 Mar 2027" in again


@pytest.mark.parametrize(
    ("day", "words"), [("15", "falls due on this day already"), ("29", "1 to 28"), ("x", "1 to 28")]
)
def test_a_bad_day_is_a_message_beside_the_field(client: Client, settings: Any, day: str, words: str) -> None:
    user, loan = owner_of_current(settings)
    client.force_login(user)
    client.cookies["django_language"] = "en"
    for method in ("get", "post"):
        response = getattr(client, method)(due_day_url(loan), {"day": day})
        assert response.status_code == 200
        errors = text(response).split('id="id_day_errors"', 1)[1].split("</div>", 1)[0]
        assert words in errors
    assert not Restructure.objects.exists()


def test_an_overdue_loan_is_told_why_its_due_day_cannot_move(client: Client, settings: Any) -> None:
    user, [loan] = owner_of_overdue(settings)
    client.force_login(user)
    client.cookies["django_language"] = "en"
    page = text(client.get(due_day_url(loan), {"day": "25"}))
    assert "This loan is overdue" in page
    assert 'name="day"' not in page
    assert client.post(due_day_url(loan), {"day": "25"}).status_code == 200
    assert not Restructure.objects.exists()


# --- who, and how many queries -------------------------------------------------------------------------


def test_another_borrowers_loan_is_a_404_and_nothing_is_written(client: Client, settings: Any) -> None:
    _, [theirs] = owner_of_overdue(settings)
    _, current = owner_of_current(settings)
    me, _ = owner_of_overdue(settings)
    client.force_login(me)
    for url in (promise_url(theirs), due_day_url(current), promise_url(theirs) + "?from=reminder"):
        assert client.get(url).status_code == 404
    assert (
        client.post(
            promise_url(theirs), {"amount": "1300", "pay_by": "2026-04-15", "confirm": "1"}
        ).status_code
        == 404
    )
    assert client.post(due_day_url(current), {"day": "25"}).status_code == 404
    assert not PromiseToPay.objects.exists()
    assert not Restructure.objects.exists()
    client.logout()
    assert client.get(promise_url(theirs)).status_code == 302  # to sign in


def test_the_promise_page_costs_the_same_queries_whatever_the_loan_and_its_history(
    client: Client, settings: Any
) -> None:
    small, [one] = owner_of_overdue(settings, months=12)
    big, loans = owner_of_overdue(settings, months=36, loans=3)
    # The big borrower's loan has a history of promises.
    loan = loans[0]
    for n in range(3):
        today = D0 + timedelta(days=n * 2)
        settings.ANXIN_BUSINESS_DATE = today.isoformat()
        services.loan_close_business(loan_id=loan.pk, business_date=today)
        services.promise_make(
            actor=big, loan_id=loan.pk, amount=minimum_of(loan), pay_by=today, source="site", today=today
        )
        services.close_business_through(today + timedelta(days=1))
        PromiseToPay.objects.filter(loan=loan).update(status="cancelled")  # keep the borrower free to promise
    settings.ANXIN_BUSINESS_DATE = (D0 + timedelta(days=6)).isoformat()
    for other in (one, *loans):
        services.loan_close_business(loan_id=other.pk, business_date=D0 + timedelta(days=6))
    results = []
    for user, target in ((small, one), (big, loan)):
        client.force_login(user)
        get, (response, _) = counted(client, "get", promise_url(target))
        assert response.status_code == 200
        post, (response, _) = counted(
            client, "post", promise_url(target), {"amount": str(minimum_of(target)), "pay_by": "2026-04-20"}
        )
        assert 'name="confirm"' in text(response)
        detail, _ = counted(client, "get", reverse("borrowers:detail", args=[target.reference]))
        results.append((get, post, detail))
    assert results[0] == results[1]


def test_the_due_day_page_costs_the_same_queries_for_12_or_36_instalments(
    client: Client, settings: Any
) -> None:
    results = []
    for months in (12, 36):
        user, loan = owner_of_current(settings, months=months)
        client.force_login(user)
        plain, _ = counted(client, "get", due_day_url(loan))
        preview, _ = counted(client, "get", due_day_url(loan), {"day": "25"})
        results.append((plain, preview))
    assert results[0] == results[1]


def test_both_pages_speak_chinese_by_default(client: Client, settings: Any) -> None:
    user, [loan] = owner_of_overdue(settings)
    client.force_login(user)
    assert '<html lang="zh-hans"' in text(client.get(promise_url(loan)))
    _, current = owner_of_current(settings)
    client.force_login(current.borrower.user)
    assert '<html lang="zh-hans"' in text(client.get(due_day_url(current)))
