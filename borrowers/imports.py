"""CSV files from the lender's core system: loans and payments, imported all-or-nothing.

A file is kept privately (an ImportJob), then read three times, always streamed, so a 50,000-row file
never sits in memory as rows:

1. on upload: its SHA-256 (the same file twice is imported once) and a line count for the progress bar;
2. check every row: format, a known product or loan, keys unique within the file, agreement with what is
   already on file. Database look-ups are batched per chunk of rows. Any problem refuses the whole file,
   and the report lists every failing line, so the sender fixes the file once rather than line by line;
3. import every row in one transaction through the services (`loan_create`, `payment_record`). If a
   service refuses a row, the whole file is rolled back and the report names that row.

Rows already on file from another file are skipped, so a core system that sends a row twice changes
nothing: a loan with the same terms, a receipt recorded for the same loan, amount and date. A row that
reuses a key with different details is refused: that is a data problem a person must look at.

Only UTF-8 is accepted (with or without the byte-order mark Excel writes). Guessing the encoding of a file
of names risks importing 乱码 without anyone noticing; refusing names the problem so it is fixed at the
source. Line numbers in reports are the file's own: the header is line 1.
"""

import codecs
import csv
import hashlib
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar, Generic, TypeVar

from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import loanmath
from borrowers import services
from borrowers.models import BorrowerProfile, ImportJob, Loan, LoanProduct, Payment
from core.business_date import business_date_today
from core.exceptions import ApplicationError
from core.services import audit_record

# Rows checked per database round trip; also how often the progress bar moves.
CHUNK_ROWS = 500
# MoneyField keeps 14 digits, 2 of them after the point.
AMOUNT_LIMIT = Decimal("1000000000000")
ADULT_AGE = 18

DATE_FORMAT = re.compile(r"\d{4}-\d{2}-\d{2}")
NUMBER_FORMAT = re.compile(r"[+-]?\d+(?:\.\d+)?")
AMOUNT_FORMAT = re.compile(r"\d+(?:\.\d{1,2})?")
PHONE_FORMAT = re.compile(r"\+?\d{7,19}")
NATIONAL_ID_FORMAT = re.compile(r"\d{17}[\dX]")
# ISO 7064 MOD 11-2, the check character of the 18-character resident ID number (GB 11643-1999).
NATIONAL_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
NATIONAL_ID_CHECK = "10X98765432"


# --- identity checks (shared with the admin's borrower form) -------------------------------------


def national_id_birth_date(national_id: str) -> date | None:
    """The date of birth written in characters 7-14 of a normalised resident ID number."""
    try:
        return date(int(national_id[6:10]), int(national_id[10:12]), int(national_id[12:14]))
    except ValueError:
        return None


def national_id_problem(national_id: str) -> str | None:
    """What is wrong with a resident ID number, or None. The number itself is never part of the message."""
    normalised = services.national_id_normalize(national_id)
    if not NATIONAL_ID_FORMAT.fullmatch(normalised):
        return _("A national ID number has 18 characters: 17 digits, then a digit or X.")
    total = sum(
        int(digit) * weight for digit, weight in zip(normalised[:17], NATIONAL_ID_WEIGHTS, strict=True)
    )
    if NATIONAL_ID_CHECK[total % 11] != normalised[17]:
        return _("The national ID number's check character does not match; look for a mistyped digit.")
    if national_id_birth_date(normalised) is None:
        return _("The national ID number does not contain a real date of birth.")
    return None


def age_on(date_of_birth: date, day: date) -> int:
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


# --- reports -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowProblem:
    """One line of a report. Line 0 is the file as a whole."""

    line: int
    message: str

    def as_json(self) -> dict[str, Any]:
        return {"line": self.line, "message": self.message}


class FileRefusedError(Exception):
    """Nothing in the file was imported; `problems` says why, line by line."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = sorted(problems, key=lambda problem: problem.line)


class RowRefusedError(Exception):
    """A row was refused while importing; the transaction is rolled back, so nothing was imported."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems

    @classmethod
    def by_service(cls, line: int, error: ApplicationError) -> "RowRefusedError":
        return cls([RowProblem(line, error.message)])


# --- reading a file ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """One CSV record: its line number and its cells by (normalised) column name, or None when it does
    not have one value per column."""

    line: int
    cells: dict[str, str] | None


def _text_lines(stored: File[bytes]) -> Iterator[str]:
    # Splitting bytes at line ends is safe before decoding: in UTF-8 (and in GBK) a line-end byte is
    # never part of a multi-byte character, so the offending line can be named exactly.
    for number, raw in enumerate(stored, start=1):
        if number == 1:
            raw = raw.removeprefix(codecs.BOM_UTF8)
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            raise FileRefusedError(
                [
                    RowProblem(
                        number,
                        _(
                            "This line is not UTF-8 text, so the file was not read. Save it as UTF-8 "
                            "(in Excel: “CSV UTF-8”) and upload it again; other encodings, such as GBK, "
                            "are not accepted."
                        ),
                    )
                ]
            ) from None


def read_records(
    stored: File[bytes], *, columns: tuple[str, ...], optional: frozenset[str] = frozenset()
) -> Iterator[Record]:
    """The file's records, after checking its header. Blank lines are ignored.

    Raises FileRefusedError for what makes the whole file unreadable: not UTF-8, not CSV, a wrong header,
    nothing in it.
    """
    reader = csv.reader(_text_lines(stored), strict=True)
    try:
        header = next(reader, None)
        while header is not None and not any(cell.strip() for cell in header):
            header = next(reader, None)
        if header is None:
            raise FileRefusedError([RowProblem(0, _("The file is empty."))])
        header_line = reader.line_num
        names = [cell.strip().lower() for cell in header]
        _check_header(names, line=header_line, columns=columns, optional=optional)
        seen_rows = False
        while True:
            line = reader.line_num + 1
            cells = next(reader, None)
            if cells is None:
                break
            if not any(cell.strip() for cell in cells):
                continue
            seen_rows = True
            yield Record(line, dict(zip(names, cells, strict=True)) if len(cells) == len(names) else None)
    except csv.Error as error:
        raise FileRefusedError(
            [RowProblem(reader.line_num, _("This line cannot be read as CSV: %(error)s") % {"error": error})]
        ) from None
    if not seen_rows:
        raise FileRefusedError([RowProblem(header_line, _("The file has a header but no rows."))])


def _check_header(names: list[str], *, line: int, columns: tuple[str, ...], optional: frozenset[str]) -> None:
    missing = [name for name in columns if name not in names and name not in optional]
    extra = [name for name in names if name not in columns]
    repeated = sorted({name for name in names if names.count(name) > 1})
    problems = []
    if missing:
        problems.append(_("Missing column(s): %(names)s.") % {"names": ", ".join(missing)})
    if extra:
        problems.append(_("Unexpected column(s): %(names)s.") % {"names": ", ".join(extra)})
    if repeated:
        problems.append(_("Column(s) given twice: %(names)s.") % {"names": ", ".join(repeated)})
    if problems:
        expected = _("The header must be: %(header)s") % {"header": ",".join(columns)}
        raise FileRefusedError([RowProblem(line, f"{problem} {expected}") for problem in problems])


class Cells:
    """One record's cells, parsed one at a time. Every problem is kept, so the report lists them all."""

    def __init__(self, record: Record) -> None:
        self.cells = record.cells or {}
        self.problems: list[str] = []

    def _raw(self, column: str) -> str:
        return self.cells.get(column, "").strip()

    def text(self, column: str, *, max_length: int) -> str:
        value = self._raw(column)
        if not value:
            self.problems.append(_("%(column)s is empty.") % {"column": column})
        elif len(value) > max_length:
            self.problems.append(
                _("%(column)s is longer than %(max)d characters.") % {"column": column, "max": max_length}
            )
        return value

    def date(self, column: str, *, required: bool = True) -> date | None:
        value = self._raw(column)
        if not value:
            if required:
                self.problems.append(_("%(column)s is empty.") % {"column": column})
            return None
        if DATE_FORMAT.fullmatch(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                self.problems.append(
                    _("%(column)s: %(value)s is not a real date.") % {"column": column, "value": value}
                )
                return None
        self.problems.append(
            _("%(column)s: “%(value)s” is not a date written YYYY-MM-DD.")
            % {"column": column, "value": value[:20]}
        )
        return None

    def amount(self, column: str) -> Decimal:
        value = self._raw(column)
        if not value:
            self.problems.append(_("%(column)s is empty.") % {"column": column})
        elif not NUMBER_FORMAT.fullmatch(value):
            self.problems.append(
                _(
                    "%(column)s: “%(value)s” is not a number; write it like 1234.56, with no currency sign "
                    "or separators."
                )
                % {"column": column, "value": value[:20]}
            )
        elif Decimal(value) <= 0:
            self.problems.append(
                _("%(column)s must be more than zero (it is %(value)s).") % {"column": column, "value": value}
            )
        elif not AMOUNT_FORMAT.fullmatch(value.removeprefix("+")):
            self.problems.append(
                _("%(column)s: %(value)s has more than 2 decimal places.")
                % {"column": column, "value": value}
            )
        elif Decimal(value) >= AMOUNT_LIMIT:
            self.problems.append(
                _("%(column)s: %(value)s is too large; amounts must be below 1,000,000,000,000.")
                % {"column": column, "value": value}
            )
        else:
            return loanmath.quantize(Decimal(value))
        return loanmath.ZERO


# --- the two kinds of file ---------------------------------------------------------------------

Row = TypeVar("Row", bound="ParsedRow")


@dataclass(frozen=True)
class ParsedRow:
    line: int


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
            services.national_id_normalize(self.national_id),
            self.date_of_birth,
        )


@dataclass(frozen=True)
class PaymentRow(ParsedRow):
    receipt_number: str
    loan_reference: str
    amount: Decimal
    paid_on: date


@dataclass
class Review:
    """The verdict on a chunk of parsed rows: problems, and the rows already on file (to skip)."""

    problems: list[RowProblem] = field(default_factory=list)
    skipped: list[RowProblem] = field(default_factory=list)
    _skipped_lines: set[int] = field(default_factory=set)

    def skip(self, line: int, message: str) -> None:
        self.skipped.append(RowProblem(line, message))
        self._skipped_lines.add(line)

    def skips(self, line: int) -> bool:
        return line in self._skipped_lines


class Importer(Generic[Row]):
    """Parses, reviews and imports the rows of one kind of file. One instance reads a file once."""

    columns: ClassVar[tuple[str, ...]]
    optional: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, *, job: ImportJob) -> None:
        self.job = job
        self.today = business_date_today()

    def parse(self, record: Record) -> Row | list[str]:
        raise NotImplementedError

    def review(self, rows: list[Row]) -> Review:
        """Check a chunk against the rows before it in the file and against the database."""
        raise NotImplementedError

    def import_rows(self, rows: list[Row], review: Review) -> int:
        """Write the chunk's rows that are not skipped; return how many. Raises RowRefusedError."""
        raise NotImplementedError

    def summary(self) -> dict[str, Any]:
        """Counts for the audit row, beyond rows imported and skipped."""
        return {}


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
        self.reference_lines: dict[str, int] = {}
        self.customers: dict[str, tuple[tuple[str, str, str, date], int]] = {}
        self.profiles_created = self.profiles_updated = 0

    def parse(self, record: Record) -> LoanRow | list[str]:
        cells = Cells(record)
        # Loan linking upper-cases what the borrower types, so references are kept upper-case.
        reference = cells.text("reference", max_length=32).upper()
        customer_number = cells.text("customer_number", max_length=32)
        full_name = cells.text("full_name", max_length=100)
        phone = re.sub(r"[\s-]", "", cells.text("phone", max_length=30))
        if phone and not PHONE_FORMAT.fullmatch(phone):
            cells.problems.append(_("phone is not a phone number (7 to 19 digits, optionally after +)."))
        national_id = services.national_id_normalize(cells.text("national_id", max_length=30))
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

    def review(self, rows: list[LoanRow]) -> Review:
        review = Review()
        loans = {
            loan.reference: loan
            for loan in Loan.objects.filter(reference__in=[row.reference for row in rows]).select_related(
                "borrower", "product"
            )
        }
        profiles = {
            profile.customer_number: profile
            for profile in BorrowerProfile.objects.filter(
                customer_number__in={row.customer_number for row in rows}
            )
        }
        for row in rows:
            if row.reference in self.reference_lines:
                review.problems.append(
                    RowProblem(
                        row.line,
                        _("Reference %(reference)s is also on line %(line)d.")
                        % {"reference": row.reference, "line": self.reference_lines[row.reference]},
                    )
                )
                continue
            self.reference_lines[row.reference] = row.line
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
        return review

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
            profile.national_id_hash != services.national_id_hash(row.national_id)
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
        profiles = {
            profile.customer_number: profile
            for profile in BorrowerProfile.objects.filter(
                customer_number__in={row.customer_number for row in rows}
            )
        }
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
            national_id_hash=services.national_id_hash(row.national_id),
            national_id_last4=row.national_id[-4:],
            date_of_birth=row.date_of_birth,
        )

    def summary(self) -> dict[str, Any]:
        return {"borrowers_created": self.profiles_created, "borrowers_updated": self.profiles_updated}


class PaymentImporter(Importer[PaymentRow]):
    columns = ("receipt_number", "loan_reference", "amount", "paid_on")

    def __init__(self, *, job: ImportJob) -> None:
        super().__init__(job=job)
        self.receipt_lines: dict[str, int] = {}
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
        return {
            loan.reference: loan
            for loan in Loan.objects.filter(reference__in={row.loan_reference for row in rows}).only(
                "pk", "reference", "status", "closed_through"
            )
        }

    def review(self, rows: list[PaymentRow]) -> Review:
        review = Review()
        loans = self._loans(rows)
        recorded = {
            payment.receipt_number: payment
            for payment in Payment.objects.filter(
                receipt_number__in=[row.receipt_number for row in rows]
            ).select_related("loan")
        }
        for row in rows:
            if row.receipt_number in self.receipt_lines:
                review.problems.append(
                    RowProblem(
                        row.line,
                        _("Receipt %(receipt)s is also on line %(line)d.")
                        % {"receipt": row.receipt_number, "line": self.receipt_lines[row.receipt_number]},
                    )
                )
                continue
            self.receipt_lines[row.receipt_number] = row.line
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


IMPORTERS: dict[str, type[Importer[Any]]] = {
    ImportJob.Kind.LOANS: LoanImporter,
    ImportJob.Kind.PAYMENTS: PaymentImporter,
}


# --- running an import -------------------------------------------------------------------------


def _chunks(importer: Importer[Any], stored: File[bytes]) -> Iterator[tuple[list[Any], list[RowProblem]]]:
    """The file's parsed rows in chunks, each with the problems of the records that did not parse."""
    rows: list[Any] = []
    problems: list[RowProblem] = []
    for record in read_records(stored, columns=importer.columns, optional=importer.optional):
        if record.cells is None:
            problems.append(
                RowProblem(
                    record.line,
                    _("This line does not have %(count)d values, one for each column of the header.")
                    % {"count": len(importer.columns)},
                )
            )
            continue
        parsed = importer.parse(record)
        if isinstance(parsed, list):
            problems.extend(RowProblem(record.line, message) for message in parsed)
        else:
            rows.append(parsed)
        if len(rows) + len(problems) >= CHUNK_ROWS:
            yield rows, problems
            rows, problems = [], []
    if rows or problems:
        yield rows, problems


def import_file_fingerprint(content: File[bytes]) -> tuple[str, int]:
    """SHA-256 of the bytes, and the number of non-blank lines after the header (the rows, in any file
    without line breaks inside quoted cells; the check replaces it with the exact count)."""
    digest = hashlib.sha256()
    lines = 0
    for line in content:
        digest.update(line)
        if line.strip():
            lines += 1
    return digest.hexdigest(), max(lines - 1, 0)


def import_job_create(
    *,
    kind: str,
    content: File[bytes],
    original_name: str,
    uploaded_by: Any = None,
    run_in_background: bool = True,
) -> ImportJob:
    """Keep a file privately and, unless the caller runs it, queue its import for after the commit."""
    sha256, rows = import_file_fingerprint(content)
    with transaction.atomic():
        job = ImportJob(
            kind=kind,
            original_name=original_name[:255],
            sha256=sha256,
            rows_total=rows,
            uploaded_by=uploaded_by if getattr(uploaded_by, "is_authenticated", False) else None,
        )
        # A random name: the stored file's name says nothing about whose data is inside.
        job.file.save(f"{uuid.uuid4().hex}.csv", content, save=False)
        job.save()
        audit_record(
            action="import.uploaded",
            actor=uploaded_by,
            target=job,
            data={"kind": kind, "file": original_name[:255], "sha256": sha256},
        )
        if run_in_background:
            from borrowers.tasks import import_run  # the task module imports this one

            transaction.on_commit(lambda: import_run.delay(job.pk))
    return job


def import_job_run(*, import_job_id: int) -> ImportJob:
    """Check, then import, one uploaded file. Safe to run again: a finished job is left as it is."""
    job = ImportJob.objects.select_related("uploaded_by").get(pk=import_job_id)
    if job.status not in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING):
        return job
    earlier = (
        ImportJob.objects.filter(kind=job.kind, sha256=job.sha256, status=ImportJob.Status.SUCCEEDED)
        .exclude(pk=job.pk)
        .order_by("pk")
        .first()
    )
    if earlier is not None:
        when = timezone.localtime(earlier.finished_at or earlier.created_at)
        message = _("This file was already imported (import #%(id)d, %(when)s); nothing was changed.") % {
            "id": earlier.pk,
            "when": f"{when:%Y-%m-%d %H:%M}",
        }
        return _finish(job, ImportJob.Status.DUPLICATE, [RowProblem(0, message)])
    job.status, job.rows_done = ImportJob.Status.RUNNING, 0
    job.save(update_fields=["status", "rows_done"])
    try:
        _check(job)
        _import(job)
    except FileRefusedError as refused:
        return _finish(job, ImportJob.Status.FAILED, refused.problems)
    except RowRefusedError as refused:
        return _finish(job, ImportJob.Status.FAILED, refused.problems)
    except IntegrityError:
        message = _(
            "Another change to the same loans or receipts was made while this file was being imported, so "
            "nothing was imported. Import the file again."
        )
        return _finish(job, ImportJob.Status.FAILED, [RowProblem(0, message)])
    except Exception:
        _finish(
            job,
            ImportJob.Status.FAILED,
            [RowProblem(0, _("The import stopped on an unexpected error; nothing was imported."))],
        )
        raise
    job.refresh_from_db()
    return job


def _check(job: ImportJob) -> int:
    importer = IMPORTERS[job.kind](job=job)
    problems: list[RowProblem] = []
    rows_done = 0
    with job.file.open("rb") as stored:
        for rows, unparsed in _chunks(importer, stored):
            problems.extend(unparsed)
            problems.extend(importer.review(rows).problems)
            rows_done += len(rows) + len({problem.line for problem in unparsed})
            ImportJob.objects.filter(pk=job.pk).update(
                rows_done=rows_done, rows_total=max(job.rows_total, rows_done)
            )
    ImportJob.objects.filter(pk=job.pk).update(rows_done=rows_done, rows_total=rows_done)
    job.rows_total = job.rows_done = rows_done
    if problems:
        raise FileRefusedError(problems)
    return rows_done


def _import(job: ImportJob) -> None:
    importer = IMPORTERS[job.kind](job=job)
    imported = 0
    skipped: list[RowProblem] = []
    # One transaction for the whole file: either every row is in, or none is.
    with transaction.atomic(durable=True), job.file.open("rb") as stored:
        for rows, unparsed in _chunks(importer, stored):
            review = importer.review(rows)
            if unparsed or review.problems:
                # Only if what is on file changed between the check and now.
                raise RowRefusedError(unparsed + review.problems)
            imported += importer.import_rows(rows, review)
            skipped.extend(review.skipped)
        audit_record(
            action=f"import.{job.kind}",
            actor=job.uploaded_by,
            target=job,
            data={
                "rows": job.rows_total,
                "imported": imported,
                "skipped": len(skipped),
                **importer.summary(),
            },
        )
        _finish(job, ImportJob.Status.SUCCEEDED, skipped, rows_imported=imported)


def _finish(job: ImportJob, status: str, report: list[RowProblem], *, rows_imported: int = 0) -> ImportJob:
    # A redelivered task may run the same job twice at once; the run that imported wins, and the other's
    # "already exists" refusal must not overwrite its result.
    done = ImportJob.objects.filter(
        pk=job.pk, status__in=[ImportJob.Status.SUCCEEDED, ImportJob.Status.DUPLICATE]
    ).first()
    if done is not None and status == ImportJob.Status.FAILED:
        return done
    job.status = status
    job.report = [problem.as_json() for problem in report]
    job.rows_imported = rows_imported
    job.finished_at = timezone.now()
    fields = ["status", "report", "rows_imported", "rows_done", "rows_total", "finished_at"]
    if status in (ImportJob.Status.SUCCEEDED, ImportJob.Status.DUPLICATE) and job.file:
        # A loans file holds full national ID numbers; once imported, only their keyed hashes may stay.
        # The file's sha256 still recognises a second delivery. A refused file is kept for staff to fix.
        job.file.delete(save=False)
        job.file = ""
        fields.append("file")
    job.save(update_fields=fields)
    return job
