"""The security tests see the demo data "as of" one business day, in English (the messages are asserted
on in English; the statuses are the same in both languages).

`world`: the world of world.py, built once per test module (seeding the demo data costs about a second)
inside a transaction that is rolled back after the module's last test. Each test runs in its own
savepoint within it (pytest-django's `db`), so each one sees the world exactly as built, whatever an
earlier test of the module wrote, and gets its own copy of the World object.
"""

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings

from tests.security.world import BUSINESS_DATE, World, world_build

PINNED = {"ANXIN_BUSINESS_DATE": BUSINESS_DATE, "LANGUAGE_CODE": "en"}


@pytest.fixture(autouse=True)
def _pinned(settings: Any) -> None:
    for name, value in PINNED.items():
        setattr(settings, name, value)


@pytest.fixture(scope="module")
def _module_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        # As Django's TestCase marks its own: the services' durable blocks may run inside it.
        outer._from_testcase = True
        outer.__enter__()
    try:
        with django_db_blocker.unblock(), override_settings(**PINNED):
            cache.clear()
            built = world_build()
            cache.clear()
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def world(_module_world: World, db: None) -> World:
    return copy.deepcopy(_module_world)
