from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from notifications.models import OutboundEmail
from notifications.tasks import email_deliver


class Command(BaseCommand):
    help = "Hand mail still queued after --older-than minutes to the workers again (after a broker outage)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than", type=int, default=5, help="minutes (default 5)")

    def handle(self, *args: Any, **options: Any) -> None:
        cutoff = timezone.now() - timedelta(minutes=options["older_than"])
        ids = list(
            OutboundEmail.objects.filter(status=OutboundEmail.Status.QUEUED, created_at__lte=cutoff)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for pk in ids:
            email_deliver.delay(pk)
        self.stdout.write(f"{len(ids)} queued mail(s) handed to the workers.")
