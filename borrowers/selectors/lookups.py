"""Small reads of a borrower's own data that other apps need, so they never import borrowers.models.

Each is one query. The one that hands out a QuerySet, not plain data, does so on purpose: a form's
ModelChoiceField needs it to offer and then check the borrower's own loans (a support message keeps a
foreign key to the loan it is about).
"""

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from borrowers.models import BorrowerProfile, Loan

if TYPE_CHECKING:
    from accounts.models import User


def borrower_loans_to_choose(*, user: "User") -> QuerySet[Loan]:
    """The account's own loans by reference, for a form field that lets the borrower name one of them
    (portal's message form); another borrower's reference is then refused like an unknown one."""
    return Loan.objects.filter(borrower__user=user).order_by("reference")


def borrower_preferred_language(*, user_id: int) -> str | None:
    """The language the lender holds for this account's borrower; None without a borrower profile."""
    return (
        BorrowerProfile.objects.filter(user_id=user_id).values_list("preferred_language", flat=True).first()
    )


def borrower_phone_masked(*, user: "User") -> str | None:
    """The borrower's mobile number as staff and mails show it (138****8001); None without a profile."""
    profile = BorrowerProfile.objects.filter(user=user).only("phone").first()
    return profile.phone_masked if profile is not None else None
