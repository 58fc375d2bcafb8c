"""On PostgreSQL the database itself refuses to change or delete an audit event, whatever the client."""

import pytest
from django.db import DatabaseError, connection, transaction

from core.models import AuditEvent
from core.services import audit_record
from tests.conftest import require

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_raw_sql_cannot_update_or_delete_an_audit_event() -> None:
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL=postgres://…)")
    event = audit_record(action="payment.recorded", data={"amount": "112.00"})

    for sql in (
        "UPDATE core_auditevent SET action = 'payment.reversed' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="core_auditevent is append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])

    assert AuditEvent.objects.get(pk=event.pk).action == "payment.recorded"


def test_the_trigger_is_installed_for_update_and_delete() -> None:
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL=postgres://…)")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT event_manipulation FROM information_schema.triggers "
            "WHERE event_object_table = 'core_auditevent' AND action_timing = 'BEFORE'"
        )
        events = {row[0] for row in cursor.fetchall()}

    assert events == {"UPDATE", "DELETE"}
