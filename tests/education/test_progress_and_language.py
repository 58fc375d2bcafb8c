"""Progress per course, milestones, certificates, and lessons in the reader's language."""

import pytest
from django.test import Client

from accounts.models import User
from education import services
from education.models import Lesson, Question
from education.quiz import quiz_of
from tests.conftest import make_user
from tests.education.conftest import LessonGetter

pytestmark = pytest.mark.django_db


def complete(user: User, lesson: Lesson) -> None:
    quiz = quiz_of(lesson, Question.objects.filter(lesson=lesson).prefetch_related("choices"))
    services.lesson_mark_read(user=user, lesson_id=lesson.pk, has_quiz=bool(quiz.questions))
    if quiz.questions:
        right = {q.id: next(c.id for c in q.choices if c.is_correct) for q in quiz.questions}
        services.quiz_submit(user=user, quiz=quiz, answers=right)


def test_the_course_progress_bar_says_how_many_lessons_are_done_in_numbers_and_words(
    client: Client, borrower: User, curriculum: None, lesson_of: LessonGetter
) -> None:
    complete(borrower, lesson_of("reading-your-statement"))
    client.force_login(borrower)
    client.cookies["django_language"] = "en"
    html = client.get("/learn/loan-basics/").content.decode()
    assert '<progress id="progress-loan-basics" max="3" value="1"' in html
    assert "1 of 3 lessons completed" in html


def test_reading_a_lesson_is_not_enough_when_it_has_a_quiz(
    client: Client, borrower: User, curriculum: None, lesson_of: LessonGetter
) -> None:
    client.force_login(borrower)
    client.get("/learn/loan-basics/reading-your-statement/")
    client.get("/learn/loan-basics/chinese-only/")  # no quiz: reading completes it
    assert (
        '<progress id="progress-loan-basics" max="3" value="1"'
        in client.get("/learn/loan-basics/").content.decode()
    )


def test_milestones_first_lesson_then_first_course(
    client: Client, borrower: User, curriculum: None, lesson_of: LessonGetter
) -> None:
    client.force_login(borrower)
    client.cookies["django_language"] = "en"
    assert "learn-milestone--achieved" not in client.get("/learn/").content.decode()
    complete(borrower, lesson_of("when-money-is-short"))
    assert client.get("/learn/").content.decode().count("learn-milestone--achieved") == 1
    for key in ("emergency-fund", "a-budget-you-can-keep"):
        complete(borrower, lesson_of(key, "en"))  # either language counts
    assert client.get("/learn/").content.decode().count("learn-milestone--achieved") == 2


def test_the_certificate_is_only_for_a_course_you_completed(
    client: Client, borrower: User, curriculum: None, lesson_of: LessonGetter
) -> None:
    client.force_login(borrower)
    assert client.get("/learn/everyday-money/certificate/").status_code == 404
    for key in ("when-money-is-short", "emergency-fund", "a-budget-you-can-keep"):
        complete(borrower, lesson_of(key))
    response = client.get("/learn/everyday-money/certificate/")
    assert response.status_code == 200
    assert borrower.email in response.content.decode()

    someone_else = make_user("someone@example.com")
    client.force_login(someone_else)
    assert client.get("/learn/everyday-money/certificate/").status_code == 404
    client.logout()
    assert client.get("/learn/everyday-money/certificate/").status_code == 302


def test_lessons_are_public_but_progress_needs_an_account(client: Client, curriculum: None) -> None:
    assert client.get("/learn/loan-basics/reading-your-statement/").status_code == 200
    html = client.get("/learn/").content.decode()
    assert "<progress" not in html
    assert "/accounts/login/" in html


def test_the_reader_gets_their_language_and_a_note_when_a_lesson_is_only_in_the_other(
    client: Client, curriculum: None
) -> None:
    client.cookies["django_language"] = "en"
    html = client.get("/learn/").content.decode()
    assert "reading-your-statement lesson" in html
    assert "reading-your-statement 课" not in html
    assert '<a href="/learn/loan-basics/chinese-only/" lang="zh-hans">chinese-only 课</a>' in html
    assert "Only in Chinese so far" in html
    lesson = client.get("/learn/loan-basics/chinese-only/").content.decode()
    assert "has not been translated into English yet" in lesson
    assert '<article class="lesson" lang="zh-hans"' in lesson

    client.cookies["django_language"] = "zh-hans"
    html = client.get("/learn/").content.decode()
    assert "reading-your-statement 课" in html
    assert "reading-your-statement lesson" not in html


def test_the_budget_lesson_links_to_the_budget_planner(client: Client, curriculum: None) -> None:
    html = client.get("/learn/everyday-money/a-budget-you-can-keep/").content.decode()
    assert 'href="/budget/"' in html
    assert 'href="/budget/"' not in client.get("/learn/everyday-money/emergency-fund/").content.decode()
