import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("education", "0003_lesson_submission_comment"),
    ]

    operations = [
        migrations.AddField(
            model_name="lesson",
            name="promises",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text=(
                    "The features the text relies on; each must be working before the lesson is published."
                ),
                verbose_name="what the lesson promises about Anxin",
            ),
        ),
        migrations.AddField(
            model_name="lesson",
            name="worked_examples",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text=(
                    "Each example's inputs and the figures the text quotes (education.examples): every "
                    "figure is recomputed before the lesson can be submitted or published."
                ),
                verbose_name="worked examples",
            ),
        ),
        migrations.AddField(
            model_name="lessonversion",
            name="promises",
            field=models.JSONField(
                blank=True, default=list, verbose_name="what the lesson promises about Anxin"
            ),
        ),
        migrations.AddField(
            model_name="lessonversion",
            name="worked_examples",
            field=models.JSONField(blank=True, default=list, verbose_name="worked examples"),
        ),
        migrations.CreateModel(
            name="LessonSource",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("order", models.PositiveSmallIntegerField(default=1, verbose_name="order")),
                ("title", models.CharField(max_length=200, verbose_name="document")),
                ("issuer", models.CharField(max_length=120, verbose_name="issued by")),
                (
                    "issued",
                    models.CharField(
                        help_text="YYYY, YYYY-MM or YYYY-MM-DD.",
                        max_length=10,
                        validators=[
                            django.core.validators.RegexValidator(
                                "^\\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\\d|3[01]))?)?$",
                                "Write the date as YYYY, YYYY-MM or YYYY-MM-DD.",
                            )
                        ],
                        verbose_name="issued",
                    ),
                ),
                ("reference", models.CharField(blank=True, max_length=400, verbose_name="number or article")),
                ("url", models.URLField(blank=True, max_length=300, verbose_name="address")),
                (
                    "lesson",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="sources",
                        to="education.lesson",
                    ),
                ),
            ],
            options={
                "verbose_name": "source",
                "verbose_name_plural": "sources",
                "ordering": ["lesson", "order", "id"],
            },
        ),
    ]
