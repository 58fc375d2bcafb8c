"""The site's URLs plus one view that fails, to see the 500 page as a borrower would."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def failing_view(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [path("failing/", failing_view), *site_urlpatterns]
