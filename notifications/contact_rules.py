"""When a borrower may be contacted: one definition for every channel and for Support's calls.

Pure functions of an aware datetime and the borrower's IANA time zone; no database.

- Quiet hours: nothing is sent and no call is made while the borrower's local time t has
  t >= 22:00 or t < 08:00. 21:59 is allowed, 22:00 is not, 08:00 is. A message that falls in them is
  deferred to the next 08:00 local time, never dropped.
- The daily cap: at most DAILY_CAP messages a borrower's local day across every channel (service and
  marketing alike). Account mail (password resets, sign-in codes) is not counted and never held back.
- Calls: at most CALL_ATTEMPTS_PER_DAY attempts a borrower's local day. The China Banking Association's
  《金融机构个人消费类贷款催收工作指引（试行）》 (January 2026) allows 6 to one number; we keep 3.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

QUIET_START = time(22, 0)
QUIET_END = time(8, 0)
DAILY_CAP = 3
CALL_ATTEMPTS_PER_DAY = 3
DEFAULT_TIME_ZONE = "Asia/Shanghai"


def zone(tz: str) -> ZoneInfo:
    """The time zone `tz`, or the lender's (Asia/Shanghai) when the name is unknown or empty."""
    try:
        return ZoneInfo(tz or DEFAULT_TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIME_ZONE)


def _require_aware(at: datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("contact rules need an aware datetime")


def local_time(at: datetime, tz: str) -> datetime:
    _require_aware(at)
    return at.astimezone(zone(tz))


def in_quiet_hours(at: datetime, tz: str) -> bool:
    """Whether `at` is between 22:00 and 08:00 in the borrower's time zone (22:00 itself included)."""
    t = local_time(at, tz).time()
    return t >= QUIET_START or t < QUIET_END


def next_allowed(at: datetime, tz: str) -> datetime:
    """`at` itself when contact is allowed then, else the next 08:00 in the borrower's time zone."""
    if not in_quiet_hours(at, tz):
        return at
    local = local_time(at, tz)
    day = local.date() if local.time() < QUIET_END else local.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_END, tzinfo=zone(tz))


def local_day(at: datetime, tz: str) -> date:
    """The borrower's calendar day at `at`."""
    return local_time(at, tz).date()


def local_day_bounds(day: date, tz: str) -> tuple[datetime, datetime]:
    """The start of `day` and of the day after, in the borrower's time zone (aware datetimes)."""
    start = datetime.combine(day, time(0), tzinfo=zone(tz))
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone(tz))
    return start, end


def at_local(day: date, hour: int, tz: str, minute: int = 0) -> datetime:
    """`hour`:`minute` on `day` in the borrower's time zone."""
    return datetime.combine(day, time(hour, minute), tzinfo=zone(tz))
