"""Hardship reviewers review applications and make offers; Hardship approvers also give the second
approval an offer above the policy's threshold needs. Both read the restructurings applied to loans.
Nobody may change an application event (the append-only model refuses anyway)."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from core.staff_permissions import groups_grant, groups_revoke

REVIEW = [
    "hardship.view_application",
    "hardship.review_application",
    "hardship.view_offer",
    "hardship.view_evidence",
    "hardship.view_message",
    "hardship.view_applicationevent",
    "hardship.view_hardshippolicy",
    "borrowers.view_restructure",
]
GROUP_PERMISSIONS: dict[str, list[str]] = {
    "Hardship reviewers": REVIEW,
    "Hardship approvers": [*REVIEW, "hardship.approve_offer", "hardship.change_hardshippolicy"],
}


def grant(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    groups_grant(apps, GROUP_PERMISSIONS)


def revoke(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    groups_revoke(apps, GROUP_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("hardship", "0001_initial"),
        ("borrowers", "0012_restructuring"),
        ("accounts", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
