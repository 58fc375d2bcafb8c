"""Pages run a constant number of queries as lessons and progress grow; the curriculum loads idempotently."""

import json
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from education.loader import CURRICULUM_PATH, CurriculumError, curriculum_load, curriculum_read
from education.models import Course, Lesson, LessonVersion, RecommendationRule
from tests.education.conftest import SMALL_CURRICULUM, LessonGetter
from tests.education.test_progress_and_language import complete

pytestmark = pytest.mark.django_db


def queries(client: Client, url: str) -> int:
    client.get(url)  # warm up (sessions, read marks)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def more_lessons(course_key: str, count: int) -> None:
    data = {
        "courses": [
            {
                "key": course_key,
                "order": 9,
                "title": {"zh-hans": "更多", "en": "More"},
                "lessons": [
                    {
                        "key": f"extra-{n}",
                        "order": 10 + n,
                        "minutes": 3,
                        "tags": ["new_borrower"],
                        "zh-hans": {
                            "title": f"额外 {n}",
                            "summary": "s",
                            "body": "text",
                            "quiz": [
                                {
                                    "question": "q",
                                    "choices": [
                                        {"text": "a", "correct": True, "explanation": "e"},
                                        {"text": "b", "correct": False, "explanation": "e"},
                                    ],
                                }
                            ],
                        },
                    }
                    for n in range(count)
                ],
            }
        ]
    }
    curriculum_load(data=data)


def test_learn_and_a_lesson_run_a_constant_number_of_queries_as_lessons_and_progress_grow(
    client: Client, borrower: User, curriculum: None, lesson_of: LessonGetter
) -> None:
    client.force_login(borrower)
    complete(borrower, lesson_of("when-money-is-short"))
    lesson_url = "/learn/loan-basics/reading-your-statement/"
    before = (queries(client, "/learn/"), queries(client, lesson_url))

    more_lessons("more-a", 6)
    more_lessons("loan-basics", 6)
    for key in ("emergency-fund", "a-budget-you-can-keep", "your-rights-with-collectors"):
        complete(borrower, lesson_of(key))
    for n in range(6):
        complete(borrower, Lesson.objects.get(key=f"extra-{n}", course__key="more-a"))
    after = (queries(client, "/learn/"), queries(client, lesson_url))
    assert after == before
    assert before[0] <= 14
    assert before[1] <= 16


def test_loading_twice_adds_nothing_and_keeps_what_editors_changed(curriculum: None) -> None:
    counts = (Course.objects.count(), Lesson.objects.count(), RecommendationRule.objects.count())
    Lesson.objects.filter(key="emergency-fund", language="en").update(title="Edited by an editor")
    report = curriculum_load(data=curriculum_read(SMALL_CURRICULUM))
    assert report.lessons_created == 0
    assert report.rules_created == 0
    assert (Course.objects.count(), Lesson.objects.count(), RecommendationRule.objects.count()) == counts
    assert Lesson.objects.get(key="emergency-fund", language="en").title == "Edited by an editor"


def test_loaded_lessons_are_published_with_a_first_version_and_their_quiz(curriculum: None) -> None:
    lesson = Lesson.objects.get(key="reading-your-statement", language="en")
    assert lesson.status == Lesson.Status.PUBLISHED
    assert lesson.publish_at is not None
    assert lesson.body_html.startswith("<h2>")
    assert LessonVersion.objects.filter(lesson=lesson).count() == 1
    assert lesson.questions.count() == 3
    assert all(q.choices.filter(is_correct=True).count() == 1 for q in lesson.questions.all())


def test_a_malformed_file_is_refused_whole_naming_the_place(db: None, tmp_path: Path) -> None:
    data = curriculum_read(SMALL_CURRICULUM)
    data["courses"][1]["lessons"][0]["en"]["quiz"][0]["choices"][0]["correct"] = False
    with pytest.raises(CurriculumError) as refused:
        curriculum_load(data=data)
    assert "when-money-is-short" in refused.value.message
    assert not Lesson.objects.exists()


def test_the_starter_curriculum_file_is_well_formed() -> None:
    from education.loader import _check

    data = curriculum_read(CURRICULUM_PATH)
    _check(data)
    listed = {
        key
        for course in json.loads((CURRICULUM_PATH / "courses.json").read_text())["courses"]
        for key in course["lessons"]
    }
    # Every lesson file is listed in a course, so none is silently left out of the curriculum.
    assert listed == {path.stem for path in (CURRICULUM_PATH / "lessons").glob("*.json")}
    lessons = [lesson for course in data["courses"] for lesson in course["lessons"]]
    assert len(lessons) >= 10
    assert all("zh-hans" in lesson and "en" in lesson for lesson in lessons)
