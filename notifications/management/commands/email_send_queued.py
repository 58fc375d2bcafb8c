from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from notifications.tasks import email_requeue_stale


class Command(BaseCommand):
    help = "Hand mail still queued after --older-than minutes to the workers again (after a broker outage)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than", type=int, default=5, help="minutes (default 5)")

    def handle(self, *args: Any, **options: Any) -> None:
        count = email_requeue_stale(older_than=timedelta(minutes=options["older_than"]))
        self.stdout.write(f"{count} queued mail(s) handed to the workers.")
