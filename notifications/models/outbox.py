from django.db import models
from django.utils.translation import gettext_lazy as _

from core.text import email_masked


class OutboundEmail(models.Model):
    """One email we mean to send, kept as a delivery log.

    The request that wants a mail only writes this row; a Celery task delivers it after the transaction
    commits, so a slow or failing mail server never turns a sign-up into an error page, and a rolled-back
    transaction never sends a mail about something that did not happen.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=100)
    to = models.JSONField(_("to"))
    from_email = models.CharField(_("from"), max_length=254)
    subject = models.CharField(_("subject"), max_length=998)
    body_text = models.TextField(_("text body"))
    body_html = models.TextField(_("HTML body"), blank=True)
    # A mail that lets its reader in (a password-reset link, a confirmation key, a sign-in code): the
    # worker reads its body, nobody in the admin does, and the body is erased once it has gone out or
    # has failed for good (notifications.services).
    carries_secret = models.BooleanField(_("carries a sign-in secret"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbound email")
        verbose_name_plural = _("outbound emails")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="notifications_outboundemail_sent_has_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipients_shown}"

    @property
    def recipients_shown(self) -> str:
        """The recipients, masked on a mail that carries a sign-in secret (read in the admin)."""
        addresses = [str(address) for address in self.to]
        if self.carries_secret:
            addresses = [email_masked(address) for address in addresses]
        return ", ".join(addresses)
