"""The one way a view answers a page that htmx can also ask for a piece of.

htmx sends ``HX-Request: true``; the view then renders one django-template-partials partial of the same
template instead of the whole page. Because one URL answers in two shapes, every answer carries
``Vary: HX-Request``, so no cache (the browser's back button included) hands the piece out as the page or
the page as the piece.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django_htmx.http import push_url


def render_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    partial: str | None = None,
    push: bool = False,
) -> HttpResponse:
    """The whole ``template``, or only its ``partial`` when one is named (the caller decides when: usually
    ``request.htmx``). ``push`` puts the request's URL in the browser's address bar for a partial answer,
    so the URL the borrower shares or reloads shows the same thing."""
    response = render(request, f"{template}#{partial}" if partial else template, context)
    patch_vary_headers(response, ("HX-Request",))
    if partial and push:
        response = push_url(response, request.get_full_path())
    return response
