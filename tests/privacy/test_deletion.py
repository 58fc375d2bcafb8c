"""A deletion request carried out end to end: the account is closed, personal data with no duty to keep
is gone, the loans and ledger are kept unchanged under a retention hold (reconcile stays green), and the
profile is anonymised once the hold ends."""

from datetime import timedelta
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import SignInDevice, User
from borrowers.models import BorrowerProfile, Instalment, LedgerEntry, Loan, Payment
from budget.models import Budget
from core.exceptions import ApplicationError
from core.models import AuditEvent
from notifications.models import ConsentRecord
from portal.services import support_message_send
from privacy import services, tasks
from privacy.models import PrivacyRequest, RetentionHold
from privacy.services_deletion import ANONYMISED_NAME, deleted_email
from tests.borrowers.factories import run_command
from tests.conftest import PASSWORD, enrol_totp
from tests.privacy.conftest import TODAY, borrower_with_loans, support_agent

pytestmark = pytest.mark.django_db

DELETE = reverse("privacy:delete")


def ledger_rows() -> list[tuple[Any, ...]]:
    return list(LedgerEntry.objects.order_by("pk").values_list())


def money_rows() -> list[list[tuple[Any, ...]]]:
    return [list(model.objects.order_by("pk").values_list()) for model in (Loan, Instalment, Payment)]


def reconcile_is_green() -> None:
    with translation.override("en"):  # the report's words are asserted in English
        result = run_command("reconcile")
    assert result.status == 0, (result.out, result.err)
    assert "Every cached balance agrees with the ledger." in result.out


def pay_off(loan: Loan) -> None:
    from decimal import Decimal

    from borrowers import services as loan_services

    loan_services.payment_record(
        loan_id=loan.pk, receipt_number=f"PAYOFF-{loan.pk}", amount=Decimal("5000.00"), paid_on=TODAY
    )


def test_deletion_carried_out_end_to_end(client: Client, signed_in: Client, me: Any) -> None:
    user, loans = me
    enrol_totp(user)
    signed_in.get(reverse("privacy:index"))  # a tracked session
    assert UserSession.objects.filter(user=user).exists()
    Budget.objects.create(user=user, updated_at=timezone.now())
    SignInDevice.objects.create(user=user, browser="Firefox", system="Android")
    message = support_message_send(user=user, topic="other", body="Please call me on 13800138000")
    services.consent_set(user=user, granted=True)
    for loan in loans:
        pay_off(loan)
    ledger_before, money_before = ledger_rows(), money_rows()
    reconcile_is_green()

    # The borrower asks (their sign-in is recent, so no password is asked again).
    asked = signed_in.post(DELETE, {"confirm": "on"})
    assert asked.status_code == 302
    privacy_request = PrivacyRequest.objects.get(user=user, kind="deletion")
    assert privacy_request.deadline == privacy_request.received_at + timedelta(days=15)

    # Support carries it out in the admin.
    agent = support_agent()
    services.request_carry_out(request_id=privacy_request.pk, staff=agent)

    user.refresh_from_db()
    privacy_request.refresh_from_db()
    assert privacy_request.status == "done"
    assert privacy_request.handled_by == agent
    assert not user.is_active
    assert not user.has_usable_password()
    assert user.email == deleted_email(user.pk)
    assert "me@example.com" not in user.email
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not Authenticator.objects.filter(user=user).exists()
    assert not UserSession.objects.filter(user=user).exists()
    assert not Budget.objects.filter(user=user).exists()
    assert not SignInDevice.objects.filter(user=user).exists()
    message.refresh_from_db()
    assert "13800138000" not in message.body
    assert ConsentRecord.objects.filter(user=user).order_by("-recorded_at", "-id").first().granted is False  # type: ignore[union-attr]
    # Signed out everywhere, and no way back in.
    assert signed_in.get(reverse("privacy:index")).status_code == 302
    login = client.post(reverse("account_login"), {"login": "me@example.com", "password": PASSWORD})
    assert login.status_code != 302 or "privacy" not in login.get("Location", "")
    assert not client.session.get("_auth_user_id")
    # Kept under a hold: the profile as it was, the ledger and loans row for row.
    profile = BorrowerProfile.objects.get(user=user)
    assert profile.phone == "13800138000"
    hold = RetentionHold.objects.get(profile=profile)
    last_settled = LedgerEntry.objects.filter(loan__borrower=profile).latest("business_date").business_date
    assert hold.retention_until is not None
    assert timezone.localdate(hold.retention_until) == last_settled.replace(year=last_settled.year + 5)
    assert ledger_rows() == ledger_before
    assert money_rows() == money_before
    reconcile_is_green()
    assert AuditEvent.objects.filter(action="privacy.account_deleted", actor=agent).exists()

    # Before the hold ends, the nightly task leaves the profile alone.
    assert tasks.retention_holds_release.delay().get() == 0
    # Past its end, it anonymises the profile; the ledger stays as it is.
    after = (hold.retention_until + timedelta(days=1)).isoformat()
    assert tasks.retention_holds_release.delay(after).get() == 1
    profile.refresh_from_db()
    assert profile.full_name == ANONYMISED_NAME
    assert profile.phone == ""
    assert profile.national_id_hash == ""
    assert profile.national_id_last4 == ""
    assert profile.date_of_birth is None
    assert ledger_rows() == ledger_before
    assert money_rows() == money_before
    reconcile_is_green()
    # Running it again changes nothing.
    assert tasks.retention_holds_release.delay(after).get() == 0


def test_a_hold_waits_for_an_open_loan_to_be_settled(me: Any) -> None:
    user, loans = me
    privacy_request = services.deletion_request_file(user=user)
    services.request_carry_out(request_id=privacy_request.pk, staff=support_agent())
    hold = RetentionHold.objects.get(profile__user=user)
    assert hold.retention_until is None  # loans still owed
    far = (timezone.now() + timedelta(days=365 * 50)).isoformat()
    assert tasks.retention_holds_release.delay(far).get() == 0
    assert BorrowerProfile.objects.get(user=user).full_name == "张伟"
    for loan in loans:
        pay_off(loan)
    tasks.retention_holds_release.delay().get()
    hold.refresh_from_db()
    assert hold.retention_until is not None
    assert hold.anonymised_at is None
    reconcile_is_green()


def test_deletion_asks_for_the_password_again_when_the_sign_in_is_old(
    signed_in: Client, settings: Any
) -> None:
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 0
    response = signed_in.post(DELETE, {"confirm": "on"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not PrivacyRequest.objects.exists()


def test_deletion_without_the_box_ticked_is_a_message_and_changes_nothing(signed_in: Client) -> None:
    response = signed_in.post(DELETE, {})
    assert response.status_code == 200
    assert "Tick the box to confirm." in response.content.decode()
    assert not PrivacyRequest.objects.exists()


def test_a_second_deletion_request_while_one_is_open_is_refused(signed_in: Client, me: Any) -> None:
    signed_in.post(DELETE, {"confirm": "on"})
    page = signed_in.get(DELETE).content.decode()
    assert "We already have your request to delete your account" in page
    second = signed_in.post(DELETE, {"confirm": "on"})
    assert second.status_code == 200
    assert PrivacyRequest.objects.filter(kind="deletion").count() == 1


def test_refusing_needs_a_reason_and_a_handled_request_cannot_be_handled_again(me: Any) -> None:
    user, _ = me
    agent = support_agent()
    privacy_request = services.deletion_request_file(user=user)
    with pytest.raises(ApplicationError):
        services.request_refuse(request_id=privacy_request.pk, staff=agent, reason="")
    services.request_refuse(
        request_id=privacy_request.pk, staff=agent, reason="An open dispute about this loan."
    )
    with pytest.raises(ApplicationError):
        services.request_carry_out(request_id=privacy_request.pk, staff=agent)
    assert User.objects.get(pk=user.pk).is_active
    assert AuditEvent.objects.filter(action="privacy.request_refused").count() == 1


def test_someone_without_the_right_cannot_carry_out_a_request(me: Any) -> None:
    user, _ = me
    other, _ = borrower_with_loans("other@example.com")
    privacy_request = services.deletion_request_file(user=user)
    with pytest.raises(ApplicationError):
        services.request_carry_out(request_id=privacy_request.pk, staff=other)
    assert User.objects.get(pk=user.pk).is_active


def test_carrying_out_a_deletion_closes_the_persons_other_open_requests_and_erases_them(
    signed_in: Client, me: Any
) -> None:
    # Found by the new-user pass: an open correction outlived the account, still offering to write its
    # phone number onto the retained profile, and still showing it and the note to Support.
    user, _loans = me
    signed_in.post(reverse("privacy:correct"), {"phone": "13912345678", "note": "我的名字写错了"})
    signed_in.post(DELETE, {"confirm": "on"})
    correction = PrivacyRequest.objects.get(user=user, kind="correction")
    deletion = PrivacyRequest.objects.get(user=user, kind="deletion")

    services.request_carry_out(request_id=deletion.pk, staff=support_agent())

    correction.refresh_from_db()
    assert correction.status == "refused"
    assert correction.details == {}
    with pytest.raises(ApplicationError):
        services.request_carry_out(request_id=correction.pk, staff=support_agent("second@anxin.example"))
    assert BorrowerProfile.objects.get(pk=user.borrower_profile.pk).phone != "13912345678"
