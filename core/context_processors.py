from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

NAVIGATION = (
    ("core:home", _("Home")),
    ("core:loans", _("My loans")),
    ("core:learn", _("Learn")),
    ("core:plan", _("Plan")),
    ("core:help", _("Get help")),
)


def site(request: HttpRequest) -> dict[str, Any]:
    path = request.path
    nav = []
    for name, label in NAVIGATION:
        url = reverse(name)
        current = path == url if url == "/" else path.startswith(url)
        nav.append({"url": url, "label": label, "current": current})
    return {"navigation": nav, "LANGUAGES": settings.LANGUAGES}
