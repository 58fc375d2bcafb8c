"""The page shell around every page: our own 404 and 500 pages, and the favicon."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

from tests.conftest import make_user

HEADINGS_404 = {"zh-hans": "找不到这个页面", "en": "We cannot find this page"}
HEADINGS_500 = {"zh-hans": "出错了，问题在我们这边", "en": "Something went wrong on our side"}


@pytest.fixture
def production_errors(settings) -> None:  # type: ignore[no-untyped-def]
    # With DEBUG on, Django shows its technical pages instead of ours.
    settings.DEBUG = False


@pytest.mark.django_db
@pytest.mark.usefixtures("production_errors")
@pytest.mark.parametrize("language", HEADINGS_404)
def test_an_unknown_address_gets_our_404_page_with_a_way_back(language: str) -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get("/no-such-page/")

    page = response.content.decode()
    assert response.status_code == 404
    assert f'<html lang="{language}">' in page
    assert HEADINGS_404[language] in page
    assert 'class="site-header"' in page
    assert f'href="{reverse("portal:home")}"' in page
    assert f'href="{reverse("portal:help")}"' in page


@pytest.mark.django_db
@pytest.mark.usefixtures("production_errors")
def test_a_signed_in_borrower_is_sent_back_to_their_overview(client: Client) -> None:
    client.force_login(make_user("b@example.com"))

    page = client.get("/loans/AX-NOT-MINE/").content.decode()

    assert HEADINGS_404["zh-hans"] in page
    assert f'href="{reverse("portal:dashboard")}"' in page


@pytest.mark.usefixtures("production_errors")
@pytest.mark.parametrize("language", HEADINGS_500)
def test_the_500_page_renders_with_no_context_and_no_database(language: str) -> None:
    """handler500 renders the template with an empty Context: no request, no user. This test has no
    database access at all (no django_db mark), so a query would fail it."""
    with translation.override(language):
        response = server_error(RequestFactory().get("/"))

    page = response.content.decode()
    assert response.status_code == 500
    assert HEADINGS_500[language] in page
    assert 'class="site-header"' in page
    assert f'href="{reverse("portal:home")}"' in page
    assert f'href="{reverse("portal:help")}"' in page


@pytest.mark.django_db
@pytest.mark.urls("tests.accounts.urls_failing")
@pytest.mark.usefixtures("production_errors")
@pytest.mark.parametrize("language", HEADINGS_500)
def test_a_failing_view_shows_our_500_page_in_the_readers_language(language: str) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE=language, raise_request_exception=False)

    response = client.get("/failing/")

    assert response.status_code == 500
    assert HEADINGS_500[language] in response.content.decode()


@pytest.mark.django_db
def test_the_favicon_is_served_at_the_address_browsers_ask_for(client: Client) -> None:
    response = client.get("/favicon.ico")

    # To the static copy, which whitenoise serves (with DEBUG off, as here, only after collectstatic).
    assert response.status_code == 302
    assert response["Location"] == static("favicon.ico")
    found = finders.find("favicon.ico")
    assert found
    icon = Path(str(found)).read_bytes()
    assert icon[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert len(icon) < 1000
    assert f'href="{static("favicon.ico")}"' in client.get(reverse("portal:home")).content.decode()
