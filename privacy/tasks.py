from datetime import datetime

from celery import shared_task

from privacy import services_deletion


@shared_task(acks_late=True)
def retention_holds_release(as_of: str | None = None) -> int:
    """Anonymise the borrower profiles whose legal hold has ended (beat runs it nightly). `as_of` (an ISO
    date-time) runs it as of another moment, for an investigation or a test. Returns how many."""
    now = datetime.fromisoformat(as_of) if as_of else None
    return services_deletion.retention_holds_release(now=now)
