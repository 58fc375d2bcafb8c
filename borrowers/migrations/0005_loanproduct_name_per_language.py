"""A product's name in each language: the old `name` becomes the Chinese name, and an English name is
added. Products that exist already get an empty English name, which shows the Chinese one until staff
fill it in (the admin requires it on the next save)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("borrowers", "0004_budget_guidelines"),
    ]

    operations = [
        migrations.RenameField(model_name="loanproduct", old_name="name", new_name="name_zh_hans"),
        migrations.AlterField(
            model_name="loanproduct",
            name="name_zh_hans",
            field=models.CharField(max_length=100, verbose_name="name (Chinese)"),
        ),
        migrations.AddField(
            model_name="loanproduct",
            name="name_en",
            field=models.CharField(default="", max_length=100, verbose_name="name (English)"),
            preserve_default=False,
        ),
    ]
