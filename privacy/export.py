"""Everything we hold about a borrower, as they may take it away (PIPL art. 45): `data.json` and one CSV
per table, in a zip.

Each app says what it holds in its own `personal_data` module; this one puts the tables together, adds
privacy's own (consent, requests, retention holds) and the audit trail, and writes the file. Read in a
fixed number of queries (one per table, whatever the number of loans or entries). Never in it: anything
that lets its reader in or that the person never gave us in the clear — the password hash, TOTP secrets
and recovery codes (only the kinds of factor), session keys, tokens, and the keyed hash of the national
ID number (only its last 4, which they gave us). In the audit trail, events by staff name no member of
staff and carry no staff IP address.
"""

import csv
import io
import json
import zipfile
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from accounts import personal_data as account_data
from accounts.models import User
from borrowers import personal_data as loan_data
from budget import personal_data as budget_data
from core import csv_safe
from core.personal_data import Table, audit_table, table, values_table
from education import personal_data as learning_data
from hardship import personal_data as hardship_data
from notifications import personal_data as mail_data
from notifications.selectors import consent_export_rows
from portal import personal_data as message_data
from privacy.models import PrivacyRequest, RetentionHold
from reminders import personal_data as reminder_data

# The tables of the file, in this order (a table an app adds later comes after them).
TABLE_ORDER = (
    "account",
    "email_addresses",
    "sessions",
    "sign_in_devices",
    "mfa_factors",
    "borrower_profile",
    "loans",
    "instalments",
    "payments",
    "ledger_entries",
    "promises_to_pay",
    "budget",
    "budget_lines",
    "lesson_progress",
    "quiz_answers",
    "review_items",
    "hardship_applications",
    "hardship_application_loans",
    "hardship_statement_lines",
    "hardship_messages",
    "hardship_offers",
    "hardship_events",
    "hardship_evidence",
    "support_messages",
    "reminder_calls",
    "reminder_call_list",
    "reminder_contact_flags",
    "loan_link_attempts",
    "mails",
    "messages",
    "message_settings",
    "consent_history",
    "privacy_requests",
    "retention_holds",
    "audit_events",
)


def csv_cell(value: Any) -> str:
    """A value as a CSV cell that no spreadsheet runs as a formula (core.csv_safe); JSON columns as JSON."""
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder, sort_keys=True)
    elif isinstance(value, datetime):
        value = value.isoformat()
    return csv_safe.cell(value)


def _privacy_tables(user: User) -> tuple[Table, ...]:
    return (
        table(
            "consent_history",
            ("purpose", "granted", "recorded_at", "source", "ip_address"),
            consent_export_rows(user=user),
        ),
        values_table(
            "privacy_requests",
            PrivacyRequest.objects.filter(user=user).order_by("received_at", "id"),
            ("id", "kind", "status", "received_at", "deadline", "details", "handled_at", "outcome"),
        ),
        values_table(
            "retention_holds",
            RetentionHold.objects.filter(profile__user=user),
            ("started_at", "retention_until", "basis", "anonymised_at"),
        ),
    )


def _order(table: Table) -> int:
    return TABLE_ORDER.index(table.name) if table.name in TABLE_ORDER else len(TABLE_ORDER)


def borrower_data(*, user: User) -> tuple[Table, ...]:
    """Every table of data about this account, their own rows only."""
    borrowers = loan_data.export_tables(user=user)
    [profiles] = [table for table in borrowers if table.name == "borrower_profile"]
    profile_ids = [row["id"] for row in profiles.rows]
    tables = (
        *account_data.export_tables(user=user),
        *borrowers,
        *budget_data.export_tables(user=user),
        *learning_data.export_tables(user=user),
        *hardship_data.export_tables(user=user),
        *reminder_data.export_tables(user=user),
        *message_data.export_tables(user=user),
        *mail_data.export_tables(user=user),
        *mail_data.message_tables(user=user),
        *_privacy_tables(user),
        audit_table(user=user, objects={loan_data.PROFILE_TYPE: profile_ids}),
    )
    return tuple(sorted(tables, key=_order))


def _csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([csv_cell(row[column]) for column in table.columns])
    return out.getvalue()


def export_zip(*, user: User) -> bytes:
    """The zip a borrower downloads: data.json (every table, keyed by name) and csv/<table>.csv."""
    tables = borrower_data(user=user)
    document = {
        "generated_at": timezone.now(),
        "tables": {table.name: list(table.rows) for table in tables},
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "data.json", json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        )
        for table in tables:
            # A BOM so that spreadsheet programs read the Chinese as UTF-8.
            archive.writestr(f"csv/{table.name}.csv", "\ufeff" + _csv(table))
    return buffer.getvalue()
