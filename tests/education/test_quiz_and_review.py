"""Quizzes: scoring against the pass mark, feedback by htmx and by full page, progress; and the spaced
review of missed questions (back after 1, 3 and 7 days), all on a pinned clock."""

from datetime import date

import pytest
from django.test import Client

from accounts.models import User
from education.models import Lesson, LessonProgress, Question, QuizAttempt, ReviewItem
from tests.education.conftest import Clock, LessonGetter

pytestmark = pytest.mark.django_db
URL = "/learn/loan-basics/reading-your-statement/"


def answers(lesson: Lesson, right: int) -> dict[str, object]:
    """The first `right` questions answered correctly, the rest wrongly."""
    data: dict[str, object] = {"lesson": lesson.pk}
    for n, question in enumerate(Question.objects.filter(lesson=lesson).order_by("order")):
        choice = (
            question.choices.get(is_correct=n < right)
            if n < right
            else question.choices.filter(is_correct=False).first()
        )
        assert choice is not None
        data[f"q{question.pk}"] = choice.pk
    return data


def test_two_of_three_passes_at_the_default_pass_mark_and_completes_the_read_lesson(
    client: Client, borrower: User, curriculum: None, lesson_of: LessonGetter
) -> None:
    lesson = lesson_of("reading-your-statement")
    client.force_login(borrower)
    client.get(URL)
    response = client.post(URL + "quiz/", answers(lesson, right=2))
    assert response.status_code == 200
    attempt = QuizAttempt.objects.get(user=borrower)
    assert (attempt.correct, attempt.total, attempt.passed) == (2, 3, True)
    progress = LessonProgress.objects.get(user=borrower, lesson=lesson)
    assert progress.best_score == 66
    assert progress.passed_at
    assert progress.completed_at


def test_one_of_three_fails_and_nothing_is_completed(
    client: Client, borrower: User, curriculum: None, lesson_of: LessonGetter
) -> None:
    lesson = lesson_of("reading-your-statement")
    client.force_login(borrower)
    client.post(URL + "quiz/", answers(lesson, right=1))
    progress = LessonProgress.objects.get(user=borrower, lesson=lesson)
    assert progress.passed_at is None
    assert progress.completed_at is None
    assert QuizAttempt.objects.get(user=borrower).passed is False


def test_a_lesson_can_ask_for_more_than_the_default_pass_mark(
    client: Client, borrower: User, curriculum: None, lesson_of: LessonGetter
) -> None:
    lesson = lesson_of("reading-your-statement")
    Lesson.objects.filter(pk=lesson.pk).update(pass_mark_percent=100)
    client.force_login(borrower)
    client.post(URL + "quiz/", answers(lesson, right=2))
    assert QuizAttempt.objects.get(user=borrower).passed is False


def test_htmx_gets_only_the_quiz_with_focus_moved_to_the_feedback(
    client: Client, borrower: User, curriculum: None, lesson_of: LessonGetter
) -> None:
    lesson = lesson_of("reading-your-statement")
    client.force_login(borrower)
    html = client.post(
        URL + "quiz/", answers(lesson, right=3), headers={"HX-Request": "true"}
    ).content.decode()
    assert "<html" not in html
    assert html.strip().startswith('<section id="quiz"')
    assert 'id="quiz-feedback"' in html
    assert "autofocus" in html
    assert 'role="status"' in html
    assert "Because 1 is right." in html


def test_without_javascript_the_whole_page_comes_back_with_the_feedback(
    client: Client, borrower: User, curriculum: None, lesson_of: LessonGetter
) -> None:
    lesson = lesson_of("reading-your-statement")
    client.force_login(borrower)
    html = client.post(URL + "quiz/", answers(lesson, right=1)).content.decode()
    assert "<html" in html
    assert 'id="quiz-feedback"' in html
    assert "Not 2a: it is wrong." in html  # the explanation of the answer chosen
    assert "Because 2 is right." in html  # and of the right one


def test_an_unanswered_question_is_marked_beside_it_and_nothing_is_saved(
    client: Client, borrower: User, curriculum: None, lesson_of: LessonGetter
) -> None:
    lesson = lesson_of("reading-your-statement")
    data = answers(lesson, right=3)
    missing = next(key for key in data if key.startswith("q"))
    del data[missing]
    client.force_login(borrower)
    html = client.post(URL + "quiz/", data).content.decode()
    assert f'id="id_{missing}-error"' in html
    assert 'aria-invalid="true"' in html
    assert not QuizAttempt.objects.exists()


def test_quiz_choices_are_radio_inputs_in_a_fieldset_with_a_legend(client: Client, curriculum: None) -> None:
    html = client.get(URL).content.decode()
    assert html.count("<fieldset") == 3
    assert html.count("<legend>") == 3
    assert html.count('type="radio"') == 9


def test_a_reader_without_an_account_gets_feedback_but_nothing_is_saved(
    client: Client, curriculum: None, lesson_of: LessonGetter
) -> None:
    lesson = lesson_of("reading-your-statement")
    html = client.post(URL + "quiz/", answers(lesson, right=3)).content.decode()
    assert 'id="quiz-feedback"' in html
    assert "/accounts/login/" in html
    assert not QuizAttempt.objects.exists()
    assert not ReviewItem.objects.exists()


def test_a_quiz_for_a_lesson_that_is_not_published_is_not_found(
    client: Client, curriculum: None, lesson_of: LessonGetter
) -> None:
    lesson = lesson_of("reading-your-statement")
    data = answers(lesson, right=3)
    Lesson.objects.filter(pk=lesson.pk).update(status=Lesson.Status.UNPUBLISHED)
    assert client.post(URL + "quiz/", data).status_code == 404


def test_missed_questions_come_back_after_1_then_3_then_7_days(
    client: Client, borrower: User, curriculum: None, lesson_of: LessonGetter, clock: Clock
) -> None:
    lesson = lesson_of("reading-your-statement")
    client.force_login(borrower)
    client.post(URL + "quiz/", answers(lesson, right=2))  # question 3 missed on 2026-03-02
    item = ReviewItem.objects.get(user=borrower)
    assert item.due_on == date(2026, 3, 3)
    assert "/learn/review/" not in client.get("/learn/").content.decode()  # not due today

    clock.advance(days=1)
    index = client.get("/learn/").content.decode()
    assert 'href="/learn/review/"' in index
    review = client.get("/learn/review/").content.decode()
    assert review.count("<fieldset") == 1
    right = item.question.choices.get(is_correct=True)
    client.post("/learn/review/", {f"q{item.question_id}": right.pk})
    item.refresh_from_db()
    assert (item.step, item.due_on) == (1, date(2026, 3, 6))  # 3 days on

    clock.advance(days=3)
    client.post("/learn/review/", {f"q{item.question_id}": right.pk})
    item.refresh_from_db()
    assert (item.step, item.due_on) == (2, date(2026, 3, 13))  # 7 days on

    clock.advance(days=7)
    client.post("/learn/review/", {f"q{item.question_id}": right.pk})
    item.refresh_from_db()
    assert item.retired_at is not None  # learnt
    assert client.get("/learn/review/").content.decode().count("<fieldset") == 0


def test_a_review_answered_wrongly_starts_again_tomorrow(
    client: Client, borrower: User, curriculum: None, lesson_of: LessonGetter, clock: Clock
) -> None:
    lesson = lesson_of("reading-your-statement")
    client.force_login(borrower)
    client.post(URL + "quiz/", answers(lesson, right=2))
    item = ReviewItem.objects.get(user=borrower)
    clock.advance(days=1)
    right = item.question.choices.get(is_correct=True)
    client.post("/learn/review/", {f"q{item.question_id}": right.pk})
    clock.advance(days=3)
    wrong = item.question.choices.filter(is_correct=False).first()
    assert wrong is not None
    client.post("/learn/review/", {f"q{item.question_id}": wrong.pk})
    item.refresh_from_db()
    assert (item.step, item.due_on) == (0, date(2026, 3, 7))


def test_a_question_not_yet_due_cannot_be_reviewed_early(
    client: Client, borrower: User, curriculum: None, lesson_of: LessonGetter
) -> None:
    lesson = lesson_of("reading-your-statement")
    client.force_login(borrower)
    client.post(URL + "quiz/", answers(lesson, right=2))
    item = ReviewItem.objects.get(user=borrower)
    right = item.question.choices.get(is_correct=True)
    client.post("/learn/review/", {f"q{item.question_id}": right.pk})
    item.refresh_from_db()
    assert (item.step, item.due_on) == (0, date(2026, 3, 3))


def test_the_review_page_needs_an_account(client: Client) -> None:
    assert client.get("/learn/review/").status_code == 302
