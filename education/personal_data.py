"""What education holds about a person, for their data rights (privacy puts the apps together): lesson
progress, quiz answers and spaced review. Learning records are worth nothing without the person and no
law makes us keep them, so erasing deletes them."""

from typing import TYPE_CHECKING

from core.personal_data import Table, values_table
from education.models import LessonProgress, QuizAttempt, ReviewItem

if TYPE_CHECKING:
    from accounts.models import User


def export_tables(*, user: "User") -> tuple[Table, ...]:
    """One query per table."""
    return (
        values_table(
            "lesson_progress",
            LessonProgress.objects.filter(user=user).order_by("id"),
            ("lesson__key", "lesson__language", "read_at", "best_score", "passed_at", "completed_at"),
        ),
        values_table(
            "quiz_answers",
            QuizAttempt.objects.filter(user=user).order_by("submitted_at", "id"),
            ("lesson__key", "lesson__language", "correct", "total", "passed", "answers", "submitted_at"),
        ),
        values_table(
            "review_items",
            ReviewItem.objects.filter(user=user).order_by("id"),
            ("question_id", "step", "due_on", "retired_at"),
        ),
    )


def erase(*, user: "User") -> dict[str, int]:
    return {
        "lesson_progress": LessonProgress.objects.filter(user=user).delete()[0],
        "quiz_attempts": QuizAttempt.objects.filter(user=user).delete()[0],
        "review_items": ReviewItem.objects.filter(user=user).delete()[0],
    }
