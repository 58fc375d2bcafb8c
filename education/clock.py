"""The one clock of the education app: every "now" and "today" it uses comes from here.

`EDUCATION_NOW` (an ISO date-time, e.g. "2026-03-01T09:00:00+08:00") pins the time, so tests and demos
can publish "tomorrow" and then look tomorrow. Without it: timezone.now(), and the business date
(core.business_date, which ANXIN_BUSINESS_DATE can pin) for reviews due "today".
"""

from datetime import date, datetime

from django.conf import settings
from django.utils import timezone

from core.business_date import business_date_today


def now() -> datetime:
    pinned: str = getattr(settings, "EDUCATION_NOW", "") or ""
    if pinned:
        moment = datetime.fromisoformat(pinned)
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
    return timezone.now()


def today() -> date:
    pinned: str = getattr(settings, "EDUCATION_NOW", "") or ""
    if pinned:
        return timezone.localdate(now())
    return business_date_today()
