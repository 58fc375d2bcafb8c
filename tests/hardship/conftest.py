"""The hardship tests read the services' messages in English (the catalogue's Chinese is checked by
tests/platform/test_translations.py); pages are requested in the language each test chooses."""

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield
