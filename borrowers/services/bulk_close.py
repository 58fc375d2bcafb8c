"""Close of business for a range of loans at once: the same rules as the per-loan reference path
(borrowers.services.close_of_business), as set-based SQL on PostgreSQL.

A chunk is every active loan whose id lies in [first, last]. In one transaction it:

1. catches up, by the reference path, any loan closed through a day before yesterday (a loan 300 days
   behind is one pass in memory and one write, see borrowers.services.ledger);
2. closes one day for every other loan (closed through yesterday) in a fixed number of statements,
   whatever the number of loans or instalments: the instalments with something to do that day (due
   today, past due and unsettled) are gathered into a temporary table, today's contract interest, late
   fees and penalty interest are worked out there by the formulas of loanmath.overdue (written once
   more in SQL below, each line naming its rule), trimmed to the cost cap, inserted into the ledger
   (ON CONFLICT DO NOTHING, and the count checked: a key that exists already means the caches disagree
   with the ledger, so the chunk is undone rather than count a charge twice), and only the rows that
   change are updated.

The cost cap's growth factors (loanmath.cost_cap_growth) are computed in Python for the distinct
(cap, days) pairs of the chunk and handed to SQL, so both paths multiply by the same 30-place number.
Amounts are rounded by PostgreSQL's round(numeric, 2), which rounds half away from zero: the same as
ROUND_HALF_UP on the positive amounts used here.

On SQLite (the zero-setup default) every loan takes the reference path. On PostgreSQL a differential
test (tests/borrowers/test_bulk_close.py) closes generated loans both ways and compares the ledgers entry
by entry.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Q

import loanmath
from borrowers.models import Loan
from borrowers.services.close_of_business import loan_close_business

_TEMPS = ("cob_loans", "cob_growth", "cob_work", "cob_charge", "cob_class", "cob_moves")


@dataclass(frozen=True)
class ChunkResult:
    loans: int
    entries: int
    errors: tuple[str, ...] = ()


def set_based_available() -> bool:
    return connection.vendor == "postgresql"


def loans_close_range(*, first_id: int, last_id: int, business_date: date) -> ChunkResult:
    """Close every active loan with an id in [first_id, last_id] through `business_date`, in the
    caller's transaction (the chunk task's: the chunk and its done-marker commit together)."""
    set_based = set_based_available()
    # Loans the set-based step cannot take (closed through a day before yesterday, or every loan where
    # there is no PostgreSQL) are closed one by one by the reference path, each in its own savepoint.
    behind = business_date - timedelta(days=1) if set_based else business_date
    loans = entries = 0
    errors: list[str] = []
    # A loan whose late fees and penalty interest are paused on this day or ended their pause yesterday
    # (a hardship application's breathing space, a freeze) takes the reference path too.
    for loan_id in (
        Loan.objects.filter(pk__range=(first_id, last_id), status=Loan.Status.ACTIVE)
        .filter(
            Q(closed_through__lt=behind) | Q(charges_paused_through__gte=business_date - timedelta(days=1))
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    ):
        try:
            result = loan_close_business(loan_id=loan_id, business_date=business_date)
        except Exception as exc:  # one loan's failure is recorded, never blocks the others
            errors.append(f"loan {loan_id}: {type(exc).__name__}: {exc}")
            continue
        loans += 1
        entries += result.entries_written
    if set_based:
        with transaction.atomic():
            closed, written = _close_one_day_sql(first_id, last_id, business_date)
        loans += closed
        entries += written
    return ChunkResult(loans=loans, entries=entries, errors=tuple(errors))


class LedgerConflictError(RuntimeError):
    """A charge's idempotency key exists already although the loan was not closed that day."""


def _close_one_day_sql(first_id: int, last_id: int, day: date) -> tuple[int, int]:
    """One day for every active loan in the range closed through yesterday. Returns (loans, entries)."""
    params: dict[str, int | date] = {
        "first": first_id,
        "last": last_id,
        "day": day,
        "yesterday": day - timedelta(days=1),
    }
    with connection.cursor() as cur:
        for name in _TEMPS:
            cur.execute(f"DROP TABLE IF EXISTS {name}")  # fixed names
        # The loans to close, with their policy as loanmath applies it.
        cur.execute(
            """
            CREATE TEMP TABLE cob_loans ON COMMIT DROP AS
            SELECT l.id AS loan_id, l.bucket AS old_bucket, l.cost_cap_base, l.cost_cap_base_on,
                   l.principal_balance + l.interest_balance + l.fee_balance + l.penalty_balance AS owed,
                   p.grace_days, p.late_fee_flat, p.late_fee_rate, p.day_count, p.annual_cost_cap,
                   -- OverduePolicy.penalty_rate_for: its own rate, or the contract rate plus the markup.
                   CASE WHEN p.penalty_basis = 'markup'
                        THEN round(l.annual_rate * (1 + p.penalty_markup), 6)
                        ELSE p.penalty_rate END AS penalty_rate
            FROM borrowers_loan l
            JOIN borrowers_loanproduct pr ON pr.id = l.product_id
            JOIN borrowers_overduepolicy p ON p.id = pr.overdue_policy_id
            WHERE l.id BETWEEN %(first)s AND %(last)s AND l.status = 'active'
              AND l.closed_through = %(yesterday)s
              AND (l.charges_paused_through IS NULL OR l.charges_paused_through < %(yesterday)s)
            """,
            params,
        )
        loans = cur.rowcount
        if not loans:
            return 0, 0
        cur.execute(
            "SELECT DISTINCT annual_cost_cap, %(day)s::date - cost_cap_base_on FROM cob_loans", params
        )
        pairs = [(Decimal(cap), int(days)) for cap, days in cur.fetchall()]
        cur.execute("CREATE TEMP TABLE cob_growth (cap numeric, days integer, g numeric) ON COMMIT DROP")
        cur.execute(
            "INSERT INTO cob_growth SELECT * FROM unnest(%s::numeric[], %s::integer[], %s::numeric[])",
            [
                [cap for cap, _ in pairs],
                [days for _, days in pairs],
                [loanmath.cost_cap_growth(cap, days) for cap, days in pairs],
            ],
        )
        # The instalments with something to do today: due today, or past due and not settled
        # (Instalment.is_settled), with today's proposals (loanmath.projection, one day).
        cur.execute(
            """
            CREATE TEMP TABLE cob_work ON COMMIT DROP AS
            SELECT w.*,
                   -- Late fee, once, on due date + grace + 1, on unpaid principal + unpaid interest.
                   CASE WHEN w.due_date + w.grace_days + 1 = %(day)s AND w.pu + w.iu > 0
                        THEN round(w.late_fee_flat + (w.pu + w.iu) * w.late_fee_rate, 2)
                        ELSE 0 END AS fee_formula,
                   w.pu > 0 AND %(day)s::date > w.pstart AS accruing,
                   -- Penalty: the period's formula to date, rounded half up once for the period.
                   CASE WHEN w.pu > 0 AND %(day)s::date > w.pstart
                        THEN round(w.pu * w.penalty_rate * (%(day)s::date - w.pstart) / w.day_count, 2)
                        END AS to_date
            FROM (
                SELECT i.id AS inst_id, i.loan_id, i.number, i.due_date, i.penalty_period_formula AS formula,
                       i.principal - i.principal_paid AS pu,
                       i.interest_billed - i.interest_paid AS iu,
                       CASE WHEN i.due_date = %(day)s THEN i.interest - i.interest_billed ELSE 0 END
                           AS due_interest,
                       COALESCE(i.penalty_period_start,
                                GREATEST(%(yesterday)s::date, i.due_date + c.grace_days)) AS pstart,
                       c.grace_days, c.late_fee_flat, c.late_fee_rate, c.penalty_rate, c.day_count
                FROM borrowers_instalment i
                JOIN cob_loans c ON c.loan_id = i.loan_id
                WHERE i.due_date <= %(day)s
                  AND (i.principal_paid < i.principal OR i.interest_paid < i.interest
                       OR i.fees_paid < i.fees_charged OR i.penalty_paid < i.penalty_charged)
            ) w
            """,
            params,
        )
        # Today's proposals in the cost cap's order (contract interest falling due, then fees, then
        # penalty, oldest first in each), granted up to the headroom: the limit (loanmath.cost_cap_limit)
        # less what is owed.
        cur.execute(
            """
            CREATE TEMP TABLE cob_charge ON COMMIT DROP AS
            WITH proposals AS (
                SELECT inst_id, loan_id, due_date, number, 0 AS kind_order, 'interest_due' AS kind,
                       due_interest AS amount, 0.00 AS base, 0.000000 AS rate, 0.00 AS flat,
                       %(day)s::date AS start, day_count
                FROM cob_work WHERE due_interest > 0
                UNION ALL
                SELECT inst_id, loan_id, due_date, number, 1, 'late_fee',
                       fee_formula, pu + iu, late_fee_rate, late_fee_flat, %(day)s::date, day_count
                FROM cob_work WHERE fee_formula > 0
                UNION ALL
                SELECT inst_id, loan_id, due_date, number, 2, 'penalty_interest',
                       GREATEST(to_date - formula, 0), pu, penalty_rate, 0.00, pstart, day_count
                FROM cob_work WHERE accruing
            ),
            headroom AS (
                SELECT c.loan_id,
                       GREATEST(0, (floor(c.cost_cap_base * g.g * 100) / 100)::numeric(16, 2) - c.owed)
                           AS room
                FROM cob_loans c
                JOIN cob_growth g ON g.cap = c.annual_cost_cap AND g.days = %(day)s::date - c.cost_cap_base_on
            ),
            ordered AS (
                SELECT p.*, h.room,
                       sum(p.amount) OVER (PARTITION BY p.loan_id ORDER BY p.kind_order, p.due_date, p.number
                                           ROWS UNBOUNDED PRECEDING) AS running
                FROM proposals p JOIN headroom h ON h.loan_id = p.loan_id
            )
            SELECT inst_id, loan_id, kind, amount AS formula_amount,
                   LEAST(amount, GREATEST(0, room - (running - amount)))::numeric(16, 2) AS granted,
                   base, rate, flat, start, day_count
            FROM ordered
            """,
            params,
        )
        # The entries: every charge granted above zero (today's interest, fees, penalty).
        cur.execute(
            """
            WITH new_entries AS (
                SELECT loan_id, inst_id, kind, 0.00 AS fees, 0.00 AS penalty, granted AS interest,
                       CASE WHEN granted < formula_amount
                            THEN jsonb_build_object(
                                'trimmed_by_cap', (formula_amount - granted)::numeric(16, 2)::text)
                            ELSE '{}'::jsonb END AS basis
                FROM cob_charge WHERE kind = 'interest_due' AND granted > 0
                UNION ALL
                SELECT loan_id, inst_id, kind,
                       CASE WHEN kind = 'late_fee' THEN granted ELSE 0.00 END,
                       CASE WHEN kind = 'penalty_interest' THEN granted ELSE 0.00 END,
                       0.00,
                       jsonb_build_object('base', base::text, 'rate', rate::text, 'flat', flat::text,
                                          'start', to_char(start, 'YYYY-MM-DD'), 'days_in_year', day_count,
                                          'trimmed_by_cap', (formula_amount - granted)::numeric(16, 2)::text)
                FROM cob_charge WHERE kind <> 'interest_due' AND granted > 0
            )
            INSERT INTO borrowers_ledgerentry
                (loan_id, instalment_id, kind, business_date, principal, interest, fees, penalty,
                 payment_id, reverses_id, note, basis, created_at)
            SELECT loan_id, inst_id, kind, %(day)s, 0.00, interest, fees, penalty,
                   NULL, NULL, '', basis, now()
            FROM new_entries
            ON CONFLICT DO NOTHING
            """,
            params,
        )
        written = cur.rowcount
        cur.execute("SELECT count(*) FROM cob_charge WHERE granted > 0")
        (expected,) = cur.fetchone()
        if written != expected:
            raise LedgerConflictError(
                f"{expected - written} charge(s) for {day} already in the ledger, loans {first_id}-{last_id}"
            )
        # The instalments' caches and penalty periods, only where something changed.
        cur.execute(
            """
            UPDATE borrowers_instalment i
            SET interest_billed = i.interest_billed + COALESCE(n.granted, 0),
                interest = i.interest - COALESCE(n.formula_amount - n.granted, 0),
                fees_charged = i.fees_charged + COALESCE(f.granted, 0),
                penalty_charged = i.penalty_charged + COALESCE(p.granted, 0),
                penalty_period_start = CASE WHEN w.accruing THEN w.pstart ELSE i.penalty_period_start END,
                penalty_period_formula = CASE WHEN w.accruing THEN GREATEST(w.to_date, w.formula)
                                              ELSE i.penalty_period_formula END
            FROM cob_work w
            LEFT JOIN cob_charge n ON n.inst_id = w.inst_id AND n.kind = 'interest_due'
            LEFT JOIN cob_charge f ON f.inst_id = w.inst_id AND f.kind = 'late_fee'
            LEFT JOIN cob_charge p ON p.inst_id = w.inst_id AND p.kind = 'penalty_interest'
            WHERE i.id = w.inst_id
              AND (w.due_interest > 0 OR w.accruing OR COALESCE(f.granted, 0) > 0)
            """
        )
        # The loans: balances, closed through today, days past due from the oldest unsettled instalment
        # due before today (loanmath.days_past_due), and the bucket (loanmath.overdue_bucket).
        cur.execute(
            """
            CREATE TEMP TABLE cob_class ON COMMIT DROP AS
            SELECT c.loan_id, c.old_bucket,
                   COALESCE(t.interest, 0) AS interest, COALESCE(t.fees, 0) AS fees,
                   COALESCE(t.penalty, 0) AS penalty,
                   COALESCE(%(day)s::date - o.oldest, 0) AS dpd
            FROM cob_loans c
            LEFT JOIN (
                SELECT w.loan_id, sum(COALESCE(n.granted, 0)) AS interest,
                       sum(COALESCE(f.granted, 0)) AS fees, sum(COALESCE(p.granted, 0)) AS penalty
                FROM cob_work w
                LEFT JOIN cob_charge n ON n.inst_id = w.inst_id AND n.kind = 'interest_due'
                LEFT JOIN cob_charge f ON f.inst_id = w.inst_id AND f.kind = 'late_fee'
                LEFT JOIN cob_charge p ON p.inst_id = w.inst_id AND p.kind = 'penalty_interest'
                GROUP BY w.loan_id
            ) t ON t.loan_id = c.loan_id
            LEFT JOIN (
                SELECT loan_id, min(due_date) AS oldest
                FROM cob_work WHERE due_date < %(day)s GROUP BY loan_id
            ) o ON o.loan_id = c.loan_id
            """,
            params,
        )
        cur.execute(
            """
            UPDATE borrowers_loan l
            SET closed_through = %(day)s,
                interest_balance = l.interest_balance + k.interest,
                fee_balance = l.fee_balance + k.fees,
                penalty_balance = l.penalty_balance + k.penalty,
                days_past_due = k.dpd,
                bucket = CASE WHEN k.dpd <= 0 THEN 'current' WHEN k.dpd <= 30 THEN 'M1'
                              WHEN k.dpd <= 60 THEN 'M2' WHEN k.dpd <= 90 THEN 'M3' ELSE 'M3+' END
            FROM cob_class k
            WHERE l.id = k.loan_id
            """,
            params,
        )
        # Bucket history: a loan that changed bucket leaves its open spell today and enters the new one.
        cur.execute(
            """
            CREATE TEMP TABLE cob_moves ON COMMIT DROP AS
            SELECT l.id AS loan_id, l.bucket FROM borrowers_loan l JOIN cob_class k ON k.loan_id = l.id
            WHERE l.bucket <> k.old_bucket
            """
        )
        cur.execute(
            """
            UPDATE borrowers_loanbucketspell s SET left_on = %(day)s
            FROM cob_moves m WHERE s.loan_id = m.loan_id AND s.left_on IS NULL
            """,
            params,
        )
        cur.execute(
            """
            INSERT INTO borrowers_loanbucketspell (loan_id, bucket, entered_on, left_on)
            SELECT loan_id, bucket, %(day)s, NULL FROM cob_moves
            """,
            params,
        )
        for name in _TEMPS:
            cur.execute(f"DROP TABLE IF EXISTS {name}")  # fixed names
    return loans, written
