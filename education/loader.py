"""Load the starter curriculum (education/curriculum/curriculum.json) as published lessons.

Idempotent and respectful of editors: a course is matched by its key and a lesson by course, key and
language; what exists is left exactly as it is, so a lesson an editor changed is never overwritten by a
re-run. Only missing lessons are created, each with its quiz, tags and a first version. Default
recommendation rules are added for a situation only when it has no rule yet (staff may have changed
them). The file's shape:

    {"courses": [{"key", "order", "title": {"zh-hans", "en"}, "summary": {"zh-hans", "en"},
      "lessons": [{"key", "order", "minutes", "tags": [...],
                   "zh-hans": {"title", "summary", "body", "quiz": [{"question", "choices":
                               [{"text", "correct", "explanation"}]}]},
                   "en": {...}}]}]}
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from core.exceptions import ApplicationError
from core.services import audit_record
from education import clock
from education.models import (
    BODY_MAX_CHARS,
    Choice,
    Course,
    Lesson,
    LessonTag,
    LessonVersion,
    Question,
    RecommendationRule,
    Situation,
)
from education.services import bodies_render

CURRICULUM_PATH = Path(__file__).resolve().parent / "curriculum" / "curriculum.json"
LANGUAGE_CODES = ("zh-hans", "en")

# situation -> (course key, lesson key, priority); the lesson must exist for its rule to be made.
DEFAULT_RULES: tuple[tuple[str, str, str, int], ...] = (
    (Situation.OVERDUE_30_PLUS, "getting-back-on-track", "your-rights-with-collectors", 10),
    (Situation.OVERDUE_30_PLUS, "getting-back-on-track", "fake-debt-relief-agents", 11),
    (Situation.OVERDUE_30_PLUS, "getting-back-on-track", "asking-your-lender-for-help", 12),
    (Situation.HARDSHIP, "getting-back-on-track", "asking-your-lender-for-help", 15),
    (Situation.HARDSHIP, "getting-back-on-track", "fake-debt-relief-agents", 16),
    (Situation.FIRST_MISSED_PAYMENT, "loan-basics", "when-a-payment-is-late", 20),
    (Situation.FIRST_MISSED_PAYMENT, "getting-back-on-track", "asking-your-lender-for-help", 21),
    (Situation.DUE_SOON, "everyday-money", "when-money-is-short", 30),
    (Situation.NEW_BORROWER, "loan-basics", "reading-your-statement", 50),
    (Situation.NEW_BORROWER, "loan-basics", "monthly-rate-vs-apr", 51),
    (Situation.PAID_OFF, "everyday-money", "emergency-fund", 60),
)


@dataclass(frozen=True)
class LoadReport:
    courses_created: int
    lessons_created: int
    lessons_kept: int
    rules_created: int


class CurriculumError(ApplicationError):
    pass


def _text(value: Any, where: str, *, limit: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise CurriculumError(f"{where}: text missing")
    if len(value) > limit:
        raise CurriculumError(f"{where}: {len(value)} characters, at most {limit}")
    return value.strip()


def _check(data: Any) -> None:
    """Refuse a malformed file as a whole, naming the place, before anything is written."""
    if not isinstance(data, dict) or not isinstance(data.get("courses"), list):
        raise CurriculumError("the file must be an object with a list of courses")
    for c, course in enumerate(data["courses"]):
        where = f"course {course.get('key', c)}"
        _text(course.get("key"), f"{where} key", limit=64)
        for language in LANGUAGE_CODES:
            _text((course.get("title") or {}).get(language), f"{where} title ({language})", limit=120)
        for lesson in course.get("lessons", []):
            lwhere = f"{where}, lesson {lesson.get('key')}"
            _text(lesson.get("key"), f"{lwhere} key", limit=64)
            for tag in lesson.get("tags", []):
                if tag not in Situation.values:
                    raise CurriculumError(f"{lwhere}: unknown tag {tag!r}")
            if not any(language in lesson for language in LANGUAGE_CODES):
                raise CurriculumError(f"{lwhere}: no language version")
            for language in (code for code in LANGUAGE_CODES if code in lesson):
                text = lesson[language]
                _text(text.get("title"), f"{lwhere} ({language}) title", limit=120)
                _text(text.get("summary"), f"{lwhere} ({language}) summary", limit=300)
                _text(text.get("body"), f"{lwhere} ({language}) body", limit=BODY_MAX_CHARS)
                for q, question in enumerate(text.get("quiz", []), start=1):
                    qwhere = f"{lwhere} ({language}) question {q}"
                    _text(question.get("question"), qwhere, limit=300)
                    choices = question.get("choices", [])
                    if sum(1 for choice in choices if choice.get("correct")) != 1 or len(choices) < 2:
                        raise CurriculumError(f"{qwhere}: needs two or more answers, exactly one correct")
                    for choice in choices:
                        _text(choice.get("text"), f"{qwhere} answer", limit=200)
                        _text(choice.get("explanation"), f"{qwhere} explanation", limit=400)


def curriculum_load(*, data: Any, actor: Any = None) -> LoadReport:
    _check(data)
    now = clock.now()
    with transaction.atomic():
        courses_created = 0
        wanted: list[tuple[Course, dict[str, Any], str]] = []
        kept = 0
        for spec in data["courses"]:
            course, created = Course.objects.get_or_create(
                key=spec["key"],
                defaults={
                    "order": spec.get("order", 1),
                    "title_zh_hans": spec["title"]["zh-hans"],
                    "title_en": spec["title"]["en"],
                    "summary_zh_hans": (spec.get("summary") or {}).get("zh-hans", "")[:300],
                    "summary_en": (spec.get("summary") or {}).get("en", "")[:300],
                },
            )
            courses_created += created
            existing = set(Lesson.objects.filter(course=course).values_list("key", "language"))
            for lesson in spec.get("lessons", []):
                for language in (code for code in LANGUAGE_CODES if code in lesson):
                    if (lesson["key"], language) in existing:
                        kept += 1
                    else:
                        wanted.append((course, lesson, language))
        bodies = bodies_render([lesson[language]["body"] for _course, lesson, language in wanted])
        for (course, spec, language), body_html in zip(wanted, bodies, strict=True):
            _lesson_create(course=course, spec=spec, language=language, body_html=body_html, now=now)
        rules = _rules_ensure()
        report = LoadReport(
            courses_created=courses_created,
            lessons_created=len(wanted),
            lessons_kept=kept,
            rules_created=rules,
        )
        if wanted or rules or courses_created:
            audit_record(action="curriculum.loaded", actor=actor, data=report.__dict__)
    return report


def _lesson_create(
    *, course: Course, spec: dict[str, Any], language: str, body_html: str, now: Any
) -> Lesson:
    text = spec[language]
    lesson = Lesson.objects.create(
        course=course,
        key=spec["key"],
        language=language,
        order=spec.get("order", 1),
        title=text["title"].strip(),
        summary=text["summary"].strip(),
        minutes=spec.get("minutes", 5),
        body_markdown=text["body"],
        body_html=body_html,
        status=Lesson.Status.PUBLISHED,
        publish_at=now,
        published_version=1,
    )
    LessonVersion.objects.create(
        lesson=lesson,
        number=1,
        title=lesson.title,
        summary=lesson.summary,
        minutes=lesson.minutes,
        body_markdown=lesson.body_markdown,
        note="Starter curriculum",
    )
    LessonTag.objects.bulk_create(
        LessonTag(lesson=lesson, situation=tag) for tag in dict.fromkeys(spec.get("tags", []))
    )
    for order, item in enumerate(text.get("quiz", []), start=1):
        question = Question.objects.create(lesson=lesson, order=order, text=item["question"].strip())
        Choice.objects.bulk_create(
            Choice(
                question=question,
                order=n,
                text=choice["text"].strip(),
                is_correct=bool(choice.get("correct")),
                explanation=choice["explanation"].strip(),
            )
            for n, choice in enumerate(item["choices"], start=1)
        )
    return lesson


def _rules_ensure() -> int:
    """The default rules, for situations that have none yet."""
    covered = set(RecommendationRule.objects.values_list("situation", flat=True))
    lessons = {
        (course_key, key): pk
        for pk, course_key, key in Lesson.objects.filter(language="zh-hans").values_list(
            "pk", "course__key", "key"
        )
    }
    rules = [
        RecommendationRule(situation=situation, lesson_id=lessons[(course_key, key)], priority=priority)
        for situation, course_key, key, priority in DEFAULT_RULES
        if situation not in covered and (course_key, key) in lessons
    ]
    RecommendationRule.objects.bulk_create(rules)
    return len(rules)


def curriculum_read(path: Path = CURRICULUM_PATH) -> Any:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)
