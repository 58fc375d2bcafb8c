"""An applied arrangement: each loan as the accepted offer left it (`applied_loans`, three queries)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from hardship.selectors.applications import ApplicationDetail
from hardship.selectors.loans import application_loans
from hardship.selectors.options import ScheduleLine
from loanmath import ZERO


@dataclass(frozen=True)
class AppliedLoan:
    reference: str
    applied_on: date | None
    kind_label: str
    owed_before: Decimal
    waived: Decimal
    total_to_pay: Decimal
    schedule: tuple[ScheduleLine, ...]  # the loan's open instalments now


def applied_loans(*, application: ApplicationDetail) -> tuple[AppliedLoan, ...]:
    """Each loan as the arrangement left it: its restructuring record and its open instalments now. Three
    queries."""
    result = []
    for loan in application_loans(application=application):
        source = f"{application.reference}-{loan.id}"
        record = next((r for r in loan.restructures if r.source == source), None)
        instalments = loan.position.instalments if loan.position is not None else ()
        result.append(
            AppliedLoan(
                reference=loan.reference,
                applied_on=record.applied_on if record else None,
                kind_label=record.kind_label if record else "",
                owed_before=record.owed_before if record else ZERO,
                waived=record.waived if record else ZERO,
                total_to_pay=record.total_to_pay if record else ZERO,
                schedule=tuple(
                    ScheduleLine(
                        number=n,
                        due_date=i.due_date,
                        payment=i.total,
                        principal=i.principal,
                        interest=i.interest,
                        charges=i.fees + i.penalty,
                    )
                    for n, i in enumerate(instalments, start=1)
                ),
            )
        )
    return tuple(result)
