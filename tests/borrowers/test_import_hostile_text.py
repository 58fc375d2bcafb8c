"""Hostile text in import files: control and invisible formatting characters, and formula prefixes.

Each is refused with a message naming the column and the character's code point; the character itself
never reaches the report, the database or the terminal.
"""

from pathlib import Path
from typing import Any

import pytest

from borrowers.imports.report import report_mask
from borrowers.models import BorrowerProfile, ImportJob
from tests.borrowers.factories import make_loan, make_product
from tests.borrowers.test_imports import (
    LOAN_HEADER,
    PAYMENT_HEADER,
    csv_bytes,
    import_loans,
    import_payments,
    loan_row,
    nothing_was_imported,
)

pytestmark = pytest.mark.django_db

CONTROL = "contains a control or invisible formatting character"


@pytest.fixture(autouse=True)
def _setup(settings: Any, tmp_path: Path) -> None:
    settings.ANXIN_BUSINESS_DATE = "2026-03-31"
    settings.MEDIA_ROOT = tmp_path / "private"
    settings.LANGUAGE_CODE = "en"
    make_product(code="EVERYDAY-12")


@pytest.mark.parametrize(
    "name",
    [
        '=HYPERLINK("http://x","y")',
        "+cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        ' =HYPERLINK("http://x","y")',  # the leading space is stripped, so the formula would stay
    ],
)
def test_a_name_starting_like_a_formula_is_refused(tmp_path: Path, name: str) -> None:
    result = import_loans(
        tmp_path, csv_bytes(LOAN_HEADER, [loan_row(), loan_row(reference="AX2", full_name=name)])
    )

    assert result.status == 1
    prefix = name.strip()[0]
    assert (
        f"line 3: full_name starts with “{prefix}”, which a spreadsheet reads as the start of a formula"
        in (result.err)
    )
    assert "line 2:" not in result.err
    assert nothing_was_imported()


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("王\x00芳", "U+0000"),
        ("王\n芳", "U+000A"),
        ("王芳\r\n", "U+000D"),  # a trailing line break inside the quotes: not silently stripped
        ("\t王芳", "U+0009"),
        ("王\x1b[31m芳", "U+001B"),
        ("王\x7f芳", "U+007F"),
        ("王\x85芳", "U+0085"),
        ("\u202e芳王", "U+202E"),  # right-to-left override
        ("王\u2066芳", "U+2066"),  # left-to-right isolate
        ("王\u200b芳", "U+200B"),  # zero-width space
        ("王\ufeff芳", "U+FEFF"),
        ("王\u2028芳", "U+2028"),
    ],
)
def test_a_control_or_invisible_character_in_a_name_is_refused_by_its_code_point(
    tmp_path: Path, name: str, code: str
) -> None:
    result = import_loans(tmp_path, csv_bytes(LOAN_HEADER, [loan_row(full_name=name)]))

    job = ImportJob.objects.get()
    assert result.status == 1
    assert f"line 2: full_name {CONTROL} ({code})" in result.err
    assert [entry["line"] for entry in job.report] == [2]  # one message for the cell, not two
    assert name.strip("王芳") not in repr(job.report)
    assert nothing_was_imported()


def test_a_hostile_character_is_refused_in_every_text_column_and_never_echoed(tmp_path: Path) -> None:
    rows = [
        loan_row(reference="AX1\u202e"),
        loan_row(reference="AX2", customer_number="C\x00"),
        loan_row(reference="AX3", phone="139\u200b12345678"),
        loan_row(reference="AX4", product_code="EVERYDAY-12\x1b"),
        loan_row(reference="AX5", principal="12\u206600"),
        loan_row(reference="AX6", disbursed_on="2026-01-15\u200e"),
        loan_row(reference="AX7", national_id="\u202d" + loan_row()["national_id"]),
    ]

    result = import_loans(tmp_path, csv_bytes(LOAN_HEADER, rows))

    report = ImportJob.objects.get().report
    columns = [
        "reference",
        "customer_number",
        "phone",
        "product_code",
        "principal",
        "disbursed_on",
        "national_id",
    ]
    assert [(entry["line"], entry["message"].split(" ")[0]) for entry in report] == [
        (line, column) for line, column in enumerate(columns, start=2)
    ]
    assert all(CONTROL in entry["message"] for entry in report)
    for character in "\u202e\x00\u200b\x1b\u2066\u200e\u202d":
        assert character not in result.err + repr(report)
    assert nothing_was_imported()


def test_a_payments_file_refuses_hostile_text_too(tmp_path: Path) -> None:
    loan = make_loan(reference="AX-1")
    rows = [
        {
            "receipt_number": "=1+1",
            "loan_reference": loan.reference,
            "amount": "10.00",
            "paid_on": "2026-02-15",
        },
        {
            "receipt_number": "WX\n2",
            "loan_reference": loan.reference,
            "amount": "10.00",
            "paid_on": "2026-02-15",
        },
    ]

    result = import_payments(tmp_path, csv_bytes(PAYMENT_HEADER, rows))

    assert result.status == 1
    assert "line 2: receipt_number starts with “=”" in result.err
    assert f"line 3: receipt_number {CONTROL} (U+000A)" in result.err


def test_a_phone_number_may_start_with_plus_and_an_ordinary_name_is_kept(tmp_path: Path) -> None:
    result = import_loans(
        tmp_path, csv_bytes(LOAN_HEADER, [loan_row(full_name="  欧阳 娜娜 ", phone="+86 139-1234-5678")])
    )

    assert result.status == 0, result.err
    profile = BorrowerProfile.objects.get()
    assert (profile.full_name, profile.phone) == ("欧阳 娜娜", "+8613912345678")


def test_a_hostile_header_is_reported_by_code_point(tmp_path: Path) -> None:
    header = tuple("full_name\u202e" if name == "full_name" else name for name in LOAN_HEADER)
    row = {("full_name\u202e" if key == "full_name" else key): value for key, value in loan_row().items()}

    result = import_loans(tmp_path, csv_bytes(header, [row]))

    assert result.status == 1
    assert "Unexpected column(s): full_name<U+202E>." in result.err
    assert "\u202e" not in result.err + repr(ImportJob.objects.get().report)


def test_the_report_masks_anything_like_an_id_number_and_leaves_keys_and_amounts() -> None:
    assert report_mask("Unexpected column(s): na\u202eme.") == "Unexpected column(s): na<U+202E>me."
    assert report_mask("receipt 110101199003071234 and 11010119900307123X") == (
        f"receipt {'*' * 14}1234 and {'*' * 14}123X"
    )
    assert report_mask("reference AX2026000001, amount 1000000000000.00") == (
        "reference AX2026000001, amount 1000000000000.00"
    )
