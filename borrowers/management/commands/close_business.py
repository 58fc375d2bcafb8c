from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from borrowers import services
from borrowers.tasks import close_then_send
from core.business_date import business_date_today


class Command(BaseCommand):
    help = (
        "Run close of business through a date (default: today's business date) for every active loan, "
        "catching up missed days. Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="YYYY-MM-DD (default: today's business date)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = date.fromisoformat(options["date"]) if options["date"] else business_date_today()
        except ValueError as exc:
            raise CommandError(f"--date must be YYYY-MM-DD: {exc}") from exc
        if day > business_date_today():
            raise CommandError(f"{day} is after today's business date; close of business cannot run ahead.")
        summary = services.close_business_through(day)
        self.stdout.write(
            f"Closed through {day}: {summary.dates} business date(s), {summary.loans} loan-close(s), "
            f"{summary.entries} ledger entries written, {summary.errors} loan(s) failed."
        )
        # Its last step, as the nightly task's: the day's reminders and call list (idempotent).
        close_then_send(day)
        self.stdout.write(f"Sent the steps after the close for {day}: the day's reminders and the call list.")
