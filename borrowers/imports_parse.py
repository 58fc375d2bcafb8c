"""Reading the lender's CSV files: the header, each record, each cell, and the report's lines.

`borrowers.imports` runs an import; this module knows nothing of the database beyond the base class of an
importer. Every message here may end up in the admin's report, in a terminal (the import commands) or in
a log, so a cell is never echoed unless it is free of control characters, and any run of digits that
could be a national ID number is masked to its last 4 (`report_mask`).
"""

import codecs
import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar, Generic, TypeVar

from django.core.files import File
from django.utils.translation import gettext as _

import loanmath
from borrowers import services
from borrowers.models import ImportJob
from core.business_date import business_date_today
from core.exceptions import ApplicationError
from core.text import forbidden_character, printable

# MoneyField keeps 14 digits, 2 of them after the point.
AMOUNT_LIMIT = Decimal("1000000000000")

DATE_FORMAT = re.compile(r"\d{4}-\d{2}-\d{2}")
NUMBER_FORMAT = re.compile(r"[+-]?\d+(?:\.\d+)?")
AMOUNT_FORMAT = re.compile(r"\d+(?:\.\d{1,2})?")
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


# --- what a cell may contain -------------------------------------------------------------------

# Control and invisible formatting characters are refused in every cell, line breaks and tabs included
# (core.text.forbidden_character; none belongs in a name, a phone number or a key).
# A spreadsheet reads a cell starting with one of these as a formula (OWASP, "CSV Injection").
FORMULA_PREFIXES = ("=", "+", "-", "@")
# 15 or more digits (spaces or hyphens between them allowed), the last one possibly X: a national ID
# number (18 characters, or 15 for the old ones). `\d` also matches full-width digits.
ID_LIKE = re.compile(r"(?<!\d)(?:\d[ \-]?){14,}[\dXxＸｘ](?!\d)")


def _mask_match(match: "re.Match[str]") -> str:
    characters = [character for character in match.group() if character not in " -"]
    return "*" * (len(characters) - 4) + "".join(characters[-4:])


def report_mask(message: str) -> str:
    """A report message as it may be stored and shown: no forbidden characters, and anything that could
    be a national ID number (in whatever column it was put by mistake) reduced to its last 4."""
    return ID_LIKE.sub(_mask_match, printable(message))


# --- reports -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowProblem:
    """One line of a report. Line 0 is the file as a whole."""

    line: int
    message: str

    def as_json(self) -> dict[str, Any]:
        return {"line": self.line, "message": report_mask(self.message)}


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
        elif Decimal(value) >= AMOUNT_LIMIT:
            self.problems.append(
                _("%(column)s: %(value)s is too large; amounts must be below 1,000,000,000,000.")
                % {"column": column, "value": value}
            )
        else:
            return loanmath.quantize(Decimal(value))
        return loanmath.ZERO


# --- what every kind of file shares -------------------------------------------------------------

Row = TypeVar("Row", bound="ParsedRow")


@dataclass(frozen=True)
class ParsedRow:
    line: int


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
