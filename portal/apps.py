from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The pages that put the others together (home, dashboard, help). It sits at the top of the
    import graph: it may read every app's selectors, and no app imports it."""

    name = "portal"
    verbose_name = _("Portal")
