"""Linking a loan to an account: reference + date of birth + last 4 of the ID, audited, rate-limited."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from borrowers.models import BorrowerProfile, LinkAttempt
from core.models import AuditEvent
from tests.borrowers.factories import make_borrower, make_loan, national_id_for
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

BORN = date(1998, 5, 20)
LINK = reverse("borrowers:link")
NO_MATCH = "没有找到与这些信息匹配的借款"


@pytest.fixture
def loan_and_id():  # type: ignore[no-untyped-def]
    national_id = national_id_for(BORN, serial=123)
    loan = make_loan(borrower=make_borrower(national_id=national_id, date_of_birth=BORN))
    return loan, national_id[-4:]


def attempt(client: Client, reference: str, born: str, last4: str):  # type: ignore[no-untyped-def]
    return client.post(
        LINK, {"reference": reference, "date_of_birth": born, "national_id_last4": last4}, follow=True
    )


def test_the_right_details_link_the_loan_and_show_it(client: Client, loan_and_id) -> None:  # type: ignore[no-untyped-def]
    loan, last4 = loan_and_id
    user = make_user("me@example.com")
    client.force_login(user)

    response = attempt(client, loan.reference.lower(), "1998-05-20", last4)

    assert response.redirect_chain[-1][0] == reverse("borrowers:detail", args=[loan.reference])
    assert BorrowerProfile.objects.get(pk=loan.borrower_id).user == user
    assert AuditEvent.objects.filter(action="loan.linked", actor=user).count() == 1


@pytest.mark.parametrize(
    ("reference", "born", "last4"),
    [
        ("NO-SUCH-LOAN", "1998-05-20", None),  # unknown loan
        (None, "1998-05-21", None),  # wrong date of birth
        (None, "1998-05-20", "0000"),  # wrong ID digits
    ],
)
def test_an_unknown_loan_and_wrong_details_get_the_same_answer(  # type: ignore[no-untyped-def]
    client: Client, loan_and_id, reference, born, last4
) -> None:
    loan, right_last4 = loan_and_id
    user = make_user("me@example.com")
    client.force_login(user)

    response = attempt(client, reference or loan.reference, born, last4 or right_last4)

    assert response.status_code == 200
    assert NO_MATCH in response.content.decode()
    assert BorrowerProfile.objects.get(pk=loan.borrower_id).user is None
    assert LinkAttempt.objects.filter(user=user, succeeded=False).count() == 1
    assert AuditEvent.objects.filter(action="loan.link_failed", actor=user).count() == 1


def test_five_failures_lock_linking_for_an_hour_even_with_the_right_details(  # type: ignore[no-untyped-def]
    client: Client, loan_and_id
) -> None:
    loan, last4 = loan_and_id
    client.force_login(make_user("me@example.com"))
    for _ in range(5):
        attempt(client, loan.reference, "2000-01-01", last4)

    response = attempt(client, loan.reference, "1998-05-20", last4)

    assert "暂停" in response.content.decode()
    assert BorrowerProfile.objects.get(pk=loan.borrower_id).user is None
    assert AuditEvent.objects.filter(action="loan.link_locked").count() == 1


def test_a_loan_already_linked_to_another_account_cannot_be_linked_again(client: Client, loan_and_id) -> None:  # type: ignore[no-untyped-def]
    loan, last4 = loan_and_id
    first = make_user("first@example.com")
    BorrowerProfile.objects.filter(pk=loan.borrower_id).update(user=first)
    client.force_login(make_user("second@example.com"))

    response = attempt(client, loan.reference, "1998-05-20", last4)

    assert NO_MATCH in response.content.decode()
    assert BorrowerProfile.objects.get(pk=loan.borrower_id).user == first


@pytest.mark.parametrize(
    ("born", "last4", "field"),
    [
        ("1998-02-30", "1234", "date_of_birth"),
        ("20-05-1998", "1234", "date_of_birth"),
        ("1998-05-20", "12X4", "national_id_last4"),
        ("1998-05-20", "", "national_id_last4"),
    ],
)
def test_malformed_details_get_a_field_error_and_count_as_no_attempt(  # type: ignore[no-untyped-def]
    client: Client, born: str, last4: str, field: str
) -> None:
    client.force_login(make_user("me@example.com"))

    response = client.post(LINK, {"reference": "AX1", "date_of_birth": born, "national_id_last4": last4})

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not LinkAttempt.objects.exists()


def test_linking_needs_a_login(client: Client) -> None:
    assert client.get(LINK).status_code == 302


def test_a_stored_id_ending_in_other_scripts_digits_is_a_refusal_not_a_server_error(  # type: ignore[no-untyped-def]
    client: Client,
) -> None:
    # Such a profile can no longer be made (ASCII digits only), but one stored earlier must not turn a
    # link attempt into a 500 — which also left the attempt uncounted and told a guesser the birth date.
    loan = make_loan(
        borrower=make_borrower(national_id=national_id_for(BORN, serial=124), date_of_birth=BORN)
    )
    BorrowerProfile.objects.filter(pk=loan.borrower_id).update(national_id_last4="٠٣٤5")
    client.force_login(make_user("arabic@example.com"))
    response = attempt(client, loan.reference, BORN.isoformat(), "0345")
    assert response.status_code == 200
    assert NO_MATCH in response.content.decode()
    assert LinkAttempt.objects.count() == 1


def test_national_ids_take_ascii_digits_only_once_normalised() -> None:
    from borrowers.identity import national_id_normalize, national_id_problem

    real = national_id_for(BORN, serial=123)
    # Full-width digits from a Chinese keyboard become ASCII (NFKC) and pass; Arabic-Indic ones are refused.
    full_width = real.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert national_id_normalize(full_width) == real
    assert national_id_problem(full_width) is None
    arabic = real[:-1].translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")) + real[-1]
    assert national_id_problem(arabic) is not None
