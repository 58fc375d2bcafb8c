"""The "Auditors" staff group: reads the audit trail, and nothing else. No other group may read it.

The audit trail is append-only three times over:

1. In code: `AuditEvent.save()` of an existing row, `delete()`, and the queryset's `update()`,
   `bulk_update()` and `delete()` raise AuditTrailIsAppendOnlyError (core.models).
2. In the admin: no add, change or delete for anyone, superusers included (core.admin_audit).
3. On PostgreSQL, in the database: a BEFORE UPDATE OR DELETE row trigger on `core_auditevent`
   (`core_auditevent_append_only`, created with the ledger's in borrowers 0002) raises
   "core_auditevent is append-only", whatever the client: raw SQL, a shell, a future bug.

TRUNCATE is a statement, not a row operation, so the row trigger does not fire on it; the test suite
relies on that (Django's flush between TransactionTestCase and live-server tests truncates every
table). What stops TRUNCATE in production is the database's privileges, so (for SECURITY.md):

- PostgreSQL allows TRUNCATE, DROP TRIGGER and ALTER TABLE only to the table's owner or to a role
  granted TRUNCATE. Run the migrations as an owner role (e.g. `anxin_owner`) and the application as a
  different role (e.g. `anxin_app`) that does not own the tables and holds on `core_auditevent` only
  `SELECT, INSERT` (plus `USAGE` on its id sequence): then neither the application nor an SQL
  injection through it can rewrite, delete, truncate or un-trigger the trail.
- The actor is a PROTECT foreign key: a user with audit rows cannot be deleted (privacy deletion
  anonymises the account instead, which keeps the row pointing at it).
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from core.staff_permissions import groups_grant, groups_revoke

AUDITORS = {"Auditors": ["core.view_auditevent"]}
NEVER_GRANTED = ["add_auditevent", "change_auditevent", "delete_auditevent"]


def grant(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    groups_grant(apps, AUDITORS)
    # Nobody writes the trail through the admin, whatever a superuser once ticked.
    Permission = apps.get_model("auth", "Permission")
    never = Permission.objects.filter(content_type__app_label="core", codename__in=NEVER_GRANTED)
    apps.get_model("auth", "Group").permissions.through.objects.filter(permission__in=never).delete()
    User = apps.get_model("accounts", "User")
    User.user_permissions.through.objects.filter(permission__in=never).delete()


def revoke(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    groups_revoke(apps, AUDITORS)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("accounts", "0002_staff_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
