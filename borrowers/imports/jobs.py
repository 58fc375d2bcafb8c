"""Running an ImportJob: keep the uploaded file, check every row, then import them all in one transaction,
and write the report (see `borrowers.imports` for the rules)."""

import hashlib
import uuid
from collections.abc import Iterator
from typing import Any

from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from borrowers.imports import retention
from borrowers.imports.importer import Importer
from borrowers.imports.loans import LoanImporter
from borrowers.imports.parse import read_records
from borrowers.imports.payments import PaymentImporter
from borrowers.imports.report import FileRefusedError, RowProblem, RowRefusedError, report_mask
from borrowers.models import ImportJob
from core.services import audit_record

# Rows checked per database round trip; also how often the progress bar moves.
CHUNK_ROWS = 500


IMPORTERS: dict[str, type[Importer[Any]]] = {
    ImportJob.Kind.LOANS: LoanImporter,
    ImportJob.Kind.PAYMENTS: PaymentImporter,
}


def _chunks(importer: Importer[Any], stored: File[bytes]) -> Iterator[tuple[list[Any], list[RowProblem]]]:
    """The file's parsed rows in chunks, each with the problems of the records that did not parse."""
    rows: list[Any] = []
    problems: list[RowProblem] = []
    for record in read_records(stored, columns=importer.columns, optional=importer.optional):
        if record.cells is None:
            problems.append(
                RowProblem(
                    record.line,
                    _("This line does not have %(count)d values, one for each column of the header.")
                    % {"count": len(importer.columns)},
                )
            )
            continue
        parsed = importer.parse(record)
        if isinstance(parsed, list):
            problems.extend(RowProblem(record.line, message) for message in parsed)
        else:
            rows.append(parsed)
        if len(rows) + len(problems) >= CHUNK_ROWS:
            yield rows, problems
            rows, problems = [], []
    if rows or problems:
        yield rows, problems


def import_file_fingerprint(content: File[bytes]) -> tuple[str, int]:
    """SHA-256 of the bytes, and the number of non-blank lines after the header (the rows, in any file
    without line breaks inside quoted cells; the check replaces it with the exact count)."""
    digest = hashlib.sha256()
    lines = 0
    for line in content:
        digest.update(line)
        if line.strip():
            lines += 1
    return digest.hexdigest(), max(lines - 1, 0)


def import_job_create(
    *,
    kind: str,
    content: File[bytes],
    original_name: str,
    uploaded_by: User | None = None,
) -> ImportJob:
    """Keep a file privately, as a queued job. The caller runs it here (`import_job_run`, the import
    commands) or has a worker run it once the upload commits (`borrowers.tasks.import_run_queue`, the
    admin): the task module imports this one, never the other way round."""
    sha256, rows = import_file_fingerprint(content)
    original_name = report_mask(original_name)[:255]  # shown in the admin and the audit trail
    with transaction.atomic():
        job = ImportJob(
            kind=kind,
            original_name=original_name,
            sha256=sha256,
            rows_total=rows,
            uploaded_by=uploaded_by,
        )
        # A random name: the stored file's name says nothing about whose data is inside.
        job.file.save(f"{uuid.uuid4().hex}.csv", content, save=False)
        job.save()
        audit_record(
            action="import.uploaded",
            actor=uploaded_by,
            target=job,
            data={"kind": kind, "file": original_name, "sha256": sha256},
        )
    return job


def import_job_run(*, import_job_id: int) -> ImportJob:
    """Check, then import, one uploaded file. Safe to run again: a finished job is left as it is."""
    job = ImportJob.objects.select_related("uploaded_by").get(pk=import_job_id)
    if job.status not in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING):
        return job
    earlier = (
        ImportJob.objects.filter(kind=job.kind, sha256=job.sha256, status=ImportJob.Status.SUCCEEDED)
        .exclude(pk=job.pk)
        .order_by("pk")
        .first()
    )
    if earlier is not None:
        when = timezone.localtime(earlier.finished_at or earlier.created_at)
        message = _("This file was already imported (import #%(id)d, %(when)s); nothing was changed.") % {
            "id": earlier.pk,
            "when": f"{when:%Y-%m-%d %H:%M}",
        }
        return _finish(job, ImportJob.Status.DUPLICATE, [RowProblem(0, message)])
    if retention.import_file_missing(job):
        return _finish(job, ImportJob.Status.FAILED, [RowProblem(0, retention.file_gone_message())])
    job.status, job.rows_done = ImportJob.Status.RUNNING, 0
    job.save(update_fields=["status", "rows_done"])
    try:
        _check(job)
        _import(job)
    except FileRefusedError as refused:
        return _finish(job, ImportJob.Status.FAILED, refused.problems)
    except RowRefusedError as refused:
        return _finish(job, ImportJob.Status.FAILED, refused.problems)
    except IntegrityError:
        message = _(
            "Another change to the same loans or receipts was made while this file was being imported, so "
            "nothing was imported. Import the file again."
        )
        return _finish(job, ImportJob.Status.FAILED, [RowProblem(0, message)])
    except Exception:
        _finish(
            job,
            ImportJob.Status.FAILED,
            [RowProblem(0, _("The import stopped on an unexpected error; nothing was imported."))],
        )
        raise
    job.refresh_from_db()
    return job


def _check(job: ImportJob) -> int:
    importer = IMPORTERS[job.kind](job=job)
    problems: list[RowProblem] = []
    rows_done = 0
    with job.file.open("rb") as stored:
        for rows, unparsed in _chunks(importer, stored):
            problems.extend(unparsed)
            problems.extend(importer.review(rows).problems)
            rows_done += len(rows) + len({problem.line for problem in unparsed})
            ImportJob.objects.filter(pk=job.pk).update(
                rows_done=rows_done, rows_total=max(job.rows_total, rows_done)
            )
    ImportJob.objects.filter(pk=job.pk).update(rows_done=rows_done, rows_total=rows_done)
    job.rows_total = job.rows_done = rows_done
    if problems:
        raise FileRefusedError(problems)
    return rows_done


def _import(job: ImportJob) -> None:
    importer = IMPORTERS[job.kind](job=job)
    imported = 0
    skipped: list[RowProblem] = []
    # One transaction for the whole file: either every row is in, or none is.
    with transaction.atomic(durable=True), job.file.open("rb") as stored:
        for rows, unparsed in _chunks(importer, stored):
            review = importer.review(rows)
            if unparsed or review.problems:
                # Only if what is on file changed between the check and now.
                raise RowRefusedError(unparsed + review.problems)
            imported += importer.import_rows(rows, review)
            skipped.extend(review.skipped)
        audit_record(
            action=f"import.{job.kind}",
            actor=job.uploaded_by,
            target=job,
            data={
                "rows": job.rows_total,
                "imported": imported,
                "skipped": len(skipped),
                **importer.summary(),
            },
        )
        _finish(job, ImportJob.Status.SUCCEEDED, skipped, rows_imported=imported)


def _finish(job: ImportJob, status: str, report: list[RowProblem], *, rows_imported: int = 0) -> ImportJob:
    # A redelivered task may run the same job twice at once; the run that imported wins, and the other's
    # "already exists" refusal must not overwrite its result.
    done = ImportJob.objects.filter(
        pk=job.pk, status__in=[ImportJob.Status.SUCCEEDED, ImportJob.Status.DUPLICATE]
    ).first()
    if done is not None and status == ImportJob.Status.FAILED:
        return done
    job.status = status
    job.report = [problem.as_json() for problem in report]
    job.rows_imported = rows_imported
    job.finished_at = timezone.now()
    fields = ["status", "report", "rows_imported", "rows_done", "rows_total", "finished_at"]
    # A loans file holds full national ID numbers; once the report is made (whatever it says), only
    # their keyed hashes may stay. The file's sha256 still recognises a second delivery; the report
    # names the lines to fix in the sender's own copy. Deleted before the save: should the save fail,
    # the job is left unfinished without a file, and the retention purge closes it.
    fields += retention.import_file_delete(job)
    job.save(update_fields=fields)
    return job
