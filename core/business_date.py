"""The business date: the lender's "today", which jobs and pages compute with.

By default it is today's date in the lender's time zone (settings.TIME_ZONE), not the server's and not
the borrower's. Setting ANXIN_BUSINESS_DATE (YYYY-MM-DD) pins it, so a demo or a test can run "as of"
any day and a missed close of business can be caught up day by day.
"""

from datetime import date

from django.conf import settings
from django.utils import timezone


def business_date_today() -> date:
    pinned: str = getattr(settings, "ANXIN_BUSINESS_DATE", "") or ""
    if pinned:
        return date.fromisoformat(pinned)
    return timezone.localdate()
