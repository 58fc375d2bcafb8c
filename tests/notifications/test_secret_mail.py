"""No member of staff reads a sign-in secret in the delivery log.

An attacker test (issue 8) took over a borrower's account from a Support login: request a password reset
for the borrower, open the mail in the admin's outbound-mail log, follow the link. A mail that carries a
key, a code or a link that lets its reader in now shows no body in the admin (superusers included), and
loses its body in the same save that marks it sent, or failed for good.
"""

import re
from unittest import mock

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import Client
from django.urls import reverse

from accounts.models import User
from notifications import services, services_delivery
from notifications.models import OutboundEmail
from tests.conftest import PASSWORD, enrol_totp, make_user

pytestmark = pytest.mark.django_db

RESET_LINK = re.compile(r"https?://\S+/accounts/password/reset/key/(\S+?)/")


def staff_client(*, superuser: bool = False) -> Client:
    if superuser:
        member = User.objects.create_superuser(email="root@anxin.example", password=PASSWORD)
    else:
        member = User.objects.create_user(email="support@anxin.example", password=PASSWORD, is_staff=True)
        support, _ = Group.objects.get_or_create(name="Support")
        support.permissions.add(
            Permission.objects.get(content_type__app_label="notifications", codename="view_outboundemail")
        )
        member.groups.add(support)
    enrol_totp(member)
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(member)
    return client


def reset_mail_for(email: str) -> tuple[OutboundEmail, str, str]:
    """Ask for a password reset as anyone may; the queued mail, its link and the key in it."""
    Client().post(reverse("account_reset_password"), {"email": email})
    outbound = OutboundEmail.objects.get(kind="password_reset_key")
    found = RESET_LINK.search(outbound.body_text)
    assert found, outbound.body_text
    return outbound, found.group(0), found.group(1)


def admin_pages(client: Client, outbound: OutboundEmail) -> list[str]:
    pages = [
        client.get(reverse("admin:notifications_outboundemail_changelist")),
        client.get(reverse("admin:notifications_outboundemail_change", args=[outbound.pk])),
    ]
    assert [page.status_code for page in pages] == [200, 200]
    return [page.content.decode() for page in pages]


@pytest.mark.parametrize("superuser", [False, True], ids=["support", "superuser"])
def test_no_staff_role_reads_the_reset_link_in_the_admin(superuser: bool) -> None:
    make_user("borrower@example.com")
    outbound, link, key = reset_mail_for("borrower@example.com")
    client = staff_client(superuser=superuser)

    listed, opened = admin_pages(client, outbound)

    assert outbound.carries_secret
    for page in (listed, opened):
        assert key not in page
        assert link not in page
        assert "/accounts/password/reset/key/" not in page
        assert "borrower@example.com" not in page
        assert "b***@example.com" in page
    assert "password_reset_key" in opened
    assert "Queued" in opened


def test_the_log_cannot_be_searched_by_body_to_guess_a_key() -> None:
    make_user("borrower@example.com")
    _outbound, _link, key = reset_mail_for("borrower@example.com")
    client = staff_client()
    changelist = reverse("admin:notifications_outboundemail_changelist")

    guessed = client.get(changelist, {"body_text__contains": key[:3]})
    guessed_html = client.get(changelist, {"body_html__icontains": key[:3]})

    # Refused (Django answers a disallowed lookup with 400), never a list that says "1 result".
    assert (guessed.status_code, guessed_html.status_code) == (400, 400)


def test_the_reset_mail_is_delivered_and_then_loses_its_key(django_capture_on_commit_callbacks) -> None:
    make_user("borrower@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("account_reset_password"), {"email": "borrower@example.com"})

    (sent,) = mail.outbox
    found = RESET_LINK.search(str(sent.body))
    assert found, sent.body
    outbound = OutboundEmail.objects.get(kind="password_reset_key")
    assert outbound.status == OutboundEmail.Status.SENT
    assert found.group(1) not in outbound.body_text + outbound.body_html
    assert outbound.body_text == services_delivery.SCRUBBED_BODY
    assert outbound.body_html == ""
    _listed, opened = admin_pages(staff_client(), outbound)
    assert found.group(1) not in opened


def secret_mail() -> OutboundEmail:
    message = EmailMultiAlternatives("Your code", "code 428913", "from@anxin.example", ["b@example.com"])
    message.attach_alternative("<p>code 428913</p>", "text/html")
    return services.email_queue(message=message, kind="login_code", carries_secret=True)


def test_a_secret_mail_is_retried_with_its_body_and_scrubbed_when_it_fails_for_good() -> None:
    outbound = secret_mail()
    with mock.patch.object(EmailMultiAlternatives, "send", side_effect=OSError("connection refused")):
        services_delivery.email_deliver(outbound_email_id=outbound.pk)
        outbound.refresh_from_db()
        assert (outbound.status, outbound.body_text) == (OutboundEmail.Status.QUEUED, "code 428913")
        for _ in range(services_delivery.MAX_EMAIL_ATTEMPTS - 1):
            services_delivery.email_deliver(outbound_email_id=outbound.pk)

    outbound.refresh_from_db()
    assert outbound.status == OutboundEmail.Status.FAILED
    assert "428913" not in outbound.body_text + outbound.body_html
    assert len(mail.outbox) == 0


def test_a_mail_without_a_secret_still_shows_its_body_to_support() -> None:
    message = EmailMultiAlternatives(
        "Your password was changed", "Your password was changed just now.", "from@anxin.example", ["b@x.cn"]
    )
    outbound = services.email_queue(message=message, kind="password_changed")
    services_delivery.email_deliver(outbound_email_id=outbound.pk)

    listed, opened = admin_pages(staff_client(), outbound)

    assert "Your password was changed" in listed
    assert "Your password was changed just now." in opened
    assert "b@x.cn" in opened
    outbound.refresh_from_db()
    assert outbound.body_text == "Your password was changed just now."


@pytest.mark.parametrize(
    ("template_prefix", "secret"),
    [
        ("account/email/password_reset_key", True),
        ("account/email/password_reset_code", True),
        ("account/email/email_confirmation", True),
        ("account/email/email_confirmation_signup", True),
        ("account/email/login_code", True),
        ("account/email/unknown_account", True),
        ("account/email/account_already_exists", True),
        ("account/email/some_future_mail", True),
        ("account/email/password_changed", False),
        ("account/email/password_reset", False),
        ("mfa/email/totp_activated", False),
    ],
)
def test_allauth_mails_carry_a_secret_unless_they_are_a_plain_notice(
    template_prefix: str, secret: bool
) -> None:
    assert services.allauth_mail_carries_secret(template_prefix) is secret
