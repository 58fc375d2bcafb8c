"""The loans file: one row per loan, with the borrower it is lent to (see `borrowers.imports`)."""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

import loanmath
from borrowers import services
from borrowers.identity import (
    national_id_birth_date,
    national_id_hash,
    national_id_normalize,
    national_id_problem,
)
from borrowers.imports.importer import Importer, ParsedRow, Review
from borrowers.imports.parse import Cells, Record, age_on
from borrowers.imports.report import RowProblem, RowRefusedError
from borrowers.models import BorrowerProfile, ImportJob, Loan, LoanProduct
from borrowers.services.loans import non_amortising_message
from core.exceptions import ApplicationError

ADULT_AGE = 18
PHONE_FORMAT = re.compile(r"\+?\d{7,19}")


@dataclass(frozen=True)
class LoanRow(ParsedRow):
    reference: str
    customer_number: str
    full_name: str
    phone: str
    national_id: str = field(repr=False)  # kept in memory while the file is read; never stored or shown
    date_of_birth: date
    product_code: str
    principal: Decimal
    disbursed_on: date
    first_due_date: date

    @property
    def identity(self) -> tuple[str, str, str, date]:
        """What must be the same on every row of one customer."""
        return (
            self.full_name,
            self.phone,
            national_id_normalize(self.national_id),
            self.date_of_birth,
        )


class LoanImporter(Importer[LoanRow]):
    columns = (
        "reference",
        "customer_number",
        "full_name",
        "phone",
        "national_id",
        "date_of_birth",
        "product_code",
        "principal",
        "disbursed_on",
        "first_due_date",
    )
    optional = frozenset({"first_due_date"})

    def __init__(self, *, job: ImportJob) -> None:
        super().__init__(job=job)
        self.products = {product.code: product for product in LoanProduct.objects.all()}
        self.customers: dict[str, tuple[tuple[str, str, str, date], int]] = {}
        # What loanmath said of each (principal, rate, term, method) already seen: None when it amortises.
        self.terms_refusals: dict[tuple[Decimal, Decimal, int, str], str | None] = {}
        self.profiles_created = self.profiles_updated = 0

    def parse(self, record: Record) -> LoanRow | list[str]:
        cells = Cells(record)
        # Loan linking upper-cases what the borrower types, so references are kept upper-case.
        reference = cells.text("reference", max_length=32).upper()
        customer_number = cells.text("customer_number", max_length=32)
        full_name = cells.text("full_name", max_length=100)
        phone = re.sub(r"[\s-]", "", cells.text("phone", max_length=30, formula_ok=True))
        if phone and not PHONE_FORMAT.fullmatch(phone):
            cells.problems.append(_("phone is not a phone number (7 to 19 digits, optionally after +)."))
        national_id = national_id_normalize(cells.text("national_id", max_length=30))
        id_problem = national_id_problem(national_id) if national_id else None
        if id_problem:
            cells.problems.append(f"national_id: {id_problem}")
        date_of_birth = cells.date("date_of_birth")
        product_code = cells.text("product_code", max_length=32)
        if product_code and product_code not in self.products:
            cells.problems.append(_("Unknown product_code %(code)s.") % {"code": product_code[:32]})
        principal = cells.amount("principal")
        disbursed_on = cells.date("disbursed_on")
        first_due_date = cells.date("first_due_date", required=False)
        if (
            date_of_birth
            and national_id
            and not id_problem
            and national_id_birth_date(national_id) != date_of_birth
        ):
            cells.problems.append(_("date_of_birth does not match the date of birth in national_id."))
        if disbursed_on and disbursed_on > self.today:
            cells.problems.append(
                _("disbursed_on %(day)s is after today's business date, %(today)s.")
                % {"day": disbursed_on, "today": self.today}
            )
        if date_of_birth and disbursed_on and age_on(date_of_birth, disbursed_on) < ADULT_AGE:
            cells.problems.append(
                _("The borrower was under 18 on disbursed_on; lending to minors is not allowed.")
            )
        if disbursed_on and first_due_date and first_due_date <= disbursed_on:
            cells.problems.append(_("first_due_date must be after disbursed_on."))
        if cells.problems or date_of_birth is None or disbursed_on is None:
            return cells.problems
        return LoanRow(
            line=record.line,
            reference=reference,
            customer_number=customer_number,
            full_name=full_name,
            phone=phone,
            national_id=national_id,
            date_of_birth=date_of_birth,
            product_code=product_code,
            principal=principal,
            disbursed_on=disbursed_on,
            # loan_create's own default, made explicit so a re-sent row compares equal to the booked loan.
            first_due_date=first_due_date or loanmath.add_months(disbursed_on, 1),
        )

    def row_key(self, row: LoanRow) -> str:
        return row.reference

    def repeated(self, row: LoanRow, first_line: int) -> str:
        return _("Reference %(reference)s is also on line %(line)d.") % {
            "reference": row.reference,
            "line": first_line,
        }

    def review(self, rows: list[LoanRow]) -> Review:
        review = Review()
        loans = Loan.objects.select_related("borrower", "product").in_bulk(
            [row.reference for row in rows], field_name="reference"
        )
        profiles = _profiles(rows)
        for row in rows:
            if not self.first_in_file(row, review):
                continue
            existing = loans.get(row.reference)
            if existing is not None:
                differences = self._differences(row, existing)
                if differences:
                    review.problems.append(
                        RowProblem(
                            row.line,
                            _(
                                "Loan %(reference)s is already on file with a different %(fields)s; an "
                                "import cannot change a booked loan."
                            )
                            % {"reference": row.reference, "fields": ", ".join(differences)},
                        )
                    )
                else:
                    review.skip(
                        row.line,
                        _("Loan %(reference)s is already on file with the same details; skipped.")
                        % {"reference": row.reference},
                    )
                continue
            review.problems.extend(self._customer_problems(row, profiles.get(row.customer_number)))
            terms_problem = self._terms_problem(row)
            if terms_problem is not None:
                review.problems.append(RowProblem(row.line, terms_problem))
        return review

    def _terms_problem(self, row: LoanRow) -> str | None:
        """Why loan_create would refuse this row's terms because its rounded payment does not amortise
        (loanmath.schedule), so every such row of the file is named while it is checked, before anything
        is booked; None when it amortises. loan_create checks again when it books."""
        product = self.products[row.product_code]
        key = (row.principal, product.annual_rate, product.term_months, product.method)
        if key not in self.terms_refusals:
            refusal = None
            try:
                loanmath.build_schedule(
                    loanmath.LoanTerms(
                        principal=row.principal,
                        annual_rate=product.annual_rate,
                        months=product.term_months,
                        first_due_date=row.first_due_date,
                        method=loanmath.RepaymentMethod(product.method),
                    )
                )
            except loanmath.NonAmortisingTermsError as error:
                refusal = non_amortising_message(error)
            except loanmath.LoanMathError:
                pass  # any other problem with the terms, loan_create names when it books
            self.terms_refusals[key] = refusal
        return self.terms_refusals[key]

    @staticmethod
    def _differences(row: LoanRow, loan: Loan) -> list[str]:
        compared = {
            "customer_number": (row.customer_number, loan.borrower.customer_number),
            "product_code": (row.product_code, loan.product.code),
            "principal": (row.principal, loan.principal),
            "disbursed_on": (row.disbursed_on, loan.disbursed_on),
            "first_due_date": (row.first_due_date, loan.first_due_date),
        }
        return [name for name, (given, booked) in compared.items() if given != booked]

    def _customer_problems(self, row: LoanRow, profile: BorrowerProfile | None) -> list[RowProblem]:
        problems = []
        earlier = self.customers.setdefault(row.customer_number, (row.identity, row.line))
        if earlier[0] != row.identity:
            problems.append(
                RowProblem(
                    row.line,
                    _(
                        "customer_number %(customer)s is on line %(line)d with a different name, phone, "
                        "national ID or date of birth."
                    )
                    % {"customer": row.customer_number, "line": earlier[1]},
                )
            )
        if profile is not None and (
            profile.national_id_hash != national_id_hash(row.national_id)
            or profile.date_of_birth != row.date_of_birth
        ):
            problems.append(
                RowProblem(
                    row.line,
                    _(
                        "customer_number %(customer)s is on file with a different national ID or date of "
                        "birth; an import does not change who a borrower is. Check the core system, or "
                        "correct the borrower in the admin first."
                    )
                    % {"customer": row.customer_number},
                )
            )
        return problems

    def import_rows(self, rows: list[LoanRow], review: Review) -> int:
        profiles = _profiles(rows)
        imported = 0
        for row in rows:
            if review.skips(row.line):
                continue
            profile = profiles.get(row.customer_number)
            if profile is None:
                profile = profiles[row.customer_number] = self._profile_create(row)
            elif (profile.full_name, profile.phone) != (row.full_name, row.phone):
                profile.full_name, profile.phone = row.full_name, row.phone
                profile.save(update_fields=["full_name", "phone"])
                self.profiles_updated += 1
            try:
                services.loan_create(
                    reference=row.reference,
                    borrower=profile,
                    product=self.products[row.product_code],
                    principal=row.principal,
                    disbursed_on=row.disbursed_on,
                    first_due_date=row.first_due_date,
                )
            except ApplicationError as refused:
                raise RowRefusedError.by_service(row.line, refused) from refused
            imported += 1
        return imported

    def _profile_create(self, row: LoanRow) -> BorrowerProfile:
        self.profiles_created += 1
        return BorrowerProfile.objects.create(
            customer_number=row.customer_number,
            full_name=row.full_name,
            phone=row.phone,
            national_id_hash=national_id_hash(row.national_id),
            national_id_last4=row.national_id[-4:],
            date_of_birth=row.date_of_birth,
        )

    def summary(self) -> dict[str, Any]:
        return {"borrowers_created": self.profiles_created, "borrowers_updated": self.profiles_updated}


def _profiles(rows: list[LoanRow]) -> dict[str, BorrowerProfile]:
    """The borrowers on file that these rows name, by customer number."""
    return BorrowerProfile.objects.in_bulk(
        {row.customer_number for row in rows}, field_name="customer_number"
    )
