"""What the database holds, to tell whether a request changed anything.

Row counts of every table, and a checksum of every row of the money tables (loans, instalments, payments,
the ledger, budgets). Bookkeeping that a refused request may rightly write is left out: sessions, the
cache (allauth's rate limits), the sessions list's "last seen", the audit trail (a failed sign-in or a
refused request is recorded), and the loan-link attempts that the link limits count.
"""

import hashlib
from dataclasses import dataclass

from django.db import connection
from django.db.models.signals import post_migrate

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


# The tables, once per database: a test run creates none after migrating (post_migrate starts over).
_TABLES: dict[tuple[str, str], list[str]] = {}


def _forget_tables(**_kwargs: object) -> None:
    _TABLES.clear()


post_migrate.connect(_forget_tables, dispatch_uid="tests.security.snapshot")


def _tables() -> list[str]:
    key = (connection.alias, str(connection.settings_dict["NAME"]))
    if key not in _TABLES:
        _TABLES[key] = sorted(
            table
            for table in connection.introspection.table_names()
            if table not in BOOKKEEPING and not table.startswith("sqlite_")
        )
    return _TABLES[key]


def _is_money(table: str) -> bool:
    return table.startswith(MONEY_PREFIXES) or table in MONEY_TABLES


def _digest(table: str) -> str:
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {quoted} ORDER BY 1")  # noqa: S608 -- table names from introspection
        rows = cursor.fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _take_postgresql(tables: list[str]) -> Snapshot:
    """The same counts and checksums in one round trip: PostgreSQL renders and hashes each money table's
    rows itself (every column of every row, as the row's text, in a fixed order)."""
    parts = []
    for table in tables:
        quoted = connection.ops.quote_name(table)
        digest = (
            "md5(COALESCE(string_agg(t::text, E'\\n' ORDER BY t::text), ''))"
            if _is_money(table)
            else "NULL::text"
        )
        parts.append(f"SELECT '{table}', COUNT(*), {digest} FROM {quoted} t")  # noqa: S608 -- introspected names
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        rows = cursor.fetchall()
    counts = {str(name): int(count) for name, count, _ in rows}
    money = {str(name): str(digest) for name, _, digest in rows if _is_money(str(name))}
    return Snapshot(counts, money)


def take() -> Snapshot:
    tables = _tables()
    if connection.vendor == "postgresql":
        return _take_postgresql(tables)
    with connection.cursor() as cursor:
        union = " UNION ALL ".join(
            f"SELECT '{table}', COUNT(*) FROM {connection.ops.quote_name(table)}"  # noqa: S608
            for table in tables
        )
        cursor.execute(union)
        counts = {str(name): int(count) for name, count in cursor.fetchall()}
    money = {table: _digest(table) for table in tables if _is_money(table)}
    return Snapshot(counts, money)
