"""An import's report: its lines, the errors that refuse a file, and the masking every message goes through.

Every message may end up in the admin's report, in a terminal (the import commands) or in a log, so any run
of digits that could be a national ID number is masked to its last 4 (`report_mask`), wherever it came
from, and no control or invisible formatting character is kept.
"""

import re
from dataclasses import dataclass
from typing import Any

from core.exceptions import ApplicationError
from core.text import printable

# --- masking -------------------------------------------------------------------------------------

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
