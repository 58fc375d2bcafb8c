from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

# The allauth mails (kind = the template name) that carried a key, a code or a link before this field
# existed. Those already sent or failed lose their body now, as they would from here on.
SECRET_KINDS = [
    "password_reset_key",
    "password_reset_code",
    "email_confirmation",
    "email_confirmation_signup",
    "login_code",
    "unknown_account",
    "account_already_exists",
]
SCRUBBED = "[removed after sending: it contained a sign-in secret]"


def mark_and_scrub(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    OutboundEmail = apps.get_model("notifications", "OutboundEmail")
    secret = OutboundEmail.objects.filter(kind__in=SECRET_KINDS)
    secret.update(carries_secret=True)
    secret.filter(status__in=["sent", "failed"]).update(body_text=SCRUBBED, body_html="")


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="outboundemail",
            name="carries_secret",
            field=models.BooleanField(default=False, verbose_name="carries a sign-in secret"),
        ),
        migrations.RunPython(mark_and_scrub, migrations.RunPython.noop),
    ]
