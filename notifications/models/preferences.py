"""How a person wants to be reached: one row per person, made the first time they change a setting
(no row: every service channel on, the default)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ContactPreference(models.Model):
    """The service channels a person accepts. In-app notices are always kept (they make no sound and
    wait to be read), so turning both SMS and email off still leaves the borrower reachable on the site.
    Marketing is not here: it needs consent (ConsentRecord), with its history."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="contact_preference",
    )
    sms = models.BooleanField(_("text messages"), default=True)
    email = models.BooleanField(_("email"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("contact preference")
        verbose_name_plural = _("contact preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: sms={self.sms} email={self.email}"
