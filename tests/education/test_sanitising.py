"""Lesson bodies: hostile Markdown and HTML come out harmless, a huge body is refused quickly with a clear
message, and pages never render Markdown."""

import time

import pytest
from django.test import Client

from accounts.models import User
from core.exceptions import ApplicationError
from education import services
from education.forms import LessonAdminForm
from education.models import BODY_MAX_CHARS, Course, Lesson, LessonVersion
from education.rendering import render_markdown

pytestmark = pytest.mark.django_db


def test_scripts_and_styles_are_removed_with_their_content() -> None:
    html = render_markdown("Hello <script>alert('x')</script><style>body{display:none}</style>world")
    assert "script" not in html
    assert "alert" not in html
    assert "display:none" not in html
    assert "Hello" in html
    assert "world" in html


def test_event_handler_attributes_are_dropped() -> None:
    html = render_markdown(
        '<p onclick="steal()">hi</p><img src="x.png" onerror="steal()"><svg onload="steal()">s</svg>'
    )
    assert "steal" not in html
    assert "onerror" not in html
    assert "onclick" not in html
    assert "onload" not in html
    assert "<img" not in html
    assert "<svg" not in html


@pytest.mark.parametrize(
    "markdown",
    [
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click]( javascript:alert(1))",
        "<a href='&#106;avascript:alert(1)'>click</a>",
        "<a href='vbscript:msgbox(1)'>click</a>",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![img](data:image/svg+xml;base64,PHN2Zy8+)",
    ],
)
def test_javascript_and_data_addresses_never_survive(markdown: str) -> None:
    html = render_markdown(markdown).lower()
    assert "javascript" not in html
    assert "vbscript" not in html
    assert "data:" not in html


def test_frames_objects_and_forms_are_removed() -> None:
    html = render_markdown(
        '<iframe src="https://evil.example/"></iframe><object data="x"></object><embed src="x">'
        '<form action="https://evil.example/"><input name="pin"></form>text'
    )
    for tag in ("<iframe", "<object", "<embed", "<form", "<input"):
        assert tag not in html
    assert "evil.example" not in html


def test_allowed_structure_is_kept_and_links_are_safe() -> None:
    html = render_markdown(
        "# Title\n\n## Part\n\n- one\n- two\n\n1. first\n\n> quoted\n\n`code`\n\n**bold** *em*\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n[site](https://example.com/) [here](/learn/) [plain](http://example.org)"
    )
    assert "<h1" not in html
    assert "<h2>Title</h2>" in html
    for tag in ("<ul>", "<ol>", "<blockquote>", "<code>", "<strong>", "<em>", "<table>", "<td>"):
        assert tag in html
    assert '<a href="https://example.com/" rel="noopener noreferrer">' in html
    assert '<a href="/learn/" rel="noopener noreferrer">' in html
    assert "style=" not in html


def test_a_five_megabyte_body_is_refused_at_once_with_a_clear_message() -> None:
    course = Course.objects.create(key="c", title_zh_hans="课", title_en="Course")
    lesson = Lesson(
        course=course, key="huge", language="en", title="Huge", summary="s", body_markdown="x" * 5_000_000
    )
    started = time.monotonic()
    with pytest.raises(ApplicationError) as refused:
        services.lesson_save(lesson=lesson, actor=None)
    assert time.monotonic() - started < 1
    assert refused.value.code == "too_long"
    assert f"{BODY_MAX_CHARS:,}" in refused.value.message
    assert not Lesson.objects.exists()
    assert not LessonVersion.objects.exists()


def test_the_editors_form_refuses_an_oversized_body_beside_the_field() -> None:
    course = Course.objects.create(key="c", title_zh_hans="课", title_en="Course")
    form = LessonAdminForm(
        data={
            "course": course.pk,
            "key": "huge",
            "language": "en",
            "order": 1,
            "title": "Huge",
            "summary": "s",
            "minutes": 5,
            "body_markdown": "x" * 5_000_000,
        }
    )
    started = time.monotonic()
    assert not form.is_valid()
    assert time.monotonic() - started < 1
    assert "body_markdown" in form.errors


def test_text_that_would_take_the_renderer_minutes_is_refused_within_the_time_limit(settings: object) -> None:
    settings.EDUCATION_RENDER_TIMEOUT_SECONDS = 0.5  # type: ignore[attr-defined]
    course = Course.objects.create(key="c", title_zh_hans="课", title_en="Course")
    # Python-Markdown needs minutes for this (its raw-HTML scan is far from linear).
    lesson = Lesson(
        course=course, key="slow", language="en", title="Slow", summary="s", body_markdown="<a " * 30_000
    )
    started = time.monotonic()
    with pytest.raises(ApplicationError) as refused:
        services.lesson_save(lesson=lesson, actor=None)
    assert time.monotonic() - started < 3
    assert refused.value.code == "render_failed"
    assert not Lesson.objects.exists()


def test_the_sanitised_html_is_stored_on_save_and_pages_never_render_markdown(
    client: Client, editor: User, clock: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    course = Course.objects.create(key="c", title_zh_hans="课", title_en="Course")
    lesson = services.lesson_save(
        lesson=Lesson(
            course=course,
            key="safe",
            language="zh-hans",
            title="T",
            summary="s",
            body_markdown="**bold**<script>alert(1)</script>",
        ),
        actor=editor,
    )
    assert lesson.body_html == "<p><strong>bold</strong></p>"

    def no_rendering(*args: object, **kwargs: object) -> str:
        raise AssertionError("a page rendered Markdown")

    monkeypatch.setattr("education.rendering.render_markdown", no_rendering)
    monkeypatch.setattr("education.rendering.render_bounded", no_rendering)
    monkeypatch.setattr("markdown.markdown", no_rendering)
    Lesson.objects.filter(pk=lesson.pk).update(status=Lesson.Status.PUBLISHED, publish_at=clock.now)  # type: ignore[attr-defined]
    response = client.get("/learn/c/safe/")
    assert response.status_code == 200
    assert "<p><strong>bold</strong></p>" in response.content.decode()
    assert "alert(1)" not in response.content.decode()
