"""The contact rules as pure functions: the edges of quiet hours, the next allowed moment, the local
day (a clock change makes one 23 hours long)."""

from datetime import UTC, datetime, timedelta

import pytest

from notifications.contact_rules import in_quiet_hours, local_day, local_day_bounds, next_allowed
from tests.notifications.messages_helpers import local


@pytest.mark.parametrize(
    ("hour", "minute", "quiet"),
    [
        (21, 59, False),
        (22, 0, True),
        (23, 59, True),
        (0, 0, True),
        (7, 59, True),
        (8, 0, False),
        (12, 0, False),
    ],
)
@pytest.mark.parametrize("tz", ["Asia/Shanghai", "Asia/Urumqi", "America/Los_Angeles"])
def test_quiet_hours_are_22_00_to_08_00_local(tz: str, hour: int, minute: int, quiet: bool) -> None:
    assert in_quiet_hours(local(tz, 2026, 3, 10, hour, minute), tz) is quiet


def test_the_same_moment_is_quiet_in_shanghai_and_not_in_urumqi() -> None:
    moment = datetime(2026, 3, 10, 14, 30, tzinfo=UTC)  # 22:30 Shanghai, 20:30 Urumqi
    assert in_quiet_hours(moment, "Asia/Shanghai")
    assert not in_quiet_hours(moment, "Asia/Urumqi")


def test_next_allowed_is_the_moment_itself_or_the_next_0800() -> None:
    tz = "Asia/Shanghai"
    assert next_allowed(local(tz, 2026, 3, 10, 21, 59), tz) == local(tz, 2026, 3, 10, 21, 59)
    assert next_allowed(local(tz, 2026, 3, 10, 22, 0), tz) == local(tz, 2026, 3, 11, 8, 0)
    assert next_allowed(local(tz, 2026, 3, 11, 3, 0), tz) == local(tz, 2026, 3, 11, 8, 0)


def test_the_local_day_and_its_bounds_follow_the_borrowers_clock() -> None:
    at = datetime(2026, 3, 10, 16, 30, tzinfo=UTC)
    assert local_day(at, "Asia/Shanghai").isoformat() == "2026-03-11"
    assert local_day(at, "Europe/London").isoformat() == "2026-03-10"
    start, end = local_day_bounds(
        local_day(local("Europe/London", 2026, 3, 29, 12), "Europe/London"), "Europe/London"
    )
    # Subtracted in UTC: Python subtracts two times of one zone by their wall clocks.
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=23)


def test_a_naive_moment_is_refused_and_an_unknown_zone_is_the_lenders() -> None:
    with pytest.raises(ValueError, match="aware"):
        in_quiet_hours(datetime(2026, 3, 10, 12, 0), "Asia/Shanghai")
    assert in_quiet_hours(datetime(2026, 3, 10, 14, 30, tzinfo=UTC), "Mars/Olympus_Mons")
