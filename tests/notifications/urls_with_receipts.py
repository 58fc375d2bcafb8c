"""The project's URLs with the SMS receipt callback under /notifications/sms/ (until config/urls.py
includes it; then the project's own)."""

from django.urls import Resolver404, URLPattern, URLResolver, include, path, resolve

from config.urls import urlpatterns as project


def _project_has_it() -> bool:
    try:
        return (
            resolve("/notifications/sms/receipts/", urlconf="config.urls").view_name
            == "notifications_sms:receipts"
        )
    except Resolver404:
        return False


urlpatterns: list[URLPattern | URLResolver] = (
    list(project)
    if _project_has_it()
    else [path("notifications/sms/", include("notifications.urls_receipts")), *project]
)
