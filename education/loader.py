"""Load the starter curriculum (education/curriculum/: courses.json, a file per lesson) as published lessons.

Idempotent and respectful of editors: a course is matched by its key and a lesson by course, key and
language. Missing lessons are created, each with its quiz, tags and a first version. A lesson nobody has
touched since the loader wrote it (still published, its text exactly the loader's latest version, and no
audit row of an editor's on it) is brought up to date with the file: its text as a new version, its quiz
in place. Anything an editor changed, saved or moved through the workflow is left exactly as it is. A
course is updated the same way while no editor has changed it in the admin. Default recommendation rules
are added for a situation only when it has no rule yet (staff may have changed them). The file's shape:

    {"courses": [{"key", "order", "title": {"zh-hans", "en"}, "summary": {"zh-hans", "en"},
      "lessons": [{"key", "order", "minutes", "tags": [...],
                   "examples": [worked examples, education.examples], "promises": [core.features keys],
                   "sources": [{"title": {"zh-hans", "en"}, "issuer": {...}, "issued": "YYYY[-MM[-DD]]",
                                "reference": {...}, "url"}],
                   "zh-hans": {"title", "summary", "body", "quiz": [{"question", "choices":
                               [{"text", "correct", "explanation"}]}]},
                   "en": {...}}]}]}
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q

from accounts.models import User
from core import business_date as clock
from core.models import AuditEvent
from core.services import audit_record

# Re-exported: the loader's callers (the command, the demo, the tests) read the file through it.
from education.curriculum_file import CURRICULUM_PATH as CURRICULUM_PATH
from education.curriculum_file import LANGUAGE_CODES, _check
from education.curriculum_file import CurriculumError as CurriculumError
from education.curriculum_file import curriculum_read as curriculum_read
from education.models import (
    Choice,
    Course,
    Lesson,
    LessonSource,
    LessonTag,
    Question,
    RecommendationRule,
    Situation,
)
from education.services import TEXT_FIELDS, bodies_render, lesson_version_create

# The note on every version the loader writes; a lesson whose latest version has it, and whose text is
# still that version's, has not been edited since.
LOADER_NOTE = "Starter curriculum"
REVISED_NOTE = "Starter curriculum, revised"

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
    lessons_revised: int = 0
    courses_revised: int = 0


def curriculum_load(*, data: Any, actor: User | None = None) -> LoadReport:
    """Load the curriculum `data` (as curriculum_read gives it) in one transaction, not durable: the demo
    seeds it inside its own."""
    _check(data)
    now = clock.now()
    with transaction.atomic():
        courses_created = courses_revised = 0
        wanted: list[tuple[Course, dict[str, Any], str]] = []
        revise: list[tuple[Lesson, dict[str, Any], str]] = []
        kept = 0
        for spec in data["courses"]:
            course, created = Course.objects.get_or_create(key=spec["key"], defaults=_course_texts(spec))
            courses_created += created
            if not created and _course_revise(course, spec):
                courses_revised += 1
            existing = {
                (lesson.key, lesson.language): lesson
                for lesson in Lesson.objects.filter(course=course).prefetch_related(
                    "questions__choices", "versions", "sources"
                )
            }
            untouched = _untouched(existing.values())
            for lesson in spec.get("lessons", []):
                for language in (code for code in LANGUAGE_CODES if code in lesson):
                    current = existing.get((lesson["key"], language))
                    if current is None:
                        wanted.append((course, lesson, language))
                    elif current.pk in untouched and _differs(current, lesson, language):
                        revise.append((current, lesson, language))
                    else:
                        kept += 1
        bodies = bodies_render([lesson[language]["body"] for _where, lesson, language in [*wanted, *revise]])
        for (course, spec, language), body_html in zip(wanted, bodies[: len(wanted)], strict=True):
            _lesson_create(course=course, spec=spec, language=language, body_html=body_html, now=now)
        for (lesson, spec, language), body_html in zip(revise, bodies[len(wanted) :], strict=True):
            _lesson_revise(lesson=lesson, spec=spec, language=language, body_html=body_html, actor=actor)
        rules = _rules_ensure()
        report = LoadReport(
            courses_created=courses_created,
            lessons_created=len(wanted),
            lessons_kept=kept,
            rules_created=rules,
            lessons_revised=len(revise),
            courses_revised=courses_revised,
        )
        if wanted or revise or rules or courses_created or courses_revised:
            audit_record(action="curriculum.loaded", actor=actor, data=report.__dict__)
    return report


def _course_texts(spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "order": spec.get("order", 1),
        "title_zh_hans": spec["title"]["zh-hans"],
        "title_en": spec["title"]["en"],
        "summary_zh_hans": (spec.get("summary") or {}).get("zh-hans", "")[:300],
        "summary_en": (spec.get("summary") or {}).get("en", "")[:300],
    }


def _edited_by_staff(model: type[Course] | type[Lesson], pks: Iterable[int]) -> set[int]:
    """Which of these rows an editor has changed, saved or moved: any audit row on them but the loader's."""
    return {
        int(pk)
        for pk in AuditEvent.objects.filter(
            object_type=model._meta.label_lower, object_id__in=[str(pk) for pk in pks]
        )
        .exclude(Q(action__startswith="curriculum."))
        .values_list("object_id", flat=True)
    }


def _course_revise(course: Course, spec: dict[str, Any]) -> bool:
    texts = {name: value for name, value in _course_texts(spec).items() if name != "order"}
    if all(getattr(course, name) == value for name, value in texts.items()):
        return False
    if _edited_by_staff(Course, [course.pk]):
        return False
    for name, value in texts.items():
        setattr(course, name, value)
    course.save(update_fields=list(texts))
    audit_record(action="curriculum.course_revised", target=course, data={"fields": sorted(texts)})
    return True


def _untouched(lessons: Iterable[Lesson]) -> set[int]:
    """The published lessons whose text is still the loader's latest version, with no editor's audit row."""
    candidates = set()
    for lesson in lessons:
        latest = max(lesson.versions.all(), key=lambda version: version.number, default=None)
        if (
            lesson.status == Lesson.Status.PUBLISHED
            and latest is not None
            and latest.created_by_id is None
            and latest.note in (LOADER_NOTE, REVISED_NOTE)
            and lesson.published_version == latest.number
            and all(getattr(lesson, name) == getattr(latest, name) for name in TEXT_FIELDS)
        ):
            candidates.add(lesson.pk)
    return candidates - _edited_by_staff(Lesson, candidates)


def _quiz_spec(spec: dict[str, Any], language: str) -> list[tuple[str, list[tuple[str, bool, str]]]]:
    return [
        (
            item["question"].strip(),
            [
                (choice["text"].strip(), bool(choice.get("correct")), choice["explanation"].strip())
                for choice in item["choices"]
            ],
        )
        for item in spec[language].get("quiz", [])
    ]


def _quiz_rows(lesson: Lesson) -> list[tuple[str, list[tuple[str, bool, str]]]]:
    return [
        (question.text, [(c.text, c.is_correct, c.explanation) for c in question.choices.all()])
        for question in lesson.questions.all()
    ]


def _differs(lesson: Lesson, spec: dict[str, Any], language: str) -> bool:
    text = spec[language]
    return (
        lesson.title != text["title"].strip()
        or lesson.summary != text["summary"].strip()
        or lesson.minutes != spec.get("minutes", 5)
        or lesson.body_markdown != text["body"]
        or lesson.worked_examples != spec.get("examples", [])
        or lesson.promises != spec.get("promises", [])
        or _quiz_rows(lesson) != _quiz_spec(spec, language)
        or _source_rows(lesson) != _sources_spec(spec, language)
    )


def _sources_spec(spec: dict[str, Any], language: str) -> list[tuple[str, str, str, str, str]]:
    def text(source: dict[str, Any], name: str) -> str:
        value = source.get(name) or ""
        return str(value.get(language, "") if isinstance(value, dict) else value).strip()

    return [
        (text(s, "title"), text(s, "issuer"), text(s, "issued"), text(s, "reference"), text(s, "url"))
        for s in spec.get("sources", [])
    ]


def _source_rows(lesson: Lesson) -> list[tuple[str, str, str, str, str]]:
    return [(s.title, s.issuer, s.issued, s.reference, s.url) for s in lesson.sources.all()]


def _sources_create(lesson: Lesson, spec: dict[str, Any], language: str) -> None:
    LessonSource.objects.bulk_create(
        LessonSource(lesson=lesson, order=order, title=t, issuer=i, issued=d, reference=r, url=u)
        for order, (t, i, d, r, u) in enumerate(_sources_spec(spec, language), start=1)
    )


def _lesson_revise(
    *, lesson: Lesson, spec: dict[str, Any], language: str, body_html: str, actor: User | None
) -> None:
    """Bring an untouched lesson up to the file: its text as a new version (approved, as the first one
    was), its quiz corrected in place when it has the same shape (so readers' progress and reviews stay),
    else replaced."""
    text = spec[language]
    lesson.title = text["title"].strip()
    lesson.summary = text["summary"].strip()
    lesson.minutes = spec.get("minutes", 5)
    lesson.body_markdown = text["body"]
    lesson.body_html = body_html
    lesson.worked_examples = spec.get("examples", [])
    lesson.promises = spec.get("promises", [])
    if _source_rows(lesson) != _sources_spec(spec, language):
        lesson.sources.all().delete()
        _sources_create(lesson, spec, language)
    latest = max(version.number for version in lesson.versions.all())
    version = lesson_version_create(lesson=lesson, number=latest + 1, note=REVISED_NOTE)
    lesson.published_version = version.number
    lesson.save()
    wanted = _quiz_spec(spec, language)
    questions = list(lesson.questions.all())
    same_shape = [len(q.choices.all()) for q in questions] == [len(choices) for _text, choices in wanted]
    if same_shape:
        for question, (question_text, choices) in zip(questions, wanted, strict=True):
            if question.text != question_text:
                question.text = question_text
                question.save(update_fields=["text"])
            for choice, wanted_choice in zip(question.choices.all(), choices, strict=True):
                if (choice.text, choice.is_correct, choice.explanation) != wanted_choice:
                    choice.text, choice.is_correct, choice.explanation = wanted_choice
                    choice.save(update_fields=["text", "is_correct", "explanation"])
    else:
        lesson.questions.all().delete()
        _quiz_create(lesson, text)
    audit_record(
        action="curriculum.lesson_revised",
        actor=actor,
        target=lesson,
        data={"version": version.number, "quiz": "corrected" if same_shape else "replaced"},
    )


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
        worked_examples=spec.get("examples", []),
        promises=spec.get("promises", []),
        status=Lesson.Status.PUBLISHED,
        publish_at=now,
        published_version=1,
    )
    lesson_version_create(lesson=lesson, number=1, note=LOADER_NOTE)
    LessonTag.objects.bulk_create(
        LessonTag(lesson=lesson, situation=tag) for tag in dict.fromkeys(spec.get("tags", []))
    )
    _quiz_create(lesson, text)
    _sources_create(lesson, spec, language)
    return lesson


def _quiz_create(lesson: Lesson, text: dict[str, Any]) -> None:
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
