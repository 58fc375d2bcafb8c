"""When a borrower may move a loan's monthly due day, as one pure function: the due-day page
(`borrowers.selectors.due_day`) explains it and the one write (`borrowers.services.due_day.
loan_due_day_move`) decides by it, so both say the same. The arithmetic is `loanmath.due_day`.

* Once per loan in any 12 months (counted from the business date of the last move).
* Only on an active loan that is not overdue, whose next due date is more than
  `loanmath.DUE_DAY_NOTICE_DAYS` days away (a payment about to fall due stays where it is).
* Not while late fees and penalty interest are paused (a hardship review, or a freeze: that
  arrangement's dates are staff's to change), nor while a promise to pay is open.
* Not when part of the next instalment has been paid already (paying early bills its interest at once, so
  it can no longer be counted again by the day).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

import loanmath
from core.templatetags.money import day as day_text

MOVE_EVERY_MONTHS = 12


@dataclass(frozen=True)
class DueDayFacts:
    """What the rules look at, read from the loan as it stands."""

    today: date
    is_active: bool
    days_past_due: int
    next_due_date: date | None
    last_move_on: date | None
    charges_paused_through: date | None
    has_open_promise: bool
    next_instalment_part_paid: bool


def next_move_allowed_on(last_move_on: date | None) -> date | None:
    """The first business date a loan moved on ``last_move_on`` may move again."""
    return loanmath.add_months(last_move_on, MOVE_EVERY_MONTHS) if last_move_on is not None else None


def due_day_refusal(facts: DueDayFacts) -> str | None:
    """Why the due day cannot be moved today, in the borrower's words, or None."""
    today = facts.today
    if not facts.is_active:
        return _("This loan is paid off: it has no due dates left to move.")
    if facts.days_past_due > 0:
        return _(
            "This loan is overdue. Pay what is overdue first (or tell us when you will); then you can move "
            "its due day."
        )
    allowed = next_move_allowed_on(facts.last_move_on)
    if allowed is not None and today < allowed:
        return _(
            "You moved this loan's due day on %(moved)s. It can be moved once a year: again from %(from)s."
        ) % {"moved": day_text(facts.last_move_on), "from": day_text(allowed)}
    if facts.next_due_date is None:
        return _("This loan has no payment left to fall due.")
    if facts.next_due_date <= today + timedelta(days=loanmath.DUE_DAY_NOTICE_DAYS):
        return _(
            "Your next payment is due on %(day)s, within %(days)s days: make that payment on its date, and "
            "move the due day after it."
        ) % {"day": day_text(facts.next_due_date), "days": loanmath.DUE_DAY_NOTICE_DAYS}
    if facts.charges_paused_through is not None and facts.charges_paused_through >= today:
        return _("This loan is under a hardship review or arrangement: ask us if its dates need to change.")
    if facts.has_open_promise:
        return _("You have an open promise to pay on this loan: keep it first, then move the due day.")
    if facts.next_instalment_part_paid:
        return _(
            "You have already paid part of your next instalment: move the due day once it has fallen due."
        )
    return None
