"""A signed-in reader's progress through a lesson: read, passed, completed."""

from datetime import datetime

from django.db import transaction

from accounts.models import User
from core import business_date as clock
from education.models import LessonProgress


def progress_for_update(user: User, lesson_id: int) -> LessonProgress:
    """The reader's progress row for this lesson, locked; made if they have none. Call it in a transaction."""
    progress, _created = LessonProgress.objects.select_for_update().get_or_create(
        user=user, lesson_id=lesson_id
    )
    return progress


def complete_if_done(progress: LessonProgress, *, has_quiz: bool, now: datetime) -> None:
    """Read, and passed if there is a quiz: complete (once; the first time counts)."""
    if progress.completed_at is None and progress.read_at and (progress.passed_at or not has_quiz):
        progress.completed_at = now


@transaction.atomic(durable=True)
def lesson_mark_read(*, user: User, lesson_id: int, has_quiz: bool) -> LessonProgress:
    """The signed-in reader opened the lesson. Once read, a lesson without a quiz is complete."""
    progress = progress_for_update(user, lesson_id)
    if progress.read_at is None:
        now = clock.now()
        progress.read_at = now
        complete_if_done(progress, has_quiz=has_quiz, now=now)
        progress.save()
    return progress
