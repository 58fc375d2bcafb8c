"""Prove that the balances cached on loans, instalments and payments agree with the ledger.

The ledger is the truth; `Loan.*_balance`, the charged/paid amounts on `Instalment` and
`Payment.unapplied` are caches written in the same transaction as the entries that explain them. This
module recomputes every cache from the ledger and lists each disagreement:

* a loan's principal, interest, fee and penalty balances = the sums of its entries' columns;
* per instalment: interest_billed = interest of its INTEREST_DUE entries, fees_charged = fees of its
  LATE_FEE entries, penalty_charged = penalty of its PENALTY_INTEREST entries, each with its WAIVER and
  RESTRUCTURE entries (a waiver takes a charge off; a restructuring moves what was unpaid from an old
  instalment onto the new ones), and each *_paid = minus the matching column of its PAYMENT entries
  (payments are negative from the borrower's side);
* the instalments' unpaid principal adds up to the loan's principal balance;
* a payment's ledger lines (with the sign turned) plus its unapplied amount = the amount received;
* the loan's cost cap base and its date = loanmath.cost_cap_base_after_payment applied to its payments
  in the order they were recorded (which is their date order: a payment is never dated before the loan's
  last closed day), each at the cap in force when it was recorded, from the principal on the
  disbursement date.

It runs a fixed number of aggregate queries, whatever the size of the book: each is grouped by loan and
read in loan-id order, and the streams are walked side by side, so no more than one loan's rows is
held in memory at a time.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django.db.models import Count, DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

import loanmath
from borrowers.models import Instalment, LedgerEntry, Loan, Payment
from loanmath import ZERO, quantize

Row = dict[str, Any]
T = TypeVar("T")

# Rows fetched per round trip by .iterator(): large enough to keep round trips few, small enough that
# memory stays flat on a big book.
FETCH_SIZE = 2000


@dataclass(frozen=True)
class Mismatch:
    loan_reference: str
    what: str
    expected: Decimal  # from the ledger
    found: Decimal  # the cached value


@dataclass(frozen=True)
class ReconciliationReport:
    loans_checked: int
    entries: int
    payments: int
    mismatches: tuple[Mismatch, ...] = field(default=())

    @property
    def agrees(self) -> bool:
        return not self.mismatches


class _ByLoan(Generic[T]):
    """Rows sorted by loan id, taken a loan at a time as the loans are walked in id order."""

    def __init__(self, rows: Iterable[tuple[int, T]]) -> None:
        self._rows: Iterator[tuple[int, T]] = iter(rows)
        self._next = next(self._rows, None)

    def take(self, loan_id: int) -> list[T]:
        while self._next is not None and self._next[0] < loan_id:
            self._next = next(self._rows, None)
        taken = []
        while self._next is not None and self._next[0] == loan_id:
            taken.append(self._next[1])
            self._next = next(self._rows, None)
        return taken


def _sum(expression: Any, **kwargs: Any) -> Coalesce:
    money: DecimalField[Decimal, Decimal] = DecimalField(max_digits=16, decimal_places=2)
    return Coalesce(Sum(expression, output_field=money, **kwargs), Value(ZERO), output_field=money)


def _cents(value: Decimal | int | None) -> Decimal:
    # SQLite sums decimals as floats; rounding to the cent makes both databases compare the same way.
    return quantize(Decimal(value or 0))


def _keyed(rows: Iterable[Any], key: str = "loan_id") -> Iterator[tuple[int, Row]]:
    return ((row[key], row) for row in rows)


@dataclass(frozen=True)
class _Checker:
    """Compares one loan's cached values with the ledger's, adding each disagreement to `mismatches`."""

    loan_reference: str
    mismatches: list[Mismatch]

    def __call__(self, what: str, expected: Decimal | int | None, found: Decimal | int | None) -> None:
        if (expected or 0) == (found or 0):
            return  # the common case, without the cost of rounding
        if _cents(expected) != _cents(found):
            self.mismatches.append(Mismatch(self.loan_reference, what, _cents(expected), _cents(found)))


def reconcile() -> ReconciliationReport:
    """Check every loan against its ledger, in 5 queries whatever the number of loans."""
    kinds = LedgerEntry.Kind
    moved = (kinds.WAIVER, kinds.RESTRUCTURE)
    # Each of the instalment's running totals (Instalment.LEDGER_TOTALS) as its ledger entries add up to
    # it, in the order the mismatches are listed: charges by their entries' kind, then payments.
    from_ledger_totals = {
        "interest_billed": _sum("interest", filter=Q(kind__in=[kinds.INTEREST_DUE, *moved])),
        "fees_charged": _sum("fees", filter=Q(kind__in=[kinds.LATE_FEE, *moved])),
        "penalty_charged": _sum("penalty", filter=Q(kind__in=[kinds.PENALTY_INTEREST, *moved])),
        "principal_paid": _sum(-F("principal"), filter=Q(kind=kinds.PAYMENT)),
        "interest_paid": _sum(-F("interest"), filter=Q(kind=kinds.PAYMENT)),
        "fees_paid": _sum(-F("fees"), filter=Q(kind=kinds.PAYMENT)),
        "penalty_paid": _sum(-F("penalty"), filter=Q(kind=kinds.PAYMENT)),
    }
    loans = Loan.objects.order_by("pk").values(
        "pk",
        "reference",
        "principal_balance",
        "interest_balance",
        "fee_balance",
        "penalty_balance",
        "principal",
        "disbursed_on",
        "cost_cap_base",
        "cost_cap_base_on",
        "product__overdue_policy__annual_cost_cap",
    )
    ledger_by_loan = _ByLoan(
        _keyed(
            LedgerEntry.objects.order_by("loan_id")
            .values("loan_id")
            .annotate(
                principal=_sum("principal"),
                interest=_sum("interest"),
                fees=_sum("fees"),
                penalty=_sum("penalty"),
                entries=Count("pk"),
            )
            .values("loan_id", "principal", "interest", "fees", "penalty", "entries")
            .iterator(chunk_size=FETCH_SIZE)
        )
    )
    instalments_by_loan = _ByLoan(
        _keyed(
            Instalment.objects.order_by("loan_id", "number")
            .values("pk", "loan_id", "number", "principal", *from_ledger_totals)
            .iterator(chunk_size=FETCH_SIZE)
        )
    )
    ledger_by_instalment = _ByLoan(
        _keyed(
            LedgerEntry.objects.filter(instalment__isnull=False)
            .order_by("loan_id", "instalment_id")
            .values("loan_id", "instalment_id")
            .annotate(**from_ledger_totals)
            .iterator(chunk_size=FETCH_SIZE)
        )
    )
    payments_by_loan = _ByLoan(
        _keyed(
            Payment.objects.order_by("loan_id", "pk")
            .values("pk", "loan_id", "receipt_number", "amount", "unapplied", "paid_on", "cost_cap_rate")
            .annotate(
                allocated=_sum(
                    -(
                        F("ledger_entries__principal")
                        + F("ledger_entries__interest")
                        + F("ledger_entries__fees")
                        + F("ledger_entries__penalty")
                    )
                )
            )
            .iterator(chunk_size=FETCH_SIZE)
        )
    )

    mismatches: list[Mismatch] = []
    loans_checked = entries = payments = 0
    for loan in loans.iterator(chunk_size=FETCH_SIZE):
        loans_checked += 1
        check = _Checker(loan["reference"], mismatches)
        ledger = next(iter(ledger_by_loan.take(loan["pk"])), None) or {}
        entries += ledger.get("entries", 0)
        check(_("principal balance"), ledger.get("principal"), loan["principal_balance"])
        check(_("interest balance"), ledger.get("interest"), loan["interest_balance"])
        check(_("late fee balance"), ledger.get("fees"), loan["fee_balance"])
        check(_("penalty interest balance"), ledger.get("penalty"), loan["penalty_balance"])

        instalments = instalments_by_loan.take(loan["pk"])
        ledger_lines = {row["instalment_id"]: row for row in ledger_by_instalment.take(loan["pk"])}
        for instalment in instalments:
            from_ledger = ledger_lines.get(instalment["pk"], {})
            for cached in from_ledger_totals:
                check(
                    _("instalment %(number)d %(field)s") % {"number": instalment["number"], "field": cached},
                    from_ledger.get(cached),
                    instalment[cached],
                )
        check(
            _("principal balance against the instalments' unpaid principal"),
            sum((_cents(i["principal"]) - _cents(i["principal_paid"]) for i in instalments), ZERO),
            loan["principal_balance"],
        )

        policy = loanmath.OverduePolicy(annual_cost_cap=loan["product__overdue_policy__annual_cost_cap"])
        base, base_on = _cents(loan["principal"]), loan["disbursed_on"]
        for payment in payments_by_loan.take(loan["pk"]):
            payments += 1
            check(
                _("payment %(receipt)s: allocated + unapplied") % {"receipt": payment["receipt_number"]},
                payment["amount"],
                _cents(payment["allocated"]) + _cents(payment["unapplied"]),
            )
            # At the cap in force when the payment was recorded (older payments: the policy's cap).
            at_the_time = (
                loanmath.OverduePolicy(annual_cost_cap=payment["cost_cap_rate"])
                if payment["cost_cap_rate"] is not None
                else policy
            )
            base = loanmath.cost_cap_base_after_payment(
                base=base,
                base_on=base_on,
                paid_on=payment["paid_on"],
                amount=_cents(payment["amount"]) - _cents(payment["unapplied"]),
                policy=at_the_time,
            )
            base_on = payment["paid_on"]
        check(_("cost cap base"), base, loan["cost_cap_base"])
        if base_on != loan["cost_cap_base_on"]:
            mismatches.append(
                Mismatch(
                    loan["reference"],
                    _("cost cap base date %(date)s") % {"date": loan["cost_cap_base_on"]},
                    ZERO,
                    ZERO,
                )
            )

    return ReconciliationReport(
        loans_checked=loans_checked, entries=entries, payments=payments, mismatches=tuple(mismatches)
    )
