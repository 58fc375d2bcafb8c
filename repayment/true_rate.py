"""A contract's real rate from what the borrower pays (/plan/rate/): the contract's figures, their cash
flows, and the rates and totals the page shows. Read-only arithmetic over loanmath; the view turns a
refusal into a message beside the form's field."""

from dataclasses import dataclass
from decimal import Decimal

import loanmath
from loanmath import ZERO
from repayment.selectors import as_percent

# Beyond 100 % a month (over 409,500 % a year compounded) a rate tells a borrower nothing a mistyped amount
# does not explain better; it also keeps (1 + r) ** 12 well inside loanmath.Apr's 50-digit arithmetic.
TRUE_RATE_MONTHLY_MAX = Decimal(1)


@dataclass(frozen=True)
class ContractPayments:
    """A contract's figures as the borrower typed them, to the fen: the money out and the money back."""

    principal: Decimal  # the loan amount on the contract
    received: Decimal  # what reached the borrower: the principal unless a fee was taken out of it first
    payment: Decimal  # each month's payment, the last excepted
    months: int
    last_payment: Decimal  # the same as ``payment`` unless the schedule's last instalment differs
    fee: Decimal  # a fee on top of the payments (0.00 when there is none)
    fee_monthly: bool  # paid with every payment; otherwise once, when the money is paid out

    @property
    def paid_at_start(self) -> Decimal:
        """A fee paid once, when the money is paid out (0.00 for a monthly fee)."""
        return ZERO if self.fee_monthly else self.fee

    def cash_flows(self) -> tuple[Decimal, ...]:
        """Month by month from the lender's side (loanmath.apr's convention): minus what the borrower had
        the use of at the start (what they received, less a fee they paid then), then each month's
        payment with the monthly fee."""
        monthly_fee = self.fee if self.fee_monthly else ZERO
        payments = [self.payment] * (self.months - 1) + [self.last_payment]
        return (self.paid_at_start - self.received, *(payment + monthly_fee for payment in payments))

    @property
    def total_paid(self) -> Decimal:
        """Every payment and fee."""
        return sum(self.cash_flows()[1:], self.paid_at_start)


@dataclass(frozen=True)
class TrueRateView:
    """A contract's real cost. Rates are percentages rounded half up to 2 places (selectors.as_percent)."""

    contract: ContractPayments
    monthly_percent: Decimal  # the monthly IRR of the money that changes hands
    nominal_percent: Decimal  # monthly IRR × 12
    effective_percent: Decimal  # (1 + monthly IRR) ** 12 - 1
    total_paid: Decimal  # every payment and fee
    total_cost: Decimal  # total paid less what was received
    taken_at_start: Decimal  # fees at the start: taken out of the loan, or paid when it was paid out
    usable: Decimal  # the contract's amount less those fees: the money the borrower had the use of


class TrueRateRefusedError(Exception):
    """The figures describe no loan: `reason` is "never_repays" (everything paid is less than what was
    received) or "too_dear" (no rate, or more than TRUE_RATE_MONTHLY_MAX a month)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def true_rate_view(contract: ContractPayments) -> TrueRateView:
    """The contract's rates and totals; raises TrueRateRefusedError when the figures describe no loan."""
    total_paid = contract.total_paid
    if total_paid < contract.received:
        raise TrueRateRefusedError("never_repays")
    try:
        monthly = loanmath.periodic_irr(contract.cash_flows())
    except loanmath.NoIrrSolutionError as error:
        # Payments and what was received both exist (the form sees to it): no rate means one too high.
        raise TrueRateRefusedError("too_dear") from error
    if monthly > TRUE_RATE_MONTHLY_MAX:
        raise TrueRateRefusedError("too_dear")
    apr = loanmath.Apr(periodic_rate=monthly)
    return TrueRateView(
        contract=contract,
        monthly_percent=as_percent(monthly),
        nominal_percent=as_percent(apr.nominal_annual_rate),
        effective_percent=as_percent(apr.effective_annual_rate),
        total_paid=total_paid,
        total_cost=total_paid - contract.received,
        taken_at_start=contract.principal - contract.received + contract.paid_at_start,
        usable=contract.received - contract.paid_at_start,
    )
