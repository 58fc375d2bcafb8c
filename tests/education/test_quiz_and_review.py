"""Quizzes: scoring against the pass mark, feedback by htmx and by full page, progress; and the spaced
review of missed questions (back after 1, 3 and 7 days), all on a pinned clock."""

from datetime import date

import pytest
from django.test import Client

from accounts.models import User
from education.models import Lesson, LessonProgress, Question, QuizAttempt, ReviewItem
from tests.conftest import make_user
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
    attempt = QuizAttempt.objects.get(user=borrower)
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?result={attempt.pk}#quiz"
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
    html = client.post(URL + "quiz/", answers(lesson, right=1), follow=True).content.decode()
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
    html = client.post(URL + "quiz/", answers(lesson, right=3), follow=True).content.decode()
    assert 'id="quiz-feedback"' in html
    assert "/accounts/login/" in html
    assert not QuizAttempt.objects.exists()
    assert not ReviewItem.objects.exists()


# --- without JavaScript: post, redirect, get (issue 8) --------------------------------------------


@pytest.mark.parametrize(
    ("language", "says", "passed"),
    [("zh-hans", "你答对了 3 题中的 1 题。", "你通过了。"), ("en", "You got 1 of 3 right.", "You passed.")],
)
def test_without_javascript_the_result_has_its_own_address_to_reload_and_switch_language(
    client: Client,
    borrower: User,
    curriculum: None,
    lesson_of: LessonGetter,
    language: str,
    says: str,
    passed: str,
) -> None:
    lesson = lesson_of("reading-your-statement", language)
    client.cookies["django_language"] = language
    client.force_login(borrower)
    response = client.post(URL + "quiz/", answers(lesson, right=1))
    attempt = QuizAttempt.objects.get(user=borrower)
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?result={attempt.pk}#quiz"

    for _reload in range(2):  # a reload shows the same result and keeps no second attempt
        page = client.get(response["Location"])
        assert page.status_code == 200
        html = page.content.decode()
        assert 'id="quiz-feedback"' in html
        assert says in html
        assert passed not in html
        assert "Not 2a: it is wrong." in html  # the explanation of the answer chosen
        assert "Because 2 is right." in html  # and of the right one
        # The answer chosen is still chosen.
        wrong = Question.objects.get(lesson=lesson, order=2).choices.get(text="wrong 2a")
        assert f'value="{wrong.pk}" id="id_q{wrong.question_id}_1" required checked>' in html
    assert QuizAttempt.objects.count() == 1

    # The footer's language switch returns to this address: the result stays, in the other language.
    other = "en" if language == "zh-hans" else "zh-hans"
    client.cookies["django_language"] = other
    html = client.get(response["Location"]).content.decode()
    assert f'<html lang="{other}"' in html
    assert 'id="quiz-feedback"' in html
    assert ("You got 1 of 3 right." if other == "en" else "你答对了 3 题中的 1 题。") in html
    # The result stays with the version its quiz was answered in, and says so (not "not translated yet").
    assert 'id="result-language-note"' in html
    assert f'<a href="{URL}">' in html
    assert "not been translated" not in html
    assert "还没有" not in html


def test_a_guest_without_javascript_sees_their_result_again_from_their_session(
    client: Client, curriculum: None, lesson_of: LessonGetter
) -> None:
    lesson = lesson_of("reading-your-statement")
    response = client.post(URL + "quiz/", answers(lesson, right=3))
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?result=guest#quiz"
    html = client.get(response["Location"]).content.decode()
    assert 'id="quiz-feedback"' in html
    assert "你答对了 3 题中的 3 题。" in html
    assert "/accounts/login/" in html  # nothing was kept: log in to save the score
    assert not QuizAttempt.objects.exists()
    # Another visitor at the same address has answered nothing: a blank quiz.
    html = Client().get(response["Location"]).content.decode()
    assert 'id="quiz"' in html
    assert 'id="quiz-feedback"' not in html


def test_nobody_sees_another_readers_result(
    client: Client, borrower: User, curriculum: None, lesson_of: LessonGetter
) -> None:
    lesson = lesson_of("reading-your-statement")
    client.force_login(borrower)
    location = client.post(URL + "quiz/", answers(lesson, right=1))["Location"]
    stranger = Client()
    stranger.force_login(make_user("stranger@example.com"))
    for visitor in (stranger, Client()):
        page = visitor.get(location)
        assert page.status_code == 200
        assert 'id="quiz-feedback"' not in page.content.decode()
    for nonsense in ("?result=999999", "?result=abc", "?result=guest", "?result="):
        page = client.get(URL + nonsense)
        assert page.status_code == 200
        assert 'id="quiz-feedback"' not in page.content.decode()


def test_getting_the_quiz_address_leads_back_to_the_lesson(client: Client, curriculum: None) -> None:
    response = client.get(URL + "quiz/")
    assert response.status_code == 302
    assert response["Location"] == f"{URL}#quiz"
    assert client.get(URL + "quiz/", follow=True).status_code == 200


def test_htmx_still_answers_in_place_without_a_redirect(
    client: Client, borrower: User, curriculum: None, lesson_of: LessonGetter
) -> None:
    lesson = lesson_of("reading-your-statement")
    client.force_login(borrower)
    response = client.post(URL + "quiz/", answers(lesson, right=3), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.content.decode().strip().startswith('<section id="quiz"')


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


@pytest.mark.parametrize("result", ["²", "٣", "9" * 40])
def test_a_result_that_is_not_an_attempt_id_shows_the_quiz_blank(
    client: Client, curriculum: None, result: str
) -> None:
    response = client.get(URL, {"result": result})
    assert response.status_code == 200
