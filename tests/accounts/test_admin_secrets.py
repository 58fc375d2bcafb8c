"""No staff role reads a secret that grants access in the admin, and changes to access are audited."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse

from accounts.models import User
from core.models import AuditEvent
from tests.conftest import PASSWORD, enrol_totp, make_user
from tests.core.admin_forms import change_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def root() -> Client:
    user = User.objects.create_superuser(email="root@anxin.example", password=PASSWORD)
    enrol_totp(user)
    client = Client(REMOTE_ADDR="198.51.100.40")
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


def test_not_even_a_superuser_sees_a_totp_secret_or_recovery_seed(root: Client) -> None:
    person = make_user("person@example.com")
    secret = enrol_totp(person)
    totp = Authenticator.objects.get(user=person, type=Authenticator.Type.TOTP)
    codes = Authenticator.objects.get(user=person, type=Authenticator.Type.RECOVERY_CODES)

    for authenticator in (totp, codes):
        page = root.get(reverse("admin:mfa_authenticator_change", args=[authenticator.pk]))
        assert page.status_code == 200
        html = page.content.decode()
        assert secret not in html
        for value in authenticator.data.values():
            if isinstance(value, str) and len(value) >= 8:
                assert value not in html
        assert 'name="data"' not in html  # nothing to edit either

    # A lost factor can be removed, and that is recorded.
    response = root.post(reverse("admin:mfa_authenticator_delete", args=[totp.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Authenticator.objects.filter(pk=totp.pk).exists()
    assert AuditEvent.objects.filter(action="admin.authenticator.deleted").count() == 1


def test_a_session_key_is_never_shown_and_deleting_a_session_signs_it_out(root: Client) -> None:
    person = make_user("person@example.com")
    theirs = Client(REMOTE_ADDR="203.0.113.5")
    theirs.force_login(person)
    key = theirs.session.session_key
    row = UserSession.objects.create(user=person, session_key=key, ip="203.0.113.5", user_agent="Firefox")

    page = root.get(reverse("admin:usersessions_usersession_change", args=[row.pk]))
    assert page.status_code == 200
    assert key not in page.content.decode()
    listing = root.get(reverse("admin:usersessions_usersession_changelist"))
    assert key not in listing.content.decode()

    root.post(reverse("admin:usersessions_usersession_delete", args=[row.pk]), {"post": "yes"})

    assert not SessionStore().exists(key)
    assert AuditEvent.objects.filter(action="admin.usersession.deleted").count() == 1


def test_making_someone_staff_is_audited_with_before_and_after(root: Client) -> None:
    person = make_user("person@example.com")
    support = Group.objects.get(name="Support")
    url = reverse("admin:accounts_user_change", args=[person.pk])
    page = root.get(url)
    data = change_form_data(page)
    data.update({"is_staff": "on", "groups": [support.pk]})

    response = root.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="admin.user.changed", object_id=str(person.pk))
    fields = event.data["fields"]
    assert fields["is_staff"] == {"from": False, "to": True}
    assert fields["groups"] == {"from": [], "to": ["Support"]}
    assert event.ip_address == "198.51.100.40"


def test_a_password_set_by_an_administrator_is_audited_without_the_password(root: Client) -> None:
    person = make_user("person@example.com")
    new_password = "Another-long-passphrase-77"

    response = root.post(
        reverse("admin:auth_user_password_change", args=[person.pk]),
        {"password1": new_password, "password2": new_password, "usable_password": "true"},
    )

    assert response.status_code == 302
    event = AuditEvent.objects.get(action="admin.user.password_changed")
    assert event.object_id == str(person.pk)
    assert new_password not in str(event.data)
