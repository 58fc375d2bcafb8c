"""Server errors already reported (issue 9), recognised by their exception so the fuzzing goes on.

A 500 that matches one of these is counted under its name in test-artifacts/security/hostile.json and
does not fail the fuzzing; each has its own minimal reproduction in test_hostile_findings.py, marked
xfail(strict=True), which flips to a failure (XPASS) the day it is fixed, so this entry is then removed.
Any other 500 fails the fuzzing.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection


@dataclass(frozen=True)
class Finding:
    name: str
    summary: str
    matches: Callable[[str, BaseException], bool]


def _admin(path: str) -> bool:
    return path.startswith("/admin/")


# None open: the admin's overflow and too-long-search 500s are fixed (core.middleware_admin_input), and
# test_hostile_findings.py keeps their reproductions. Any 500 now fails the fuzzing.
FINDINGS: tuple[Finding, ...] = ()


def known(path: str, error: BaseException | None) -> Finding | None:
    if error is None:
        return None
    return next((finding for finding in FINDINGS if finding.matches(path, error)), None)


def on_sqlite() -> bool:
    return connection.vendor == "sqlite"
