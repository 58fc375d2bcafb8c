"""Reads for Support's calls: the open contact flags, each borrower's last call, the attempts of a local
day, and the call screen of one entry (what the borrower owes, the cost of waiting, the guardrails as
they stand, the calls so far). Frozen dataclasses; a fixed number of queries each."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from borrowers import selectors as loan_selectors
from borrowers.selectors.reminders import (
    BorrowerContact,
    ReminderFigures,
    borrower_active_loan_ids,
    reminder_figures,
    reminder_loans,
)
from core.i18n import in_language
from hardship.selectors import loans_under_review
from notifications.contact_rules import CALL_ATTEMPTS_PER_DAY, local_day, local_time
from reminders.guardrails import CallFacts, call_refusals
from reminders.models import CallAttempt, CallListEntry, ContactFlag
from reminders.priority import LastCall

HISTORY_LENGTH = 30


def open_flags(*, borrower_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    """The kinds of each borrower's open contact flags (borrowers without one left out). One query."""
    found: dict[int, list[str]] = {}
    rows = ContactFlag.objects.filter(borrower_id__in=set(borrower_ids), cleared_at__isnull=True)
    for borrower_id, kind in rows.order_by("kind").values_list("borrower_id", "kind"):
        found.setdefault(borrower_id, []).append(kind)
    return {borrower_id: tuple(kinds) for borrower_id, kinds in found.items()}


def last_calls(*, borrower_ids: Iterable[int], since: date) -> dict[int, LastCall]:
    """Each borrower's most recent call with an outcome on or after `since` (their local day). One
    query."""
    rows = (
        CallAttempt.objects.filter(borrower_id__in=set(borrower_ids), local_day__gte=since)
        .exclude(outcome="")
        .order_by("borrower_id", "-started_at", "-id")
        .values_list("borrower_id", "outcome", "local_day")
    )
    found: dict[int, LastCall] = {}
    for borrower_id, outcome, day in rows:
        found.setdefault(borrower_id, LastCall(outcome=outcome, local_day=day))
    return found


def attempts_on_day(*, borrower_id: int, day: date) -> int:
    """Calls started to this borrower on their local `day`. One query."""
    return CallAttempt.objects.filter(borrower_id=borrower_id, local_day=day).count()


@dataclass(frozen=True)
class AttemptView:
    started_at: datetime
    local_started: str  # the borrower's time when it began, "2026-11-29 14:05"
    ended_at: datetime | None
    staff_email: str
    outcome: str
    outcome_label: str
    note: str


@dataclass(frozen=True)
class FlagView:
    id: int
    kind: str
    kind_label: str
    set_at: datetime
    note: str


@dataclass(frozen=True)
class CallScreen:
    entry_id: int
    business_date: date
    priority: int
    priority_parts: dict[str, int]
    contact: BorrowerContact
    reference: str
    product_name: str
    figures: ReminderFigures
    local_now: datetime  # the borrower's own clock now
    attempts_today: int
    attempts_limit: int
    refusals: tuple[str, ...]  # why a call may not start now (empty: it may)
    open_attempt_id: int | None  # this member of staff's call under way on this entry
    history: tuple[AttemptView, ...]
    flags: tuple[FlagView, ...]

    @property
    def can_call(self) -> bool:
        return not self.refusals


def _attempt_view(attempt: CallAttempt) -> AttemptView:
    return AttemptView(
        started_at=attempt.started_at,
        local_started=local_time(attempt.started_at, attempt.time_zone).strftime("%Y-%m-%d %H:%M"),
        ended_at=attempt.ended_at,
        staff_email=attempt.staff.email,
        outcome=attempt.outcome,
        outcome_label=str(attempt.get_outcome_display()) if attempt.outcome else "",
        note=attempt.note,
    )


def call_facts(*, borrower_id: int, time_zone: str, now: datetime) -> CallFacts:
    """The guardrails' inputs for one borrower now. Five queries."""
    loan_ids = borrower_active_loan_ids(borrower_ids=[borrower_id]).get(borrower_id, ())
    return CallFacts(
        now=now,
        time_zone=time_zone,
        attempts_today=attempts_on_day(borrower_id=borrower_id, day=local_day(now, time_zone)),
        promise_open=bool(loan_selectors.promise_open_loan_ids(loan_ids=loan_ids)) if loan_ids else False,
        hardship_review_open=bool(loans_under_review(loan_ids=loan_ids)),
        flags=open_flags(borrower_ids=[borrower_id]).get(borrower_id, ()),
    )


def call_screen(*, entry_id: int, staff_id: int, now: datetime, today: date) -> CallScreen | None:
    """The call screen of one call list entry, or None when there is no such entry. Thirteen queries."""
    entry = CallListEntry.objects.filter(pk=entry_id).first()
    if entry is None:
        return None
    loans = reminder_loans(loan_ids=[entry.loan_id])
    contact = loans[0].contact
    facts = call_facts(borrower_id=entry.borrower_id, time_zone=contact.time_zone, now=now)
    attempts = list(
        CallAttempt.objects.filter(borrower_id=entry.borrower_id)
        .select_related("staff")
        .order_by("-started_at", "-id")[:HISTORY_LENGTH]
    )
    open_attempt = (
        CallAttempt.objects.filter(entry_id=entry.pk, staff_id=staff_id, ended_at__isnull=True)
        .order_by("-started_at")
        .values_list("pk", flat=True)
        .first()
    )
    flags = ContactFlag.objects.filter(borrower_id=entry.borrower_id, cleared_at__isnull=True)
    return CallScreen(
        entry_id=entry.pk,
        business_date=entry.business_date,
        priority=entry.priority,
        priority_parts=dict(entry.priority_parts),
        contact=contact,
        reference=loans[0].reference,
        product_name=in_language(loans[0].product_name_zh_hans, loans[0].product_name_en),
        figures=reminder_figures(loans[0], today),
        local_now=local_time(now, contact.time_zone),
        attempts_today=facts.attempts_today,
        attempts_limit=CALL_ATTEMPTS_PER_DAY,
        refusals=tuple(call_refusals(facts)),
        open_attempt_id=open_attempt,
        history=tuple(_attempt_view(a) for a in attempts),
        flags=tuple(
            FlagView(id=f.pk, kind=f.kind, kind_label=str(f.get_kind_display()), set_at=f.set_at, note=f.note)
            for f in flags.order_by("set_at")
        ),
    )
