"""What the reminders app needs to know of hardship: which loans are under an open review (their
reminders and calls pause while it lasts)."""

from collections.abc import Iterable

from django.db.models import QuerySet

from hardship.models import Application, ApplicationLoan


def loans_under_review(*, loan_ids: Iterable[int]) -> frozenset[int]:
    """Those of `loan_ids` in an application that is under review (submitted, in review, information
    requested, offer made: `Application.UNDER_REVIEW`). One query, whatever the number of loans."""
    ids = set(loan_ids)
    if not ids:
        return frozenset()
    rows = ApplicationLoan.objects.filter(
        loan_id__in=ids, is_open=True, application__status__in=Application.UNDER_REVIEW
    ).values_list("loan_id", flat=True)
    return frozenset(rows)


def borrowers_under_review() -> "QuerySet[ApplicationLoan, int]":
    """The borrower profiles with a loan under an open review, as a lazy subquery (Support's call list
    leaves them out: no call during a hardship review)."""
    return ApplicationLoan.objects.filter(
        is_open=True, application__status__in=Application.UNDER_REVIEW
    ).values_list("loan__borrower_id", flat=True)
