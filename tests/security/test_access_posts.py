"""POSTs: every POST endpoint refuses a visitor (unless it is a visitor's form by design), a borrower
cannot act on another's loan, CSRF is enforced everywhere, and no staff group holds a sensitive
permission beyond its list.
"""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client

from accounts.models import User
from tests.security import admin_rules, snapshot
from tests.security.matrix import all_probes, answer_matches, describe, write_artifact
from tests.security.world import ROLE_A, ROLE_B, SUPERUSER, World, sign_in

# One xdist worker runs the module, so the world (conftest.py) is built once.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("security-posts")]

# POST endpoints a visitor uses by design (signing in and up, the public calculators…), with why.
VISITOR_POSTS: dict[str, str] = {
    "account_login": "signing in",
    "account_signup": "signing up",
    "account_reset_password": "asking for a reset link",
    "account_reset_password_from_key": "setting a new password from a mailed link",
    "account_confirm_email": "confirming an address from a mailed link",
    "account_logout": "signing out (a visitor is simply sent on)",
    "mfa_authenticate": "the TOTP stage of a sign-in (a visitor with no pending sign-in is sent away)",
    "set_language": "the language switch",
    "budget:budget": "the budget calculator works signed out (it saves only for a borrower)",
    "education:quiz": "the lesson quiz scores a visitor's answers too (it records nothing for them)",
    "account_inactive": "a page about an inactive account",
    "account_email_verification_sent": "a page after signing up",
    "account_reset_password_done": "a page after asking for a reset",
    "account_reset_password_from_key_done": "a page after a reset",
    "account_confirm_login_code": "login by code is off",
    "portal:help": "the public help page",
}


def _post_endpoints(world: World) -> list[tuple[str, str]]:
    """(pattern key, url) of every non-admin pattern that takes a POST (anything but 405)."""
    found, seen = [], set()
    client = sign_in(world, ROLE_A)
    for probe in all_probes(world):
        if probe.url.startswith("/admin/") or probe.key in seen:
            continue
        if client.post(probe.url, {}).status_code != 405:
            found.append((probe.key, probe.url))
            seen.add(probe.key)
        client = sign_in(world, ROLE_A) if "_auth_user_id" not in client.session else client
    return found


def test_every_post_endpoint_refuses_a_visitor_and_changes_nothing(world: World) -> None:
    endpoints = _post_endpoints(world)
    assert len(endpoints) >= 8, endpoints
    failures = []
    for key, url in endpoints:
        client = Client()
        before = snapshot.take()
        response = client.post(url, {})
        changes = before.diff(snapshot.take())
        if response.status_code >= 500 or changes:
            failures.append(f"{key} {url}: {describe(response)} {changes}")
        elif key not in VISITOR_POSTS and not answer_matches("deny", response):
            failures.append(f"{key} {url}: a visitor's POST got {describe(response)}")
    write_artifact("posts.json", {"post_endpoints": [key for key, _ in endpoints]})
    assert not failures, "\n".join(failures)


def test_csrf_is_enforced_on_every_post_endpoint_and_the_admin(world: World) -> None:
    endpoints = _post_endpoints(world)
    signed_in = sign_in(world, ROLE_A)
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.cookies = signed_in.cookies
    failures = []
    for key, url in endpoints:
        response = csrf_client.post(url, {})
        if response.status_code != 403:
            failures.append(f"{key} {url}: {describe(response)} without a CSRF token")
    # A visitor's sign-in form too.
    if Client(enforce_csrf_checks=True).post("/accounts/login/", {}).status_code != 403:
        failures.append("account_login: accepted without a CSRF token")
    staff = Client(enforce_csrf_checks=True)
    staff.cookies = sign_in(world, SUPERUSER).cookies
    admin_posts = 0
    for model in admin.site._registry:
        urls, _present = admin_rules.admin_model_urls(model)
        for action in ("add", "change", "delete"):
            admin_posts += 1
            response = staff.post(urls[action], {})
            if response.status_code != 403:
                failures.append(f"admin {model._meta.label} {action}: {describe(response)} without a token")
    write_artifact("csrf.json", {"endpoints": len(endpoints) + 1, "admin_posts": admin_posts})
    assert not failures, "\n".join(failures)


def test_borrower_b_cannot_write_about_or_link_borrower_as_loan(world: World) -> None:
    from borrowers.models import Loan
    from portal.models import SupportMessage

    loan_a = Loan.objects.get(reference=world.objects["loan_a_overdue"])
    client_b = sign_in(world, ROLE_B)
    before = snapshot.take()

    message = client_b.post(
        "/help/messages/", {"topic": "cannot_pay", "body": "About this loan", "loan": loan_a.reference}
    )
    link = client_b.post(
        "/loans/link/",
        {"reference": loan_a.reference, "date_of_birth": "1998-05-20", "national_id_last4": "0012"},
    )
    detail = client_b.get(f"/loans/{loan_a.reference}/")

    assert message.status_code < 500
    assert link.status_code < 500
    assert not SupportMessage.objects.filter(loan=loan_a, user=world.users[ROLE_B]).exists()
    loan_a.refresh_from_db()
    assert loan_a.borrower.user_id == world.users[ROLE_A].pk
    assert detail.status_code == 404
    assert not before.diff(snapshot.take())


def test_no_group_holds_a_sensitive_permission_beyond_its_list(world: World) -> None:
    """A permission granted by mistake on a model guarding money, identity or access fails here."""
    excess = {}
    for group in Group.objects.prefetch_related("permissions__content_type"):
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        beyond = {p for p in held if admin_rules.sensitive(p)} - admin_rules.SENSITIVE_ALLOWED.get(
            group.name, set()
        )
        if beyond:
            excess[group.name] = sorted(beyond)
    assert not excess, f"sensitive permissions beyond the list in admin_rules.SENSITIVE_ALLOWED: {excess}"


def test_no_staff_role_reads_a_password_reset_link_in_the_admin(world: World) -> None:
    """The outbox holds A's reset mail (world_build asks for one): no staff page may show its key."""
    from notifications.models import OutboundEmail

    mail = OutboundEmail.objects.order_by("-pk").first()
    assert mail is not None
    leaks = []
    for role in [*world.staff_roles(), SUPERUSER]:
        client = sign_in(world, role)
        for url in (
            f"/admin/notifications/outboundemail/{mail.pk}/change/",
            "/admin/notifications/outboundemail/",
        ):
            body = client.get(url).content.decode(errors="replace")
            if "/accounts/password/reset/key/" in body:
                leaks.append(f"{role} at {url}")
    assert not leaks, f"a password-reset link is readable by {leaks}"


def test_a_staff_member_without_a_factor_is_refused_every_admin_page(world: World) -> None:
    """Signed in with a password alone, a staff member reaches no admin page: every one refuses."""
    user: User = world.users["staff_no_factor"]
    user.groups.add(*Group.objects.all())  # even with every group's rights
    client = sign_in(world, "staff_no_factor")
    opened = []
    for model in admin.site._registry:
        urls, _present = admin_rules.admin_model_urls(model)
        for action, url in urls.items():
            response = client.get(url)
            if not answer_matches("deny", response):
                opened.append(f"{model._meta.label} {action}: {describe(response)}")
    assert not opened, opened
