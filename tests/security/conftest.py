"""The security tests see the demo data "as of" one business day, in English (the messages are asserted
on in English; the statuses are the same in both languages)."""

from typing import Any

import pytest

from tests.security.world import BUSINESS_DATE


@pytest.fixture(autouse=True)
def _pinned(settings: Any) -> None:
    settings.ANXIN_BUSINESS_DATE = BUSINESS_DATE
    settings.LANGUAGE_CODE = "en"
