"""The audit trail is append-only in code and in the admin, searchable, and readable only by auditors."""

from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from accounts.models import User
from core.models import AuditEvent, AuditTrailIsAppendOnlyError
from core.services import audit_record
from tests.conftest import PASSWORD, enrol_totp, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("staff_groups")]

CHANGELIST = "admin:core_auditevent_changelist"


def signed_in(user: User) -> Client:
    enrol_totp(user)
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


@pytest.fixture
def superuser() -> User:
    return User.objects.create_superuser(email="root@anxin.example", password=PASSWORD)


@pytest.fixture
def event(superuser: User) -> AuditEvent:
    return audit_record(action="payment.recorded", actor=superuser, data={"amount": "112.00"})


def staff_in(group: str, email: str) -> User:
    member = make_user(email, is_staff=True)
    member.groups.add(Group.objects.get(name=group))
    return member


# --- in code -------------------------------------------------------------------------------------


def test_an_existing_event_cannot_be_saved_again_or_deleted(event: AuditEvent) -> None:
    event.action = "payment.reversed"
    with pytest.raises(AuditTrailIsAppendOnlyError):
        event.save()
    with pytest.raises(AuditTrailIsAppendOnlyError):
        event.save(update_fields=["action"])
    with pytest.raises(AuditTrailIsAppendOnlyError):
        event.delete()

    assert AuditEvent.objects.get(pk=event.pk).action == "payment.recorded"


def test_bulk_updates_and_deletes_of_the_trail_are_refused(event: AuditEvent) -> None:
    rows = AuditEvent.objects.filter(pk=event.pk)
    with pytest.raises(AuditTrailIsAppendOnlyError):
        rows.update(action="x")
    with pytest.raises(AuditTrailIsAppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AuditTrailIsAppendOnlyError):
        AuditEvent.objects.bulk_update([event], ["action"])

    assert AuditEvent.objects.get(pk=event.pk).action == "payment.recorded"


def test_new_events_are_still_written(superuser: User) -> None:
    AuditEvent.objects.create(action="one.thing")
    AuditEvent(action="another.thing").save()

    assert set(AuditEvent.objects.values_list("action", flat=True)) == {"one.thing", "another.thing"}


def test_a_user_with_audit_rows_cannot_be_deleted(event: AuditEvent, superuser: User) -> None:
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        superuser.delete()


# --- in the admin --------------------------------------------------------------------------------


def test_not_even_a_superuser_can_add_change_or_delete_an_event(superuser: User, event: AuditEvent) -> None:
    client = signed_in(superuser)
    change_url = reverse("admin:core_auditevent_change", args=[event.pk])

    page = client.get(change_url)
    posted = client.post(change_url, {"action": "payment.reversed", "reason": "oops"})
    add = client.get(reverse("admin:core_auditevent_add"))
    delete = client.post(reverse("admin:core_auditevent_delete", args=[event.pk]), {"post": "yes"})
    bulk = client.post(
        reverse(CHANGELIST), {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
    )

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # shown read-only, no Save button
    assert "root@anxin.example" in page.content.decode()
    assert (posted.status_code, add.status_code, delete.status_code) == (403, 403, 403)
    assert bulk.status_code in (200, 302)
    assert AuditEvent.objects.filter(pk=event.pk, action="payment.recorded").exists()


def test_the_details_are_shown_escaped_with_before_and_after(superuser: User) -> None:
    hostile = "<script>alert(1)</script>"
    shown = audit_record(
        action="admin.loanproduct.changed",
        actor=superuser,
        data={"fields": {"name_en": {"from": "Old name", "to": hostile}}},
    )
    client = signed_in(superuser)

    listed = client.get(reverse(CHANGELIST)).content.decode()
    detail = client.get(reverse("admin:core_auditevent_change", args=[shown.pk])).content.decode()

    for html in (listed, detail):
        assert hostile not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "name_en: Old name → &lt;script&gt;" in listed
    assert "<th>before</th>" in detail
    assert "<td>Old name</td>" in detail


def actions_found(client: Client, **params: Any) -> set[str]:
    response = client.get(reverse(CHANGELIST), params)
    assert response.status_code == 200
    return {row.action for row in response.context["cl"].result_list}


def test_staff_search_the_trail_by_action_actor_email_object_and_ip(superuser: User) -> None:
    from django.test import RequestFactory

    alice = make_user("alice@example.com")
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9")
    audit_record(action="loan.link_failed", actor=alice, request=request)
    audit_record(action="payment.recorded", actor=superuser, target=superuser)
    audit_record(action="lesson.approve", data={"from": "in_review"})
    client = signed_in(superuser)

    assert actions_found(client, q="link_failed") == {"loan.link_failed"}
    assert actions_found(client, q="alice@example.com") == {"loan.link_failed"}
    assert actions_found(client, q="203.0.113.9") == {"loan.link_failed"}
    assert actions_found(client, q=str(superuser.pk)) >= {"payment.recorded"}
    assert "payment.recorded" in actions_found(client, q="accounts.user")
    assert actions_found(client, q="not-there-at-all") == set()


def test_the_trail_filters_by_kind_of_action_and_date(superuser: User) -> None:
    audit_record(action="lesson.approve")
    audit_record(action="lesson.submit")
    audit_record(action="authz.denied")
    client = signed_in(superuser)

    assert actions_found(client, action_prefix="lesson") == {"lesson.approve", "lesson.submit"}
    assert actions_found(client, action_prefix="authz") == {"authz.denied"}
    year = AuditEvent.objects.first().occurred_at.year  # type: ignore[union-attr]
    assert len(actions_found(client, occurred_at__year=year)) == 3


# --- who reads it --------------------------------------------------------------------------------


def test_only_auditors_among_the_staff_groups_hold_the_right_to_read_the_trail() -> None:
    readers = set(
        Group.objects.filter(
            permissions__content_type__app_label="core", permissions__codename="view_auditevent"
        ).values_list("name", flat=True)
    )
    writers = Permission.objects.filter(
        content_type__app_label="core",
        codename__in=["add_auditevent", "change_auditevent", "delete_auditevent"],
    )

    assert readers == {"Auditors"}
    assert not Group.objects.filter(permissions__in=writers).exists()


def test_an_auditor_reads_the_trail_and_other_staff_are_refused(event: AuditEvent) -> None:
    auditor = signed_in(staff_in("Auditors", "auditor@anxin.example"))
    approver = signed_in(staff_in("Hardship approvers", "approver@anxin.example"))
    support = signed_in(staff_in("Support", "support@anxin.example"))
    change_url = reverse("admin:core_auditevent_change", args=[event.pk])

    assert auditor.get(reverse(CHANGELIST)).status_code == 200
    assert auditor.get(change_url).status_code == 200
    assert auditor.post(change_url, {"action": "x"}).status_code == 403
    for other in (approver, support):
        assert other.get(reverse(CHANGELIST)).status_code == 403
        assert other.get(change_url).status_code == 403


def test_the_trail_speaks_chinese_by_default(superuser: User) -> None:
    shown = audit_record(
        action="admin.loanproduct.changed", data={"fields": {"code": {"from": "A", "to": "B"}}}
    )
    client = signed_in(superuser)
    del client.cookies["django_language"]

    listed = client.get(reverse(CHANGELIST)).content.decode()
    detail = client.get(reverse("admin:core_auditevent_change", args=[shown.pk])).content.decode()

    assert "操作类别" in listed
    assert "可按操作、操作人邮箱" in listed
    assert "修改前" in detail
    assert "修改后" in detail
