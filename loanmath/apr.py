"""The annual percentage rate (APR) a borrower is shown: the internal rate of return of real cash flows.

Since 2021 the PBOC requires lenders to show borrowers an annualised rate that covers every cost the
borrower pays (PBOC announcement [2021] No. 3). Anxin shows the IRR of the money that actually changes
hands (the "IRR method"), quoted as the periodic IRR times the periods in a year. Here:

* The IRR of a series of cash flows is the rate r at which their present value is zero:
  sum(flow_t / (1 + r) ** t) = 0, with t counted in periods (periodic flows) or in years of 365 days
  from the first flow (dated flows).
* Sign convention: either side's view may be used, as long as the series is consistent: from the
  borrower's side the money received is positive and every repayment negative; from the lender's side,
  the reverse. Negating every flow gives the same rate. :func:`schedule_apr` uses the lender's side:
  -(amount the borrower actually received), then +payment for each instalment.
* Nominal APR = periodic rate * 12 (the figure usually quoted); effective APR = (1 + periodic rate) ** 12
  - 1 (the figure that includes compounding).
* The solver brackets a root, then refines it with Newton steps that fall back to bisection whenever a
  step would leave the bracket, in 50-digit decimal arithmetic, to better than 1e-15 per period; the rate
  is returned to 12 decimal places. If the flows change sign more than once there may be more than one
  rate; the one nearest zero is returned.
* A series with no IRR raises :class:`NoIrrSolutionError`: all flows of one sign, or a present value
  that does not reach zero for any rate per period from -99.9999 % to +1,000,000 % (far beyond any
  loan; a rate outside that range is treated as no answer).

Example: 10,000.00 received, repaid as 12 monthly payments of 10,000 / 12 + 80 (a "flat" fee of 0.8 %
of the original principal a month): periodic IRR 1.4392 %, nominal APR 17.27 %, although the fee is
quoted as 9.6 % a year.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal, DivisionByZero, InvalidOperation, Overflow, localcontext
from itertools import pairwise

from loanmath.errors import InvalidInputError, NoIrrSolutionError
from loanmath.schedule import Schedule

RATE_PLACES = Decimal("1e-12")
_TOLERANCE = Decimal("1e-18")
_MAX_ITERATIONS = 500
_SOLVER = Context(prec=50, traps=[InvalidOperation, DivisionByZero, Overflow])
# Rates per period at which the present value is sampled to find a sign change. Dense near zero,
# where every real loan's rate lies, and reaching out to -99.9999 % and +1,000,000 % for odd inputs.
_BRACKET_GRID = tuple(
    Decimal(r)
    for r in (
        "-0.999999", "-0.9999", "-0.999", "-0.99", "-0.9", "-0.75", "-0.5", "-0.25", "-0.1", "-0.05",
        "-0.02", "-0.01", "0", "0.01", "0.02", "0.05", "0.1", "0.25", "0.5", "1", "2", "5", "10", "100",
        "1000", "10000",
    )
)  # fmt: skip
DAYS_IN_YEAR_FOR_DATED_IRR = 365
_EXACT_ROOT, _BRACKET = 0, 1
_CANDIDATES = sorted(
    [(abs(rate), _EXACT_ROOT, index) for index, rate in enumerate(_BRACKET_GRID)]
    + [
        (min(abs(low), abs(high)), _BRACKET, index)
        for index, (low, high) in enumerate(pairwise(_BRACKET_GRID))
    ]
)


@dataclass(frozen=True)
class DatedCashFlow:
    """Money changing hands on a date (positive or negative, see the sign convention)."""

    on: date
    amount: Decimal


@dataclass(frozen=True)
class Apr:
    """An APR three ways: per period, nominal (periodic * periods a year), effective (compounded)."""

    periodic_rate: Decimal
    periods_per_year: int = 12
    nominal_annual_rate: Decimal = field(init=False)
    effective_annual_rate: Decimal = field(init=False)

    def __post_init__(self) -> None:
        with localcontext(_SOLVER):
            nominal = self.periodic_rate * self.periods_per_year
            effective = (1 + self.periodic_rate) ** self.periods_per_year - 1
        object.__setattr__(self, "nominal_annual_rate", nominal.quantize(RATE_PLACES, rounding=ROUND_HALF_UP))
        object.__setattr__(
            self, "effective_annual_rate", effective.quantize(RATE_PLACES, rounding=ROUND_HALF_UP)
        )


def _require_two_signs(amounts: Sequence[Decimal]) -> None:
    for amount in amounts:
        if not isinstance(amount, Decimal) or not amount.is_finite():
            raise InvalidInputError(f"cash flows must be finite Decimals, got {amount!r}")
    if not any(a > 0 for a in amounts) or not any(a < 0 for a in amounts):
        raise NoIrrSolutionError(
            "an IRR needs money going both ways: at least one positive and one negative cash flow"
        )


def _solve(present_value: Callable[[Decimal], tuple[Decimal, Decimal]]) -> Decimal:
    """The rate nearest zero at which ``present_value`` (which returns value and slope) is zero."""
    # The grid is sampled lazily, nearest zero first: a loan's rate is almost always found after three
    # present values instead of all 26. Candidates are tried in the order the full scan would rank them:
    # by distance from zero; an exact root before a bracket at the same distance; then lowest rate first.
    values: dict[int, Decimal] = {}

    def value_at(index: int) -> Decimal:
        if index not in values:
            values[index] = present_value(_BRACKET_GRID[index])[0]
        return values[index]

    nearest_bracket: tuple[Decimal, Decimal] | None = None
    for _distance, kind, index in _CANDIDATES:
        if kind == _EXACT_ROOT:
            if value_at(index) == 0:
                return _BRACKET_GRID[index]
        else:
            low_value, high_value = value_at(index), value_at(index + 1)
            if low_value != 0 and high_value != 0 and (low_value < 0) != (high_value < 0):
                nearest_bracket = (_BRACKET_GRID[index], _BRACKET_GRID[index + 1])
                break
    if nearest_bracket is None:
        raise NoIrrSolutionError(
            "no rate from -99.9999 % to +1,000,000 % a period brings these cash flows' present value to zero"
        )

    low, high = nearest_bracket
    low_is_negative = value_at(_BRACKET_GRID.index(low)) < 0
    rate = (low + high) / 2
    for _ in range(_MAX_ITERATIONS):
        value, slope = present_value(rate)
        if value == 0:
            return rate
        if (value < 0) == low_is_negative:
            low = rate
        else:
            high = rate
        newton = rate - value / slope if slope != 0 else None
        if newton is not None and low < newton < high:
            converged = abs(newton - rate) < _TOLERANCE
            rate = newton
            if converged:
                return rate
        else:
            # A Newton step that leaves the bracket (or a flat present value) falls back to bisection.
            rate = (low + high) / 2
        if high - low < _TOLERANCE:
            return rate
    return rate


def periodic_irr(cash_flows: Sequence[Decimal]) -> Decimal:
    """The IRR per period of flows one period apart: flow 0 now, flow 1 one period later, and so on.

    Solves sum(flow_t * v ** t) = 0 for v = 1 / (1 + r), evaluated by Horner's rule; the rate is
    returned to 12 decimal places. A zero-rate loan (payments adding up to the amount lent) gives 0.
    """
    flows = tuple(cash_flows)
    _require_two_signs(flows)

    def present_value(rate: Decimal) -> tuple[Decimal, Decimal]:
        discount = 1 / (1 + rate)
        value = Decimal(0)
        derivative_in_discount = Decimal(0)
        for flow in reversed(flows):
            derivative_in_discount = derivative_in_discount * discount + value
            value = value * discount + flow
        # d(value)/d(rate) = d(value)/d(discount) * d(discount)/d(rate), and d(discount)/d(rate) = -discount².
        return value, -derivative_in_discount * discount * discount

    with localcontext(_SOLVER):
        rate = _solve(present_value)
    return rate.quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def dated_irr(cash_flows: Sequence[DatedCashFlow]) -> Decimal:
    """The effective annual IRR of flows on any dates (like a spreadsheet's XIRR).

    Solves sum(amount_i / (1 + r) ** t_i) = 0, t_i = (date_i - first date) / 365 in years; the rate is
    returned to 12 decimal places.
    """
    flows = tuple(cash_flows)
    _require_two_signs([f.amount for f in flows])
    start = min(f.on for f in flows)
    with localcontext(_SOLVER):
        timed = tuple((Decimal((f.on - start).days) / DAYS_IN_YEAR_FOR_DATED_IRR, f.amount) for f in flows)

        def present_value(rate: Decimal) -> tuple[Decimal, Decimal]:
            growth = (1 + rate).ln()
            value = Decimal(0)
            slope = Decimal(0)
            for years, amount in timed:
                discounted = amount * (-years * growth).exp()
                value += discounted
                slope -= years * discounted / (1 + rate)
            return value, slope

        rate = _solve(present_value)
    return rate.quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def apr_from_periodic_flows(cash_flows: Sequence[Decimal], *, periods_per_year: int = 12) -> Apr:
    """The APR of evenly spaced flows (monthly by default).

    nominal = IRR * periods_per_year; effective = (1 + IRR) ** periods_per_year - 1.
    """
    return Apr(periodic_rate=periodic_irr(cash_flows), periods_per_year=periods_per_year)


def schedule_apr(*, schedule: Schedule, amount_received: Decimal | None = None) -> Apr:
    """The APR of a monthly schedule, from the lender's side: -amount_received, then each payment.

    ``amount_received`` is what the borrower actually got (the principal less any fee deducted up
    front); by default the whole principal. Assumes the first instalment falls due one month after
    the money is received; for irregular dates use :func:`dated_irr`.
    """
    received = schedule.terms.principal if amount_received is None else amount_received
    return apr_from_periodic_flows([-received, *(i.payment for i in schedule.instalments)])


def dated_nominal_apr(cash_flows: Sequence[DatedCashFlow]) -> Decimal:
    """The APR of flows on their real dates, quoted the way a monthly APR is (and the cost cap is):
    the effective yearly IRR of :func:`dated_irr` turned into a nominal rate compounded monthly,
    12 * ((1 + IRR) ** (1 / 12) - 1), to 12 decimal places. A first period of 5 days that bills a full
    month's interest shows here what it really costs."""
    effective = dated_irr(cash_flows)
    with localcontext(_SOLVER):
        nominal = 12 * (((1 + effective).ln() / 12).exp() - 1)
    return nominal.quantize(RATE_PLACES, rounding=ROUND_HALF_UP)
