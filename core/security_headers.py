"""Keep personal pages out of every cache: `Cache-Control: no-store` (issue 9, finding 7).

A loan page, the budget, the sessions list or a sign-in form must not be kept by the browser's back-and-
forward cache on a shared phone, by a proxy, or on disk. The rule is deliberately simple, so that a new
page cannot slip past it: a response gets `no-store` (with Django's `add_never_cache_headers`) when

- the request carries a session cookie (whoever is signed in, or half-way through signing in), or the
  user is signed in;
- the response sets a cookie (the session, the CSRF token, the language) or varies on `Cookie` (the
  page was rendered from the session: SessionMiddleware and CsrfViewMiddleware say so in `Vary`);
- it is answered by the admin (its namespace, from the resolver: not a path).

What stays cacheable: static files (whitenoise answers them before this middleware) and anonymous
answers that read nothing of the visitor's, such as the health check and the favicon redirect.

The middleware sits before SessionMiddleware in MIDDLEWARE, so on the way out it sees the session and
CSRF cookies and the `Vary` header those middlewares add.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.cache import add_never_cache_headers, has_vary_header

ADMIN_NAMESPACE = "admin"


def response_is_personal(request: HttpRequest, response: HttpResponseBase) -> bool:
    """Whether the response may hold something of one person's (and so must never be stored)."""
    if settings.SESSION_COOKIE_NAME in request.COOKIES or response.cookies:
        return True
    if has_vary_header(response, "Cookie"):
        return True
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    match = request.resolver_match
    return match is not None and ADMIN_NAMESPACE in match.namespaces


class PersonalResponseNoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if response_is_personal(request, response):
            add_never_cache_headers(response)
        return response
