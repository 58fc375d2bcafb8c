from typing import Any

from django.http import HttpRequest

from portal.navigation import navigation_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """`navigation` on every page: base.html draws it."""
    return {"navigation": navigation_for(request.path)}
