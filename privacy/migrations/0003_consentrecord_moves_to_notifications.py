"""ConsentRecord moves to notifications: state only, the table (privacy_consentrecord) and its rows stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("privacy", "0002_support_handles_privacy_requests")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ConsentRecord")],
            database_operations=[],
        )
    ]
