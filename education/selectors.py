"""Reads for the learning pages: a fixed number of queries each, whatever the number of lessons or rows
of progress, handed on as frozen dataclasses.

A borrower sees a lesson while it is published, its publication time has passed and its quiz can be
passed, evaluated here at query time (`visible`), so a scheduled lesson appears on time with no job to run
and a lesson nobody could complete never appears, however it got published. Each lesson is shown
in the reader's language, or in the other one (with a note) when it has not been translated yet.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from borrowers.models import Loan
from borrowers.selectors import LoanCard, borrower_loan_cards
from core.models import AuditEvent
from education import clock
from education.models import (
    MIN_CHOICES,
    RIGHT_CHOICES,
    Choice,
    Course,
    Lesson,
    LessonProgress,
    Question,
    QuizAttempt,
    RecommendationRule,
    ReviewItem,
    Situation,
)
from education.services import QUIZ_CHANGED, TRANSITIONS, pass_mark_percent, quiz_problems

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

REVIEW_BATCH = 10
RECOMMENDATIONS_SHOWN = 3
# The lessons that end with a link to the budget planner.
BUDGET_LESSON_KEYS = frozenset({"a-budget-you-can-keep", "building-a-budget"})
# Where the hardship (restructuring) app will answer "has this borrower an open application?" with a
# function `(*, user) -> bool`. Until it exists, nobody is in that situation; the rule rows wait in the
# admin and start to match the day the function appears. A deployment may point the setting elsewhere.
DEFAULT_HARDSHIP_SELECTOR = "repayment.selectors.borrower_has_open_hardship_application"
# A payment due within this many days counts as "due soon".
DUE_SOON_DAYS = 3

REASONS: dict[str, "StrOrPromise"] = {
    Situation.NEW_BORROWER: _("New here? Start by learning to read your statement."),
    Situation.DUE_SOON: _("A payment is due within 3 days."),
    Situation.FIRST_MISSED_PAYMENT: _(
        "A payment is late. Here is what happens next and how to keep the cost down."
    ),
    Situation.OVERDUE_30_PLUS: _(
        "Your loan is more than 30 days overdue. Know your rights, and keep away from fake debt-relief "
        "agents."
    ),
    Situation.HARDSHIP: _("You have asked for a hardship plan."),
    Situation.PAID_OFF: _("You paid a loan off: a good moment to start an emergency fund."),
}


def reader_language() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh-hans"


def visible(now: datetime, prefix: str = "") -> Q:
    """Published, its publication time has come, and no question of its quiz is unanswerable (the rule
    education.services.quiz_problems explains to editors)."""
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
class Recommendation:
    lesson: LessonItem
    situation: str
    reason: "StrOrPromise"


@dataclass(frozen=True)
class LearnIndex:
    signed_in: bool
    courses: tuple[CourseItem, ...]
    review_count: int
    recommendations: tuple[Recommendation, ...]
    milestones: tuple[MilestoneItem, ...]


@dataclass(frozen=True)
class ChoiceItem:
    id: int
    text: str


@dataclass(frozen=True)
class QuestionItem:
    id: int
    text: str
    choices: tuple[ChoiceItem, ...]


@dataclass(frozen=True)
class LessonPage:
    lesson: Lesson
    course: CourseItem
    item: LessonItem
    body_html: str
    questions: tuple[Question, ...]
    pass_mark: int
    other_language_available: bool
    previous: LessonItem | None
    next: LessonItem | None
    best_score: int | None
    budget_url: str | None
    preview: bool
    # For an editor's preview: why borrowers could not pass the quiz (and so will not see the lesson).
    quiz_problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Certificate:
    course: CourseItem
    holder: str
    completed_on: date


# --- the catalogue: every visible lesson, in the reader's language where it exists -----------------


@dataclass(frozen=True)
class _Progress:
    read: frozenset[tuple[int, str]]
    completed: dict[tuple[int, str], datetime]
    best_score: dict[int, int]


def _progress(user: Any) -> _Progress:
    if not getattr(user, "is_authenticated", False):
        return _Progress(read=frozenset(), completed={}, best_score={})
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
    return _Progress(read=frozenset(read), completed=completed, best_score=best)


def _lesson_url(course_key: str, key: str) -> str:
    return reverse("education:lesson", args=[course_key, key])


def _item(lesson: Lesson, course: Course, language: str, progress: _Progress) -> LessonItem:
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
        url=_lesson_url(course.key, lesson.key),
        read=ident in progress.read,
        completed=ident in progress.completed,
    )


def _choose_language(rows: Iterable[Lesson], language: str) -> dict[str, Lesson]:
    """One lesson per key: the reader's language if it exists, else the other."""
    chosen: dict[str, Lesson] = {}
    for lesson in rows:
        current = chosen.get(lesson.key)
        if current is None or (lesson.language == language and current.language != language):
            chosen[lesson.key] = lesson
    return chosen


def _course_item(course: Course, lessons: Sequence[Lesson], language: str, progress: _Progress) -> CourseItem:
    chosen = _choose_language(lessons, language)
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
class _Catalogue:
    courses: tuple[CourseItem, ...]
    tags: dict[tuple[str, str], frozenset[str]]  # (course key, lesson key) -> situations
    by_ident: dict[tuple[int, str], tuple[str, str]]  # (course id, lesson key) -> (course key, lesson key)


def _catalogue(*, now: datetime, language: str, progress: _Progress) -> _Catalogue:
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
        _course_item(courses[course_id], rows, language, progress) for course_id, rows in by_course.items()
    )
    return _Catalogue(courses=items, tags={k: frozenset(v) for k, v in tags.items()}, by_ident=by_ident)


def _milestones(courses: Sequence[CourseItem]) -> tuple[MilestoneItem, ...]:
    return (
        MilestoneItem("first_lesson", _("First lesson completed"), any(c.done for c in courses)),
        MilestoneItem("first_course", _("First course completed"), any(c.completed for c in courses)),
        MilestoneItem(
            "all_courses", _("Every course completed"), bool(courses) and all(c.completed for c in courses)
        ),
    )


def review_count(*, user: Any, now: datetime, today: date) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return ReviewItem.objects.filter(
        visible(now, "question__lesson__"), user=user, retired_at__isnull=True, due_on__lte=today
    ).count()


# --- the borrower's situation and what to read now ----------------------------------------------


def _has_open_hardship_application(user: Any) -> bool:
    path = getattr(settings, "EDUCATION_HARDSHIP_SELECTOR", DEFAULT_HARDSHIP_SELECTOR)
    try:
        check = import_string(path)
    except ImportError:
        return False
    return bool(check(user=user))


def borrower_situations(*, user: Any, today: date, cards: Sequence[LoanCard]) -> set[str]:
    """The situations the signed-in borrower is in, from their loans (at most one query beyond `cards`)."""
    situations: set[str] = set()
    for card in cards:
        if card.status == Loan.Status.PAID_OFF:
            situations.add(Situation.PAID_OFF)
        elif card.days_past_due >= 30:
            situations.add(Situation.OVERDUE_30_PLUS)
        elif card.days_past_due >= 1:
            situations.add(Situation.FIRST_MISSED_PAYMENT)
        elif card.amount_due_today > 0 or (
            card.next_due_date is not None and (card.next_due_date - today).days <= DUE_SOON_DAYS
        ):
            situations.add(Situation.DUE_SOON)
    if not cards:
        situations.add(Situation.NEW_BORROWER)
    elif not Loan.objects.filter(
        borrower__user=user, status=Loan.Status.ACTIVE, first_due_date__lte=today
    ).exists() and any(c.status == Loan.Status.ACTIVE for c in cards):
        # Every loan they have is so new that its first instalment is not due yet.
        situations.add(Situation.NEW_BORROWER)
    if _has_open_hardship_application(user):
        situations.add(Situation.HARDSHIP)
    return situations


def _recommend(*, situations: set[str], catalogue: _Catalogue, limit: int) -> tuple[Recommendation, ...]:
    """Apply the active rules for these situations (one query), best priority first; skip lessons that are
    not visible or already completed. Lessons for the same situation come together."""
    if not situations:
        return ()
    items = {(i.course_key, i.key): i for c in catalogue.courses for i in c.lessons}
    chosen: list[Recommendation] = []
    seen: set[tuple[str, str]] = set()
    rules = (
        RecommendationRule.objects.filter(active=True, situation__in=situations)
        .select_related("lesson")
        .order_by("priority", "id")
    )
    for rule in rules:
        if rule.lesson is not None:
            ident = catalogue.by_ident.get((rule.lesson.course_id, rule.lesson.key))
            candidates = [ident] if ident else []
        else:
            candidates = [key for key, tags in catalogue.tags.items() if rule.tag in tags]
        for key in candidates:
            item = items.get(key)
            if item is None or item.completed or key in seen:
                continue
            seen.add(key)
            chosen.append(
                Recommendation(lesson=item, situation=rule.situation, reason=REASONS[rule.situation])
            )
            if len(chosen) >= limit:
                return _grouped(chosen)
    return _grouped(chosen)


def _grouped(chosen: Sequence[Recommendation]) -> tuple[Recommendation, ...]:
    """The same lessons with those for one situation next to each other (situations in the order of their
    best rule), so a page can say each reason once above its lessons (`{% regroup … by situation %}`)."""
    first: dict[str, int] = {}
    for n, recommendation in enumerate(chosen):
        first.setdefault(recommendation.situation, n)
    return tuple(sorted(chosen, key=lambda recommendation: first[recommendation.situation]))


def learning_recommendations(
    *, user: Any, cards: Sequence[LoanCard] | None = None, limit: int = RECOMMENDATIONS_SHOWN
) -> tuple[Recommendation, ...]:
    """What to read now, for the dashboard. Pass the loan cards a page already has to save their queries."""
    if not getattr(user, "is_authenticated", False):
        return ()
    today = clock.today()
    if cards is None:
        cards = borrower_loan_cards(user=user, today=today)
    catalogue = _catalogue(now=clock.now(), language=reader_language(), progress=_progress(user))
    situations = borrower_situations(user=user, today=today, cards=cards)
    return _recommend(situations=situations, catalogue=catalogue, limit=limit)


def learn_index(*, user: Any) -> LearnIndex:
    now, today = clock.now(), clock.today()
    progress = _progress(user)
    catalogue = _catalogue(now=now, language=reader_language(), progress=progress)
    signed_in = bool(getattr(user, "is_authenticated", False))
    recommendations: tuple[Recommendation, ...] = ()
    if signed_in:
        cards = borrower_loan_cards(user=user, today=today)
        situations = borrower_situations(user=user, today=today, cards=cards)
        recommendations = _recommend(situations=situations, catalogue=catalogue, limit=RECOMMENDATIONS_SHOWN)
    return LearnIndex(
        signed_in=signed_in,
        courses=catalogue.courses,
        review_count=review_count(user=user, now=now, today=today),
        recommendations=recommendations,
        milestones=_milestones(catalogue.courses) if signed_in else (),
    )


# --- one course, one lesson ---------------------------------------------------------------------


def _course_lessons(course_key: str, *, now: datetime | None) -> tuple[Course, list[Lesson]]:
    """The course's lessons (visible ones, or all when `now` is None for a preview): one query."""
    query = Lesson.objects.filter(course__key=course_key).select_related("course")
    if now is not None:
        query = query.filter(visible(now))
    lessons = list(query.order_by("order", "key", "language"))
    if not lessons:
        raise Http404
    return lessons[0].course, lessons


def course_page(*, course_key: str, user: Any) -> CourseItem:
    course, lessons = _course_lessons(course_key, now=clock.now())
    return _course_item(course, lessons, reader_language(), _progress(user))


def _questions(lesson: Lesson) -> tuple[Question, ...]:
    return tuple(
        Question.objects.filter(lesson=lesson)
        .prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("order", "id")))
        .order_by("order", "id")
    )


def _budget_url(lesson: Lesson) -> str | None:
    if lesson.key not in BUDGET_LESSON_KEYS:
        return None
    try:
        return reverse("budget:budget")
    except NoReverseMatch:
        return None


def _lesson_page(
    lesson: Lesson, course: Course, lessons: Sequence[Lesson], user: Any, preview: bool
) -> LessonPage:
    language = reader_language()
    progress = _progress(user)
    course_item = _course_item(
        course, [row for row in lessons if row.pk == lesson.pk or row.key != lesson.key], language, progress
    )
    position = next(n for n, i in enumerate(course_item.lessons) if i.key == lesson.key)
    return LessonPage(
        lesson=lesson,
        course=course_item,
        item=course_item.lessons[position],
        body_html=lesson.body_html,
        questions=_questions(lesson),
        pass_mark=pass_mark_percent(lesson),
        other_language_available=any(row.key == lesson.key and row.pk != lesson.pk for row in lessons),
        previous=course_item.lessons[position - 1] if position > 0 else None,
        next=course_item.lessons[position + 1] if position + 1 < len(course_item.lessons) else None,
        best_score=progress.best_score.get(lesson.pk),
        budget_url=_budget_url(lesson),
        preview=preview,
    )


def lesson_page(*, course_key: str, lesson_key: str, user: Any, lesson_id: int | None = None) -> LessonPage:
    """A visible lesson in the reader's language (or the other one; or exactly version `lesson_id`, the
    one a quiz was answered in). Four queries, and one more for a signed-in reader's progress."""
    course, lessons = _course_lessons(course_key, now=clock.now())
    versions = [row for row in lessons if row.key == lesson_key]
    if lesson_id is not None:
        lesson = next((row for row in versions if row.pk == lesson_id), None)
    else:
        lesson = _choose_language(versions, reader_language()).get(lesson_key)
    if lesson is None:
        raise Http404
    return _lesson_page(lesson, course, lessons, user, preview=False)


def lesson_preview(*, lesson_id: int, user: Any) -> LessonPage:
    """Any lesson, whatever its status, exactly as a borrower would see it once published (staff only)."""
    lesson = Lesson.objects.select_related("course").filter(pk=lesson_id).first()
    if lesson is None:
        raise Http404
    others = Lesson.objects.filter(visible(clock.now()), course=lesson.course).exclude(pk=lesson.pk)
    lessons = [lesson, *others.select_related("course").order_by("order", "key", "language")]
    page = _lesson_page(lesson, lesson.course, lessons, user, preview=True)
    return replace(page, quiz_problems=tuple(quiz_problems(lesson=lesson)))


def quiz_lesson(*, course_key: str, lesson_key: str, lesson_id: int) -> tuple[Lesson, tuple[Question, ...]]:
    """The exact language version the reader answered, if it is visible under this address."""
    lesson = (
        Lesson.objects.filter(visible(clock.now()), pk=lesson_id, course__key=course_key, key=lesson_key)
        .select_related("course")
        .first()
    )
    if lesson is None:
        raise Http404
    return lesson, _questions(lesson)


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
    *, course_key: str, lesson_key: str, user: Any, attempt_id: int
) -> QuizAnswers | None:
    """A signed-in reader's own attempt at this lesson's quiz (None for anyone else's, or once the lesson is
    no longer visible). One query."""
    if not getattr(user, "is_authenticated", False):
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


def review_questions(*, user: Any) -> tuple[Question, ...]:
    """The questions due for review today, oldest first, a batch at a time."""
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
        .select_related("lesson__course")
        .prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("order", "id")))
    )
    order = {pk: n for n, pk in enumerate(ids)}
    return tuple(sorted(questions, key=lambda q: order[q.pk]))


def certificate(*, course_key: str, user: Any) -> Certificate:
    course = course_page(course_key=course_key, user=user)
    if not course.completed or course.completed_at is None:
        raise Http404
    return Certificate(
        course=course,
        holder=user.get_full_name() or user.email,
        completed_on=timezone.localdate(course.completed_at),
    )


# --- the editorial record -----------------------------------------------------------------------

HISTORY_LABELS: dict[str, "StrOrPromise"] = {
    "lesson.created": pgettext_lazy("editorial history", "Created"),
    "lesson.saved": pgettext_lazy("editorial history", "Saved"),
    "lesson.restored": _("Restored an earlier version"),
    "curriculum.lesson_revised": _("Updated from the starter curriculum"),
    QUIZ_CHANGED: _("Changed the quiz"),
    **{f"lesson.{action}": transition.label for action, transition in TRANSITIONS.items()},
}


@dataclass(frozen=True)
class WorkflowEvent:
    occurred_at: datetime
    actor: str
    action: "StrOrPromise"
    version: int | None
    comment: str


def lesson_history(*, lesson: Lesson, limit: int = 50) -> tuple[WorkflowEvent, ...]:
    """What happened to this lesson, newest first, with each comment (the editor's note on submitting,
    the reviewer's on sending back): one query, from the audit trail."""
    rows = (
        AuditEvent.objects.filter(
            object_type=Lesson._meta.label_lower, object_id=str(lesson.pk), action__in=list(HISTORY_LABELS)
        )
        .select_related("actor")
        .order_by("-occurred_at", "-id")[:limit]
    )
    return tuple(
        WorkflowEvent(
            occurred_at=row.occurred_at,
            actor=str(row.actor) if row.actor else "—",
            action=HISTORY_LABELS[row.action],
            version=row.data.get("version") if isinstance(row.data, dict) else None,
            comment=row.reason,
        )
        for row in rows
    )
