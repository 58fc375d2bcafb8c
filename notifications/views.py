"""What the borrower sees of their messages: the notification centre at /notifications/, opening a
message, marking them all read, the unread count the header refreshes, and the unsubscribe link of a
marketing message (no sign-in needed: the signed link names the account).

Every change is a POST that redirects (works without JavaScript); a plain GET writes nothing. The
message settings page reads the borrower's time zone, which borrowers holds, so it is composed above
both apps (portal.views_message_settings).
"""

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.htmx import render_page
from core.http import or_404
from notifications import selectors, services_centre
from notifications.unsubscribe import unsubscribe_user_id

if TYPE_CHECKING:
    from accounts.http import AuthenticatedHttpRequest
    from core.http import HtmxHttpRequest

# htmx's "stop polling" answer: the badge of someone no longer signed in stops asking.
STOP_POLLING = 286
# The header badge asks again every 60 s, at most this many times after a page was loaded. A poll is a
# request, and every request counts as activity for the idle sign-out (accounts.session_limits): an
# endless poll would keep a phone left on the table signed in. Loading a page starts the count again.
POLLS_MAX = 10


def message_link_safe(link: str) -> str:
    """Where opening a message leads: its link when it is a path on this site, else the centre. A full
    address (another host, a scheme, "//host") is never followed, whoever wrote the message."""
    if link.startswith("/") and url_has_allowed_host_and_scheme(link, allowed_hosts=None):
        return link
    return reverse("notifications:centre")


@require_GET
@login_required
def centre(request: "AuthenticatedHttpRequest") -> HttpResponse:
    inbox = selectors.inbox_page(user_id=request.user.pk, page=request.GET.get("page", 1))
    # The page's own unread count serves the header too (no second count).
    context = {"inbox": inbox, "unread": inbox.unread}
    return render(request, "notifications/centre.html", context)


@require_POST
@login_required
def message_open(request: "AuthenticatedHttpRequest", pk: int) -> HttpResponse:
    link = or_404(services_centre.message_open(user=request.user, message_id=pk))
    return redirect(message_link_safe(link))


@require_POST
@login_required
def mark_all_read(request: "AuthenticatedHttpRequest") -> HttpResponse:
    if services_centre.messages_mark_all_read(user=request.user):
        messages.success(request, _("All your messages are marked as read."))
    return redirect("notifications:centre")


def _polls(request: HttpRequest) -> int:
    """How many times this page's badge has asked already; anything but a short number counts as none."""
    raw = request.GET.get("polls", "")
    return min(int(raw), POLLS_MAX) if raw.isascii() and raw.isdigit() and len(raw) <= 3 else 0


@require_GET
def unread(request: "HtmxHttpRequest") -> HttpResponse:
    """The header badge again (htmx, every 60 s), or without JavaScript a small page with the count and
    the way to the centre."""
    if not request.user.is_authenticated:
        if request.htmx:
            return HttpResponse(status=STOP_POLLING)
        return redirect(f"{reverse('account_login')}?next={reverse('notifications:unread')}")
    user = request.user
    polls = _polls(request) + 1 if request.htmx else 0
    context = {
        "unread": selectors.unread_count(user_id=user.pk),
        "polls": polls,
        "polling": polls < POLLS_MAX,
    }
    response = render_page(
        request, "notifications/unread.html", context, partial="badge" if request.htmx else None
    )
    add_never_cache_headers(response)
    return response


def _unsubscribe_page(request: HttpRequest, token: str, *, status: int = 200) -> HttpResponse:
    user_id = unsubscribe_user_id(token)
    granted = selectors.unsubscribe_status(user_id=user_id) if user_id is not None else None
    if granted is None:
        response = render(request, "notifications/unsubscribe_invalid.html", status=404)
    else:
        response = render(
            request, "notifications/unsubscribe.html", {"token": token, "granted": granted}, status=status
        )
    # The link names a person: no cache keeps the answer.
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """A marketing message's "no more offers" link. GET says what it will do and changes nothing; POST
    records the withdrawal. A link that is not ours (or altered, or for an account since removed) gets
    a page that says so, with 404."""
    if request.method == "POST":
        user_id = unsubscribe_user_id(token)
        outcome = (
            services_centre.marketing_unsubscribe(user_id=user_id, request=request)
            if user_id is not None
            else None
        )
        if outcome is not None:
            if outcome:
                messages.success(request, _("Done: we will send you no more offers and news."))
            else:
                messages.info(request, _("You had already said no: we send you no offers or news."))
            return redirect("notifications:unsubscribe", token=token)
    return _unsubscribe_page(request, token)
