"""The unsubscribe link of a marketing message: no sign-in, GET only says what it will do, POST records
the withdrawal; a forged or damaged link gets a clear page, never a 500 and never a change."""

from typing import Any

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from core.models import AuditEvent
from notifications.models import ConsentRecord
from notifications.selectors import consent_granted_user_ids
from notifications.services_consent import consent_record
from notifications.unsubscribe import SALT, unsubscribe_token
from tests.conftest import make_user
from tests.notifications.centre_helpers import WRITES

pytestmark = pytest.mark.django_db


def url(token: str) -> str:
    return reverse("notifications:unsubscribe", kwargs={"token": token})


@pytest.fixture
def agreed() -> User:
    user = make_user("agreed@example.com")
    consent_record(user=user, granted=True, source="privacy_page")
    return user


@pytest.fixture
def visitor(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def text(response: Any, status: int = 200) -> str:
    assert response.status_code == status, response.status_code
    return str(response.content.decode())


def test_get_says_what_it_will_do_and_changes_nothing(visitor: Client, agreed: User) -> None:
    token = unsubscribe_token(agreed.pk)
    with CaptureQueriesContext(connection) as captured:
        page = text(visitor.get(url(token)))

    assert "We stop sending you offers and news" in page
    assert "Reminders and news about your own loans keep coming" in page
    assert f'action="{url(token)}"' in page
    assert "agreed@example.com" not in page  # whoever holds the link learns nothing about the account
    assert not [q for q in captured.captured_queries if q["sql"].lstrip().split(" ", 1)[0].upper() in WRITES]
    assert consent_granted_user_ids(user_ids=[agreed.pk]) == {agreed.pk}


def test_the_page_is_never_stored(visitor: Client, agreed: User) -> None:
    response = visitor.get(url(unsubscribe_token(agreed.pk)))
    assert "no-store" in response["Cache-Control"]


def test_post_records_the_withdrawal_without_signing_in_once(visitor: Client, agreed: User) -> None:
    token = unsubscribe_token(agreed.pk)
    response = visitor.post(url(token))

    assert response.status_code == 302
    assert response["Location"] == url(token)
    latest = ConsentRecord.objects.filter(user=agreed).order_by("-recorded_at", "-id").first()
    assert latest is not None
    assert (latest.granted, latest.source) == (False, "unsubscribe")
    assert consent_granted_user_ids(user_ids=[agreed.pk]) == frozenset()
    event = AuditEvent.objects.get(action="notifications.consent_withdrawn")
    assert event.actor == agreed
    assert event.data["source"] == "unsubscribe"

    page = text(visitor.get(response["Location"]))
    assert "Done: we will send you no more offers and news." in page
    assert "You receive no offers and news from us." in page
    assert "Send me no more offers" not in page

    # The link clicked again (or the form sent twice) adds nothing.
    again = visitor.post(url(token))
    assert ConsentRecord.objects.filter(user=agreed).count() == 2
    assert AuditEvent.objects.filter(action="notifications.consent_withdrawn").count() == 1
    # …and says so, rather than "Done" again (attack pass).
    page = text(visitor.get(again["Location"]))
    assert "You had already said no" in page
    assert "Done: we will send you no more offers" not in page


def test_someone_who_never_agreed_is_told_so_and_can_still_say_no(visitor: Client) -> None:
    never = make_user("never@example.com")
    page = text(visitor.get(url(unsubscribe_token(never.pk))))
    assert "You receive no offers and news from us." in page


def test_the_form_needs_the_csrf_token(agreed: User) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(url(unsubscribe_token(agreed.pk)))
    assert response.status_code == 403
    assert consent_granted_user_ids(user_ids=[agreed.pk]) == {agreed.pk}


def _forged(user_id: int) -> str:
    return signing.dumps({"u": user_id, "p": "marketing"}, salt="someone.else", key="not-our-secret")


@pytest.mark.parametrize(
    "make_token",
    [
        lambda user: "not-a-token",
        lambda user: unsubscribe_token(user.pk)[:-3] + "abc",  # damaged signature
        lambda user: unsubscribe_token(user.pk)[:20],  # cut off when copied
        lambda user: _forged(user.pk),
        lambda user: signing.dumps({"u": user.pk, "p": "marketing"}, salt="notifications.other"),
        lambda user: signing.dumps({"u": user.pk, "p": "reminders"}, salt=SALT),  # another purpose
        lambda user: signing.dumps({"u": "1; drop", "p": "marketing"}, salt=SALT),
        lambda user: unsubscribe_token(999_999_999),  # a real signature, but no such account
        lambda user: "%" * 40,
    ],
)
def test_a_bad_or_tampered_link_gets_a_clear_page_and_changes_nothing(
    visitor: Client, agreed: User, make_token: Any
) -> None:
    token = make_token(agreed)
    for response in (visitor.get(url(token)), visitor.post(url(token))):
        page = text(response, status=404)
        assert "This link does not work" in page
        assert "Nothing has been changed." in page
    assert ConsentRecord.objects.filter(user=agreed).count() == 1
    assert not AuditEvent.objects.filter(action__startswith="notifications.").exists()


def test_a_signed_in_borrower_unsubscribing_someone_elses_link_withdraws_only_that_account(
    client: Client, agreed: User
) -> None:
    me = make_user("me@example.com")
    consent_record(user=me, granted=True, source="privacy_page")
    client.force_login(me)
    client.post(url(unsubscribe_token(agreed.pk)))
    assert consent_granted_user_ids(user_ids=[agreed.pk, me.pk]) == {me.pk}
