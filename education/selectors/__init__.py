"""Reads for the learning pages: a fixed number of queries each, whatever the number of lessons or rows
of progress, handed on as frozen dataclasses of plain data.

A borrower sees a lesson while it is published, its publication time has passed and its quiz can be
passed, evaluated here at query time (`visible`), so a scheduled lesson appears on time with no job to run
and a lesson nobody could complete never appears, however it got published. Each lesson is shown
in the reader's language, or in the other one (with a note) when it has not been translated yet.

By what they read: `catalogue` (every visible lesson with the reader's progress), `recommendations`
(the borrower's situation and what to read now), `lessons` (a course, a lesson, its quiz, a
certificate), `answers` (answers given before; the review) and `history` (the editorial record).
Selectors never import services; the rules both apply are in education.rules. Callers import this
package: `from education import selectors`.
"""

from education.quiz import ChoiceItem, QuestionItem, Quiz
from education.selectors.answers import (
    REVIEW_BATCH,
    QuizAnswers,
    quiz_attempt_answers,
    quiz_guest_answers,
    review_questions,
)
from education.selectors.catalogue import CourseItem, LessonItem, MilestoneItem, review_count, visible
from education.selectors.history import HISTORY_LABELS, WorkflowEvent, lesson_history
from education.selectors.lessons import (
    BUDGET_LESSON_KEYS,
    Certificate,
    LessonPage,
    LessonView,
    certificate,
    course_page,
    lesson_page,
    lesson_preview,
    quiz_lesson,
)
from education.selectors.recommendations import (
    DUE_SOON_DAYS,
    REASONS,
    RECOMMENDATIONS_SHOWN,
    LearnIndex,
    Recommendation,
    borrower_situations,
    learn_index,
    learning_recommendations,
)

__all__ = [
    "BUDGET_LESSON_KEYS",
    "DUE_SOON_DAYS",
    "HISTORY_LABELS",
    "REASONS",
    "RECOMMENDATIONS_SHOWN",
    "REVIEW_BATCH",
    "Certificate",
    "ChoiceItem",
    "CourseItem",
    "LearnIndex",
    "LessonItem",
    "LessonPage",
    "LessonView",
    "MilestoneItem",
    "QuestionItem",
    "Quiz",
    "QuizAnswers",
    "Recommendation",
    "WorkflowEvent",
    "borrower_situations",
    "certificate",
    "course_page",
    "learn_index",
    "learning_recommendations",
    "lesson_history",
    "lesson_page",
    "lesson_preview",
    "quiz_attempt_answers",
    "quiz_guest_answers",
    "quiz_lesson",
    "review_count",
    "review_questions",
    "visible",
]
