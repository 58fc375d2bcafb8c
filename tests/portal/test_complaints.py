"""Complaints on /help/: the page tells a borrower how to complain and links to the message form with the
complaint topic chosen; the complaint is stored with its topic, Support finds it by that topic in the
admin, and a borrower sees only their own.

Contact details come from migration portal.0002 (reply time "We answer messages within one working day."
/ "我们会在 1 个工作日内回复你的留言。").
"""

import html
import re
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from accounts.models import User
from core.models import AuditEvent
from portal import demo, services
from portal.models import SupportMessage
from tests.conftest import PASSWORD, enrol_totp, make_user

pytestmark = pytest.mark.django_db

HELP = reverse("portal:help")
MESSAGES = reverse("portal:help_messages")
COMPLAINT = SupportMessage.Topic.COMPLAINT
COMPLAINT_LINK = f"{MESSAGES}?topic=complaint"
CHANGELIST = reverse("admin:portal_supportmessage_changelist")


@pytest.fixture(autouse=True)
def _setup() -> None:
    # A browser test's flush empties what migration 0002 created; put it back as the migration would.
    demo.seed()


def english_client(user: User | None = None) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    if user is not None:
        client.force_login(user)
    return client


def page(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return str(response.content.decode())


def complaint_section(text: str) -> str:
    match = re.search(r'<section[^>]*id="complaint".*?</section>', text, re.S)
    assert match, "no complaint section"
    return html.unescape(match.group(0))


def support_agent() -> User:
    support, _ = Group.objects.get_or_create(name="Support")
    support.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="portal", codename__in=["view_supportmessage", "change_supportmessage"]
        )
    )
    agent = User.objects.create_user(email="support@anxin.example", password=PASSWORD, is_staff=True)
    agent.groups.add(support)
    enrol_totp(agent)
    return agent


def test_the_help_page_says_how_to_complain_and_what_a_complaint_does_not_do() -> None:
    section = complaint_section(page(english_client(make_user("me@example.com")).get(HELP)))

    assert "Make a complaint" in section
    assert "“A complaint, e.g. about how you were contacted”" in section
    assert "When it happened: the date and the time." in section
    assert "the phone number that called or texted you, or the name the person gave" in section
    assert "What was said or done" in section
    assert "Keep screenshots, call records and recordings yourself" in section
    assert "no attachments" in section
    assert "We answer messages within one working day." in section  # the reply time staff set
    assert "A complaint does not stop what you owe" in section
    assert "late fees and penalty interest still follow your loan's rules" in section
    assert "国家金融监督管理总局" in section
    assert '<a href="tel:12378">12378</a>' in section
    assert f'href="{COMPLAINT_LINK}"' in section


def test_the_chinese_help_page_has_the_section_with_the_hotline_and_the_reply_time() -> None:
    section = complaint_section(page(Client().get(HELP)))

    assert "国家金融监督管理总局" in section
    assert "tel:12378" in section
    assert "我们会在 1 个工作日内回复你的留言。" in section


def test_someone_not_signed_in_is_led_to_the_complaint_form_through_the_login() -> None:
    section = complaint_section(page(english_client().get(HELP)))

    assert f'href="{reverse("account_login")}?next={MESSAGES}%3Ftopic%3Dcomplaint"' in section
    assert "Log in to write a complaint" in section


def test_a_borrower_sends_a_complaint_from_the_link_on_the_help_page() -> None:
    user = make_user("me@example.com")
    client = english_client(user)
    assert f'href="{COMPLAINT_LINK}"' in page(client.get(HELP))

    form = page(client.get(COMPLAINT_LINK))
    sent = client.post(
        MESSAGES,
        {"topic": "complaint", "body": "On 3 March at 23:10 someone called from 021-5555 0000 and shouted."},
    )

    assert re.search(
        r'<option value="complaint" selected>\s*A complaint, e\.g\. about how you were contacted', form
    )
    assert 'type="file"' not in form  # a message takes no attachments: the page says so
    assert "multipart/form-data" not in form
    message = SupportMessage.objects.get()
    assert sent.status_code == 302
    assert sent["Location"] == reverse("portal:help_message", args=[message.pk])
    assert (message.user, message.topic, message.status) == (user, COMPLAINT, SupportMessage.Status.OPEN)
    assert "021-5555 0000" in message.body
    assert AuditEvent.objects.get(action="support_message.sent", object_id=str(message.pk)).data["topic"] == (
        "complaint"
    )
    shown = page(client.get(reverse("portal:help_message", args=[message.pk])))
    assert "A complaint, e.g. about how you were contacted" in shown


def test_an_unknown_topic_in_the_link_preselects_nothing() -> None:
    form = page(english_client(make_user("me@example.com")).get(f"{MESSAGES}?topic=complaints"))

    assert "selected>" not in form.split('name="topic"', 1)[1].split("</select>", 1)[0]


def test_support_finds_complaints_by_topic_in_the_admin() -> None:
    me = make_user("me@example.com")
    complaint = services.support_message_send(
        user=me, topic=COMPLAINT, body="The caller was rude to my mother."
    )
    other = services.support_message_send(user=me, topic="payment", body="Where did my payment go?")
    staff = english_client(support_agent())

    queue = page(staff.get(CHANGELIST))
    filtered = page(staff.get(CHANGELIST, {"topic__exact": "complaint"}))

    assert "?topic__exact=complaint" in queue  # the topic filter offers complaints
    # The list shows each message's topic in a column of its own.
    assert '<td class="field-topic">A complaint, e.g. about how you were contacted</td>' in queue
    assert '<td class="field-topic">A payment or what I owe</td>' in queue
    complaint_row = reverse("admin:portal_supportmessage_change", args=[complaint.pk])
    other_row = reverse("admin:portal_supportmessage_change", args=[other.pk])
    assert complaint_row in queue
    assert other_row in queue
    assert complaint_row in filtered
    assert other_row not in filtered


def test_a_borrower_sees_only_their_own_complaints() -> None:
    me = make_user("me@example.com")
    them = make_user("them@example.com")
    mine = services.support_message_send(user=me, topic=COMPLAINT, body="My own complaint about a call.")
    theirs = services.support_message_send(user=them, topic=COMPLAINT, body="Their private complaint.")
    client = english_client(me)

    listed = page(client.get(MESSAGES))
    detail = client.get(reverse("portal:help_message", args=[theirs.pk]))

    assert reverse("portal:help_message", args=[mine.pk]) in listed
    assert reverse("portal:help_message", args=[theirs.pk]) not in listed
    assert detail.status_code == 404
    assert "Their private complaint." not in listed


def test_the_complaint_form_says_what_to_write_instead_of_the_promise_note(client) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import make_user

    client.force_login(make_user("complainer@example.com"))
    client.cookies["django_language"] = "en"
    complaint = client.get("/help/messages/?topic=complaint").content.decode()
    other = client.get("/help/messages/").content.decode()
    assert 'id="complaint-note"' in complaint
    assert "keep screenshots and recordings yourself" in complaint
    assert "Telling us when you can pay" not in complaint
    assert 'id="complaint-note"' not in other
    assert "Telling us when you can pay" in other
