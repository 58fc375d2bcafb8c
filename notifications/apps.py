from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.apps import AppConfig
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.features import feature_register, refers_to

# Borrowers' own time zones the quiet hours are tried in: the lender's, and one two hours behind it
# (Xinjiang), so a rule that forgot the borrower's zone and used the server's or the lender's shows.
QUIET_HOURS_ZONES = ("Asia/Shanghai", "Asia/Urumqi")
# (local time, whether a reminder may go then): both edges of both ends of 22:00–08:00.
QUIET_HOURS_EDGES = ((time(21, 59), True), (time(22, 0), False), (time(7, 59), False), (time(8, 0), True))


def quiet_hours_problems() -> list[str]:
    """No reminder is released 22:00–08:00 borrower time: the contact rules say so at each edge, in each
    zone, for a moment given in UTC (as the release gives it); a held message waits for 08:00 rather than
    being dropped; the release applies those rules; and Celery beat runs the release."""
    from notifications import contact_rules, tasks
    from notifications.services_delivery import release

    problems: list[str] = []
    day = date(2026, 1, 15)
    for zone in QUIET_HOURS_ZONES:
        for local, allowed in QUIET_HOURS_EDGES:
            moment = datetime.combine(day, local, tzinfo=ZoneInfo(zone)).astimezone(UTC)
            if contact_rules.in_quiet_hours(moment, zone) == allowed:
                values = {"time": local.strftime("%H:%M"), "zone": zone}
                problems.append(
                    _("at %(time)s borrower time (%(zone)s) a reminder would be sent.") % values
                    if not allowed
                    else _("at %(time)s borrower time (%(zone)s) a reminder would be held back.") % values
                )
        late = datetime.combine(day, time(22, 0), tzinfo=ZoneInfo(zone))
        morning = datetime.combine(day + timedelta(days=1), time(8, 0), tzinfo=ZoneInfo(zone))
        if contact_rules.next_allowed(late.astimezone(UTC), zone) != morning:
            problems.append(_("a reminder held at 22:00 does not wait for 08:00 the next morning."))
    if not refers_to(release.messages_release, "in_quiet_hours", contact_rules.in_quiet_hours):
        problems.append(_("releasing messages no longer applies the contact rules' quiet hours."))
    schedule = tasks.messages_release.app.conf.beat_schedule or {}
    if not any(entry.get("task") == tasks.messages_release.name for entry in schedule.values()):
        problems.append(_("Celery beat's schedule no longer runs the release of messages."))
    return problems


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = gettext_lazy("Notifications")

    def ready(self) -> None:
        feature_register(
            "quiet-hours", label=gettext_lazy("No reminders 22:00–08:00"), check=quiet_hours_problems
        )
