"""Celery beat's schedule: what runs when (times in the lender's time zone, CELERY_TIMEZONE). Apart from
config/settings.py to keep that file to its size; settings imports it as it is."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Just after midnight in the lender's time zone: charges for the new business date are posted at
    # the start of the day (borrowers.services explains why).
    "close-of-business": {
        "task": "borrowers.tasks.close_of_business",
        "schedule": crontab(hour=0, minute=5),
    },
    # After the close: information not sent and offers not accepted in time expire (hardship.services).
    "hardship-applications-expire": {
        "task": "hardship.tasks.applications_expire",
        "schedule": crontab(hour=0, minute=30),
    },
    "email-send-queued": {
        "task": "notifications.tasks.email_send_queued",
        "schedule": crontab(minute="*/10"),
    },
    # Messages whose time has come, checked against quiet hours, the daily cap, consent and the
    # borrower's channels, are handed to the workers (notifications.services_delivery.release).
    "messages-release": {
        "task": "notifications.tasks.messages_release",
        "schedule": crontab(minute="*"),
    },
    # Messages queued or sending for more than 5 minutes (a broker outage, a killed worker) are handed
    # over again; the same idempotency key goes to the provider, so nobody gets a text twice.
    "messages-requeue-stale": {
        "task": "notifications.tasks.messages_requeue_stale",
        "schedule": crontab(minute="*/5"),
    },
    # Import files left behind past IMPORT_FILE_RETENTION_DAYS (borrowers.imports.retention).
    "import-files-purge": {
        "task": "borrowers.tasks.import_files_purge",
        "schedule": crontab(hour=3, minute=15),
    },
    # Anonymise the borrower profiles of closed accounts whose legal retention has ended (privacy).
    "privacy-retention-release": {
        "task": "privacy.tasks.retention_holds_release",
        "schedule": crontab(hour=3, minute=30),
    },
}
