from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form (no or a stale CSRF token) gets the site's own page, in the reader's language.

    Django's default is an English page with an inline style the CSP refuses, and its own template hook
    renders without the request (no navigation, no language). The reason stays in the log, not the page.
    """
    return render(request, "403_csrf.html", status=403)
