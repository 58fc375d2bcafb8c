from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


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
