"""The day's reminders at a lender's scale, measured (not asserted), on PostgreSQL.

For each book size (BENCH_REMINDER_LOANS, default "10000,100000") it makes a fresh database, migrates it
(the six reminder rules come with it), seeds that many borrowers, each with an account and one loan,
set-based: their first due dates spread so that about 60 % of the loans meet a rule on the business date
(3, 1 and 0 days before due; 1, 7 and 30 days overdue) and the rest meet none; time zones Asia/Shanghai
(70 %), Asia/Urumqi (20 %) and America/Los_Angeles (10 %, in English). It then runs
`reminders.services.reminders_select` for the day, counting its queries, runs it again (idempotent:
nothing is written), and, as the floor, times one hand-written INSERT … SELECT that writes one bare row
per message into a scratch copy of the message table. Prints the selection's time, the messages written,
the queries in all and per chunk, the rerun, the distance to the floor and the ratio between the sizes.

Run: make bench   (or .venv/bin/python bench/reminders_select.py); needs PostgreSQL at
BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres, used to create the databases).
`seed` and `measure` are what tests/reminders/test_bench.py runs on 50 loans.
"""

import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ADMIN_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
BUSINESS_DATE = date(2026, 6, 1)
CHUNK = 2000
# Loan n's first due date, in days after the business date, by n % 10: six meet a rule, four do not.
OFFSETS = (3, 1, 0, -1, -7, -30, 2, 5, -2, -15)

SEED = """
INSERT INTO accounts_user (password, is_superuser, first_name, last_name, is_staff, is_active, date_joined,
    email)
SELECT '!', false, '', '', false, true, now(), 'bench' || n || '@bench.example'
FROM generate_series(1, %(n)s) n;
INSERT INTO borrowers_borrowerprofile (user_id, customer_number, full_name, phone, national_id_hash,
    national_id_last4, preferred_language, time_zone, created_at)
SELECT u.id, 'BENCH-' || u.id, '基准用户', '139' || lpad(u.id::text, 8, '0'), repeat('0', 64), '0000',
       CASE WHEN u.id %% 10 = 9 THEN 'en' ELSE 'zh-hans' END,
       CASE WHEN u.id %% 10 = 9 THEN 'America/Los_Angeles' WHEN u.id %% 10 >= 7 THEN 'Asia/Urumqi'
            ELSE 'Asia/Shanghai' END,
       now()
FROM accounts_user u WHERE u.email LIKE 'bench%%@bench.example';
INSERT INTO borrowers_loan (reference, borrower_id, product_id, principal, annual_rate, term_months, method,
    disbursed_on, first_due_date, status, principal_balance, interest_balance, fee_balance, penalty_balance,
    days_past_due, bucket, closed_through, cost_cap_base, cost_cap_base_on, created_at)
SELECT 'R' || b.id, b.id, p.id, 6000.00, 0.120000, 6, 'equal_principal',
       %(d)s::date + o.offset_days - 30, %(d)s::date + o.offset_days,
       'active', 6000.00, 0, 0, 0, greatest(0, -o.offset_days), 'current', %(d)s::date,
       6000.00, %(d)s::date + o.offset_days - 30, now()
FROM borrowers_borrowerprofile b
JOIN (SELECT row_number() OVER () - 1 AS k, v AS offset_days FROM unnest(%(offsets)s::int[]) v) o
  ON o.k = b.id %% 10,
  borrowers_loanproduct p
WHERE p.code = 'BENCH-R' AND b.customer_number LIKE 'BENCH-%%';
INSERT INTO borrowers_instalment (loan_id, number, due_date, principal, interest, interest_billed,
    principal_paid, interest_paid, fees_charged, fees_paid, penalty_charged, penalty_paid,
    penalty_period_start, penalty_period_formula, interest_fixed)
SELECT l.id, k, (l.first_due_date + make_interval(months => k - 1))::date, 1000.00,
       round((6000.00 - 1000.00 * (k - 1)) * 0.12 / 12, 2),
       CASE WHEN (l.first_due_date + make_interval(months => k - 1))::date <= %(d)s
            THEN round((6000.00 - 1000.00 * (k - 1)) * 0.12 / 12, 2) ELSE 0 END,
       0, 0, 0, 0, 0, 0, NULL, 0, 0
FROM borrowers_loan l, generate_series(1, 6) k WHERE l.reference LIKE 'R%%';
"""

# One bare message row per (matched loan, channel of its rule): the least a selection must write.
FLOOR = """
CREATE TEMP TABLE floor_message (LIKE notifications_message INCLUDING DEFAULTS);
INSERT INTO floor_message (id, user_id, channel, purpose, template, topic, language, "to", subject, body,
    link, time_zone, status, status_reason, send_after, priority, attempts, last_error, provider,
    provider_message_id, idempotency_key, created_at)
SELECT row_number() OVER (), b.user_id, c.channel, 'service', 'reminder:' || r.code, l.reference,
       b.preferred_language, '', '', 'x', '', b.time_zone, 'scheduled', '', now(), r.priority, 0, '', '', '',
       'floor:' || r.code || ':' || l.reference || ':' || c.channel, now()
FROM borrowers_loan l
JOIN borrowers_borrowerprofile b ON b.id = l.borrower_id
JOIN reminders_reminderrule r
  ON (r.kind = 'before_due' AND l.first_due_date = %(d)s::date + r.days)
  OR (r.kind = 'overdue' AND l.first_due_date = %(d)s::date - r.days)
CROSS JOIN LATERAL jsonb_array_elements_text(r.channels) AS c(channel);
"""


def _psql(url: str, sql: str) -> None:
    subprocess.run(["psql", url, "-qc", sql], check=True, capture_output=True)


def _db_url(name: str) -> str:
    return ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def _django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def seed(n: int, business_date: date = BUSINESS_DATE) -> None:
    """`n` borrowers with an account and one loan each, set-based, on Django's default connection (the
    policy, its milestones and the product through the ORM: a few rows)."""
    from decimal import Decimal

    from django.db import connection

    import loanmath
    from borrowers.models import LoanProduct, Milestone, OverduePolicy

    policy, _ = OverduePolicy.objects.get_or_create(
        name="Bench reminders",
        defaults={"grace_days": 3, "late_fee_flat": Decimal("20.00"), "penalty_rate": Decimal("0.180000")},
    )
    for day, kind in ((1, "reminder"), (31, "credit_bureau"), (61, "collections"), (91, "legal")):
        Milestone.objects.get_or_create(
            policy=policy, day=day, kind=kind, defaults={"text_zh_hans": kind, "text_en": kind}
        )
    LoanProduct.objects.get_or_create(
        code="BENCH-R",
        defaults={
            "name_zh_hans": "基准贷",
            "name_en": "Bench loan",
            "annual_rate": Decimal("0.120000"),
            "method": loanmath.RepaymentMethod.EQUAL_PRINCIPAL.value,
            "term_months": 6,
            "overdue_policy": policy,
        },
    )
    with connection.cursor() as cursor:
        for statement in SEED.split(";\n"):
            if statement.strip():
                cursor.execute(statement, {"d": business_date, "n": n, "offsets": list(OFFSETS)})
        cursor.execute("ANALYZE")


def measure(business_date: date = BUSINESS_DATE, chunk_size: int = CHUNK) -> dict[str, Any]:
    """Run the day's selection once, counting its queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reminders.services import reminders_select

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        summary = reminders_select(business_date=business_date, chunk_size=chunk_size)
    elapsed = time.perf_counter() - started
    return {
        "seconds": elapsed,
        "candidates": summary.candidates,
        "matched": summary.matched,
        "written": summary.written,
        "chunks": summary.chunks,
        "queries": len(queries),
        # The rules and the candidate query are once per run; the rest is per chunk.
        "per_chunk": (len(queries) - 2) / summary.chunks if summary.chunks else 0,
    }


def floor(business_date: date = BUSINESS_DATE) -> tuple[float, int]:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        started = time.perf_counter()
        for statement in FLOOR.split(";\n"):
            if statement.strip():
                cursor.execute(statement, {"d": business_date})
        cursor.execute("SELECT count(*) FROM floor_message")
        rows = int(cursor.fetchone()[0])
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed, rows


def _one(n: int, url: str) -> None:
    """In a process of its own (Django set up on the size's database): seed, measure, rerun, floor."""
    _django(url)
    started = time.perf_counter()
    seed(n)
    seeded = time.perf_counter() - started
    first = measure()
    again = measure()
    floor_seconds, floor_rows = floor()
    print(
        json.dumps(
            {
                "loans": n,
                "seeded": seeded,
                "first": first,
                "again": again,
                "floor": floor_seconds,
                "rows": floor_rows,
            }
        )
    )


def bench(n: int) -> dict[str, Any]:
    name = f"anxin_bench_reminders_{n}"
    _psql(ADMIN_URL, f"DROP DATABASE IF EXISTS {name}")
    _psql(ADMIN_URL, f"CREATE DATABASE {name}")
    url = _db_url(name)
    env = {**os.environ, "DATABASE_URL": url}
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
        )
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(n), url],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    finally:
        _psql(ADMIN_URL, f"DROP DATABASE IF EXISTS {name}")
    result: dict[str, Any] = json.loads(out.stdout.decode().strip().splitlines()[-1])
    first, again = result["first"], result["again"]
    print(
        f"{n:>9,} loans: seeded in {result['seeded']:5.1f} s; selection {first['seconds']:6.1f} s "
        f"({first['matched']:,} loans met a rule, {first['written']:,} messages written, "
        f"{first['seconds'] / n * 1e6:6.1f} µs a loan); {first['queries']} queries, "
        f"{first['chunks']} chunks of {CHUNK:,}, {first['per_chunk']:.0f} a chunk; "
        f"rerun {again['seconds']:5.1f} s ({again['written']} written, "
        f"{again['per_chunk']:.0f} queries a chunk); floor INSERT … SELECT {result['floor']:5.2f} s "
        f"({result['rows']:,} rows; the selection is {first['seconds'] / result['floor']:.0f}× it)"
    )
    return {"loans": n, "seconds": first["seconds"]}


def main() -> None:
    if sys.argv[1:2] == ["--one"]:
        _one(int(sys.argv[2]), sys.argv[3])
        return
    sizes = [int(n) for n in os.environ.get("BENCH_REMINDER_LOANS", "10000,100000").split(",")]
    print(
        f"Reminder selection benchmark, PostgreSQL, business date {BUSINESS_DATE}, chunks of {CHUNK:,} loans"
    )
    results = [bench(n) for n in sizes]
    if len(results) > 1:
        small, large = results[0], results[-1]
        ratio = large["seconds"] / small["seconds"]
        print(
            f"{large['loans']:,} / {small['loans']:,} loans: time ratio {ratio:.1f} "
            f"(size ratio {large['loans'] / small['loans']:.0f})"
        )


if __name__ == "__main__":
    main()
