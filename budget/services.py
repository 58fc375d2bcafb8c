"""Writes to a borrower's budget. One entry point: `budget_save`, which replaces the whole budget at once."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import loanmath
from accounts.models import User
from budget.models import BUDGET_SECTION_OF, Budget, BudgetLine
from core.exceptions import ApplicationError
from core.services import audit_record
from core.templatetags.money import CURRENCY_SYMBOL
from loanmath import BORROWER_AMOUNT_MAX, ZERO

NOTE_MAX_LENGTH = 200
# The ceiling as the budget's messages write it: whole yuan, "¥10,000,000".
AMOUNT_MAX_SHOWN = f"{CURRENCY_SYMBOL}{BORROWER_AMOUNT_MAX:,.0f}"


@dataclass(frozen=True)
class BudgetLineInput:
    """One monthly amount as the borrower gave it. The section follows from the category."""

    category: str
    amount: Decimal
    note: str = ""


def _checked(lines: Sequence[BudgetLineInput]) -> list[BudgetLineInput]:
    """The lines worth keeping (an amount or a note), or ApplicationError for the first bad one."""
    seen: set[str] = set()
    kept = []
    for line in lines:
        if line.category not in BUDGET_SECTION_OF or line.category in seen:
            raise ApplicationError(_("This budget has an unknown or repeated line."))
        seen.add(line.category)
        if (
            not isinstance(line.amount, Decimal)
            or not line.amount.is_finite()
            or not ZERO <= line.amount <= BORROWER_AMOUNT_MAX
            or line.amount != loanmath.quantize(line.amount)
        ):
            raise ApplicationError(
                _("Each amount must be from ¥0 to %(max)s, to the fen.") % {"max": AMOUNT_MAX_SHOWN}
            )
        note = line.note.strip()
        if len(note) > NOTE_MAX_LENGTH:
            raise ApplicationError(
                _("A note can be at most %(max)d characters long.") % {"max": NOTE_MAX_LENGTH}
            )
        if line.amount or note:
            kept.append(BudgetLineInput(category=line.category, amount=line.amount, note=note))
    return kept


def budget_save(*, user: User, lines: Sequence[BudgetLineInput]) -> Budget:
    """Make these lines the account's budget: every earlier line goes, in the same transaction.

    Lines with neither an amount nor a note are not kept (a missing line reads as zero). A bad line
    (unknown or repeated category, an amount outside ¥0–BORROWER_AMOUNT_MAX or in fractions of a fen, a note
    over NOTE_MAX_LENGTH characters) refuses the whole save with ApplicationError, and nothing changes.

    Not durable on purpose: a hardship application saves its income & expenditure statement back to the
    budget inside its own transaction (issue 12), so this must be able to run inside a caller's.
    """
    kept = _checked(lines)
    now = timezone.now()
    with transaction.atomic():
        # Locked, so two saves from two tabs replace the lines one after the other, never interleaved.
        budget, created = Budget.objects.select_for_update().get_or_create(
            user=user, defaults={"updated_at": now}
        )
        if not created:
            budget.updated_at = now
            budget.save(update_fields=["updated_at"])
            BudgetLine.objects.filter(budget=budget).delete()
        BudgetLine.objects.bulk_create(
            BudgetLine(
                budget=budget,
                section=BUDGET_SECTION_OF[line.category],
                category=line.category,
                amount=line.amount,
                note=line.note,
            )
            for line in kept
        )
        # How many lines, not the amounts: the audit trail must not become a copy of the borrower's finances.
        audit_record(action="budget.saved", actor=user, target=budget, data={"lines": len(kept)})
    return budget
