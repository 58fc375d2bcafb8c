"""The reminders tests start from what the migrations give: the six reminder rules and the Support
group's permissions. A transactional test elsewhere flushes every table (data migrations' rows too), so
they are put back from the migrations' own lists when missing."""

import importlib

import pytest
from django.apps import apps

MIGRATED_GRANTS = ("accounts.migrations.0002_staff_groups", "reminders.migrations.0003_support_calls")


@pytest.fixture(autouse=True)
def _migrated_rows(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("db")
    from django.contrib.auth.models import Group

    from core.staff_permissions import groups_grant
    from reminders.models import ReminderRule

    if ReminderRule.objects.count() < 6:
        importlib.import_module("reminders.migrations.0002_six_reminder_rules").seed(apps, None)
    if not Group.objects.filter(name="Support", permissions__codename="call_borrower").exists():
        accounts, reminders = (importlib.import_module(name) for name in MIGRATED_GRANTS)
        groups_grant(apps, accounts.STAFF_GROUPS)
        groups_grant(apps, reminders.GROUP_PERMISSIONS)
