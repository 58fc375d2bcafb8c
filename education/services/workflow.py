"""The editorial workflow: saving lessons, moving them through the transition table, restoring versions,
and recording who changed a draft's quiz.

The workflow is a status field, a transition table held as data (education.rules.TRANSITIONS), one
service that refuses what the table does not allow (`lesson_transition`) and an audit row for every move.
Four eyes: nobody approves a draft they submitted or wrote part of, whatever the admin shows; only the
editor who submitted a lesson may withdraw it. A lesson whose quiz nobody could pass (a question without
two answers to choose from and exactly one right one) is neither submitted nor published.
"""

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.models import User
from core import business_date as clock
from core.exceptions import ApplicationError
from core.models import AuditEvent
from core.services import audit_record
from education.content_checks import ContentNotReadyError, content_problems
from education.models import Lesson, LessonVersion
from education.rules import QUIZ_CHANGED, TRANSITIONS, Status, Transition, quiz_problems
from education.services.bodies import bodies_render

# What a version keeps: the text and what is checked with it (the worked examples, the promises).
TEXT_FIELDS = ("title", "summary", "minutes", "body_markdown", "worked_examples", "promises")
# The audit action of a change to a lesson's other settings (its order, its pass mark…), named as the
# admin names every change it makes (core.admin.AuditedModelAdmin).
SETTINGS_CHANGED = "admin.lesson.changed"


def transitions_allowed(*, lesson: Lesson, actor: User) -> list[Transition]:
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


def _someone_elses_submission(transition: Transition, lesson: Lesson, actor: User) -> bool:
    return transition.author_only and lesson.submitted_by_id != actor.pk


def _own_draft(transition: Transition, lesson: Lesson, actor: User) -> bool:
    if not transition.four_eyes:
        return False
    if lesson.submitted_by_id == actor.pk:
        return True
    return LessonVersion.objects.filter(
        lesson=lesson, number__gt=lesson.published_version or 0, created_by=actor
    ).exists() or _quiz_author(lesson, actor)


def _quiz_author(lesson: Lesson, actor: User) -> bool:
    """Whether this person added, changed or deleted a question or answer of the lesson since it was last
    approved (the quiz changes only in draft, so: in this draft). One query, from the audit trail."""
    rows = AuditEvent.objects.filter(object_type=Lesson._meta.label_lower, object_id=str(lesson.pk))
    last_approved = rows.filter(action="lesson.approve").order_by("-id").values("id")[:1]
    return (
        rows.filter(action=QUIZ_CHANGED, actor=actor)
        .filter(id__gt=Coalesce(Subquery(last_approved), 0))
        .exists()
    )


def lesson_quiz_changed(
    *, lesson: Lesson, actor: User, changes: Sequence[str], request: HttpRequest | None = None
) -> None:
    """Record that `actor` changed the lesson's quiz (its questions or their answers): that makes them one of
    the draft's authors, so they may not approve it. Call it in the transaction that makes the change."""
    if lesson.status != Status.DRAFT:
        raise ApplicationError(
            _("Only a draft can be edited. Make a new draft of this lesson first."), code="not_draft"
        )
    audit_record(
        action=QUIZ_CHANGED, actor=actor, target=lesson, data={"changes": list(changes)}, request=request
    )


@transaction.atomic(durable=True)
def questions_delete(
    *,
    lessons: QuerySet[Lesson],
    actor: User,
    delete: Callable[[], None],
    request: HttpRequest | None = None,
) -> None:
    """Delete questions of these draft lessons in bulk: each lesson records the quiz change, and `delete`
    (the admin's own bulk deletion, which writes its audit rows) runs in the same transaction, so the
    rows and the deletion land together. The admin's "delete selected" is not in a transaction itself."""
    for lesson in lessons:
        lesson_quiz_changed(lesson=lesson, actor=actor, changes=["question.deleted"], request=request)
    delete()


def lesson_version_create(
    *, lesson: Lesson, number: int, note: str, created_by: User | None = None
) -> LessonVersion:
    """The lesson's text as it is now (TEXT_FIELDS), kept as version `number`. Every version is written
    here: by the editors' saves and restores, and by the starter curriculum's loader (created_by None)."""
    return LessonVersion.objects.create(
        lesson=lesson,
        number=number,
        note=note,
        created_by=created_by,
        **{name: getattr(lesson, name) for name in TEXT_FIELDS},
    )


def _version_append(lesson: Lesson, *, actor: User | None, note: str) -> LessonVersion:
    last = LessonVersion.objects.filter(lesson=lesson).aggregate(n=Max("number"))["n"] or 0
    return lesson_version_create(
        lesson=lesson,
        number=last + 1,
        note=note,
        created_by=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
    )


def _text_differs(lesson: Lesson, version: LessonVersion | None) -> bool:
    if version is None:
        return True
    return any(getattr(lesson, name) != getattr(version, name) for name in TEXT_FIELDS)


def lesson_save(
    *,
    lesson: Lesson,
    actor: User | None,
    note: str = "",
    settings_changed: dict[str, Any] | list[str] | None = None,
    request: HttpRequest | None = None,
) -> Lesson:
    """Save an editor's lesson: render its body once, keep the text as a new version if it changed.

    The text of a lesson that is in review or published cannot change: the reviewer approves what
    they read. Make a new draft first. `settings_changed` (the admin's before and after of the lesson's
    other fields, or their names) is audited with the save; those may change in any status.

    Not durable: the admin saves inside the transaction of its change form.
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
        if settings_changed:
            audit_record(
                action=SETTINGS_CHANGED,
                actor=actor,
                target=lesson,
                data={"fields": settings_changed},
                request=request,
            )
    return lesson


def _refusal(transition: Transition, lesson: Lesson, actor: User, comment: str) -> ApplicationError | None:
    """Why this actor may not make this move now, or None (the checks, in the order editors meet them)."""
    if lesson.status not in transition.sources:
        return ApplicationError(
            _("A lesson that is %(status)s cannot be changed that way.")
            % {"status": lesson.get_status_display()},
            code="bad_transition",
        )
    if not actor.has_perm(transition.permission):
        return ApplicationError(_("You do not have the right to do that."), code="forbidden")
    if _own_draft(transition, lesson, actor):
        if lesson.submitted_by_id != actor.pk and _quiz_author(lesson, actor):
            return ApplicationError(
                _(
                    "You changed the questions or answers of this draft's quiz, so you are one of its "
                    "authors: another editor must approve it."
                ),
                code="own_draft",
            )
        return ApplicationError(
            _("You wrote or submitted this draft, so another editor must approve it."), code="own_draft"
        )
    if _someone_elses_submission(transition, lesson, actor):
        return ApplicationError(
            _(
                "Only the editor who submitted this lesson can withdraw it. To return it to them, "
                "send it back with a comment."
            ),
            code="not_author",
        )
    if transition.needs_comment and not comment:
        return ApplicationError(_("Say what needs to change."), code="comment_required")
    if transition.needs_passable_quiz:
        problems = quiz_problems(lesson=lesson)
        if problems:
            return QuizNotPassableError(problems)
        problems = content_problems(lesson)
        if problems:
            return ContentNotReadyError(problems)
    return None


@transaction.atomic(durable=True)
def lesson_transition(
    *,
    lesson: Lesson,
    action: str,
    actor: User,
    comment: str = "",
    publish_at: datetime | None = None,
    request: HttpRequest | None = None,
) -> Lesson:
    """Move a lesson through the workflow, if the transition table, the actor's rights and four eyes allow."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ApplicationError(_("Unknown action."), code="unknown_action")
    lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
    comment = comment.strip()
    refusal = _refusal(transition, lesson, actor, comment)
    if refusal is not None:
        raise refusal
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


@transaction.atomic(durable=True)
def lesson_version_restore(
    *, lesson: Lesson, number: int, actor: User, request: HttpRequest | None = None
) -> LessonVersion:
    """Bring back an earlier text as a new version (history is never rewritten)."""
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
