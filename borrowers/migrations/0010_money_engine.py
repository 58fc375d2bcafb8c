# Issue 11: the cost cap as a true annualised rate (a running base on each loan), penalty interest as a
# markup on the contract rate, close-of-business run records and each loan's bucket history.

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

import borrowers.models.fields


def cap_base_from_payments(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Each loan's cost cap base, from its payments in date order (loanmath.cost_cap_base_after_payment),
    and an open bucket spell from the loan's current classification."""
    import loanmath

    Loan = apps.get_model("borrowers", "Loan")
    Payment = apps.get_model("borrowers", "Payment")
    Spell = apps.get_model("borrowers", "LoanBucketSpell")  # noqa: N806
    for loan in Loan.objects.select_related("product__overdue_policy").iterator():
        policy = loanmath.OverduePolicy(annual_cost_cap=loan.product.overdue_policy.annual_cost_cap)
        base, base_on = loan.principal, loan.disbursed_on
        for payment in Payment.objects.filter(loan=loan).order_by("paid_on", "id"):
            base = loanmath.cost_cap_base_after_payment(
                base=base,
                base_on=base_on,
                paid_on=payment.paid_on,
                amount=payment.amount - payment.unapplied,
                policy=policy,
            )
            base_on = payment.paid_on
        loan.cost_cap_base, loan.cost_cap_base_on = base, base_on
        loan.save(update_fields=["cost_cap_base", "cost_cap_base_on"])
        if loan.status == "active":
            Spell.objects.create(
                loan=loan, bucket=loan.bucket, entered_on=loan.closed_through or loan.disbursed_on
            )


class Migration(migrations.Migration):
    dependencies = [
        ("borrowers", "0009_budget_moves_to_its_own_app"),
    ]

    operations = [
        migrations.CreateModel(
            name="CloseRun",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("business_date", models.DateField(unique=True, verbose_name="business date")),
                (
                    "status",
                    models.CharField(
                        choices=[("running", "Running"), ("done", "Done"), ("failed", "Failed")],
                        default="running",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("loans", models.PositiveIntegerField(default=0, verbose_name="loans closed")),
                ("chunks_total", models.PositiveIntegerField(default=0, verbose_name="chunks")),
                ("chunks_done", models.PositiveIntegerField(default=0, verbose_name="chunks done")),
                ("entries", models.PositiveIntegerField(default=0, verbose_name="ledger entries written")),
                ("errors", models.PositiveIntegerField(default=0, verbose_name="loans that failed")),
                ("error_log", models.TextField(blank=True, verbose_name="errors")),
                ("started_at", models.DateTimeField(auto_now_add=True, verbose_name="started at")),
                ("finished_at", models.DateTimeField(blank=True, null=True, verbose_name="finished at")),
            ],
            options={
                "verbose_name": "close of business run",
                "verbose_name_plural": "close of business runs",
                "ordering": ["-business_date"],
            },
        ),
        migrations.AddField(
            model_name="loan",
            name="cost_cap_base",
            field=models.DecimalField(
                decimal_places=2, default=Decimal("0.00"), max_digits=15, verbose_name="cost cap base"
            ),
        ),
        migrations.AddField(
            model_name="loan",
            name="cost_cap_base_on",
            field=models.DateField(null=True, verbose_name="cost cap base date"),
        ),
        migrations.AddField(
            model_name="overduepolicy",
            name="penalty_basis",
            field=models.CharField(
                choices=[
                    ("rate", "A yearly rate of its own"),
                    ("markup", "The loan's contract rate plus a markup"),
                ],
                default="rate",
                max_length=10,
                verbose_name="penalty interest is",
            ),
        ),
        migrations.AddField(
            model_name="overduepolicy",
            name="penalty_markup",
            field=borrowers.models.fields.RateField(
                decimal_places=6,
                default=Decimal("0.500000"),
                help_text=(
                    "Used when penalty interest is the contract rate plus a markup: 0.500000 means the "
                    "contract "
                    "rate plus half of it (a 12 percent loan pays 18 percent a year on overdue principal)."
                ),
                max_digits=9,
                validators=[
                    django.core.validators.MinValueValidator(Decimal("0")),
                    django.core.validators.MaxValueValidator(Decimal("10")),
                ],
                verbose_name="penalty interest, markup on the contract rate",
            ),
        ),
        migrations.AlterField(
            model_name="overduepolicy",
            name="annual_cost_cap",
            field=borrowers.models.fields.RateField(
                decimal_places=6,
                default=Decimal("0.240000"),
                help_text=(
                    "The true annualised cost of a loan (its IRR, with contract interest, penalty interest "
                    "and "
                    "fees all included) never exceeds this yearly rate."
                ),
                max_digits=9,
                validators=[
                    django.core.validators.MinValueValidator(Decimal("0")),
                    django.core.validators.MaxValueValidator(Decimal("10")),
                ],
                verbose_name="yearly cap on total cost",
            ),
        ),
        migrations.CreateModel(
            name="CloseChunk",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("first_loan_id", models.BigIntegerField(verbose_name="first loan id")),
                ("last_loan_id", models.BigIntegerField(verbose_name="last loan id")),
                ("loans", models.PositiveIntegerField(default=0, verbose_name="loans closed")),
                ("entries", models.PositiveIntegerField(default=0, verbose_name="ledger entries written")),
                ("errors", models.PositiveIntegerField(default=0, verbose_name="loans that failed")),
                ("done_at", models.DateTimeField(blank=True, null=True, verbose_name="done at")),
                (
                    "run",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="chunks",
                        to="borrowers.closerun",
                        verbose_name="run",
                    ),
                ),
            ],
            options={
                "verbose_name": "close of business chunk",
                "verbose_name_plural": "close of business chunks",
                "ordering": ["run", "first_loan_id"],
                "constraints": [
                    models.UniqueConstraint(fields=("run", "first_loan_id"), name="close_chunk_once")
                ],
            },
        ),
        migrations.CreateModel(
            name="LoanBucketSpell",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "bucket",
                    models.CharField(
                        choices=[
                            ("current", "Current"),
                            ("M1", "M1 (1–30 days)"),
                            ("M2", "M2 (31–60 days)"),
                            ("M3", "M3 (61–90 days)"),
                            ("M3+", "M3+ (over 90 days)"),
                        ],
                        max_length=8,
                        verbose_name="overdue bucket",
                    ),
                ),
                ("entered_on", models.DateField(verbose_name="entered on")),
                ("left_on", models.DateField(blank=True, null=True, verbose_name="left on")),
                (
                    "loan",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="bucket_spells",
                        to="borrowers.loan",
                        verbose_name="loan",
                    ),
                ),
            ],
            options={
                "verbose_name": "bucket spell",
                "verbose_name_plural": "bucket history",
                "ordering": ["loan", "entered_on", "id"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("left_on__isnull", True)),
                        fields=("loan",),
                        name="bucket_spell_one_open_per_loan",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("left_on__isnull", True),
                            ("left_on__gte", models.F("entered_on")),
                            _connector="OR",
                        ),
                        name="bucket_spell_leaves_after_entering",
                    ),
                ],
            },
        ),
        migrations.RunPython(cap_base_from_payments, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="loan",
            name="cost_cap_base_on",
            field=models.DateField(verbose_name="cost cap base date"),
        ),
    ]
