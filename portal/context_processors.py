from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from notifications.selectors import unread_count
from portal.navigation import inbox_for, navigation_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """`navigation` on every page: base.html draws it. For someone signed in also the header's link to
    their messages and `unread`, the count in its badge: lazy, so it is one query on a page that draws
    the header and none on one that does not (the admin, a file). A view that has counted already
    passes its own `unread`, which wins."""
    context: dict[str, Any] = {"navigation": navigation_for(request.path)}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        user_id = user.pk
        context["inbox_link"] = inbox_for(request.path)
        context["unread"] = SimpleLazyObject(lambda: unread_count(user_id=user_id))
    return context
