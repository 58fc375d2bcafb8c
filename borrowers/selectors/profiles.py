"""The borrower's own record, as another app's page needs a field of it (never the model)."""

from typing import TYPE_CHECKING

from borrowers.models import BorrowerProfile

if TYPE_CHECKING:
    from accounts.models import User


def borrower_time_zone(*, user: "User") -> str | None:
    """The time zone the borrower's reminders follow (the message settings page); None for an account
    with no borrower record. One query."""
    found: str | None = BorrowerProfile.objects.filter(user=user).values_list("time_zone", flat=True).first()
    return found
