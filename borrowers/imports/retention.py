"""How long an uploaded import file is kept: until its report is made, and never beyond the retention.

A loans file holds full national ID numbers, and Anxin keeps only their keyed hash and last 4
(README, "Environment"). So the file is deleted in the step that writes the job's report, whatever the
outcome (imported, refused, failed, already imported): the report keeps the line numbers and the
messages, with anything that looks like an ID number masked (`report.report_mask`), and the
job's sha256 still recognises the same file sent again.

What can be left behind is purged by `import_files_purge` (the Celery beat task `import_files_purge`
daily, or `manage.py import_files_purge`):

- a finished job whose file is still there (uploaded before files were deleted with the report): at once,
  and its report is masked as new reports are;
- a job still queued or running after IMPORT_FILE_RETENTION_DAYS (its worker died between upload and
  report): its file is deleted and the job is marked refused, saying why;
- a file under `imports/` that no job names (the process stopped between storing the file and committing
  its job) and older than the retention. Younger ones may belong to an upload being committed now.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.storage import Storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from borrowers.imports.report import report_mask
from borrowers.models import ImportJob
from core.services import audit_record

IMPORTS_DIRECTORY = "imports"
UNFINISHED = (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING)


def import_file_delete(job: ImportJob) -> list[str]:
    """Delete the job's stored file (if any) and note when; the caller saves the returned fields."""
    if not job.file:
        return []
    job.file.delete(save=False)
    job.file = ""
    job.file_deleted_at = timezone.now()
    return ["file", "file_deleted_at"]


def import_file_missing(job: ImportJob) -> bool:
    """True when there is no stored file left to read (purged, or lost)."""
    return not job.file or not job.file.storage.exists(job.file.name)


def retention_days() -> int:
    return int(settings.IMPORT_FILE_RETENTION_DAYS)


def file_gone_message() -> str:
    return _(
        "The uploaded file is no longer kept (files are deleted after %(days)d days, or once their report "
        "is made), so nothing was imported. Upload the file again."
    ) % {"days": retention_days()}


@dataclass(frozen=True)
class PurgeResult:
    finished: int  # files of finished jobs, deleted at once
    abandoned: int  # jobs still queued or running after the retention, now refused
    orphans: int  # files no job names, older than the retention

    @property
    def total(self) -> int:
        return self.finished + self.abandoned + self.orphans


def _stored_files(storage: Storage, directory: str) -> Iterator[str]:
    if not storage.exists(directory):
        return
    directories, files = storage.listdir(directory)
    for name in files:
        yield f"{directory}/{name}"
    for name in directories:
        yield from _stored_files(storage, f"{directory}/{name}")


def _job_purge(job: ImportJob, *, abandoned: bool) -> bool:
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().filter(pk=job.pk).exclude(file="").first()
        if locked is None or (abandoned and locked.status not in UNFINISHED):
            return False
        fields = import_file_delete(locked)
        # A report made before reports were masked may echo an ID number put in the wrong column.
        locked.report = [{**entry, "message": report_mask(str(entry["message"]))} for entry in locked.report]
        fields.append("report")
        if abandoned:
            locked.status = ImportJob.Status.FAILED
            locked.report = [{"line": 0, "message": file_gone_message()}]
            locked.finished_at = locked.file_deleted_at
            fields += ["status", "finished_at"]
        locked.save(update_fields=fields)
        audit_record(
            action="import.file_purged",
            target=locked,
            data={"reason": "abandoned" if abandoned else "finished", "retention_days": retention_days()},
        )
    return True


def import_files_purge(*, now: datetime | None = None) -> PurgeResult:
    """Delete every import file the retention rule says must go (see the module's docstring)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=retention_days())
    with_file = ImportJob.objects.exclude(file="")
    finished = sum(
        _job_purge(job, abandoned=False) for job in with_file.exclude(status__in=UNFINISHED).only("pk")
    )
    abandoned = sum(
        _job_purge(job, abandoned=True)
        for job in with_file.filter(status__in=UNFINISHED, created_at__lt=cutoff).only("pk")
    )
    storage: Storage = ImportJob._meta.get_field("file").storage
    named = set(ImportJob.objects.exclude(file="").values_list("file", flat=True))
    orphans = 0
    for name in list(_stored_files(storage, IMPORTS_DIRECTORY)):
        if name not in named and storage.get_modified_time(name) < cutoff:
            storage.delete(name)
            orphans += 1
    if orphans:
        audit_record(
            action="import.file_purged",
            data={"reason": "orphan", "files": orphans, "retention_days": retention_days()},
        )
    return PurgeResult(finished=finished, abandoned=abandoned, orphans=orphans)
