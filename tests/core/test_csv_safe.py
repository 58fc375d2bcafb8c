"""core.csv_safe: a cell a spreadsheet would run as a formula is written with a leading quote; numbers
stay numbers, so exports remain machine-readable."""

import csv
import io

import pytest

from core import csv_safe


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-1+1", "'-1+1"),
        ("-2026-03-01", "'-2026-03-01"),
        ("-1e5", "'-1e5"),
        ("- 5", "'- 5"),
        ("-１２", "'-１２"),  # full-width digits are not a plain number
        ("-", "'-"),
        ("=", "'="),
    ],
)
def test_a_cell_starting_like_a_formula_gets_a_leading_quote(value: str, written: str) -> None:
    assert csv_safe.cell(value) == written


@pytest.mark.parametrize(
    "value", ["-12.50", "+3", "0", "12.50", "-0.01", "2026-03-01", "AX-DEMO-1002", "王芳", "a=b", "", " -1+1"]
)
def test_numbers_and_ordinary_text_are_left_as_they_are(value: str) -> None:
    assert csv_safe.cell(value) == value


def test_values_that_are_not_text_are_written_as_csv_writes_them() -> None:
    from decimal import Decimal

    assert csv_safe.row([None, 3, Decimal("-12.50"), -1.5]) == ["", "3", "-12.50", "-1.5"]


def test_both_writers_neutralise_every_cell_and_a_reader_gets_the_numbers_back() -> None:
    out = io.StringIO()
    writer = csv_safe.DictWriter(out, fieldnames=["loan", "balance"], lineterminator="\n")
    writer.writeheader()
    writer.writerow({"loan": "=1+1", "balance": "-12.50"})
    writer.writerows([{"loan": "@A1", "balance": "7"}])
    plain = io.StringIO()
    csv_safe.writer(plain, lineterminator="\n").writerows([["+1+1", "-3"], ["ok", "-3+1"]])

    assert list(csv.DictReader(io.StringIO(out.getvalue()))) == [
        {"loan": "'=1+1", "balance": "-12.50"},
        {"loan": "'@A1", "balance": "7"},
    ]
    assert plain.getvalue() == "'+1+1,-3\nok,'-3+1\n"
