"""The day's reminders: which loans a rule meets on a business date, and the messages written for them.

Set-based, in chunks of loan ids: one query finds the candidate loans for the whole book (an unpaid
instalment due on a day some rule names), then each chunk costs the same fixed number of queries,
whatever its size — the loans with their instalments and milestones (3), their open promises (1), the
loans under a hardship review (1), the borrowers' open contact flags (1), and the messages written in
one bulk insert (`notifications.services.messages_schedule`). Everything between is pure: loanmath
works out each loan's figures (`borrowers.selectors.reminder_figures`), the rule is matched, the texts
filled in.

Skipped: a loan with an open promise to pay or under a hardship review (their reminders pause; the
services that open them cancel what is already waiting), a borrower with no linked account (there is no
one to write to), a borrower flagged wrong number or dispute. Quiet hours, the daily cap and the
channels a borrower turned off are applied when the messages are released, not here.

Idempotent: each message's key is ``reminder:<rule>:<loan>:<date>:<channel>``, unique in the database,
so running the selection again for the same date writes nothing new.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from borrowers import selectors as loan_selectors
from borrowers.selectors.reminders import (
    ReminderFigures,
    ReminderLoan,
    reminder_candidate_ids,
    reminder_figures,
    reminder_loans,
)
from hardship.selectors import loans_under_review
from notifications.contact_rules import at_local
from notifications.services import MessageDraft, messages_schedule
from reminders.selectors import RuleView, open_flags, rule_for_figures, rules_active
from reminders.text import absolute, loan_path, placeholder_values, rendered

CHUNK_SIZE = 2000
SKIP_REASONS = ("promise", "hardship", "no_account", "contact_flag")


@dataclass(frozen=True)
class SelectSummary:
    business_date: date
    candidates: int  # loans with an instalment due on a day a rule names
    matched: int  # loans a rule met
    drafts: int  # messages asked for (one per channel)
    written: int  # of those, new (a second run writes none)
    chunks: int
    skipped: dict[str, int] = field(default_factory=dict)  # loans a rule met, left out, by reason


def _chunks(ids: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def reminder_drafts(
    *, rule: RuleView, loan: ReminderLoan, figures: ReminderFigures, business_date: date
) -> list[MessageDraft]:
    """The messages one rule writes about one loan on `business_date` (`figures` are the loan's on that
    day): one per channel, in the borrower's language, to go at the rule's hour of the borrower's own
    day. None for a borrower with no account. No query."""
    contact = loan.contact
    if contact.user_id is None:
        return []
    path = loan_path(loan.reference, overdue=rule.is_overdue)
    send_after = at_local(business_date, rule.send_hour, contact.time_zone)
    drafts = []
    values = placeholder_values(figures=figures, name=contact.full_name, link="", language=contact.language)
    for channel in rule.channels:
        values["link"] = path if channel == "in_app" else absolute(path)
        subject, body = rendered(rule, language=contact.language, values=values)
        to = {"sms": contact.phone, "email": contact.email}.get(channel, "")
        drafts.append(
            MessageDraft(
                user_id=contact.user_id,
                channel=channel,
                purpose="service",
                template=f"reminder:{rule.code}",
                topic=loan.reference,
                language=contact.language,
                to=to,
                subject=subject,
                body=body,
                link=path,
                time_zone=contact.time_zone,
                send_after=send_after,
                priority=rule.priority,
                idempotency_key=f"reminder:{rule.code}:{loan.reference}:{business_date.isoformat()}:{channel}",
            )
        )
    return drafts


def _skip_reason(
    loan: ReminderLoan,
    promised: frozenset[int],
    reviewed: frozenset[int],
    flagged: dict[int, tuple[str, ...]],
) -> str | None:
    if loan.id in promised:
        return "promise"
    if loan.id in reviewed:
        return "hardship"
    if loan.contact.user_id is None:
        return "no_account"
    if flagged.get(loan.contact.borrower_id):
        return "contact_flag"
    return None


def reminders_select(*, business_date: date, chunk_size: int = CHUNK_SIZE) -> SelectSummary:
    """Write the reminders of `business_date` (see the module's docstring)."""
    rules = rules_active()
    skipped = dict.fromkeys(SKIP_REASONS, 0)
    if not rules:
        return SelectSummary(business_date, 0, 0, 0, 0, 0, skipped)
    ids = reminder_candidate_ids(
        business_date=business_date,
        before_due_days={r.days for r in rules if not r.is_overdue},
        overdue_days={r.days for r in rules if r.is_overdue},
    )
    matched = drafted = written = chunks = 0
    for chunk in _chunks(ids, max(1, chunk_size)):
        chunks += 1
        loans = reminder_loans(loan_ids=chunk)
        promised = loan_selectors.promise_open_loan_ids(loan_ids=chunk)
        reviewed = loans_under_review(loan_ids=chunk)
        flagged = open_flags(borrower_ids={loan.contact.borrower_id for loan in loans})
        drafts: list[MessageDraft] = []
        for loan in loans:
            figures = reminder_figures(loan, business_date)
            rule = rule_for_figures(rules, figures)
            if rule is None:
                continue
            matched += 1
            reason = _skip_reason(loan, promised, reviewed, flagged)
            if reason is not None:
                skipped[reason] += 1
                continue
            drafts.extend(reminder_drafts(rule=rule, loan=loan, figures=figures, business_date=business_date))
        drafted += len(drafts)
        if drafts:
            written += messages_schedule(drafts=drafts)
    return SelectSummary(
        business_date=business_date,
        candidates=len(ids),
        matched=matched,
        drafts=drafted,
        written=written,
        chunks=chunks,
        skipped=skipped,
    )
