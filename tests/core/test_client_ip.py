"""The one client address every per-IP rule and the audit trail use (core.http.client_ip)."""

import pytest
from django.http import HttpRequest
from django.test import RequestFactory, override_settings

from core.http import client_ip
from core.models import AuditEvent
from core.services import audit_record

PROXY = "10.0.0.5"


def request_from(xff: str | None = None) -> HttpRequest:
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY)
    if xff is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = xff
    return request


def test_without_a_trusted_proxy_the_socket_address_is_the_client() -> None:
    # A client can write anything in X-Forwarded-For; with no proxy configured it is ignored.
    assert client_ip(request_from("203.0.113.9")) == PROXY


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_address_it_appended_is_the_client() -> None:
    # The client forged the first entry; the proxy appended the real one last.
    assert client_ip(request_from("1.2.3.4, 203.0.113.9")) == "203.0.113.9"


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=2)
def test_a_header_shorter_than_the_proxy_count_is_not_trusted() -> None:
    assert client_ip(request_from("203.0.113.9")) is None


@pytest.mark.django_db
@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_the_audit_trail_records_the_client_not_the_proxy() -> None:
    event = audit_record(action="test.ip", request=request_from("198.51.100.7"))
    assert AuditEvent.objects.get(pk=event.pk).ip_address == "198.51.100.7"
