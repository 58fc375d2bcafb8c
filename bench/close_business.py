"""Close of business at a lender's scale, measured (not asserted), on PostgreSQL.

For each book size (BENCH_LOANS, default "100000,1000000") it makes a fresh database, migrates it, seeds
the loans set-based (80 % overdue: instalment 1 past due and unpaid, penalty accruing; 20 % current),
then closes one business day with the set-based chunk close (borrowers.services.bulk_close), in
BENCH_WORKERS processes (default 2, like two Celery workers) taking 10,000-loan id ranges, each range
one transaction as a chunk task is. It then reruns the same day (everything is closed: nothing is
written) and, as the floor, times one hand-written INSERT … SELECT that writes one penalty row per
overdue instalment into a scratch copy of the ledger. Prints times, entries, and the ratios.

Run: make bench   (or .venv/bin/python bench/close_business.py); needs PostgreSQL at
BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres, used to create the databases).
"""

import multiprocessing
import multiprocessing.pool
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ADMIN_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
BUSINESS_DATE = date(2026, 6, 1)
CHUNK = 10_000


def _psql(url: str, sql: str) -> None:
    subprocess.run(["psql", url, "-qc", sql], check=True, capture_output=True)


def _db_url(name: str) -> str:
    return ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def _django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


SEED = """
INSERT INTO borrowers_overduepolicy (name, grace_days, late_fee_flat, late_fee_rate, penalty_rate,
    penalty_basis, penalty_markup, day_count, annual_cost_cap)
VALUES ('Bench', 3, 20.00, 0.000000, 0.180000, 'rate', 0.500000, 365, 0.240000);
INSERT INTO borrowers_loanproduct (code, name_zh_hans, name_en, annual_rate, method, term_months,
    overdue_policy_id, overpayment_handling)
SELECT 'BENCH', '基准贷', 'Bench loan', 0.120000, 'equal_principal', 6, id, 'prepay_principal'
FROM borrowers_overduepolicy;
INSERT INTO borrowers_borrowerprofile (customer_number, full_name, phone, national_id_hash,
    national_id_last4, preferred_language, time_zone, created_at)
VALUES ('BENCH-1', '基准', '13800000000', repeat('0', 64), '0000', 'zh-hans', 'Asia/Shanghai', now());
-- Loan n: four in five overdue (first due 1 to 28 days before the business date, unpaid), one current.
INSERT INTO borrowers_loan (reference, borrower_id, product_id, principal, annual_rate, term_months, method,
    disbursed_on, first_due_date, status, principal_balance, interest_balance, fee_balance, penalty_balance,
    days_past_due, bucket, closed_through, cost_cap_base, cost_cap_base_on, created_at)
SELECT 'B' || n, b.id, p.id, 6000.00, 0.120000, 6, 'equal_principal',
       %(d)s::date - 30 - (CASE WHEN n %% 5 = 0 THEN -25 ELSE n %% 28 END),
       %(d)s::date - (CASE WHEN n %% 5 = 0 THEN -25 ELSE n %% 28 END),
       'active', 6000.00, CASE WHEN n %% 5 = 0 THEN 0 ELSE 60.00 END, 0, 0, 0, 'current', %(d)s::date - 1,
       6000.00, %(d)s::date - 30 - (CASE WHEN n %% 5 = 0 THEN -25 ELSE n %% 28 END), now()
FROM generate_series(1, %(n)s) n, borrowers_borrowerprofile b, borrowers_loanproduct p;
INSERT INTO borrowers_instalment (loan_id, number, due_date, principal, interest, interest_billed,
    principal_paid, interest_paid, fees_charged, fees_paid, penalty_charged, penalty_paid,
    penalty_period_start, penalty_period_formula)
SELECT l.id, k, (l.first_due_date + make_interval(months => k - 1))::date, 1000.00,
       round((6000.00 - 1000.00 * (k - 1)) * 0.12 / 12, 2),
       CASE WHEN k = 1 AND l.first_due_date < %(d)s THEN 60.00 ELSE 0 END, 0, 0, 0, 0, 0, 0, NULL, 0
FROM borrowers_loan l, generate_series(1, 6) k;
"""

FLOOR = """
CREATE TEMP TABLE floor_ledger (LIKE borrowers_ledgerentry INCLUDING DEFAULTS);
INSERT INTO floor_ledger (id, loan_id, instalment_id, kind, business_date, principal, interest, fees, penalty,
    note, basis, created_at)
SELECT i.id, i.loan_id, i.id, 'penalty_interest', %(d)s, 0, 0, 0,
       round((i.principal - i.principal_paid) * 0.18 / 365, 2), '', '{}'::jsonb, now()
FROM borrowers_instalment i
WHERE i.due_date < %(d)s AND i.principal_paid < i.principal;
"""


def _close_ranges(ranges: list[tuple[int, int]]) -> int:
    from django.db import transaction

    from borrowers.services.bulk_close import loans_close_range

    entries = 0
    for first, last in ranges:
        with transaction.atomic():
            entries += loans_close_range(first_id=first, last_id=last, business_date=BUSINESS_DATE).entries
    return entries


def _close_day(pool: "multiprocessing.pool.Pool", last_id: int, workers: int) -> tuple[float, int]:
    """One business day over every id range, shared by the workers (already started and set up, as
    Celery workers are): the wall time from the first range begun to the last one committed."""
    ranges = [(start, min(start + CHUNK - 1, last_id)) for start in range(1, last_id + 1, CHUNK)]
    shares = [ranges[w::workers] for w in range(workers)]
    started = time.perf_counter()
    entries = sum(pool.map(_close_ranges, shares))
    return time.perf_counter() - started, entries


def bench(loans: int, workers: int) -> dict[str, float]:
    name = f"anxin_bench_{loans}"
    _psql(ADMIN_URL, f"DROP DATABASE IF EXISTS {name}")
    _psql(ADMIN_URL, f"CREATE DATABASE {name}")
    url = _db_url(name)
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        started = time.perf_counter()
        for statement in SEED.split(";\n"):
            if statement.strip():
                conn.execute(statement, {"d": BUSINESS_DATE, "n": loans})
        conn.execute("ANALYZE")
        seeded = time.perf_counter() - started
        last_id = conn.execute("SELECT max(id) FROM borrowers_loan").fetchone()[0]
    with multiprocessing.get_context("spawn").Pool(workers, initializer=_django, initargs=(url,)) as pool:
        pool.map(_close_ranges, [[] for _ in range(workers)])  # start and set up every worker first
        real, entries = _close_day(pool, last_id, workers)
        rerun, again = _close_day(pool, last_id, workers)
    with psycopg.connect(url) as conn:
        started = time.perf_counter()
        for statement in FLOOR.split(";\n"):
            if statement.strip():
                conn.execute(statement, {"d": BUSINESS_DATE})
        floor_rows = conn.execute("SELECT count(*) FROM floor_ledger").fetchone()[0]
        floor = time.perf_counter() - started
        conn.rollback()
    _psql(ADMIN_URL, f"DROP DATABASE IF EXISTS {name}")
    print(
        f"{loans:>9,} loans ({int(loans * 0.8):,} overdue): seeded in {seeded:6.1f} s; "
        f"close of one day {real:6.1f} s ({entries:,} entries, {real / loans * 1e6:5.1f} µs a loan, "
        f"{workers} workers); rerun {rerun:5.2f} s ({again} entries, {rerun / real:.1%} of the run); "
        f"floor INSERT … SELECT {floor:5.1f} s ({floor_rows:,} rows; the close is {real / floor:.1f}× it)"
    )
    return {"loans": loans, "real": real}


def main() -> None:
    sizes = [int(n) for n in os.environ.get("BENCH_LOANS", "100000,1000000").split(",")]
    workers = int(os.environ.get("BENCH_WORKERS", "2"))
    print(f"Close of business benchmark, PostgreSQL, {workers} worker processes, day {BUSINESS_DATE}")
    results = [bench(n, workers) for n in sizes]
    if len(results) > 1:
        small, large = results[0], results[-1]
        print(
            f"{large['loans']:,} / {small['loans']:,} loans: time ratio {large['real'] / small['real']:.1f} "
            f"(size ratio {large['loans'] / small['loans']:.0f})"
        )


if __name__ == "__main__":
    main()
