"""The hardship staff backend: the queue, the review page and its actions, each calling one service.

The applicant's loan (tests.hardship.factories) has two overdue instalments with late fees, so a waiver
gives up more than ¥40: with the second-approval threshold at ¥10 such an offer waits for a second
approver. The statement: income ¥4,200, fixed ¥1,800, flexible ¥1,100, no savings, no other debts, so the
affordable payment is ¥1,300.00.
"""

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from accounts.models import User
from hardship.models import Application, Offer
from tests.conftest import enrol_totp, make_user
from tests.hardship.factories import (
    APPROVERS,
    REVIEWERS,
    make_applicant,
    make_staff,
    set_policy,
    submitted,
)

pytestmark = pytest.mark.django_db
Status = Application.Status


@pytest.fixture(autouse=True)
def _setup(settings: Any, tmp_path: Path) -> None:
    settings.ANXIN_BUSINESS_DATE = "2026-03-31"
    settings.MEDIA_ROOT = tmp_path / "private"
    settings.LANGUAGE_CODE = "en"


def signed_in(user: User) -> Client:
    """A client signed in as ``user`` with a factor enrolled (the admin asks staff for two factors)."""
    enrol_totp(user)
    client = Client()
    client.force_login(user)
    return client


def other_staff(group: str) -> User:
    user = make_user(f"{group.replace(' ', '-').lower()}@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def application() -> Application:
    user, loans = make_applicant()
    return submitted(user, loans)


def review_url(application: Application) -> str:
    return reverse("admin:hardship_application_review", args=[application.pk])


def post(client: Client, application: Application, action: str, **fields: Any) -> Any:
    prefix = "offer_make" if action == "offer_preview" else action
    data: dict[str, Any] = {"action": action}
    data.update({f"{prefix}-{name}": value for name, value in fields.items()})
    return client.post(review_url(application), data)


def text(response: Any) -> str:
    return str(response.content.decode())


# --- who sees the queue ----------------------------------------------------------------------------


def test_the_queue_is_visible_to_a_reviewer(application: Application) -> None:
    client = signed_in(make_staff(REVIEWERS))
    response = client.get(reverse("admin:hardship_application_changelist"))
    assert response.status_code == 200
    assert application.reference in text(response)
    assert reverse("admin:hardship_application_review", args=[application.pk]) in text(response)


@pytest.mark.parametrize("group", ["Support", "Content editors"])
def test_other_staff_are_refused_the_queue_and_the_review_page(application: Application, group: str) -> None:
    client = signed_in(other_staff(group))
    assert client.get(reverse("admin:hardship_application_changelist")).status_code == 403
    assert client.get(review_url(application)).status_code == 403
    assert client.get(reverse("admin:hardship_application_change", args=[application.pk])).status_code == 403
    response = post(client, application, "start_review")
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_nobody_adds_or_deletes_an_application(application: Application) -> None:
    client = signed_in(make_staff(APPROVERS))
    assert client.get(reverse("admin:hardship_application_add")).status_code == 403
    assert client.get(reverse("admin:hardship_application_delete", args=[application.pk])).status_code == 403
    change = client.get(reverse("admin:hardship_application_change", args=[application.pk]))
    assert change.status_code == 200
    assert 'name="_save"' not in text(change)  # read only: changes happen through the actions


# --- the review page -----------------------------------------------------------------------------


def test_the_review_page_shows_the_statement_the_loans_and_the_options(application: Application) -> None:
    client = signed_in(make_staff(REVIEWERS))
    response = client.get(review_url(application))
    assert response.status_code == 200
    page = text(response)
    assert "The factory closed in February." in page
    assert "¥1,300.00" in page  # 4,200 − 1,800 − 1,100 (the loans with us not counted)
    loan_reference = application.loans.get().loan.reference
    assert loan_reference in page
    assert "Term extension" in page
    assert "Waiver of late fees and penalty interest" in page
    # Submitted: the reviewer may start the review, ask, offer or reject; nobody's offer waits.
    for action in ("start_review", "request_information", "offer_preview", "offer_make", "reject"):
        assert f'value="{action}"' in page
    assert 'value="offer_approve"' not in page


def test_start_review_then_request_information(application: Application) -> None:
    client = signed_in(make_staff(REVIEWERS))
    response = post(client, application, "start_review")
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW

    response = post(client, application, "request_information", message="Please send your last payslip.")
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.INFORMATION_REQUESTED
    assert application.information_due_on is not None
    assert application.messages.get().body == "Please send your last payslip."

    page = text(client.get(review_url(application)))
    assert "Please send your last payslip." in page
    assert 'value="start_review"' not in page
    assert 'value="offer_make"' not in page


def test_request_information_needs_a_message(application: Application) -> None:
    client = signed_in(make_staff(REVIEWERS))
    response = post(client, application, "request_information", message="  ")
    assert response.status_code == 200
    assert "This field is required." in text(response)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_a_refused_action_shows_the_services_message(application: Application) -> None:
    client = signed_in(make_staff(REVIEWERS))
    post(client, application, "start_review")
    response = post(client, application, "start_review")  # a second click: no longer submitted
    assert response.status_code == 200
    assert "it cannot be moved that way now" in text(response)


# --- offers and the second approval --------------------------------------------------------------


def test_preview_shows_the_figures_and_offers_nothing(application: Application) -> None:
    client = signed_in(make_staff(REVIEWERS))
    response = post(client, application, "offer_preview", kind="extension", months="24")
    assert response.status_code == 200
    assert 'id="offer-preview"' in text(response)
    assert not application.offers.exists()


def test_an_offer_below_the_threshold_goes_to_the_borrower_at_once(application: Application) -> None:
    client = signed_in(make_staff(REVIEWERS))
    response = post(client, application, "offer_make", kind="extension", months="24", note="Good luck")
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.OFFERED
    assert application.offers.get().status == Offer.Status.OPEN


def test_an_offer_above_the_threshold_needs_a_different_approver(application: Application) -> None:
    set_policy(second_approval_threshold=Decimal("10.00"))
    maker_user = make_staff(APPROVERS)
    maker = signed_in(maker_user)
    reviewer = signed_in(make_staff(REVIEWERS))
    second = signed_in(make_staff(APPROVERS))

    assert post(maker, application, "offer_make", kind="waiver").status_code == 302
    offer = application.offers.get()
    assert offer.status == Offer.Status.AWAITING_APPROVAL
    assert offer.made_by == maker_user
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED  # the borrower sees nothing yet

    # The maker may not approve their own offer: the service refuses, the page says why.
    response = post(maker, application, "offer_approve")
    assert response.status_code == 200
    assert "Someone else must approve an offer you made." in text(response)
    # A reviewer holds no approval right: no button, and a forged POST is refused.
    page = text(reviewer.get(review_url(application)))
    assert 'value="offer_approve"' not in page
    assert 'value="offer_make"' not in page
    response = post(reviewer, application, "offer_approve")
    assert response.status_code == 200
    assert "Only a hardship approver can approve an offer." in text(response)
    offer.refresh_from_db()
    assert offer.status == Offer.Status.AWAITING_APPROVAL

    # Another approver approves: the offer opens to the borrower.
    assert 'value="offer_approve"' in text(second.get(review_url(application)))
    assert post(second, application, "offer_approve").status_code == 302
    offer.refresh_from_db()
    application.refresh_from_db()
    assert offer.status == Offer.Status.OPEN
    assert offer.approved_by is not None
    assert offer.approved_by != maker_user
    assert application.status == Status.OFFERED


def test_a_second_approver_may_decline(application: Application) -> None:
    set_policy(second_approval_threshold=Decimal("10.00"))
    maker = signed_in(make_staff(REVIEWERS))
    second = signed_in(make_staff(APPROVERS))
    post(maker, application, "offer_make", kind="waiver")
    response = post(second, application, "offer_decline", decline_note="Too generous for a first arrears.")
    assert response.status_code == 302
    assert application.offers.get().status == Offer.Status.DECLINED
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


# --- rejection ------------------------------------------------------------------------------------


def test_reject_with_reasons(application: Application) -> None:
    client = signed_in(make_staff(REVIEWERS))
    response = client.post(
        review_url(application),
        {
            "action": "reject",
            "reject-reasons": ["affordable", "not_enough_information"],
            "reject-rejection_note": "",
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.REJECTED
    assert application.rejection_reasons == ["affordable", "not_enough_information"]


def test_reject_for_another_reason_needs_the_note(application: Application) -> None:
    client = signed_in(make_staff(REVIEWERS))
    response = post(client, application, "reject", reasons=["other"], rejection_note="")
    assert response.status_code == 200
    assert "Please write a message." in text(response)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_the_policy_is_changed_by_approvers_only() -> None:
    set_policy()
    url = reverse("admin:hardship_hardshippolicy_change", args=[1])
    approver = signed_in(make_staff(APPROVERS))
    reviewer = signed_in(make_staff(REVIEWERS))
    assert 'name="_save"' in text(approver.get(url))
    assert 'name="_save"' not in text(reviewer.get(url))
    assert approver.get(reverse("admin:hardship_hardshippolicy_add")).status_code == 403


def test_the_restructurings_admin_is_read_only() -> None:
    client = signed_in(make_staff(REVIEWERS))
    assert client.get(reverse("admin:borrowers_restructure_changelist")).status_code == 200
    assert client.get(reverse("admin:borrowers_restructure_add")).status_code == 403


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def test_evidence_is_downloaded_as_an_attachment(application: Application) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from hardship import services

    reviewer_user = make_staff(REVIEWERS)
    services.information_request(application_id=application.pk, staff=reviewer_user, message="Payslip?")
    item = services.evidence_add(
        application_id=application.pk,
        user=application.user,
        upload=SimpleUploadedFile("payslip.png", _png(), content_type="image/png"),
    )
    url = reverse("admin:hardship_application_evidence", args=[application.pk, item.token])
    reviewer = signed_in(reviewer_user)
    assert url in text(reviewer.get(review_url(application)))
    response = reviewer.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert signed_in(other_staff("Support")).get(url).status_code == 403
