from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.append_only import AppendOnlyError, AppendOnlyModel, AppendOnlyQuerySet


class AuditTrailIsAppendOnlyError(AppendOnlyError):
    """Raised on any attempt to change or delete an audit event: the trail is written once, never edited."""


class AuditEvent(AppendOnlyModel):
    """Who did what, when, to which object, and why: one row per state change that matters.

    Append-only like the ledger: saving an existing row, deleting one and bulk updates or deletes raise
    AuditTrailIsAppendOnlyError (and on PostgreSQL a trigger refuses UPDATE and DELETE whatever the
    client). `action` is a dotted name (`loan.link_failed`, `payment.recorded`); `data` holds the details
    a reviewer needs, never secrets (no passwords, no full ID numbers).
    """

    occurred_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    reason = models.TextField(_("why"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AppendOnlyQuerySet.as_manager()
    append_only_error = AuditTrailIsAppendOnlyError
    append_only_refused_change = "Audit events cannot be changed: the audit trail is append-only."
    append_only_refused_delete = "Audit events cannot be deleted: the audit trail is append-only."

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.occurred_at):%Y-%m-%d %H:%M} {self.action}"
