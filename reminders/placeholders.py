"""The named placeholders a reminder rule's subject and body may use, checking them, and filling them in.

A placeholder is a plain name in braces, `{amount}`; a literal brace is written twice, `{{`. Nothing else
is accepted: not an unknown name, not an attribute or an index (`{a.b}`, `{a[0]}`: Python's str.format
would follow them into the objects it is given), not a conversion or a format spec (`{amount!r}`,
`{amount:>9}`), not a positional `{}` or `{0}`. The text is filled in by `fill`, which substitutes the
names itself and never calls str.format on staff's text.
"""

import string
from collections.abc import Mapping

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# name -> what it becomes (shown beside the rule's text in the admin).
PLACEHOLDERS: dict[str, Promise] = {
    "name": gettext_lazy("the borrower's name"),
    "reference": gettext_lazy("the loan's reference"),
    "amount": gettext_lazy("the amount to pay (¥1,085.37)"),
    "due_date": gettext_lazy("the instalment's due date (for an overdue loan, the oldest one unpaid)"),
    "days_overdue": gettext_lazy("days past due"),
    "pay_by": gettext_lazy("the last day to pay it before anything more is added"),
    "charges_from": gettext_lazy("the day late charges start (the day after pay_by)"),
    "extra_fee": gettext_lazy("the late fee added that day (¥20.00)"),
    "daily_penalty": gettext_lazy("the penalty interest a day adds from then (¥0.53)"),
    "cost_of_waiting": gettext_lazy("a sentence: from when, how much more and how much a day"),
    "next_milestone": gettext_lazy("a sentence: the next step if it stays unpaid, and its date"),
    "link": gettext_lazy("the page to pay or to promise a date"),
}

_FORMATTER = string.Formatter()


def _parse(text: str) -> list[tuple[str, str | None, str | None, str | None]]:
    return list(_FORMATTER.parse(text))


def placeholder_errors(text: str) -> list[str]:
    """What is wrong with the placeholders in `text` (empty when nothing is), each message naming the
    placeholder."""
    try:
        parts = _parse(text)
    except ValueError:
        return [
            _("A brace is not closed or not opened: write a placeholder as {amount}, a brace as {{ or }}.")
        ]
    problems: list[str] = []
    for _literal, name, spec, conversion in parts:
        if name is None:
            continue
        shown = "{" + name + ("!" + conversion if conversion else "") + (":" + spec if spec else "") + "}"
        if name == "" or name.isdigit():
            problem = _("%(placeholder)s has no name: use one of the names listed.")
        elif not name.isidentifier():
            problem = _(
                "%(placeholder)s is not allowed: a placeholder is a plain name, with no dot, brackets or "
                "spaces."
            )
        elif name not in PLACEHOLDERS:
            problem = _("%(placeholder)s is not a placeholder we know: use one of the names listed.")
        elif conversion or spec:
            problem = _("%(placeholder)s is not allowed: write the plain name, with nothing after it.")
        else:
            continue
        message = problem % {"placeholder": shown}
        if message not in problems:
            problems.append(message)
    return problems


def missing_placeholders(body: str) -> list[str]:
    """What a reminder's body must say and does not: the amount, the cost of waiting ({cost_of_waiting},
    or {extra_fee} with {daily_penalty}) and the next milestone. A body that does not parse says nothing
    here (placeholder_errors names its fault)."""
    try:
        names = {name for _literal, name, _spec, _conversion in _parse(body) if name}
    except ValueError:
        return []
    problems = []
    if "amount" not in names:
        problems.append(_("Every reminder says the amount: add {amount}."))
    if "cost_of_waiting" not in names and not {"extra_fee", "daily_penalty"} <= names:
        problems.append(
            _(
                "Every reminder says the cost of waiting: add {cost_of_waiting}, or {extra_fee} and "
                "{daily_penalty}."
            )
        )
    if "next_milestone" not in names:
        problems.append(_("Every reminder says the next milestone: add {next_milestone}."))
    return problems


def fill(text: str, values: Mapping[str, str]) -> str:
    """`text` with each placeholder replaced by its value (a checked text; a name with no value becomes
    empty, never an error)."""
    out: list[str] = []
    for literal, name, _spec, _conversion in _parse(text):
        out.append(literal)
        if name is not None:
            out.append(values.get(name, ""))
    return "".join(out)
