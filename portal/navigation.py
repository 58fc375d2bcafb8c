"""The site's main navigation: portal puts the apps' pages together, so it is the one that names them.

Kept here, not in core, because it reverses the URL names of four apps above core.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

NAVIGATION = (
    ("portal:home", _("Home")),
    ("borrowers:loans", _("My loans")),
    ("education:index", _("Learn")),
    ("repayment:plan", _("Plan")),
    ("portal:help", _("Get help")),
)


@dataclass(frozen=True)
class NavItem:
    url: str
    label: StrOrPromise
    current: bool


def navigation_for(path: str) -> list[NavItem]:
    """The navigation as a page at `path` shows it, with the current section marked."""
    items = []
    for name, label in NAVIGATION:
        url = reverse(name)
        # Home is "/" for a visitor and the dashboard once signed in ("/" redirects there).
        current = path in (url, reverse("portal:dashboard")) if url == "/" else path.startswith(url)
        items.append(NavItem(url=url, label=label, current=current))
    return items
