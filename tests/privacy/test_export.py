"""A borrower downloads everything we hold about them (PIPL art. 45): opened and checked here."""

import csv
import io
import json
import zipfile
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from borrowers.models import BorrowerProfile, Loan
from core.services import audit_record
from portal.services import support_message_send
from privacy import export, services
from privacy.models import PrivacyRequest
from tests.conftest import enrol_totp
from tests.privacy.conftest import borrower_with_loans

pytestmark = pytest.mark.django_db

EXPORT = reverse("privacy:export")
TABLES = {
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
}


def download(client: Client) -> zipfile.ZipFile:
    response = client.post(EXPORT)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="anxin-my-data-')
    assert "no-store" in response["Cache-Control"]
    return zipfile.ZipFile(io.BytesIO(response.content))


def everything_in(archive: zipfile.ZipFile) -> str:
    return "\n".join(archive.read(name).decode("utf-8-sig") for name in archive.namelist())


def test_the_export_holds_every_table_as_json_and_csv(signed_in: Client, me: Any) -> None:
    user, loans = me
    support_message_send(user=user, topic="other", body="When is my next payment due?")
    services.consent_set(user=user, granted=True)
    archive = download(signed_in)

    data = json.loads(archive.read("data.json"))
    assert set(data["tables"]) == TABLES
    assert {f"csv/{name}.csv" for name in TABLES} | {"data.json"} == set(archive.namelist())
    tables = data["tables"]
    assert tables["account"][0]["email"] == "me@example.com"
    assert tables["borrower_profile"][0]["full_name"] == "张伟"
    assert tables["borrower_profile"][0]["phone"] == "13800138000"
    assert {row["reference"] for row in tables["loans"]} == {loan.reference for loan in loans}
    assert len(tables["instalments"]) == 24  # two 12-month loans
    assert {row["receipt_number"] for row in tables["payments"]} == {
        "R-me@example.com-0",
        "R-me@example.com-1",
    }
    assert {row["kind"] for row in tables["ledger_entries"]} >= {"disbursement", "payment"}
    assert tables["support_messages"][0]["body"] == "When is my next payment due?"
    assert [row["granted"] for row in tables["consent_history"]] == [True]
    # This very download is in it, and in the audit trail as the borrower's own act.
    assert [row["kind"] for row in tables["privacy_requests"]] == ["export"]
    assert "privacy.export" in {row["action"] for row in tables["audit_events"] if row["by"] == "you"}

    ledger_csv = list(csv.DictReader(io.StringIO(archive.read("csv/ledger_entries.csv").decode("utf-8-sig"))))
    assert len(ledger_csv) == len(tables["ledger_entries"])
    # Amounts stay numbers (a payment is negative from the borrower's side), not neutralised text.
    assert any(
        row["principal"].startswith("-") and row["principal"][1:].replace(".", "").isdigit()
        for row in ledger_csv
    )


def test_the_export_holds_no_secret(signed_in: Client, me: Any) -> None:
    user, _ = me
    secret = enrol_totp(user)
    codes = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES).wrap()
    signed_in.get(reverse("privacy:index"))  # a tracked session
    user.refresh_from_db()
    profile = BorrowerProfile.objects.get(user=user)
    session_keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))

    text = everything_in(download(signed_in))

    assert user.password
    assert user.password not in text
    assert secret not in text
    for code in codes.get_unused_codes():
        assert code not in text
    assert profile.national_id_hash not in text
    for key in [*session_keys, signed_in.session.session_key]:
        assert key
        assert key not in text
    assert '"type": "totp"' in text  # the kind of factor, never its data


def test_the_export_holds_none_of_another_borrowers_data(signed_in: Client, me: Any) -> None:
    other, other_loans = borrower_with_loans("other@example.com", phone="13900139000")
    support_message_send(user=other, topic="other", body="A message of the other borrower")
    audit_record(action="test.other", actor=other, target=other)

    text = everything_in(download(signed_in))

    assert "other@example.com" not in text
    assert "13900139000" not in text
    assert "A message of the other borrower" not in text
    assert "test.other" not in text
    for loan in other_loans:
        assert loan.reference not in text


def test_staff_acts_on_the_borrower_show_as_staff_without_their_address(signed_in: Client, me: Any) -> None:
    user, _ = me
    staff = User.objects.create_user(email="agent@anxin.example", password="x", is_staff=True)
    audit_record(action="test.staff_read", actor=staff, target=user)
    tables = json.loads(download(signed_in).read("data.json"))["tables"]
    event = next(row for row in tables["audit_events"] if row["action"] == "test.staff_read")
    assert event["by"] == "staff"
    assert "agent@anxin.example" not in json.dumps(tables)


def test_a_formula_in_the_borrowers_own_text_is_neutralised_in_the_csv(signed_in: Client, me: Any) -> None:
    user, _ = me
    support_message_send(user=user, topic="other", body='=HYPERLINK("http://evil.example","x")')
    rows = list(
        csv.DictReader(io.StringIO(download(signed_in).read("csv/support_messages.csv").decode("utf-8-sig")))
    )
    assert rows[0]["body"] == "'" + '=HYPERLINK("http://evil.example","x")'


def test_export_queries_do_not_grow_with_the_number_of_loans(db: None) -> None:
    one, _ = borrower_with_loans("one@example.com", loans=1)
    many, _ = borrower_with_loans("many@example.com", loans=6)
    counts = []
    for user in (one, many):
        with CaptureQueriesContext(connection) as queries:
            export.export_zip(user=user)
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1], counts
    assert Loan.objects.filter(borrower__user=many).count() == 6


def test_exports_are_limited_per_day_and_the_refusal_is_a_message(signed_in: Client, settings: Any) -> None:
    settings.PRIVACY_EXPORTS_PER_DAY = 2
    assert signed_in.post(EXPORT).status_code == 200
    assert signed_in.post(EXPORT).status_code == 200
    refused = signed_in.post(EXPORT, follow=True)
    assert refused.status_code == 200
    assert "You have downloaded your data 2 times today" in refused.content.decode()
    assert PrivacyRequest.objects.filter(kind="export").count() == 2


def test_export_is_post_only_and_for_the_signed_in(client: Client, signed_in: Client) -> None:
    assert signed_in.get(EXPORT).status_code == 405
    anonymous = Client()
    response = anonymous.post(EXPORT)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
