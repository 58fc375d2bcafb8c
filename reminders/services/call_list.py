"""Support's call list for a business date (电话提醒), built after close of business.

One entry per borrower with an overdue loan, for the loan to discuss (their most overdue, then the
largest), scored by `reminders.priority` (its docstring states the formula; the list's screen shows
it). Set-based, in chunks of borrowers (all of a borrower's loans in one chunk): one query finds the
overdue loans of the whole book, then each chunk costs the same fixed number of queries — the loans (3),
the borrowers' active loans (1), open promises (1), hardship reviews (1), contact flags (1), broken
promises (1), last calls (1), the entries already there (1) and one bulk insert.

What a call's outcome did feeds the next day's list: a promise or a flag keeps the borrower off it, an
unanswered call raises them, a call that reached them lowers them, a referral to a hardship
application leaves them off for a week.

Idempotent: an entry is unique per date and borrower; building again adds only borrowers not yet on it.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import groupby

from borrowers import selectors as loan_selectors
from borrowers.selectors.reminders import (
    ReminderFigures,
    borrower_active_loan_ids,
    call_candidate_loans,
    reminder_figures,
    reminder_loans,
)
from hardship.selectors import loans_under_review
from reminders import priority as rank
from reminders.models import CallListEntry
from reminders.selectors import last_calls, open_flags

CHUNK_LOANS = 2000
SKIP_REASONS = ("promise", "hardship", "contact_flag", "referred")
LAST_CALL_WINDOW_DAYS = max(rank.NO_ANSWER_WINDOW_DAYS, rank.REACHED_WINDOW_DAYS, rank.REFERRED_WINDOW_DAYS)


@dataclass(frozen=True)
class CallListSummary:
    business_date: date
    borrowers: int  # borrowers with an overdue loan
    added: int  # entries written now
    already: int  # entries there from an earlier build of the same date
    chunks: int
    skipped: dict[str, int] = field(default_factory=dict)


def _borrower_chunks(pairs: list[tuple[int, int]], size: int) -> Iterator[dict[int, list[int]]]:
    """The overdue loans grouped by borrower, in chunks of about `size` loans (never splitting one)."""
    chunk: dict[int, list[int]] = {}
    count = 0
    for borrower_id, rows in groupby(pairs, key=lambda pair: pair[1]):
        loan_ids = [loan_id for loan_id, _borrower in rows]
        if chunk and count + len(loan_ids) > size:
            yield chunk
            chunk, count = {}, 0
        chunk[borrower_id] = loan_ids
        count += len(loan_ids)
    if chunk:
        yield chunk


def _loan_to_discuss(figures: list[ReminderFigures]) -> ReminderFigures | None:
    overdue = [f for f in figures if f.days_past_due > 0]
    return max(overdue, key=lambda f: (f.days_past_due, f.amount_due_today, -f.loan_id), default=None)


def _skip_reason(
    *, theirs: set[int], promised: frozenset[int], reviewed: frozenset[int], flagged: bool, referred: bool
) -> str | None:
    """Why a borrower is left off the list (None: they are on it). Pauses look at all their loans."""
    if theirs & promised:
        return "promise"
    if theirs & reviewed:
        return "hardship"
    if flagged:
        return "contact_flag"
    if referred:
        return "referred"
    return None


def call_list_build(*, business_date: date, chunk_size: int = CHUNK_LOANS) -> CallListSummary:
    """Build (or complete) the call list of `business_date` (see the module's docstring)."""
    pairs = call_candidate_loans(business_date=business_date)
    skipped = dict.fromkeys(SKIP_REASONS, 0)
    borrowers = added = already = chunks = 0
    for chunk in _borrower_chunks(pairs, max(1, chunk_size)):
        chunks += 1
        borrower_ids = list(chunk)
        loans = {
            loan.id: loan for loan in reminder_loans(loan_ids=[i for ids in chunk.values() for i in ids])
        }
        active = borrower_active_loan_ids(borrower_ids=borrower_ids)
        every_loan = [loan_id for ids in active.values() for loan_id in ids]
        promised = loan_selectors.promise_open_loan_ids(loan_ids=every_loan)
        reviewed = loans_under_review(loan_ids=every_loan)
        flagged = open_flags(borrower_ids=borrower_ids)
        user_ids = {loan.contact.user_id for loan in loans.values() if loan.contact.user_id is not None}
        broken = loan_selectors.promise_broken_counts(
            user_ids=user_ids, since=business_date - timedelta(days=rank.BROKEN_PROMISE_WINDOW_DAYS)
        )
        last = last_calls(
            borrower_ids=borrower_ids, since=business_date - timedelta(days=LAST_CALL_WINDOW_DAYS)
        )
        existing = set(
            CallListEntry.objects.filter(
                business_date=business_date, borrower_id__in=borrower_ids
            ).values_list("borrower_id", flat=True)
        )
        entries = []
        for borrower_id, loan_ids in chunk.items():
            figures = _loan_to_discuss(
                [reminder_figures(loans[i], business_date) for i in loan_ids if i in loans]
            )
            if figures is None:
                continue
            borrowers += 1
            reason = _skip_reason(
                theirs=set(active.get(borrower_id, ())),
                promised=promised,
                reviewed=reviewed,
                flagged=bool(flagged.get(borrower_id)),
                referred=rank.referred_recently(last.get(borrower_id), business_date),
            )
            if reason is not None:
                skipped[reason] += 1
                continue
            if borrower_id in existing:
                already += 1
                continue
            user_id = loans[figures.loan_id].contact.user_id
            broken_count = broken.get(user_id, 0) if user_id is not None else 0
            milestone_days = figures.next_milestone.days_away if figures.next_milestone else None
            score = rank.call_priority(
                bucket=figures.bucket,
                amount_due=figures.amount_due_today,
                milestone_days_away=milestone_days,
                broken_promises=broken_count,
                last_call=last.get(borrower_id),
                today=business_date,
            )
            entries.append(
                CallListEntry(
                    business_date=business_date,
                    borrower_id=borrower_id,
                    loan_id=figures.loan_id,
                    priority=score.score,
                    priority_parts=score.parts,
                    days_past_due=figures.days_past_due,
                    bucket=figures.bucket,
                    amount_due=figures.amount_due_today,
                    next_milestone_on=figures.next_milestone.on if figures.next_milestone else None,
                    broken_promises=broken_count,
                )
            )
        if entries:
            CallListEntry.objects.bulk_create(entries, ignore_conflicts=True)
        added += len(entries)
    return CallListSummary(
        business_date=business_date,
        borrowers=borrowers,
        added=added,
        already=already,
        chunks=chunks,
        skipped=skipped,
    )
