"""CSV the product writes, safe to open in a spreadsheet (OWASP, "CSV Injection").

Excel, WPS and LibreOffice run a cell that starts with `=`, `+`, `-` or `@` as a formula
(`=HYPERLINK(...)` to phish, `+cmd|' /C calc'!A0` for DDE), and a leading tab or carriage return can
hide such a start. Any cell we write that starts with one of these six characters gets a single quote
in front (`'=HYPERLINK(...)`): the spreadsheet shows the text as it is, and a program reading the file
sees the quote and knows the cell was neutralised.

One exception, so that exports stay machine-readable: a cell that is a plain decimal number — an
optional sign, ASCII digits, optionally a point and more digits, nothing else (`-12.50`, `+3`, `0`) —
is left as it is. A spreadsheet reads it as a number, not a formula: no function name, operator or
reference can fit that pattern. `-1+1`, `-2026-03-01`, `- 5`, `-1e5` and `-１２` do not match it and
are neutralised.

Every CSV the product writes goes through `writer` or `DictWriter` here (or `cell` for one value).
"""

import csv
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

# The characters that start a formula, and the whitespace that can hide one, per OWASP.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_START_SET = frozenset(FORMULA_STARTS)
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
NEUTRALISER = "'"


def cell(value: object) -> str:
    """The value as it is safe to write in a CSV cell (None is an empty cell)."""
    text = value if isinstance(value, str) else "" if value is None else str(value)
    if text[:1] in _FORMULA_START_SET and not PLAIN_NUMBER.fullmatch(text):
        return NEUTRALISER + text
    return text


def row(values: Iterable[object]) -> list[str]:
    return [cell(value) for value in values]


class Writer:
    """`csv.writer` whose every cell goes through `cell`."""

    def __init__(self, stream: Any, *args: Any, **kwargs: Any) -> None:
        self._writer = csv.writer(stream, *args, **kwargs)

    def writerow(self, values: Iterable[object]) -> Any:
        return self._writer.writerow(row(values))

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        self._writer.writerows(row(values) for values in rows)


def writer(stream: Any, *args: Any, **kwargs: Any) -> Writer:
    return Writer(stream, *args, **kwargs)


if TYPE_CHECKING:
    _DictWriter = csv.DictWriter[str]
else:  # not subscriptable at run time
    _DictWriter = csv.DictWriter


class DictWriter(_DictWriter):
    """`csv.DictWriter` whose every cell (the header too) goes through `cell`."""

    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        return super().writerow({key: cell(value) for key, value in rowdict.items()})

    def writerows(self, rowdicts: Iterable[Mapping[str, Any]]) -> None:
        for rowdict in rowdicts:
            self.writerow(rowdict)
