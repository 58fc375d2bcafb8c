"""The budget's content types take the budget app's label, so the permissions staff groups hold stay theirs.

Permissions hang on content types, and a content type is named by (app label, model). borrowers 0004 gave
the staff groups `borrowers.view_budget` and the like; renaming the three content types' app label from
"borrowers" to "budget" keeps the same permission rows (the same codenames, ids and grants), now read as
`budget.view_budget`. Nothing is granted afresh, so a permission staff took away stays taken away.

A content type can already exist under the other label (a database migrated back and forth, where
post_migrate made the budget's again): its grants and admin log entries join the one that moves, and it
goes. The reverse renames back.
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

MODELS = ("budget", "budgetline", "budgetguideline")

# What borrowers 0004 gave the staff groups on these models, under their new app label. Tests that flush
# the database (tests/e2e) grant it again from here; the migrations do not (they move the old grants).
READ_BUDGETS = ["budget.view_budget", "budget.view_budgetline", "budget.view_budgetguideline"]
GROUP_PERMISSIONS: dict[str, list[str]] = {
    "Content editors": ["budget.view_budgetguideline", "budget.change_budgetguideline"],
    "Support": READ_BUDGETS,
    "Hardship reviewers": READ_BUDGETS,
    "Hardship approvers": READ_BUDGETS,
}


def _content_types_move(
    apps: Apps, schema_editor: BaseDatabaseSchemaEditor, *, source: str, target: str
) -> None:
    db = schema_editor.connection.alias
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    LogEntry = apps.get_model("admin", "LogEntry")
    for model in MODELS:
        moving = ContentType.objects.using(db).filter(app_label=source, model=model).first()
        if moving is None:
            continue
        stale = ContentType.objects.using(db).filter(app_label=target, model=model).first()
        if stale is not None:
            for permission in Permission.objects.using(db).filter(content_type=stale):
                kept = (
                    Permission.objects.using(db)
                    .filter(content_type=moving, codename=permission.codename)
                    .first()
                )
                if kept is not None:
                    kept.group_set.add(*permission.group_set.all())
                    kept.user_set.add(*permission.user_set.all())
            LogEntry.objects.using(db).filter(content_type=stale).update(content_type=moving)
            stale.delete()
        moving.app_label = target
        moving.save(using=db, update_fields=["app_label"])
    ContentType.objects.clear_cache()


def forwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _content_types_move(apps, schema_editor, source="borrowers", target="budget")


def backwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _content_types_move(apps, schema_editor, source="budget", target="borrowers")


class Migration(migrations.Migration):
    dependencies = [
        ("budget", "0001_initial"),
        ("borrowers", "0009_budget_moves_to_its_own_app"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
