"""The editorial record of a lesson, read from the audit trail."""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import AuditEvent
from education.models import Lesson
from education.rules import QUIZ_CHANGED, TRANSITIONS

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

HISTORY_LABELS: dict[str, "StrOrPromise"] = {
    "lesson.created": pgettext_lazy("editorial history", "Created"),
    "lesson.saved": pgettext_lazy("editorial history", "Saved"),
    "lesson.restored": _("Restored an earlier version"),
    "curriculum.lesson_revised": _("Updated from the starter curriculum"),
    QUIZ_CHANGED: _("Changed the quiz"),
    **{f"lesson.{action}": transition.label for action, transition in TRANSITIONS.items()},
}


@dataclass(frozen=True)
class WorkflowEvent:
    occurred_at: datetime
    actor: str
    action: "StrOrPromise"
    version: int | None
    comment: str


def lesson_history(*, lesson: Lesson, limit: int = 50) -> tuple[WorkflowEvent, ...]:
    """What happened to this lesson, newest first, with each comment (the editor's note on submitting,
    the reviewer's on sending back): one query, from the audit trail."""
    rows = (
        AuditEvent.objects.filter(
            object_type=Lesson._meta.label_lower, object_id=str(lesson.pk), action__in=list(HISTORY_LABELS)
        )
        .select_related("actor")
        .order_by("-occurred_at", "-id")[:limit]
    )
    return tuple(
        WorkflowEvent(
            occurred_at=row.occurred_at,
            actor=str(row.actor) if row.actor else "—",
            action=HISTORY_LABELS[row.action],
            version=row.data.get("version") if isinstance(row.data, dict) else None,
            comment=row.reason,
        )
        for row in rows
    )
