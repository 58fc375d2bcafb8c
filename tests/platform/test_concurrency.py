"""16 signed-in borrowers at once against the real dev server: no 5xx, on SQLite and on PostgreSQL.

The server is started as `make run` starts it (`runserver`, threaded, on the embedded default: SQLite,
tasks inline, the database cache) on a fresh database with the demo data. Each client logs in as demo@
or other@ and loops for a few seconds over the loan list, one of its loans, the planner, the planner's
CSV export and a loan-link attempt (a write: each attempt is audited). On SQLite this once gave a 500
"database is locked" for about half of the requests: every page view wrote the session's activity,
and writers did not queue. bench/concurrency.py holds the load and prints the same figures.
"""

import os
from pathlib import Path

import pytest

from bench.concurrency import LoadResult, postgres_available, run_postgres, run_sqlite
from tests.conftest import require

# The two loads run one after the other on one xdist worker, never both at once.
pytestmark = pytest.mark.xdist_group("concurrency")

SECONDS = 4.0
STEPS = {
    "POST /accounts/login/",
    "GET /loans/",
    "GET /loans/AX-DEMO-1002/",
    "GET /loans/AX-DEMO-2001/",
    "GET /plan/",
    "POST /loans/link/",
}


def assert_no_server_error(result: LoadResult, workdir: Path) -> None:
    print(result.summary())
    log = (workdir / "server.log").read_text()
    first_traceback = log[log.find("Traceback") :][:3000] if "Traceback" in log else ""
    assert result.errors == 0, f"{result.summary()}\n{result.failures[:10]}\n{first_traceback}"
    assert set(result.requested) >= STEPS, result.requested
    # Load, not a trickle: each client logged in and made at least three requests after.
    assert result.requests >= 16 * 4, result.summary()


def test_sixteen_signed_in_clients_on_sqlite_get_no_server_error(tmp_path: Path) -> None:
    result = run_sqlite(tmp_path, seconds=SECONDS)

    assert_no_server_error(result, tmp_path)


@pytest.mark.postgres
def test_sixteen_signed_in_clients_on_postgresql_get_no_server_error(tmp_path: Path) -> None:
    url = os.environ.get("DATABASE_URL", "")
    require(
        url.startswith(("postgres://", "postgresql://")) and postgres_available(),
        "PostgreSQL (DATABASE_URL=postgres://…, which may create a database)",
    )

    result = run_postgres(tmp_path, seconds=SECONDS)

    assert_no_server_error(result, tmp_path)
