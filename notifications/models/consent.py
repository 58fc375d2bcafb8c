"""Consent to marketing: one yes or no a row, the latest per purpose is the current answer.

Moved here from privacy (state only: the table keeps its name `privacy_consentrecord`), because the
channels below every app must be able to refuse a marketing message to someone who has not agreed, and
notifications is the lowest app that sends. The privacy page still records the answer, through
`notifications.services.consent_record`.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.append_only import AppendOnlyError, AppendOnlyModel, AppendOnlyQuerySet


class ConsentIsAppendOnlyError(AppendOnlyError):
    """Someone tried to change or delete a consent record: the history is the proof."""


class ConsentRecord(AppendOnlyModel):
    """One answer to "may we use your data for this purpose": the latest row per purpose is the current
    answer. Never changed, never deleted, also after the account is closed (proof of what was agreed)."""

    class Purpose(models.TextChoices):
        MARKETING = "marketing", _("Offers and news about our products")

    class Source(models.TextChoices):
        PRIVACY_PAGE = "privacy_page", _("Privacy page")
        ACCOUNT_DELETION = "account_deletion", _("Account deletion")
        UNSUBSCRIBE = "unsubscribe", _("Unsubscribe link in a message")
        PREFERENCES_PAGE = "preferences_page", _("Message settings page")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="consent_records",
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    granted = models.BooleanField(_("agreed"))
    recorded_at = models.DateTimeField(_("recorded at"))
    source = models.CharField(_("where"), max_length=20, choices=Source.choices)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AppendOnlyQuerySet.as_manager()
    append_only_error = ConsentIsAppendOnlyError
    append_only_refused_change = "Consent records cannot be changed; record a new answer instead."
    append_only_refused_delete = "Consent records cannot be deleted."

    class Meta:
        db_table = "privacy_consentrecord"
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-recorded_at", "-id"]
        indexes = [
            models.Index(fields=["user", "purpose", "-recorded_at"], name="privacy_con_user_id_7f7962_idx")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.purpose} {'yes' if self.granted else 'no'}"
