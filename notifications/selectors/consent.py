"""Who has agreed to marketing, and the history of their answers."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import OuterRef, Subquery

from notifications.models import ConsentRecord

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class ConsentView:
    purpose: str
    granted: bool
    recorded_at: datetime
    source: str
    source_label: str


def consent_history(
    *, user: "User", purpose: str = ConsentRecord.Purpose.MARKETING
) -> tuple[ConsentView, ...]:
    """Newest first; the first one is the current answer. One query."""
    return tuple(
        ConsentView(
            purpose=record.purpose,
            granted=record.granted,
            recorded_at=record.recorded_at,
            source=record.source,
            source_label=str(record.get_source_display()),
        )
        for record in ConsentRecord.objects.filter(user=user, purpose=purpose).order_by("-recorded_at", "-id")
    )


def consent_granted_user_ids(
    *, user_ids: Iterable[int], purpose: str = ConsentRecord.Purpose.MARKETING
) -> frozenset[int]:
    """Of these people, those whose latest answer for `purpose` is yes. One query."""
    latest = ConsentRecord.objects.filter(user_id=OuterRef("user_id"), purpose=purpose).order_by(
        "-recorded_at", "-id"
    )
    rows = (
        ConsentRecord.objects.filter(user_id__in=list(user_ids), purpose=purpose)
        .filter(pk=Subquery(latest.values("pk")[:1]))
        .filter(granted=True)
        .values_list("user_id", flat=True)
    )
    return frozenset(rows)


def consent_export_rows(*, user: "User") -> list[dict[str, Any]]:
    """Every answer, oldest first, for the data export. One query."""
    return list(
        ConsentRecord.objects.filter(user=user)
        .order_by("recorded_at", "id")
        .values("purpose", "granted", "recorded_at", "source", "ip_address")
    )
