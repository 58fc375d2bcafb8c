"""Support handles borrowers' privacy requests (carry out or refuse, from the admin), and reads the
consent history and retention holds, which nobody changes."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from core.staff_permissions import groups_grant, groups_revoke

SUPPORT = {
    "Support": [
        "privacy.view_privacyrequest",
        "privacy.change_privacyrequest",
        "privacy.view_consentrecord",
        "privacy.view_retentionhold",
    ]
}


def grant(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    groups_grant(apps, SUPPORT)


def revoke(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    groups_revoke(apps, SUPPORT)


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_privacy_requests_consent_holds"),
        ("accounts", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
