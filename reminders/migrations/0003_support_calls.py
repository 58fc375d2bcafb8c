"""Support phones borrowers from the call list (电话提醒): it reads the list, the calls and the contact
flags, records calls and their outcomes (`call_borrower`, which also clears a flag through the service),
and reads and edits the reminder rules' words, hours and channels (never adds or deletes one)."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from core.staff_permissions import groups_grant, groups_revoke

GROUP_PERMISSIONS: dict[str, list[str]] = {
    "Support": [
        "reminders.view_calllistentry",
        "reminders.call_borrower",
        "reminders.view_callattempt",
        "reminders.view_contactflag",
        "reminders.view_reminderrule",
        "reminders.change_reminderrule",
    ],
}


def grant(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    groups_grant(apps, GROUP_PERMISSIONS)


def revoke(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    groups_revoke(apps, GROUP_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0002_six_reminder_rules"),
        ("accounts", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
