"""The rules of a promise to pay, as pure functions: what may be promised on a loan today, and why not.

Read by the loan's promise page (`borrowers.selectors.promises`, to prefill and explain) and by the one
write (`borrowers.services.promises.promise_make`, which decides), so both say the same; no query here.

* Only on an overdue loan (its oldest unpaid instalment is past its due date today).
* The amount: at least the oldest overdue instalment's unpaid amount today (principal, interest, late
  fees and penalty interest, as loanmath projects them to today), at most what repays the whole loan
  today (`loanmath.payoff_amount`; on a product that refunds money beyond what is due, at most what is
  due today, since anything more would be sent back).
* The date: today to today + the policy's `promise_max_days`.
* A borrower with `BROKEN_LIMIT` broken promises closed in the last `BROKEN_WINDOW_DAYS` days cannot
  promise online; staff may still record one on a call.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

import loanmath
from core.templatetags.money import day as day_text
from core.templatetags.money import money

BROKEN_LIMIT = 2
BROKEN_WINDOW_DAYS = 90


@dataclass(frozen=True)
class PromiseBounds:
    """What may be promised on a loan today (``minimum`` is zero when it is not overdue)."""

    today: date
    is_overdue: bool
    minimum: Decimal
    maximum: Decimal
    earliest: date
    latest: date
    amount_due_today: Decimal
    oldest_due_date: date | None


def broken_since(today: date) -> date:
    """The first day of the window in which broken promises count."""
    return today - timedelta(days=BROKEN_WINDOW_DAYS)


def promise_bounds(
    *,
    position: loanmath.LoanPosition,
    policy: loanmath.OverduePolicy,
    today: date,
    max_days: int,
    refunds_overpayment: bool,
    projection: loanmath.Projection | None = None,
) -> PromiseBounds:
    """The bounds of a promise on the loan at ``position`` today (module docstring). Pass ``projection``
    (``position`` projected to today) if you have it."""
    on = max(today, position.as_of)
    if projection is None or projection.on != on or projection.as_of != position.as_of:
        projection = loanmath.project_amount_due(position=position, policy=policy, on=on)
    overdue = sorted(
        (i for i in projection.instalments if i.days_past_due > 0 and i.total > 0),
        key=lambda i: (i.due_date, i.number),
    )
    minimum = overdue[0].total if overdue else loanmath.ZERO
    if refunds_overpayment:
        maximum = projection.amount_due
    else:
        maximum = loanmath.payoff_amount(position=position, policy=policy, on=on, projection=projection)
    return PromiseBounds(
        today=today,
        is_overdue=bool(overdue),
        minimum=minimum,
        maximum=max(maximum, minimum),
        earliest=today,
        latest=today + timedelta(days=max_days),
        amount_due_today=projection.amount_due,
        oldest_due_date=overdue[0].due_date if overdue else None,
    )


def amount_refusal(bounds: PromiseBounds, amount: Decimal) -> str | None:
    """Why ``amount`` cannot be promised, or None."""
    if amount < bounds.minimum:
        return _(
            "Promise at least %(minimum)s: what your oldest overdue instalment comes to today, with its late "
            "fees and penalty interest."
        ) % {"minimum": money(bounds.minimum)}
    if amount > bounds.maximum:
        return _("Promise at most %(maximum)s: that repays everything you owe on this loan today.") % {
            "maximum": money(bounds.maximum)
        }
    return None


def date_refusal(bounds: PromiseBounds, pay_by: date) -> str | None:
    """Why ``pay_by`` cannot be the date, or None."""
    if pay_by < bounds.earliest:
        return _("Choose today or a later date.")
    if pay_by > bounds.latest:
        return _("Choose a date no later than %(day)s: a promise can wait at most %(days)s days.") % {
            "day": day_text(bounds.latest),
            "days": (bounds.latest - bounds.earliest).days,
        }
    return None


def too_many_broken(broken: int) -> bool:
    """Whether a borrower with ``broken`` promises broken in the window may no longer promise online."""
    return broken >= BROKEN_LIMIT


def too_many_broken_message() -> str:
    return _(
        "You have not kept %(count)s promises to pay in the last %(days)s days, so a new one cannot be made "
        "online. Please call us: we will look at what you can pay with you."
    ) % {"count": BROKEN_LIMIT, "days": BROKEN_WINDOW_DAYS}
