"""Refused requests are written to the audit trail: who, where, how, from which IP; never the body."""

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.urls import reverse

from core.audit_denied import authz_denied_record, path_recorded
from core.models import AuditEvent
from tests.conftest import enrol_totp, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("staff_groups")]

SECRET = "hunter2-do-not-log-me"


def denied() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action__startswith="authz.").order_by("id"))


def staff_client(group: str = "Support") -> tuple[Client, Any]:
    member = make_user("support@anxin.example", is_staff=True)
    member.groups.add(Group.objects.get(name=group))
    enrol_totp(member)
    client = Client(REMOTE_ADDR="198.51.100.7")
    client.force_login(member)
    return client, member


def test_a_staff_member_refused_an_admin_page_is_recorded_with_path_method_user_and_ip() -> None:
    client, member = staff_client()
    url = reverse("admin:core_auditevent_changelist")

    response = client.get(url, {"q": SECRET})

    assert response.status_code == 403
    [row] = denied()
    assert (row.action, row.actor, row.ip_address, row.reason) == (
        "authz.denied",
        member,
        "198.51.100.7",
        "permission_denied",
    )
    assert row.data == {"path": url, "method": "GET", "status": 403}
    assert SECRET not in str(row.data)  # the query string is not recorded


def test_a_csrf_failure_is_recorded_without_the_request_body() -> None:
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR="198.51.100.8")

    response = client.post(reverse("account_login"), {"login": "a@example.com", "password": SECRET})

    assert response.status_code == 403
    [row] = denied()
    assert (row.action, row.reason, row.actor, row.ip_address) == (
        "authz.denied",
        "csrf",
        None,
        "198.51.100.8",
    )
    assert row.data["method"] == "POST"
    assert SECRET not in f"{row.data} {row.reason}"


def test_a_page_that_is_not_refused_writes_no_refusal(client: Client) -> None:
    assert client.get(reverse("account_login")).status_code == 200
    assert client.get("/no-such-page-at-all/").status_code == 404
    client.force_login(make_user("reader@example.com"))
    # Not an ownership refusal: a course that does not exist, a certificate not earned yet.
    assert client.get("/learn/no-such-course/").status_code == 404
    assert client.get("/learn/no-such-course/certificate/").status_code == 404
    assert denied() == []


def test_a_borrower_asking_for_someone_elses_loan_gets_404_and_the_attempt_is_recorded() -> None:
    from tests.borrowers.factories import make_borrower, make_loan

    owner = make_user("owner@example.com")
    other = make_user("other@example.com")
    loan = make_loan(borrower=make_borrower(owner))
    client = Client()
    client.force_login(other)

    response = client.get(reverse("borrowers:detail", args=[loan.reference]))

    assert response.status_code == 404
    [row] = denied()
    assert (row.action, row.actor, row.reason) == ("authz.not_found", other, "object_not_found")
    assert row.data == {"path": f"/loans/{loan.reference}/", "method": "GET", "status": 404}
    # The owner opening it writes nothing.
    owner_client = Client()
    owner_client.force_login(owner)
    assert owner_client.get(reverse("borrowers:detail", args=[loan.reference])).status_code == 200
    assert len(denied()) == 1


def test_a_flood_of_refusals_is_capped_per_user_per_minute(settings: Any) -> None:
    settings.AUDIT_DENIED_PER_MINUTE = 5
    client, _member = staff_client()
    url = reverse("admin:core_auditevent_changelist")

    statuses = {client.get(url).status_code for _ in range(12)}

    assert statuses == {403}
    rows = denied()
    assert [row.action for row in rows] == ["authz.denied"] * 5 + ["authz.denied.throttled"]
    assert rows[-1].data["limit_per_minute"] == 5
    # Someone else is counted apart.
    other = Client(enforce_csrf_checks=True)
    assert other.post(reverse("account_login"), {}).status_code == 403
    assert len(denied()) == 7


def test_a_path_carrying_a_secret_is_recorded_as_its_pattern() -> None:
    from django.urls import resolve

    request: HttpRequest = RequestFactory().get("/accounts/password/reset/key/1a-s3cr3t-key/")
    request.resolver_match = resolve("/accounts/password/reset/key/1a-s3cr3t-key/")

    recorded = path_recorded(request)

    assert "s3cr3t" not in recorded
    assert recorded.startswith("/accounts/password/reset/key/")


def test_a_refusal_that_cannot_be_written_still_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import DatabaseError

    from core import audit_denied

    def broken(**kwargs: Any) -> None:
        raise DatabaseError("disk full")

    monkeypatch.setattr(audit_denied, "audit_record", broken)
    request = RequestFactory().get("/admin/")

    assert authz_denied_record(request, reason="forbidden") is False


def test_a_signed_out_visitor_is_recorded_by_ip() -> None:
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/x/", REMOTE_ADDR="192.0.2.1")
    request.user = AnonymousUser()

    assert authz_denied_record(request, reason="forbidden")
    [row] = denied()
    assert (row.actor, row.ip_address) == (None, "192.0.2.1")
