"""On PostgreSQL, the database itself refuses to UPDATE or DELETE a ledger entry or an audit event.

The model refuses too, but a trigger also stops raw SQL, a shell session or a future bug. (TRUNCATE,
used only by test tear-down, is not a row operation and is not stopped.)
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

TABLES = ("borrowers_ledgerentry", "core_auditevent")

CREATE = """
CREATE OR REPLACE FUNCTION anxin_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""


def create_triggers(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE, params=None)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION anxin_refuse_change();"
        )


def drop_triggers(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS anxin_refuse_change();")


class Migration(migrations.Migration):
    dependencies = [("borrowers", "0001_initial"), ("core", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
