"""The starter curriculum's Chinese is written as a native speaker writes it, and a corrected file
reaches databases that loaded an older one, without touching what editors changed (issue 8, defect 9)."""

import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from accounts.models import User
from core.models import AuditEvent
from education import services
from education.loader import CURRICULUM_PATH, curriculum_load, curriculum_read
from education.models import Course, Lesson, LessonVersion, Question
from tests.education.conftest import SMALL_CURRICULUM, LessonGetter
from tests.typography import app_spelling, half_width_punctuation, range_notation

# Each file of the starter curriculum: its courses, then one file per lesson, so a fix is a lesson's own.
CURRICULUM_FILES = [CURRICULUM_PATH / "courses.json", *sorted((CURRICULUM_PATH / "lessons").glob("*.json"))]


def chinese_texts(node: Any, where: str = "", chinese: bool = False) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from chinese_texts(value, f"{where}/{key}", chinese or key == "zh-hans")
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield from chinese_texts(value, f"{where}[{n}]", chinese)
    elif isinstance(node, str) and chinese:
        yield where, node


def test_the_checker_catches_half_width_punctuation_and_spares_numbers_markdown_and_links() -> None:
    assert half_width_punctuation("面对催收,你有哪些权利?")
    assert half_width_punctuation("月供(本期应还)")
    assert half_width_punctuation("**本金**:你借到的钱")
    assert not half_width_punctuation("借 12,000 元，月利率 1.5%，见[我的借款](/loans/)。")
    assert not half_width_punctuation("1. 先看账单\n2. 再看 `a,b` 和 https://anxin.example/a,b")


def test_the_checker_catches_app_and_ranges_written_otherwise_and_spares_sums_and_dates() -> None:
    assert app_spelling("先别急着卸载 APP：")
    assert range_notation("常见的目标是 **3–6 个月的必需开支**")
    assert range_notation("先存 **500–1,000 元**")
    assert not app_spelling("到安心 App 里看一看，或者打开 https://anxin.example/app/")
    assert not range_notation("常见的目标是 **3～6 个月的必需开支**，2026-12-31 到期")
    assert not range_notation("本金 = 1,066.19 − 120.00 = 946.19 元")


def test_chinese_text_in_the_curriculum_uses_full_width_punctuation() -> None:
    offending = [
        f"{where}: {snippet!r}"
        for where, text in chinese_texts(curriculum_read(CURRICULUM_PATH))
        for snippet in half_width_punctuation(text)
    ]
    assert offending == [], "\n".join(offending[:20])


def test_the_checker_finds_chinese_text_in_every_curriculum_file() -> None:
    assert len(CURRICULUM_FILES) > 10
    for path in CURRICULUM_FILES:
        assert any(text for _, text in chinese_texts(json.loads(path.read_text(encoding="utf-8")))), path


@pytest.mark.parametrize(
    "rule", [app_spelling, range_notation], ids=["App-not-APP", "ranges-with-full-width-tilde"]
)
@pytest.mark.parametrize("path", CURRICULUM_FILES, ids=lambda path: path.name)
def test_chinese_text_in_each_curriculum_file_writes_app_and_ranges_the_house_way(
    path: Path, rule: Callable[[str], list[str]]
) -> None:
    """Rules 2 and 3 of tests/typography.py: "App", never "APP"; "3～6 个月", never "3–6 个月"."""
    offending = [
        f"{path.name}{where}: {snippet!r}"
        for where, text in chinese_texts(json.loads(path.read_text(encoding="utf-8")))
        for snippet in rule(text)
    ]
    assert offending == [], "\n".join(offending)


def revised_file() -> Any:
    """The small curriculum with one Chinese lesson's text and quiz corrected."""
    data = copy.deepcopy(curriculum_read(SMALL_CURRICULUM))
    lesson = data["courses"][0]["lessons"][0]["zh-hans"]
    lesson["summary"] = lesson["summary"] + "，修订"
    lesson["body"] = lesson["body"] + "\n\n面对催收，你有哪些权利？\n"
    lesson["quiz"][0]["question"] = "问题 1（修订）？"
    return data


@pytest.mark.django_db
def test_loading_a_corrected_file_updates_lessons_nobody_edited_as_a_new_version(
    curriculum: None, lesson_of: LessonGetter, borrower: User
) -> None:
    lesson = lesson_of("reading-your-statement")
    question_ids = list(lesson.questions.values_list("pk", flat=True))
    report = curriculum_load(data=revised_file())
    assert (report.lessons_created, report.lessons_revised) == (0, 1)
    lesson.refresh_from_db()
    assert lesson.summary.endswith("，修订")
    assert "面对催收，你有哪些权利？" in lesson.body_html
    assert lesson.status == Lesson.Status.PUBLISHED
    assert list(LessonVersion.objects.filter(lesson=lesson).values_list("number", "note")) == [
        (2, "Starter curriculum, revised"),
        (1, "Starter curriculum"),
    ]
    assert lesson.published_version == 2
    # The quiz is corrected in place: the same questions, so progress and reviews keep pointing at them.
    assert list(lesson.questions.values_list("pk", flat=True)) == question_ids
    assert Question.objects.get(pk=question_ids[0]).text == "问题 1（修订）？"
    assert AuditEvent.objects.filter(action="curriculum.lesson_revised", object_id=str(lesson.pk)).exists()
    assert curriculum_load(data=revised_file()).lessons_revised == 0  # idempotent


@pytest.mark.django_db
def test_loading_a_corrected_file_keeps_lessons_editors_changed(
    curriculum: None, lesson_of: LessonGetter, editor: User, other_editor: User
) -> None:
    lesson = lesson_of("reading-your-statement")
    # An editor moved it through the workflow without changing its text: it is theirs now.
    services.lesson_transition(lesson=lesson, action="reopen", actor=other_editor)
    services.lesson_transition(lesson=lesson, action="submit", actor=editor)
    services.lesson_transition(lesson=lesson, action="approve", actor=other_editor)
    lesson.refresh_from_db()
    before = (lesson.summary, lesson.body_markdown)
    assert curriculum_load(data=revised_file()).lessons_revised == 0
    lesson.refresh_from_db()
    assert (lesson.summary, lesson.body_markdown) == before
    assert LessonVersion.objects.filter(lesson=lesson).count() == 1


@pytest.mark.django_db
def test_a_course_nobody_edited_in_the_admin_gets_the_corrected_summary(curriculum: None) -> None:
    data = revised_file()
    data["courses"][0]["summary"]["zh-hans"] = "简介，修订"
    report = curriculum_load(data=data)
    assert report.courses_revised == 1
    assert Course.objects.get(key="loan-basics").summary_zh_hans == "简介，修订"
