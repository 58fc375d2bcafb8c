from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from borrowers import services
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
        ids = list(services.loans_for_close(day).values_list("pk", flat=True))
        results = services.loans_close_business_chunk(loan_ids=ids, business_date=day)
        self.stdout.write(
            f"Closed through {day}: {len(results)} loan(s), "
            f"{sum(r.days_closed for r in results)} loan-day(s), "
            f"{sum(r.entries_written for r in results)} ledger entries written."
        )
