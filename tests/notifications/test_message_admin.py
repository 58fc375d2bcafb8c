"""The message log in the admin shows an address masked and cannot be searched by one (attack pass):
Support sees a borrower's whole number only on the call screen, once a call is started."""

from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client

from notifications.models import Message
from tests.conftest import PASSWORD, enrol_totp, make_user
from tests.notifications.messages_helpers import daytime_zone, queued

pytestmark = pytest.mark.django_db


def support_client() -> Client:
    member = make_user("support-log@anxin.example", password=PASSWORD, is_staff=True)
    group, _ = Group.objects.get_or_create(name="Support")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="notifications", codename="view_message")
    )
    member.groups.add(group)
    enrol_totp(member)
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(member)
    return client


@pytest.fixture
def texted() -> Any:
    borrower = make_user("texted@example.com")
    return queued(borrower, channel="sms", to="13400134006", time_zone=daytime_zone())


def test_the_log_shows_the_number_masked(texted: Message) -> None:
    client = support_client()
    page = client.get(f"/admin/notifications/message/{texted.pk}/change/").content.decode()
    assert "134****4006" in page
    assert "13400134006" not in page


@pytest.mark.parametrize("lookup", ["to", "to__startswith", "to__contains", "body__contains"])
def test_the_log_cannot_be_searched_by_an_address_or_a_text(texted: Message, lookup: str) -> None:
    client = support_client()
    client.raise_request_exception = False
    response = client.get("/admin/notifications/message/", {lookup: "1340"})
    # Refused (Django answers a disallowed lookup with 400), never a list that says "1 result".
    assert response.status_code == 400
