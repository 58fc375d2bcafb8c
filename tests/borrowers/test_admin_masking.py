"""Read-only staff see only what their work needs, and the masks cannot be read around (issue 9, finding 4).

Before: the borrower list masked the phone but showed the date of birth and the ID's last 4; the change
page showed the phone in full to reviewers and Support; `?phone__startswith=1391` filtered the list, and
searching any run of the phone's last digits (or sorting by the masked column) read the hidden digits.
"""

import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from accounts.models import User
from borrowers import services
from borrowers.models import BorrowerProfile, Loan
from core.models import AuditEvent
from tests.borrowers.factories import make_borrower, make_loan, national_id_for
from tests.conftest import PASSWORD, enrol_totp

pytestmark = pytest.mark.django_db

BORN = date(1997, 3, 14)
PHONE = "13912345678"
READERS = ["Support", "Hardship reviewers", "Hardship approvers"]
PROFILES = reverse("admin:borrowers_borrowerprofile_changelist")


@pytest.fixture(autouse=True)
def _setup(settings: Any) -> None:
    settings.ANXIN_BUSINESS_DATE = "2026-03-31"
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def loan() -> Loan:
    national_id = national_id_for(BORN, serial=35)
    borrower = make_borrower(
        customer_number="C0001", full_name="王芳", phone=PHONE, national_id=national_id, date_of_birth=BORN
    )
    return make_loan(reference="AX2026000001", borrower=borrower, principal=Decimal("1200.00"))


def staff_client(group: str | None) -> Client:
    user = User.objects.create_user(
        email=f"{group or 'admin'}@anxin.example".replace(" ", "."), password=PASSWORD
    )
    if group is None:
        user.is_superuser = True
    user.is_staff = True
    user.save()
    if group:
        user.groups.add(Group.objects.get(name=group))
    enrol_totp(user)
    client = Client()
    client.force_login(user)
    return client


def visible(response: Any) -> str:
    """The page's text as a reader sees it: no tags, so no attribute values either."""
    return re.sub(r"<[^>]+>", " ", response.content.decode())


def secrets_of(profile: BorrowerProfile) -> list[str]:
    return [
        profile.phone,
        profile.phone[3:7],  # the hidden middle digits, e.g. in 1391234…
        profile.national_id_last4,
        "1997",  # any rendering of the date of birth shows its year
    ]


def refused(response: Any) -> bool:
    """Django admin refuses a lookup with 400 (DisallowedModelAdminLookup) or a redirect to ?e=1."""
    return response.status_code == 400 or (response.status_code == 302 and "e=1" in response["Location"])


# --- what each group sees -----------------------------------------------------------------------


@pytest.mark.parametrize("group", READERS)
def test_read_only_staff_never_see_the_full_phone_date_of_birth_or_id_last_4(group: str, loan: Loan) -> None:
    client = staff_client(group)
    profile = loan.borrower

    listing = client.get(PROFILES)
    change = client.get(reverse("admin:borrowers_borrowerprofile_change", args=[profile.pk]))
    loan_page = client.get(reverse("admin:borrowers_loan_change", args=[loan.pk]))

    assert (listing.status_code, change.status_code, loan_page.status_code) == (200, 200, 200)
    for page in (listing, change, loan_page):
        text = visible(page)
        assert "王芳" in text
        for secret in secrets_of(profile):
            assert secret not in text, (page.request["PATH_INFO"], secret)


def test_support_sees_name_masked_phone_and_customer_number_to_call(loan: Loan) -> None:
    text = visible(
        staff_client("Support").get(
            reverse("admin:borrowers_borrowerprofile_change", args=[loan.borrower_id])
        )
    )

    for shown in ["C0001", "王芳", "139****5678"]:
        assert shown in text
    # What they phone about: each loan, what is owed and how late (found missing by the new-user pass).
    assert "AX2026000001" in text
    assert "13912345678" not in text


def test_support_reveals_the_number_to_call_by_a_post_and_each_reveal_is_audited(loan: Loan) -> None:
    client = staff_client("Support")
    url = reverse("admin:borrowers_borrowerprofile_phone", args=[loan.borrower_id])

    page = client.get(
        reverse("admin:borrowers_borrowerprofile_change", args=[loan.borrower_id])
    ).content.decode()
    start = page.index('id="borrowerprofile_form"')
    form = page[start : page.index("</form>", start)]
    assert f'formaction="{url}"' in form  # the button posts the change form, with its CSRF token
    assert "csrfmiddlewaretoken" in form
    assert client.get(url).status_code == 405  # a link, a prefetch or a crawler reveals nothing
    response = client.post(url)

    assert response.status_code == 200
    assert 'href="tel:13912345678"' in response.content.decode()
    event = AuditEvent.objects.get(action="borrower.phone_revealed")
    assert event.object_id == str(loan.borrower_id)


@pytest.mark.parametrize("group", ["Hardship reviewers", "Hardship approvers", "Content editors"])
def test_staff_whose_work_needs_no_phone_cannot_reveal_it(group: str, loan: Loan) -> None:
    response = staff_client(group).post(
        reverse("admin:borrowers_borrowerprofile_phone", args=[loan.borrower_id])
    )

    assert response.status_code == 403
    assert "13912345678" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="borrower.phone_revealed").exists()


@pytest.mark.parametrize("group", ["Hardship reviewers", "Hardship approvers"])
def test_hardship_staff_see_name_and_the_financial_picture_not_the_phone(group: str, loan: Loan) -> None:
    text = visible(
        staff_client(group).get(reverse("admin:borrowers_borrowerprofile_change", args=[loan.borrower_id]))
    )

    assert "王芳" in text
    assert "AX2026000001" in text
    assert "¥1,200.00 owed" in text
    assert "139****5678" not in text


def test_content_editors_cannot_open_borrowers_at_all(loan: Loan) -> None:
    client = staff_client("Content editors")

    assert client.get(PROFILES).status_code == 403
    assert (
        client.get(reverse("admin:borrowers_borrowerprofile_change", args=[loan.borrower_id])).status_code
        == 403
    )


def test_only_staff_who_may_change_a_borrower_see_the_full_record_on_the_edit_form(loan: Loan) -> None:
    page = staff_client(None).get(reverse("admin:borrowers_borrowerprofile_change", args=[loan.borrower_id]))

    assert f'value="{PHONE}"' in page.content.decode()
    assert 'value="1997-03-14"' in page.content.decode()


# --- reading a record is audited --------------------------------------------------------------------


@pytest.mark.parametrize("group", [*READERS, None])
def test_each_opening_of_a_borrowers_record_writes_one_audit_row_with_the_ip(
    group: str | None, loan: Loan
) -> None:
    client = staff_client(group)
    url = reverse("admin:borrowers_borrowerprofile_change", args=[loan.borrower_id])

    client.get(url)
    client.get(url)

    events = AuditEvent.objects.filter(action="borrower.record_viewed")
    assert events.count() == 2
    event = events.first()
    assert event is not None
    assert (event.object_type, event.object_id) == ("borrowers.borrowerprofile", str(loan.borrower_id))
    assert event.actor is not None
    assert event.ip_address == "127.0.0.1"
    assert PHONE not in str(event.data)
    full = "date_of_birth" in event.data["fields"]
    assert full == (group is None)


# --- the masks hold against the querystring --------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        {"phone__startswith": "1391"},
        {"phone__contains": "1234"},
        {"phone": PHONE},
        {"date_of_birth__year": "1997"},
        {"date_of_birth": "1997-03-14"},
        {"national_id_last4": "PLACEHOLDER"},
        {"national_id_hash__startswith": "a"},
    ],
)
@pytest.mark.parametrize("group", ["Support", "Hardship reviewers"])
def test_field_lookups_in_the_querystring_are_refused(group: str, query: dict[str, str], loan: Loan) -> None:
    make_borrower(
        customer_number="C0002", full_name="李雷", phone="13800001111", date_of_birth=date(2001, 1, 1)
    )
    if "national_id_last4" in query:
        query = {"national_id_last4": loan.borrower.national_id_last4}

    response = staff_client(group).get(PROFILES, query)

    assert refused(response), (query, response.status_code)


@pytest.mark.parametrize("term", ["12345678", "45678", PHONE, "1391234"])
def test_search_matches_the_phone_only_by_exactly_its_last_4_digits(term: str, loan: Loan) -> None:
    client = staff_client("Support")
    services.payment_record(
        loan_id=loan.pk, receipt_number="WX-0001", amount=Decimal("112.00"), paid_on=date(2026, 2, 15)
    )

    lists = {
        "王芳": PROFILES,
        "AX2026000001": reverse("admin:borrowers_loan_changelist"),
        "WX-0001": reverse("admin:borrowers_payment_changelist"),
    }
    for marker, url in lists.items():
        assert marker in visible(client.get(url, {"q": "5678"})), url  # the 4 digits the mask shows
        assert marker not in visible(client.get(url, {"q": term})), (url, term)  # more digits: no match


def test_the_list_sorts_only_by_customer_number_or_name(db: None) -> None:
    # Customer numbers, names, phones and birth dates in four different orders.
    rows = [
        ("CX-A", "Dd", "13900000003", date(1991, 1, 1)),
        ("CX-B", "Bb", "13900000001", date(1993, 1, 1)),
        ("CX-C", "Aa", "13900000004", date(1992, 1, 1)),
        ("CX-D", "Cc", "13900000002", date(1990, 1, 1)),
    ]
    for number, name, phone, born in rows:
        make_borrower(customer_number=number, full_name=name, phone=phone, date_of_birth=born)
    by_number = ["CX-A", "CX-B", "CX-C", "CX-D"]
    by_name = ["CX-C", "CX-B", "CX-D", "CX-A"]
    allowed = [by_number, by_number[::-1], by_name, by_name[::-1]]
    client = staff_client("Support")

    for column in range(8):
        for sign in ("", "-"):
            response = client.get(PROFILES, {"o": f"{sign}{column}"})
            if refused(response):
                continue
            text = visible(response)
            order = sorted(by_number, key=text.find)
            assert order in allowed, (f"o={sign}{column}", order)


@pytest.mark.parametrize("group", ["Hardship reviewers", "Hardship approvers"])
def test_staff_who_see_no_phone_cannot_find_borrowers_by_its_last_4_digits(group: str, loan: Loan) -> None:
    # Searching 0000-9999 would otherwise read the 4 digits of every borrower's phone they are never shown.
    client = staff_client(group)
    services.payment_record(
        loan_id=loan.pk, receipt_number="WX-0001", amount=Decimal("112.00"), paid_on=date(2026, 2, 15)
    )

    for url in (
        PROFILES,
        reverse("admin:borrowers_loan_changelist"),
        reverse("admin:borrowers_payment_changelist"),
    ):
        response = client.get(url, {"q": "5678"})
        assert response.status_code == 200, url
        page = visible(response)
        for marker in ("王芳", "AX2026000001", "WX-0001"):
            assert marker not in page, (url, marker)
