"""CSV files from the lender's core system: loans and payments, imported all-or-nothing.

A file is kept privately (an ImportJob), then read three times, always streamed, so a 50,000-row file
never sits in memory as rows:

1. on upload: its SHA-256 (the same file twice is imported once) and a line count for the progress bar;
2. check every row: format, a known product or loan, keys unique within the file, agreement with what is
   already on file. Database look-ups are batched per chunk of rows. Any problem refuses the whole file,
   and the report lists every failing line, so the sender fixes the file once rather than line by line;
3. import every row in one transaction through the services (`loan_create`, `payment_record`). If a
   service refuses a row, the whole file is rolled back and the report names that row.

Rows already on file from another file are skipped, so a core system that sends a row twice changes
nothing: a loan with the same terms, a receipt recorded for the same loan, amount and date. A row that
reuses a key with different details is refused: that is a data problem a person must look at.

Only UTF-8 is accepted (with or without the byte-order mark Excel writes). Guessing the encoding of a file
of names risks importing 乱码 without anyone noticing; refusing names the problem so it is fixed at the
source. Line numbers in reports are the file's own: the header is line 1.

Names, keys and every other cell may hold no control or invisible formatting character (NUL, line
breaks, tabs, bidirectional overrides …), and names and keys may not start like a spreadsheet formula
(`= + - @`): see `imports_parse.Cells`. A report never holds a full national ID number (`report_mask`).

The stored file is deleted in the step that makes the job's report, whatever it says; anything left
behind is purged after IMPORT_FILE_RETENTION_DAYS (`imports_retention`).
"""

import hashlib
import uuid
from collections.abc import Iterator
from typing import Any

from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from borrowers import imports_retention
from borrowers.imports_loans import LoanImporter
from borrowers.imports_parse import (
    FileRefusedError,
    Importer,
    RowProblem,
    RowRefusedError,
    national_id_birth_date,
    national_id_problem,
    read_records,
    report_mask,
)
from borrowers.imports_payments import PaymentImporter
from borrowers.models import ImportJob
from core.services import audit_record

# The parsing lives in imports_parse, imports_loans and imports_payments; the admin's borrower form
# checks ID numbers with the import's rules through this module.
__all__ = [
    "IMPORTERS",
    "FileRefusedError",
    "RowProblem",
    "RowRefusedError",
    "import_file_fingerprint",
    "import_job_create",
    "import_job_run",
    "national_id_birth_date",
    "national_id_problem",
]

# Rows checked per database round trip; also how often the progress bar moves.
CHUNK_ROWS = 500


IMPORTERS: dict[str, type[Importer[Any]]] = {
    ImportJob.Kind.LOANS: LoanImporter,
    ImportJob.Kind.PAYMENTS: PaymentImporter,
}


# --- running an import -------------------------------------------------------------------------


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
    uploaded_by: Any = None,
    run_in_background: bool = True,
) -> ImportJob:
    """Keep a file privately and, unless the caller runs it, queue its import for after the commit."""
    sha256, rows = import_file_fingerprint(content)
    original_name = report_mask(original_name)[:255]  # shown in the admin and the audit trail
    with transaction.atomic():
        job = ImportJob(
            kind=kind,
            original_name=original_name,
            sha256=sha256,
            rows_total=rows,
            uploaded_by=uploaded_by if getattr(uploaded_by, "is_authenticated", False) else None,
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
        if run_in_background:
            from borrowers.tasks import import_run  # the task module imports this one

            transaction.on_commit(lambda: import_run.delay(job.pk))
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
    if imports_retention.import_file_missing(job):
        return _finish(job, ImportJob.Status.FAILED, [RowProblem(0, imports_retention.file_gone_message())])
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
    fields += imports_retention.import_file_delete(job)
    job.save(update_fields=fields)
    return job
