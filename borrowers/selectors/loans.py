"""The fetch step of every read of a borrower's loans: their rows as frozen plain data, in a fixed number
of queries, so what is computed from them (cards, the loan page, the planner's debts) is pure functions
over values and cannot reach the database by accident.

`LoanInfo` is one loan with its instalments, its overdue policy (as loanmath's) and that policy's
milestones: three queries for all of a borrower's loans. `LoanBundle` adds the loan's ledger, for its own
page: one query more.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Max, OuterRef, Prefetch, QuerySet, Subquery

import loanmath
from accounts.models import User
from borrowers.models import Instalment, LedgerEntry, Loan, Milestone, PromiseToPay
from borrowers.positions import policy_for_loanmath


class LoanStatusMixin:
    """What other apps ask of a loan's status (a LoanFacts, a LoanCard), rather than its stored value."""

    status: str

    @property
    def is_active(self) -> bool:
        """Still being repaid (not paid off, not written off)."""
        return self.status == Loan.Status.ACTIVE

    @property
    def is_paid_off(self) -> bool:
        return self.status == Loan.Status.PAID_OFF


@dataclass(frozen=True)
class OpenPromise:
    """The loan's open promise to pay: the amount by a date, made on a business date, and what has been
    paid towards it since."""

    amount: Decimal
    pay_by: date
    made_on: date
    paid_towards: Decimal

    @property
    def remaining(self) -> Decimal:
        return max(self.amount - self.paid_towards, loanmath.ZERO)


@dataclass(frozen=True)
class LoanFacts(LoanStatusMixin):
    """The loan's own row, with its product's and borrower's names."""

    id: int
    reference: str
    product_name: str
    borrower_name: str
    customer_number: str
    principal: Decimal
    annual_rate: Decimal
    term_months: int
    method_label: str
    disbursed_on: date
    closed_through: date | None  # the last business date whose charges are in the ledger
    cost_cap_base: Decimal  # the cost cap's running base and its date (loanmath.cost_cap_limit)
    cost_cap_base_on: date
    charges_paused_through: date | None  # no late fee or penalty interest through this date
    status: str
    status_label: str
    overpayment_refunded: bool  # money paid beyond what is due is refunded (else it prepays principal)
    promise_max_days: int = 14  # the longest a promise to pay may wait (the overdue policy's)
    open_promise: OpenPromise | None = None


@dataclass(frozen=True)
class InstalmentInfo:
    """One instalment's scheduled, charged and paid amounts (satisfies positions.InstalmentFigures)."""

    number: int
    due_date: date
    principal: Decimal
    interest: Decimal
    interest_billed: Decimal
    principal_paid: Decimal
    interest_paid: Decimal
    fees_charged: Decimal
    fees_paid: Decimal
    penalty_charged: Decimal
    penalty_paid: Decimal
    penalty_period_start: date | None
    penalty_period_formula: Decimal
    principal_unpaid: Decimal
    interest_unpaid: Decimal
    fees_unpaid: Decimal
    penalty_unpaid: Decimal
    is_settled: bool
    # Restructuring: the one that replaced this instalment (its unpaid amounts moved onto new ones; kept
    # as history), and the one that created it, as (applied on, kind label).
    superseded: bool = False
    created_by_restructure: tuple[date, str] | None = None
    # A replaced instalment's (principal, interest) as scheduled before it was replaced: what the
    # borrower's old schedule showed (display only; the money reads the row's own figures).
    scheduled_before: tuple[Decimal, Decimal] | None = None
    # The business date of the restructuring that replaced it, and the kind of the one that created it.
    superseded_on: date | None = None
    created_by_kind: str = ""
    interest_fixed: Decimal = loanmath.ZERO  # scheduled interest kept if repaid early (a holiday's)


@dataclass(frozen=True)
class MilestoneInfo:
    """Day N past due of the loan's policy, in the reader's language."""

    day: int
    kind: str
    kind_label: str
    text: str


@dataclass(frozen=True)
class LoanInfo:
    loan: LoanFacts
    instalments: tuple[InstalmentInfo, ...]  # by number
    policy: loanmath.OverduePolicy
    milestones: tuple[MilestoneInfo, ...]  # by day, then kind (the order of policy.milestones)


@dataclass(frozen=True)
class LedgerLine:
    """One ledger entry. Amounts are signed from the borrower's side, as in the ledger."""

    business_date: date
    kind: str
    kind_label: str
    instalment_number: int | None
    principal: Decimal
    interest: Decimal
    fees: Decimal
    penalty: Decimal
    total: Decimal
    payment_id: int | None
    reverses_kind: str | None  # for a reversal: the kind of the entry it reverses
    basis: Mapping[str, Any]  # how a charge was worked out (base, rate, flat part, dates)


@dataclass(frozen=True)
class LoanBundle:
    """One loan with its ledger (in date order): everything its page is computed from."""

    info: LoanInfo
    ledger: tuple[LedgerLine, ...]


def _open_promise(loan: Loan) -> OpenPromise | None:
    """The open promise annotated on the loan by `_loans` (no query), if any."""
    amount = getattr(loan, "promise_amount", None)
    if amount is None:
        return None
    return OpenPromise(
        amount=amount,
        pay_by=loan.promise_pay_by,  # type: ignore[attr-defined]
        made_on=loan.promise_made_on,  # type: ignore[attr-defined]
        paid_towards=loan.promise_paid_towards,  # type: ignore[attr-defined]
    )


def loan_facts(loan: Loan) -> LoanFacts:
    """The row of a loan fetched with its product and borrower (and its open promise, when annotated)."""
    return LoanFacts(
        id=loan.pk,
        reference=loan.reference,
        product_name=loan.product.name,
        borrower_name=loan.borrower.full_name,
        customer_number=loan.borrower.customer_number,
        principal=loan.principal,
        annual_rate=loan.annual_rate,
        term_months=loan.term_months,
        method_label=str(
            dict(loan.product._meta.get_field("method").choices or []).get(loan.method, loan.method)
        ),
        disbursed_on=loan.disbursed_on,
        closed_through=loan.closed_through,
        cost_cap_base=loan.cost_cap_base,
        cost_cap_base_on=loan.cost_cap_base_on,
        charges_paused_through=loan.charges_paused_through,
        status=loan.status,
        status_label=str(loan.get_status_display()),
        overpayment_refunded=loan.product.overpayment_handling == loanmath.OverpaymentHandling.REFUND.value,
        promise_max_days=loan.product.overdue_policy.promise_max_days,
        open_promise=_open_promise(loan),
    )


def _instalment_info(inst: Instalment) -> InstalmentInfo:
    return InstalmentInfo(
        number=inst.number,
        due_date=inst.due_date,
        principal=inst.principal,
        interest=inst.interest,
        interest_billed=inst.interest_billed,
        principal_paid=inst.principal_paid,
        interest_paid=inst.interest_paid,
        fees_charged=inst.fees_charged,
        fees_paid=inst.fees_paid,
        penalty_charged=inst.penalty_charged,
        penalty_paid=inst.penalty_paid,
        penalty_period_start=inst.penalty_period_start,
        penalty_period_formula=inst.penalty_period_formula,
        principal_unpaid=inst.principal_unpaid,
        interest_unpaid=inst.interest_unpaid,
        fees_unpaid=inst.fees_unpaid,
        penalty_unpaid=inst.penalty_unpaid,
        is_settled=inst.is_settled,
        superseded=inst.superseded_by_id is not None,
        created_by_restructure=(inst.restructure.applied_on, str(inst.restructure.get_kind_display()))
        if inst.restructure is not None
        else None,
        superseded_on=inst.superseded_by.applied_on if inst.superseded_by is not None else None,
        created_by_kind=inst.restructure.kind if inst.restructure is not None else "",
        interest_fixed=inst.interest_fixed,
        scheduled_before=_scheduled_before(inst),
    )


def _scheduled_before(inst: Instalment) -> tuple[Decimal, Decimal] | None:
    """A replaced instalment's principal and interest as they were scheduled before the restructuring or
    due-day move that replaced it (kept in that record; the row itself now holds only what was paid)."""
    if inst.superseded_by is None:
        return None
    for row in inst.superseded_by.schedule_before:
        if row.get("number") == inst.number:
            return Decimal(str(row["principal"])), Decimal(str(row["interest"]))
    return None


def _loan_info(loan: Loan) -> LoanInfo:
    policy = loan.product.overdue_policy
    return LoanInfo(
        loan=loan_facts(loan),
        instalments=tuple(_instalment_info(inst) for inst in loan.instalments.all()),
        policy=policy_for_loanmath(policy, contract_rate=loan.annual_rate),
        milestones=tuple(
            MilestoneInfo(day=m.day, kind=m.kind, kind_label=str(m.get_kind_display()), text=m.text)
            for m in policy.milestones.all()
        ),
    )


def _open_promise_field(name: str) -> Subquery:
    return Subquery(
        PromiseToPay.objects.filter(loan=OuterRef("pk"), status=PromiseToPay.Status.OPEN).values(name)[:1]
    )


def _loans(user: User) -> QuerySet[Loan]:
    return (
        Loan.objects.filter(borrower__user=user)
        .select_related("product__overdue_policy", "borrower")
        # The open promise (one at most, held by the database) rides on the loan's row: no query more.
        .annotate(
            promise_amount=_open_promise_field("amount"),
            promise_pay_by=_open_promise_field("pay_by"),
            promise_made_on=_open_promise_field("made_on"),
            promise_paid_towards=_open_promise_field("paid_towards"),
        )
        .prefetch_related(
            Prefetch(
                "instalments",
                queryset=Instalment.objects.order_by("number").select_related("restructure", "superseded_by"),
            ),
            Prefetch(
                "product__overdue_policy__milestones", queryset=Milestone.objects.order_by("day", "kind")
            ),
        )
        .order_by("status", "disbursed_on", "reference")
    )


def borrower_loan_infos(*, user: User) -> list[LoanInfo]:
    """Every loan of the borrower (paid off after active, then by disbursement). Three queries, whatever
    the count."""
    return [_loan_info(loan) for loan in _loans(user)]


def ledger_lines(*, loan_id: int) -> tuple[LedgerLine, ...]:
    """The loan's ledger in date order. One query."""
    entries = (
        LedgerEntry.objects.filter(loan_id=loan_id)
        .select_related("instalment", "reverses")
        .order_by("business_date", "id")
    )
    return tuple(
        LedgerLine(
            business_date=e.business_date,
            kind=e.kind,
            kind_label=str(e.get_kind_display()),
            instalment_number=e.instalment.number if e.instalment else None,
            principal=e.principal,
            interest=e.interest,
            fees=e.fees,
            penalty=e.penalty,
            total=e.total,
            payment_id=e.payment_id,
            reverses_kind=e.reverses.kind if e.reverses else None,
            basis=e.basis,
        )
        for e in entries
    )


def borrower_loan(*, user: User, reference: str) -> LoanBundle | None:
    """One of the signed-in borrower's loans with its ledger, or None unless that loan is theirs (the view
    answers 404: another borrower's loan and no loan look the same). Four queries."""
    loan = _loans(user).filter(reference=reference.upper()).first()
    if loan is None:
        return None
    return LoanBundle(info=_loan_info(loan), ledger=ledger_lines(loan_id=loan.pk))


def borrower_has_loan_fallen_due(*, user: User, today: date) -> bool:
    """Whether any active loan of this borrower has reached its first due date (the learning pages count a
    borrower whose every loan is too new for that as new). One query."""
    loans = Loan.objects.filter(borrower__user=user, status=Loan.Status.ACTIVE, first_due_date__lte=today)
    return loans.exists()


def borrower_days_behind(*, user: User) -> int:
    """How many days the borrower's most overdue active loan is past due, as the last close of business
    classified it (0 when none is). One query, so a live update can ask it too."""
    worst = Loan.objects.filter(borrower__user=user, status=Loan.Status.ACTIVE).aggregate(
        days=Max("days_past_due")
    )["days"]
    return int(worst or 0)
