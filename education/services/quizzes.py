"""Quiz attempts and spaced review: scoring answers, keeping a signed-in reader's attempt and best score,
and bringing the questions they missed back after 1, 3 and 7 days."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from accounts.models import User
from core import business_date as clock
from education.models import QuizAttempt, ReviewItem
from education.quiz import QuestionItem, Quiz
from education.services.progress import complete_if_done, progress_for_update

# A question answered wrongly comes back after 1 day, then 3, then 7; right three times in a row, it is
# learnt.
REVIEW_INTERVALS_DAYS = (1, 3, 7)


@dataclass(frozen=True)
class AnswerFeedback:
    question_id: int
    question: str
    chosen_id: int | None
    chosen_text: str
    chosen_explanation: str
    correct: bool
    correct_text: str
    correct_explanation: str


@dataclass(frozen=True)
class QuizResult:
    correct: int
    total: int
    percent: int
    pass_mark: int
    passed: bool
    answers: tuple[AnswerFeedback, ...]
    saved: bool
    attempt_id: int | None = None  # the QuizAttempt kept for a signed-in reader


def _feedback(questions: Sequence[QuestionItem], answers: Mapping[int, int]) -> tuple[AnswerFeedback, ...]:
    out = []
    for question in questions:
        right = next((c for c in question.choices if c.is_correct), None)
        chosen = next((c for c in question.choices if c.id == answers.get(question.id)), None)
        out.append(
            AnswerFeedback(
                question_id=question.id,
                question=question.text,
                chosen_id=chosen.id if chosen else None,
                chosen_text=chosen.text if chosen else "",
                chosen_explanation=chosen.explanation if chosen else "",
                correct=bool(chosen and chosen.is_correct),
                correct_text=right.text if right else "",
                correct_explanation=right.explanation if right else "",
            )
        )
    return tuple(out)


def _review_schedule_wrong(user: User, question_ids: Sequence[int], today: date) -> None:
    """Wrong answers (in a quiz or a review) start the 1-3-7 schedule again from its first step."""
    due = today + timedelta(days=REVIEW_INTERVALS_DAYS[0])
    for question_id in question_ids:
        ReviewItem.objects.update_or_create(
            user=user, question_id=question_id, defaults={"step": 0, "due_on": due, "retired_at": None}
        )


def quiz_score(*, quiz: Quiz, answers: Mapping[int, int], saved: bool = False) -> QuizResult:
    """Score answers against the quiz's pass mark; writes nothing (also shows a kept attempt again)."""
    feedback = _feedback(quiz.questions, answers)
    total = len(feedback)
    correct = sum(1 for f in feedback if f.correct)
    mark = quiz.pass_mark
    return QuizResult(
        correct=correct,
        total=total,
        percent=(correct * 100 // total) if total else 0,
        pass_mark=mark,
        passed=total > 0 and correct * 100 >= mark * total,
        answers=feedback,
        saved=saved,
    )


def quiz_submit(*, user: User | AnonymousUser, quiz: Quiz, answers: Mapping[int, int]) -> QuizResult:
    """Score a quiz. For a signed-in reader, keep the attempt, the best score, the pass, and schedule the
    questions answered wrongly for review."""
    if not isinstance(user, User) or not user.is_authenticated:
        return quiz_score(quiz=quiz, answers=answers, saved=False)
    result = quiz_score(quiz=quiz, answers=answers, saved=True)
    feedback = result.answers
    now = clock.now()
    with transaction.atomic(durable=True):
        attempt = QuizAttempt.objects.create(
            user=user,
            lesson_id=quiz.lesson_id,
            correct=result.correct,
            total=result.total,
            passed=result.passed,
            answers={str(f.question_id): f.chosen_id for f in feedback},
            submitted_at=now,
        )
        progress = progress_for_update(user, quiz.lesson_id)
        progress.best_score = max(progress.best_score, result.percent)
        if progress.read_at is None:
            progress.read_at = now
        if result.passed and progress.passed_at is None:
            progress.passed_at = now
        complete_if_done(progress, has_quiz=True, now=now)
        progress.save()
        _review_schedule_wrong(user, [f.question_id for f in feedback if not f.correct], clock.today())
    return replace(result, attempt_id=attempt.pk)


@transaction.atomic(durable=True)
def review_submit(
    *, user: User, questions: Sequence[QuestionItem], answers: Mapping[int, int]
) -> tuple[AnswerFeedback, ...]:
    """Answer due review questions: right moves a question to its next interval (learnt after the last),
    wrong starts it again tomorrow. Only questions actually answered count."""
    answered = [q for q in questions if q.id in answers]
    feedback = _feedback(answered, answers)
    today = clock.today()
    now = clock.now()
    items = {
        item.question_id: item
        for item in ReviewItem.objects.select_for_update().filter(
            user=user, question_id__in=[f.question_id for f in feedback], retired_at__isnull=True
        )
    }
    wrong = []
    for f in feedback:
        item = items.get(f.question_id)
        if item is None or item.due_on > today:
            continue
        if not f.correct:
            wrong.append(f.question_id)
            continue
        item.step += 1
        if item.step >= len(REVIEW_INTERVALS_DAYS):
            item.retired_at = now
        else:
            item.due_on = today + timedelta(days=REVIEW_INTERVALS_DAYS[item.step])
        item.save(update_fields=["step", "due_on", "retired_at"])
    _review_schedule_wrong(user, wrong, today)
    return feedback
