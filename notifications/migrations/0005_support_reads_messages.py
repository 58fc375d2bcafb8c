"""Support reads the message log and the SMS provider's delivery receipts (both read-only in the admin):
"did the reminder go out, and when" is a question borrowers ask them."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from core.staff_permissions import groups_grant, groups_revoke

SUPPORT = {"Support": ["notifications.view_message", "notifications.view_providerreceipt"]}


def grant(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    groups_grant(apps, SUPPORT)


def revoke(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    groups_revoke(apps, SUPPORT)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0004_message_attempted_at"),
        ("accounts", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
