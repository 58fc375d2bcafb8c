"""Fixtures for the education tests: a small curriculum, editors, and one clock the tests move."""

import importlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, Permission

from accounts.models import User
from education.loader import curriculum_load, curriculum_read
from education.models import Lesson
from tests.conftest import enrol_totp, make_user

SMALL_CURRICULUM = Path(__file__).resolve().parent / "curriculum_small.json"
SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
PUBLISHED = datetime(2025, 12, 1, 9, 0, tzinfo=SHANGHAI)


def content_editors() -> Group:
    """The group as the data migration leaves it (tests on a flushed database need it made again)."""
    migration = importlib.import_module("education.migrations.0002_content_editors")
    group, _ = Group.objects.get_or_create(name=migration.GROUP)
    sources = importlib.import_module("education.migrations.0005_content_editors_sources")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="education", codename__in=[*migration.CODENAMES, *sources.CODENAMES]
        )
    )
    return group


def make_editor(email: str) -> User:
    editor = make_user(email, is_staff=True)
    editor.groups.add(content_editors())
    enrol_totp(editor)
    return User.objects.get(pk=editor.pk)  # fresh permission cache


class Clock:
    """Pins the clock (core.business_date: EDUCATION_NOW) and the business date; `set` and `advance`
    move them."""

    def __init__(self, settings: object) -> None:
        self._settings = settings
        self.now = START
        self.set(START)

    def set(self, moment: datetime) -> None:
        self.now = moment
        self._settings.EDUCATION_NOW = moment.isoformat()  # type: ignore[attr-defined]
        # The pages that read loans (the dashboard) use the business date: keep it the same day.
        day = moment.astimezone(SHANGHAI).date().isoformat()
        self._settings.ANXIN_BUSINESS_DATE = day  # type: ignore[attr-defined]

    def advance(self, **delta: float) -> None:
        from datetime import timedelta

        self.set(self.now + timedelta(**delta))


@pytest.fixture
def clock(settings: object) -> Clock:
    return Clock(settings)


@pytest.fixture
def curriculum(db: None, clock: Clock) -> None:
    """Published well before any date the tests travel to."""
    clock.set(PUBLISHED)
    curriculum_load(data=curriculum_read(SMALL_CURRICULUM))
    clock.set(START)


@pytest.fixture
def editor(db: None) -> User:
    return make_editor("writer@example.com")


@pytest.fixture
def other_editor(db: None) -> User:
    return make_editor("reviewer@example.com")


LessonGetter = Callable[..., Lesson]


@pytest.fixture
def lesson_of() -> LessonGetter:
    def get(key: str, language: str = "zh-hans") -> Lesson:
        return Lesson.objects.get(key=key, language=language)

    return get
