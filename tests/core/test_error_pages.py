"""Refused requests get the site's own pages, in the reader's language, within the strict CSP."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "words"), [("zh-hans", "表单已过期"), ("en", "The form has expired")])
def test_a_form_sent_without_its_csrf_token_gets_our_page_not_djangos(language: str, words: str) -> None:
    client = Client(enforce_csrf_checks=True)
    client.cookies["django_language"] = language

    response = client.post(reverse("account_login"), {"login": "a@example.com", "password": "x"})

    assert response.status_code == 403
    html = response.content.decode()
    assert words in html
    assert "<style" not in html  # Django's own page carries an inline style the CSP refuses
    assert "Content-Security-Policy" in response.headers


def test_a_permission_refusal_gets_our_403_page() -> None:
    from django.views.defaults import permission_denied

    request = RequestFactory().get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = permission_denied(request, PermissionDenied())

    assert response.status_code == 403
    assert "error-page__code" in response.content.decode()
