"""The staff groups as the data migrations leave them, made again if an earlier test flushed the database.

TransactionTestCase-style tests (transactional_db, live_server) end with a flush, which empties the
groups the data migrations made; tests here that depend on those groups ask for `staff_groups`.
"""

import importlib

import pytest
from django.apps import apps

GROUP_MIGRATIONS = (
    ("accounts.migrations.0002_staff_groups", "create_groups"),
    ("education.migrations.0002_content_editors", "grant"),
    ("education.migrations.0005_content_editors_sources", "grant"),
    ("core.migrations.0002_auditors_group", "grant"),
)


@pytest.fixture
def staff_groups(db: None) -> None:
    from django.contrib.auth.models import Group

    if Group.objects.filter(name="Auditors").exists():
        return
    for module_name, function in GROUP_MIGRATIONS:
        module = importlib.import_module(module_name)
        getattr(module, function)(apps, None)
