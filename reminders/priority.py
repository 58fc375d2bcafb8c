"""The call list's priority: who Support phones first. A pure function, stated here and on the list's
screen in the same words.

    priority = bucket + amount + milestone + broken promises + last call   (never below 0)

    bucket           10 for M1 (1–30 days past due), 20 for M2, 30 for M3, 40 for M3+ (over 90 days)
    amount           1 for every full ¥500 due today, at most 20
    milestone        3 × (8 − days) when the next step (credit bureau, collections, legal action) is
                     0 to 7 days away, else 0: 24 on the day itself, 3 a week before
    broken promises  10 for each promise to pay broken in the last 90 days, at most 30
    last call        +5 when the last call in the past 7 days was not answered (try again),
                     −15 when the borrower was reached in the past 3 days (give them room)

Not on the list at all: a borrower with an open promise to pay or a hardship application under review
on any of their loans, a wrong-number or dispute flag, or referred to a hardship application in the
past 7 days (time to apply).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

BUCKET_POINTS = {"current": 0, "M1": 10, "M2": 20, "M3": 30, "M3+": 40}
AMOUNT_STEP = Decimal("500")
AMOUNT_MAX_POINTS = 20
MILESTONE_WINDOW_DAYS = 7
MILESTONE_POINTS_A_DAY = 3
BROKEN_PROMISE_POINTS = 10
BROKEN_PROMISE_MAX_POINTS = 30
BROKEN_PROMISE_WINDOW_DAYS = 90
NO_ANSWER_POINTS = 5
NO_ANSWER_WINDOW_DAYS = 7
REACHED_POINTS = -15
REACHED_WINDOW_DAYS = 3
REFERRED_WINDOW_DAYS = 7


@dataclass(frozen=True)
class LastCall:
    """The borrower's most recent call with an outcome."""

    outcome: str
    local_day: date


@dataclass(frozen=True)
class Priority:
    score: int
    parts: dict[str, int]  # bucket, amount, milestone, broken_promises, last_call


def milestone_points(days_away: int | None) -> int:
    if days_away is None or days_away < 0 or days_away > MILESTONE_WINDOW_DAYS:
        return 0
    return MILESTONE_POINTS_A_DAY * (MILESTONE_WINDOW_DAYS + 1 - days_away)


def last_call_points(last: LastCall | None, today: date) -> int:
    if last is None:
        return 0
    age = (today - last.local_day).days
    if last.outcome == "no_answer" and 0 <= age <= NO_ANSWER_WINDOW_DAYS:
        return NO_ANSWER_POINTS
    if last.outcome in {"reached", "promise_made"} and 0 <= age <= REACHED_WINDOW_DAYS:
        return REACHED_POINTS
    return 0


def call_priority(
    *,
    bucket: str,
    amount_due: Decimal,
    milestone_days_away: int | None,
    broken_promises: int,
    last_call: LastCall | None,
    today: date,
) -> Priority:
    """The score and its parts, by the formula in this module's docstring."""
    parts = {
        "bucket": BUCKET_POINTS.get(bucket, 0),
        "amount": min(AMOUNT_MAX_POINTS, int(max(amount_due, Decimal(0)) // AMOUNT_STEP)),
        "milestone": milestone_points(milestone_days_away),
        "broken_promises": min(BROKEN_PROMISE_MAX_POINTS, BROKEN_PROMISE_POINTS * max(broken_promises, 0)),
        "last_call": last_call_points(last_call, today),
    }
    return Priority(score=max(0, sum(parts.values())), parts=parts)


def referred_recently(last: LastCall | None, today: date) -> bool:
    """Referred to a hardship application in the past 7 days: left off the list, to give them time."""
    return (
        last is not None
        and last.outcome == "referred_to_hardship"
        and 0 <= (today - last.local_day).days <= REFERRED_WINDOW_DAYS
    )
