"""Learn, in a real browser on a 360-px phone: one editor drafts a lesson and restores an older version,
another schedules it, and a borrower sees it only once its time has come; then answers its quiz by htmx.

The selectors avoid this app's own wording (its Chinese arrives with the catalogue) and use ids, names
and addresses instead.
"""

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt

from accounts.models import User
from education.models import Course, Lesson, LessonVersion
from tests.conftest import PASSWORD, make_user
from tests.e2e.conftest import PHONE
from tests.education.conftest import make_editor

pytestmark = pytest.mark.browser
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def log_in(page, email: str, *, totp_for: User | None = None) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/login/")
    page.get_by_label("邮箱").fill(email)
    page.get_by_label(re.compile(r"^密码[:：]?$")).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    if totp_for is not None:
        page.wait_for_url("**/accounts/2fa/authenticate/**")
        secret = decrypt(
            Authenticator.objects.get(user=totp_for, type=Authenticator.Type.TOTP).data["secret"]
        )
        page.get_by_label("代码").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def new_page(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server.url)
    context.set_default_timeout(15_000)
    return context.new_page()


def test_draft_restore_schedule_and_the_borrower_sees_it_on_time(
    page, browser, live_server, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.EDUCATION_NOW = NOW.isoformat()
    course = Course.objects.create(key="news", title_zh_hans="新课程", title_en="News")
    writer = make_editor("writer@example.com")
    reviewer = make_editor("reviewer@example.com")
    make_user("reader@example.com")

    # The writer drafts the lesson, rewrites it, then restores the first text.
    log_in(page, writer.email, totp_for=writer)
    page.goto("/admin/education/lesson/add/")
    page.locator("#id_course").select_option(str(course.pk))
    page.locator("#id_key").fill("fresh")
    page.locator("#id_language").select_option("zh-hans")
    page.locator("#id_title").fill("周末打工的预算")
    page.locator("#id_summary").fill("第一次拿到工资之前")
    page.locator("#id_body_markdown").fill("## 第一版\n\n先记下每一笔**收入**。<script>alert(1)</script>")
    page.locator("input[name=_save]").click()
    page.wait_for_url("**/admin/education/lesson/")
    lesson = Lesson.objects.get(key="fresh")
    page.goto(f"/admin/education/lesson/{lesson.pk}/change/")
    page.locator("#id_body_markdown").fill("## 第二版\n\n写错了。")
    page.locator("input[name=_save]").click()
    page.wait_for_url("**/admin/education/lesson/")
    page.goto(f"/admin/education/lesson/{lesson.pk}/versions/")
    page.locator("form[action$='/versions/1/restore/'] button").click()
    page.wait_for_url(f"**/admin/education/lesson/{lesson.pk}/versions/")
    assert LessonVersion.objects.filter(lesson=lesson).count() == 3
    page.locator("#versions ~ p button, form[method=get] button").first.click()  # the diff of 2 → 3
    assert page.locator("table.diff").count() == 1
    page.goto(f"/admin/education/lesson/{lesson.pk}/workflow/")
    page.locator("button[name=action][value=submit]").click()
    page.wait_for_url(f"**/admin/education/lesson/{lesson.pk}/workflow/")
    assert page.locator("button[name=action][value=approve]").count() == 0  # not for the writer

    # The reviewer schedules it for 10:00.
    reviewer_page = new_page(browser, live_server)
    log_in(reviewer_page, reviewer.email, totp_for=reviewer)
    reviewer_page.goto(f"/learn/preview/{lesson.pk}/")
    assert "第一版" in reviewer_page.locator("article.lesson").inner_text()
    reviewer_page.goto(f"/admin/education/lesson/{lesson.pk}/workflow/")
    reviewer_page.locator("#id_publish_at").fill((NOW + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    reviewer_page.locator("button[name=action][value=approve]").click()
    reviewer_page.wait_for_url(f"**/admin/education/lesson/{lesson.pk}/workflow/")
    lesson.refresh_from_db()
    assert lesson.status == Lesson.Status.PUBLISHED

    # The borrower: not there at 9:59, there at 10:00, as the restored first text.
    reader_page = new_page(browser, live_server)
    log_in(reader_page, "reader@example.com")
    settings.EDUCATION_NOW = (NOW + timedelta(minutes=59)).isoformat()
    assert reader_page.goto("/learn/news/fresh/").status == 404  # type: ignore[union-attr]
    settings.EDUCATION_NOW = (NOW + timedelta(hours=1)).isoformat()
    assert reader_page.goto("/learn/news/fresh/").status == 200  # type: ignore[union-attr]
    body = reader_page.locator(".lesson__body")
    assert "第一版" in body.inner_text()
    assert "第二版" not in body.inner_text()
    assert body.locator("script").count() == 0
    assert reader_page.locator("h1").count() == 1
    assert reader_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    reader_page.goto("/learn/")
    assert reader_page.locator("a[href='/learn/news/fresh/']").count() == 1


def test_a_quiz_answer_by_htmx_moves_focus_to_the_feedback(page, settings) -> None:  # type: ignore[no-untyped-def]
    from education.loader import curriculum_load, curriculum_read
    from tests.education.conftest import SMALL_CURRICULUM

    settings.EDUCATION_NOW = NOW.isoformat()
    curriculum_load(data=curriculum_read(SMALL_CURRICULUM))
    make_user("reader@example.com")
    log_in(page, "reader@example.com")
    page.goto("/learn/loan-basics/reading-your-statement/")
    page.evaluate("window.__notReloaded = true")
    fieldsets = page.locator("#quiz fieldset")
    assert fieldsets.count() == 3
    for n in range(3):
        fieldsets.nth(n).locator("input[type=radio]").first.check()  # "right N" comes first
    page.locator("#quiz button[type=submit]").click()
    page.wait_for_selector("#quiz-feedback")
    assert page.evaluate("window.__notReloaded") is True
    assert page.evaluate("document.activeElement.id") == "quiz-feedback"
    assert "3" in page.locator("#quiz-feedback").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def page_without_js(browser, live_server, transactional_db) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport=PHONE, locale="zh-CN", base_url=live_server.url, java_script_enabled=False
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_without_javascript_the_quiz_result_survives_a_reload_and_the_language_switch(
    page_without_js, settings
) -> None:  # type: ignore[no-untyped-def]
    from education.loader import curriculum_load, curriculum_read
    from tests.education.conftest import SMALL_CURRICULUM

    settings.EDUCATION_NOW = NOW.isoformat()
    curriculum_load(data=curriculum_read(SMALL_CURRICULUM))
    make_user("reader@example.com")
    page = page_without_js
    log_in(page, "reader@example.com")
    url = "/learn/loan-basics/reading-your-statement/"
    page.goto(url)
    fieldsets = page.locator("#quiz fieldset")
    for n in range(3):
        fieldsets.nth(n).locator("input[type=radio]").nth(0 if n < 2 else 1).check()  # 2 of 3 right
    page.locator("#quiz button[type=submit]").click()
    page.wait_for_url(re.compile(r"/learn/loan-basics/reading-your-statement/\?result=\d+#quiz$"))
    assert "3 题中的 2 题" in page.locator("#quiz-feedback").inner_text()

    response = page.reload()
    assert response is not None
    assert response.status == 200
    assert "3 题中的 2 题" in page.locator("#quiz-feedback").inner_text()
    assert page.locator("#quiz input[type=radio]:checked").count() == 3

    page.locator("#language-select").select_option("en")
    page.locator(".language-form button[type=submit]").click()
    page.wait_for_load_state()
    assert "?result=" in page.url
    assert page.locator("html").get_attribute("lang") == "en"
    assert "You got 2 of 3 right." in page.locator("#quiz-feedback").inner_text()
    assert page.locator("#result-language-note a").get_attribute("href") == url

    # The quiz's own address, opened directly, leads back to the lesson rather than to a 405.
    response = page.goto(url + "quiz/")
    assert response is not None
    assert response.status == 200
    assert page.url.endswith(url + "#quiz")


def test_an_unpassable_quiz_is_refused_and_the_editors_note_reaches_the_reviewer(
    page, browser, live_server, settings
) -> None:  # type: ignore[no-untyped-def]
    from education import services
    from education.models import Choice, Question

    settings.EDUCATION_NOW = NOW.isoformat()
    course = Course.objects.create(key="news", title_zh_hans="新课程", title_en="News")
    writer = make_editor("writer@example.com")
    reviewer = make_editor("reviewer@example.com")
    lesson = services.lesson_save(
        lesson=Lesson(
            course=course,
            key="fresh",
            language="zh-hans",
            title="面对催收",
            summary="你的权利",
            body_markdown="正文。",
        ),
        actor=writer,
    )
    question = Question.objects.create(lesson=lesson, order=1, text="催收人员可以在夜里打电话吗？")
    workflow = f"/admin/education/lesson/{lesson.pk}/workflow/"

    # A question without answers: the page says so, and submitting is refused with the reason.
    log_in(page, writer.email, totp_for=writer)
    page.goto(workflow)
    assert page.locator("#quiz-problems li").count() == 1
    page.locator("#id_comment").fill("请审核。")
    page.locator("button[name=action][value=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".errorlist.nonfield li").count() == 2  # what is wrong, and which question
    assert "催收人员可以在夜里打电话吗？" in page.locator(".errorlist.nonfield").inner_text()
    lesson.refresh_from_db()
    assert lesson.status == Lesson.Status.DRAFT

    # Two answers, one right: now it goes to review with the writer's note.
    Choice.objects.create(question=question, order=1, text="不可以", is_correct=True, explanation="…")
    Choice.objects.create(question=question, order=2, text="可以", is_correct=False, explanation="…")
    page.goto(workflow)
    assert page.locator("#quiz-problems").count() == 0
    page.locator("#id_comment").fill("请审核。")
    page.locator("button[name=action][value=submit]").click()
    page.wait_for_url(f"**{workflow}")
    lesson.refresh_from_db()
    assert lesson.status == Lesson.Status.IN_REVIEW

    # The reviewer reads the note, may approve or send back, and is not offered the writer's "withdraw".
    reviewer_page = new_page(browser, live_server)
    log_in(reviewer_page, reviewer.email, totp_for=reviewer)
    reviewer_page.goto(workflow)
    assert reviewer_page.locator("#submission-comment").inner_text() == "请审核。"
    assert reviewer_page.locator("button[name=action][value=withdraw]").count() == 0
    assert reviewer_page.locator("button[name=action][value=approve]").count() == 1
    assert reviewer_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
