"""An independent model of loanmath.restructure, for tests: the rules of that module's docstring written
down again in exact ``Fraction`` arithmetic, from the same open instalments and terms.

Nothing here imports loanmath.restructure. The one shortcut the tests allow: the principal parts of an
equal-instalment (等额本息) annuity, whose level-payment and cent-lowering rules belong to
loanmath.schedule, are taken from ``annuity_principal_parts`` (a callable the test passes in, normally
loanmath.equal_instalment_schedule); everything else (each month's interest on the balance, the dates,
the carried amounts and their spreads, waivers, totals and what is given up) is worked out here.

The rules, as the oracle reads them:

* dates: the first new instalment falls due on the first open instalment due after ``on`` (or one month
  after ``on`` if none); every later one is that date plus n months (loanmath.dates: never chained);
* one month's interest = balance * rate / 12, half up to the fen;
* a spread of A over n parts: floor(A / n) to the fen for the first n - 1, the remainder last;
* what is carried (interest fallen due, fees, penalty) goes onto: all new instalments (extension, lower
  rate, freeze), those after the holiday (holiday), the first N (arrears plan: overdue ones only), none
  (waiver); waiving takes every fee and penalty off.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

FEN = Decimal("0.01")
NIL = Decimal("0.00")


class OracleRefusalError(Exception):
    """Terms the rules cannot work out (the code under test must refuse them too)."""


def half_up(amount: Fraction) -> Decimal:
    cents = amount * 100
    whole = math.floor(cents)
    if cents - whole >= Fraction(1, 2):
        whole += 1
    return Decimal(whole).scaleb(-2)


def floor_fen(amount: Fraction) -> Decimal:
    return Decimal(math.floor(amount * 100)).scaleb(-2)


def month_interest(balance: Decimal, rate: Decimal) -> Decimal:
    return half_up(Fraction(balance) * Fraction(rate) / 12)


def spread_parts(amount: Decimal, parts: int) -> list[Decimal]:
    """``amount`` in ``parts``: equal parts rounded down to the fen, the last taking the remainder."""
    if parts < 1:
        raise OracleRefusalError(f"cannot spread over {parts}")
    share = floor_fen(Fraction(amount) / parts)
    return [share] * (parts - 1) + [amount - share * (parts - 1)]


def plus_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = 31
    while True:
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            last -= 1


@dataclass(frozen=True)
class Item:
    """One open instalment, as the oracle reads it (the same figures as loanmath.OpenInstalment)."""

    number: int
    due_date: date
    principal: Decimal
    interest: Decimal  # fallen due and unpaid, plus (not yet due) the scheduled interest
    unbilled: Decimal
    fees: Decimal
    penalty: Decimal

    @property
    def billed(self) -> Decimal:
        return self.interest - self.unbilled

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest + self.fees + self.penalty


@dataclass
class Row:
    due_date: date
    principal: Decimal = NIL
    contract: Decimal = NIL  # interest not carried (includes a holiday's deferred interest)
    fixed: Decimal = NIL
    carried: Decimal = NIL
    fees: Decimal = NIL
    penalty: Decimal = NIL

    @property
    def interest(self) -> Decimal:
        return self.contract + self.carried

    @property
    def payment(self) -> Decimal:
        return self.principal + self.interest + self.fees + self.penalty


@dataclass
class Expected:
    rows: list[Row]
    annual_rate: Decimal
    waived_fees: Decimal
    waived_penalty: Decimal
    interest_given_up: Decimal
    charges_paused_through: date | None
    owed_before: Decimal
    total_today: Decimal
    total_to_pay: Decimal = field(init=False)
    given_up: Decimal = field(init=False)

    def __post_init__(self) -> None:
        self.total_to_pay = sum((r.payment for r in self.rows), NIL)
        self.given_up = self.waived_fees + self.waived_penalty + self.interest_given_up


AnnuityParts = Callable[[Decimal, Decimal, int], Sequence[Decimal]]


def _interest_on_balances(principal_parts: Sequence[Decimal], total: Decimal, rate: Decimal) -> list[Decimal]:
    """Each month's interest on the balance at its start (the balance falling by each principal part)."""
    out = []
    balance = total
    for part in principal_parts:
        out.append(month_interest(balance, rate))
        balance -= part
    assert balance == 0, "the principal parts must repay the whole principal"
    return out


def equal_principal_parts(total: Decimal, months: int) -> list[Decimal]:
    """等额本金 principal parts: P / n half up, lowered a fen at a time while the first n - 1 would repay it
    all; the last takes the rest. Refused when no fen is left for the first n - 1."""
    if months == 1:
        return [total]
    level = half_up(Fraction(total) / months)
    while level > 0 and level * (months - 1) >= total:
        level -= FEN
    if level <= 0:
        raise OracleRefusalError("the level principal would be zero")
    return [level] * (months - 1) + [total - level * (months - 1)]


def expected_plan(
    *,
    on: date,
    rate: Decimal,
    items: Sequence[Item],
    kind: str,
    months: int = 0,
    new_rate: Decimal | None = None,
    interest_during_holiday: bool = True,
    waive: bool = False,
    annuity_parts: AnnuityParts,
) -> Expected:
    """The new schedule and figures the docstring's rules give (see the module docstring)."""
    if not items:
        raise OracleRefusalError("nothing to restructure")
    items = sorted(items, key=lambda i: (i.due_date, i.number))
    overdue = [i for i in items if i.due_date <= on]
    ahead = [i for i in items if i.due_date > on]
    first_due = ahead[0].due_date if ahead else plus_months(on, 1)
    months_left = max(1, len(ahead))
    principal = sum((i.principal for i in items), NIL)
    billed = sum((i.billed for i in items), NIL)
    unbilled = sum((i.unbilled for i in items), NIL)
    fees = sum((i.fees for i in items), NIL)
    penalty = sum((i.penalty for i in items), NIL)
    if kind == "waiver":
        waive = True
    paused: date | None = None
    out_rate = rate

    def annuity_rows(start: date, count: int, at: Decimal) -> list[Row]:
        rows = [Row(due_date=plus_months(start, n)) for n in range(count)]
        if principal > 0:
            parts = list(annuity_parts(principal, at, count))
            for row, part, interest in zip(
                rows, parts, _interest_on_balances(parts, principal, at), strict=True
            ):
                row.principal, row.contract = part, interest
        return rows

    carry_on: list[Row]
    if kind in ("extension", "lower_rate"):
        if kind == "lower_rate":
            if new_rate is None or new_rate >= rate:
                raise OracleRefusalError("the lower rate must be lower")
            out_rate = new_rate
        count = months if kind == "extension" else months_left
        rows = annuity_rows(first_due, count, out_rate)
        carry_on = rows
        carried_interest, carried_fees, carried_penalty = billed, fees, penalty
    elif kind == "holiday":
        interest = month_interest(principal, rate)
        holiday_rows = [
            Row(due_date=plus_months(first_due, n), contract=interest if interest_during_holiday else NIL)
            for n in range(months)
        ]
        after = annuity_rows(plus_months(first_due, months), months_left, rate)
        for n, row in enumerate(after):  # counted from the first due date, never from a clamped one
            row.due_date = plus_months(first_due, months + n)
        if not interest_during_holiday:
            deferred = interest * months
            for row, part in zip(after, spread_parts(deferred, len(after)), strict=True):
                row.contract += part
                row.fixed += part
        rows = holiday_rows + after
        carry_on = after
        carried_interest, carried_fees, carried_penalty = billed, fees, penalty
    elif kind == "freeze":
        out_rate = Decimal(0)
        rows = [Row(due_date=plus_months(first_due, n)) for n in range(months)]
        if principal > 0:
            for row, part in zip(rows, equal_principal_parts(principal, months), strict=True):
                row.principal = part
        carry_on = rows
        carried_interest, carried_fees, carried_penalty = billed, fees, penalty
        paused = rows[-1].due_date
    elif kind in ("arrears_plan", "waiver"):
        kept = [
            Row(
                due_date=i.due_date,
                principal=i.principal,
                contract=i.unbilled,
                carried=i.billed,
                fees=i.fees,
                penalty=i.penalty,
            )
            for i in ahead
        ]
        if kind == "waiver":
            rows = [
                Row(
                    due_date=i.due_date,
                    principal=i.principal,
                    contract=i.unbilled,
                    carried=i.billed,
                    fees=i.fees,
                    penalty=i.penalty,
                )
                for i in overdue
            ] + kept
            carry_on = []
            carried_interest = carried_fees = carried_penalty = NIL
        else:
            rows = kept
            base = ahead[-1].due_date if ahead else None
            extra = 0
            while len(rows) < months:
                due = plus_months(base, extra + 1) if base is not None else plus_months(first_due, extra)
                rows.append(Row(due_date=due))
                extra += 1
            carry_on = rows[:months]
            for row, part in zip(
                carry_on, spread_parts(sum((i.principal for i in overdue), NIL), months), strict=True
            ):
                row.principal += part
            carried_interest = sum((i.billed for i in overdue), NIL)
            carried_fees = sum((i.fees for i in overdue), NIL)
            carried_penalty = sum((i.penalty for i in overdue), NIL)
        if waive:
            for row in rows:
                row.fees = row.penalty = NIL
    else:
        raise OracleRefusalError(f"unknown kind {kind}")

    waived_fees = fees if waive else NIL
    waived_penalty = penalty if waive else NIL
    if waive:
        carried_fees = carried_penalty = NIL
    for attribute, amount in (
        ("carried", carried_interest),
        ("fees", carried_fees),
        ("penalty", carried_penalty),
    ):
        if amount == 0:
            continue
        for row, part in zip(carry_on, spread_parts(amount, len(carry_on)), strict=True):
            setattr(row, attribute, getattr(row, attribute) + part)
    new_scheduled = sum((r.contract for r in rows), NIL)
    owed = principal + billed + fees + penalty
    return Expected(
        rows=rows,
        annual_rate=out_rate,
        waived_fees=waived_fees,
        waived_penalty=waived_penalty,
        interest_given_up=max(NIL, unbilled - new_scheduled),
        charges_paused_through=paused,
        owed_before=owed,
        total_today=owed + unbilled,
    )


def penalty_after_pause(*, principal: Decimal, rate: Decimal, days: int, days_in_year: int) -> Decimal:
    """Penalty interest for ``days`` days after a pause: principal * rate * days / days_in_year, half up."""
    return half_up(Fraction(principal) * Fraction(rate) * days / days_in_year)
