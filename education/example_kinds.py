"""The kinds of worked example a lesson may carry, each computed by loanmath (the vocabulary, with its
rounding, is in education.examples' docstring, which is what editors read).

A kind reads its inputs (education.example_inputs, which refuses a malformed one) and returns a
calculator: a function from a figure's name and index to its exact value, computed by loanmath when it
is first asked. Nothing here rounds a figure for display; education.examples does, and it alone decides
how a figure is written.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cache

from django.utils.translation import gettext as _

import loanmath
from education.example_inputs import (
    TERM,
    Calculator,
    ExampleInputError,
    FigureUnavailableError,
    Inputs,
    Unit,
    position,
)
from loanmath.money import calculation_context
from loanmath.schedule import MONTHS_PER_YEAR

HUNDRED = Decimal(100)
# The dates the kinds that need a calendar use; the money does not depend on which dates they are.
PLAN_START = date(2026, 1, 1)
DUE_DATE = date(2026, 1, 15)
PAYMENT_DAY = date(2026, 6, 30)
MAX_DAYS = 3650


@dataclass(frozen=True)
class Kind:
    """A kind of example: the units of its figures (plain, and written name[n]) and how it reads its
    inputs and computes them."""

    name: str
    plain: Mapping[str, Unit]
    indexed: Mapping[str, Unit]
    build: Callable[[Inputs], Calculator]

    def unit(self, name: str, index: str | None) -> Unit | None:
        return (self.plain if index is None else self.indexed).get(name)


def _percent(rate: Decimal) -> Decimal:
    return rate * HUNDRED


def _schedule(inputs: Inputs) -> Calculator:
    principal = inputs.required_money("principal")
    months = inputs.whole("months", 1, loanmath.PLAN_MAX_MONTHS)
    method = loanmath.PlanMethod(inputs.choice("method", [m.value for m in loanmath.PlanMethod]))
    annual = inputs.decimal("annual_rate", required=False)
    monthly = inputs.decimal("monthly_rate", required=False)
    fee_rate = inputs.decimal("monthly_fee_rate", required=False)
    upfront = inputs.money("upfront_fee", required=False)
    received = inputs.money("amount_received", required=False)
    for one, other, given in (
        ("annual_rate", "monthly_rate", annual is not None and monthly is not None),
        ("upfront_fee", "amount_received", upfront is not None and received is not None),
    ):
        if given:
            raise ExampleInputError(
                _("give “%(one)s” or “%(other)s”, not both.") % {"one": one, "other": other}
            )
    flat_fee = method is loanmath.PlanMethod.FLAT_FEE
    interest_rate_given = annual is not None or monthly is not None
    if flat_fee and (fee_rate is None or interest_rate_given):
        raise ExampleInputError(_("the method “flat_fee” takes “monthly_fee_rate” and no interest rate."))
    if not flat_fee and (fee_rate is not None or not interest_rate_given):
        raise ExampleInputError(
            _("the method “%(method)s” takes “annual_rate” or “monthly_rate”, and no “monthly_fee_rate”.")
            % {"method": method.value}
        )
    rate = annual if monthly is None else monthly * MONTHS_PER_YEAR
    fee = upfront if received is None else principal - received

    @cache
    def plan() -> loanmath.PlanResult:
        return loanmath.plan_simulate(
            loanmath.PlanInput(
                principal=principal,
                months=months,
                method=method,
                start=PLAN_START,
                annual_rate=rate or Decimal(0),
                monthly_fee_rate=fee_rate or Decimal(0),
                upfront_fee=fee or loanmath.ZERO,
            )
        )

    def figure(name: str, index: str | None) -> Decimal:
        result = plan()
        if index is not None:
            line = result.lines[position(index, 1, len(result.lines)) - 1]
            parts = {"payment": line.payment, "principal": line.principal, "interest": line.interest}
            return {**parts, "fee": line.fees, "balance": line.balance}[name]
        before_last = {line.payment for line in result.lines[:-1]}
        if name == "regular_payment":
            if len(before_last) != 1:
                raise FigureUnavailableError
            return before_last.pop()
        # nominal = monthly IRR * 12 exactly (both to 12 places, loanmath.apr), so this is the monthly IRR.
        monthly_irr = result.apr_nominal / MONTHS_PER_YEAR
        return {
            "last_payment": result.last_payment,
            "total_interest": result.total_interest,
            "total_fees": result.total_fees,
            "total_paid": result.total_paid,
            "amount_received": result.amount_received,
            "monthly_irr": _percent(monthly_irr),
            "nominal_apr": _percent(result.apr_nominal),
            "effective_rate": _percent(result.apr_effective),
        }[name]

    return figure


def _rates(apr: Callable[[], loanmath.Apr], name: str) -> Decimal:
    try:
        rates = apr()
    except loanmath.NoIrrSolutionError as error:
        raise FigureUnavailableError from error
    return _percent(
        {
            "monthly_irr": rates.periodic_rate,
            "monthly_rate": rates.periodic_rate,
            "nominal_apr": rates.nominal_annual_rate,
            "effective_rate": rates.effective_annual_rate,
        }[name]
    )


RATE_FIGURES = {"monthly_irr": Unit.PERCENT, "nominal_apr": Unit.PERCENT, "effective_rate": Unit.PERCENT}


def _cash_flows(inputs: Inputs) -> Calculator:
    flows = [inputs.amount(flow, "flows", signed=True) for flow in inputs.items("flows", 2)]

    @cache
    def apr() -> loanmath.Apr:
        return loanmath.apr_from_periodic_flows(flows)

    def figure(name: str, index: str | None) -> Decimal:
        received = sum((flow for flow in flows if flow > 0), loanmath.ZERO)
        paid = -sum((flow for flow in flows if flow < 0), loanmath.ZERO)
        totals = {"received": received, "paid": paid, "cost": paid - received}
        return totals[name] if name in totals else _rates(apr, name)

    return figure


def _rollover(inputs: Inputs) -> Calculator:
    shortfall = inputs.required_money("shortfall")
    cost = inputs.required_decimal("monthly_cost")
    months = inputs.whole("months", 1, 120)

    @cache
    def owed() -> tuple[Decimal, ...]:
        # Each month a new one-month loan repays the last with its cost: cost * balance, half up to the fen
        # (loanmath.monthly_interest of a yearly rate of 12 * the monthly cost).
        amounts = [shortfall]
        for _month in range(months):
            amounts.append(
                amounts[-1] + loanmath.monthly_interest(balance=amounts[-1], annual_rate=cost * 12)
            )
        return tuple(amounts)

    def figure(name: str, index: str | None) -> Decimal:
        if name == "owed":
            return owed()[position(index, 0, months)]
        if name == "cost":
            return owed()[-1] - shortfall
        if name == "growth":
            return 1 + cost
        return _rates(lambda: loanmath.Apr(periodic_rate=cost), name)

    return figure


def _overdue(inputs: Inputs) -> Calculator:
    principal = inputs.required_money("principal")
    interest = inputs.money_or_zero("interest")
    late_fee_flat = inputs.money_or_zero("late_fee_flat")
    late_fee_rate = inputs.decimal("late_fee_rate", required=False)
    penalty_rate = inputs.required_decimal("penalty_rate")
    grace_days = inputs.whole("grace_days", 0, 90, default=0)
    day_count = inputs.choice("day_count", [d.value for d in loanmath.DayCount], default="ACT/365")

    @cache
    def policy() -> loanmath.OverduePolicy:
        return loanmath.OverduePolicy(
            grace_days=grace_days,
            late_fee_flat=late_fee_flat,
            late_fee_rate=Decimal(0) if late_fee_rate is None else late_fee_rate,
            penalty_rate=penalty_rate,
            day_count=loanmath.DayCount(day_count),
        )

    def penalty(days: int) -> Decimal:
        on = DUE_DATE + timedelta(days=days)
        if not loanmath.is_past_grace(due_date=DUE_DATE, on=on, policy=policy()):
            return loanmath.ZERO
        start = loanmath.last_day_of_grace(due_date=DUE_DATE, policy=policy())
        return loanmath.penalty_interest(overdue_principal=principal, start=start, end=on, policy=policy())

    def figure(name: str, index: str | None) -> Decimal:
        fee = loanmath.late_fee(overdue_amount=principal + interest, policy=policy())
        if name == "late_fee":
            return fee
        if name == "per_day":
            end = DUE_DATE + timedelta(days=1)
            return loanmath.penalty_interest(
                overdue_principal=principal, start=DUE_DATE, end=end, policy=policy()
            )
        days = position(index, 0, MAX_DAYS)
        if name == "penalty":
            return penalty(days)
        past_grace = loanmath.is_past_grace(
            due_date=DUE_DATE, on=DUE_DATE + timedelta(days=days), policy=policy()
        )
        return principal + interest + (fee if past_grace else loanmath.ZERO) + penalty(days)

    return figure


def _days_past_due(inputs: Inputs) -> Calculator:
    due_date, on = inputs.day("due_date"), inputs.day("on")

    def figure(name: str, index: str | None) -> Decimal:
        return Decimal(loanmath.days_past_due(due_date=due_date, on=on))

    return figure


PARTS = ("penalty", "fees", "interest", "principal")


def _waterfall(inputs: Inputs) -> Calculator:
    amount = inputs.required_money("amount")
    owed: list[dict[str, Decimal]] = []
    for n, item in enumerate(inputs.items("instalments", 1), start=1):
        if not isinstance(item, dict) or not set(item) <= set(PARTS):
            raise ExampleInputError(
                _("instalment %(number)s must be an object with some of %(parts)s.")
                % {"number": n, "parts": ", ".join(PARTS)}
            )
        owed.append({part: inputs.amount(item.get(part, "0"), f"instalments[{n}].{part}") for part in PARTS})

    @cache
    def allocation() -> loanmath.Allocation:
        # Listed oldest first, all overdue on the payment day: instalment n of N fell due N - n + 1 months
        # before it.
        return loanmath.allocate_payment(
            amount=amount,
            paid_on=PAYMENT_DAY,
            instalments=[
                loanmath.OpenInstalment(
                    number=n,
                    due_date=loanmath.add_months(PAYMENT_DAY, n - 1 - len(owed)),
                    principal=parts["principal"],
                    interest=parts["interest"],
                    fees=parts["fees"],
                    penalty=parts["penalty"],
                )
                for n, parts in enumerate(owed, start=1)
            ],
        )

    def figure(name: str, index: str | None) -> Decimal:
        lines = allocation().lines
        if index is not None:
            number = position(index, 1, len(owed))
            paid = [getattr(line, name) for line in lines if line.instalment_number == number]
            return sum(paid, loanmath.ZERO)
        if name == "unapplied":
            return allocation().unapplied
        if name == "principal_left":
            return sum((parts["principal"] for parts in owed), loanmath.ZERO) - figure("principal", None)
        return sum((getattr(line, name) for line in lines), loanmath.ZERO)

    return figure


def _sum(inputs: Inputs) -> Calculator:
    total = loanmath.ZERO
    for term in inputs.items("terms", 1):
        match = TERM.fullmatch(term.strip()) if isinstance(term, str) else None
        if match is None:
            raise ExampleInputError(
                _("each term must be an amount or another example's figure: “-3*1100.00”, “lin.interest[1]”.")
            )
        sign, count, operand = match.groups()
        total += (-1 if sign else 1) * int(count or 1) * inputs.amount(operand, "terms")

    def figure(name: str, index: str | None) -> Decimal:
        return total

    return figure


def _rate_times(inputs: Inputs) -> Calculator:
    rate = inputs.required_decimal("rate")
    times = inputs.whole("times", 1, 366)
    factor = inputs.decimal("factor", required=False)

    def figure(name: str, index: str | None) -> Decimal:
        # A rate per period times the periods, no compounding: loanmath's nominal rate.
        simple = loanmath.Apr(periodic_rate=rate, periods_per_year=times).nominal_annual_rate
        return _percent(simple * (Decimal(1) if factor is None else factor))

    return figure


def _share(inputs: Inputs) -> Calculator:
    part, whole = inputs.required_money("part"), inputs.required_money("whole")

    def figure(name: str, index: str | None) -> Decimal:
        if whole <= 0:
            raise FigureUnavailableError
        with calculation_context():
            return part * HUNDRED / whole

    return figure


MONEY_PER_INSTALMENT = dict.fromkeys(("payment", "principal", "interest", "fee", "balance"), Unit.MONEY)
KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "schedule",
            {
                **dict.fromkeys(
                    (
                        "regular_payment",
                        "last_payment",
                        "total_interest",
                        "total_fees",
                        "total_paid",
                        "amount_received",
                    ),
                    Unit.MONEY,
                ),
                **RATE_FIGURES,
            },
            MONEY_PER_INSTALMENT,
            _schedule,
        ),
        Kind(
            "cash_flows",
            {"received": Unit.MONEY, "paid": Unit.MONEY, "cost": Unit.MONEY, **RATE_FIGURES},
            {},
            _cash_flows,
        ),
        Kind(
            "rollover",
            {"cost": Unit.MONEY, "growth": Unit.FACTOR, "monthly_rate": Unit.PERCENT, **RATE_FIGURES},
            {"owed": Unit.MONEY},
            _rollover,
        ),
        Kind(
            "overdue",
            {"per_day": Unit.MONEY, "late_fee": Unit.MONEY},
            {"penalty": Unit.MONEY, "owed": Unit.MONEY},
            _overdue,
        ),
        Kind("days_past_due", {"days": Unit.COUNT}, {}, _days_past_due),
        Kind(
            "waterfall",
            {**dict.fromkeys(PARTS, Unit.MONEY), "unapplied": Unit.MONEY, "principal_left": Unit.MONEY},
            dict.fromkeys(PARTS, Unit.MONEY),
            _waterfall,
        ),
        Kind("sum", {"total": Unit.MONEY}, {}, _sum),
        Kind("rate_times", {"percent": Unit.PERCENT}, {}, _rate_times),
        Kind("share", {"percent": Unit.PERCENT}, {}, _share),
    )
}
# The inputs that are rates (fractions): the text quotes them as percentages ("0.008" is 0.8%).
RATE_INPUTS = frozenset(
    {
        "annual_rate",
        "monthly_rate",
        "monthly_fee_rate",
        "monthly_cost",
        "late_fee_rate",
        "penalty_rate",
        "rate",
    }
)
