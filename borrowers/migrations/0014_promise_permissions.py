"""Staff read promises to pay (and their history, in the audit trail): Support, who make and record them on
calls, and the hardship teams, who judge requests from the same facts. Nobody adds, changes or deletes one
in the admin; promises change only through the services."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from core.staff_permissions import groups_grant, groups_revoke

GROUP_PERMISSIONS: dict[str, list[str]] = {
    "Support": ["borrowers.view_promisetopay"],
    "Hardship reviewers": ["borrowers.view_promisetopay"],
    "Hardship approvers": ["borrowers.view_promisetopay"],
}


def grant(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    groups_grant(apps, GROUP_PERMISSIONS)


def revoke(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    groups_revoke(apps, GROUP_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("borrowers", "0013_promises_and_due_day_moves"),
        ("accounts", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
