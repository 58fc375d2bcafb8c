"""The staff roles. Later migrations add each new model's permissions to the groups that need them."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from core.staff_permissions import groups_grant

# group name -> permission codenames ("app_label.codename")
STAFF_GROUPS: dict[str, list[str]] = {
    # Writes, reviews and publishes lessons (education adds its permissions when it arrives).
    "Content editors": [],
    # Reads borrowers' accounts to review hardship requests; cannot change them.
    "Hardship reviewers": ["accounts.view_user"],
    # Decides hardship requests; needs the same reading rights as a reviewer.
    "Hardship approvers": ["accounts.view_user"],
    # Answers borrowers: can look up an account and see which mails were sent to it.
    "Support": ["accounts.view_user", "notifications.view_outboundemail"],
}


def create_groups(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    groups_grant(apps, STAFF_GROUPS)


def delete_groups(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("auth", "Group").objects.filter(name__in=STAFF_GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("notifications", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
