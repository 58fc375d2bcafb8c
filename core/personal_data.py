"""What every app's `personal_data` module hands to privacy: tables of one person's rows.

Each app that holds data about a person says what it holds in its own `personal_data.py` (export the
rows, erase them), written where the models are; privacy.export and privacy.services_deletion only put
them together (Zulip's way of doing the data rights). The audit trail is core's, so its rows are here.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from core.models import AuditEvent

if TYPE_CHECKING:
    from accounts.models import User

Row = dict[str, Any]


@dataclass(frozen=True)
class Table:
    """One table of the export: a name (its CSV file and its key in data.json), columns, rows."""

    name: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]


def table(name: str, columns: Iterable[str], rows: Iterable[Row]) -> Table:
    columns = tuple(columns)
    return Table(
        name=name, columns=columns, rows=tuple({column: row[column] for column in columns} for row in rows)
    )


def values_table(name: str, queryset: QuerySet[Any], columns: tuple[str, ...]) -> Table:
    """The table of `columns` of every row of `queryset`: one query."""
    return table(name, columns, queryset.values(*columns))


AUDIT_COLUMNS = ("occurred_at", "action", "by", "object_type", "object_id", "reason", "data", "ip_address")


def audit_table(*, user: "User", objects: Mapping[str, Sequence[int]]) -> Table:
    """What the audit trail says about this person: what they did, what was done to their account, and
    to the records `objects` names (object type → ids, e.g. their borrower profile). Events by staff name
    no member of staff and carry no staff IP address. One query."""
    mine = Q(actor=user) | Q(object_type="accounts.user", object_id=str(user.pk))
    for object_type, ids in objects.items():
        if ids:
            mine |= Q(object_type=object_type, object_id__in=[str(pk) for pk in ids])
    rows = []
    for event in AuditEvent.objects.filter(mine).order_by("occurred_at", "id").values():
        by_them = event["actor_id"] == user.pk
        rows.append(
            {
                **event,
                "by": "you" if by_them else ("staff" if event["actor_id"] else "system"),
                "ip_address": event["ip_address"] if by_them else None,
            }
        )
    return table("audit_events", AUDIT_COLUMNS, rows)
