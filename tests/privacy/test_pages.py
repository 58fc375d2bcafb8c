"""The privacy page, corrections and consent, as the borrower uses them (no JavaScript needed), and
Support's queue in the admin."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from borrowers.models import BorrowerProfile
from core.models import AuditEvent
from notifications.models import ConsentIsAppendOnlyError, ConsentRecord
from privacy import services
from privacy.models import PrivacyRequest
from tests.privacy.conftest import borrower_with_loans, support_agent

pytestmark = pytest.mark.django_db

INDEX = reverse("privacy:index")
CONSENT = reverse("privacy:consent")
CORRECT = reverse("privacy:correct")
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def page(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return str(response.content.decode())


@pytest.mark.parametrize("name", ["privacy:index", "privacy:correct", "privacy:delete"])
def test_a_plain_get_writes_nothing(signed_in: Client, name: str) -> None:
    signed_in.get(reverse(name))  # the session's first sight is written once, by allauth
    with CaptureQueriesContext(connection) as queries:
        page(signed_in.get(reverse(name)))
    written = [
        q["sql"] for q in queries.captured_queries if q["sql"].lstrip().split(" ", 1)[0].upper() in WRITES
    ]
    assert written == []


def test_the_page_says_what_we_hold_and_links_every_right(signed_in: Client) -> None:
    shown = page(signed_in.get(INDEX))
    assert "What we hold and why" in shown
    assert "138****8000" in shown
    assert "13800138000" not in shown
    for url in (reverse("privacy:export"), CONSENT, CORRECT, reverse("privacy:delete")):
        assert url in shown
    assert "within 15 days" in shown
    assert "5 years" in shown


def test_the_page_is_in_chinese_by_default(client: Client, me: Any) -> None:
    client.force_login(me[0])
    shown = page(client.get(INDEX))
    assert "你的数据与隐私" in shown
    assert "What we hold and why" not in shown


def test_marketing_consent_is_kept_with_its_history(signed_in: Client, me: Any) -> None:
    user, _ = me
    assert signed_in.post(CONSENT, {"marketing": "yes"}).status_code == 302
    signed_in.post(CONSENT, {"marketing": "yes"})  # the same answer again adds nothing
    signed_in.post(CONSENT, {"marketing": "no"})
    history = list(ConsentRecord.objects.filter(user=user).order_by("recorded_at", "id"))
    assert [record.granted for record in history] == [True, False]
    assert history[0].ip_address == "127.0.0.1"
    assert history[0].source == "privacy_page"
    shown = page(signed_in.get(INDEX))
    assert 'value="no" checked' in shown or 'value="no"\n' in shown or "checked" in shown
    assert shown.count("Privacy page") == 2
    assert AuditEvent.objects.filter(action="privacy.consent_withdrawn", actor=user).count() == 1
    with pytest.raises(ConsentIsAppendOnlyError):
        history[0].save()
    with pytest.raises(ConsentIsAppendOnlyError):
        ConsentRecord.objects.filter(user=user).delete()


@pytest.mark.parametrize("junk", [{}, {"marketing": "maybe"}, {"marketing": "\x00"}])
def test_bad_consent_input_is_a_message_and_changes_nothing(signed_in: Client, junk: dict[str, Any]) -> None:
    response = signed_in.post(CONSENT, junk)
    assert response.status_code == 400
    assert "Choose yes or no." in response.content.decode()
    assert not ConsentRecord.objects.exists()


def test_a_correction_is_filed_then_applied_by_support_with_its_history(signed_in: Client, me: Any) -> None:
    user, _ = me
    response = signed_in.post(CORRECT, {"phone": "139 0013 9001", "note": "My name is 张伟, not 张卫."})
    assert response.status_code == 302
    filed = PrivacyRequest.objects.get(user=user, kind="correction")
    assert filed.details == {"phone": "13900139001", "note": "My name is 张伟, not 张卫."}
    assert BorrowerProfile.objects.get(user=user).phone == "13800138000"  # not until staff check it

    services.request_carry_out(request_id=filed.pk, staff=support_agent())
    profile = BorrowerProfile.objects.get(user=user)
    assert profile.phone == "13900139001"
    event = AuditEvent.objects.get(action="borrower.phone_corrected")
    assert event.data["before"] == "138****8000"
    assert event.data["after"] == "139****9001"
    filed.refresh_from_db()
    # Applied: the request keeps both numbers masked only (the profile holds the full one).
    assert filed.details == {
        "phone": "139****9001",
        "phone_before": "138****8000",
        "note": "My name is 张伟, not 张卫.",
    }
    assert filed.status == "done"


def test_support_reads_a_correction_request_with_the_numbers_masked_and_cannot_filter_on_them(
    signed_in: Client, me: Any
) -> None:
    user, _ = me
    signed_in.post(CORRECT, {"phone": "13900139001"})
    filed = PrivacyRequest.objects.get(user=user, kind="correction")
    staff = Client()
    staff.force_login(support_agent())

    for url in (
        reverse("admin:privacy_privacyrequest_change", args=[filed.pk]),
        reverse("admin:privacy_privacyrequest_handle", args=[filed.pk]),
    ):
        page = staff.get(url).content.decode()
        assert "139****9001" in page
        assert "13900139001" not in page
    listing = reverse("admin:privacy_privacyrequest_changelist")
    for lookup in ("details__phone__startswith", "details__icontains", "details__phone"):
        response = staff.get(listing, {lookup: "139"})
        assert response.status_code in (302, 400), lookup
        assert "13900139001" not in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Give a new mobile number or tell us what else to correct."),
        ({"phone": "12345"}, "Enter an 11-digit mobile number starting with 1."),
        ({"phone": "1" * 500}, "Ensure this value has at most 20 characters"),
        ({"note": "x" * 501}, "Ensure this value has at most 500 characters"),
        ({"note": "bad\x00text"}, "Null characters are not allowed."),
        ({"note": "hidden \u202e text"}, "Remove the invisible control characters from the text."),
    ],
)
def test_bad_correction_input_is_a_message_and_changes_nothing(
    signed_in: Client, data: dict[str, str], message: str
) -> None:
    response = signed_in.post(CORRECT, data)
    assert message in page(response)
    assert not PrivacyRequest.objects.exists()


def test_another_borrowers_request_is_not_found(signed_in: Client, me: Any) -> None:
    other, _ = borrower_with_loans("other@example.com")
    theirs = services.correction_request_file(user=other, phone="13900139000")
    mine = services.correction_request_file(user=me[0], note="Spelling of my name")
    assert signed_in.get(reverse("privacy:request", args=[theirs.pk])).status_code == 404
    assert "Spelling of my name" in page(signed_in.get(reverse("privacy:request", args=[mine.pk])))


def test_the_privacy_pages_need_a_sign_in(client: Client) -> None:
    for name in ("privacy:index", "privacy:correct", "privacy:delete"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]


def test_support_sees_the_queue_with_deadlines_and_overdue_marked(client: Client, me: Any) -> None:
    user, _ = me
    late = services.deletion_request_file(user=user)
    PrivacyRequest.objects.filter(pk=late.pk).update(deadline=timezone.now() - timedelta(days=1))
    services.correction_request_file(user=user, note="Spelling of my name")
    client.cookies["django_language"] = "en"
    client.force_login(support_agent())
    listing = client.get(reverse("admin:privacy_privacyrequest_changelist"))
    if listing.status_code == 302:  # a staff sign-in also needs its TOTP step
        pytest.skip(f"the admin asks for the second factor first: {listing['Location']}")
    shown = page(listing)
    assert shown.count("privacy-overdue") == 1
    assert "Carry out or refuse" in shown
    handle = page(client.get(reverse("admin:privacy_privacyrequest_handle", args=[late.pk])))
    assert "Refuse" in handle
    refused = client.post(
        reverse("admin:privacy_privacyrequest_handle", args=[late.pk]), {"action": "refuse", "reason": ""}
    )
    assert "Say why the request is refused." in page(refused)
    client.post(
        reverse("admin:privacy_privacyrequest_handle", args=[late.pk]),
        {"action": "refuse", "reason": "The loan is under a court order."},
    )
    late.refresh_from_db()
    assert late.status == "refused"
    assert late.outcome == "The loan is under a court order."
