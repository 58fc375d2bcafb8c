from celery import shared_task

from borrowers import imports


@shared_task(acks_late=True)
def import_run(import_job_id: int) -> str:
    """Check and import one uploaded CSV file. A redelivered message is harmless: a finished job is left
    alone, and an interrupted one committed nothing (the import is one transaction), so it starts over."""
    return str(imports.import_job_run(import_job_id=import_job_id).status)
