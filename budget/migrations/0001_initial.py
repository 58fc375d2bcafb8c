"""The budget leaves borrowers for its own app, and no data moves.

The three tables keep the names they had (`borrowers_budget`, `borrowers_budgetline`,
`borrowers_budgetguideline`, with their constraints' names): this migration only tells Django's state that
the models now live here (`database_operations=[]`), and borrowers 0009 takes them out of borrowers' state.
Migration 0002 then moves their content types, so the staff groups keep the permissions they held.
"""

import django.core.validators
import django.db.models.deletion
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models

class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("borrowers", "0008_borrowerprofile_date_of_birth_cleared_on_anonymising"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Budget',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(verbose_name='last saved')),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='budget', to=settings.AUTH_USER_MODEL, verbose_name='account')),
                    ],
                    options={
                        'verbose_name': 'budget',
                        'verbose_name_plural': 'budgets',
                        'db_table': 'borrowers_budget',
                        'ordering': ['-updated_at'],
                    },
                ),
                migrations.CreateModel(
                    name='BudgetGuideline',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('category', models.CharField(choices=[('food', 'Food and groceries'), ('eating_out', 'Eating out and takeaway'), ('shopping', 'Shopping and clothes'), ('entertainment', 'Entertainment and subscriptions'), ('personal_care', 'Personal care'), ('other_flexible', 'Other flexible costs')], max_length=20, unique=True, verbose_name='flexible cost')),
                        ('monthly_amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), help_text='Spending above this a month is flagged, never refused.', max_digits=14, validators=[django.core.validators.MinValueValidator(Decimal('0.00')), django.core.validators.MaxValueValidator(Decimal('10000000.00'))], verbose_name='monthly guideline for one person (¥)')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ],
                    options={
                        'verbose_name': 'budget guideline',
                        'verbose_name_plural': 'budget guidelines',
                        'db_table': 'borrowers_budgetguideline',
                        'ordering': ['id'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('monthly_amount__gte', 0), ('monthly_amount__lte', Decimal('10000000.00'))), name='budget_guideline_amount_in_range'), models.CheckConstraint(condition=models.Q(('category__in', ('food', 'eating_out', 'shopping', 'entertainment', 'personal_care', 'other_flexible'))), name='budget_guideline_flexible_only')],
                    },
                ),
                migrations.CreateModel(
                    name='BudgetLine',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('section', models.CharField(choices=[('income', 'Income'), ('fixed', 'Fixed costs'), ('flexible', 'Flexible costs'), ('savings', 'Savings'), ('debt', 'Debt repayments')], max_length=10, verbose_name='section')),
                        ('category', models.CharField(choices=[('salary', 'Salary or wages (after tax)'), ('side_income', 'Part-time and side work'), ('family_support', 'Money from family'), ('other_income', 'Other income'), ('housing', 'Rent or housing'), ('utilities', 'Water, electricity and gas'), ('phone_internet', 'Phone and internet'), ('transport', 'Transport'), ('insurance', 'Insurance'), ('childcare', 'Childcare'), ('other_fixed', 'Other fixed costs'), ('food', 'Food and groceries'), ('eating_out', 'Eating out and takeaway'), ('shopping', 'Shopping and clothes'), ('entertainment', 'Entertainment and subscriptions'), ('personal_care', 'Personal care'), ('other_flexible', 'Other flexible costs'), ('savings', 'Savings'), ('loans_with_us', 'Loans with us'), ('credit_cards', 'Credit cards'), ('other_loans', 'Other loans and instalment plans'), ('other_debts', 'Other debts (for example to family or friends)')], max_length=20, verbose_name='category')),
                        ('amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, validators=[django.core.validators.MinValueValidator(Decimal('0.00')), django.core.validators.MaxValueValidator(Decimal('10000000.00'))], verbose_name='amount a month (¥)')),
                        ('note', models.CharField(blank=True, max_length=200, verbose_name='note')),
                        ('budget', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='budget.budget')),
                    ],
                    options={
                        'verbose_name': 'budget line',
                        'verbose_name_plural': 'budget lines',
                        'db_table': 'borrowers_budgetline',
                        'ordering': ['budget', 'id'],
                        'constraints': [models.UniqueConstraint(fields=('budget', 'category'), name='budget_line_unique_category'), models.CheckConstraint(condition=models.Q(('amount__gte', 0), ('amount__lte', Decimal('10000000.00'))), name='budget_line_amount_in_range'), models.CheckConstraint(condition=models.Q(models.Q(('category__in', ('salary', 'side_income', 'family_support', 'other_income')), ('section', 'income')), models.Q(('category__in', ('housing', 'utilities', 'phone_internet', 'transport', 'insurance', 'childcare', 'other_fixed')), ('section', 'fixed')), models.Q(('category__in', ('food', 'eating_out', 'shopping', 'entertainment', 'personal_care', 'other_flexible')), ('section', 'flexible')), models.Q(('category__in', ('savings',)), ('section', 'savings')), models.Q(('category__in', ('loans_with_us', 'credit_cards', 'other_loans', 'other_debts')), ('section', 'debt')), _connector='OR'), name='budget_line_category_in_its_section')],
                    },
                ),
            ],
        ),
    ]
