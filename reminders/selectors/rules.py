"""The reminder rules as the daily selection reads them: frozen copies, one query."""

from dataclasses import dataclass

from borrowers.selectors.reminders import ReminderFigures
from reminders.models import ReminderRule


@dataclass(frozen=True)
class RuleView:
    """One active rule (satisfies reminders.text.RuleText)."""

    code: str
    kind: str
    days: int
    channels: tuple[str, ...]
    send_hour: int
    priority: int
    subject_zh_hans: str
    subject_en: str
    body_zh_hans: str
    body_en: str

    @property
    def is_overdue(self) -> bool:
        return self.kind == ReminderRule.Kind.OVERDUE


def rules_active() -> tuple[RuleView, ...]:
    """The active rules, before-due first, by days. One query."""
    return tuple(
        RuleView(
            code=rule.code,
            kind=rule.kind,
            days=rule.days,
            channels=tuple(c for c in rule.channels if isinstance(c, str)),
            send_hour=rule.send_hour,
            priority=rule.priority,
            subject_zh_hans=rule.subject_zh_hans,
            subject_en=rule.subject_en,
            body_zh_hans=rule.body_zh_hans,
            body_en=rule.body_en,
        )
        for rule in ReminderRule.objects.filter(active=True).order_by("kind", "days")
    )


def rule_for(rules: tuple[RuleView, ...], *, overdue_days: int, due_in_days: int | None) -> RuleView | None:
    """The rule a loan meets: an overdue loan by its days past due, any other by the days until its next
    due date (0: due today)."""
    if overdue_days > 0:
        kind, days = ReminderRule.Kind.OVERDUE, overdue_days
    elif due_in_days is not None:
        kind, days = ReminderRule.Kind.BEFORE_DUE, due_in_days
    else:
        return None
    return next((rule for rule in rules if rule.kind == kind and rule.days == days), None)


def rule_for_figures(rules: tuple[RuleView, ...], figures: ReminderFigures) -> RuleView | None:
    """The rule a loan's figures on their day meet (see rule_for)."""
    due_in = (
        (figures.due_date - figures.today).days
        if figures.due_date is not None and figures.days_past_due == 0
        else None
    )
    return rule_for(rules, overdue_days=figures.days_past_due, due_in_days=due_in)
