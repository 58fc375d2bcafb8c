"""A lesson's quiz as plain data: what the selectors hand to a page and what the services score.

The right answer and the explanations travel with each choice because scoring and feedback need them;
a page shows an explanation only once the reader has answered.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from education.models import Lesson, Question
from education.rules import pass_mark_percent


@dataclass(frozen=True)
class ChoiceItem:
    id: int
    text: str
    is_correct: bool
    explanation: str


@dataclass(frozen=True)
class QuestionItem:
    id: int
    text: str
    language: str  # its lesson's: a review mixes lessons, so a question may be in another language
    choices: tuple[ChoiceItem, ...]


@dataclass(frozen=True)
class Quiz:
    """One language version of a lesson's quiz (`lesson_id`) with the mark that passes it."""

    lesson_id: int
    pass_mark: int
    questions: tuple[QuestionItem, ...]


def question_item(question: Question, *, language: str) -> QuestionItem:
    """`question` with its choices prefetched (in the order to show them): no query."""
    return QuestionItem(
        id=question.pk,
        text=question.text,
        language=language,
        choices=tuple(
            ChoiceItem(id=c.pk, text=c.text, is_correct=c.is_correct, explanation=c.explanation)
            for c in question.choices.all()
        ),
    )


def quiz_of(lesson: Lesson, questions: Iterable[Question]) -> Quiz:
    """The lesson's quiz from its questions (choices prefetched): no query."""
    return Quiz(
        lesson_id=lesson.pk,
        pass_mark=pass_mark_percent(lesson),
        questions=tuple(question_item(q, language=lesson.language) for q in questions),
    )
