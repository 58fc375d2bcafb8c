"""The rules of lessons and their quizzes that both the reads (education.selectors) and the writes
(education.services) apply: the editorial transition table, the pass mark, and what makes a quiz
passable. They live here, below both, so a selector never has to import a service.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from education.models import MIN_CHOICES, RIGHT_CHOICES, Lesson, Question

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

Status = Lesson.Status
DEFAULT_PASS_MARK_PERCENT = 60  # 2 of 3, 3 of 5: most of it, not all of it
PUBLISH_PERMISSION = "education.publish_lesson"
EDIT_PERMISSION = "education.change_lesson"
# The audit action that makes whoever changed a draft's quiz one of its authors (four eyes).
QUIZ_CHANGED = "lesson.quiz_changed"


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
    # The move puts the lesson in front of a reviewer or of borrowers, so its quiz must be passable and
    # its content checked (education.content_checks: figures, promises, sources).
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


def pass_mark_percent(lesson: Lesson) -> int:
    if lesson.pass_mark_percent:
        return lesson.pass_mark_percent
    return int(getattr(settings, "EDUCATION_PASS_MARK_PERCENT", DEFAULT_PASS_MARK_PERCENT))


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
