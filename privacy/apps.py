from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """A borrower's rights over their personal data (PIPL arts. 44–47): see it all, correct it, have it
    deleted, and say yes or no to marketing. It reads every app's models, and no app imports it."""

    name = "privacy"
    verbose_name = _("Privacy")
