"""What every kind of import file shares: a parsed row, the review of a chunk of rows, and the importer's
interface that `borrowers.imports.jobs` drives (`loans.LoanImporter`, `payments.PaymentImporter`)."""

from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

from borrowers.imports.parse import Record
from borrowers.imports.report import RowProblem
from borrowers.models import ImportJob
from core.business_date import business_date_today

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
        self.key_lines: dict[str, int] = {}

    def row_key(self, row: Row) -> str:
        """What the file may name on one line only (a loan's reference, a payment's receipt number)."""
        raise NotImplementedError

    def repeated(self, row: Row, first_line: int) -> str:
        """The problem of a row whose key line `first_line` of the file already has."""
        raise NotImplementedError

    def first_in_file(self, row: Row, review: Review) -> bool:
        """Whether no earlier line of the file has this row's key. If one has, the row's one problem says
        which (and it is checked no further); the earlier chunks count, this importer reads them all."""
        key = self.row_key(row)
        first_line = self.key_lines.get(key)
        if first_line is not None:
            review.problems.append(RowProblem(row.line, self.repeated(row, first_line)))
            return False
        self.key_lines[key] = row.line
        return True

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
