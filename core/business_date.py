"""The one clock of the product: the lender's "today", and the moment "now", which jobs and pages compute
with.

The business date is by default today's date in the lender's time zone (settings.TIME_ZONE), not the
server's and not the borrower's. Setting ANXIN_BUSINESS_DATE (YYYY-MM-DD) pins it, so a demo or a test can
run "as of" any day and a missed close of business can be caught up day by day.

`EDUCATION_NOW` (an ISO date-time, e.g. "2026-03-01T09:00:00+08:00") pins the moment `now()` and
`today()` give, so tests and demos can publish a lesson "tomorrow" and then look tomorrow. The name is
kept from when the learning pages had a clock of their own; they are still its only readers. Without it:
timezone.now(), and the business date for "today".
"""

from datetime import date, datetime

from django.conf import settings
from django.utils import timezone


def business_date_today() -> date:
    pinned: str = getattr(settings, "ANXIN_BUSINESS_DATE", "") or ""
    if pinned:
        return date.fromisoformat(pinned)
    return timezone.localdate()


def now() -> datetime:
    """The current moment (aware), or the one EDUCATION_NOW pins."""
    pinned: str = getattr(settings, "EDUCATION_NOW", "") or ""
    if pinned:
        moment = datetime.fromisoformat(pinned)
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
    return timezone.now()


def today() -> date:
    """The day of a pinned `now()` (in the lender's time zone), else the business date: what a review
    "due today" or a payment "due soon" is measured against, consistent with `now()`."""
    pinned: str = getattr(settings, "EDUCATION_NOW", "") or ""
    if pinned:
        return timezone.localdate(now())
    return business_date_today()
