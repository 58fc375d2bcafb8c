"""Close-of-business runs: one row per business date, with its chunks, written by the nightly job only."""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from borrowers.admin.common import NeverEditedMixin
from borrowers.models import CloseChunk, CloseRun


class CloseChunkInline(NeverEditedMixin, admin.TabularInline[CloseChunk, CloseRun]):
    model = CloseChunk
    extra = 0
    fields = ("first_loan_id", "last_loan_id", "loans", "entries", "errors", "done_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: CloseRun | None = None) -> bool:
        return False


@admin.register(CloseRun)
class CloseRunAdmin(NeverEditedMixin, admin.ModelAdmin[CloseRun]):
    """Read only: a run is planned and its chunks closed by the Celery tasks (borrowers.tasks)."""

    list_display = (
        "business_date",
        "status",
        "loans",
        "chunks_progress",
        "entries",
        "errors",
        "started_at",
        "duration",
    )
    list_filter = ("status",)
    date_hierarchy = "business_date"
    readonly_fields = (
        "business_date",
        "status",
        "loans",
        "chunks_total",
        "chunks_done",
        "entries",
        "errors",
        "error_log",
        "started_at",
        "finished_at",
    )
    inlines = [CloseChunkInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=gettext_lazy("chunks done"))
    def chunks_progress(self, obj: CloseRun) -> str:
        return f"{obj.chunks_done} / {obj.chunks_total}"

    @admin.display(description=gettext_lazy("duration (seconds)"))
    def duration(self, obj: CloseRun) -> str:
        seconds = obj.duration_seconds
        return "—" if seconds is None else f"{seconds:.1f}"
