"""What accounts holds about a person, for their data rights (privacy puts the apps together).

Export: the account, its email addresses, sessions, devices and the kinds of sign-in factor — never the
password hash, a TOTP secret, a recovery code or a session key. Erase: sessions ended, factors, devices
and addresses deleted; the account itself is closed, never deleted (the audit trail and the ledger's
payments point at it).
"""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession

from accounts.models import SignInDevice, User
from core.personal_data import Table, table, values_table

ACCOUNT_COLUMNS = ("id", "email", "first_name", "last_name", "date_joined", "last_login", "is_active")


def export_tables(*, user: User) -> tuple[Table, ...]:
    """One query per table (the account itself is the user in hand)."""
    return (
        table("account", ACCOUNT_COLUMNS, [{column: getattr(user, column) for column in ACCOUNT_COLUMNS}]),
        values_table(
            "email_addresses", EmailAddress.objects.filter(user=user), ("email", "verified", "primary")
        ),
        values_table(
            "sessions",
            UserSession.objects.filter(user=user).order_by("created_at"),
            ("created_at", "last_seen_at", "ip", "user_agent"),
        ),
        values_table(
            "sign_in_devices",
            SignInDevice.objects.filter(user=user).order_by("first_seen_at"),
            ("browser", "system", "first_seen_at", "last_seen_at"),
        ),
        values_table(
            "mfa_factors",
            Authenticator.objects.filter(user=user).order_by("created_at"),
            ("type", "created_at", "last_used_at"),
        ),
    )


def _sessions_end(user: User) -> int:
    sessions = list(UserSession.objects.filter(user=user))
    for session in sessions:
        session.end()
    return len(sessions)


def erase(*, user: User) -> dict[str, int]:
    """Sign the person out everywhere and remove every way back in; how many of each were removed."""
    return {
        "sessions": _sessions_end(user),
        "factors": Authenticator.objects.filter(user=user).delete()[0],
        "sign_in_devices": SignInDevice.objects.filter(user=user).delete()[0],
        "email_addresses": EmailAddress.objects.filter(user=user).delete()[0],
    }


def account_close(*, user: User, email: str) -> None:
    """Close the account for good: `email` (an undeliverable placeholder) as its login, no name, no usable
    password, inactive."""
    user.email = email
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["email", "first_name", "last_name", "is_active", "password"])
