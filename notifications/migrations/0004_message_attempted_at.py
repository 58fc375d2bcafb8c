"""When a message's last send began (the stale sweeper hands a stuck one over again); indexes for the
daily cap (a borrower's messages by queued time) and for delivery receipts (the provider's id)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_messages_preferences_consent"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="message",
            name="attempted_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="last attempt at"),
        ),
        migrations.AddIndex(
            model_name="message",
            index=models.Index(fields=["user", "queued_at"], name="notificatio_user_id_532d8d_idx"),
        ),
        migrations.AddIndex(
            model_name="message",
            index=models.Index(
                fields=["provider", "provider_message_id"], name="notificatio_provide_ed21c9_idx"
            ),
        ),
    ]
