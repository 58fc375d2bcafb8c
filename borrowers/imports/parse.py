"""Reading the lender's CSV files: the header, each record and each cell.

`borrowers.imports.jobs` runs an import; this module knows nothing of the database. A cell is never echoed
into a report unless it is free of control characters (see `Cells`), and every message is masked on its
way into a report (`report.report_mask`).
"""

import codecs
import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.files import File
from django.utils.translation import gettext as _

import loanmath
from borrowers.imports.report import FileRefusedError, RowProblem
from core.text import forbidden_character

DATE_FORMAT = re.compile(r"\d{4}-\d{2}-\d{2}")
NUMBER_FORMAT = re.compile(r"[+-]?\d+(?:\.\d+)?")
AMOUNT_FORMAT = re.compile(r"\d+(?:\.\d{1,2})?")

# Control and invisible formatting characters are refused in every cell, line breaks and tabs included
# (core.text.forbidden_character; none belongs in a name, a phone number or a key).
# A spreadsheet reads a cell starting with one of these as a formula (OWASP, "CSV Injection").
FORMULA_PREFIXES = ("=", "+", "-", "@")


def age_on(date_of_birth: date, day: date) -> int:
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


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
    """One record's cells, parsed one at a time. Every problem is kept, so the report lists them all.

    A cell holding a control or invisible formatting character is refused once, by name, and then read
    as empty without a second message, so its content is never echoed into the report.
    """

    def __init__(self, record: Record) -> None:
        self.cells = record.cells or {}
        self.problems: list[str] = []
        self.refused: set[str] = set()
        for column, value in self.cells.items():
            character = forbidden_character(value)
            if character is not None:
                self.refused.add(column)
                self.problems.append(
                    _(
                        "%(column)s contains a control or invisible formatting character (%(code)s), such "
                        "as a line break, a tab or a text-direction mark; remove it and send the file again."
                    )
                    % {"column": column, "code": f"U+{ord(character):04X}"}
                )

    def _raw(self, column: str) -> str:
        return "" if column in self.refused else self.cells.get(column, "").strip()

    def text(self, column: str, *, max_length: int, formula_ok: bool = False) -> str:
        """A required text cell. Unless `formula_ok` (a phone number may start with +), it may not start
        with = + - or @: no name or key does, and a spreadsheet would run it as a formula."""
        value = self._raw(column)
        if column in self.refused:
            return value
        if not value:
            self.problems.append(_("%(column)s is empty.") % {"column": column})
        elif len(value) > max_length:
            self.problems.append(
                _("%(column)s is longer than %(max)d characters.") % {"column": column, "max": max_length}
            )
        elif not formula_ok and value.startswith(FORMULA_PREFIXES):
            self.problems.append(
                _(
                    "%(column)s starts with “%(prefix)s”, which a spreadsheet reads as the start of a "
                    "formula; no name or number in this column starts that way."
                )
                % {"column": column, "prefix": value[0]}
            )
        return value

    def date(self, column: str, *, required: bool = True) -> date | None:
        value = self._raw(column)
        if column in self.refused:
            return None
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
        if column in self.refused:
            return loanmath.ZERO
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
        elif Decimal(value) > loanmath.AMOUNT_MAX:
            # With at most 2 decimal places, "above the ledger's ceiling" is "at or above the next cent".
            self.problems.append(
                _("%(column)s: %(value)s is too large; amounts must be below %(limit)s.")
                % {"column": column, "value": value, "limit": f"{loanmath.AMOUNT_MAX + loanmath.CENT:,.0f}"}
            )
        else:
            return loanmath.quantize(Decimal(value))
        return loanmath.ZERO
