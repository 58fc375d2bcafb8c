"""Content editors keep a lesson's sources (LessonSource) as they keep its tags and quiz: add, change,
delete and view, in drafts (the admin's inline allows it only there). Without these the sources inline
never appeared to them, and a lesson citing a document could not be submitted."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from core.staff_permissions import groups_grant, groups_revoke

GROUP = "Content editors"
CODENAMES = ["add_lessonsource", "change_lessonsource", "delete_lessonsource", "view_lessonsource"]
GROUP_PERMISSIONS = {GROUP: [f"education.{codename}" for codename in CODENAMES]}


def grant(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    groups_grant(apps, GROUP_PERMISSIONS)


def revoke(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    groups_revoke(apps, GROUP_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("education", "0004_lesson_examples_sources_promises")]

    operations = [migrations.RunPython(grant, revoke)]
