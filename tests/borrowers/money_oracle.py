"""An independent model of the money engine (issue 11), for tests: a day-by-day simulation of one loan,
the cost cap worked out from its definition, and an IRR by bisection.

Nothing here imports loanmath, the models or the services: the rules are written down again from the
issue, in the plainest way (one instalment, one day at a time), so a test can hold the engine to them.

* The cap c is a nominal yearly rate compounded monthly: money grows by (1 + c/12) ** (12 × days / 365)
  (tests/loanmath/cap_oracle.py).
* Each day D (close of business at the start of D): contract interest of instalments due on D falls due
  (granted first under the cost cap, before fees and penalty; what the cap forgoes is taken off the
  schedule);
  a late fee on due + grace + 1 if principal + interest is unpaid; penalty interest on unpaid principal
  (the period's figure rounded half up once, each day adding the increase); then the fees (oldest
  instalment first), then the penalties (oldest first) are granted up to limit(D) - owed, where
  limit(D) = floor_fen(base × growth(D - base_on)), and what does not fit is forgone.
* A payment on D comes after D's close. Refund products pay only what has fallen due; prepay products
  also take the current period's instalment in full (billing its interest early) and then future
  principal, latest instalment first, and the interest of periods not yet begun is repriced on the
  principal left. After a payment the base is floor_fen(limit) - money kept, dated D.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from tests.loanmath.cap_oracle import PRECISE, cap_growth, exact_limit, floor_fen, half_up, irr


def bucket_of(days_past_due: int) -> str:
    if days_past_due <= 0:
        return "current"
    if days_past_due <= 30:
        return "M1"
    if days_past_due <= 60:
        return "M2"
    if days_past_due <= 90:
        return "M3"
    return "M3+"


@dataclass(frozen=True)
class Terms:
    grace_days: int
    late_fee_flat: Decimal
    late_fee_rate: Decimal
    penalty_rate: Decimal
    days_in_year: int
    cap: Decimal
    contract_rate: Decimal
    refund: bool  # OverpaymentHandling.REFUND; else prepay principal


@dataclass
class Line:
    """One instalment as the oracle keeps it."""

    number: int
    due_date: date
    principal: Decimal
    interest: Decimal
    billed: Decimal = Decimal("0.00")
    principal_paid: Decimal = Decimal("0.00")
    interest_paid: Decimal = Decimal("0.00")
    fees: Decimal = Decimal("0.00")
    fees_paid: Decimal = Decimal("0.00")
    penalty: Decimal = Decimal("0.00")
    penalty_paid: Decimal = Decimal("0.00")
    penalty_from: date | None = None
    penalty_formula: Decimal = Decimal("0.00")

    @property
    def principal_unpaid(self) -> Decimal:
        return self.principal - self.principal_paid

    @property
    def interest_unpaid(self) -> Decimal:
        return self.billed - self.interest_paid

    @property
    def owed(self) -> Decimal:
        """What this instalment adds to the ledger balance."""
        return (
            self.principal_unpaid
            + self.interest_unpaid
            + (self.fees - self.fees_paid)
            + (self.penalty - self.penalty_paid)
        )

    @property
    def settled(self) -> bool:
        return (
            self.principal_unpaid == 0
            and self.interest_paid == self.interest
            and self.fees == self.fees_paid
            and self.penalty == self.penalty_paid
        )


@dataclass(frozen=True)
class Charge:
    """A late fee or a day's penalty interest as proposed by its formula, and what the cap let through."""

    kind: str  # "interest_due", "late_fee" or "penalty_interest"
    day: date
    number: int
    formula: Decimal
    granted: Decimal

    @property
    def trimmed(self) -> Decimal:
        return self.formula - self.granted


@dataclass
class Oracle:
    """One loan, simulated from its schedule (number, due date, principal, interest)."""

    terms: Terms
    principal: Decimal
    disbursed_on: date
    lines: list[Line]
    closed_through: date = field(init=False)
    base: Decimal = field(init=False)
    base_on: date = field(init=False)
    charges: list[Charge] = field(default_factory=list)
    interest_days: list[tuple[date, int, Decimal]] = field(default_factory=list)
    payments: list[tuple[date, Decimal]] = field(default_factory=list)  # (paid on, money kept)
    refunds: list[Decimal] = field(default_factory=list)
    days_past_due: int = 0
    bucket: str = "current"
    bucket_moves: list[tuple[date, str]] = field(default_factory=list)
    owed_by_day: dict[date, Decimal] = field(default_factory=dict)  # at the end of each day
    owed_after_close: dict[date, Decimal] = field(default_factory=dict)  # before that day's payments
    paid_off: bool = False

    def __post_init__(self) -> None:
        self.lines.sort(key=lambda line: (line.due_date, line.number))
        self.closed_through = self.disbursed_on
        self.base = self.principal
        self.base_on = self.disbursed_on
        self.bucket_moves.append((self.disbursed_on, "current"))
        self.owed_by_day[self.disbursed_on] = self.owed_after_close[self.disbursed_on] = self.principal

    # --- what the ledger shows ------------------------------------------------------------------------
    @property
    def owed(self) -> Decimal:
        return sum((line.owed for line in self.lines), Decimal("0.00"))

    def limit(self, day: date) -> Decimal:
        return floor_fen(PRECISE.multiply(self.base, cap_growth(self.terms.cap, (day - self.base_on).days)))

    def trimmed_days(self) -> set[date]:
        return {charge.day for charge in self.charges if charge.trimmed > 0}

    # --- close of business -----------------------------------------------------------------------------
    def close_through(self, day: date) -> None:
        while self.closed_through < day and not self.paid_off:
            self._close_day(self.closed_through + timedelta(days=1))

    def _close_day(self, day: date) -> None:
        terms = self.terms
        # Contract interest falling due is the first charge granted under the cap, then fees, then penalty.
        proposals: list[tuple[Line, str, Decimal]] = [
            (line, "interest_due", line.interest - line.billed)
            for line in self.lines
            if line.due_date == day and line.billed < line.interest
        ]
        for line in self.lines:
            fee_day = line.due_date + timedelta(days=terms.grace_days + 1)
            overdue = line.principal_unpaid + line.interest_unpaid
            if fee_day == day and overdue > 0:
                fee = half_up(
                    Fraction(terms.late_fee_flat) + Fraction(overdue) * Fraction(terms.late_fee_rate)
                )
                if fee > 0:
                    proposals.append((line, "late_fee", fee))
        for line in self.lines:
            last_grace = line.due_date + timedelta(days=terms.grace_days)
            if line.principal_unpaid <= 0:
                continue
            start = (
                line.penalty_from if line.penalty_from is not None else max(day - timedelta(1), last_grace)
            )
            if day <= start:
                continue
            to_date = half_up(
                Fraction(line.principal_unpaid)
                * Fraction(terms.penalty_rate)
                * (day - start).days
                / terms.days_in_year
            )
            proposals.append((line, "penalty_interest", max(to_date - line.penalty_formula, Decimal(0))))
            line.penalty_formula = max(to_date, line.penalty_formula)
            line.penalty_from = start
        if proposals:
            headroom = max(Decimal("0.00"), self.limit(day) - self.owed)
            for line, kind, formula in proposals:
                granted = min(formula, headroom)
                headroom -= granted
                if kind == "interest_due":
                    # What the cap forgoes comes off the schedule; what is granted falls due.
                    line.interest -= formula - granted
                    line.billed += granted
                    if granted:
                        self.interest_days.append((day, line.number, granted))
                elif kind == "late_fee":
                    line.fees += granted
                else:
                    line.penalty += granted
                self.charges.append(Charge(kind, day, line.number, formula, granted))
        self.closed_through = day
        self._classify(day)
        self.owed_by_day[day] = self.owed_after_close[day] = self.owed

    def _classify(self, day: date) -> None:
        overdue = [line.due_date for line in self.lines if line.due_date < day and not line.settled]
        self.days_past_due = (day - min(overdue)).days if overdue else 0
        bucket = bucket_of(self.days_past_due)
        if bucket != self.bucket:
            self.bucket = bucket
            self.bucket_moves.append((day, bucket))
        if self.owed == 0 and all(line.settled for line in self.lines):
            self.paid_off = True

    # --- payments --------------------------------------------------------------------------------------
    def pay(self, amount: Decimal, day: date) -> Decimal:
        """Record a payment on ``day`` (closing through it first); returns the refund."""
        assert day >= self.closed_through
        self.close_through(day)
        left = amount
        current = None
        if not self.terms.refund:
            current = next((ln for ln in self.lines if ln.due_date > day and not ln.settled), None)
        principal_changed: set[int] = set()
        # Billing the current period's interest early is a charge: at most what the cap leaves room for.
        room = max(Decimal("0.00"), self.limit(day) - self.owed)
        for line in self.lines:
            if not (line.due_date <= day or line is current):
                continue
            unbilled = min(line.interest - line.billed, room) if line.due_date > day else Decimal(0)
            for part in ("penalty", "fees", "interest", "principal"):
                if part == "penalty":
                    take = min(line.penalty - line.penalty_paid, left)
                    line.penalty_paid += take
                elif part == "fees":
                    take = min(line.fees - line.fees_paid, left)
                    line.fees_paid += take
                elif part == "interest":
                    take = min(line.interest_unpaid + unbilled, left)
                    if take > line.interest_unpaid:
                        # The current period's interest, billed when paid; what the cap leaves out is forgone.
                        line.interest = line.billed + unbilled
                        line.billed = line.interest
                    line.interest_paid += take
                else:
                    take = min(line.principal_unpaid, left)
                    line.principal_paid += take
                    if take:
                        principal_changed.add(line.number)
                left -= take
        prepaid = False
        if not self.terms.refund:
            for line in reversed(self.lines):
                if left == 0:
                    break
                if line.due_date > day and line is not current and line.principal_unpaid > 0:
                    take = min(line.principal_unpaid, left)
                    line.principal_paid += take
                    left -= take
                    prepaid = True
        if prepaid and current is not None:
            later = [ln for ln in self.lines if ln.due_date > current.due_date and ln.billed == 0]
            remaining = sum((ln.principal_unpaid for ln in later), Decimal(0))
            for line in later:
                line.interest = (
                    half_up(Fraction(remaining) * Fraction(self.terms.contract_rate) / 12)
                    if remaining > 0
                    else Decimal("0.00")
                )
                remaining -= line.principal_unpaid
        for line in self.lines:
            if line.penalty_from is not None and line.number in principal_changed:
                line.penalty_from = day
                line.penalty_formula = Decimal("0.00")
        kept = amount - left
        self.base = self.limit(day) - kept
        self.base_on = day
        self.payments.append((day, kept))
        self.refunds.append(left)
        self._classify(day)
        self.owed_by_day[day] = self.owed
        return left

    # --- the real cost --------------------------------------------------------------------------------
    def payments_before(self, day: date, *, that_day_too: bool) -> list[tuple[date, Decimal]]:
        return [(p, k) for p, k in self.payments if p < day or (that_day_too and p == day)]

    def irr_on(self, day: date, *, after_close_only: bool = False) -> float:
        """The IRR of (-principal, every payment kept up to ``day``, what is owed then): at the end of
        ``day``, or (``after_close_only``) just after its close of business, before its payments."""
        owed = self.owed_after_close[day] if after_close_only else self.owed_by_day[day]
        flows: list[tuple[date, Decimal]] = [(self.disbursed_on, -self.principal)]
        flows += self.payments_before(day, that_day_too=not after_close_only)
        flows.append((day, owed))
        return irr(disbursed_on=self.disbursed_on, flows=flows)

    def exact_limit_on(self, day: date, *, after_close_only: bool = False) -> Decimal:
        return exact_limit(
            principal=self.principal,
            disbursed_on=self.disbursed_on,
            payments=self.payments_before(day, that_day_too=not after_close_only),
            on=day,
            cap=self.terms.cap,
        )
