"""Who owes: the borrower as the lender's core system knows them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.text import phone_masked


class BorrowerProfile(models.Model):
    """A borrower as the lender's core system knows them, and (once linked) their Anxin account.

    The national ID number is never stored: only a keyed hash (HMAC-SHA256 with NATIONAL_ID_HASH_KEY,
    so the hash cannot be reversed by trying every possible number) and its last 4 characters.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="borrower_profile",
    )
    customer_number = models.CharField(_("customer number"), max_length=32, unique=True)
    full_name = models.CharField(_("full name"), max_length=100)
    phone = models.CharField(_("mobile phone"), max_length=20)
    national_id_hash = models.CharField(_("national ID (keyed hash)"), max_length=64, db_index=True)
    national_id_last4 = models.CharField(_("national ID, last 4"), max_length=4)
    # Empty only once the profile is anonymised (privacy.services_deletion); every form still requires it.
    date_of_birth = models.DateField(_("date of birth"), null=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans"
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("borrower")
        verbose_name_plural = _("borrowers")
        ordering = ["customer_number"]

    def __str__(self) -> str:
        return f"{self.customer_number} {self.full_name}"

    @property
    def phone_masked(self) -> str:
        return phone_masked(self.phone)
