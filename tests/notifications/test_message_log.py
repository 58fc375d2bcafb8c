"""The message log in the admin (read-only, Support reads it) and a person's messages for their data
rights (export, erase)."""

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notifications import personal_data
from notifications.models import ContactPreference, Message, ProviderReceipt
from tests.conftest import PASSWORD, enrol_totp, make_user
from tests.notifications.messages_helpers import schedule

pytestmark = pytest.mark.django_db


def support_client() -> Client:
    member = User.objects.create_user(email="support-log@anxin.example", password=PASSWORD, is_staff=True)
    member.groups.add(Group.objects.get(name="Support"))
    enrol_totp(member)
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(member)
    return client


def test_support_holds_read_only_permissions_on_the_log_from_its_migration() -> None:
    codenames = set(Group.objects.get(name="Support").permissions.values_list("codename", flat=True))
    assert {"view_message", "view_providerreceipt"} <= codenames
    assert not codenames & {"add_message", "change_message", "delete_message", "change_providerreceipt"}


def test_support_reads_a_message_and_its_receipt_and_changes_nothing() -> None:
    borrower = make_user("logged@example.com")
    message = schedule(borrower, body="Pay ¥1,085.37 by Friday.")
    Message.objects.filter(pk=message.pk).update(
        status="sent", sent_at=timezone.now(), provider="fake", provider_message_id="fake-1"
    )
    receipt = ProviderReceipt.objects.create(
        provider="fake", receipt_id="r-1", provider_message_id="fake-1", status="delivered"
    )
    client = support_client()

    pages = {
        "messages": client.get(reverse("admin:notifications_message_changelist")),
        "message": client.get(reverse("admin:notifications_message_change", args=[message.pk])),
        "receipts": client.get(reverse("admin:notifications_providerreceipt_changelist")),
        "receipt": client.get(reverse("admin:notifications_providerreceipt_change", args=[receipt.pk])),
    }
    assert {name: page.status_code for name, page in pages.items()} == dict.fromkeys(pages, 200)
    assert "Pay ¥1,085.37 by Friday." in pages["message"].content.decode()
    assert "fake-1" in pages["receipt"].content.decode()

    refused = [
        client.get(reverse("admin:notifications_message_add")).status_code,
        client.get(reverse("admin:notifications_message_delete", args=[message.pk])).status_code,
        client.post(
            reverse("admin:notifications_message_change", args=[message.pk]), {"body": "x"}
        ).status_code,
        client.get(reverse("admin:notifications_providerreceipt_add")).status_code,
    ]
    assert refused == [403, 403, 403, 403]
    message.refresh_from_db()
    assert message.body == "Pay ¥1,085.37 by Friday."


def test_the_export_holds_the_persons_messages_and_settings_only() -> None:
    me, other = make_user("export-me@example.com"), make_user("export-other@example.com")
    schedule(me, body="mine")
    schedule(other, body="theirs")
    ContactPreference.objects.create(user=me, sms=False)

    messages, settings = personal_data.message_tables(user=me)

    assert messages.name == "messages"
    assert [row["body"] for row in messages.rows] == ["mine"]
    assert {"channel", "template", "status", "to", "sent_at", "read_at"} <= set(messages.columns)
    assert settings.name == "message_settings"
    assert [(row["sms"], row["email"]) for row in settings.rows] == [(False, True)]


def test_erasing_a_persons_messages_empties_them_cancels_the_waiting_and_spares_others() -> None:
    me, other = make_user("erase-me@example.com"), make_user("erase-other@example.com")
    waiting = schedule(me, body="waiting")
    sent = schedule(me, body="sent", subject="s")
    Message.objects.filter(pk=sent.pk).update(status="sent", sent_at=timezone.now())
    in_app = schedule(me, channel="in_app", to="", body="in app")
    Message.objects.filter(pk=in_app.pk).update(status="sent", sent_at=timezone.now())
    theirs = schedule(other, body="theirs")
    ContactPreference.objects.create(user=me, sms=False)

    counts: dict[str, Any] = personal_data.messages_erase(user=me)

    assert counts == {"messages": 3, "message_settings": 1}
    rows = {m.pk: m for m in Message.objects.all()}
    assert (rows[waiting.pk].status, rows[waiting.pk].status_reason, rows[waiting.pk].body) == (
        "cancelled",
        "erased",
        "",
    )
    assert (rows[sent.pk].status, rows[sent.pk].to, rows[sent.pk].body, rows[sent.pk].subject) == (
        "sent",
        personal_data.ERASED_ADDRESS,
        "",
        "",
    )
    assert (rows[in_app.pk].to, rows[in_app.pk].body) == ("", "")
    assert (rows[theirs.pk].body, rows[theirs.pk].to, rows[theirs.pk].status) == (
        "theirs",
        "13800138000",
        "scheduled",
    )
    assert not ContactPreference.objects.filter(user=me).exists()
