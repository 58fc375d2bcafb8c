"""Default monthly guidelines for flexible costs, and who may see and edit budgets in the admin.

The figures are for one young person living alone in a Chinese tier-2 city (Chengdu, Wuhan, Xi'an,
Hefei…), in yuan a month. They are deliberately generous — an allowance a careful person could live within,
not an average — so that only clearly high spending is flagged, and a flag is never a refusal:

    food and groceries                1,200   about 40 a day cooking at home and a canteen lunch
    eating out and takeaway             600   two or three takeaways or meals out a week
    shopping and clothes                500   clothes, shoes, household things, small electronics spread out
    entertainment and subscriptions     300   streaming and app memberships, a film, a game, an outing
    personal care                       200   toiletries, haircut, cosmetics
    other flexible costs                300   gifts and red envelopes (红包), hobbies, anything else

Staff change them in the admin (Budget guidelines); this migration never overwrites a figure that is
already there. Staff should review them each year against the National Bureau of Statistics' urban
per-capita consumption figures (城镇居民人均消费支出) for the cities their borrowers live in.

Content editors (who write the budgeting lessons) may edit the guidelines. Support and the hardship
teams may read borrowers' budgets, as they may read their loans (0003), and change none of them.
"""

from decimal import Decimal

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from core.staff_permissions import groups_grant, groups_revoke

DEFAULT_GUIDELINES = {
    "food": Decimal("1200.00"),
    "eating_out": Decimal("600.00"),
    "shopping": Decimal("500.00"),
    "entertainment": Decimal("300.00"),
    "personal_care": Decimal("200.00"),
    "other_flexible": Decimal("300.00"),
}
READ_BUDGETS = ["borrowers.view_budget", "borrowers.view_budgetline", "borrowers.view_budgetguideline"]
GROUP_PERMISSIONS: dict[str, list[str]] = {
    "Content editors": ["borrowers.view_budgetguideline", "borrowers.change_budgetguideline"],
    "Support": READ_BUDGETS,
    "Hardship reviewers": READ_BUDGETS,
    "Hardship approvers": READ_BUDGETS,
}


def seed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    BudgetGuideline = apps.get_model("borrowers", "BudgetGuideline")
    for category, amount in DEFAULT_GUIDELINES.items():
        BudgetGuideline.objects.get_or_create(category=category, defaults={"monthly_amount": amount})
    groups_grant(apps, GROUP_PERMISSIONS)


def unseed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    groups_revoke(apps, GROUP_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("borrowers", "0003_staff_permissions"),
        ("accounts", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
