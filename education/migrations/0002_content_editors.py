"""Content editors write, submit, review and publish lessons, quizzes and recommendation rules.

Every content editor may also publish (`publish_lesson`); the four-eyes rule lives in the service
(education.services.lesson_transition): nobody approves a draft they submitted or wrote part of, so
publishing always takes two editors. Nobody in the group may delete a lesson or a saved version:
a lesson is unpublished, never erased, and its versions are the record of what borrowers were told.
"""

from django.apps.registry import Apps
from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

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
    # Permissions are normally created after all migrations; create them now so the group can use them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True  # type: ignore[assignment]
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="education", codename__in=CODENAMES)
    )


def revoke(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="education", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("education", "0001_initial"),
        ("accounts", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
