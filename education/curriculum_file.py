"""The starter curriculum's file: where it is, how it is read (a directory of a file per lesson, or one
JSON file), and the checks that refuse a malformed file as a whole, naming the place, before the loader
(education.loader) writes anything."""

import json
import re
from pathlib import Path
from typing import Any

from core.exceptions import ApplicationError
from core.features import features
from education.examples import ExampleError, examples_parse
from education.models import BODY_MAX_CHARS, ISSUED_FORMAT, SOURCE_URL, Situation

# A directory: courses.json lists the courses and, in order, the keys of their lessons; each lesson is
# lessons/<key>.json (one file per lesson, so a fix to one lesson is a diff of one file). A single JSON
# file in the shape below is read as it is (the tests' small curriculum).
CURRICULUM_PATH = Path(__file__).resolve().parent / "curriculum"
LANGUAGE_CODES = ("zh-hans", "en")


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
            _check_checked_content(lesson, lwhere)
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


def _check_checked_content(lesson: dict[str, Any], where: str) -> None:
    """The lesson's worked examples parse, its promises are features Anxin has, its sources are complete."""
    try:
        examples_parse(lesson.get("examples", []))
    except ExampleError as error:
        raise CurriculumError(f"{where} examples: {error.message}") from error
    promises = lesson.get("promises", [])
    known = features()
    if not isinstance(promises, list) or any(key not in known for key in promises):
        raise CurriculumError(f"{where}: promises must be features Anxin has, from {sorted(known)}")
    sources = lesson.get("sources", [])
    if not isinstance(sources, list):
        raise CurriculumError(f"{where}: sources must be a list")
    for n, source in enumerate(sources, start=1):
        for name, limit in (("title", 200), ("issuer", 120)):
            for language in (code for code in LANGUAGE_CODES if code in lesson):
                _text(
                    (source.get(name) or {}).get(language),
                    f"{where} source {n} {name} ({language})",
                    limit=limit,
                )
        for language in (code for code in LANGUAGE_CODES if code in lesson):
            reference = (source.get("reference") or {}).get(language, "")
            if not isinstance(reference, str) or len(reference) > 400:
                raise CurriculumError(
                    f"{where} source {n} reference ({language}): text of at most 400 characters"
                )
        url = source.get("url", "")
        if not isinstance(url, str) or len(url) > 300 or (url and not SOURCE_URL.fullmatch(url)):
            raise CurriculumError(
                f"{where} source {n}: url must be an http(s) address of at most 300 characters"
            )
        if not re.match(ISSUED_FORMAT, str(source.get("issued", ""))):
            raise CurriculumError(f"{where} source {n}: issued must be YYYY, YYYY-MM or YYYY-MM-DD")


def _json(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def curriculum_read(path: Path = CURRICULUM_PATH) -> Any:
    """The curriculum as one object: a JSON file as it is, or a curriculum directory assembled."""
    if not path.is_dir():
        return _json(path)
    data = _json(path / "courses.json")
    for course in data.get("courses", []):
        keys = course.get("lessons", [])
        if not all(isinstance(key, str) and key.replace("-", "").isalnum() for key in keys):
            raise CurriculumError(f"course {course.get('key')}: lessons must be listed by their keys")
        course["lessons"] = [_json(path / "lessons" / f"{key}.json") for key in keys]
    return data
