"""The unread count in the header: drawn by the server on every signed-in page, refreshed by htmx from
/notifications/unread/ (just the badge), one indexed query whatever the number of messages."""

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from notifications.models import Message
from notifications.selectors import unread_count
from notifications.views import POLLS_MAX
from tests.conftest import enrol_totp, make_user, require
from tests.notifications.centre_helpers import in_app, page_queries

pytestmark = pytest.mark.django_db

UNREAD = reverse("notifications:unread")
HTMX = {"HX-Request": "true"}
HELP = reverse("portal:help")  # a page anyone opens, with the header


def badge(page: str) -> str:
    found = re.search(r'<span id="unread-badge".*?</span>(?:</span>)?(?=\s*</a>|$)', page, flags=re.S)
    assert found, "no unread badge on the page"
    return found.group(0)


def signed_in(client: Client, user: User) -> Client:
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


def message_queries(client: Client, url: str, **extra: Any) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, **extra).status_code == 200
    return [q["sql"] for q in captured.captured_queries if "notifications_message" in q["sql"]]


def test_the_header_shows_the_unread_count_with_a_label_for_screen_readers(client: Client) -> None:
    me = make_user("me@example.com")
    in_app(me, 3)
    in_app(me, 2, read=True)
    in_app(me, status=Message.Status.SCHEDULED)
    in_app(make_user("other@example.com"), 4)

    page = signed_in(client, me).get(HELP).content.decode()

    shown = badge(page)
    assert '<span aria-hidden="true">3</span>' in shown
    assert '<span class="visually-hidden">3 unread messages</span>' in shown
    assert f'hx-get="{UNREAD}?polls=0"' in shown
    assert 'hx-trigger="every 60s"' in shown
    assert 'hx-swap="outerHTML"' in shown
    # The badge sits in the link to the centre, whose name is then "Messages 3 unread messages".
    assert re.search(rf'<a class="inbox-link" href="{reverse("notifications:centre")}">Messages <span', page)


def test_one_message_is_singular_and_none_draws_an_empty_badge_that_still_refreshes(client: Client) -> None:
    me = make_user("me@example.com")
    [message] = in_app(me)
    signed_in(client, me)
    assert "1 unread message<" in badge(client.get(HELP).content.decode())

    Message.objects.filter(pk=message.pk).update(read_at=message.sent_at)
    empty = badge(client.get(HELP).content.decode())
    assert "badge--danger" not in empty
    assert "unread message" not in empty
    assert 'hx-trigger="every 60s"' in empty


def test_a_visitor_has_no_badge(client: Client) -> None:
    page = client.get(HELP).content.decode()
    assert 'id="unread-badge"' not in page
    assert "inbox-link" not in page


def test_the_count_is_one_query_that_does_not_grow_and_stops_at_99(client: Client) -> None:
    few, many = make_user("few@example.com"), make_user("many@example.com")
    in_app(few, 1)
    in_app(many, 150)

    signed_in(client, few)
    with_few, writes = page_queries(client, HELP)
    assert writes == []
    assert len(message_queries(client, HELP)) == 1
    signed_in(client, many)
    with_many, _ = page_queries(client, HELP)
    assert with_few == with_many
    shown = badge(client.get(HELP).content.decode())
    assert '<span aria-hidden="true">99+</span>' in shown
    assert "99+ unread messages" in shown
    assert unread_count(user_id=many.pk).count == 100  # counted up to the ceiling, no further


@pytest.mark.postgres
def test_the_count_uses_the_user_channel_read_index_on_postgresql() -> None:
    """With a borrower's history of read messages, the count walks the (user, channel, read_at) index
    to the few unread ones: its cost follows the unread messages, not everything ever sent."""
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    me = make_user("me@example.com")
    [template] = in_app(me, read=True)
    Message.objects.bulk_create(
        Message(
            user=me,
            channel=template.channel,
            template=template.template,
            language=template.language,
            body=template.body,
            status=template.status,
            send_after=template.send_after,
            sent_at=template.sent_at,
            read_at=template.read_at,
        )
        for _ in range(3000)
    )
    in_app(me, 3)
    with CaptureQueriesContext(connection) as captured:
        assert unread_count(user_id=me.pk).count == 3
    [query] = captured.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE notifications_message")
        cursor.execute(f"EXPLAIN {query['sql']}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan on notifications_message" not in plan, plan
    assert "read_at IS NULL" in plan.split("Index Cond:", 1)[-1].split("\n", 1)[0], plan


def test_the_centre_counts_once_for_its_page_and_the_header(client: Client) -> None:
    me = make_user("me@example.com")
    in_app(me, 3)
    signed_in(client, me)
    client.get(reverse("notifications:centre"))
    # The page count, the page, the unread count (the header reuses the page's own).
    assert len(message_queries(client, reverse("notifications:centre"))) == 3


def test_the_admin_runs_no_count(client: Client) -> None:
    staff = User.objects.create_superuser(email="root@example.com", password="x-very-long-password-1")
    enrol_totp(staff)
    client.force_login(staff)
    in_app(staff, 2)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("admin:index")).status_code == 200
    assert not [q for q in captured.captured_queries if "notifications_message" in q["sql"]]


def test_htmx_gets_just_the_badge_not_stored_and_varying_on_hx_request(client: Client) -> None:
    me = make_user("me@example.com")
    in_app(me, 2)
    response = signed_in(client, me).get(UNREAD, {"polls": "3"}, headers=HTMX)

    assert response.status_code == 200
    body = response.content.decode().strip()
    assert body.startswith('<span id="unread-badge"')
    assert body.endswith("</span>")
    assert "<html" not in body
    assert "2 unread messages" in body
    assert f'hx-get="{UNREAD}?polls=4"' in body
    assert "HX-Request" in response["Vary"]
    assert "no-store" in response["Cache-Control"]


def test_without_javascript_the_address_is_a_small_page_with_the_way_to_the_centre(client: Client) -> None:
    me = make_user("me@example.com")
    in_app(me, 2)
    response = signed_in(client, me).get(UNREAD)
    page = response.content.decode()
    assert response.status_code == 200
    assert "You have 2 unread messages." in page
    assert f'href="{reverse("notifications:centre")}"' in page
    assert "HX-Request" in response["Vary"]


def test_polling_stops_after_the_limit_so_an_open_page_does_not_keep_the_session_alive(
    client: Client,
) -> None:
    me = make_user("me@example.com")
    signed_in(client, me)
    last = client.get(UNREAD, {"polls": str(POLLS_MAX - 1)}, headers=HTMX).content.decode()
    assert "hx-trigger" not in last
    assert "hx-get" not in last
    # A made-up count is held to the limit, and nonsense starts again from nought.
    assert "hx-trigger" not in client.get(UNREAD, {"polls": "999"}, headers=HTMX).content.decode()
    for nonsense in ("9" * 5000, "²", "3.5", ""):
        answer = client.get(UNREAD, {"polls": nonsense}, headers=HTMX)
        assert answer.status_code == 200
        assert f'hx-get="{UNREAD}?polls=1"' in answer.content.decode()
    assert "?polls=1" in client.get(UNREAD, {"polls": "-4"}, headers=HTMX).content.decode()
    # Loading any page starts the count again.
    assert f'hx-get="{UNREAD}?polls=0"' in client.get(HELP).content.decode()


def test_a_visitors_poll_is_told_to_stop_and_a_visitor_is_sent_to_sign_in(client: Client) -> None:
    assert client.get(UNREAD, headers=HTMX).status_code == 286  # htmx: stop polling
    response = client.get(UNREAD)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_an_ended_session_sends_the_poll_to_sign_in(client: Client, settings: Any) -> None:
    """The idle limit still works: a poll after it gets the sign-in page's address (HX-Redirect)."""
    me = make_user("me@example.com")
    settings.ACCOUNTS_BORROWER_SESSION_IDLE_SECONDS = 0
    signed_in(client, me)
    response = client.get(UNREAD, headers=HTMX)
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("account_login"))
