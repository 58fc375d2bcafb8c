"""One course, one lesson (as borrowers see it, or an editor's preview), a lesson's quiz, a certificate.

Each returns None where a page would be a 404; the view decides. A lesson is shown in the reader's
language, or in the other one (with a note) when it has not been translated yet.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch
from django.utils import timezone

from accounts.models import User
from core import business_date as clock
from core.i18n import reader_language
from education.models import SOURCE_URL, Choice, Course, Lesson, LessonSource, Question
from education.quiz import Quiz, quiz_of
from education.rules import quiz_problems
from education.selectors.catalogue import (
    CourseItem,
    LessonItem,
    choose_language,
    course_item,
    reader_progress,
    visible,
)

# The lessons that end with a link to the budget planner.
BUDGET_LESSON_KEYS = frozenset({"a-budget-you-can-keep", "building-a-budget"})


@dataclass(frozen=True)
class LessonView:
    """The language version of the lesson the page shows."""

    id: int
    key: str
    language: str
    title: str
    summary: str
    minutes: int
    status_label: str  # for an editor's preview: "Draft", "In review"…


@dataclass(frozen=True)
class SourceItem:
    """A document a lesson's legal or regulatory statements rest on (the lesson's "Sources")."""

    title: str
    issuer: str
    issued: str  # YYYY, YYYY-MM or YYYY-MM-DD, as the editor wrote it
    reference: str
    url: str  # a web address, or "" (an address that is not one is never drawn as a link)


@dataclass(frozen=True)
class LessonPage:
    lesson: LessonView
    course: CourseItem
    item: LessonItem
    body_html: str  # sanitised when the editor saved it (education.rendering)
    quiz: Quiz
    other_language_available: bool
    previous: LessonItem | None
    next: LessonItem | None
    best_score: int | None
    # The lesson ends with a link to the budget planner (the template names its address).
    links_budget_tool: bool
    preview: bool
    # For an editor's preview: why borrowers could not pass the quiz (and so will not see the lesson).
    quiz_problems: tuple[str, ...] = ()
    sources: tuple[SourceItem, ...] = ()


@dataclass(frozen=True)
class Certificate:
    course: CourseItem
    holder: str
    completed_on: date


def _course_lessons(course_key: str, *, now: datetime | None) -> tuple[Course, list[Lesson]] | None:
    """The course's lessons (visible ones, or all when `now` is None for a preview): one query. None when
    it has none."""
    query = Lesson.objects.filter(course__key=course_key).select_related("course")
    if now is not None:
        query = query.filter(visible(now))
    lessons = list(query.order_by("order", "key", "language"))
    if not lessons:
        return None
    return lessons[0].course, lessons


def course_page(*, course_key: str, user: User | AnonymousUser) -> CourseItem | None:
    found = _course_lessons(course_key, now=clock.now())
    if found is None:
        return None
    course, lessons = found
    return course_item(course, lessons, reader_language(), reader_progress(user))


def _quiz(lesson: Lesson) -> Quiz:
    """The lesson's questions with their choices, in the order to show them: two queries."""
    questions = (
        Question.objects.filter(lesson=lesson)
        .prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("order", "id")))
        .order_by("order", "id")
    )
    return quiz_of(lesson, questions)


def _lesson_page(
    lesson: Lesson, course: Course, lessons: Sequence[Lesson], user: User | AnonymousUser, preview: bool
) -> LessonPage:
    language = reader_language()
    progress = reader_progress(user)
    course_lessons = course_item(
        course, [row for row in lessons if row.pk == lesson.pk or row.key != lesson.key], language, progress
    )
    position = next(n for n, i in enumerate(course_lessons.lessons) if i.key == lesson.key)
    return LessonPage(
        lesson=LessonView(
            id=lesson.pk,
            key=lesson.key,
            language=lesson.language,
            title=lesson.title,
            summary=lesson.summary,
            minutes=lesson.minutes,
            status_label=lesson.get_status_display(),
        ),
        course=course_lessons,
        item=course_lessons.lessons[position],
        body_html=lesson.body_html,
        quiz=_quiz(lesson),
        other_language_available=any(row.key == lesson.key and row.pk != lesson.pk for row in lessons),
        previous=course_lessons.lessons[position - 1] if position > 0 else None,
        next=course_lessons.lessons[position + 1] if position + 1 < len(course_lessons.lessons) else None,
        best_score=progress.best_score.get(lesson.pk),
        links_budget_tool=lesson.key in BUDGET_LESSON_KEYS,
        preview=preview,
        sources=tuple(
            SourceItem(title, issuer, issued, reference, url if SOURCE_URL.fullmatch(url) else "")
            for title, issuer, issued, reference, url in LessonSource.objects.filter(lesson=lesson)
            .order_by("order", "id")
            .values_list("title", "issuer", "issued", "reference", "url")
        ),
    )


def lesson_page(
    *, course_key: str, lesson_key: str, user: User | AnonymousUser, lesson_id: int | None = None
) -> LessonPage | None:
    """A visible lesson in the reader's language (or the other one; or exactly version `lesson_id`, the
    one a quiz was answered in). Five queries, and one more for a signed-in reader's progress."""
    found = _course_lessons(course_key, now=clock.now())
    if found is None:
        return None
    course, lessons = found
    versions = [row for row in lessons if row.key == lesson_key]
    if lesson_id is not None:
        lesson = next((row for row in versions if row.pk == lesson_id), None)
    else:
        lesson = choose_language(versions, reader_language()).get(lesson_key)
    if lesson is None:
        return None
    return _lesson_page(lesson, course, lessons, user, preview=False)


def lesson_preview(*, lesson_id: int, user: User) -> LessonPage | None:
    """Any lesson, whatever its status, exactly as a borrower would see it once published (staff only)."""
    lesson = Lesson.objects.select_related("course").filter(pk=lesson_id).first()
    if lesson is None:
        return None
    others = Lesson.objects.filter(visible(clock.now()), course=lesson.course).exclude(pk=lesson.pk)
    lessons = [lesson, *others.select_related("course").order_by("order", "key", "language")]
    page = _lesson_page(lesson, lesson.course, lessons, user, preview=True)
    return replace(page, quiz_problems=tuple(quiz_problems(lesson=lesson)))


def quiz_lesson(*, course_key: str, lesson_key: str, lesson_id: int) -> Quiz | None:
    """The quiz of the exact language version the reader answered, if it is visible under this address."""
    lesson = Lesson.objects.filter(
        visible(clock.now()), pk=lesson_id, course__key=course_key, key=lesson_key
    ).first()
    if lesson is None:
        return None
    return _quiz(lesson)


def certificate(*, course_key: str, user: User) -> Certificate | None:
    """The reader's certificate for a course they completed; None if they have not (or it is not there)."""
    course = course_page(course_key=course_key, user=user)
    if course is None or not course.completed or course.completed_at is None:
        return None
    return Certificate(
        course=course,
        holder=user.get_full_name() or user.email,
        completed_on=timezone.localdate(course.completed_at),
    )
