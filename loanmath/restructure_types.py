"""The terms, positions and plans of :mod:`loanmath.restructure` (the rules are stated there).

Plain frozen dataclasses: what staff or a borrower choose (:class:`OptionTerms`), the loan as a
restructuring starts from it (:class:`RestructurePosition`), and what an option works out to
(:class:`NewInstalment`, :class:`RestructurePlan`), with :func:`spread`, the one rule for dividing an
amount into equal parts to the fen.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum

from loanmath.errors import InvalidInputError
from loanmath.money import CENT, ZERO, calculation_context, require_cents, require_rate
from loanmath.open_items import OpenInstalment, require_distinct_numbers

EXTENSION_MONTHS_MAX = 60
FREEZE_MONTHS_MAX = 60
HOLIDAY_MONTHS_MAX = 3
ARREARS_PLAN_MONTHS_MAX = 24


class OptionKind(StrEnum):
    EXTENSION = "extension"
    HOLIDAY = "holiday"
    LOWER_RATE = "lower_rate"
    FREEZE = "freeze"
    ARREARS_PLAN = "arrears_plan"
    WAIVER = "waiver"


@dataclass(frozen=True)
class OptionTerms:
    """What staff or the borrower choose: the kind and its one or two figures."""

    kind: OptionKind
    months: int = 0
    annual_rate: Decimal | None = None
    interest_during_holiday: bool = True
    waive_fees_and_penalty: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", OptionKind(self.kind))
        if isinstance(self.months, bool) or not isinstance(self.months, int):
            raise InvalidInputError(f"months must be a whole number, got {self.months!r}")
        limits = {
            OptionKind.EXTENSION: (2, EXTENSION_MONTHS_MAX),
            OptionKind.HOLIDAY: (1, HOLIDAY_MONTHS_MAX),
            OptionKind.FREEZE: (1, FREEZE_MONTHS_MAX),
            OptionKind.ARREARS_PLAN: (1, ARREARS_PLAN_MONTHS_MAX),
        }
        if self.kind in limits:
            low, high = limits[self.kind]
            if not low <= self.months <= high:
                raise InvalidInputError(f"{self.kind} takes {low} to {high} months, got {self.months}")
        if self.kind is OptionKind.LOWER_RATE:
            if self.annual_rate is None:
                raise InvalidInputError("a lower rate needs the rate")
            require_rate("annual_rate", self.annual_rate)
        if self.kind is OptionKind.WAIVER:
            object.__setattr__(self, "waive_fees_and_penalty", True)

    def as_dict(self) -> dict[str, str | int | bool]:
        """The terms as JSON-safe values (stored with an offer, read back by :meth:`from_dict`)."""
        return {
            "kind": self.kind.value,
            "months": self.months,
            "annual_rate": "" if self.annual_rate is None else str(self.annual_rate),
            "interest_during_holiday": self.interest_during_holiday,
            "waive_fees_and_penalty": self.waive_fees_and_penalty,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> "OptionTerms":
        rate = data.get("annual_rate") or None
        return cls(
            kind=OptionKind(str(data["kind"])),
            months=int(str(data.get("months", 0))),
            annual_rate=Decimal(str(rate)) if rate is not None else None,
            interest_during_holiday=bool(data.get("interest_during_holiday", True)),
            waive_fees_and_penalty=bool(data.get("waive_fees_and_penalty", False)),
        )


@dataclass(frozen=True)
class RestructurePosition:
    """A loan on the day a restructuring is worked out: its open instalments (as the ledger has them after
    that day's close of business) and its contract rate."""

    on: date
    annual_rate: Decimal
    instalments: tuple[OpenInstalment, ...]

    def __post_init__(self) -> None:
        require_rate("annual_rate", self.annual_rate)
        object.__setattr__(
            self, "instalments", tuple(sorted(self.instalments, key=lambda i: (i.due_date, i.number)))
        )
        require_distinct_numbers(self.instalments)

    @property
    def overdue(self) -> tuple[OpenInstalment, ...]:
        return tuple(i for i in self.instalments if i.due_date <= self.on)

    @property
    def not_yet_due(self) -> tuple[OpenInstalment, ...]:
        return tuple(i for i in self.instalments if i.due_date > self.on)

    @property
    def principal(self) -> Decimal:
        return sum((i.principal for i in self.instalments), ZERO)

    @property
    def interest_billed(self) -> Decimal:
        return sum((i.interest - i.unbilled_interest for i in self.instalments), ZERO)

    @property
    def interest_unbilled(self) -> Decimal:
        return sum((i.unbilled_interest for i in self.instalments), ZERO)

    @property
    def fees(self) -> Decimal:
        return sum((i.fees for i in self.instalments), ZERO)

    @property
    def penalty(self) -> Decimal:
        return sum((i.penalty for i in self.instalments), ZERO)

    @property
    def owed(self) -> Decimal:
        """What is owed on ``on``: principal (due or not), interest fallen due, fees and penalty."""
        return self.principal + self.interest_billed + self.fees + self.penalty

    @property
    def months_left(self) -> int:
        """The instalments still to fall due (at least 1: a loan all overdue is given one)."""
        return max(1, len(self.not_yet_due))


@dataclass(frozen=True)
class NewInstalment:
    """One instalment of the new schedule.

    interest: all the interest due on it; of which ``interest_carried`` has already fallen due (carried
        from the old schedule, owed now) and ``interest_fixed`` is scheduled but not to be worked out again
        if principal is repaid early (a payment holiday's deferred interest); the rest is contract
        interest on the new schedule's balance.
    fees, penalty: late fees and penalty interest carried from the old schedule (owed now).
    """

    due_date: date
    principal: Decimal
    interest: Decimal
    interest_carried: Decimal = ZERO
    interest_fixed: Decimal = ZERO
    fees: Decimal = ZERO
    penalty: Decimal = ZERO

    def __post_init__(self) -> None:
        for name in ("principal", "interest", "interest_carried", "interest_fixed", "fees", "penalty"):
            require_cents(name, getattr(self, name))
            if getattr(self, name) < 0:
                raise InvalidInputError(f"a new instalment's {name} cannot be negative")
        if self.interest_carried + self.interest_fixed > self.interest:
            raise InvalidInputError("carried and fixed interest are parts of the instalment's interest")

    @property
    def payment(self) -> Decimal:
        return self.principal + self.interest + self.fees + self.penalty


@dataclass(frozen=True)
class RestructurePlan:
    """An option worked out for one loan: its new schedule and its figures."""

    terms: OptionTerms
    on: date
    annual_rate: Decimal
    instalments: tuple[NewInstalment, ...]
    owed_before: Decimal
    waived_fees: Decimal
    waived_penalty: Decimal
    interest_given_up: Decimal
    charges_paused_through: date | None
    apr: Decimal | None
    apr_today: Decimal | None
    total_today: Decimal
    total_to_pay: Decimal = field(init=False)
    given_up: Decimal = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "total_to_pay", sum((i.payment for i in self.instalments), ZERO))
        object.__setattr__(self, "given_up", self.waived_fees + self.waived_penalty + self.interest_given_up)

    @property
    def waived(self) -> Decimal:
        return self.waived_fees + self.waived_penalty

    @property
    def monthly_payment(self) -> Decimal:
        """The new schedule's monthly payment, what the budget must carry (:func:`monthly_payment_of`)."""
        return monthly_payment_of([i.payment for i in self.instalments])

    @property
    def holiday_payment(self) -> Decimal | None:
        """A payment holiday's monthly payment during the holiday (the interest, or nothing)."""
        if self.terms.kind is not OptionKind.HOLIDAY or not self.instalments:
            return None
        return self.instalments[0].payment

    @property
    def first_payment(self) -> Decimal:
        return self.instalments[0].payment if self.instalments else ZERO

    @property
    def first_due_date(self) -> date | None:
        return self.instalments[0].due_date if self.instalments else None

    @property
    def end_date(self) -> date | None:
        return self.instalments[-1].due_date if self.instalments else None

    @property
    def principal(self) -> Decimal:
        return sum((i.principal for i in self.instalments), ZERO)


def monthly_payment_of(payments: Sequence[Decimal]) -> Decimal:
    """The monthly payment of a schedule's payments in date order: the largest but the last's (the last
    absorbs the rounding of the others, as in :mod:`loanmath.schedule`, so it can be a few fen more); the
    only payment when there is one; zero for none."""
    return max(list(payments[:-1]) or list(payments), default=ZERO)


def spread(amount: Decimal, parts: int) -> tuple[Decimal, ...]:
    """``amount`` in ``parts`` equal parts rounded down to the fen, the last taking the remainder."""
    if parts < 1:
        raise InvalidInputError(f"cannot spread over {parts} parts")
    with calculation_context():
        share = (amount / parts).quantize(CENT, rounding=ROUND_DOWN)
    return (*([share] * (parts - 1)), amount - share * (parts - 1))
