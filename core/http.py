from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest, HttpResponse
from django_htmx.middleware import HtmxDetails

T = TypeVar("T")


class HtmxHttpRequest(HttpRequest):
    """A request that has passed django-htmx's middleware (for type checking views)."""

    htmx: HtmxDetails


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address, taken from the one place the whole product trusts.

    Behind the TLS proxy REMOTE_ADDR is the proxy's address, so every user would share it (one user's
    failed logins would lock out everyone). allauth reads the client address from X-Forwarded-For,
    trusting exactly `ALLAUTH_TRUSTED_PROXY_COUNT` proxies (or from `ALLAUTH_TRUSTED_CLIENT_IP_HEADER`);
    its rate limits, the sessions page, the audit trail and our own limits all use this function, so
    they agree. None when no address can be determined (a malformed header is not trusted).
    """
    from allauth.core.internal.httpkit import get_client_ip

    try:
        ip: str | None = get_client_ip(request)
        return ip
    except ImproperlyConfigured:  # a forwarded header shorter than the configured proxy count
        return None


class ResolvedViewMiddleware:
    """A middleware that acts only once the URL is resolved, in `process_view` or `process_exception`
    (which its subclass defines): the request itself passes straight through."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)


def or_404(found: T | None) -> T:
    """What a selector found, or the page's 404. A selector answers None for what is not there or not the
    reader's (someone else's loan or message: the same answer, so nothing tells them apart); the view
    turns that into the 404."""
    if found is None:
        raise Http404
    return found
