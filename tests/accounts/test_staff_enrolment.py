"""A staff member's first factor cannot be enrolled with the password alone (issue 9, finding 2).

Before: a staff account without TOTP was sent to allauth's activation page, and the password completed the
enrolment, so whoever held a staff password enrolled their own authenticator and reached /admin/. Now
the first factor needs a one-time link an operator has mailed to the verified address.
"""

import re
from datetime import timedelta
from io import StringIO
from typing import Any

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from accounts.models import StaffEnrolmentGrant, User
from core.models import AuditEvent
from notifications.models import OutboundEmail
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
ACTIVATE = reverse("mfa_activate_totp")
ADMIN = reverse("admin:index")
LINK = re.compile(r"https?://\S+?(/accounts/2fa/totp/activate/\?enrolment=[\w-]+)")
ASK_FOR_A_LINK = "请向管理员索取一次性登记链接"


def signed_in(email: str) -> Client:
    client = Client()
    response = client.post(LOGIN, {"login": email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def link_issued(email: str) -> str:
    """Run the operator's command; the path of the link, read from the queued mail (as its owner would)."""
    out = StringIO()
    call_command("staff_enrolment_link", email, stdout=out)
    outbound = OutboundEmail.objects.filter(kind="staff_enrolment_link").latest("id")
    found = LINK.search(outbound.body_text)
    assert found, outbound.body_text
    # The operator's terminal shows where the link went, never the link.
    assert found.group(1).split("=")[1] not in out.getvalue()
    return found.group(1)


def enrol(client: Client, path: str) -> None:
    """Open the link (unlocks this session), confirm the password, activate TOTP with a real code."""
    assert client.get(path)["Location"] == ACTIVATE
    assert client.get(ACTIVATE)["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    secret = client.get(ACTIVATE).context["form"].secret
    client.post(ACTIVATE, {"code": pyotp.TOTP(secret).now()})


@pytest.mark.parametrize("superuser", [False, True])
def test_staff_without_a_factor_reach_no_staff_page_and_cannot_enrol_with_the_password(
    superuser: bool,
) -> None:
    if superuser:
        user = User.objects.create_superuser(email="root@example.com", password=PASSWORD)
        from allauth.account.models import EmailAddress

        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    else:
        user = make_user("staff@example.com", is_staff=True)
    client = signed_in(user.email)

    for path in [ADMIN, reverse("admin:accounts_user_changelist"), "/learn/preview/1/", ACTIVATE]:
        response = client.get(path)
        assert response.status_code == 403, path
        assert ASK_FOR_A_LINK in response.content.decode(), path
    # Typing the activation address, confirming the password, posting a code of one's own: refused.
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.post(ACTIVATE, {"code": pyotp.TOTP(pyotp.random_base32()).now()})
    assert response.status_code == 403
    assert not Authenticator.objects.filter(user=user).exists()


def test_borrowers_still_enrol_totp_freely() -> None:
    make_user("b@example.com")
    client = signed_in("b@example.com")
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    page = client.get(ACTIVATE)
    assert page.status_code == 200
    client.post(ACTIVATE, {"code": pyotp.TOTP(page.context["form"].secret).now()})
    assert Authenticator.objects.filter(user__email="b@example.com", type=Authenticator.Type.TOTP).exists()


def test_the_link_is_mailed_as_a_secret_and_only_its_hash_is_stored() -> None:
    make_user("staff@example.com", is_staff=True)
    path = link_issued("staff@example.com")
    token = path.split("=")[1]

    outbound = OutboundEmail.objects.get(kind="staff_enrolment_link")
    assert outbound.to == ["staff@example.com"]
    assert outbound.carries_secret
    assert "30" in outbound.body_text  # minutes
    grant = StaffEnrolmentGrant.objects.get()
    assert token not in grant.token_hash
    assert len(grant.token_hash) == 64
    assert AuditEvent.objects.filter(action="mfa.enrolment_link_issued").count() == 1


def test_with_the_link_the_staff_member_enrols_and_reaches_the_admin_and_a_password_only_session_ends(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    staff = make_user("staff@example.com", is_staff=True)
    thief = signed_in("staff@example.com")  # has the password, not the mailbox
    owner = signed_in("staff@example.com")
    path = link_issued("staff@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        enrol(owner, path)

    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    assert owner.get(ADMIN).status_code == 200
    # The session signed in with the password alone before the factor existed is over.
    assert thief.get(ADMIN).status_code == 302
    assert "_auth_user_id" not in thief.session
    assert AuditEvent.objects.filter(action="mfa.enrolment_link_used", actor=staff).count() == 1
    assert AuditEvent.objects.filter(action="mfa.totp_added", actor=staff).count() == 1


def test_the_link_works_once_in_one_session_and_for_its_owner_only() -> None:
    make_user("staff@example.com", is_staff=True)
    make_user("other.staff@example.com", is_staff=True)
    path = link_issued("staff@example.com")

    # Someone else's link changes nothing (and is not spent by the attempt).
    other = signed_in("other.staff@example.com")
    response = other.get(path, follow=True)
    assert response.status_code == 403
    assert "这个登记链接无效" in response.content.decode()

    first = signed_in("staff@example.com")
    assert first.get(path)["Location"] == ACTIVATE
    assert first.get(ACTIVATE).status_code in {200, 302}  # unlocked (302: confirm the password first)

    # Used: another session of the same person cannot use it again, nor is it unlocked by the first.
    second = signed_in("staff@example.com")
    assert second.get(path).status_code == 403
    assert second.get(ACTIVATE).status_code == 403


def test_the_link_expires() -> None:
    make_user("staff@example.com", is_staff=True)
    path = link_issued("staff@example.com")
    client = signed_in("staff@example.com")

    # Issued 31 minutes ago (moving the clock instead would end the session too: 30 minutes idle).
    StaffEnrolmentGrant.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get(path).status_code == 403
    assert StaffEnrolmentGrant.objects.get().used_at is None


def test_a_newer_link_replaces_the_older_one() -> None:
    make_user("staff@example.com", is_staff=True)
    old = link_issued("staff@example.com")
    new = link_issued("staff@example.com")
    client = signed_in("staff@example.com")

    assert client.get(old).status_code == 403
    assert client.get(new)["Location"] == ACTIVATE


def test_the_command_refuses_what_it_should_not_do() -> None:
    make_user("b@example.com")
    make_user("unverified@example.com", is_staff=True, verified=False)
    for email in ["b@example.com", "nobody@example.com", "unverified@example.com"]:
        with pytest.raises(CommandError):
            call_command("staff_enrolment_link", email, stdout=StringIO())
    assert not StaffEnrolmentGrant.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_the_command_prints_the_link_only_when_asked_and_never_in_production(
    settings: Any,
) -> None:
    make_user("staff@example.com", is_staff=True)
    out = StringIO()
    call_command("staff_enrolment_link", "staff@example.com", "--show-link", stdout=out)
    assert "/accounts/2fa/totp/activate/?enrolment=" in out.getvalue()

    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("staff_enrolment_link", "staff@example.com", "--show-link", stdout=StringIO())


def test_the_link_mail_is_in_the_language_asked_for() -> None:
    make_user("staff@example.com", is_staff=True)
    call_command("staff_enrolment_link", "staff@example.com", "--language", "en", stdout=StringIO())
    call_command("staff_enrolment_link", "staff@example.com", stdout=StringIO())

    english, chinese = OutboundEmail.objects.filter(kind="staff_enrolment_link").order_by("id")
    assert english.subject.startswith("[Anxin] ")
    assert "two-factor authentication" in english.body_text
    assert chinese.subject.startswith("[安心] ")
    assert "两步验证" in chinese.body_text


def test_a_staff_member_with_a_factor_needs_no_link() -> None:
    from tests.conftest import enrol_totp

    staff = make_user("staff@example.com", is_staff=True)
    enrol_totp(staff)
    with pytest.raises(CommandError):
        call_command("staff_enrolment_link", "staff@example.com", stdout=StringIO())


def test_the_link_opened_signed_out_leads_through_the_password_to_enrolment(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    staff = make_user("staff@example.com", is_staff=True)
    path = link_issued("staff@example.com")
    client = Client()

    to_login = client.get(path)
    assert to_login["Location"].startswith(LOGIN)
    response = client.post(to_login["Location"], {"login": "staff@example.com", "password": PASSWORD})
    assert response["Location"] == path
    with django_capture_on_commit_callbacks(execute=True):
        enrol(client, path)

    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    assert client.get(ADMIN).status_code == 200


def test_a_password_alone_cannot_move_a_staff_login_to_another_mailbox_before_a_factor_is_enrolled() -> None:
    # Found by the attacker pass: with a stolen password, add and verify one's own address, make it the
    # login, and the operator's next enrolment link goes to the thief.
    user = make_user("staff@example.com", is_staff=True)
    client = signed_in(user.email)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    for path in (reverse("account_email"), reverse("account_change_password")):
        assert client.get(path).status_code == 403, path
    added = client.post(reverse("account_email"), {"action_add": "", "email": "thief@evil.example"})
    changed = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "Another-long-passphrase-9",
            "password2": "Another-long-passphrase-9",
        },
    )

    assert (added.status_code, changed.status_code) == (403, 403)
    from allauth.account.models import EmailAddress

    assert list(EmailAddress.objects.filter(user=user).values_list("email", flat=True)) == [
        "staff@example.com"
    ]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_change_of_login_address_or_password_is_audited_with_the_addresses_masked() -> None:
    user = make_user("person@example.com")
    client = signed_in(user.email)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    client.post(reverse("account_email"), {"action_add": "", "email": "second@example.com"})
    client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "Another-long-passphrase-9",
            "password2": "Another-long-passphrase-9",
        },
    )

    added = AuditEvent.objects.get(action="account.email_added")
    assert added.object_id == str(user.pk)
    assert "second@example.com" not in str(added.data)
    assert added.data["email"].startswith("s")
    assert AuditEvent.objects.filter(action="account.password_changed", object_id=str(user.pk)).count() == 1


def test_staff_signing_in_land_in_the_back_office_and_borrowers_on_their_overview() -> None:
    from tests.conftest import enrol_totp

    staff = make_user("staff@example.com", is_staff=True)
    secret = enrol_totp(staff)
    client = Client()
    assert client.post(LOGIN, {"login": staff.email, "password": PASSWORD})["Location"] == reverse(
        "mfa_authenticate"
    )
    done = client.post(reverse("mfa_authenticate"), {"code": pyotp.TOTP(secret).now()})
    assert done["Location"] == ADMIN

    make_user("borrower@example.com")
    borrower = Client().post(LOGIN, {"login": "borrower@example.com", "password": PASSWORD})
    assert borrower["Location"] == reverse("portal:dashboard")
