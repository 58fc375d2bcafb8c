"""Answers given before, to show their result again, and the questions due for review."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch

from accounts.models import User
from core import business_date as clock
from education.models import Choice, Lesson, Question, QuizAttempt, ReviewItem
from education.quiz import QuestionItem, question_item
from education.selectors.catalogue import visible

REVIEW_BATCH = 10


@dataclass(frozen=True)
class QuizAnswers:
    """Answers given earlier to one language version of a lesson's quiz, to show their result again."""

    lesson_id: int
    answers: dict[int, int]
    saved: bool


def _answers(raw: Any) -> dict[int, int]:
    if not isinstance(raw, dict):
        return {}
    answers = {}
    for question_id, choice_id in raw.items():
        try:
            answers[int(question_id)] = int(choice_id)
        except (TypeError, ValueError):
            continue
    return answers


def quiz_attempt_answers(
    *, course_key: str, lesson_key: str, user: User | AnonymousUser, attempt_id: int
) -> QuizAnswers | None:
    """A signed-in reader's own attempt at this lesson's quiz (None for anyone else's, or once the lesson is
    no longer visible). One query."""
    if not user.is_authenticated:
        return None
    attempt = (
        QuizAttempt.objects.filter(
            visible(clock.now(), "lesson__"),
            pk=attempt_id,
            user=user,
            lesson__course__key=course_key,
            lesson__key=lesson_key,
        )
        .only("lesson_id", "answers")
        .first()
    )
    if attempt is None:
        return None
    return QuizAnswers(lesson_id=attempt.lesson_id, answers=_answers(attempt.answers), saved=True)


def quiz_guest_answers(*, course_key: str, lesson_key: str, stored: Any) -> QuizAnswers | None:
    """What a reader without an account answered (kept in their session), if that lesson version is still
    visible under this address. One query."""
    if not isinstance(stored, dict):
        return None
    try:
        lesson_id = int(stored.get("lesson", ""))
    except (TypeError, ValueError):
        return None
    lesson = Lesson.objects.filter(visible(clock.now()), pk=lesson_id, course__key=course_key, key=lesson_key)
    if not lesson.exists():
        return None
    return QuizAnswers(lesson_id=lesson_id, answers=_answers(stored.get("answers")), saved=False)


def review_questions(*, user: User) -> tuple[QuestionItem, ...]:
    """The questions due for review today, oldest first, a batch at a time (three queries)."""
    ids = list(
        ReviewItem.objects.filter(
            visible(clock.now(), "question__lesson__"),
            user=user,
            retired_at__isnull=True,
            due_on__lte=clock.today(),
        )
        .order_by("due_on", "id")
        .values_list("question_id", flat=True)[:REVIEW_BATCH]
    )
    questions = (
        Question.objects.filter(pk__in=ids)
        .select_related("lesson")
        .prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("order", "id")))
    )
    order = {pk: n for n, pk in enumerate(ids)}
    return tuple(
        question_item(q, language=q.lesson.language) for q in sorted(questions, key=lambda q: order[q.pk])
    )
