"""Everything we hold about a borrower, as they may take it away (PIPL art. 45): `data.json` and one CSV
per table, in a zip.

Read in a fixed number of queries (one per table, whatever the number of loans or entries). Never in it:
anything that lets its reader in or that the person never gave us in the clear — the password hash, TOTP
secrets and recovery codes (only the kinds of factor), session keys, tokens, and the keyed hash of the
national ID number (only its last 4, which they gave us). In the audit trail, events by staff name no
member of staff and carry no staff IP address.
"""

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.utils import timezone

from accounts.models import SignInDevice
from borrowers.models import (
    BorrowerProfile,
    Budget,
    BudgetLine,
    Instalment,
    LedgerEntry,
    LinkAttempt,
    Loan,
    Payment,
)
from core import csv_safe
from core.models import AuditEvent
from education.models import LessonProgress, QuizAttempt, ReviewItem
from notifications.models import OutboundEmail
from portal.models import SupportMessage
from privacy.models import ConsentRecord, PrivacyRequest, RetentionHold

Row = dict[str, Any]


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]


def csv_cell(value: Any) -> str:
    """A value as a CSV cell that no spreadsheet runs as a formula (core.csv_safe); JSON columns as JSON."""
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder, sort_keys=True)
    elif isinstance(value, datetime):
        value = value.isoformat()
    return csv_safe.cell(value)


def _table(name: str, columns: Iterable[str], rows: Iterable[Row]) -> Table:
    columns = tuple(columns)
    return Table(
        name=name, columns=columns, rows=tuple({column: row[column] for column in columns} for row in rows)
    )


def _values(name: str, queryset: Any, columns: tuple[str, ...]) -> Table:
    return _table(name, columns, queryset.values(*columns))


PROFILE_COLUMNS = (
    "id",
    "customer_number",
    "full_name",
    "phone",
    "national_id_last4",
    "date_of_birth",
    "preferred_language",
    "time_zone",
    "created_at",
)
AUDIT_COLUMNS = ("occurred_at", "action", "by", "object_type", "object_id", "reason", "data", "ip_address")


def _audit_table(user: Any, profile_ids: list[int]) -> Table:
    mine = Q(actor=user) | Q(object_type="accounts.user", object_id=str(user.pk))
    if profile_ids:
        mine |= Q(object_type="borrowers.borrowerprofile", object_id__in=[str(pk) for pk in profile_ids])
    rows = []
    for event in AuditEvent.objects.filter(mine).order_by("occurred_at", "id").values():
        by_them = event["actor_id"] == user.pk
        rows.append(
            {
                **event,
                "by": "you" if by_them else ("staff" if event["actor_id"] else "system"),
                "ip_address": event["ip_address"] if by_them else None,
            }
        )
    return _table("audit_events", AUDIT_COLUMNS, rows)


def _mail_table(user: Any) -> Table:
    rows = [
        {**mail, "subject": "" if mail["carries_secret"] else mail["subject"]}
        for mail in OutboundEmail.objects.filter(to__icontains=user.email).values(
            "kind", "subject", "carries_secret", "status", "created_at", "sent_at"
        )
    ]
    return _table("mails", ("kind", "subject", "status", "created_at", "sent_at"), rows)


def borrower_data(*, user: Any) -> tuple[Table, ...]:
    """Every table of data about this account, their own rows only."""
    profiles = _values("borrower_profile", BorrowerProfile.objects.filter(user=user), PROFILE_COLUMNS)
    mine: Callable[[str], Q] = lambda path: Q(**{path: user})  # noqa: E731
    account = _table(
        "account",
        ("id", "email", "first_name", "last_name", "date_joined", "last_login", "is_active"),
        [
            {
                "id": user.pk,
                "email": user.email,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "date_joined": user.date_joined,
                "last_login": user.last_login,
                "is_active": user.is_active,
            }
        ],
    )
    return (
        account,
        _values("email_addresses", EmailAddress.objects.filter(user=user), ("email", "verified", "primary")),
        _values(
            "sessions",
            UserSession.objects.filter(user=user).order_by("created_at"),
            ("created_at", "last_seen_at", "ip", "user_agent"),
        ),
        _values(
            "sign_in_devices",
            SignInDevice.objects.filter(user=user).order_by("first_seen_at"),
            ("browser", "system", "first_seen_at", "last_seen_at"),
        ),
        _values(
            "mfa_factors",
            Authenticator.objects.filter(user=user).order_by("created_at"),
            ("type", "created_at", "last_used_at"),
        ),
        profiles,
        _values(
            "loans",
            Loan.objects.filter(mine("borrower__user")).order_by("disbursed_on", "reference"),
            (
                "reference",
                "product__code",
                "product__name_zh_hans",
                "product__name_en",
                "principal",
                "annual_rate",
                "term_months",
                "method",
                "disbursed_on",
                "first_due_date",
                "status",
                "principal_balance",
                "interest_balance",
                "fee_balance",
                "penalty_balance",
                "days_past_due",
                "bucket",
                "closed_through",
                "created_at",
            ),
        ),
        _values(
            "instalments",
            Instalment.objects.filter(mine("loan__borrower__user")).order_by("loan__reference", "number"),
            (
                "loan__reference",
                "number",
                "due_date",
                "principal",
                "interest",
                "interest_billed",
                "principal_paid",
                "interest_paid",
                "fees_charged",
                "fees_paid",
                "penalty_charged",
                "penalty_paid",
            ),
        ),
        _values(
            "payments",
            Payment.objects.filter(mine("loan__borrower__user")).order_by("paid_on", "id"),
            ("loan__reference", "receipt_number", "amount", "paid_on", "unapplied", "source", "created_at"),
        ),
        _values(
            "ledger_entries",
            LedgerEntry.objects.filter(mine("loan__borrower__user")).order_by(
                "loan__reference", "business_date", "id"
            ),
            (
                "id",
                "loan__reference",
                "instalment__number",
                "kind",
                "business_date",
                "principal",
                "interest",
                "fees",
                "penalty",
                "payment__receipt_number",
                "reverses_id",
                "note",
                "basis",
                "created_at",
            ),
        ),
        _values("budget", Budget.objects.filter(user=user), ("created_at", "updated_at")),
        _values(
            "budget_lines",
            BudgetLine.objects.filter(mine("budget__user")).order_by("id"),
            ("section", "category", "amount", "note"),
        ),
        _values(
            "lesson_progress",
            LessonProgress.objects.filter(user=user).order_by("id"),
            ("lesson__key", "lesson__language", "read_at", "best_score", "passed_at", "completed_at"),
        ),
        _values(
            "quiz_answers",
            QuizAttempt.objects.filter(user=user).order_by("submitted_at", "id"),
            ("lesson__key", "lesson__language", "correct", "total", "passed", "answers", "submitted_at"),
        ),
        _values(
            "review_items",
            ReviewItem.objects.filter(user=user).order_by("id"),
            ("question_id", "step", "due_on", "retired_at"),
        ),
        _values(
            "support_messages",
            SupportMessage.objects.filter(user=user).order_by("sent_at", "id"),
            (
                "id",
                "topic",
                "loan__reference",
                "body",
                "status",
                "sent_at",
                "reply",
                "answered_at",
                "closed_at",
            ),
        ),
        _values(
            "loan_link_attempts",
            LinkAttempt.objects.filter(user=user).order_by("attempted_at", "id"),
            ("reference_tried", "succeeded", "attempted_at"),
        ),
        _mail_table(user),
        _values(
            "consent_history",
            ConsentRecord.objects.filter(user=user).order_by("recorded_at", "id"),
            ("purpose", "granted", "recorded_at", "source", "ip_address"),
        ),
        _values(
            "privacy_requests",
            PrivacyRequest.objects.filter(user=user).order_by("received_at", "id"),
            ("id", "kind", "status", "received_at", "deadline", "details", "handled_at", "outcome"),
        ),
        _values(
            "retention_holds",
            RetentionHold.objects.filter(mine("profile__user")),
            ("started_at", "retention_until", "basis", "anonymised_at"),
        ),
        _audit_table(user, [row["id"] for row in profiles.rows]),
    )


def _csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([csv_cell(row[column]) for column in table.columns])
    return out.getvalue()


def export_zip(*, user: Any) -> bytes:
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
