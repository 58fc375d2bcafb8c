"""CSV imports: every row is checked first, then all rows go in in one transaction, or none do.

The product in these tests (from factories): 12 % a year, 12 equal-principal instalments, so a ¥1,200.00
loan disbursed 2026-01-15 repays ¥100.00 of principal a month from 2026-02-15, and its first instalment
bills 1,200.00 * 0.12 / 12 = ¥12.00 of interest. The business date is pinned to 2026-03-31.
"""

import csv
import io
import time
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from borrowers import services
from borrowers.models import BorrowerProfile, ImportJob, Instalment, LedgerEntry, Loan, LoanProduct, Payment
from core.models import AuditEvent
from tests.borrowers.factories import (
    CommandResult,
    assert_ledger_reconciles,
    make_loan,
    make_product,
    national_id_for,
    run_command,
)

pytestmark = pytest.mark.django_db

LOAN_HEADER = (
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
PAYMENT_HEADER = ("receipt_number", "loan_reference", "amount", "paid_on")
WANG_FANG_ID = national_id_for(date(1999, 3, 8), serial=123)


@pytest.fixture(autouse=True)
def _setup(settings: Any, tmp_path: Path) -> None:
    settings.ANXIN_BUSINESS_DATE = "2026-03-31"
    settings.MEDIA_ROOT = tmp_path / "private"
    settings.LANGUAGE_CODE = "en"  # the messages asserted below are the English ones


@pytest.fixture
def product() -> LoanProduct:
    return make_product(code="EVERYDAY-12")


def loan_row(**cells: str) -> dict[str, str]:
    row = {
        "reference": "AX2026000001",
        "customer_number": "C0001",
        "full_name": "王芳",
        "phone": "13912345678",
        "national_id": WANG_FANG_ID,
        "date_of_birth": "1999-03-08",
        "product_code": "EVERYDAY-12",
        "principal": "1200.00",
        "disbursed_on": "2026-01-15",
        "first_due_date": "2026-02-15",
    }
    row.update(cells)
    return row


def csv_bytes(header: tuple[str, ...], rows: list[dict[str, str]]) -> bytes:
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=header, lineterminator="\r\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return text.getvalue().encode()


def write(tmp_path: Path, content: bytes, name: str = "file.csv") -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def import_loans(tmp_path: Path, content: bytes, name: str = "loans.csv") -> CommandResult:
    return run_command("import_loans", write(tmp_path, content, name))


def import_payments(tmp_path: Path, content: bytes, name: str = "payments.csv") -> CommandResult:
    return run_command("import_payments", write(tmp_path, content, name))


def nothing_was_imported() -> bool:
    return not (Loan.objects.exists() or BorrowerProfile.objects.exists() or Payment.objects.exists())


# --- loans ---------------------------------------------------------------------------------------


def test_a_loans_file_books_each_loan_with_its_schedule_and_disbursement(
    product: LoanProduct, tmp_path: Path
) -> None:
    rows = [
        loan_row(),
        loan_row(reference="AX2026000002", principal="600.00", first_due_date=""),
        loan_row(
            reference="ax2026000003",
            customer_number="C0002",
            full_name="李雷",
            phone="138 0013 8000",
            national_id=national_id_for(date(2000, 12, 1), serial=7),
            date_of_birth="2000-12-01",
        ),
    ]

    result = import_loans(tmp_path, csv_bytes(LOAN_HEADER, rows))

    assert result.status == 0, result.err
    assert "Imported 3 of 3 rows; 0 already on file (skipped)." in result.out
    assert sorted(Loan.objects.values_list("reference", flat=True)) == [
        "AX2026000001",
        "AX2026000002",
        "AX2026000003",
    ]
    first = Loan.objects.get(reference="AX2026000001")
    assert first.principal_balance == Decimal("1200.00")
    assert Instalment.objects.filter(loan=first).count() == 12
    instalment_1 = Instalment.objects.get(loan=first, number=1)
    assert (instalment_1.due_date, instalment_1.principal, instalment_1.interest) == (
        date(2026, 2, 15),
        Decimal("100.00"),
        Decimal("12.00"),  # 1,200.00 * 0.12 / 12
    )
    # An empty first_due_date means one month after disbursement, as loan_create does.
    assert Loan.objects.get(reference="AX2026000002").first_due_date == date(2026, 2, 15)
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.DISBURSEMENT).count() == 3
    job = ImportJob.objects.get()
    assert (job.status, job.rows_total, job.rows_done, job.rows_imported) == (
        ImportJob.Status.SUCCEEDED,
        3,
        3,
        3,
    )
    assert AuditEvent.objects.filter(action="import.loans", object_id=str(job.pk)).exists()
    assert_ledger_reconciles()


def test_a_borrower_is_stored_with_the_keyed_hash_and_last_4_of_the_id_never_the_number(
    product: LoanProduct, tmp_path: Path
) -> None:
    import_loans(tmp_path, csv_bytes(LOAN_HEADER, [loan_row(phone="139-1234-5678")]))

    profile = BorrowerProfile.objects.get(customer_number="C0001")
    assert profile.national_id_hash == services.national_id_hash(WANG_FANG_ID)
    assert profile.national_id_last4 == WANG_FANG_ID[-4:]
    assert profile.phone == "13912345678"
    stored = [str(value) for value in BorrowerProfile.objects.values_list().get()]
    assert not any(WANG_FANG_ID in value for value in stored)
    assert WANG_FANG_ID not in str(AuditEvent.objects.values_list("data", flat=True)[::1])


def test_a_known_borrower_gets_the_new_name_and_phone_from_the_file(
    product: LoanProduct, tmp_path: Path
) -> None:
    import_loans(tmp_path, csv_bytes(LOAN_HEADER, [loan_row()]), "day1.csv")
    day2 = csv_bytes(LOAN_HEADER, [loan_row(reference="AX2026000009", phone="13700000000")])

    result = import_loans(tmp_path, day2, "day2.csv")

    assert result.status == 0, result.err
    assert BorrowerProfile.objects.get().phone == "13700000000"
    assert Loan.objects.filter(borrower__customer_number="C0001").count() == 2


def test_importing_the_same_loans_file_again_changes_nothing_and_exits_0(
    product: LoanProduct, tmp_path: Path
) -> None:
    content = csv_bytes(LOAN_HEADER, [loan_row()])
    import_loans(tmp_path, content)

    again = import_loans(tmp_path, content, "renamed.csv")

    assert again.status == 0
    assert "already imported" in again.out
    assert Loan.objects.count() == 1
    assert list(ImportJob.objects.order_by("pk").values_list("status", flat=True)) == [
        ImportJob.Status.SUCCEEDED,
        ImportJob.Status.DUPLICATE,
    ]
    assert_ledger_reconciles()


def test_a_loan_sent_again_in_another_file_with_the_same_details_is_skipped(
    product: LoanProduct, tmp_path: Path
) -> None:
    import_loans(tmp_path, csv_bytes(LOAN_HEADER, [loan_row()]), "day1.csv")
    day2 = csv_bytes(LOAN_HEADER, [loan_row(), loan_row(reference="AX2026000002")])

    result = import_loans(tmp_path, day2, "day2.csv")

    assert result.status == 0, result.err
    assert "Imported 1 of 2 rows; 1 already on file (skipped)." in result.out
    assert Loan.objects.count() == 2
    job = ImportJob.objects.latest("pk")
    assert job.report == [
        {"line": 2, "message": "Loan AX2026000001 is already on file with the same details; skipped."}
    ]


def test_a_loan_sent_again_with_different_terms_refuses_the_file(
    product: LoanProduct, tmp_path: Path
) -> None:
    import_loans(tmp_path, csv_bytes(LOAN_HEADER, [loan_row()]), "day1.csv")
    day2 = csv_bytes(LOAN_HEADER, [loan_row(reference="AX2026000002"), loan_row(principal="1500.00")])

    result = import_loans(tmp_path, day2, "day2.csv")

    assert result.status == 1
    assert "line 3: Loan AX2026000001 is already on file with a different principal" in result.err
    assert Loan.objects.count() == 1


def test_a_known_customer_with_a_different_national_id_is_refused(
    product: LoanProduct, tmp_path: Path
) -> None:
    import_loans(tmp_path, csv_bytes(LOAN_HEADER, [loan_row()]), "day1.csv")
    other_id = national_id_for(date(1999, 3, 8), serial=456)
    day2 = csv_bytes(LOAN_HEADER, [loan_row(reference="AX2026000002", national_id=other_id)])

    result = import_loans(tmp_path, day2, "day2.csv")

    assert result.status == 1
    assert "customer_number C0001 is on file with a different national ID" in result.err
    assert other_id not in result.err


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({"disbursed_on": "2026-02-30"}, "disbursed_on: 2026-02-30 is not a real date."),
        ({"disbursed_on": "15/01/2026"}, "disbursed_on: “15/01/2026” is not a date written YYYY-MM-DD."),
        ({"principal": "-1200.00"}, "principal must be more than zero (it is -1200.00)."),
        ({"principal": "0"}, "principal must be more than zero (it is 0)."),
        ({"principal": "1000000000000"}, "principal: 1000000000000 is too large"),
        ({"principal": "1200.005"}, "principal: 1200.005 has more than 2 decimal places."),
        ({"principal": "¥1,200"}, "principal: “¥1,200” is not a number"),
        ({"principal": "abc"}, "principal: “abc” is not a number"),
        ({"principal": "NaN"}, "principal: “NaN” is not a number"),
        ({"product_code": "NOPE"}, "Unknown product_code NOPE."),
        ({"full_name": ""}, "full_name is empty."),
        ({"phone": "call me"}, "phone is not a phone number"),
        ({"national_id": WANG_FANG_ID[:-1] + "0"}, "national_id: The national ID number's check character"),
        ({"national_id": "12345"}, "national_id: A national ID number has 18 characters"),
        ({"date_of_birth": "1999-03-09"}, "date_of_birth does not match the date of birth in national_id."),
        (
            {"disbursed_on": "2026-04-01"},
            "disbursed_on 2026-04-01 is after today's business date, 2026-03-31.",
        ),
        ({"first_due_date": "2026-01-15"}, "first_due_date must be after disbursed_on."),
        (
            {"national_id": national_id_for(date(2010, 1, 1), serial=1), "date_of_birth": "2010-01-01"},
            "The borrower was under 18 on disbursed_on",
        ),
    ],
)
def test_a_malformed_loan_row_refuses_the_whole_file_and_names_its_line(
    product: LoanProduct,
    tmp_path: Path,
    cells: dict[str, str],
    message: str,
) -> None:
    rows = [loan_row(), loan_row(reference="AX2026000002", **cells)]

    result = import_loans(tmp_path, csv_bytes(LOAN_HEADER, rows))

    assert result.status == 1
    assert f"line 3: {message}" in result.err
    assert "line 2:" not in result.err
    assert nothing_was_imported()
    assert ImportJob.objects.get().status == ImportJob.Status.FAILED


def test_every_failing_row_is_reported_at_once_with_its_line_number(
    product: LoanProduct, tmp_path: Path
) -> None:
    rows = [
        loan_row(reference="AX1"),
        loan_row(reference="AX2", disbursed_on="2026-02-30"),
        loan_row(reference="AX3"),
        loan_row(reference="AX4", principal="-5"),
        loan_row(reference="AX1"),
    ]

    result = import_loans(tmp_path, csv_bytes(LOAN_HEADER, rows))

    assert result.status == 1
    assert ImportJob.objects.get().report == [
        {"line": 3, "message": "disbursed_on: 2026-02-30 is not a real date."},
        {"line": 5, "message": "principal must be more than zero (it is -5)."},
        {"line": 6, "message": "Reference AX1 is also on line 2."},
    ]
    assert "Import #" in result.err
    assert "refused: 3 problems; nothing was imported." in result.err
    assert nothing_was_imported()


def test_a_missing_column_refuses_the_file_and_names_the_column(product: LoanProduct, tmp_path: Path) -> None:
    header = tuple(name for name in LOAN_HEADER if name != "principal")

    result = import_loans(tmp_path, csv_bytes(header, [loan_row()]))

    assert result.status == 1
    assert "line 1: Missing column(s): principal." in result.err
    assert nothing_was_imported()


def test_an_unexpected_column_refuses_the_file(product: LoanProduct, tmp_path: Path) -> None:
    result = import_loans(tmp_path, csv_bytes((*LOAN_HEADER, "notes"), [loan_row(notes="vip")]))

    assert result.status == 1
    assert "line 1: Unexpected column(s): notes." in result.err


def test_the_optional_first_due_date_column_may_be_left_out(product: LoanProduct, tmp_path: Path) -> None:
    header = LOAN_HEADER[:-1]

    result = import_loans(tmp_path, csv_bytes(header, [loan_row()]))

    assert result.status == 0, result.err
    assert Loan.objects.get().first_due_date == date(2026, 2, 15)


def test_a_row_with_too_few_values_is_reported(product: LoanProduct, tmp_path: Path) -> None:
    content = csv_bytes(LOAN_HEADER, [loan_row()]) + b"AX2,C0001,short row\r\n"

    result = import_loans(tmp_path, content)

    assert result.status == 1
    assert "line 3: This line does not have 10 values" in result.err
    assert nothing_was_imported()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"\r\n\r\n", "The file is empty."),
        (",".join(LOAN_HEADER).encode() + b"\r\n", "line 1: The file has a header but no rows."),
    ],
)
def test_an_empty_file_or_a_header_alone_is_refused(
    product: LoanProduct, tmp_path: Path, content: bytes, message: str
) -> None:
    result = import_loans(tmp_path, content)

    assert result.status == 1
    assert message in result.err


def test_a_gbk_encoded_file_is_refused_and_the_encoding_is_named(
    product: LoanProduct, tmp_path: Path
) -> None:
    text = csv_bytes(LOAN_HEADER, [loan_row(full_name="王芳"), loan_row(reference="AX2")]).decode()
    gbk = text.encode("gbk")  # 王芳, on line 2, is where GBK's bytes differ from UTF-8's

    result = import_loans(tmp_path, gbk)

    assert result.status == 1
    assert "is not UTF-8 text" in result.err
    assert "GBK" in result.err
    assert "line 2:" in result.err
    assert nothing_was_imported()


def test_a_utf8_file_with_a_byte_order_mark_is_accepted(product: LoanProduct, tmp_path: Path) -> None:
    content = "\ufeff".encode() + csv_bytes(LOAN_HEADER, [loan_row()])

    result = import_loans(tmp_path, content)

    assert result.status == 0, result.err
    assert BorrowerProfile.objects.get().full_name == "王芳"


def test_two_thousand_loans_are_imported_in_one_go(product: LoanProduct, tmp_path: Path) -> None:
    rows = [
        loan_row(reference=f"AX{n:08d}", customer_number=f"C{n % 500:05d}", full_name=f"客户{n % 500}")
        | {"national_id": national_id_for(date(1999, 3, 8), serial=n % 500)}
        for n in range(2000)
    ]

    result = import_loans(tmp_path, csv_bytes(LOAN_HEADER, rows))

    assert result.status == 0, result.err
    assert Loan.objects.count() == 2000
    assert BorrowerProfile.objects.count() == 500
    job = ImportJob.objects.get()
    assert (job.rows_total, job.rows_done, job.rows_imported) == (2000, 2000, 2000)
    assert_ledger_reconciles()


# --- payments ------------------------------------------------------------------------------------


def payment_row(loan: Loan, receipt: str, amount: str, paid_on: str) -> dict[str, str]:
    return {"receipt_number": receipt, "loan_reference": loan.reference, "amount": amount, "paid_on": paid_on}


def test_a_payments_file_records_and_allocates_each_payment(tmp_path: Path) -> None:
    loan = make_loan(principal=Decimal("1200.00"))
    rows = [
        # Instalment 1 on its due date: ¥12.00 interest + ¥100.00 principal.
        payment_row(loan, "WX-0001", "112.00", "2026-02-15"),
        # Instalment 2 (due 03-15) ten days late: ¥20.00 late fee on 03-19, and penalty interest for
        # 03-19..03-25, 100.00 * 0.18 * 7 / 365 = ¥0.35; 0.35 + 20.00 + 11.00 + 100.00 = ¥131.35. The rest,
        # ¥68.65, pays instalment 3's interest, billed early as far as the cost cap leaves room (¥8.97 of
        # ¥10.00), and ¥59.68 of its principal.
        payment_row(loan, "WX-0002", "200.00", "2026-03-25"),
    ]

    result = import_payments(tmp_path, csv_bytes(PAYMENT_HEADER, rows))

    assert result.status == 0, result.err
    loan.refresh_from_db()
    assert loan.principal_balance == Decimal("940.32")  # 1,200.00 - 100.00 - 100.00 - 59.68
    assert (loan.interest_balance, loan.fee_balance, loan.penalty_balance) == (0, 0, 0)
    assert set(Payment.objects.values_list("source", flat=True)) == {"import"}
    assert AuditEvent.objects.filter(action="payment.recorded").count() == 2
    assert_ledger_reconciles()


def test_a_receipt_already_recorded_is_skipped_as_already_present(tmp_path: Path) -> None:
    loan = make_loan()
    services.payment_record(
        loan_id=loan.pk, receipt_number="WX-0001", amount=Decimal("112.00"), paid_on=date(2026, 2, 15)
    )
    rows = [
        payment_row(loan, "WX-0001", "112.00", "2026-02-15"),
        payment_row(loan, "WX-0002", "50.00", "2026-03-01"),
    ]

    result = import_payments(tmp_path, csv_bytes(PAYMENT_HEADER, rows))

    assert result.status == 0, result.err
    assert "Imported 1 of 2 rows; 1 already on file (skipped)." in result.out
    assert Payment.objects.count() == 2
    assert_ledger_reconciles()


def test_importing_the_same_payments_file_again_changes_nothing(tmp_path: Path) -> None:
    loan = make_loan()
    content = csv_bytes(PAYMENT_HEADER, [payment_row(loan, "WX-0001", "112.00", "2026-02-15")])
    import_payments(tmp_path, content)
    entries = LedgerEntry.objects.count()

    again = import_payments(tmp_path, content)

    assert again.status == 0
    assert "already imported" in again.out
    assert (Payment.objects.count(), LedgerEntry.objects.count()) == (1, entries)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"amount": "112.00", "loan_reference": "AX-UNKNOWN"}, "Unknown loan_reference AX-UNKNOWN."),
        ({"amount": "-112.00"}, "amount must be more than zero"),
        ({"amount": "99999999999999"}, "amount: 99999999999999 is too large"),
        ({"amount": "12.3.4"}, "amount: “12.3.4” is not a number"),
        ({"paid_on": "2026-02-30"}, "paid_on: 2026-02-30 is not a real date."),
        ({"paid_on": "2026-04-01"}, "paid_on 2026-04-01 is after today's business date, 2026-03-31."),
        ({"receipt_number": "WX-0001"}, "Receipt WX-0001 is also on line 2."),
        ({"paid_on": "2026-02-14"}, "This payment is dated before the one on line 2 for the same loan"),
    ],
)
def test_a_malformed_payment_row_refuses_the_whole_file(
    tmp_path: Path, row: dict[str, str], message: str
) -> None:
    loan = make_loan()
    second = payment_row(loan, "WX-0002", "50.00", "2026-03-01") | row
    rows = [payment_row(loan, "WX-0001", "112.00", "2026-02-15"), second]

    result = import_payments(tmp_path, csv_bytes(PAYMENT_HEADER, rows))

    assert result.status == 1
    assert f"line 3: {message}" in result.err
    assert not Payment.objects.exists()
    assert_ledger_reconciles()


def test_a_receipt_already_recorded_with_a_different_amount_is_refused(tmp_path: Path) -> None:
    loan = make_loan()
    services.payment_record(
        loan_id=loan.pk, receipt_number="WX-0001", amount=Decimal("112.00"), paid_on=date(2026, 2, 15)
    )

    result = import_payments(
        tmp_path, csv_bytes(PAYMENT_HEADER, [payment_row(loan, "WX-0001", "120.00", "2026-02-15")])
    )

    assert result.status == 1
    assert "line 2: Receipt WX-0001 is already recorded for a different loan, amount or date." in result.err


def test_a_row_the_payment_service_refuses_midway_rolls_back_every_row(tmp_path: Path) -> None:
    loan = make_loan(principal=Decimal("1200.00"))
    rows = [
        # ¥2,000.00 on 2026-02-15 pays off the loan: instalment 1 (¥112.00), instalment 2 in full with its
        # interest billed early (¥111.00), the other ¥1,000.00 of principal; ¥777.00 is left unapplied.
        payment_row(loan, "WX-0001", "2000.00", "2026-02-15"),
        payment_row(loan, "WX-0002", "10.00", "2026-02-16"),
    ]

    result = import_payments(tmp_path, csv_bytes(PAYMENT_HEADER, rows))

    assert result.status == 1
    assert f"line 3: Loan {loan.reference} is paid off; it takes no more payments." in result.err
    assert not Payment.objects.exists()
    assert list(LedgerEntry.objects.values_list("kind", flat=True)) == [LedgerEntry.Kind.DISBURSEMENT]
    loan.refresh_from_db()
    assert (loan.status, loan.principal_balance) == (Loan.Status.ACTIVE, Decimal("1200.00"))
    assert_ledger_reconciles()


# --- big files -----------------------------------------------------------------------------------


def big_file(header: tuple[str, ...], rows: Iterator[dict[str, str]]) -> bytes:
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return text.getvalue().encode()


def test_a_50000_row_payments_file_with_one_bad_row_near_the_end_is_refused_in_seconds(
    tmp_path: Path,
) -> None:
    loan = make_loan()
    bad_line = 49_990  # the header is line 1, so row n is on line n + 1

    def rows() -> Iterator[dict[str, str]]:
        for n in range(1, 50_001):
            amount = "1.000" if n + 1 == bad_line else "1.00"
            yield payment_row(loan, f"WX-{n:06d}", amount, "2026-02-15")

    started = time.monotonic()
    result = import_payments(tmp_path, big_file(PAYMENT_HEADER, rows()))
    seconds = time.monotonic() - started

    assert result.status == 1
    assert ImportJob.objects.get().report == [
        {"line": bad_line, "message": "amount: 1.000 has more than 2 decimal places."}
    ]
    assert ImportJob.objects.get().rows_done == 50_000
    assert not Payment.objects.exists()
    assert seconds < 60, f"checking 50,000 payments took {seconds:.1f} s"


def test_a_50000_row_loans_file_with_one_bad_row_near_the_end_is_refused_in_seconds(
    product: LoanProduct, tmp_path: Path
) -> None:
    bad_line = 49_995

    def rows() -> Iterator[dict[str, str]]:
        for n in range(1, 50_001):
            yield loan_row(
                reference=f"AX{n:08d}",
                customer_number=f"C{n:06d}",
                national_id=national_id_for(date(1999, 3, 8), serial=n),
                disbursed_on="2026-02-29" if n + 1 == bad_line else "2026-01-15",
            )

    started = time.monotonic()
    result = import_loans(tmp_path, big_file(LOAN_HEADER, rows()))
    seconds = time.monotonic() - started

    assert result.status == 1
    assert ImportJob.objects.get().report == [
        {"line": bad_line, "message": "disbursed_on: 2026-02-29 is not a real date."}
    ]
    assert nothing_was_imported()
    assert seconds < 60, f"checking 50,000 loans took {seconds:.1f} s"


def test_the_progress_bar_moves_every_500_rows_while_the_file_is_checked(tmp_path: Path) -> None:
    loan = make_loan()
    rows = [payment_row(loan, f"WX-{n:05d}", "1.00", "2026-02-15") for n in range(1, 1201)]
    rows[-1]["amount"] = "-1.00"  # refused, so only the check runs

    with CaptureQueriesContext(connection) as queries:
        result = import_payments(tmp_path, csv_bytes(PAYMENT_HEADER, rows))

    assert result.status == 1
    progress = [
        q["sql"] for q in queries if q["sql"].startswith('UPDATE "borrowers_importjob" SET "rows_done"')
    ]
    assert len(progress) == 4  # after rows 500, 1,000 and 1,200, then the exact total
    assert ImportJob.objects.get().report == [
        {"line": 1201, "message": "amount must be more than zero (it is -1.00)."}
    ]


def test_line_numbers_are_the_files_own_even_with_blank_lines(product: LoanProduct, tmp_path: Path) -> None:
    good = csv_bytes(LOAN_HEADER, [loan_row()])
    bad = csv_bytes(LOAN_HEADER, [loan_row(reference="AX2", principal="x")]).split(b"\r\n", 1)[1]

    result = import_loans(tmp_path, good + b"\r\n\r\n" + bad)

    assert result.status == 1
    assert "line 5: principal: “x” is not a number" in result.err


def test_a_second_run_of_a_job_already_imported_does_not_overwrite_its_result() -> None:
    from borrowers.imports import RowProblem
    from borrowers.imports.jobs import _finish

    job = ImportJob.objects.create(
        kind=ImportJob.Kind.PAYMENTS,
        original_name="p.csv",
        sha256="0" * 64,
        status=ImportJob.Status.SUCCEEDED,
    )

    result = _finish(job, ImportJob.Status.FAILED, [RowProblem(2, "already exists")])

    job.refresh_from_db()
    assert (result.status, job.status) == (ImportJob.Status.SUCCEEDED, ImportJob.Status.SUCCEEDED)
