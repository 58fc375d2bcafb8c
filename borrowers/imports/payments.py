"""The payments file: one row per receipt, for a loan already on file (see `borrowers.imports`)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from borrowers import services
from borrowers.imports.importer import Importer, ParsedRow, Review
from borrowers.imports.parse import Cells, Record
from borrowers.imports.report import RowProblem, RowRefusedError
from borrowers.models import ImportJob, Loan, Payment
from core.exceptions import ApplicationError


@dataclass(frozen=True)
class PaymentRow(ParsedRow):
    receipt_number: str
    loan_reference: str
    amount: Decimal
    paid_on: date


class PaymentImporter(Importer[PaymentRow]):
    columns = ("receipt_number", "loan_reference", "amount", "paid_on")

    def __init__(self, *, job: ImportJob) -> None:
        super().__init__(job=job)
        self.latest_payment: dict[str, tuple[date, int]] = {}

    def parse(self, record: Record) -> PaymentRow | list[str]:
        cells = Cells(record)
        receipt_number = cells.text("receipt_number", max_length=64)
        loan_reference = cells.text("loan_reference", max_length=32).upper()
        amount = cells.amount("amount")
        paid_on = cells.date("paid_on")
        if paid_on and paid_on > self.today:
            cells.problems.append(
                _("paid_on %(day)s is after today's business date, %(today)s.")
                % {"day": paid_on, "today": self.today}
            )
        if cells.problems or paid_on is None:
            return cells.problems
        return PaymentRow(
            line=record.line,
            receipt_number=receipt_number,
            loan_reference=loan_reference,
            amount=amount,
            paid_on=paid_on,
        )

    def _loans(self, rows: list[PaymentRow]) -> dict[str, Loan]:
        return Loan.objects.only("pk", "reference", "status", "closed_through").in_bulk(
            {row.loan_reference for row in rows}, field_name="reference"
        )

    def row_key(self, row: PaymentRow) -> str:
        return row.receipt_number

    def repeated(self, row: PaymentRow, first_line: int) -> str:
        return _("Receipt %(receipt)s is also on line %(line)d.") % {
            "receipt": row.receipt_number,
            "line": first_line,
        }

    def review(self, rows: list[PaymentRow]) -> Review:
        review = Review()
        loans = self._loans(rows)
        recorded = Payment.objects.select_related("loan").in_bulk(
            [row.receipt_number for row in rows], field_name="receipt_number"
        )
        for row in rows:
            if not self.first_in_file(row, review):
                continue
            payment = recorded.get(row.receipt_number)
            if payment is not None:
                if (payment.loan.reference, payment.amount, payment.paid_on) == (
                    row.loan_reference,
                    row.amount,
                    row.paid_on,
                ):
                    review.skip(
                        row.line,
                        _("Receipt %(receipt)s is already recorded; skipped.")
                        % {"receipt": row.receipt_number},
                    )
                else:
                    review.problems.append(
                        RowProblem(
                            row.line,
                            _("Receipt %(receipt)s is already recorded for a different loan, amount or date.")
                            % {"receipt": row.receipt_number},
                        )
                    )
                continue
            review.problems.extend(self._loan_problems(row, loans.get(row.loan_reference)))
        return review

    def _loan_problems(self, row: PaymentRow, loan: Loan | None) -> list[RowProblem]:
        if loan is None:
            return [
                RowProblem(
                    row.line, _("Unknown loan_reference %(reference)s.") % {"reference": row.loan_reference}
                )
            ]
        problems = []
        if loan.status != Loan.Status.ACTIVE:
            problems.append(
                RowProblem(
                    row.line,
                    _("Loan %(reference)s is paid off; it takes no more payments.")
                    % {"reference": loan.reference},
                )
            )
        elif loan.closed_through and row.paid_on < loan.closed_through:
            problems.append(
                RowProblem(
                    row.line,
                    _(
                        "Loan %(reference)s is closed through %(closed)s; a payment dated %(paid_on)s needs "
                        "a manual correction."
                    )
                    % {"reference": loan.reference, "closed": loan.closed_through, "paid_on": row.paid_on},
                )
            )
        # Charges are brought up to each payment's date before it is applied, so a loan's payments must
        # come in date order; an earlier-dated one after a later one would be refused halfway through.
        latest = self.latest_payment.get(row.loan_reference)
        if latest is not None and row.paid_on < latest[0]:
            problems.append(
                RowProblem(
                    row.line,
                    _(
                        "This payment is dated before the one on line %(line)d for the same loan; list each "
                        "loan's payments in date order."
                    )
                    % {"line": latest[1]},
                )
            )
        else:
            self.latest_payment[row.loan_reference] = (row.paid_on, row.line)
        return problems

    def import_rows(self, rows: list[PaymentRow], review: Review) -> int:
        loans = self._loans(rows)
        imported = 0
        for row in rows:
            if review.skips(row.line):
                continue
            try:
                services.payment_record(
                    loan_id=loans[row.loan_reference].pk,
                    receipt_number=row.receipt_number,
                    amount=row.amount,
                    paid_on=row.paid_on,
                    recorded_by=self.job.uploaded_by,
                    source="import",
                )
            except ApplicationError as refused:
                raise RowRefusedError.by_service(row.line, refused) from refused
            imported += 1
        return imported
