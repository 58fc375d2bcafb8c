"""Lesson publication and review decisions are audited with who, the IP, and before/after."""

import importlib
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from accounts.models import User
from core.models import AuditEvent
from education import services
from education.models import Course, Lesson
from tests.conftest import enrol_totp, make_user

pytestmark = pytest.mark.django_db


def editor(email: str) -> tuple[User, Client]:
    migration = importlib.import_module("education.migrations.0002_content_editors")
    group, _ = Group.objects.get_or_create(name=migration.GROUP)
    sources = importlib.import_module("education.migrations.0005_content_editors_sources")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="education", codename__in=[*migration.CODENAMES, *sources.CODENAMES]
        )
    )
    user = make_user(email, is_staff=True)
    user.groups.add(group)
    enrol_totp(user)
    user = User.objects.get(pk=user.pk)
    client = Client(REMOTE_ADDR="198.51.100.20")
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return user, client


@pytest.fixture
def submitted(settings: Any) -> tuple[Lesson, User, Client]:
    author, author_client = editor("editor@anxin.example")
    course = Course.objects.create(key="news", title_zh_hans="新课程", title_en="News")
    lesson = services.lesson_save(
        lesson=Lesson(
            course=course, key="fresh", language="zh-hans", title="New", summary="S", body_markdown="Text."
        ),
        actor=author,
    )
    lesson = services.lesson_transition(lesson=lesson, action="submit", actor=author)
    return lesson, author, author_client


def workflow(client: Client, lesson: Lesson, **data: str) -> Any:
    return client.post(reverse("admin:education_lesson_workflow", args=[lesson.pk]), data)


def test_approving_a_lesson_records_the_reviewer_ip_and_the_version_that_went_live(
    submitted: tuple[Lesson, User, Client],
) -> None:
    lesson, _author, _client = submitted
    reviewer, reviewer_client = editor("chief.editor@anxin.example")

    assert workflow(reviewer_client, lesson, action="approve", comment="Good.").status_code == 302

    row = AuditEvent.objects.get(action="lesson.approve")
    assert (row.actor, row.ip_address, row.reason) == (reviewer, "198.51.100.20", "Good.")
    assert row.data["from"] == "in_review"
    assert row.data["to"] == "published"
    assert row.data["version"] == 1
    assert row.data["publish_at"]


def test_an_author_refused_approval_of_their_own_draft_is_recorded(
    submitted: tuple[Lesson, User, Client],
) -> None:
    lesson, author, author_client = submitted

    response = workflow(author_client, lesson, action="approve", comment="")

    assert response.status_code == 200
    [row] = AuditEvent.objects.filter(action="authz.denied")
    assert (row.actor, row.reason, row.object_id) == (author, "lesson.own_draft", str(lesson.pk))
    assert not AuditEvent.objects.filter(action="lesson.approve").exists()
    assert Lesson.objects.get(pk=lesson.pk).status == Lesson.Status.IN_REVIEW


def test_changing_a_published_lessons_pass_mark_is_audited_with_before_and_after(
    submitted: tuple[Lesson, User, Client],
) -> None:
    lesson, _author, _client = submitted
    reviewer, reviewer_client = editor("chief.editor@anxin.example")
    workflow(reviewer_client, lesson, action="approve", comment="")
    change_url = reverse("admin:education_lesson_change", args=[lesson.pk])
    page = reviewer_client.get(change_url)
    form = page.context["adminform"].form
    data = {
        name: "" if value is None else value for name, value in form.initial.items() if name in form.fields
    }
    for prefix in ("tags", "questions"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        data.update({management.add_prefix(k): v for k, v in management.initial.items()})
    data["pass_mark_percent"] = "90"

    response = reviewer_client.post(change_url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    row = AuditEvent.objects.get(action="admin.lesson.changed")
    assert row.actor == reviewer
    assert row.data["fields"]["pass_mark_percent"]["to"] == 90
