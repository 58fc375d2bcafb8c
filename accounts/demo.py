"""Demo accounts for `manage.py seed_demo`. Never run against a production database."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.mfa.utils import decrypt
from django.contrib.auth.models import Group

from accounts.models import User

DEMO_PASSWORD = "anxin-demo-2026"  # noqa: S105 -- published demo login, refused in production


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    totp_secret: str | None


BORROWERS = (
    ("demo@anxin.example", "Borrower"),
    ("other@anxin.example", "Borrower"),
    # Borrowers whose hardship applications wait for staff in each state (hardship.demo).
    ("zhang@anxin.example", "Borrower (hardship: submitted, in review)"),
    ("zhao@anxin.example", "Borrower (hardship: information requested, offer made)"),
    ("sun@anxin.example", "Borrower (hardship: applied, not approved)"),
)
STAFF = (
    ("editor@anxin.example", "Content editors"),
    # A second editor: a lesson is published only by an editor who did not write it.
    ("chief.editor@anxin.example", "Content editors"),
    ("reviewer@anxin.example", "Hardship reviewers"),
    ("approver@anxin.example", "Hardship approvers"),
    ("support@anxin.example", "Support"),
    ("auditor@anxin.example", "Auditors"),
)


def _user_ensure(email: str, *, is_staff: bool) -> User:
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, is_staff=is_staff)
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _totp_ensure(user: User) -> str:
    """Enrol TOTP once; later runs print the secret already enrolled, so the tester's app keeps working."""
    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if existing is not None:
        return str(decrypt(existing.data["secret"]))
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return str(secret)


def seed() -> list[DemoLogin]:
    logins = []
    for email, role in BORROWERS:
        _user_ensure(email, is_staff=False)
        logins.append(DemoLogin(email=email, role=role, totp_secret=None))
    for email, group_name in STAFF:
        user = _user_ensure(email, is_staff=True)
        # get_or_create: the groups come from a data migration, but staff may have deleted one.
        group, _ = Group.objects.get_or_create(name=group_name)
        user.groups.add(group)
        logins.append(DemoLogin(email=email, role=group_name, totp_secret=_totp_ensure(user)))
    return logins
