"""The budget tests run on the pinned business date with the default guidelines in place."""

from typing import Any

import pytest
from django.test import Client

from tests.budget.helpers import TODAY, ensure_default_guidelines


@pytest.fixture(autouse=True)
def _setup(settings: Any) -> None:
    settings.ANXIN_BUSINESS_DATE = TODAY.isoformat()
    ensure_default_guidelines()


@pytest.fixture
def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client
