"""A smoke test of bench/reminders_select.py (the benchmark itself is `make bench`, never the test run):
its set-based seed and its measured selection on 50 loans, on PostgreSQL, with the figures it prints."""

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from django.db import connection

from tests.conftest import require

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
BENCH = Path(__file__).resolve().parents[2] / "bench" / "reminders_select.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_reminders_select", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_bench_seeds_50_loans_and_measures_a_fixed_number_of_queries_a_chunk() -> None:
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL=postgres://…)")
    bench = _bench()
    bench.seed(50)
    first = bench.measure(chunk_size=10)
    # Six of every ten loans meet a rule: 5 of each offset among 50.
    assert first["candidates"] == first["matched"] == 30
    assert first["chunks"] == 3
    # before_due_3/1/0 and overdue_1 write 2 messages each (text, in-app), overdue_7 and 30 write 3.
    assert first["written"] == 5 * (2 + 2 + 2 + 2 + 3 + 3)
    assert first["per_chunk"] == 10
    again = bench.measure(chunk_size=10)
    assert again["written"] == 0
    seconds, rows = bench.floor()
    assert rows == first["written"]
    assert seconds >= 0
