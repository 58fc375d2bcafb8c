"""Behind the TLS proxy each client keeps its own address (issue 9, finding 9).

Observed before: REMOTE_ADDR is the proxy's for everyone, so 10 failed logins for unknown addresses from
one client blocked another user's correct login for a minute. With `ALLAUTH_TRUSTED_PROXY_COUNT = 1` the
client's address comes from X-Forwarded-For, for the rate limits, the sessions page and the audit trail.
"""

from typing import Any

import pytest
from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse

from core.models import AuditEvent
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.1"
CLIENT_A, CLIENT_B = "198.51.100.1", "203.0.113.2"
TOO_MANY = "登录失败次数过多"


def behind_the_proxy(client_address: str) -> Client:
    # What the proxy sends: its own address as the peer, the client's appended to X-Forwarded-For.
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address)


@pytest.mark.parametrize(("proxy_count", "b_is_blocked"), [(1, False), (0, True)])
def test_failed_logins_from_one_client_do_not_block_another_clients_correct_login(
    settings: Any, proxy_count: int, b_is_blocked: bool
) -> None:
    """proxy_count 0 behind one proxy is the state before: everyone shares the proxy's address."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = proxy_count
    make_user("b@example.com")
    a = behind_the_proxy(CLIENT_A)
    for i in range(10):
        a.post(reverse("account_login"), {"login": f"nobody{i}@example.com", "password": "wrong-password-1"})
    assert (
        TOO_MANY
        in a.post(reverse("account_login"), {"login": "x@example.com", "password": "x"}).content.decode()
    )

    b = behind_the_proxy(CLIENT_B)
    response = b.post(reverse("account_login"), {"login": "b@example.com", "password": PASSWORD})

    assert (TOO_MANY in response.content.decode()) is b_is_blocked
    assert ("_auth_user_id" in b.session) is not b_is_blocked


def test_the_sessions_page_and_the_audit_trail_take_the_clients_address(settings: Any) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    user = make_user("b@example.com")
    behind_the_proxy(CLIENT_A).post(
        reverse("account_login"), {"login": "b@example.com", "password": "wrong-1-pass"}
    )
    b = behind_the_proxy(CLIENT_B)
    b.post(reverse("account_login"), {"login": "b@example.com", "password": PASSWORD})
    b.get(reverse("portal:dashboard"))

    assert UserSession.objects.get(user=user).ip == CLIENT_B
    assert AuditEvent.objects.get(action="auth.login").ip_address == CLIENT_B
    assert AuditEvent.objects.get(action="auth.login_failed").ip_address == CLIENT_A
