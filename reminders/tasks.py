"""The reminders app's Celery tasks. Close of business sends them by name, with the business date it
has just closed (settings.CLOSE_OF_BUSINESS_THEN; borrowers.tasks), so borrowers never imports this app.
Both are idempotent, so a redelivered message (acks_late) does no harm."""

from datetime import date

from celery import shared_task

from reminders import services


@shared_task(acks_late=True)
def reminders_select(business_date: str) -> int:
    """Write the day's reminders; returns how many messages are new."""
    return services.reminders_select(business_date=date.fromisoformat(business_date)).written


@shared_task(acks_late=True)
def call_list_build(business_date: str) -> int:
    """Build the day's call list for Support; returns how many entries were added."""
    return services.call_list_build(business_date=date.fromisoformat(business_date)).added
