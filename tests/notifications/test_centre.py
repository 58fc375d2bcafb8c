"""The notification centre at /notifications/: what is listed, pages, opening a message, marking all read."""

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from core.models import AuditEvent
from notifications.models import Message
from notifications.selectors import CENTRE_PAGE_SIZE, inbox_page
from notifications.views import message_link_safe
from tests.borrowers.factories import make_borrower
from tests.conftest import make_user
from tests.notifications.centre_helpers import in_app, page_queries

pytestmark = pytest.mark.django_db

CENTRE = reverse("notifications:centre")


def open_url(message: Message) -> str:
    return reverse("notifications:open", args=[message.pk])


@pytest.fixture
def me() -> User:
    user = make_user("me@example.com")
    make_borrower(user)
    return user


@pytest.fixture
def signed_in(client: Client, me: User) -> Client:
    client.cookies["django_language"] = "en"
    client.force_login(me)
    return client


def titles(page: str) -> list[str]:
    """The listed messages' titles, in page order."""
    found = re.findall(r'<h2 class="inbox__title"[^>]*>(.*?)</h2>', page, flags=re.S)
    return [re.sub(r"<[^>]+>|\s+", " ", title).replace("Unread", "").strip() for title in found]


def text(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return str(response.content.decode())


def test_a_visitor_is_sent_to_sign_in(client: Client) -> None:
    response = client.get(CENTRE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_centre_lists_only_my_shown_in_app_messages_newest_first(signed_in: Client, me: User) -> None:
    older, newer = in_app(me, 2)
    hidden = [
        *in_app(me, subject="scheduled", status=Message.Status.SCHEDULED),
        *in_app(me, subject="cancelled", status=Message.Status.CANCELLED),
        *in_app(me, subject="suppressed", status=Message.Status.SUPPRESSED),
        *in_app(me, subject="by text", channel=Message.Channel.SMS),
    ]
    delivered = in_app(me, subject="delivered", status=Message.Status.DELIVERED, start=newer.sent_at)  # type: ignore[arg-type]
    in_app(make_user("other@example.com"), subject="someone else's")

    page = text(signed_in.get(CENTRE))

    assert titles(page) == [delivered[0].subject, newer.subject, older.subject]
    for message in hidden:
        assert message.subject not in page
    assert "someone else" not in page


def test_unread_messages_are_marked_for_the_eye_and_for_screen_readers(signed_in: Client, me: User) -> None:
    [read] = in_app(me, subject="read one", read=True)
    [unread] = in_app(me, subject="new one", start=read.sent_at)  # type: ignore[arg-type]

    page = text(signed_in.get(CENTRE))

    items = re.findall(r'<li class="inbox__item[^"]*">.*?</li>', page, flags=re.S)
    assert len(items) == 2
    new_item, read_item = items
    assert "inbox__item--unread" in new_item
    assert unread.subject in new_item
    # The word is in the heading, so a screen reader says it with the title; it is visible text too.
    assert re.search(r'<h2[^>]*>\s*<span class="badge inbox__new">Unread</span>', new_item)
    assert "inbox__item--unread" not in read_item
    assert "Unread" not in read_item
    assert "You have 1 unread message." in page


def test_the_centre_shows_20_a_page_with_links_that_work_without_javascript(
    signed_in: Client, me: User
) -> None:
    in_app(me, 45)

    first = text(signed_in.get(CENTRE))
    assert first.count('class="inbox__item') == CENTRE_PAGE_SIZE
    assert "Page 1 of 3" in first
    assert 'href="?page=2" rel="next"' in first
    assert 'rel="prev"' not in first
    assert titles(first)[0] == "还款提醒 45"  # the newest first

    last = text(signed_in.get(CENTRE, {"page": "3"}))
    assert last.count('class="inbox__item') == 5
    assert 'href="?page=2" rel="prev"' in last
    assert 'rel="next"' not in last
    assert titles(last)[-1] == "还款提醒 1"

    # Nonsense or a page past the end is not an error: the first page, or the last.
    assert "Page 1 of 3" in text(signed_in.get(CENTRE, {"page": "abc"}))
    assert "Page 3 of 3" in text(signed_in.get(CENTRE, {"page": "999"}))


def test_the_empty_centre_says_what_will_appear_here(signed_in: Client) -> None:
    page = text(signed_in.get(CENTRE))
    assert "No messages yet" in page
    assert "reminders a few days before a repayment is due" in page
    assert reverse("message_settings") in page
    assert "Mark all as read" not in page


def test_staff_without_a_borrower_record_see_the_empty_centre(client: Client) -> None:
    staff = make_user("staff@anxin.example", is_staff=True)
    client.cookies["django_language"] = "en"
    client.force_login(staff)
    assert "No messages yet" in text(client.get(CENTRE))


def test_a_plain_get_of_the_centre_writes_nothing_and_costs_the_same_for_1_or_45_messages(
    client: Client,
) -> None:
    few, many = make_user("few@example.com"), make_user("many@example.com")
    in_app(few, 1)
    in_app(many, 45)

    client.force_login(few)
    with_few, writes = page_queries(client, CENTRE)
    assert writes == []
    client.force_login(many)
    with_many, writes = page_queries(client, CENTRE, data={"page": "2"})
    assert writes == []
    assert with_few == with_many
    assert Message.objects.filter(read_at__isnull=False).count() == 0


def test_the_selector_counts_in_three_queries(django_assert_num_queries: Any, me: User) -> None:
    in_app(me, 30)
    with django_assert_num_queries(3):  # the page count, the page, the unread count
        inbox = inbox_page(user_id=me.pk, page=2)
    assert (inbox.number, inbox.num_pages, inbox.total, inbox.unread.count) == (2, 2, 30, 30)
    assert len(inbox.messages) == 10


def test_opening_a_message_marks_it_read_once_and_goes_to_its_link(signed_in: Client, me: User) -> None:
    [message] = in_app(me, link="/loans/AX-1001/")

    response = signed_in.post(open_url(message))

    assert response.status_code == 302
    assert response["Location"] == "/loans/AX-1001/"
    message.refresh_from_db()
    first_read = message.read_at
    assert first_read is not None
    # Opening it again goes there again and keeps the first time it was read.
    assert signed_in.post(open_url(message))["Location"] == "/loans/AX-1001/"
    message.refresh_from_db()
    assert message.read_at == first_read


def test_a_message_without_a_link_is_marked_read_and_the_borrower_stays_in_the_centre(
    signed_in: Client, me: User
) -> None:
    [message] = in_app(me)
    response = signed_in.post(open_url(message))
    assert response["Location"] == CENTRE
    message.refresh_from_db()
    assert message.read_at is not None


@pytest.mark.parametrize(
    "link",
    [
        "https://evil.example/loans/",
        "//evil.example/loans/",
        "/\\evil.example/",
        "javascript:alert(1)",
        "loans/AX-1001/",
        "http:/evil.example",
    ],
)
def test_opening_never_leaves_the_site_whatever_the_link(signed_in: Client, me: User, link: str) -> None:
    [message] = in_app(me, link=link)
    response = signed_in.post(open_url(message))
    assert response.status_code == 302
    assert response["Location"] == CENTRE
    message.refresh_from_db()
    assert message.read_at is not None


def test_the_link_check_keeps_paths_with_a_query() -> None:
    assert (
        message_link_safe("/loans/AX-1001/promise/?from=reminder") == "/loans/AX-1001/promise/?from=reminder"
    )


def test_another_borrowers_message_or_one_never_shown_is_a_404_and_stays_unread(
    signed_in: Client, me: User
) -> None:
    [theirs] = in_app(make_user("other@example.com"), link="/loans/AX-2001/")
    [scheduled] = in_app(me, status=Message.Status.SCHEDULED, link="/loans/AX-1001/")
    [sms] = in_app(me, channel=Message.Channel.SMS, link="/loans/AX-1001/")

    for message in (theirs, scheduled, sms):
        assert signed_in.post(open_url(message)).status_code == 404
        message.refresh_from_db()
        assert message.read_at is None
    assert signed_in.post(reverse("notifications:open", args=[999_999_999])).status_code == 404


def test_opening_is_a_post_only(signed_in: Client, me: User) -> None:
    [message] = in_app(me, link="/loans/AX-1001/")
    assert signed_in.get(open_url(message)).status_code == 405
    assert signed_in.get(reverse("notifications:read_all")).status_code == 405
    message.refresh_from_db()
    assert message.read_at is None


def test_mark_all_read_marks_only_mine_and_says_so(signed_in: Client, me: User) -> None:
    mine = in_app(me, 3)
    [theirs] = in_app(make_user("other@example.com"))
    [waiting] = in_app(me, status=Message.Status.SCHEDULED)

    response = signed_in.post(reverse("notifications:read_all"), follow=True)

    page = text(response)
    assert "All your messages are marked as read." in page
    assert "You have read all your messages." in page
    assert Message.objects.filter(pk__in=[m.pk for m in mine], read_at__isnull=False).count() == 3
    theirs.refresh_from_db()
    waiting.refresh_from_db()
    assert theirs.read_at is None
    assert waiting.read_at is None
    assert not AuditEvent.objects.filter(action__startswith="notifications.").exists()


def test_a_visitor_cannot_open_or_mark(client: Client, me: User) -> None:
    [message] = in_app(me)
    response = client.post(open_url(message))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    response = client.post(reverse("notifications:read_all"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    message.refresh_from_db()
    assert message.read_at is None


def test_the_centre_times_are_the_borrowers_own(signed_in: Client, me: User) -> None:
    [message] = in_app(me)  # 09:00 in Beijing
    Message.objects.filter(pk=message.pk).update(time_zone="Europe/London")
    page = text(signed_in.get(CENTRE))
    assert "1 a.m." in page or "01:00" in page  # 01:00 in London (GMT in November)
