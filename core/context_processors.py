from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

NAVIGATION = (
    ("portal:home", _("Home")),
    ("borrowers:loans", _("My loans")),
    ("education:index", _("Learn")),
    ("repayment:plan", _("Plan")),
    ("portal:help", _("Get help")),
)


def site(request: HttpRequest) -> dict[str, Any]:
    path = request.path
    nav = []
    for name, label in NAVIGATION:
        url = reverse(name)
        # Home is "/" for a visitor and the dashboard once signed in ("/" redirects there).
        current = path in (url, reverse("portal:dashboard")) if url == "/" else path.startswith(url)
        nav.append({"url": url, "label": label, "current": current})
    return {"navigation": nav, "LANGUAGES": settings.LANGUAGES}
