"""Hardship's scheduled job: expire what waited too long (hardship.services.applications_expire)."""

from celery import shared_task

from hardship import services


@shared_task(acks_late=True)
def applications_expire() -> int:
    return services.applications_expire()
