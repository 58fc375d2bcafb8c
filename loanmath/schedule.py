"""Repayment schedules: equal instalment (等额本息), equal principal (等额本金), interest only (先息后本).

Rules common to the three methods, in the order a loan officer would check them:

* Instalments fall due monthly from the first due date (see :mod:`loanmath.dates`); every period counts
  as one twelfth of a year, whatever its number of days, so interest does not depend on the calendar.
* Interest for a period = balance at the start of the period * annual_rate / 12, rounded half up to the
  cent. The product balance * annual_rate is exact; dividing it by 12 last (rather than rounding a monthly
  rate first) keeps the result exact wherever it can be, e.g. 120,000.00 * 0.06 / 12 = 600.00.
* Principal portions and payments are whole cents. Every instalment but the last follows the method's
  rule; the last instalment repays whatever balance is left, so the principal portions sum exactly to
  the loan principal and the balance ends at exactly 0.00. The last payment therefore absorbs the
  rounding of the level payment (or level principal) compounded over the whole term. On a short loan
  that is a few cents; on a long term at a high rate it can be far more, because every month's
  shortfall earns interest until the end. Example: 100,000.00 at 24 % over 360 months. The exact
  payment is 2,001.6044...; rounded, 2,001.60 is paid 359 times, 0.0044 short each month, and at 2 % a
  month those shortfalls, with the rounding of each month's interest, leave 2,255.35 of principal to the
  last instalment: the last payment is 2,300.46 (with 45.11 of interest), 298.86 more than the others.
  :attr:`Schedule.regular_payment` and :attr:`Schedule.last_payment` give both figures, so whatever
  shows a schedule can state them.
* The level payment (等额本息) or level principal (等额本金) is rounded half up to the cent. If, so
  rounded, it would repay the whole balance before the last instalment, it is lowered one cent at a time
  until the balance lasts to the last instalment, which then absorbs the difference. This only happens
  when half a cent a month, compounded over a long term, outgrows the last month's principal (e.g.
  1,000.00 at 10 % over 360 months: 8.7757... rounds to 8.78, which would repay the loan early, so
  the payment is 8.77); the hand examples above never meet it.
* A 等额本息 or 等额本金 schedule must **amortise**: once the level is rounded (and lowered, by the rule
  above), every instalment but the last repays principal of at least 0.01. For 等额本息 that is exactly
  "the level payment is more than the first month's interest": the balance only falls, so the interest
  (rounded half up, which never reverses an order) never rises and every later principal part
  (payment - interest) is at least the first; and the rule above keeps a balance to the last
  instalment, so no principal part is cut short. For 等额本金 it is "P / n, rounded and lowered, is at
  least 0.01". A one-instalment schedule always amortises. Terms that do not amortise are refused with
  :class:`NonAmortisingTermsError`, which carries the figures: an equal-instalment loan whose rounded
  payment only pays the interest has become a balloon loan, and nobody chose that. Example: 1,000.00 at
  36 % over 360 months: the exact payment 30.0007... rounds to 30.00, the first month's interest is
  30.00, so 359 payments of 30.00 repay nothing and the last would be 1,030.00: refused. The same
  rate and term amortise from a larger principal: the rounded payment exceeds the first month's interest
  whenever the exact principal part, P * r / ((1 + r) ** n - 1) with r = annual_rate / 12, is at least
  0.01, i.e. from P = 0.01 * ((1 + r) ** n - 1) / r (about 13,940 here). So whether terms amortise
  depends on the principal too, and is checked on each loan, not on a product. 先息后本 repays all the
  principal with the last instalment by design and is never refused.
* An instalment never repays more principal than the balance still owed, nor less than nothing.
* A zero-rate loan is allowed: it charges no interest, and equal instalment then equals equal principal.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from loanmath.dates import monthly_due_dates
from loanmath.errors import InvalidInputError
from loanmath.money import CENT, ZERO, calculation_context, quantize, require_cents, require_rate

MONTHS_PER_YEAR = 12


class RepaymentMethod(StrEnum):
    """How principal is repaid over the term."""

    EQUAL_INSTALMENT = "equal_instalment"  # 等额本息: the same payment every month (an annuity)
    EQUAL_PRINCIPAL = "equal_principal"  # 等额本金: the same principal every month, interest falling
    INTEREST_ONLY = "interest_only"  # 先息后本: interest monthly, all principal with the last instalment


def _require_loan(*, principal: Decimal, annual_rate: Decimal, months: int) -> None:
    require_cents("principal", principal)
    if principal <= 0:
        raise InvalidInputError(f"principal must be more than zero, got {principal}")
    require_rate("annual_rate", annual_rate)
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        raise InvalidInputError(f"months must be a whole number of at least 1, got {months!r}")


@dataclass(frozen=True)
class LoanTerms:
    """What the contract says: how much, at what yearly rate, over how many monthly instalments, how.

    ``annual_rate`` is the contract's nominal yearly rate as a fraction (0.06 = 6 % a year); each
    month charges one twelfth of it.
    """

    principal: Decimal
    annual_rate: Decimal
    months: int
    first_due_date: date
    method: RepaymentMethod

    def __post_init__(self) -> None:
        _require_loan(principal=self.principal, annual_rate=self.annual_rate, months=self.months)
        # Stored as 120000.00 rather than 120000 so every amount derived from it prints with two places.
        object.__setattr__(self, "principal", quantize(self.principal))


@dataclass(frozen=True)
class Instalment:
    """One line of the schedule. payment = principal + interest; balance_after = balance - principal."""

    number: int
    due_date: date
    principal: Decimal
    interest: Decimal
    payment: Decimal
    balance_after: Decimal


@dataclass(frozen=True)
class Schedule:
    """The terms, every instalment in due order, and the totals over all instalments.

    regular_payment: the payment of every instalment but the last, when they are all the same (等额本息,
        先息后本, 等额本金 at a zero rate); None when they differ (等额本金, whose payments fall as the
        interest does) or when there is only one instalment.
    last_payment: the last instalment's payment, which absorbs the rounding (module docstring): it can
        differ from regular_payment by far more than a few cents, so state both.
    """

    terms: LoanTerms
    instalments: tuple[Instalment, ...]
    total_principal: Decimal = field(init=False)
    total_interest: Decimal = field(init=False)
    total_payment: Decimal = field(init=False)
    regular_payment: Decimal | None = field(init=False)
    last_payment: Decimal = field(init=False)

    def __post_init__(self) -> None:
        # Totals are derived, never passed in, so they cannot disagree with the lines.
        object.__setattr__(self, "total_principal", sum((i.principal for i in self.instalments), ZERO))
        object.__setattr__(self, "total_interest", sum((i.interest for i in self.instalments), ZERO))
        object.__setattr__(self, "total_payment", sum((i.payment for i in self.instalments), ZERO))
        before_last = {i.payment for i in self.instalments[:-1]}
        object.__setattr__(self, "regular_payment", before_last.pop() if len(before_last) == 1 else None)
        object.__setattr__(self, "last_payment", self.instalments[-1].payment)


class NonAmortisingTermsError(InvalidInputError):
    """等额本息 or 等额本金 terms whose rounded level repays no principal before the last instalment
    (the module docstring defines "amortise"): the loan would be a balloon loan in disguise.

    terms: the terms refused. instalment: the first instalment that repays no principal (for these
    methods always the first, number 1). payment and interest: that instalment's payment and interest,
    equal since it repays no principal (the payment only covers the interest); level: the rounded level
    payment (等额本息) or level principal (等额本金) after the cent-lowering rule; last_payment: what the
    last instalment would have been (the whole principal and its interest).
    """

    def __init__(
        self, *, terms: LoanTerms, instalment: Instalment, level: Decimal, last_payment: Decimal
    ) -> None:
        self.terms = terms
        self.instalment = instalment
        self.payment = instalment.payment
        self.interest = instalment.interest
        self.level = level
        self.last_payment = last_payment
        what = "payment" if terms.method is RepaymentMethod.EQUAL_INSTALMENT else "principal"
        super().__init__(
            f"{terms.principal} at {terms.annual_rate} over {terms.months} months does not amortise: the "
            f"level {what} {level} repays no principal in instalment {instalment.number} (payment "
            f"{self.payment}, interest {self.interest}), so all of it would fall due with the last instalment"
        )


def monthly_interest(*, balance: Decimal, annual_rate: Decimal) -> Decimal:
    """One month's contract interest: balance * annual_rate / 12, rounded half up to the cent."""
    with calculation_context():
        return quantize(balance * annual_rate / MONTHS_PER_YEAR)


def annuity_payment(*, principal: Decimal, annual_rate: Decimal, months: int) -> Decimal:
    """The equal monthly payment (等额本息) that repays ``principal`` over ``months`` months.

    payment = P * r / (1 - (1 + r) ** -n), with r = annual_rate / 12 and n = months, rounded half up
    to the cent. With a zero rate, payment = P / n rounded half up.

    Example: 120,000.00 at 6 % over 12 months: r = 0.005, payment = 10,327.97.
    """
    _require_loan(principal=principal, annual_rate=annual_rate, months=months)
    with calculation_context():
        if annual_rate == 0:
            return quantize(principal / months)
        monthly_rate = annual_rate / MONTHS_PER_YEAR
        return quantize(principal * monthly_rate / (1 - (1 + monthly_rate) ** -months))


def _amortise(
    terms: LoanTerms, level: Decimal, planned_principal: Callable[[Decimal, Decimal], Decimal]
) -> tuple[Instalment, ...]:
    instalments: list[Instalment] = []
    balance = terms.principal
    for number, due_date in enumerate(monthly_due_dates(terms.first_due_date, terms.months), start=1):
        interest = monthly_interest(balance=balance, annual_rate=terms.annual_rate)
        if number == terms.months:
            principal = balance
        else:
            principal = min(max(planned_principal(level, interest), ZERO), balance)
        balance -= principal
        instalments.append(
            Instalment(
                number=number,
                due_date=due_date,
                principal=principal,
                interest=interest,
                payment=principal + interest,
                balance_after=balance,
            )
        )
    return tuple(instalments)


def _level_payment_principal(payment: Decimal, interest: Decimal) -> Decimal:
    return payment - interest


def _level_principal(principal: Decimal, interest: Decimal) -> Decimal:
    return principal


def _no_principal(level: Decimal, interest: Decimal) -> Decimal:
    return ZERO


def _repaid_before_the_last_instalment(instalments: tuple[Instalment, ...]) -> bool:
    return len(instalments) > 1 and instalments[-2].balance_after == 0


def build_schedule(terms: LoanTerms) -> Schedule:
    """The full schedule for ``terms``, by the rules in this module's docstring.

    Raises NonAmortisingTermsError for 等额本息 or 等额本金 terms that do not amortise.
    """
    if terms.method is RepaymentMethod.INTEREST_ONLY:
        return Schedule(terms=terms, instalments=_amortise(terms, ZERO, _no_principal))
    planned_principal: Callable[[Decimal, Decimal], Decimal]
    if terms.method is RepaymentMethod.EQUAL_INSTALMENT:
        level = annuity_payment(principal=terms.principal, annual_rate=terms.annual_rate, months=terms.months)
        planned_principal = _level_payment_principal
    else:
        with calculation_context():
            level = quantize(terms.principal / terms.months)
        planned_principal = _level_principal
    instalments = _amortise(terms, level, planned_principal)
    while _repaid_before_the_last_instalment(instalments) and level > 0:
        level -= CENT
        instalments = _amortise(terms, level, planned_principal)
    for instalment in instalments[:-1]:
        if instalment.principal <= 0:
            raise NonAmortisingTermsError(
                terms=terms, instalment=instalment, level=level, last_payment=instalments[-1].payment
            )
    return Schedule(terms=terms, instalments=instalments)


def _by_method(
    method: RepaymentMethod, principal: Decimal, annual_rate: Decimal, months: int, first_due_date: date, /
) -> Schedule:
    """What the three named schedules below are: `build_schedule` with their method (positional: the
    callers are those three, right below)."""
    return build_schedule(
        LoanTerms(
            principal=principal,
            annual_rate=annual_rate,
            months=months,
            first_due_date=first_due_date,
            method=method,
        )
    )


def equal_instalment_schedule(
    *, principal: Decimal, annual_rate: Decimal, months: int, first_due_date: date
) -> Schedule:
    """等额本息: the same payment every month but the last; interest falls and principal rises over time.

    Each month: interest = balance * annual_rate / 12 (to the cent); principal = payment - interest.
    The last month repays the balance left plus its interest.
    """
    return _by_method(RepaymentMethod.EQUAL_INSTALMENT, principal, annual_rate, months, first_due_date)


def equal_principal_schedule(
    *, principal: Decimal, annual_rate: Decimal, months: int, first_due_date: date
) -> Schedule:
    """等额本金: principal P / n (to the cent) every month, plus interest on the balance, so payments fall.

    The last month repays the balance left, which absorbs the rounding of P / n.
    Example: 120,000.00 at 6 % over 12 months: principal 10,000.00 a month; interest 600.00, 550.00,
    ..., 50.00; total interest 3,900.00.
    """
    return _by_method(RepaymentMethod.EQUAL_PRINCIPAL, principal, annual_rate, months, first_due_date)


def interest_only_schedule(
    *, principal: Decimal, annual_rate: Decimal, months: int, first_due_date: date
) -> Schedule:
    """先息后本: interest P * annual_rate / 12 every month; the whole principal with the last instalment."""
    return _by_method(RepaymentMethod.INTEREST_ONLY, principal, annual_rate, months, first_due_date)
