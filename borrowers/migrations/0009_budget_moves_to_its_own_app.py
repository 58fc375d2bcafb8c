"""The budget's models leave borrowers' state for the budget app (budget 0001); their tables stay as they are.

State only (`database_operations=[]`): the tables `borrowers_budget`, `borrowers_budgetline` and
`borrowers_budgetguideline` now belong to budget's models, which name them in `db_table`.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("borrowers", "0008_borrowerprofile_date_of_birth_cleared_on_anonymising"),
        ("budget", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="BudgetLine"),
                migrations.DeleteModel(name="Budget"),
                migrations.DeleteModel(name="BudgetGuideline"),
            ],
        ),
    ]
