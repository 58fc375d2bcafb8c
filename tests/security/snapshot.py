"""What the database holds, to tell whether a request changed anything.

Row counts of every table, and a checksum of every row of the money tables (loans, instalments, payments,
the ledger, budgets). Bookkeeping that a refused request may rightly write is left out: sessions, the
cache (allauth's rate limits), the sessions list's "last seen", the audit trail (a failed sign-in or a
refused request is recorded), and the loan-link attempts that the link limits count.
"""

import hashlib
from dataclasses import dataclass

from django.db import connection

# Tables a refused request may write to, by design.
BOOKKEEPING = (
    "django_session",
    "anxin_cache",
    "usersessions_usersession",
    "core_auditevent",
    "borrowers_linkattempt",
)
MONEY_PREFIXES = ("borrowers_loan", "borrowers_instalment", "borrowers_payment", "borrowers_ledgerentry")
MONEY_TABLES = ("borrowers_budget", "borrowers_budgetline", "borrowers_borrowerprofile")


@dataclass(frozen=True)
class Snapshot:
    counts: dict[str, int]
    money: dict[str, str]

    def diff(self, after: "Snapshot") -> list[str]:
        changes = [
            f"{table}: {count} -> {after.counts.get(table)} rows"
            for table, count in self.counts.items()
            if after.counts.get(table) != count
        ]
        changes += [
            f"{table}: rows changed"
            for table, digest in self.money.items()
            if after.money.get(table) != digest
        ]
        return changes


def _tables() -> list[str]:
    return sorted(
        table
        for table in connection.introspection.table_names()
        if table not in BOOKKEEPING and not table.startswith("sqlite_")
    )


def _digest(table: str) -> str:
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {quoted} ORDER BY 1")  # noqa: S608 -- table names from introspection
        rows = cursor.fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def take() -> Snapshot:
    tables = _tables()
    with connection.cursor() as cursor:
        union = " UNION ALL ".join(
            f"SELECT '{table}', COUNT(*) FROM {connection.ops.quote_name(table)}"  # noqa: S608
            for table in tables
        )
        cursor.execute(union)
        counts = {str(name): int(count) for name, count in cursor.fetchall()}
    money = {
        table: _digest(table) for table in tables if table.startswith(MONEY_PREFIXES) or table in MONEY_TABLES
    }
    return Snapshot(counts, money)
