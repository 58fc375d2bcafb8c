"""What stops a call, as one pure function: the call screen shows these reasons and the service that
starts a call refuses with them, so what staff read and what the product enforces are the same rules.

- only 08:00–22:00 in the borrower's own time zone (notifications.contact_rules, the one definition);
- at most CALL_ATTEMPTS_PER_DAY (3) attempts a borrower's local day, whoever makes them;
- not while a promise to pay is open or a hardship application is under review on any of their loans;
- not while a wrong-number or dispute flag is open on the borrower.

Only the borrower's own number is ever called: the service takes no number, the screen shows the
profile's phone and nothing else.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from notifications.contact_rules import CALL_ATTEMPTS_PER_DAY, in_quiet_hours, local_time


@dataclass(frozen=True)
class CallFacts:
    """What the guardrails look at, for one borrower at one moment."""

    now: datetime
    time_zone: str
    attempts_today: int  # attempts already started on the borrower's local day
    promise_open: bool
    hardship_review_open: bool
    flags: tuple[str, ...]  # open ContactFlag kinds


def call_refusals(facts: CallFacts) -> list[str]:
    """Every reason a call may not be started now (empty: it may)."""
    reasons: list[str] = []
    local = local_time(facts.now, facts.time_zone)
    if in_quiet_hours(facts.now, facts.time_zone):
        reasons.append(
            _(
                "It is %(time)s for the borrower (%(zone)s): calls are allowed only between 08:00 and 22:00 "
                "their time."
            )
            % {"time": local.strftime("%H:%M"), "zone": facts.time_zone}
        )
    if facts.attempts_today >= CALL_ATTEMPTS_PER_DAY:
        reasons.append(
            _("The borrower has been called %(count)s times today (their time): at most %(limit)s a day.")
            % {"count": facts.attempts_today, "limit": CALL_ATTEMPTS_PER_DAY}
        )
    if facts.promise_open:
        reasons.append(_("The borrower has an open promise to pay: no calls until its date has passed."))
    if facts.hardship_review_open:
        reasons.append(_("A hardship application of the borrower is under review: no calls while it lasts."))
    if "wrong_number" in facts.flags:
        reasons.append(_("The number is flagged as not the borrower's: no calls until staff clear the flag."))
    if "dispute" in facts.flags:
        reasons.append(_("The borrower disputes the debt: no calls until staff clear the flag."))
    return reasons
