"""CSV imports: upload a file; a Celery task checks and imports it, and its page follows the progress."""

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from borrowers import imports, tasks
from borrowers.admin.common import NeverEditedMixin, staff_user
from borrowers.forms_admin import ImportUploadForm
from borrowers.models import ImportJob
from core.admin_service import ServiceAddViewMixin

# The longest report a page lists; a file refused on every one of 50,000 rows is summarised after this.
REPORT_LINES_SHOWN = 1000


def import_progress_context(job: ImportJob) -> dict[str, Any]:
    in_progress = job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING)
    return {
        "job": job,
        "in_progress": in_progress,
        "checking": job.status == ImportJob.Status.RUNNING and job.rows_done < job.rows_total,
        "rows_skipped": job.rows_total - job.rows_imported if job.status == ImportJob.Status.SUCCEEDED else 0,
        "report_shown": job.report[:REPORT_LINES_SHOWN],
        "report_hidden": max(len(job.report) - REPORT_LINES_SHOWN, 0),
    }


@admin.register(ImportJob)
class ImportJobAdmin(NeverEditedMixin, ServiceAddViewMixin[ImportJob]):
    """Upload a CSV file; a Celery task checks and imports it. The page follows its progress."""

    change_form_template = "admin/borrowers/importjob/change_form.html"
    list_display = (
        "id",
        "kind",
        "original_name",
        "status",
        "rows_total",
        "rows_imported",
        "uploaded_by",
        "created_at",
    )
    list_display_links = ("id", "original_name")
    list_filter = ("kind", "status")
    search_fields = ("original_name", "=sha256")
    list_select_related = ("uploaded_by",)
    # The file itself is not listed: it is private (never served), and holds national ID numbers.
    fields = ("kind", "original_name", "status", "uploaded_by", "created_at", "finished_at", "sha256")

    service_form_class = ImportUploadForm
    service_title = gettext_lazy("Import a CSV file")
    service_submit_label = gettext_lazy("Upload")

    def service_call(self, request: HttpRequest, data: dict[str, Any]) -> ImportJob:
        # import_job_create writes its own audit row (import.uploaded); a worker runs the job once the
        # upload has committed.
        upload = data["file"]
        job = imports.import_job_create(
            kind=data["kind"],
            content=upload,
            original_name=upload.name or "",
            uploaded_by=staff_user(request),
        )
        tasks.import_run_queue(import_job_id=job.pk)
        return job

    def service_done_message(self, obj: ImportJob) -> str:
        return _("File uploaded as import #%(id)d; it is checked, then imported, in the background.") % {
            "id": obj.pk
        }

    def get_urls(self) -> list[URLPattern]:
        progress = path(
            "<int:object_id>/progress/",
            self.admin_site.admin_view(self.progress_view),
            name="borrowers_importjob_progress",
        )
        return [progress, *super().get_urls()]

    def progress_view(self, request: HttpRequest, object_id: int) -> TemplateResponse:
        job = get_object_or_404(ImportJob, pk=object_id)
        if not self.has_view_permission(request, job):
            raise PermissionDenied
        return TemplateResponse(
            request, "admin/borrowers/importjob/progress.html", import_progress_context(job)
        )

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        job = self.get_object(request, object_id)
        if job is not None:
            extra_context = {**(extra_context or {}), **import_progress_context(job)}
        return super().change_view(request, object_id, form_url, extra_context)
