"""Content editors write, submit, review and publish lessons, quizzes and recommendation rules.

Every content editor may also publish (`publish_lesson`); the four-eyes rule lives in the service
(education.services.lesson_transition): nobody approves a draft they submitted or wrote part of, so
publishing always takes two editors. Nobody in the group may delete a lesson or a saved version:
a lesson is unpublished, never erased, and its versions are the record of what borrowers were told.
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from core.staff_permissions import groups_grant, groups_revoke

GROUP = "Content editors"
CODENAMES = [
    "add_course",
    "change_course",
    "view_course",
    "add_lesson",
    "change_lesson",
    "view_lesson",
    "publish_lesson",
    "view_lessonversion",
    "add_lessontag",
    "change_lessontag",
    "delete_lessontag",
    "view_lessontag",
    "add_question",
    "change_question",
    "delete_question",
    "view_question",
    "add_choice",
    "change_choice",
    "delete_choice",
    "view_choice",
    "add_recommendationrule",
    "change_recommendationrule",
    "delete_recommendationrule",
    "view_recommendationrule",
]


def grant(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    groups_grant(apps, {GROUP: [f"education.{codename}" for codename in CODENAMES]})


def revoke(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    groups_revoke(apps, {GROUP: [f"education.{codename}" for codename in CODENAMES]})


class Migration(migrations.Migration):
    dependencies = [
        ("education", "0001_initial"),
        ("accounts", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
