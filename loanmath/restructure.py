"""Restructuring a loan a borrower cannot pay: the options a hardship application offers, each as the new
schedule it would put in the ledger, with what it costs and what it gives up.

Every option starts from the loan's open instalments on the day it is applied (``on``, after that day's
close of business), as :class:`~loanmath.open_items.OpenInstalment` lines: unpaid principal, contract
interest fallen due and unpaid, interest scheduled and not yet due, late fees and penalty interest.
Applying an option replaces every open instalment with the plan's new ones: nothing owed is lost, and
nothing is counted twice, because

    principal of the new instalments = the principal unpaid now (always; the ledger's principal is only
                                       ever what was lent);
    interest fallen due, fees, penalty carried onto the new instalments + waived = what is unpaid now,
                                       component by component.

The rules, option by option (r = the yearly contract rate; one month's interest = balance * r / 12, half
up to the fen, as in :mod:`loanmath.schedule`):

* **The new schedule's dates.** The current period is the first open instalment falling due after ``on``.
  The new schedule's first instalment falls due on the current period's due date and replaces it: its
  interest is one month's on the whole unpaid principal (every period is a twelfth of a year, as in
  :mod:`loanmath.schedule`), so the current period's interest is charged once and no period goes without
  it. A loan with no instalment left to fall due (all of it overdue) is first due one month after ``on``.
* **Arrears carried.** Interest fallen due, late fees and penalty interest not waived are not dropped:
  each is spread over the new instalments (term extension, lower rate, freeze: all of them; payment
  holiday: those after the holiday; arrears plan: the first N), in equal parts rounded down to the fen,
  the last part taking the remainder, so the parts add up exactly.
* **Term extension** (months = N, 2 to 60): the unpaid principal over N equal instalments (等额本息) at r.
* **Payment holiday** (months = h, 1 to 3): h instalments with no principal, then the unpaid principal
  over the months the loan had left (at least 1) at r. ``interest_during_holiday``: the holiday
  instalments carry each month's interest (pay interest only); otherwise they carry nothing and the
  holiday's interest (h months of interest on the unpaid principal) is added to the instalments after, in
  equal parts as above, with no interest charged on it (it is not capitalised).
* **Lower rate** (annual_rate below r): the unpaid principal over the months left at the lower rate.
* **Interest and penalty freeze** (停息挂账, months = N, 1 to 60): no more contract interest (rate 0), the
  unpaid principal in N equal parts (等额本金 at 0 %), and no late fee or penalty interest on any day up
  to the last new due date (``charges_paused_through``).
* **Arrears plan** (months = N, 1 to 24): the instalments not yet due keep their dates and amounts; what
  is overdue (principal, interest, fees, penalty) is spread over the next N of them, on top (with new
  monthly instalments after the last if there are fewer than N).
* **Waiver**: the schedule is unchanged; the late fees and penalty interest unpaid are waived.
* Any option may also waive the late fees and penalty interest unpaid (``waive_fees_and_penalty``).

What an option gives up (what a second approver must agree to above a threshold): the fees and penalty
it waives, plus the contract interest still scheduled today that the new schedule no longer charges
(today's unbilled interest less the new schedule's, when that is positive).

APR: the nominal yearly rate (:func:`loanmath.apr.dated_nominal_apr`) of the borrower receiving what
they owe now (less any waiver) on ``on`` and paying each new instalment on its date; today's APR is the
same for the schedule as it stands, the overdue part paid on ``on``. None when there is no rate to solve
(nothing left to pay after ``on``).
"""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from loanmath.apr import DatedCashFlow, dated_nominal_apr
from loanmath.dates import add_months
from loanmath.errors import InvalidInputError, LoanMathError
from loanmath.money import ZERO, calculation_context
from loanmath.restructure_types import (
    ARREARS_PLAN_MONTHS_MAX,
    EXTENSION_MONTHS_MAX,
    FREEZE_MONTHS_MAX,
    HOLIDAY_MONTHS_MAX,
    NewInstalment,
    OptionKind,
    OptionTerms,
    RestructurePlan,
    RestructurePosition,
    monthly_payment_of,
    spread,
)
from loanmath.schedule import (
    Schedule,
    equal_instalment_schedule,
    equal_principal_schedule,
    monthly_interest,
)

__all__ = [
    "ARREARS_PLAN_MONTHS_MAX",
    "EXTENSION_MONTHS_MAX",
    "FREEZE_MONTHS_MAX",
    "HOLIDAY_MONTHS_MAX",
    "NewInstalment",
    "OptionKind",
    "OptionTerms",
    "RestructurePlan",
    "RestructurePosition",
    "monthly_payment_of",
    "restructure_options",
    "restructure_plan",
    "spread",
]


def _spread_onto(
    lines: list[dict[str, Decimal | date]], start: int, count: int, key: str, amount: Decimal
) -> None:
    if amount == 0:
        return
    for line, part in zip(lines[start : start + count], spread(amount, count), strict=True):
        line[key] = Decimal(line.get(key, ZERO)) + part  # type: ignore[arg-type]


def _from_schedule(schedule: Schedule) -> list[dict[str, Decimal | date]]:
    return [
        {"due_date": i.due_date, "principal": i.principal, "interest": i.interest}
        for i in schedule.instalments
    ]


def _blank(due_date: date) -> dict[str, Decimal | date]:
    return {"due_date": due_date, "principal": ZERO, "interest": ZERO}


def _apr(start: date, debt: Decimal, payments: Sequence[tuple[date, Decimal]]) -> Decimal | None:
    """The nominal APR of receiving ``debt`` on ``start`` and making ``payments``; None if none solves."""
    flows = [DatedCashFlow(on=start, amount=-debt)] + [
        DatedCashFlow(on=max(on, start), amount=amount) for on, amount in payments if amount
    ]
    try:
        return dated_nominal_apr(flows)
    except (LoanMathError, ArithmeticError):
        return None


def restructure_plan(*, position: RestructurePosition, terms: OptionTerms) -> RestructurePlan:
    """``terms`` worked out for the loan at ``position``, by the rules in this module's docstring."""
    if not position.instalments:
        raise InvalidInputError("the loan has nothing left to restructure")
    on, rate = position.on, position.annual_rate
    kind = terms.kind
    current = position.not_yet_due[0] if position.not_yet_due else None
    first_due = current.due_date if current is not None else add_months(on, 1)
    principal = position.principal
    new_rate = rate
    paused_through: date | None = None
    carry_start, carry_count = 0, 0
    lines: list[dict[str, Decimal | date]]

    if kind in (OptionKind.EXTENSION, OptionKind.LOWER_RATE):
        months = terms.months if kind is OptionKind.EXTENSION else position.months_left
        if kind is OptionKind.LOWER_RATE:
            if terms.annual_rate is None or terms.annual_rate >= rate:
                raise InvalidInputError(f"a lower rate must be below today's {rate}, got {terms.annual_rate}")
            new_rate = terms.annual_rate
        lines = (
            _from_schedule(
                equal_instalment_schedule(
                    principal=principal, annual_rate=new_rate, months=months, first_due_date=first_due
                )
            )
            if principal > 0
            else [_blank(add_months(first_due, n)) for n in range(months)]
        )
        carry_start, carry_count = 0, len(lines)
    elif kind is OptionKind.HOLIDAY:
        holiday = terms.months
        month_interest = monthly_interest(balance=principal, annual_rate=rate)
        lines = [_blank(add_months(first_due, n)) for n in range(holiday)]
        if terms.interest_during_holiday:
            for line in lines:
                line["interest"] = month_interest
        after_first = add_months(first_due, holiday)
        after = (
            _from_schedule(
                equal_instalment_schedule(
                    principal=principal,
                    annual_rate=rate,
                    months=position.months_left,
                    first_due_date=after_first,
                )
            )
            if principal > 0
            else [_blank(add_months(after_first, n)) for n in range(position.months_left)]
        )
        for n, line in enumerate(after):
            # Counted from the first due date, never chained, so a month-end due day survives.
            line["due_date"] = add_months(first_due, holiday + n)
            line["fixed"] = ZERO
        lines += after
        carry_start, carry_count = holiday, len(after)
        if not terms.interest_during_holiday:
            deferred = month_interest * holiday
            _spread_onto(lines, carry_start, carry_count, "interest", deferred)
            _spread_onto(lines, carry_start, carry_count, "fixed", deferred)
    elif kind is OptionKind.FREEZE:
        new_rate = ZERO
        lines = (
            _from_schedule(
                equal_principal_schedule(
                    principal=principal, annual_rate=ZERO, months=terms.months, first_due_date=first_due
                )
            )
            if principal > 0
            else [_blank(add_months(first_due, n)) for n in range(terms.months)]
        )
        carry_start, carry_count = 0, len(lines)
        paused_through = lines[-1]["due_date"]  # type: ignore[assignment]
    else:  # ARREARS_PLAN, WAIVER: the instalments not yet due keep their dates and amounts
        lines = [
            {
                "due_date": i.due_date,
                "principal": i.principal,
                "interest": i.unbilled_interest,
                "carried": i.interest - i.unbilled_interest,
                "fees": i.fees,
                "penalty": i.penalty,
            }
            for i in position.not_yet_due
        ]
        if kind is OptionKind.WAIVER:
            # The overdue instalments stay due now, on the next day, as they were.
            overdue_lines: list[dict[str, Decimal | date]] = [
                {
                    "due_date": i.due_date,
                    "principal": i.principal,
                    "interest": i.unbilled_interest,
                    "carried": i.interest - i.unbilled_interest,
                    "fees": i.fees,
                    "penalty": i.penalty,
                }
                for i in position.overdue
            ]
            lines = overdue_lines + lines
        else:
            months = terms.months
            # New months after the last kept due date, each counted from it, not chained; with none kept,
            # from the first due date (one month after ``on``), as a schedule's dates are.
            if position.not_yet_due:
                anchor, offset = position.not_yet_due[-1].due_date, 1
            else:
                anchor, offset = first_due, 0
            lines += [_blank(add_months(anchor, k + offset)) for k in range(months - len(lines))]
            carry_start, carry_count = 0, months
            _spread_onto(lines, 0, months, "principal", sum((i.principal for i in position.overdue), ZERO))

    # What is carried (fallen due and unpaid) onto the new instalments, and what is waived.
    waive = terms.waive_fees_and_penalty
    if kind in (OptionKind.ARREARS_PLAN, OptionKind.WAIVER):
        carried_from = position.overdue if kind is OptionKind.ARREARS_PLAN else ()
        interest_carried = sum((i.interest - i.unbilled_interest for i in carried_from), ZERO)
        fees_carried = sum((i.fees for i in carried_from), ZERO)
        penalty_carried = sum((i.penalty for i in carried_from), ZERO)
        if waive:
            for line in lines:
                line["fees"] = ZERO
                line["penalty"] = ZERO
    else:
        interest_carried = position.interest_billed
        fees_carried = position.fees
        penalty_carried = position.penalty
    waived_fees = position.fees if waive else ZERO
    waived_penalty = position.penalty if waive else ZERO
    if waive:
        fees_carried = penalty_carried = ZERO
    _spread_onto(lines, carry_start, carry_count, "carried", interest_carried)
    _spread_onto(lines, carry_start, carry_count, "fees", fees_carried)
    _spread_onto(lines, carry_start, carry_count, "penalty", penalty_carried)

    new_instalments = tuple(
        NewInstalment(
            due_date=line["due_date"],  # type: ignore[arg-type]
            principal=Decimal(line["principal"]),  # type: ignore[arg-type]
            interest=Decimal(line["interest"]) + Decimal(line.get("carried", ZERO)),  # type: ignore[arg-type]
            interest_carried=Decimal(line.get("carried", ZERO)),  # type: ignore[arg-type]
            interest_fixed=Decimal(line.get("fixed", ZERO)),  # type: ignore[arg-type]
            fees=Decimal(line.get("fees", ZERO)),  # type: ignore[arg-type]
            penalty=Decimal(line.get("penalty", ZERO)),  # type: ignore[arg-type]
        )
        for line in lines
    )
    new_scheduled = sum((i.interest - i.interest_carried for i in new_instalments), ZERO)
    interest_given_up = max(ZERO, position.interest_unbilled - new_scheduled)

    debt = position.owed - waived_fees - waived_penalty
    today_payments = [(on, sum((i.total for i in position.overdue), ZERO))] + [
        (i.due_date, i.total) for i in position.not_yet_due
    ]
    return RestructurePlan(
        terms=terms,
        on=on,
        annual_rate=new_rate,
        instalments=new_instalments,
        owed_before=position.owed,
        waived_fees=waived_fees,
        waived_penalty=waived_penalty,
        interest_given_up=interest_given_up,
        charges_paused_through=paused_through,
        apr=_apr(on, debt, [(i.due_date, i.payment) for i in new_instalments]),
        apr_today=_apr(on, position.owed, today_payments),
        total_today=position.owed + position.interest_unbilled,
    )


def restructure_options(*, position: RestructurePosition) -> tuple[RestructurePlan, ...]:
    """The options a borrower is shown for the loan, one of each kind, with figures chosen to help: a term
    twice the months left (at least 12, at most 60), a 3-month holiday with interest paid, the rate lowered
    by a third, a 36-month freeze, the arrears over 6 months, and a waiver of fees and penalty. Options
    that do not apply (an arrears plan with nothing overdue, a waiver with nothing to waive, a lower rate
    at 0 %) are left out."""
    left = position.months_left
    candidates: list[OptionTerms] = [
        OptionTerms(kind=OptionKind.EXTENSION, months=min(EXTENSION_MONTHS_MAX, max(12, 2 * left))),
        OptionTerms(kind=OptionKind.HOLIDAY, months=HOLIDAY_MONTHS_MAX, interest_during_holiday=True),
    ]
    if position.annual_rate > 0:
        with calculation_context():
            lower = (position.annual_rate * 2 / 3).quantize(Decimal("0.000001"))
        candidates.append(OptionTerms(kind=OptionKind.LOWER_RATE, annual_rate=lower))
    candidates.append(OptionTerms(kind=OptionKind.FREEZE, months=36))
    if position.overdue:
        candidates.append(OptionTerms(kind=OptionKind.ARREARS_PLAN, months=6))
    if position.fees or position.penalty:
        candidates.append(OptionTerms(kind=OptionKind.WAIVER))
    return tuple(restructure_plan(position=position, terms=t) for t in candidates)
