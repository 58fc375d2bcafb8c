""" "Why this amount" on a loan's page: every late fee and penalty interest, with its formula's parts,
those already in the ledger and those waiting until the chosen date would add."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import loanmath
from borrowers.models import LedgerEntry
from borrowers.selectors.loans import LedgerLine
from loanmath import ZERO


@dataclass(frozen=True)
class ChargeLine:
    """One fee or penalty, with its formula's parts, for "why this amount"."""

    kind: str  # late_fee | penalty_interest
    instalment_number: int
    base: Decimal
    rate: Decimal
    flat: Decimal
    start: date
    end: date
    days: int
    days_in_year: int
    amount: Decimal
    trimmed_by_cap: Decimal
    already_charged: bool


def _charged(entries: Sequence[LedgerLine]) -> list[ChargeLine]:
    """Fees and penalty already in the ledger, penalty grouped by instalment and accrual period."""
    lines: list[ChargeLine] = []
    penalty_groups: dict[tuple[int, str, str], list[LedgerLine]] = {}
    for entry in entries:
        if entry.instalment_number is None or not entry.basis:
            continue
        number = entry.instalment_number
        if entry.kind == LedgerEntry.Kind.LATE_FEE:
            lines.append(
                ChargeLine(
                    kind="late_fee",
                    instalment_number=number,
                    base=Decimal(entry.basis["base"]),
                    rate=Decimal(entry.basis["rate"]),
                    flat=Decimal(entry.basis["flat"]),
                    start=entry.business_date,
                    end=entry.business_date,
                    days=0,
                    days_in_year=int(entry.basis["days_in_year"]),
                    amount=entry.fees,
                    trimmed_by_cap=Decimal(entry.basis.get("trimmed_by_cap", "0")),
                    already_charged=True,
                )
            )
        elif entry.kind == LedgerEntry.Kind.PENALTY_INTEREST:
            key = (number, entry.basis["start"], entry.basis["base"])
            penalty_groups.setdefault(key, []).append(entry)
    for (number, start, base), group in penalty_groups.items():
        first = group[0]
        start_date = date.fromisoformat(start)
        end = group[-1].business_date
        lines.append(
            ChargeLine(
                kind="penalty_interest",
                instalment_number=number,
                base=Decimal(base),
                rate=Decimal(first.basis["rate"]),
                flat=ZERO,
                start=start_date + timedelta(days=1),
                end=end,
                days=(end - start_date).days,
                days_in_year=int(first.basis["days_in_year"]),
                amount=sum((e.penalty for e in group), ZERO),
                trimmed_by_cap=sum((Decimal(e.basis.get("trimmed_by_cap", "0")) for e in group), ZERO),
                already_charged=True,
            )
        )
    return lines


def _projected(projection: loanmath.Projection) -> list[ChargeLine]:
    """What the projection adds by its date."""
    lines = []
    for charge in projection.charges:
        if charge.amount == 0 and charge.trimmed_by_cap == 0:
            continue
        is_fee = charge.kind is loanmath.ChargeKind.LATE_FEE
        lines.append(
            ChargeLine(
                kind=charge.kind.value,
                instalment_number=charge.instalment_number,
                base=charge.base,
                rate=charge.rate,
                flat=charge.flat,
                start=charge.start if is_fee else projection.as_of + timedelta(days=1),
                end=charge.end,
                days=charge.days if is_fee else (charge.end - projection.as_of).days,
                days_in_year=charge.days_in_year,
                amount=charge.amount,
                trimmed_by_cap=charge.trimmed_by_cap,
                already_charged=False,
            )
        )
    return lines


def charge_lines(entries: Sequence[LedgerLine], projection: loanmath.Projection) -> tuple[ChargeLine, ...]:
    """Fees and penalty already in the ledger, then those the projection adds by the chosen date, by
    instalment and start date."""
    lines = _charged(entries) + _projected(projection)
    return tuple(sorted(lines, key=lambda c: (c.instalment_number, c.start, c.kind)))
