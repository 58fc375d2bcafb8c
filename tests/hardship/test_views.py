"""The borrower's hardship pages: the wizard by POSTs through to submitted, form errors (never a 500),
404 for anyone else, the evidence download, the status page's offer and the exports."""

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from accounts.models import User
from borrowers.selectors import restructure_loans
from hardship import selectors, services
from hardship.models import Application, Evidence, Offer
from tests.hardship.factories import (
    TODAY,
    draft,
    make_applicant,
    make_staff,
    offered,
    submitted,
)

pytestmark = pytest.mark.django_db
Status = Application.Status


@pytest.fixture(autouse=True)
def _setup(settings: Any, tmp_path: Path) -> None:
    settings.ANXIN_BUSINESS_DATE = TODAY.isoformat()
    settings.MEDIA_ROOT = tmp_path / "private"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 12), (10, 92, 85)).save(buffer, format="PNG")
    return buffer.getvalue()


def upload_file(name: str, content: bytes) -> io.BytesIO:
    handle = io.BytesIO(content)
    handle.name = name
    return handle


def step_url(reference: str, n: int) -> str:
    return reverse("hardship:step", args=[reference, n])


def page(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return str(response.content.decode())


STATEMENT_POST = {
    "action": "save",
    "salary": "4200",
    "housing": "1800",
    "food": "1500",  # above the 1,200 guideline: flagged, never refused
    "food_note": "Three children",
    "credit_cards": "200",
    "loans_with_us": "130",
}


def test_the_whole_wizard_by_posts_through_to_submitted() -> None:
    user, [loan] = make_applicant()
    client = signed_in(user)

    start = page(client.get(reverse("hardship:start") + f"?loan={loan.reference}"))
    assert f'value="{loan.pk}"' in start
    assert "checked" in start

    response = client.post(reverse("hardship:start"), {"loans": [str(loan.pk)]})
    application = Application.objects.get(user=user)
    assert response.status_code == 302
    assert response["Location"] == step_url(application.reference, 2)
    ref = application.reference

    step1 = page(client.get(step_url(ref, 1)))
    assert "Step 1 of 6" in step1
    assert 'aria-current="step"' in step1
    assert loan.reference in step1

    response = client.post(
        step_url(ref, 2), {"reason": "job_loss", "duration": "short", "reason_text": "The factory closed."}
    )
    assert response["Location"] == step_url(ref, 3)

    step3 = page(client.get(step_url(ref, 3)))
    assert "Step 3 of 6" in step3
    checked = page(client.post(step_url(ref, 3), {**STATEMENT_POST, "action": "check"}))
    assert "Above the guideline" in checked  # flagged, with a prompt for a note
    assert "above the guideline. That is fine" in checked
    response = client.post(step_url(ref, 3), STATEMENT_POST)
    assert response["Location"] == step_url(ref, 4)
    application.refresh_from_db()
    notes = dict(application.statement_lines.values_list("category", "note"))
    assert notes["food"] == "Three children"

    step4 = page(client.get(step_url(ref, 4)))
    # affordable: 4200 - 1800 - 1500 - 200 (credit cards; loans with us not taken off) = 700
    assert '<dd id="affordable">¥700.00</dd>' in step4
    assert "Longer term" in step4
    assert "<details" in step4
    assert "Reported as a repayment arrangement agreed with us" in step4
    assert "%" in step4
    options = selectors.application_options(loans=restructure_loans(loan_ids=[loan.pk]), affordable=None)
    extension = next(o for o in options if o.kind == "extension")
    response = client.post(step_url(ref, 4), {"option": extension.value})
    assert response["Location"] == step_url(ref, 5)
    application.refresh_from_db()
    assert application.chosen_terms["kind"] == "extension"

    step5 = page(client.get(step_url(ref, 5)))
    assert 'enctype="multipart/form-data"' in step5
    assert 'accept=".pdf,.jpg,.jpeg,.png"' in step5
    response = client.post(step_url(ref, 5), {"document": upload_file("payslip.png", png())})
    assert response["Location"] == step_url(ref, 5)
    assert "payslip.png" in page(client.get(step_url(ref, 5)))

    step6 = page(client.get(step_url(ref, 6)))
    assert "Longer term" in step6
    response = client.post(step_url(ref, 6), {"declared": "on"})
    assert response["Location"] == reverse("hardship:detail", args=[ref])
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED

    detail = page(client.get(reverse("hardship:detail", args=[ref])))
    assert "Expect our answer by" in detail
    assert "Late charges paused until" in detail
    # A sent application's wizard goes to its status page.
    assert client.get(step_url(ref, 2))["Location"] == reverse("hardship:detail", args=[ref])


def test_the_start_page_links_to_the_furthest_step_and_names_the_open_application() -> None:
    user, [loan] = make_applicant()
    application = draft(user, [loan], choose=False)
    text = page(signed_in(user).get(reverse("hardship:start")))
    assert step_url(application.reference, 4) in text
    assert "already has an application in progress" in text
    assert reverse("hardship:detail", args=[application.reference]) in text


def test_a_step_beyond_the_furthest_reached_redirects_back_to_it() -> None:
    user, [loan] = make_applicant()
    application = draft(user, [loan], situation=False, lines=(), choose=False)
    response = signed_in(user).get(step_url(application.reference, 5))
    assert response["Location"] == step_url(application.reference, 2)


@pytest.mark.parametrize(
    ("n", "data", "message"),
    [
        (2, {}, "Choose what happened."),
        (2, {"reason": "other", "duration": "short"}, "Tell us briefly what happened."),
        (2, {"reason": "lottery", "duration": "forever"}, "Choose from the list."),
        (3, {"salary": "abc", "action": "save"}, "Enter an amount in yuan"),
        (3, {"salary": "-5", "action": "save"}, "Enter 0 or more"),
        (3, {"salary": "1e400", "action": "save"}, "Enter an amount in yuan"),  # no exponents
        (3, {"salary": "99999999999", "action": "save"}, "Enter at most"),
        (4, {}, "Choose one of the options, or ask us to propose one."),
        (4, {"option": '{"kind": "waiver"'}, "The options have changed"),
        (4, {"option": '{"kind":"extension","months":999}'}, "The options have changed"),
        (5, {}, "Choose a file to send."),
        (5, {"document": "not a file"}, "Choose a file to send."),
        (6, {}, "Please confirm the declaration"),
    ],
)
def test_bad_input_is_a_form_error_not_a_500(n: int, data: dict[str, str], message: str) -> None:
    user, loans = make_applicant()
    application = draft(user, loans)
    text = page(signed_in(user).post(step_url(application.reference, n), data))
    assert message in text
    application.refresh_from_db()
    assert application.status == Status.DRAFT


def test_a_file_that_is_not_a_document_is_refused_with_a_message() -> None:
    user, loans = make_applicant()
    application = draft(user, loans)
    client = signed_in(user)
    text = page(
        client.post(
            step_url(application.reference, 5), {"document": upload_file("x.png", b"<html>hello</html>")}
        )
    )
    assert "not a PDF, JPEG or PNG" in text
    assert not Evidence.objects.exists()


def test_submitting_without_an_income_shows_the_service_message() -> None:
    user, loans = make_applicant()
    application = draft(user, loans, lines=())
    text = page(signed_in(user).post(step_url(application.reference, 6), {"declared": "on"}))
    assert "Fill in your income and spending" in text


def test_an_evidence_file_can_be_removed() -> None:
    user, loans = make_applicant()
    application = draft(user, loans)
    client = signed_in(user)
    client.post(step_url(application.reference, 5), {"document": upload_file("a.png", png())})
    token = Evidence.objects.get().token
    response = client.post(step_url(application.reference, 5), {"action": "remove", "remove": token})
    assert response.status_code == 302
    assert not Evidence.objects.exists()
    # Removing it again: a message, not a 500.
    assert "This file does not exist." in page(
        client.post(step_url(application.reference, 5), {"action": "remove", "remove": token})
    )


def test_the_evidence_download_is_an_attachment_of_its_stored_type_for_its_owner_only() -> None:
    user, loans = make_applicant()
    application = draft(user, loans)
    client = signed_in(user)
    client.post(step_url(application.reference, 5), {"document": upload_file("payslip.png", png())})
    item = Evidence.objects.get()
    url = reverse("hardship:evidence", args=[application.reference, item.token])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment")
    assert "payslip.png" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content == png()
    other, _loans = make_applicant()
    assert signed_in(other).get(url).status_code == 404
    assert client.get(reverse("hardship:evidence", args=[application.reference, "nope"])).status_code == 404


def test_another_borrower_gets_404_on_every_url() -> None:
    owner, loans = make_applicant()
    staff = make_staff()
    application = offered(owner, loans, staff)
    Evidence.objects.create(
        application=application, token="tok", file="hardship/x.png", original_name="x.png",
        content_type="image/png", size=1, sha256="0" * 64,
    )  # fmt: skip
    ref = application.reference
    urls = [
        reverse("hardship:detail", args=[ref]),
        *(step_url(ref, n) for n in range(1, 7)),
        reverse("hardship:evidence", args=[ref, "tok"]),
        reverse("hardship:statement_json", args=[ref]),
        reverse("hardship:agreement", args=[ref]),
    ]
    stranger, _loans = make_applicant()
    client = signed_in(stranger)
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"action": "accept"}).status_code in (404, 405), url
    application.refresh_from_db()
    assert application.status == Status.OFFERED
    # Signed out: the login page.
    assert Client().get(urls[0]).status_code == 302


def test_accepting_the_offer_by_post_applies_it_and_a_second_post_shows_a_message() -> None:
    user, loans = make_applicant()
    application = offered(user, loans, make_staff())
    client = signed_in(user)
    url = reverse("hardship:detail", args=[application.reference])
    text = page(client.get(url))
    assert "Our offer" in text
    assert "Accept the offer" in text
    assert "Longer term" in text
    response = client.post(url, {"action": "accept"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.APPLIED
    assert application.offers.get().status == Offer.Status.ACCEPTED
    applied = page(client.get(url))
    assert reverse("borrowers:detail", args=[loans[0].reference]) in applied
    again = page(client.post(url, {"action": "accept"}))
    assert "You have already accepted this offer" in again
    agreement = page(client.get(reverse("hardship:agreement", args=[application.reference])))
    assert "Repayment arrangement" in agreement
    assert loans[0].reference in agreement


def test_the_borrower_answers_a_request_for_information() -> None:
    user, loans = make_applicant()
    staff = make_staff()
    application = submitted(user, loans)
    services.information_request(application_id=application.pk, staff=staff, message="Send a payslip.")
    client = signed_in(user)
    url = reverse("hardship:detail", args=[application.reference])
    text = page(client.get(url))
    assert "Send a payslip." in text
    assert 'enctype="multipart/form-data"' in text
    assert "Please write a message." in page(client.post(url, {"action": "answer", "message": "  "}))
    response = client.post(url, {"action": "upload", "document": upload_file("slip.png", png())})
    assert response.status_code == 302
    response = client.post(url, {"action": "answer", "message": "Attached."})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.evidence.count() == 1


def test_withdrawing_by_post() -> None:
    user, loans = make_applicant()
    application = submitted(user, loans)
    client = signed_in(user)
    url = reverse("hardship:detail", args=[application.reference])
    assert client.post(url, {"action": "withdraw"}).status_code == 302
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    assert "cannot be moved that way now" in page(client.post(url, {"action": "withdraw"}))


def test_a_rejection_shows_its_reasons_and_what_to_do_next() -> None:
    user, loans = make_applicant()
    application = submitted(user, loans)
    services.application_reject(application_id=application.pk, staff=make_staff(), reasons=["affordable"])
    text = page(signed_in(user).get(reverse("hardship:detail", args=[application.reference])))
    assert "Your statement shows you can keep up the current payments" in text
    assert "What you can do:" in text


def test_the_statement_exports_as_json_in_the_sfs_shape() -> None:
    user, loans = make_applicant()
    application = draft(user, loans)
    response = signed_in(user).get(reverse("hardship:statement_json", args=[application.reference]))
    assert response.status_code == 200
    data = json.loads(response.content)
    assert set(data) >= {"household", "income", "expenditure", "savings", "totals"}
    assert data["income"]["salary"] == "4200.00"
    assert data["expenditure"]["fixed_costs"]["housing"] == "1800.00"
    assert data["expenditure"]["flexible_costs"]["food"] == "1100.00"
    assert data["savings"] == "0.00"
    assert data["totals"]["income"] == "4200.00"


def test_the_application_page_costs_the_same_queries_for_one_or_three_loans() -> None:
    counts = []
    for n in (1, 3):
        user, loans = make_applicant(loans=n)
        application = draft(user, loans)
        with CaptureQueriesContext(connection) as one:
            assert selectors.borrower_application(user=user, reference=application.reference) is not None
        counts.append(len(one.captured_queries))
    assert counts[0] == counts[1] == 7


def test_several_loans_apply_the_same_terms_and_sum() -> None:
    user, loans = make_applicant(loans=2)
    application = draft(user, loans, choose=False)
    text = page(signed_in(user).get(step_url(application.reference, 4)))
    assert "the figures are for all of them together" in text
    assert all(loan.reference in text for loan in loans)


def test_has_open_application() -> None:
    user, loans = make_applicant()
    assert not selectors.has_open_application(user=user)
    draft(user, loans)
    assert selectors.has_open_application(user=user)


def test_every_page_renders_in_the_default_language_too() -> None:
    user, loans = make_applicant()
    application = draft(user, loans)
    client = Client()
    client.force_login(user)
    ref = application.reference
    for url in [reverse("hardship:start"), reverse("hardship:detail", args=[ref])] + [
        step_url(ref, n) for n in range(1, 7)
    ]:
        assert client.get(url).status_code == 200, url
