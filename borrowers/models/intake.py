"""How loans come in: a borrower linking a loan to their account, staff importing the core system's files."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LinkAttempt(models.Model):
    """Every attempt to link a loan to an account, successful or not (the lock-out counts failures)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reference_tried = models.CharField(max_length=64)
    succeeded = models.BooleanField(default=False)
    attempted_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # The client's address (core.http.client_ip), for the per-IP limit; None when it is unknown.
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("loan link attempt")
        verbose_name_plural = _("loan link attempts")
        indexes = [
            models.Index(fields=["user", "attempted_at"]),
            # The limits across accounts: failures per reference and per client IP in a window.
            models.Index(fields=["reference_tried", "attempted_at"]),
            models.Index(fields=["ip_address", "attempted_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference_tried} {'ok' if self.succeeded else 'failed'}"


class ImportJob(models.Model):
    """One CSV file from the lender's core system (loans or payments), imported all-or-nothing.

    The file is kept privately; `report` lists each row's problem when the file is refused.
    `sha256` makes a second import of the same file a no-op.
    """

    class Kind(models.TextChoices):
        LOANS = "loans", _("Loans")
        PAYMENTS = "payments", _("Payments")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Imported")
        FAILED = "failed", _("Refused")
        DUPLICATE = "duplicate", _("Already imported")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows checked"), default=0)
    rows_imported = models.PositiveIntegerField(_("rows imported"), default=0)
    report = models.JSONField(_("report"), default=list, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # When the stored file (full national ID numbers) was deleted: once the report is made, or by the
    # retention purge (borrowers.imports_retention).
    file_deleted_at = models.DateTimeField(_("file deleted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name}"

    @property
    def progress_percent(self) -> int:
        return int(self.rows_done * 100 / self.rows_total) if self.rows_total else 0
