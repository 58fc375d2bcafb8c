"""Reads of the privacy page: the borrower's consent, their requests, and what we hold about them."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

from accounts.models import User
from borrowers.selectors.lookups import borrower_phone_masked
from notifications.selectors import consent_history
from privacy.models import PrivacyRequest

RECENT_REQUESTS = 20


@dataclass(frozen=True)
class RequestView:
    pk: int
    kind: str
    kind_label: str
    status: str
    status_label: str
    received_at: datetime
    deadline: datetime
    handled_at: datetime | None
    outcome: str
    is_open: bool
    asked: tuple[tuple[str, str], ...]  # what a correction asked for: (field, value)


@dataclass(frozen=True)
class ConsentView:
    granted: bool
    recorded_at: datetime
    source_label: str


@dataclass(frozen=True)
class PrivacyOverview:
    email: str
    phone_masked: str | None  # None: no linked loan, so no borrower profile
    marketing_granted: bool
    consent_history: tuple[ConsentView, ...]
    requests: tuple[RequestView, ...]
    open_kinds: frozenset[str]
    deadline_days: int
    retention_years: int


def _request_view(row: PrivacyRequest) -> RequestView:
    asked = []
    if row.kind == PrivacyRequest.Kind.CORRECTION:
        asked = [(key, str(row.details[key])) for key in ("phone", "note") if row.details.get(key)]
    return RequestView(
        pk=row.pk,
        kind=row.kind,
        kind_label=str(row.get_kind_display()),
        status=row.status,
        status_label=str(row.get_status_display()),
        received_at=row.received_at,
        deadline=row.deadline,
        handled_at=row.handled_at,
        outcome=row.outcome if row.status == PrivacyRequest.Status.REFUSED else "",
        is_open=row.is_open,
        asked=tuple(asked),
    )


def privacy_overview(*, user: User) -> PrivacyOverview:
    """Three queries: the profile (borrowers'), the consent history, the recent requests."""
    phone = borrower_phone_masked(user=user)
    history = consent_history(user=user)
    requests = [
        _request_view(row)
        for row in PrivacyRequest.objects.filter(user=user).order_by("-received_at", "-id")[:RECENT_REQUESTS]
    ]
    return PrivacyOverview(
        email=user.email,
        phone_masked=phone,
        marketing_granted=bool(history) and history[0].granted,
        consent_history=tuple(
            ConsentView(
                granted=record.granted,
                recorded_at=record.recorded_at,
                source_label=record.source_label,
            )
            for record in history
        ),
        requests=tuple(requests),
        open_kinds=frozenset(request.kind for request in requests if request.is_open),
        deadline_days=settings.PRIVACY_REQUEST_DEADLINE_DAYS,
        retention_years=settings.PRIVACY_RETENTION_YEARS,
    )


def borrower_privacy_request(*, user: User, pk: int) -> RequestView | None:
    """One of the borrower's own requests; None for anyone else's (the view answers 404)."""
    row = PrivacyRequest.objects.filter(user=user, pk=pk).first()
    return _request_view(row) if row is not None else None
