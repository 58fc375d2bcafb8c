from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The pages that put the others together (home, dashboard, help, the site's navigation), and the
    lender's contact channels and borrowers' messages to staff. Near the top of the import graph: it may
    read every app's selectors; only privacy imports it (its personal_data)."""

    name = "portal"
    verbose_name = _("Portal")
