"""What must be true of a lesson's content before it goes in front of a reviewer or of borrowers, beyond a
passable quiz (education.rules.quiz_problems): its worked examples' figures are what loanmath computes
and are the figures the text quotes (education.examples), every product feature it promises is there and
working (core.features), and every document it cites (《…》) is listed in its sources.

These are checks, not rewrites: an editor who changes an example sees the recomputed figures beside the
stated ones (the admin's editorial panel) and corrects the text; submitting or approving is refused while
any check fails (education.services.workflow).
"""

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from core.features import feature_problems
from education.examples import ExampleError, FigureCheck, examples_check, examples_covered, examples_problems
from education.models import Choice, Lesson, LessonSource

# A document named in Chinese prose: 《征信业管理条例》.
CITED_DOCUMENT = re.compile(r"《[^》]{2,80}》")
# An amount or percentage with decimals as lessons write them: 1,066.19, 0.49, 18.71%, 1.439 %.
DECIMAL_NUMBER = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+)\.(\d+)(?!\d)(\s?[%％])?")


def figures_uncovered(raw: Any, text: str) -> list[str]:
    """The amounts and percentages with decimals in `text` that no worked example states or takes as an
    input: a figure typed into the text (or changed there) that nothing recomputes. Raises ExampleError."""
    coverage = examples_covered(raw)
    missing: list[str] = []
    for match in DECIMAL_NUMBER.finditer(text):
        number = Decimal(match.group(1).replace(",", "") + "." + match.group(2))
        if number not in (coverage.percents if match.group(3) else coverage.amounts):
            missing.append(match.group(0).strip())
    return list(dict.fromkeys(missing))


@dataclass(frozen=True)
class FigureReport:
    checks: tuple[FigureCheck, ...]
    error: str  # why the examples could not be read; "" when they could


def lesson_text(lesson: Lesson) -> str:
    """The lesson's body and all of its quiz (questions, answers, explanations) in one text. One query."""
    parts = [lesson.title, lesson.summary, lesson.body_markdown]
    choices = Choice.objects.filter(question__lesson=lesson).select_related("question")
    seen: set[int] = set()
    for choice in choices.order_by("question__order", "question_id", "order", "id"):
        if choice.question_id not in seen:
            seen.add(choice.question_id)
            parts.append(choice.question.text)
        parts += [choice.text, choice.explanation]
    return "\n".join(parts)


@lru_cache(maxsize=8)
def _examples_report(examples: str, text: str, language: str) -> tuple[FigureReport, tuple[str, ...]]:
    """The figures and the figure problems of these examples against this text, worked out once: the
    admin's lesson page and review page show both, and the workflow checks them again at submission.
    A pure function of its arguments (the language is there for the sentences), so it may be cached."""
    raw = json.loads(examples)
    try:
        report = FigureReport(checks=examples_check(raw, text=text), error="")
        problems = examples_problems(raw, text=text)
        problems += [
            _(
                "The text quotes %(figure)s, which no worked example states or uses: add it to an example's "
                "figures, or correct it."
            )
            % {"figure": figure}
            for figure in figures_uncovered(raw, text)
        ]
    except ExampleError as error:
        return FigureReport(checks=(), error=error.message), (error.message,)
    return report, tuple(problems)


def _examples_of(lesson: Lesson, text: str) -> tuple[FigureReport, tuple[str, ...]]:
    return _examples_report(json.dumps(lesson.worked_examples, sort_keys=True), text, get_language() or "")


def lesson_figures(lesson: Lesson) -> FigureReport:
    """Each example figure, stated and recomputed, for the editorial panel."""
    return _examples_of(lesson, lesson_text(lesson))[0]


def _sources_problems(lesson: Lesson) -> list[str]:
    cited = sorted(set(CITED_DOCUMENT.findall(lesson.body_markdown)))
    if not cited:
        return []
    titles = list(LessonSource.objects.filter(lesson=lesson).values_list("title", flat=True))
    return [
        _("The text cites %(document)s but the lesson's sources do not list it.") % {"document": document}
        for document in cited
        if not any(document.strip("《》") in title for title in titles)
    ]


def content_problems(lesson: Lesson) -> list[str]:
    """Why this lesson's content may not be submitted or published, one sentence each; empty when it may."""
    return lesson_checks(lesson)[1]


def lesson_checks(lesson: Lesson) -> tuple[FigureReport, list[str]]:
    """The figures for the editorial panel and the problems that block submission, from one reading of
    the lesson's text (one query for its quiz, then sources)."""
    figures, figure_problems = _examples_of(lesson, lesson_text(lesson))
    problems = list(figure_problems)
    promises = lesson.promises if isinstance(lesson.promises, list) else []
    if not isinstance(lesson.promises, list) or not all(isinstance(key, str) for key in promises):
        problems.append(_("The list of promises must be a list of feature names."))
    problems += feature_problems([key for key in promises if isinstance(key, str)])
    return figures, problems + _sources_problems(lesson)


class ContentNotReadyError(ApplicationError):
    """The lesson's figures, promises or sources are not right yet; `problems` says what, a sentence each."""

    def __init__(self, problems: list[str]) -> None:
        self.summary = _(
            "This lesson cannot be submitted or published until its figures, promises and sources are right:"
        )
        self.problems = tuple(problems)
        super().__init__(" ".join([self.summary, *self.problems]), code="content_not_ready")
