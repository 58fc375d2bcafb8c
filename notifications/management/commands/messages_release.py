from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from notifications.services import messages_release
from notifications.tasks import messages_requeue_stale_now


class Command(BaseCommand):
    help = (
        "Release the messages whose time has come (what beat does every minute): quiet hours, the daily "
        "cap, consent and channels applied. --stale also hands over messages left behind for 5 minutes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=1000, help="at most this many (default 1000)")
        parser.add_argument("--stale", action="store_true", help="also hand over what was left behind")

    def handle(self, *args: Any, **options: Any) -> None:
        summary = messages_release(limit=options["limit"])
        self.stdout.write(
            f"{summary.queued} queued, {summary.deferred} deferred to 08:00, {summary.suppressed} held back "
            f"(no consent {summary.no_consent}, channel off {summary.channel_off}, no address "
            f"{summary.no_address}, daily cap {summary.daily_cap})."
        )
        if options["stale"]:
            self.stdout.write(f"{messages_requeue_stale_now()} left-behind message(s) handed over again.")
