"""What a borrower asked of us about their personal data, what they consented to, and what we must keep.

A PrivacyRequest is one request under PIPL arts. 44–47 (a copy, a correction, a deletion), with the
deadline it must be answered by. Consent records moved to notifications (notifications.models.consent),
which must refuse a marketing message to someone who has not agreed; this app still records the answers
through notifications.services. A RetentionHold
is what a carried-out deletion had to keep (the borrower profile, loans and ledger, which the law makes us
keep for a time), and when that time ends.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.text import phone_masked


class PrivacyRequest(models.Model):
    class Kind(models.TextChoices):
        EXPORT = "export", _("Copy of my data")
        CORRECTION = "correction", _("Correct my details")
        DELETION = "deletion", _("Delete my account")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        DONE = "done", _("Carried out")
        REFUSED = "refused", _("Refused")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="privacy_requests",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    received_at = models.DateTimeField(_("received at"), db_index=True)
    deadline = models.DateTimeField(_("answer by"))
    # A correction: the corrected values asked for ({"phone": "…", "note": "…"}); nothing for the others.
    details = models.JSONField(_("what was asked"), default=dict, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)

    class Meta:
        verbose_name = _("privacy request")
        verbose_name_plural = _("privacy requests")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["user", "kind", "received_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="received") | Q(handled_at__isnull=False),
                name="privacyrequest_handled_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(outcome=""), name="privacyrequest_refusal_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()}"

    def details_shown(self) -> list[tuple[str, str]]:
        """What was asked, as staff may read it: labelled, with phone numbers masked (Support phones a
        borrower on the number they already hold; they never need the full new or old one)."""
        labels = {
            "phone": _("new mobile number"),
            "phone_before": _("mobile number before"),
            "note": _("what else to correct"),
        }
        return [
            (str(labels.get(key, key)), phone_masked(str(value)) if key.startswith("phone") else str(value))
            for key, value in self.details.items()
        ]

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.RECEIVED

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.deadline < timezone.now()


class RetentionHold(models.Model):
    """A closed account's borrower profile, loans and ledger, kept because the law says so, until
    `retention_until`; then privacy.services_deletion.retention_holds_release anonymises the profile.

    `retention_until` is empty while a loan is still open: the hold runs PRIVACY_RETENTION_YEARS from the
    day the last loan is settled, which is not known yet."""

    profile = models.OneToOneField(
        "borrowers.BorrowerProfile",
        verbose_name=_("borrower"),
        on_delete=models.PROTECT,
        related_name="retention_hold",
    )
    request = models.ForeignKey(
        PrivacyRequest, verbose_name=_("deletion request"), on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("held since"))
    retention_until = models.DateTimeField(_("kept until"), null=True, blank=True, db_index=True)
    basis = models.CharField(_("legal basis"), max_length=300)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("retention hold")
        verbose_name_plural = _("retention holds")
        ordering = ["retention_until", "id"]

    def __str__(self) -> str:
        return (
            f"{self.profile_id} {self.retention_until:%Y-%m-%d}"
            if self.retention_until
            else str(self.profile_id)
        )
