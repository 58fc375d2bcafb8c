"""A lesson's worked examples, promises and sources are checked before it reaches a reviewer or a
borrower (issue 14): an editor sees the recomputed figures, submission is refused while a figure is wrong,
a promised feature is missing or a cited document has no source, and borrowers can open the sources."""

import copy
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import override

from accounts.models import User
from core.exceptions import ApplicationError
from education import services
from education.loader import CURRICULUM_PATH, curriculum_load, curriculum_read
from education.models import Course, Lesson, LessonSource, LessonVersion
from tests.education.conftest import SMALL_CURRICULUM, Clock

pytestmark = pytest.mark.django_db

LIN = {
    "key": "lin",
    "kind": "schedule",
    "inputs": {"principal": "12000.00", "annual_rate": "0.12", "months": 12, "method": "equal_instalment"},
    "figures": {"payment[1]": "1066.19", "payment[12]": "1066.14"},
}
BODY = "借 12,000 元，12 期，年利率 12%：前 11 期每期 1,066.19 元，最后一期 1,066.14 元。"


def _draft(editor: User, *, body: str = BODY, examples: Any = None, promises: Any = None) -> Lesson:
    course = Course.objects.create(key="checked", title_zh_hans="核对", title_en="Checked")
    return services.lesson_save(
        lesson=Lesson(
            course=course,
            key="figures",
            language="zh-hans",
            title="例子",
            summary="数字都对",
            body_markdown=body,
            worked_examples=[LIN] if examples is None else examples,
            promises=[] if promises is None else promises,
        ),
        actor=editor,
    )


def _submit(lesson: Lesson, editor: User) -> None:
    services.lesson_transition(lesson=lesson, action="submit", actor=editor)


def test_a_lesson_whose_figures_loanmath_confirms_can_be_submitted(editor: User, clock: Clock) -> None:
    lesson = _draft(editor)
    assert services.content_problems(lesson) == []
    _submit(lesson, editor)
    lesson.refresh_from_db()
    assert lesson.status == Lesson.Status.IN_REVIEW


def test_a_wrong_figure_is_refused_at_submission_with_loanmath_s_value(editor: User, clock: Clock) -> None:
    # The old lesson's mistake: every instalment 1,066.19, the last one included.
    wrong = copy.deepcopy(LIN)
    wrong["figures"]["payment[12]"] = "1066.19"
    lesson = _draft(editor, body=BODY.replace("1,066.14", "1,066.19"), examples=[wrong])
    with override("en"), pytest.raises(services.ContentNotReadyError) as refused:
        _submit(lesson, editor)
    assert any("1,066.14" in problem for problem in refused.value.problems), refused.value.problems
    lesson.refresh_from_db()
    assert lesson.status == Lesson.Status.DRAFT


def test_a_figure_the_text_does_not_quote_is_refused(editor: User, clock: Clock) -> None:
    lesson = _draft(editor, body="借 12,000 元，12 期，年利率 12%。")
    with pytest.raises(services.ContentNotReadyError):
        _submit(lesson, editor)


def test_an_unknown_or_missing_feature_in_the_promises_is_refused(editor: User, clock: Clock) -> None:
    lesson = _draft(editor, promises=["quiet-hours", "free-money"])
    with override("en"):
        problems = services.content_problems(lesson)
        assert len(problems) == 1, problems
        assert "free-money" in problems[0], problems
        with pytest.raises(services.ContentNotReadyError):
            _submit(lesson, editor)


def test_a_promised_feature_switched_off_blocks_submission(
    editor: User, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core import features

    lesson = _draft(editor, promises=["quiet-hours"])
    assert services.content_problems(lesson) == []
    feature = features.features()["quiet-hours"]
    # The quiet window switched off: the feature's own check now reports it.
    switched_off = type(feature)(key=feature.key, label=feature.label, check=lambda: ["the window is off"])
    monkeypatch.setitem(features._features, "quiet-hours", switched_off)
    with pytest.raises(services.ContentNotReadyError):
        _submit(lesson, editor)


def test_a_cited_document_needs_a_source(editor: User, clock: Clock) -> None:
    lesson = _draft(editor, body=BODY + "\n\n按照《征信业管理条例》，不良信息保存 5 年。")
    with override("en"):
        assert any("征信业管理条例" in problem for problem in services.content_problems(lesson))
    LessonSource.objects.create(
        lesson=lesson, title="《征信业管理条例》", issuer="国务院", issued="2013-01-21"
    )
    assert services.content_problems(lesson) == []


def test_the_examples_and_promises_are_part_of_each_version(editor: User, clock: Clock) -> None:
    lesson = _draft(editor)
    lesson.promises = ["quiet-hours"]
    services.lesson_save(lesson=lesson, actor=editor)
    first, second = LessonVersion.objects.filter(lesson=lesson).order_by("number")
    assert (first.worked_examples, first.promises) == ([LIN], [])
    assert (second.worked_examples, second.promises) == ([LIN], ["quiet-hours"])


def test_the_editor_sees_each_figure_stated_and_recomputed(
    client: Client, editor: User, clock: Clock
) -> None:
    wrong = copy.deepcopy(LIN)
    wrong["figures"]["payment[12]"] = "1066.19"
    lesson = _draft(editor, examples=[wrong])
    client.force_login(editor)
    page = client.get(reverse("admin:education_lesson_change", args=[lesson.pk])).content.decode()
    workflow = client.get(reverse("admin:education_lesson_workflow", args=[lesson.pk])).content.decode()
    for html in (page, workflow):
        assert 'id="lesson-figures"' in html
        # Stated 1066.19, recomputed 1066.14: the row says they differ (in the staff member's Chinese).
        assert "1066.14" in html
        assert "不一致" in html
    refused = client.post(
        reverse("admin:education_lesson_workflow", args=[lesson.pk]), {"action": "submit", "comment": ""}
    )
    assert refused.status_code == 200
    lesson.refresh_from_db()
    assert lesson.status == Lesson.Status.DRAFT


def test_malformed_examples_are_refused_beside_the_field(client: Client, editor: User, clock: Clock) -> None:
    lesson = _draft(editor)
    client.force_login(editor)
    url = reverse("admin:education_lesson_change", args=[lesson.pk])
    form = {
        "order": 1,
        "title": lesson.title,
        "summary": lesson.summary,
        "minutes": 5,
        "body_markdown": lesson.body_markdown,
        "worked_examples": '[{"key": "lin", "kind": "no-such-kind", "inputs": {}, "figures": {}}]',
        "tags-TOTAL_FORMS": 0,
        "tags-INITIAL_FORMS": 0,
        "sources-TOTAL_FORMS": 0,
        "sources-INITIAL_FORMS": 0,
        "questions-TOTAL_FORMS": 0,
        "questions-INITIAL_FORMS": 0,
    }
    with override("en"):
        response = client.post(url, form)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors.get("worked_examples"), response.context[
        "adminform"
    ].form.errors
    lesson.refresh_from_db()
    assert lesson.worked_examples == [LIN]


def test_the_starter_curriculum_loads_its_examples_promises_and_sources(clock: Clock) -> None:
    curriculum_load(data=curriculum_read(CURRICULUM_PATH))
    lesson = Lesson.objects.get(key="when-a-payment-is-late", language="zh-hans")
    assert lesson.worked_examples
    assert lesson.promises
    assert lesson.sources.filter(title__contains="征信业管理条例").exists()
    english = Lesson.objects.get(key="when-a-payment-is-late", language="en")
    assert english.worked_examples == lesson.worked_examples
    assert english.sources.count() == lesson.sources.count()
    # Every starter lesson passes the checks an editor's submission meets.
    for row in Lesson.objects.all():
        assert services.content_problems(row) == [], (row.key, row.language)


def test_a_revised_file_reaches_untouched_lessons_with_its_examples_and_sources(clock: Clock) -> None:
    data = curriculum_read(SMALL_CURRICULUM)
    curriculum_load(data=data)
    revised = copy.deepcopy(data)
    spec = revised["courses"][0]["lessons"][0]
    spec["sources"] = [
        {
            "title": {"zh-hans": "《征信业管理条例》", "en": "Regulation on Credit Reporting"},
            "issuer": {"zh-hans": "国务院", "en": "State Council"},
            "issued": "2013-01-21",
            "reference": {"zh-hans": "第十六条", "en": "Article 16"},
            "url": "",
        }
    ]
    report = curriculum_load(data=revised)
    assert report.lessons_revised == 2
    zh = Lesson.objects.get(key=spec["key"], language="zh-hans")
    en = Lesson.objects.get(key=spec["key"], language="en")
    assert list(zh.sources.values_list("title", "reference")) == [("《征信业管理条例》", "第十六条")]
    assert list(en.sources.values_list("title", "reference")) == [
        ("Regulation on Credit Reporting", "Article 16")
    ]
    assert curriculum_load(data=revised).lessons_revised == 0


def test_a_curriculum_promising_an_unknown_feature_is_refused_whole(clock: Clock) -> None:
    data = copy.deepcopy(curriculum_read(SMALL_CURRICULUM))
    data["courses"][0]["lessons"][0]["promises"] = ["teleportation"]
    with pytest.raises(ApplicationError, match=r"teleportation|promises"):
        curriculum_load(data=data)
    assert not Lesson.objects.exists()


@pytest.mark.parametrize(
    ("language", "summary", "date"), [("zh-hans", "来源", "2013年1月21日"), ("en", "Sources", "2013")]
)
def test_a_borrower_opens_the_sources_under_the_lesson(
    client: Client, clock: Clock, language: str, summary: str, date: str
) -> None:
    curriculum_load(data=curriculum_read(CURRICULUM_PATH))
    lesson = Lesson.objects.get(key="when-a-payment-is-late", language=language)
    client.cookies["django_language"] = language
    page = client.get(
        reverse("education:lesson", args=[lesson.course.key, lesson.key]), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    assert '<details class="lesson__sources" id="sources"' in page
    assert f"<summary>{summary}</summary>" in page
    assert date in page


def test_a_source_too_long_for_its_column_is_refused_before_anything_is_written(clock: Clock) -> None:
    """PostgreSQL would refuse the row mid-load; the loader refuses the file first, naming the place."""
    data = copy.deepcopy(curriculum_read(SMALL_CURRICULUM))
    data["courses"][0]["lessons"][0]["sources"] = [
        {
            "title": {"zh-hans": "《征信业管理条例》", "en": "Regulation"},
            "issuer": {"zh-hans": "国务院", "en": "State Council"},
            "issued": "2013-01-21",
            "reference": {"zh-hans": "条" * 401, "en": "Article 16"},
            "url": "",
        }
    ]
    with pytest.raises(ApplicationError, match="reference"):
        curriculum_load(data=data)
    assert not Lesson.objects.exists()


def test_an_editor_adds_the_missing_source_in_the_admin_and_may_then_submit(
    client: Client, editor: User, clock: Clock
) -> None:
    """The content editors' group keeps sources (migration 0005): the inline is there on a draft, and
    the source it adds is what the check wanted."""
    lesson = _draft(editor, body=BODY + "\n\n按照《征信业管理条例》，不良信息保存 5 年。")
    assert services.content_problems(lesson)
    client.force_login(editor)
    url = reverse("admin:education_lesson_change", args=[lesson.pk])
    assert 'name="sources-TOTAL_FORMS"' in client.get(url).content.decode()
    form = {
        "order": 1,
        "title": lesson.title,
        "summary": lesson.summary,
        "minutes": 5,
        "body_markdown": lesson.body_markdown,
        "worked_examples": json.dumps([LIN]),
        "tags-TOTAL_FORMS": 0,
        "tags-INITIAL_FORMS": 0,
        "sources-TOTAL_FORMS": 1,
        "sources-INITIAL_FORMS": 0,
        "sources-0-order": 1,
        "sources-0-title": "《征信业管理条例》",
        "sources-0-issuer": "国务院",
        "sources-0-issued": "2013-01-21",
        "sources-0-reference": "第十六条",
        "sources-0-url": "",
        "questions-TOTAL_FORMS": 0,
        "questions-INITIAL_FORMS": 0,
    }
    assert client.post(url, form).status_code == 302
    lesson.refresh_from_db()
    assert services.content_problems(lesson) == []
    _submit(lesson, editor)


# -- what an editor's examples may cost (the attacker review of issue 14) ----------------------------------


def test_a_rate_too_large_to_compound_is_a_sentence_not_a_server_error() -> None:
    from education.examples import examples_problems

    typo = {
        "key": "a",
        "kind": "rate_times",
        "inputs": {"rate": "0.2", "times": 365},
        "figures": {"percent": "1"},
    }
    flows = {
        "key": "b",
        "kind": "cash_flows",
        "inputs": {"flows": ["1.00", "-5000.00"]},
        "figures": {"effective_rate": "1"},
    }
    with override("en"):
        for example in (typo, flows):
            problems = examples_problems([example], text="")
            assert len(problems) == 1, problems
            assert "too large to compute" in problems[0], problems


def test_more_examples_or_figures_than_a_lesson_may_hold_are_refused() -> None:
    from education.examples import MAX_EXAMPLES, ExampleError, examples_parse

    many = [dict(LIN, key=f"e{n}") for n in range(MAX_EXAMPLES + 1)]
    with pytest.raises(ExampleError):
        examples_parse(many)
    examples_parse(many[:MAX_EXAMPLES])


def test_examples_only_take_ascii_digits() -> None:
    from education.examples import ExampleError, examples_parse

    full_width = copy.deepcopy(LIN)
    full_width["inputs"]["principal"] = "１２０００.００"
    with pytest.raises(ExampleError):
        examples_parse([full_width])


@pytest.mark.parametrize(
    "junk",
    ["[" * 5000 + "]" * 5000, '[{"key": "a", "months": ' + "9" * 5000 + "}]", "[" + " " * 70_000 + "]"],
    ids=["nested-5000-deep", "5000-digit-number", "70-kB"],
)
def test_junk_json_is_refused_beside_the_field(client: Client, editor: User, clock: Clock, junk: str) -> None:
    lesson = _draft(editor)
    client.force_login(editor)
    form = {
        "order": 1,
        "title": lesson.title,
        "summary": lesson.summary,
        "minutes": 5,
        "body_markdown": lesson.body_markdown,
        "worked_examples": junk,
        **{
            f"{name}-{kind}_FORMS": 0
            for name in ("tags", "sources", "questions")
            for kind in ("TOTAL", "INITIAL")
        },
    }
    response = client.post(reverse("admin:education_lesson_change", args=[lesson.pk]), form)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors.get("worked_examples")
    lesson.refresh_from_db()
    assert lesson.worked_examples == [LIN]


def test_a_source_address_a_browser_would_run_is_refused_by_the_loader(clock: Clock) -> None:
    data = copy.deepcopy(curriculum_read(SMALL_CURRICULUM))
    data["courses"][0]["lessons"][0]["sources"] = [
        {
            "title": {"zh-hans": "《征信业管理条例》", "en": "Regulation"},
            "issuer": {"zh-hans": "国务院", "en": "State Council"},
            "issued": "2013",
            "url": "javascript:alert(1)",
        }
    ]
    with pytest.raises(ApplicationError, match="http"):
        curriculum_load(data=data)
    assert not Lesson.objects.exists()
