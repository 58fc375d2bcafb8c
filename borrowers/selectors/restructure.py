"""The loans a hardship application is about, as restructuring starts from them (read only)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import loanmath
from accounts.models import User
from borrowers.models import Instalment, Loan, Restructure
from borrowers.positions import restructure_position


@dataclass(frozen=True)
class RestructureRecord:
    applied_on: date
    kind: str
    kind_label: str
    source: str
    owed_before: Decimal
    waived: Decimal
    total_to_pay: Decimal


@dataclass(frozen=True)
class RestructureLoan:
    """One loan: what it is, how late, and its position for loanmath.restructure_plan."""

    id: int
    reference: str
    product_name: str
    annual_rate: Decimal
    days_past_due: int
    bucket: str
    is_active: bool
    owed: Decimal
    charges_paused_through: date | None
    position: loanmath.RestructurePosition | None  # None when nothing is left to restructure
    restructures: tuple[RestructureRecord, ...]


def restructure_loans(*, loan_ids: Iterable[int], user: User | None = None) -> tuple[RestructureLoan, ...]:
    """The loans with these ids (only the user's own, when a user is given), by reference. Three queries."""
    loans = Loan.objects.filter(pk__in=list(loan_ids)).select_related("product").order_by("reference")
    if user is not None:
        loans = loans.filter(borrower__user=user)
    rows = list(loans)
    by_loan: dict[int, list[Instalment]] = {loan.pk: [] for loan in rows}
    for inst in Instalment.objects.filter(loan_id__in=by_loan).order_by("loan_id", "number"):
        by_loan[inst.loan_id].append(inst)
    records: dict[int, list[RestructureRecord]] = {loan.pk: [] for loan in rows}
    for r in Restructure.objects.filter(loan_id__in=by_loan).order_by("applied_on", "pk"):
        records[r.loan_id].append(
            RestructureRecord(
                applied_on=r.applied_on,
                kind=r.kind,
                kind_label=str(r.get_kind_display()),
                source=r.source,
                owed_before=r.owed_before,
                waived=r.waived_fees + r.waived_penalty,
                total_to_pay=r.total_to_pay,
            )
        )
    result = []
    for loan in rows:
        position = restructure_position(loan, by_loan[loan.pk])
        result.append(
            RestructureLoan(
                id=loan.pk,
                reference=loan.reference,
                product_name=loan.product.name,
                annual_rate=loan.annual_rate,
                days_past_due=loan.days_past_due,
                bucket=loan.bucket,
                is_active=loan.status == Loan.Status.ACTIVE,
                owed=loan.total_balance,
                charges_paused_through=loan.charges_paused_through,
                position=position if loan.status == Loan.Status.ACTIVE and position.instalments else None,
                restructures=tuple(records[loan.pk]),
            )
        )
    return tuple(result)


def loans_restructured_since(*, loan_ids: Iterable[int], since: date) -> frozenset[int]:
    """Which of these loans had a restructuring applied on or after ``since``. One query. (A move of the
    due day is the borrower's own change of dates, not forbearance: it is not counted.)"""
    return frozenset(
        Restructure.objects.filter(loan_id__in=list(loan_ids), applied_on__gte=since)
        .exclude(kind=Restructure.Kind.DUE_DAY)
        .values_list("loan_id", flat=True)
    )
