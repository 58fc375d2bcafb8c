"""The site's main navigation: portal puts the apps' pages together, so it is the one that names them.

Kept here, not in core, because it reverses the URL names of four apps above core.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_stubs_ext import StrOrPromise

NAVIGATION = (
    ("portal:home", _("Home")),
    ("borrowers:loans", _("My loans")),
    ("education:index", _("Learn")),
    ("repayment:plan", _("Plan")),
    ("portal:help", _("Get help")),
)
# The link to the notification centre, last in the main navigation for someone signed in (with the
# unread badge).
INBOX = "notifications:centre"


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


def inbox_for(path: str) -> NavItem:
    """The header's link to the notification centre; current on the centre and the message settings."""
    url = reverse(INBOX)
    label = pgettext_lazy("notification centre", "Messages")
    return NavItem(url=url, label=label, current=path.startswith(url))
