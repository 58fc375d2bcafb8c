"""A reminder's words in the borrower's own language: the placeholders' values for one loan on one day,
and the rule's subject and body filled in with them.

Every figure comes from `borrowers.selectors.reminder_figures` (loanmath over the loan's ledger); this
module only writes it down: money as ¥1,085.37, a day as "Friday 4 December" / "12月4日（星期五）", and the
two sentences every reminder carries, the cost of waiting and the next milestone.
"""

from datetime import date
from functools import lru_cache
from typing import Protocol

from django.conf import settings
from django.utils import dateformat, translation
from django.utils.translation import gettext as _

from borrowers.selectors.reminders import ReminderFigures
from core.templatetags.money import money
from reminders.placeholders import fill

ENGLISH = "en"
CHINESE = "zh-hans"


class RuleText(Protocol):
    """A rule's words in both languages (a ReminderRule, or its frozen copy)."""

    @property
    def subject_zh_hans(self) -> str: ...
    @property
    def subject_en(self) -> str: ...
    @property
    def body_zh_hans(self) -> str: ...
    @property
    def body_en(self) -> str: ...


def language_of(code: str) -> str:
    """One of the two catalogues: "en" for English, Chinese otherwise."""
    return ENGLISH if (code or "").startswith("en") else CHINESE


# A day with its weekday, per language (as config/formats holds the other date formats): this year's,
# then another year's. The weekday and month names are Django's own translations.
DAY_FORMATS = {ENGLISH: ("l j F", "l j F Y"), CHINESE: ("n月j日（l）", "Y年n月j日（l）")}


def day_words(day: date, today: date) -> str:
    """A day with its weekday in the active language ("Friday 4 December", "12月4日（星期五）"); the year
    only when it is not this year's."""
    return _day_words(day, day.year == today.year, language_of(translation.get_language() or CHINESE))


@lru_cache(maxsize=4096)
def _day_words(day: date, this_year: bool, language: str) -> str:
    # Cached: a day's selection writes the same few dates for thousands of loans.
    formats = DAY_FORMATS[language]
    with translation.override(language):
        return str(dateformat.format(day, formats[0] if this_year else formats[1]))


def loan_path(reference: str, *, overdue: bool) -> str:
    """The page a reminder links to: the loan, or for an overdue one the page to promise a date (which
    records that the promise came from a reminder)."""
    return f"/loans/{reference}/promise/?from=reminder" if overdue else f"/loans/{reference}/"


def absolute(path: str) -> str:
    """The address to print in a text message or a mail (the site's, when one is set)."""
    site = str(getattr(settings, "ACCOUNTS_SITE_URL", "") or "").rstrip("/")
    return f"{site}{path}" if site else path


def cost_of_waiting(figures: ReminderFigures) -> str:
    """From when, how much more and how much a day, in the active language."""
    if figures.charges_from is None:
        paused = figures.charges_paused_through
        if paused is not None and paused >= figures.today:
            return _("No late fee or penalty interest is added until after %(day)s.") % {
                "day": day_words(paused, figures.today)
            }
        return _("Waiting adds no late fee or penalty interest for now.")
    values = {
        "day": day_words(figures.charges_from, figures.today),
        "fee": money(figures.extra_fee),
        "daily": money(figures.daily_penalty),
    }
    if figures.extra_fee > 0 and figures.daily_penalty > 0:
        return _("From %(day)s, %(fee)s more and %(daily)s a day.") % values
    if figures.extra_fee > 0:
        return _("From %(day)s, a late fee of %(fee)s is added.") % values
    if figures.daily_penalty > 0:
        return _("From %(day)s, penalty interest adds %(daily)s a day.") % values
    return _("From %(day)s, late charges are added.") % values


def next_milestone(figures: ReminderFigures) -> str:
    """The next step of the loan's policy if it stays unpaid, with its date ("" when there is none)."""
    step = figures.next_milestone
    if step is None:
        return ""
    values = {"day": day_words(step.on, figures.today)}
    if step.kind == "credit_bureau":
        return (
            _("If it is still unpaid on %(day)s, the overdue record is reported to the credit bureau.")
            % values
        )
    if step.kind == "collections":
        return _("If it is still unpaid on %(day)s, the loan passes to our collections team.") % values
    if step.kind == "legal":
        return _("If it is still unpaid on %(day)s, we may go to court to recover it.") % values
    return ""


def placeholder_values(*, figures: ReminderFigures, name: str, link: str, language: str) -> dict[str, str]:
    """Every placeholder's value for this loan on `figures.today`, written in `language`."""
    with translation.override(language_of(language)):
        today = figures.today
        return {
            "name": name,
            "reference": figures.reference,
            "amount": money(figures.amount),
            "due_date": day_words(figures.due_date, today) if figures.due_date else "",
            "days_overdue": str(figures.days_past_due),
            "pay_by": day_words(figures.pay_by or today, today),
            "charges_from": day_words(figures.charges_from, today) if figures.charges_from else "",
            "extra_fee": money(figures.extra_fee),
            "daily_penalty": money(figures.daily_penalty),
            "cost_of_waiting": cost_of_waiting(figures),
            "next_milestone": next_milestone(figures),
            "link": link,
        }


def rendered(rule: RuleText, *, language: str, values: dict[str, str]) -> tuple[str, str]:
    """The rule's subject and body in `language`, filled in. Runs of spaces a missing sentence leaves
    (an English text with no next milestone) are closed up."""
    if language_of(language) == ENGLISH:
        subject, body = rule.subject_en or rule.subject_zh_hans, rule.body_en or rule.body_zh_hans
    else:
        subject, body = rule.subject_zh_hans, rule.body_zh_hans
    return _tidy(fill(subject, values)), _tidy(fill(body, values))


def _tidy(text: str) -> str:
    return " ".join(part for part in text.replace("\r\n", "\n").split(" ") if part != "").strip()
