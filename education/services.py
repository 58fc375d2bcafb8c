"""Writes of the education app: saving and publishing lessons, reading them, quizzes and reviews.

The editorial workflow is a status field, a transition table held as data (TRANSITIONS), one service
that refuses what the table does not allow (`lesson_transition`) and an audit row for every move.
Four eyes: nobody approves a draft they submitted or wrote part of, whatever the admin shows; only the
editor who submitted a lesson may withdraw it. A lesson whose quiz nobody could pass (a question without
two answers to choose from and exactly one right one) is neither submitted nor published.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.exceptions import ApplicationError
from core.models import AuditEvent
from core.services import audit_record
from education import clock
from education.models import (
    BODY_MAX_CHARS,
    MIN_CHOICES,
    RIGHT_CHOICES,
    Choice,
    Lesson,
    LessonProgress,
    LessonVersion,
    Question,
    QuizAttempt,
    ReviewItem,
)
from education.rendering import RenderError, render_bounded

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

Status = Lesson.Status
DEFAULT_PASS_MARK_PERCENT = 60  # 2 of 3, 3 of 5: most of it, not all of it
# A question answered wrongly comes back after 1 day, then 3, then 7; right three times in a row, it is
# learnt.
REVIEW_INTERVALS_DAYS = (1, 3, 7)
DEFAULT_RENDER_TIMEOUT_SECONDS = 5.0
TEXT_FIELDS = ("title", "summary", "minutes", "body_markdown")
PUBLISH_PERMISSION = "education.publish_lesson"
EDIT_PERMISSION = "education.change_lesson"


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    permission: str
    label: "StrOrPromise"
    needs_comment: bool = False
    four_eyes: bool = False
    author_only: bool = False
    # The move puts the lesson in front of a reviewer or of borrowers, so its quiz must be passable.
    needs_passable_quiz: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition(
            "submit",
            frozenset({Status.DRAFT}),
            Status.IN_REVIEW,
            EDIT_PERMISSION,
            gettext_lazy("Submit for review"),
            needs_passable_quiz=True,
        ),
        Transition(
            "withdraw",
            frozenset({Status.IN_REVIEW}),
            Status.DRAFT,
            EDIT_PERMISSION,
            gettext_lazy("Withdraw from review"),
            author_only=True,
        ),
        Transition(
            "approve",
            frozenset({Status.IN_REVIEW}),
            Status.PUBLISHED,
            PUBLISH_PERMISSION,
            gettext_lazy("Approve and publish"),
            four_eyes=True,
            needs_passable_quiz=True,
        ),
        Transition(
            "send_back",
            frozenset({Status.IN_REVIEW}),
            Status.DRAFT,
            PUBLISH_PERMISSION,
            gettext_lazy("Send back with a comment"),
            needs_comment=True,
        ),
        Transition(
            "unpublish",
            frozenset({Status.PUBLISHED}),
            Status.UNPUBLISHED,
            PUBLISH_PERMISSION,
            gettext_lazy("Unpublish"),
        ),
        Transition(
            "reopen",
            frozenset({Status.PUBLISHED, Status.UNPUBLISHED}),
            Status.DRAFT,
            PUBLISH_PERMISSION,
            gettext_lazy("Make a new draft (takes the lesson offline)"),
        ),
    )
}


def transitions_allowed(*, lesson: Lesson, actor: Any) -> list[Transition]:
    """What this person may do to this lesson now (for the admin's buttons; the service checks again)."""
    return [
        t
        for t in TRANSITIONS.values()
        if lesson.status in t.sources
        and actor.has_perm(t.permission)
        and not _own_draft(t, lesson, actor)
        and not _someone_elses_submission(t, lesson, actor)
    ]


class QuizNotPassableError(ApplicationError):
    """The lesson's quiz could not be passed; `problems` says why, one sentence per question."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.summary = _(
            "Borrowers could not pass this lesson's quiz, so it cannot be submitted or published. Every "
            "question needs at least two answers to choose from, exactly one of them right."
        )
        self.problems = tuple(problems)
        super().__init__(" ".join([self.summary, *self.problems]), code="quiz_not_passable")


def _someone_elses_submission(transition: Transition, lesson: Lesson, actor: Any) -> bool:
    return transition.author_only and lesson.submitted_by_id != actor.pk


def quiz_problems(*, lesson: Lesson) -> list[str]:
    """Why a borrower could not pass this lesson's quiz, one sentence each; empty when they can.

    Every question needs at least MIN_CHOICES answers and exactly RIGHT_CHOICES right one (what
    QuizForm and quiz_submit assume). With every question answerable, a perfect score is 100 %, so the
    pass mark is reachable as long as it is at most 100 %. A lesson without questions is complete once
    read. One query.
    """
    problems: list[str] = []
    questions = list(
        Question.objects.filter(lesson=lesson)
        .annotate(answers=Count("choices"), right=Count("choices", filter=Q(choices__is_correct=True)))
        .order_by("order", "id")
        .values_list("text", "answers", "right")
    )
    for number, (text, answers, right) in enumerate(questions, start=1):
        if answers < MIN_CHOICES:
            problems.append(
                ngettext(
                    "Question %(n)s (“%(question)s”) has %(count)s answer to choose from; it needs at "
                    "least %(min)s.",
                    "Question %(n)s (“%(question)s”) has %(count)s answers to choose from; it needs at "
                    "least %(min)s.",
                    answers,
                )
                % {"n": number, "question": text, "count": answers, "min": MIN_CHOICES}
            )
        elif right == 0:
            problems.append(
                _("Question %(n)s (“%(question)s”) has no right answer; mark exactly one as right.")
                % {"n": number, "question": text}
            )
        elif right != RIGHT_CHOICES:
            problems.append(
                _("Question %(n)s (“%(question)s”) has %(count)s right answers; exactly one must be right.")
                % {"n": number, "question": text, "count": right}
            )
    mark = pass_mark_percent(lesson)
    if questions and mark > 100:
        problems.append(_("The pass mark is %(mark)s%%; nobody can score more than 100%%.") % {"mark": mark})
    return problems


def _own_draft(transition: Transition, lesson: Lesson, actor: Any) -> bool:
    if not transition.four_eyes:
        return False
    if lesson.submitted_by_id == actor.pk:
        return True
    return LessonVersion.objects.filter(
        lesson=lesson, number__gt=lesson.published_version or 0, created_by=actor
    ).exists() or _quiz_author(lesson, actor)


QUIZ_CHANGED = "lesson.quiz_changed"


def _quiz_author(lesson: Lesson, actor: Any) -> bool:
    """Whether this person added, changed or deleted a question or answer of the lesson since it was last
    approved (the quiz changes only in draft, so: in this draft). One query, from the audit trail."""
    rows = AuditEvent.objects.filter(object_type=Lesson._meta.label_lower, object_id=str(lesson.pk))
    last_approved = rows.filter(action="lesson.approve").order_by("-id").values("id")[:1]
    return (
        rows.filter(action=QUIZ_CHANGED, actor=actor)
        .filter(id__gt=Coalesce(Subquery(last_approved), 0))
        .exists()
    )


def lesson_quiz_changed(*, lesson: Lesson, actor: Any, changes: Sequence[str], request: Any = None) -> None:
    """Record that `actor` changed the lesson's quiz (its questions or their answers): that makes them one of
    the draft's authors, so they may not approve it. Call it in the transaction that makes the change."""
    if lesson.status != Status.DRAFT:
        raise ApplicationError(
            _("Only a draft can be edited. Make a new draft of this lesson first."), code="not_draft"
        )
    audit_record(
        action=QUIZ_CHANGED, actor=actor, target=lesson, data={"changes": list(changes)}, request=request
    )


def _render_timeout() -> float:
    return float(getattr(settings, "EDUCATION_RENDER_TIMEOUT_SECONDS", DEFAULT_RENDER_TIMEOUT_SECONDS))


def body_check(body: str) -> None:
    """Refuse a body too long to be a lesson before anything tries to render it."""
    if len(body) > BODY_MAX_CHARS:
        raise ApplicationError(
            _(
                "The lesson body has %(length)s characters; the most a lesson may have is %(limit)s. "
                "Split it into shorter lessons."
            )
            % {"length": f"{len(body):,}", "limit": f"{BODY_MAX_CHARS:,}"},
            code="too_long",
        )


def bodies_render(bodies: Sequence[str]) -> list[str]:
    """Sanitised HTML for each body, rendered outside this process within a time limit."""
    for body in bodies:
        body_check(body)
    if len(bodies) == 1:
        return [body_render(bodies[0])]
    return _render(tuple(bodies))


@lru_cache(maxsize=16)
def body_render(body: str) -> str:
    """One body's HTML. Remembered for a while, so the admin form that checks a body and the service that
    saves it render it once between them."""
    body_check(body)
    return _render((body,))[0]


def _render(bodies: tuple[str, ...]) -> list[str]:
    # A batch (loading the curriculum) gets the limit once per ten bodies.
    timeout = _render_timeout() * max(1, len(bodies) / 10)
    try:
        return render_bounded(bodies, timeout_seconds=timeout)
    except RenderError as error:
        raise ApplicationError(
            _(
                "This text could not be formatted in time. Look for very long runs of brackets, angle "
                "brackets or list markers, and break them up."
            ),
            code="render_failed",
        ) from error


def _version_append(lesson: Lesson, *, actor: Any, note: str) -> LessonVersion:
    last = LessonVersion.objects.filter(lesson=lesson).aggregate(n=Max("number"))["n"] or 0
    return LessonVersion.objects.create(
        lesson=lesson,
        number=last + 1,
        title=lesson.title,
        summary=lesson.summary,
        minutes=lesson.minutes,
        body_markdown=lesson.body_markdown,
        note=note,
        created_by=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
    )


def _text_differs(lesson: Lesson, version: LessonVersion | None) -> bool:
    if version is None:
        return True
    return any(getattr(lesson, name) != getattr(version, name) for name in TEXT_FIELDS)


def lesson_save(*, lesson: Lesson, actor: Any, note: str = "", request: Any = None) -> Lesson:
    """Save an editor's lesson: render its body once, keep the text as a new version if it changed.

    The text of a lesson that is in review or published cannot change: the reviewer approves what
    they read. Make a new draft first.
    """
    with transaction.atomic():
        latest = (
            LessonVersion.objects.filter(lesson=lesson).order_by("-number").first() if lesson.pk else None
        )
        changed = _text_differs(lesson, latest)
        if lesson.pk and changed and lesson.status != Status.DRAFT:
            raise ApplicationError(
                _("Only a draft can be edited. Make a new draft of this lesson first."), code="not_draft"
            )
        if changed or not lesson.body_html:
            lesson.body_html = bodies_render([lesson.body_markdown])[0]
        adding = lesson.pk is None
        lesson.save()
        if changed:
            version = _version_append(lesson, actor=actor, note=note)
            audit_record(
                action="lesson.created" if adding else "lesson.saved",
                actor=actor,
                target=lesson,
                data={"version": version.number},
                request=request,
            )
    return lesson


def lesson_transition(
    *,
    lesson: Lesson,
    action: str,
    actor: Any,
    comment: str = "",
    publish_at: datetime | None = None,
    request: Any = None,
) -> Lesson:
    """Move a lesson through the workflow, if the transition table, the actor's rights and four eyes allow."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ApplicationError(_("Unknown action."), code="unknown_action")
    with transaction.atomic():
        lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
        if lesson.status not in transition.sources:
            raise ApplicationError(
                _("A lesson that is %(status)s cannot be changed that way.")
                % {"status": lesson.get_status_display()},
                code="bad_transition",
            )
        if not actor.has_perm(transition.permission):
            raise ApplicationError(_("You do not have the right to do that."), code="forbidden")
        if _own_draft(transition, lesson, actor):
            if lesson.submitted_by_id != actor.pk and _quiz_author(lesson, actor):
                raise ApplicationError(
                    _(
                        "You changed the questions or answers of this draft's quiz, so you are one of its "
                        "authors: another editor must approve it."
                    ),
                    code="own_draft",
                )
            raise ApplicationError(
                _("You wrote or submitted this draft, so another editor must approve it."), code="own_draft"
            )
        if _someone_elses_submission(transition, lesson, actor):
            raise ApplicationError(
                _(
                    "Only the editor who submitted this lesson can withdraw it. To return it to them, "
                    "send it back with a comment."
                ),
                code="not_author",
            )
        comment = comment.strip()
        if transition.needs_comment and not comment:
            raise ApplicationError(_("Say what needs to change."), code="comment_required")
        if transition.needs_passable_quiz:
            problems = quiz_problems(lesson=lesson)
            if problems:
                raise QuizNotPassableError(problems)
        previous = lesson.status
        now = clock.now()
        lesson.status = transition.target
        if action == "submit":
            lesson.submitted_by = actor
            lesson.submission_comment = comment
            lesson.review_comment = ""
        elif action == "approve":
            lesson.publish_at = max(publish_at, now) if publish_at else now
            lesson.published_version = (
                LessonVersion.objects.filter(lesson=lesson).aggregate(n=Max("number"))["n"] or None
            )
            lesson.review_comment = comment
        elif action == "send_back":
            lesson.review_comment = comment
        if transition.target != Status.PUBLISHED:
            lesson.publish_at = None
        if transition.target == Status.DRAFT:
            lesson.submitted_by = None
            lesson.submission_comment = ""
        lesson.save()
        audit_record(
            action=f"lesson.{action}",
            actor=actor,
            target=lesson,
            reason=comment,
            data={
                "from": previous,
                "to": lesson.status,
                "publish_at": lesson.publish_at.isoformat() if lesson.publish_at else None,
                # Which text went live: the version the reviewer approved.
                **({"version": lesson.published_version} if action == "approve" else {}),
            },
            request=request,
        )
    return lesson


def lesson_version_restore(*, lesson: Lesson, number: int, actor: Any, request: Any = None) -> LessonVersion:
    """Bring back an earlier text as a new version (history is never rewritten)."""
    with transaction.atomic():
        lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
        if lesson.status != Status.DRAFT:
            raise ApplicationError(
                _("Only a draft can be edited. Make a new draft of this lesson first."), code="not_draft"
            )
        old = LessonVersion.objects.filter(lesson=lesson, number=number).first()
        if old is None:
            raise ApplicationError(_("There is no such version."), code="no_version")
        for name in TEXT_FIELDS:
            setattr(lesson, name, getattr(old, name))
        lesson.body_html = bodies_render([lesson.body_markdown])[0]
        lesson.save()
        version = _version_append(lesson, actor=actor, note=_("Restored from version %(n)s") % {"n": number})
        audit_record(
            action="lesson.restored",
            actor=actor,
            target=lesson,
            data={"from_version": number, "version": version.number},
            request=request,
        )
    return version


# --- reading, quizzes and reviews ---------------------------------------------------------------


def pass_mark_percent(lesson: Lesson) -> int:
    if lesson.pass_mark_percent:
        return lesson.pass_mark_percent
    return int(getattr(settings, "EDUCATION_PASS_MARK_PERCENT", DEFAULT_PASS_MARK_PERCENT))


def _progress(user: Any, lesson: Lesson) -> LessonProgress:
    progress, _created = LessonProgress.objects.select_for_update().get_or_create(user=user, lesson=lesson)
    return progress


def _complete_if_done(progress: LessonProgress, *, has_quiz: bool, now: datetime) -> None:
    if progress.completed_at is None and progress.read_at and (progress.passed_at or not has_quiz):
        progress.completed_at = now


def lesson_mark_read(*, user: Any, lesson: Lesson, has_quiz: bool) -> LessonProgress:
    """The signed-in reader opened the lesson. Once read, a lesson without a quiz is complete."""
    with transaction.atomic():
        progress = _progress(user, lesson)
        if progress.read_at is None:
            now = clock.now()
            progress.read_at = now
            _complete_if_done(progress, has_quiz=has_quiz, now=now)
            progress.save()
    return progress


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


def _feedback(questions: Sequence[Question], answers: Mapping[int, int]) -> tuple[AnswerFeedback, ...]:
    out = []
    for question in questions:
        choices: list[Choice] = list(question.choices.all())
        right = next((c for c in choices if c.is_correct), None)
        chosen = next((c for c in choices if c.pk == answers.get(question.pk)), None)
        out.append(
            AnswerFeedback(
                question_id=question.pk,
                question=question.text,
                chosen_id=chosen.pk if chosen else None,
                chosen_text=chosen.text if chosen else "",
                chosen_explanation=chosen.explanation if chosen else "",
                correct=bool(chosen and chosen.is_correct),
                correct_text=right.text if right else "",
                correct_explanation=right.explanation if right else "",
            )
        )
    return tuple(out)


def _review_schedule_wrong(user: Any, question_ids: Sequence[int], today: date) -> None:
    """Wrong answers (in a quiz or a review) start the 1-3-7 schedule again from its first step."""
    due = today + timedelta(days=REVIEW_INTERVALS_DAYS[0])
    for question_id in question_ids:
        ReviewItem.objects.update_or_create(
            user=user, question_id=question_id, defaults={"step": 0, "due_on": due, "retired_at": None}
        )


def quiz_score(
    *, lesson: Lesson, questions: Sequence[Question], answers: Mapping[int, int], saved: bool = False
) -> QuizResult:
    """Score answers against the lesson's pass mark; writes nothing (also shows a kept attempt again).
    `questions` come with their choices prefetched."""
    feedback = _feedback(questions, answers)
    total = len(feedback)
    correct = sum(1 for f in feedback if f.correct)
    mark = pass_mark_percent(lesson)
    return QuizResult(
        correct=correct,
        total=total,
        percent=(correct * 100 // total) if total else 0,
        pass_mark=mark,
        passed=total > 0 and correct * 100 >= mark * total,
        answers=feedback,
        saved=saved,
    )


def quiz_submit(
    *, user: Any, lesson: Lesson, questions: Sequence[Question], answers: Mapping[int, int]
) -> QuizResult:
    """Score a quiz. For a signed-in reader, keep the attempt, the best score, the pass, and schedule the
    questions answered wrongly for review. `questions` come with their choices prefetched."""
    signed_in = bool(getattr(user, "is_authenticated", False))
    result = quiz_score(lesson=lesson, questions=questions, answers=answers, saved=signed_in)
    if not signed_in:
        return result
    feedback = result.answers
    now = clock.now()
    with transaction.atomic():
        attempt = QuizAttempt.objects.create(
            user=user,
            lesson=lesson,
            correct=result.correct,
            total=result.total,
            passed=result.passed,
            answers={str(f.question_id): f.chosen_id for f in feedback},
            submitted_at=now,
        )
        progress = _progress(user, lesson)
        progress.best_score = max(progress.best_score, result.percent)
        if progress.read_at is None:
            progress.read_at = now
        if result.passed and progress.passed_at is None:
            progress.passed_at = now
        _complete_if_done(progress, has_quiz=True, now=now)
        progress.save()
        _review_schedule_wrong(user, [f.question_id for f in feedback if not f.correct], clock.today())
    return replace(result, attempt_id=attempt.pk)


def review_submit(
    *, user: Any, questions: Sequence[Question], answers: Mapping[int, int]
) -> tuple[AnswerFeedback, ...]:
    """Answer due review questions: right moves a question to its next interval (learnt after the last),
    wrong starts it again tomorrow. Only questions actually answered count."""
    answered = [q for q in questions if q.pk in answers]
    feedback = _feedback(answered, answers)
    today = clock.today()
    now = clock.now()
    with transaction.atomic():
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
