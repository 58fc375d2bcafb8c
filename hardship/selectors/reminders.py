"""What the reminders app needs to know of hardship: which loans are under an open review (their
reminders and calls pause while it lasts)."""

from collections.abc import Iterable

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
