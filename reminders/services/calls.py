"""Support's calls: starting one (the guardrails are enforced here, whatever is clicked), recording its
outcome in one click, and clearing a contact flag.

- `call_start` locks the borrower's call list entries (so two members of staff cannot both make the
  third call of a day), checks `reminders.guardrails.call_refusals` on what it reads under the lock, and
  records the attempt with the borrower's local day. A refusal changes nothing but leaves an audit row
  of its own; a second click on a call under way returns that call rather than counting another.
- `call_outcome_record` ends the call in one transaction: "promise made" makes the promise through
  `borrowers.services.promise_make` (source "phone"; it cancels the loan's waiting reminders; a refusal
  there changes nothing), "wrong number" and "dispute" raise a contact flag and cancel the borrower's
  waiting reminders.
- `contact_flag_clear`: staff clear a flag, with a note.

Every start, refusal, outcome and clearing is audited.
"""

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from borrowers import services as loan_services
from borrowers.selectors.reminders import borrower_contacts
from core import business_date as clock
from core.exceptions import ApplicationError
from core.services import audit_record
from core.text import CONTROL_CHARACTERS_MESSAGE, forbidden_character
from notifications.contact_rules import local_day, local_time
from notifications.services import messages_cancel
from reminders.guardrails import call_refusals
from reminders.models import CallAttempt, CallListEntry, ContactFlag
from reminders.selectors import call_facts

CALL_PERMISSION = "reminders.call_borrower"
NOTE_MAX = 1000
Outcome = CallAttempt.Outcome
FLAG_OF = {Outcome.WRONG_NUMBER: ContactFlag.Kind.WRONG_NUMBER, Outcome.DISPUTE: ContactFlag.Kind.DISPUTE}


def _require_caller(actor: User) -> None:
    if not (actor.is_active and actor.is_staff and actor.has_perm(CALL_PERMISSION)):
        raise ApplicationError(_("Only Support may call borrowers."), code="forbidden")


def _note(note: str) -> str:
    text = (note or "").strip()
    if forbidden_character(text, allow_line_breaks=True) is not None:
        raise ApplicationError(str(CONTROL_CHARACTERS_MESSAGE), code="control")
    if len(text) > NOTE_MAX:
        raise ApplicationError(
            _("Keep the note under %(count)s characters.") % {"count": NOTE_MAX}, code="note_too_long"
        )
    return text


def call_start(*, actor: User, entry_id: int, now: datetime | None = None) -> CallAttempt:
    """Start a call to the entry's borrower, on their own number, if the guardrails allow it now."""
    _require_caller(actor)
    now = now or clock.now()
    refused: list[str] = []
    with transaction.atomic(durable=True):
        entry = CallListEntry.objects.filter(pk=entry_id).first()
        if entry is None:
            raise ApplicationError(_("This call list entry does not exist."), code="missing")
        # Every call to this borrower is counted under these locks, whichever day's list it is on.
        list(
            CallListEntry.objects.select_for_update()
            .filter(borrower_id=entry.borrower_id)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        under_way = CallAttempt.objects.filter(entry=entry, staff=actor, ended_at__isnull=True).first()
        if under_way is not None:
            return under_way
        contact = borrower_contacts(borrower_ids=[entry.borrower_id])[entry.borrower_id]
        facts = call_facts(borrower_id=entry.borrower_id, time_zone=contact.time_zone, now=now)
        refused = call_refusals(facts)
        if not refused:
            attempt = CallAttempt.objects.create(
                entry=entry,
                borrower_id=entry.borrower_id,
                staff=actor,
                started_at=now,
                local_day=local_day(now, contact.time_zone),
                time_zone=contact.time_zone,
            )
            audit_record(
                action="reminders.call.started",
                actor=actor,
                target=attempt,
                data={
                    "entry": entry.pk,
                    "borrower": entry.borrower_id,
                    "loan": entry.loan_id,
                    "borrower_time": local_time(now, contact.time_zone).isoformat(),
                    "attempt_of_the_day": facts.attempts_today + 1,
                },
            )
            return attempt
    # Refused: nothing was written above; the refusal leaves its own audit row.
    with transaction.atomic(durable=True):
        audit_record(
            action="reminders.call.refused",
            actor=actor,
            target=entry,
            data={"borrower": entry.borrower_id, "reasons": refused, "at": now.isoformat()},
        )
    raise ApplicationError(" ".join(refused), code="call_refused")


def call_outcome_record(
    *,
    actor: User,
    attempt_id: int,
    outcome: str,
    note: str = "",
    promise_amount: Decimal | None = None,
    promise_pay_by: date | None = None,
    now: datetime | None = None,
) -> CallAttempt:
    """End a call under way with its outcome (one of CallAttempt.Outcome)."""
    _require_caller(actor)
    now = now or clock.now()
    if outcome not in Outcome.values:
        raise ApplicationError(_("Choose what happened on the call."), code="outcome")
    text = _note(note)
    attempt = CallAttempt.objects.select_related("entry").filter(pk=attempt_id).first()
    if attempt is None or attempt.staff_id != actor.pk:
        raise ApplicationError(_("This is not a call you started."), code="not_yours")
    if attempt.ended_at is not None:
        raise ApplicationError(_("This call's outcome is recorded already."), code="ended")
    with transaction.atomic(durable=True):
        attempt = CallAttempt.objects.select_for_update().select_related("entry").get(pk=attempt_id)
        if attempt.ended_at is not None:
            raise ApplicationError(_("This call's outcome is recorded already."), code="ended")
        if outcome == Outcome.PROMISE_MADE:
            if promise_amount is None or promise_pay_by is None:
                raise ApplicationError(
                    _("A promise to pay needs the amount and the date the borrower gave."), code="promise"
                )
            # In this transaction: a refusal (an amount or a date outside the policy) changes nothing.
            loan_services.promise_make(
                actor=actor,
                loan_id=attempt.entry.loan_id,
                amount=promise_amount,
                pay_by=promise_pay_by,
                source="phone",
                today=clock.business_date_today(),
            )
        attempt.ended_at, attempt.outcome, attempt.note = now, outcome, text
        if outcome == Outcome.PROMISE_MADE:
            attempt.promise_amount, attempt.promise_pay_by = promise_amount, promise_pay_by
        attempt.save()
        audit_record(
            action="reminders.call.outcome",
            actor=actor,
            target=attempt,
            data={
                "outcome": outcome,
                "borrower": attempt.borrower_id,
                "entry": attempt.entry_id,
                "promise_amount": str(promise_amount) if outcome == Outcome.PROMISE_MADE else None,
                "promise_pay_by": promise_pay_by.isoformat()
                if outcome == Outcome.PROMISE_MADE and promise_pay_by
                else None,
            },
        )
        kind = FLAG_OF.get(Outcome(outcome))
        if kind is not None:
            _flag_raise(actor=actor, attempt=attempt, kind=kind, note=text, now=now)
    return attempt


def _flag_raise(*, actor: User, attempt: CallAttempt, kind: str, note: str, now: datetime) -> None:
    flag = ContactFlag.objects.filter(
        borrower_id=attempt.borrower_id, kind=kind, cleared_at__isnull=True
    ).first()
    if flag is None:
        flag = ContactFlag.objects.create(
            borrower_id=attempt.borrower_id, kind=kind, attempt=attempt, set_by=actor, set_at=now, note=note
        )
        audit_record(
            action="reminders.flag.raised",
            actor=actor,
            target=flag,
            data={"kind": kind, "borrower": attempt.borrower_id, "attempt": attempt.pk},
        )
    user_id = borrower_contacts(borrower_ids=[attempt.borrower_id])[attempt.borrower_id].user_id
    if user_id is not None:
        messages_cancel(user_ids=[user_id], reason=kind)


def contact_flag_clear(*, actor: User, flag_id: int, note: str, now: datetime | None = None) -> ContactFlag:
    """Clear an open contact flag (the number was corrected, the dispute resolved): calls and reminders
    may reach the borrower again. The note says why."""
    _require_caller(actor)
    text = _note(note)
    if not text:
        raise ApplicationError(_("Say why the flag can be cleared."), code="note_required")
    with transaction.atomic(durable=True):
        flag = ContactFlag.objects.select_for_update().filter(pk=flag_id).first()
        if flag is None:
            raise ApplicationError(_("This flag does not exist."), code="missing")
        if flag.cleared_at is not None:
            raise ApplicationError(_("This flag is cleared already."), code="cleared")
        flag.cleared_at, flag.cleared_by, flag.clear_note = now or clock.now(), actor, text
        flag.save()
        audit_record(
            action="reminders.flag.cleared",
            actor=actor,
            target=flag,
            data={"kind": flag.kind, "borrower": flag.borrower_id},
            reason=text,
        )
    return flag
