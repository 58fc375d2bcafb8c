"""Writes of the education app: saving and publishing lessons, reading them, quizzes and reviews.

The only transaction and audit boundary of the app. By noun: `workflow` (lessons through the editorial
workflow, their versions and quiz changes), `bodies` (Markdown to sanitised HTML), `progress` (read and
completed) and `quizzes` (attempts and spaced review). The rules they share with the selectors are in
education.rules. Callers import this package: `from education import services`.
"""

from education.content_checks import ContentNotReadyError, content_problems, lesson_checks, lesson_figures
from education.rules import (
    DEFAULT_PASS_MARK_PERCENT,
    EDIT_PERMISSION,
    PUBLISH_PERMISSION,
    QUIZ_CHANGED,
    TRANSITIONS,
    Status,
    Transition,
    pass_mark_percent,
    quiz_problems,
)
from education.services.bodies import DEFAULT_RENDER_TIMEOUT_SECONDS, bodies_render, body_check, body_render
from education.services.progress import lesson_mark_read
from education.services.quizzes import (
    REVIEW_INTERVALS_DAYS,
    AnswerFeedback,
    QuizResult,
    quiz_score,
    quiz_submit,
    review_submit,
)
from education.services.workflow import (
    SETTINGS_CHANGED,
    TEXT_FIELDS,
    QuizNotPassableError,
    lesson_quiz_changed,
    lesson_save,
    lesson_transition,
    lesson_version_create,
    lesson_version_restore,
    questions_delete,
    transitions_allowed,
)

__all__ = [
    "DEFAULT_PASS_MARK_PERCENT",
    "DEFAULT_RENDER_TIMEOUT_SECONDS",
    "EDIT_PERMISSION",
    "PUBLISH_PERMISSION",
    "QUIZ_CHANGED",
    "REVIEW_INTERVALS_DAYS",
    "SETTINGS_CHANGED",
    "TEXT_FIELDS",
    "TRANSITIONS",
    "AnswerFeedback",
    "ContentNotReadyError",
    "QuizNotPassableError",
    "QuizResult",
    "Status",
    "Transition",
    "bodies_render",
    "body_check",
    "body_render",
    "content_problems",
    "lesson_checks",
    "lesson_figures",
    "lesson_mark_read",
    "lesson_quiz_changed",
    "lesson_save",
    "lesson_transition",
    "lesson_version_create",
    "lesson_version_restore",
    "pass_mark_percent",
    "questions_delete",
    "quiz_problems",
    "quiz_score",
    "quiz_submit",
    "review_submit",
    "transitions_allowed",
]
