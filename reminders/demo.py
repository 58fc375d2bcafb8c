"""Demo reminders and calls for `manage.py seed_demo` (after the borrowers and hardship seeds). Never run
against a production database. Idempotent: messages are keyed, the call list is unique per day and
borrower, and a message read stays read.

- demo@ has the in-app reminders the rules sent in the past two weeks about their loans: AX-DEMO-1002
  when it was 30 days overdue, and AX-DEMO-1001's three reminders before the due date it then paid on
  time. Their words and figures are the rules' own on those days: the loans as booked, projected by
  loanmath to each day (nothing had been paid on either yet). Each is written through
  `notifications.services.messages_schedule`, released and delivered at its own hour of that day through
  the notifications services (so the contact rules apply as they would have), and the older two are
  opened (read), the newer two left unread.
- The day's reminders (`reminders_select`) and Support's call list (`call_list_build`) for the business
  date, as close of business would have written them.
"""

from dataclasses import replace
from datetime import date, timedelta

from accounts.models import User
from borrowers.selectors.reminders import reminder_figures, reminder_loan_as_booked
from notifications.contact_rules import at_local
from notifications.selectors.centre import inbox_page
from notifications.services import message_deliver, messages_release, messages_schedule
from notifications.services_centre import message_open
from reminders.selectors import rule_for_figures, rules_active
from reminders.services import call_list_build, reminder_drafts, reminders_select
from reminders.text import loan_path

DEMO_BORROWER = "demo@anxin.example"
# (loan, the rule kinds whose reminders it received: AX-DEMO-1001 was paid on its due date, so only
# those before it), looked for over the days before the business date.
HISTORY = (("AX-DEMO-1002", {"overdue", "before_due"}), ("AX-DEMO-1001", {"before_due"}))
HISTORY_DAYS = 16
READ = 2  # the oldest ones, opened; the rest left unread


def _history(today: date) -> list[tuple[date, str, int]]:
    """Write demo@'s past reminders: (day, idempotency key, the hour sent) of each."""
    rules = rules_active()
    written: list[tuple[date, str, int]] = []
    for reference, kinds in HISTORY:
        loan = reminder_loan_as_booked(reference=reference)
        if loan is None or loan.contact.user_id is None:
            continue
        for back in range(HISTORY_DAYS, 0, -1):
            day = today - timedelta(days=back)
            figures = reminder_figures(loan, day)
            rule = rule_for_figures(rules, figures)
            if rule is None or rule.kind not in kinds:
                continue
            in_app = replace(rule, channels=("in_app",))
            drafts = reminder_drafts(rule=in_app, loan=loan, figures=figures, business_date=day)
            messages_schedule(drafts=drafts)
            written.extend((day, draft.idempotency_key, rule.send_hour) for draft in drafts)
    return sorted(written)


def _deliver(day: date, hour: int, time_zone: str) -> None:
    """Release what was due by `hour` on `day` (the borrower's time) and deliver it, at that moment: the
    contact rules and the in-app channel as they were then. The release also hands the messages to the
    workers; delivering here as well makes them readable before the seed goes on (delivery is
    idempotent: whichever comes second finds the message sent)."""
    moment = at_local(day, hour, time_zone)
    for message_id in messages_release(now=moment).queued_ids:
        message_deliver(message_id=message_id, now=moment)


def seed(*, today: date) -> None:
    user = User.objects.filter(email__iexact=DEMO_BORROWER).first()
    if user is not None:
        history = _history(today)
        profile = getattr(user, "borrower_profile", None)
        time_zone = profile.time_zone if profile is not None else "Asia/Shanghai"
        for day, _key, hour in history:
            _deliver(day, hour, time_zone)
        ours = {
            loan_path(reference, overdue=overdue)
            for reference, _kinds in HISTORY
            for overdue in (True, False)
        }
        shown = [m for m in inbox_page(user_id=user.pk).messages if m.link in ours and m.sent_at is not None]
        for message in sorted(shown, key=lambda m: (m.sent_at, m.id))[:READ]:
            message_open(user=user, message_id=message.id)
    reminders_select(business_date=today)
    call_list_build(business_date=today)
