"""Messages on every channel, provider receipts, contact preferences; consent records move here from
privacy (state only)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import notifications.models.messages


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_outboundemail_carries_secret"),
        ("privacy", "0003_consentrecord_moves_to_notifications"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ContactPreference",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sms", models.BooleanField(default=True, verbose_name="text messages")),
                ("email", models.BooleanField(default=True, verbose_name="email")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="contact_preference",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="account",
                    ),
                ),
            ],
            options={
                "verbose_name": "contact preference",
                "verbose_name_plural": "contact preferences",
            },
        ),
        migrations.CreateModel(
            name="ProviderReceipt",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("provider", models.CharField(max_length=40, verbose_name="provider")),
                ("receipt_id", models.CharField(max_length=100, verbose_name="receipt id")),
                (
                    "provider_message_id",
                    models.CharField(db_index=True, max_length=100, verbose_name="provider's message id"),
                ),
                ("status", models.CharField(max_length=40, verbose_name="status")),
                ("received_at", models.DateTimeField(auto_now_add=True, verbose_name="received at")),
                ("payload", models.JSONField(default=dict, verbose_name="what the provider sent")),
            ],
            options={
                "verbose_name": "provider receipt",
                "verbose_name_plural": "provider receipts",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("provider", "receipt_id"), name="notifications_receipt_once"
                    )
                ],
            },
        ),
        # Moved from privacy: the table and its rows stay where they are (state only).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ConsentRecord",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "purpose",
                            models.CharField(
                                choices=[("marketing", "Offers and news about our products")],
                                max_length=20,
                                verbose_name="purpose",
                            ),
                        ),
                        ("granted", models.BooleanField(verbose_name="agreed")),
                        ("recorded_at", models.DateTimeField(verbose_name="recorded at")),
                        (
                            "source",
                            models.CharField(
                                choices=[
                                    ("privacy_page", "Privacy page"),
                                    ("account_deletion", "Account deletion"),
                                    ("unsubscribe", "Unsubscribe link in a message"),
                                    ("preferences_page", "Message settings page"),
                                ],
                                max_length=20,
                                verbose_name="where",
                            ),
                        ),
                        (
                            "ip_address",
                            models.GenericIPAddressField(blank=True, null=True, verbose_name="IP address"),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="consent_records",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="account",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "consent record",
                        "verbose_name_plural": "consent records",
                        "db_table": "privacy_consentrecord",
                        "ordering": ["-recorded_at", "-id"],
                        "indexes": [
                            models.Index(
                                fields=["user", "purpose", "-recorded_at"],
                                name="privacy_con_user_id_7f7962_idx",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.CreateModel(
            name="Message",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "channel",
                    models.CharField(
                        choices=[("sms", "Text message"), ("email", "Email"), ("in_app", "In the app")],
                        max_length=10,
                        verbose_name="channel",
                    ),
                ),
                (
                    "purpose",
                    models.CharField(
                        choices=[("service", "Service"), ("marketing", "Marketing")],
                        default="service",
                        max_length=10,
                        verbose_name="purpose",
                    ),
                ),
                ("template", models.CharField(max_length=100, verbose_name="template")),
                ("topic", models.CharField(blank=True, db_index=True, max_length=64, verbose_name="about")),
                (
                    "language",
                    models.CharField(
                        choices=[("zh-hans", "Simplified Chinese"), ("en", "English")],
                        max_length=10,
                        verbose_name="language",
                    ),
                ),
                ("to", models.CharField(blank=True, max_length=254, verbose_name="to")),
                ("subject", models.CharField(blank=True, max_length=200, verbose_name="subject")),
                ("body", models.TextField(verbose_name="text")),
                ("link", models.CharField(blank=True, max_length=500, verbose_name="link")),
                (
                    "time_zone",
                    models.CharField(default="Asia/Shanghai", max_length=64, verbose_name="time zone"),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("scheduled", "Scheduled"),
                            ("queued", "Queued"),
                            ("sending", "Sending"),
                            ("sent", "Sent"),
                            ("delivered", "Delivered"),
                            ("failed", "Failed"),
                            ("cancelled", "Cancelled"),
                            ("suppressed", "Not sent (contact rules)"),
                        ],
                        default="scheduled",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("status_reason", models.CharField(blank=True, max_length=60, verbose_name="reason")),
                ("send_after", models.DateTimeField(verbose_name="not before")),
                ("priority", models.PositiveSmallIntegerField(default=100, verbose_name="priority")),
                ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="attempts")),
                ("last_error", models.TextField(blank=True, verbose_name="last error")),
                ("provider", models.CharField(blank=True, max_length=40, verbose_name="provider")),
                (
                    "provider_message_id",
                    models.CharField(blank=True, max_length=100, verbose_name="provider's message id"),
                ),
                (
                    "idempotency_key",
                    models.CharField(
                        default=notifications.models.messages._key,
                        max_length=120,
                        unique=True,
                        verbose_name="idempotency key",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("queued_at", models.DateTimeField(blank=True, null=True, verbose_name="queued at")),
                ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="sent at")),
                ("delivered_at", models.DateTimeField(blank=True, null=True, verbose_name="delivered at")),
                ("read_at", models.DateTimeField(blank=True, null=True, verbose_name="read at")),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="messages",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="account",
                    ),
                ),
            ],
            options={
                "verbose_name": "message",
                "verbose_name_plural": "messages",
                "ordering": ["-created_at", "-id"],
                "indexes": [
                    models.Index(fields=["status", "send_after"], name="notificatio_status_048ca2_idx"),
                    models.Index(
                        fields=["user", "channel", "read_at"], name="notificatio_user_id_1ebcc5_idx"
                    ),
                    models.Index(fields=["user", "sent_at"], name="notificatio_user_id_f1699b_idx"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status__in", ["sent", "delivered"]), _negated=True),
                            ("sent_at__isnull", False),
                            _connector="OR",
                        ),
                        name="notifications_message_sent_has_time",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("channel", "in_app"),
                            models.Q(("to", ""), _negated=True),
                            models.Q(("status__in", ["sent", "delivered"]), _negated=True),
                            _connector="OR",
                        ),
                        name="notifications_message_sent_has_address",
                    ),
                ],
            },
        ),
    ]
