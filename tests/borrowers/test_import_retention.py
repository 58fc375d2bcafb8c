"""Import files hold full national ID numbers: they are deleted with the report, and purged if left behind.

The README promises that only a keyed hash and the last 4 of an ID number are stored. These tests look
for the full number everywhere the product keeps things: every file under MEDIA_ROOT, every row of
every table (the import job, its report, the audit trail) and what the import command prints.
"""

import os
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import User
from borrowers import imports
from borrowers.admin import import_progress_context
from borrowers.models import BorrowerProfile, ImportJob, Loan
from borrowers.tasks import import_files_purge
from core.models import AuditEvent
from tests.borrowers.factories import make_product, national_id_for, run_command
from tests.borrowers.test_imports import LOAN_HEADER, WANG_FANG_ID, csv_bytes, import_loans, loan_row
from tests.conftest import PASSWORD, enrol_totp

pytestmark = pytest.mark.django_db

# A second borrower's number, put by mistake in the date_of_birth column (the report echoes that cell).
LI_LEI_ID = national_id_for(date(1995, 7, 1), serial=456)


@pytest.fixture(autouse=True)
def _setup(settings: Any, tmp_path: Path) -> None:
    settings.ANXIN_BUSINESS_DATE = "2026-03-31"
    settings.MEDIA_ROOT = tmp_path / "private"
    settings.LANGUAGE_CODE = "en"
    settings.IMPORT_FILE_RETENTION_DAYS = 7
    make_product(code="EVERYDAY-12")


@pytest.fixture
def staff(client: Client) -> Client:
    user = User.objects.create_superuser(email="admin@anxin.example", password=PASSWORD)
    enrol_totp(user)
    client.force_login(user)
    return client


def media_files(settings: Any) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def assert_nowhere(settings: Any, *secrets: str, printed: str = "") -> None:
    """No file under MEDIA_ROOT, no row of any table in the database and nothing printed holds a secret."""
    for path in media_files(settings):
        content = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in content, path
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            text = repr(cursor.fetchall())
            for secret in secrets:
                assert secret not in text, table
    for secret in secrets:
        assert secret not in printed


def test_a_refused_loans_file_leaves_no_full_national_id_number_anywhere(
    settings: Any, tmp_path: Path
) -> None:
    rows = [
        loan_row(product_code="NO-SUCH-PRODUCT"),
        loan_row(reference="AX2026000002", customer_number="C0002", date_of_birth=LI_LEI_ID),
    ]
    source = tmp_path / "outside"
    source.mkdir()

    result = import_loans(source, csv_bytes(LOAN_HEADER, rows), name=f"loans-{WANG_FANG_ID}.csv")

    job = ImportJob.objects.get()
    assert result.status == 1
    assert job.original_name == f"loans-{'*' * 14}{WANG_FANG_ID[-4:]}.csv"
    assert job.status == ImportJob.Status.FAILED
    assert not job.file
    assert job.file_deleted_at is not None
    assert media_files(settings) == []
    # The misplaced number is reported, masked to its last 4, so staff can still find the cell.
    messages = [entry["message"] for entry in job.report]
    assert f"date_of_birth: “{'*' * 14}{LI_LEI_ID[-4:]}” is not a date written YYYY-MM-DD." in messages
    assert_nowhere(settings, WANG_FANG_ID, LI_LEI_ID, printed=result.out + result.err)
    assert AuditEvent.objects.filter(action="import.uploaded", object_id=str(job.pk)).exists()


def test_an_imported_loans_file_is_deleted_and_its_page_says_so(settings: Any, tmp_path: Path) -> None:
    source = tmp_path / "outside"
    source.mkdir()

    result = import_loans(source, csv_bytes(LOAN_HEADER, [loan_row()]))

    job = ImportJob.objects.get()
    assert (result.status, job.status) == (0, ImportJob.Status.SUCCEEDED)
    assert Loan.objects.count() == 1
    assert BorrowerProfile.objects.get().national_id_last4 == WANG_FANG_ID[-4:]
    assert media_files(settings) == []
    assert_nowhere(settings, WANG_FANG_ID, printed=result.out + result.err)
    page = render_to_string("admin/borrowers/importjob/progress.html", import_progress_context(job))
    when = date_format(timezone.localtime(job.file_deleted_at), "DATETIME_FORMAT")  # the site's one format
    assert f"The uploaded file was deleted at {when}." in page


def make_job(*, status: str, age_days: float, content: bytes = b"national_id\n") -> ImportJob:
    job = ImportJob(kind=ImportJob.Kind.LOANS, original_name="left.csv", sha256="0" * 64, status=status)
    job.file.save("left-behind.csv", ContentFile(content), save=False)
    job.save()
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(days=age_days))
    return job


def orphan(settings: Any, name: str, *, age_days: float) -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports" / "2026" / "11" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"reference,national_id\n")
    old = time.time() - age_days * 86400
    os.utime(path, (old, old))
    return path


def test_the_purge_deletes_what_was_left_behind_and_keeps_what_may_still_be_in_use(settings: Any) -> None:
    abandoned = make_job(status=ImportJob.Status.QUEUED, age_days=8, content=WANG_FANG_ID.encode())
    recent = make_job(status=ImportJob.Status.RUNNING, age_days=1)
    finished = make_job(status=ImportJob.Status.FAILED, age_days=0)  # refused before files were deleted
    ImportJob.objects.filter(pk=finished.pk).update(
        report=[{"line": 3, "message": f"date_of_birth: “{WANG_FANG_ID}” is not a date written YYYY-MM-DD."}]
    )
    old_orphan = orphan(settings, "old.csv", age_days=8)
    young_orphan = orphan(settings, "young.csv", age_days=1)

    result = run_command("import_files_purge")

    assert result.status == 0
    assert "Deleted 3 import files: 1 of finished imports, 1 of imports that never finished" in result.out
    assert not old_orphan.exists()
    assert young_orphan.exists()  # may be an upload whose job is being committed right now
    abandoned.refresh_from_db()
    assert (abandoned.status, bool(abandoned.file)) == (ImportJob.Status.FAILED, False)
    assert abandoned.file_deleted_at is not None
    assert "The uploaded file is no longer kept" in abandoned.report[0]["message"]
    finished.refresh_from_db()
    assert (finished.status, bool(finished.file)) == (ImportJob.Status.FAILED, False)
    assert finished.report == [
        {
            "line": 3,
            "message": f"date_of_birth: “{'*' * 14}{WANG_FANG_ID[-4:]}” is not a date written YYYY-MM-DD.",
        }
    ]
    assert_nowhere(settings, WANG_FANG_ID)
    recent.refresh_from_db()
    assert recent.file
    assert Path(recent.file.path).exists()
    assert {path.name for path in media_files(settings)} == {"young.csv", Path(recent.file.name).name}
    assert AuditEvent.objects.filter(action="import.file_purged").count() == 3
    # Run again: nothing more to do.
    assert "Deleted 0 import files" in run_command("import_files_purge").out


def test_the_purge_runs_daily_on_the_beat_schedule(settings: Any) -> None:
    orphan(settings, "old.csv", age_days=30)

    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert "borrowers.tasks.import_files_purge" in scheduled
    assert import_files_purge.delay().get() == 1
    assert media_files(settings) == []


def test_a_job_whose_file_was_purged_is_refused_when_a_worker_finally_runs_it(settings: Any) -> None:
    job = make_job(status=ImportJob.Status.QUEUED, age_days=10)
    run_command("import_files_purge")
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED)  # a stale message arrives

    job = imports.import_job_run(import_job_id=job.pk)

    assert job.status == ImportJob.Status.FAILED
    assert "The uploaded file is no longer kept" in job.report[0]["message"]
    assert not Loan.objects.exists()


def test_the_admin_page_of_a_refused_upload_shows_the_masked_report_and_that_the_file_is_gone(
    staff: Client, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    rows = [loan_row(product_code="NO-SUCH-PRODUCT", date_of_birth=LI_LEI_ID)]
    upload = SimpleUploadedFile("loans.csv", csv_bytes(LOAN_HEADER, rows), content_type="text/csv")

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("admin:borrowers_importjob_add"), {"kind": "loans", "file": upload})
    assert response.status_code == 302, response.content.decode()
    page = staff.get(response["Location"]).content.decode()

    assert ImportJob.objects.get().status == ImportJob.Status.FAILED
    assert f"{'*' * 14}{LI_LEI_ID[-4:]}" in page
    assert "The uploaded file was deleted at" in page
    assert LI_LEI_ID not in page
    assert WANG_FANG_ID not in page
    assert media_files(settings) == []
    assert_nowhere(settings, WANG_FANG_ID, LI_LEI_ID)
