"""What the call screen and the list say in words: the priority formula and its parts, the borrower's
rights, the options to offer, the outcome buttons. The reader is the member of staff, in the admin's
language."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from reminders import text
from reminders.forms_admin import CallOutcomeForm
from reminders.models import CallAttempt
from reminders.selectors import CallScreen

PRIORITY_PARTS = {
    "bucket": _("Bucket: 10 for M1 (1–30 days past due), 20 for M2, 30 for M3, 40 for M3+."),
    "amount": _("Amount: 1 for every full ¥500 due today, at most 20."),
    "milestone": _(
        "Next milestone: 3 × (8 − days) when the credit bureau, collections or legal action is 0 to 7 days "
        "away (24 on the day, 3 a week before)."
    ),
    "broken_promises": _(
        "Broken promises: 10 for each promise to pay broken in the last 90 days, at most 30."
    ),
    "last_call": _(
        "Last call: +5 when the last call in the past 7 days was not answered, −15 when the borrower was "
        "reached in the past 3 days."
    ),
}
PRIORITY_FORMULA = _(
    "Priority = bucket + amount + next milestone + broken promises + last call (never below 0). Not on the "
    "list: an open promise to pay or hardship review on any of the borrower's loans, a wrong-number or "
    "dispute flag, or a referral to a hardship application in the past 7 days."
)

RIGHTS = (
    _("We call only between 08:00 and 22:00 in the borrower's own time, at most 3 times a day."),
    _(
        "We speak only to the borrower, on their own number. Never call, message or tell family, friends, "
        "colleagues or anyone else about the debt."
    ),
    _("No threats, no insults, no false statements about what will happen. Stay calm and respectful."),
    _("The borrower can ask for a new arrangement at any time: a promise to pay, or a hardship application."),
    _("The borrower can complain at any time on the help page, /help/, or by telling you now."),
    _(
        "These rules follow the China Banking Association's guideline on collecting personal consumer "
        "loans, 《金融机构个人消费类贷款催收工作指引（试行）》 (2026)."
    ),
)

OUTCOME_BUTTONS = (
    (CallAttempt.Outcome.REACHED, _("Reached")),
    (CallAttempt.Outcome.NO_ANSWER, _("No answer")),
    (CallAttempt.Outcome.REFERRED_TO_HARDSHIP, _("Referred to a hardship application")),
    (CallAttempt.Outcome.WRONG_NUMBER, _("Wrong number")),
    (CallAttempt.Outcome.DISPUTE, _("Disputes the debt")),
)


def call_screen_context(screen: CallScreen, *, form: CallOutcomeForm, may_call: bool) -> dict[str, Any]:
    figures = screen.figures
    return {
        "screen": screen,
        "figures": figures,
        "contact": screen.contact,
        "cost_of_waiting": text.cost_of_waiting(figures),
        "next_milestone": text.next_milestone(figures),
        "pay_by_words": text.day_words(figures.pay_by, figures.today) if figures.pay_by else "",
        "priority_rows": [
            (PRIORITY_PARTS.get(name, name), points) for name, points in screen.priority_parts.items()
        ],
        "priority_formula": PRIORITY_FORMULA,
        "rights": RIGHTS,
        "outcome_buttons": OUTCOME_BUTTONS,
        "promise_outcome": CallAttempt.Outcome.PROMISE_MADE,
        "form": form,
        "may_call": may_call,
        "promise_path": f"/loans/{screen.reference}/promise/",
        "due_day_path": f"/loans/{screen.reference}/due-day/",
    }
