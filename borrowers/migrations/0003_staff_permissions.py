"""Staff groups get read access to borrowers' money; nobody may change or delete a ledger entry.

Support answers borrowers, and hardship reviewers and approvers judge requests, from the same facts: the
borrower, their loans and schedules, their payments and the ledger. None of them edits any of it here:
money moves only through the services. Change and delete rights on ledger entries are taken away from
every group and user, in case someone granted them by hand (the admin and the model refuse anyway).
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from core.staff_permissions import groups_grant, groups_revoke

READ_MONEY = [
    "borrowers.view_borrowerprofile",
    "borrowers.view_loan",
    "borrowers.view_instalment",
    "borrowers.view_payment",
    "borrowers.view_ledgerentry",
]
GROUP_PERMISSIONS: dict[str, list[str]] = {
    "Support": READ_MONEY,
    "Hardship reviewers": READ_MONEY,
    "Hardship approvers": READ_MONEY,
}
NEVER_GRANTED = ["change_ledgerentry", "delete_ledgerentry"]


def grant(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    groups_grant(apps, GROUP_PERMISSIONS)
    # Nobody may change the ledger through the admin, whatever a superuser once ticked.
    Permission = apps.get_model("auth", "Permission")
    never = Permission.objects.filter(content_type__app_label="borrowers", codename__in=NEVER_GRANTED)
    apps.get_model("auth", "Group").permissions.through.objects.filter(permission__in=never).delete()
    User = apps.get_model("accounts", "User")
    User.user_permissions.through.objects.filter(permission__in=never).delete()


def revoke(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    groups_revoke(apps, GROUP_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("borrowers", "0002_ledger_append_only_trigger"),
        ("accounts", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
