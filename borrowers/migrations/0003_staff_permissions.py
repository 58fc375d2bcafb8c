"""Staff groups get read access to borrowers' money; nobody may change or delete a ledger entry.

Support answers borrowers, and hardship reviewers and approvers judge requests, from the same facts: the
borrower, their loans and schedules, their payments and the ledger. None of them edits any of it here:
money moves only through the services. Change and delete rights on ledger entries are taken away from
every group and user, in case someone granted them by hand (the admin and the model refuse anyway).
"""

from django.apps.registry import Apps
from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

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


def _permission(apps: Apps, dotted: str) -> object:
    app_label, codename = dotted.split(".")
    return apps.get_model("auth", "Permission").objects.get(
        content_type__app_label=app_label, codename=codename
    )


def grant(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    # Permissions are normally created after all migrations; create them now so the groups can use them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True  # type: ignore[assignment]
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*(_permission(apps, dotted) for dotted in codenames))
    never = Permission.objects.filter(content_type__app_label="borrowers", codename__in=NEVER_GRANTED)
    Group.permissions.through.objects.filter(permission__in=never).delete()
    User = apps.get_model("accounts", "User")
    User.user_permissions.through.objects.filter(permission__in=never).delete()


def revoke(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Group = apps.get_model("auth", "Group")
    for name, codenames in GROUP_PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.remove(*(_permission(apps, dotted) for dotted in codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("borrowers", "0002_ledger_append_only_trigger"),
        ("accounts", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
