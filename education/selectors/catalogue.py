"""The catalogue: every visible lesson, in the reader's language where it exists, with the reader's
progress. Two queries for the lessons and their tags, one for the progress, whatever their number.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from education.models import MIN_CHOICES, RIGHT_CHOICES, Course, Lesson, LessonProgress, Question, ReviewItem

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise


def visible(now: datetime, prefix: str = "") -> Q:
    """Published, its publication time has come, and no question of its quiz is unanswerable (the rule
    education.rules.quiz_problems explains to editors)."""
    unanswerable = (
        Question.objects.filter(lesson=OuterRef(f"{prefix}pk"))
        .annotate(answers=Count("choices"), right=Count("choices", filter=Q(choices__is_correct=True)))
        .filter(Q(answers__lt=MIN_CHOICES) | ~Q(right=RIGHT_CHOICES))
    )
    return Q(**{f"{prefix}status": Lesson.Status.PUBLISHED, f"{prefix}publish_at__lte": now}) & ~Q(
        Exists(unanswerable)
    )


@dataclass(frozen=True)
class LessonItem:
    id: int
    course_key: str
    key: str
    title: str
    summary: str
    minutes: int
    language: str
    in_reader_language: bool
    url: str
    read: bool
    completed: bool


@dataclass(frozen=True)
class CourseItem:
    key: str
    title: str
    summary: str
    url: str
    lessons: tuple[LessonItem, ...]
    done: int
    total: int
    completed: bool
    completed_at: datetime | None


@dataclass(frozen=True)
class MilestoneItem:
    key: str
    label: "StrOrPromise"
    achieved: bool


@dataclass(frozen=True)
class Progress:
    read: frozenset[tuple[int, str]]  # (course id, lesson key), whichever language was read
    completed: dict[tuple[int, str], datetime]
    best_score: dict[int, int]  # lesson id -> percent


def reader_progress(user: User | AnonymousUser) -> Progress:
    """What the reader has read, completed and scored (one query; none for a visitor)."""
    if not user.is_authenticated:
        return Progress(read=frozenset(), completed={}, best_score={})
    read: set[tuple[int, str]] = set()
    completed: dict[tuple[int, str], datetime] = {}
    best: dict[int, int] = {}
    rows = LessonProgress.objects.filter(user=user).values_list(
        "lesson_id", "lesson__course_id", "lesson__key", "read_at", "completed_at", "best_score"
    )
    for lesson_id, course_id, key, read_at, completed_at, best_score in rows:
        if read_at:
            read.add((course_id, key))
        if completed_at:
            earlier = completed.get((course_id, key))
            completed[(course_id, key)] = min(completed_at, earlier) if earlier else completed_at
        best[lesson_id] = best_score
    return Progress(read=frozenset(read), completed=completed, best_score=best)


def lesson_url(course_key: str, key: str) -> str:
    return reverse("education:lesson", args=[course_key, key])


def _item(lesson: Lesson, course: Course, language: str, progress: Progress) -> LessonItem:
    ident = (course.pk, lesson.key)
    return LessonItem(
        id=lesson.pk,
        course_key=course.key,
        key=lesson.key,
        title=lesson.title,
        summary=lesson.summary,
        minutes=lesson.minutes,
        language=lesson.language,
        in_reader_language=lesson.language == language,
        url=lesson_url(course.key, lesson.key),
        read=ident in progress.read,
        completed=ident in progress.completed,
    )


def choose_language(rows: Iterable[Lesson], language: str) -> dict[str, Lesson]:
    """One lesson per key: the reader's language if it exists, else the other."""
    chosen: dict[str, Lesson] = {}
    for lesson in rows:
        current = chosen.get(lesson.key)
        if current is None or (lesson.language == language and current.language != language):
            chosen[lesson.key] = lesson
    return chosen


def course_item(course: Course, lessons: Sequence[Lesson], language: str, progress: Progress) -> CourseItem:
    chosen = choose_language(lessons, language)
    items = tuple(
        _item(lesson, course, language, progress)
        for lesson in sorted(chosen.values(), key=lambda lesson: (lesson.order, lesson.key))
    )
    done_times = [progress.completed[(course.pk, i.key)] for i in items if i.completed]
    complete = bool(items) and len(done_times) == len(items)
    return CourseItem(
        key=course.key,
        title=course.title,
        summary=course.summary,
        url=reverse("education:course", args=[course.key]),
        lessons=items,
        done=len(done_times),
        total=len(items),
        completed=complete,
        completed_at=max(done_times) if complete else None,
    )


@dataclass(frozen=True)
class Catalogue:
    courses: tuple[CourseItem, ...]
    tags: dict[tuple[str, str], frozenset[str]]  # (course key, lesson key) -> situations
    by_ident: dict[tuple[int, str], tuple[str, str]]  # (course id, lesson key) -> (course key, lesson key)


def catalogue(*, now: datetime, language: str, progress: Progress) -> Catalogue:
    """Two queries: the visible lessons with their courses, and their situation tags."""
    lessons = list(
        Lesson.objects.filter(visible(now))
        .select_related("course")
        .prefetch_related("tags")
        .order_by("course__order", "course__key", "order", "key", "language")
    )
    by_course: dict[int, list[Lesson]] = {}
    courses: dict[int, Course] = {}
    tags: dict[tuple[str, str], set[str]] = {}
    by_ident: dict[tuple[int, str], tuple[str, str]] = {}
    for lesson in lessons:
        by_course.setdefault(lesson.course_id, []).append(lesson)
        courses[lesson.course_id] = lesson.course
        tags.setdefault((lesson.course.key, lesson.key), set()).update(t.situation for t in lesson.tags.all())
        by_ident[(lesson.course_id, lesson.key)] = (lesson.course.key, lesson.key)
    items = tuple(
        course_item(courses[course_id], rows, language, progress) for course_id, rows in by_course.items()
    )
    return Catalogue(courses=items, tags={k: frozenset(v) for k, v in tags.items()}, by_ident=by_ident)


def milestones(courses: Sequence[CourseItem]) -> tuple[MilestoneItem, ...]:
    return (
        MilestoneItem("first_lesson", _("First lesson completed"), any(c.done for c in courses)),
        MilestoneItem("first_course", _("First course completed"), any(c.completed for c in courses)),
        MilestoneItem(
            "all_courses", _("Every course completed"), bool(courses) and all(c.completed for c in courses)
        ),
    )


def review_count(*, user: User | AnonymousUser, now: datetime, today: date) -> int:
    """How many questions are due for review today (one query; none for a visitor)."""
    if not user.is_authenticated:
        return 0
    return ReviewItem.objects.filter(
        visible(now, "question__lesson__"), user=user, retired_at__isnull=True, due_on__lte=today
    ).count()
