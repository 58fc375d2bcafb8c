"""Every figure a lesson quotes is recomputed (education.examples, issue 14).

(a) What the checker reports when a figure is wrong, not quoted, unknown, or the example is malformed
(each kind's figures against an exact Fraction oracle: test_lesson_figures_oracle.py).
(b) The starter curriculum, every lesson file and both languages: each example's figures are loanmath's
and quoted in that language's text, and every amount or percentage with decimals the text quotes is one
of its examples' figures or inputs, so a new figure cannot escape the check.
"""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import Resolver404, resolve
from django.utils import translation

from education.content_checks import figures_uncovered
from education.examples import (
    ExampleError,
    examples_check,
    examples_parse,
    examples_problems,
)
from education.loader import CURRICULUM_PATH, curriculum_read
from tests.education import test_lesson_facts as lesson_facts


def example(key: str, kind: str, inputs: dict[str, Any], figures: dict[str, str]) -> dict[str, Any]:
    return {"key": key, "kind": kind, "inputs": inputs, "figures": figures}


# --- (a) what the checker reports ---------------------------------------------------------------------

LIN = example(
    "lin",
    "schedule",
    {"principal": "12000.00", "annual_rate": "0.12", "months": 12, "method": "equal_instalment"},
    {"payment[1]": "1066.19", "payment[12]": "1066.14", "total_interest": "794.23", "nominal_apr": "12"},
)
LIN_TEXT = "每期 1,066.19 元，第 12 期 1,066.14 元，总利息 794.23 元，年化 12%。"


def problems_in_english(raw: Any, text: str) -> list[str]:
    with translation.override("en"):
        return examples_problems(raw, text=text)


def test_right_figures_quoted_in_the_text_pass() -> None:
    checks = examples_check([LIN], text=LIN_TEXT)
    assert [check.ok for check in checks] == [True] * 4
    assert problems_in_english([LIN], LIN_TEXT) == []


def test_a_wrong_figure_is_reported_with_loanmaths() -> None:
    stale = {**LIN, "figures": {**LIN["figures"], "payment[12]": "1066.19"}}
    (check,) = [c for c in examples_check([stale], text=LIN_TEXT) if c.name == "payment[12]"]
    assert (check.stated, check.computed, check.quoted, check.ok) == ("1066.19", "1066.14", True, False)
    assert problems_in_english([stale], LIN_TEXT) == [
        "Example “lin”: payment[12] says 1,066.19 but loanmath gives 1,066.14."
    ]


def test_a_figure_the_text_does_not_quote_is_reported() -> None:
    text = LIN_TEXT.replace("1,066.14", "1066.14")  # not written as the lessons write money
    (check,) = [c for c in examples_check([LIN], text=text) if c.name == "payment[12]"]
    assert (check.computed, check.quoted, check.ok) == ("1066.14", False, False)
    assert problems_in_english([LIN], text) == [
        "Example “lin”: payment[12] (1,066.14) does not appear in the text."
    ]


@pytest.mark.parametrize(
    ("stated", "text", "quoted"),
    [
        ("12000.00", "借 12,000 元", True),  # whole yuan may be written without the fen
        ("12000.00", "借 12,000.00 元", True),
        ("12000.00", "借 112,000 元", False),
        ("12000.00", "借 12,000.50 元", False),
        ("1066.19", "¥11,066.19", False),
        ("1066.19", "¥1,066.19.", True),
        ("18.71", "约 18.71%。", True),
        ("18.71", "约 18.71 %", True),
        ("18.71", "18.71 元", False),  # a percentage is followed by %
        ("41", "第 41 天", True),
        ("41", "第 141 天", False),
    ],
)
def test_a_figure_is_quoted_only_as_the_lessons_write_it(stated: str, text: str, quoted: bool) -> None:
    name, kind, inputs = {
        "12000.00": (
            "principal[1]",
            "schedule",
            {"principal": "144000.00", "annual_rate": "0", "months": 12, "method": "equal_principal"},
        ),
        "1066.19": ("payment[1]", "schedule", LIN["inputs"]),
        "18.71": (
            "effective_rate",
            "schedule",
            {"principal": "10000.00", "monthly_fee_rate": "0.008", "months": 12, "method": "flat_fee"},
        ),
        "41": ("days", "days_past_due", {"due_date": "2025-01-28", "on": "2025-03-10"}),
    }[stated]
    (check,) = examples_check([example("x", kind, inputs, {name: stated})], text=text)
    assert (check.computed, check.quoted) == (stated, quoted)


def test_an_unknown_figure_or_one_the_inputs_lack_cannot_be_computed() -> None:
    raw = [{**LIN, "figures": {"paymnet[1]": "1066.19", "payment[13]": "1.00"}}]
    assert [c.computed for c in examples_check(raw, text="1,066.19 1.00")] == [None, None]
    assert problems_in_english(raw, "1,066.19 1.00") == [
        "Example “lin”: a “schedule” example has no figure “paymnet[1]”.",
        "Example “lin”: payment[13] cannot be computed from its inputs.",
    ]


LIN_INPUTS = LIN["inputs"]
MALFORMED = [
    ({"key": "lin"}, "Example 1 must be an object with a key, a kind, inputs and figures."),
    (
        {**LIN, "key": "Lin 1"},
        "Example 1: its key must be lowercase letters, digits and hyphens, from a letter.",
    ),
    ({**LIN, "kind": "loan"}, "Example “lin”: there is no kind “loan”"),
    ({**LIN, "note": "x"}, "Example “lin”: an example has no field “note”."),
    (
        {**LIN, "inputs": {**LIN_INPUTS, "rate": "0.1"}},
        "Example “lin”: a “schedule” example takes no input “rate”.",
    ),
    (
        {**LIN, "inputs": {"principal": "12000.00", "months": 12, "annual_rate": "0.12"}},
        "the input “method” is missing.",
    ),
    (
        {**LIN, "inputs": {**LIN_INPUTS, "principal": "12,000"}},
        "the input “principal” must be an amount such as “12000.00”",
    ),
    ({**LIN, "inputs": {**LIN_INPUTS, "principal": 12000.0}}, "the input “principal” must be an amount"),
    (
        {**LIN, "inputs": {**LIN_INPUTS, "annual_rate": 0.12}},
        "the input “annual_rate” must be a decimal number written as text",
    ),
    (
        {**LIN, "inputs": {**LIN_INPUTS, "months": 0}},
        "the input “months” must be a whole number from 1 to 360.",
    ),
    (
        {**LIN, "inputs": {**LIN_INPUTS, "method": "balloon"}},
        "the input “method” must be one of equal_instalment",
    ),
    (
        {**LIN, "inputs": {**LIN_INPUTS, "monthly_rate": "0.01"}},
        "give “annual_rate” or “monthly_rate”, not both.",
    ),
    (
        {**LIN, "inputs": {**LIN_INPUTS, "upfront_fee": "12000.00"}},
        "loanmath refuses these inputs (upfront_fee (12000.00) must be less than the principal",
    ),
    (
        {**LIN, "figures": {"payment[1]": "1066.2"}},
        "Example “lin”: payment[1] must be written like “1066.19”, not “1066.2”.",
    ),
    (
        {**LIN, "figures": {"payment[1]": 1066.19}},
        "its figures must be an object of figure names and figures written as text.",
    ),
    (
        example("s", "sum", {"terms": ["later.total"]}, {"total": "1.00"}),
        "Example “s”: “later.total” names no example listed before it.",
    ),
    (
        example("w", "waterfall", {"amount": "1.00", "instalments": [{"capital": "1.00"}]}, {}),
        "instalment 1 must be an object with some of penalty, fees, interest, principal.",
    ),
    (
        example("d", "days_past_due", {"due_date": "2025-02-30", "on": "2025-03-10"}, {}),
        "the input “due_date” must be a date written YYYY-MM-DD.",
    ),
]


@pytest.mark.parametrize(("item", "message"), MALFORMED)
def test_a_malformed_example_is_refused_naming_the_place(item: dict[str, Any], message: str) -> None:
    with translation.override("en"):
        with pytest.raises(ExampleError) as refused:
            examples_check([item], text="")
        assert message in refused.value.message
        assert examples_problems([item], text="") == [refused.value.message]


def test_the_examples_must_be_a_list_with_unique_keys() -> None:
    with translation.override("en"):
        with pytest.raises(ExampleError, match="must be a list"):
            examples_parse({"lin": LIN})
        with pytest.raises(ExampleError, match="another example has the same key"):
            examples_parse([LIN, LIN])
    assert examples_parse([]) == ()


def test_a_reference_must_be_an_amount_loanmath_can_compute() -> None:
    with translation.override("en"):
        for reference, message in (
            ("lin.nominal_apr", "is not an amount"),
            ("lin.payment[13]", "cannot be computed"),
        ):
            raw = [LIN, example("s", "sum", {"terms": [reference]}, {"total": "1.00"})]
            with pytest.raises(ExampleError, match=re.escape(f"“{reference}” {message}")):
                examples_check(raw, text="")


# --- (b) the starter curriculum ------------------------------------------------------------------------

LANGUAGES = ("zh-hans", "en")


def lessons() -> Iterator[dict[str, Any]]:
    for course in curriculum_read(CURRICULUM_PATH)["courses"]:
        yield from course["lessons"]


def lesson_text(lesson: dict[str, Any], language: str) -> str:
    """What a borrower reads in one language: title, summary, body, and the whole quiz (as
    education.content_checks.lesson_text gives it for a lesson in the database)."""
    text = lesson[language]
    parts = [text["title"], text["summary"], text["body"]]
    for question in text.get("quiz", []):
        parts.append(question["question"])
        for choice in question["choices"]:
            parts += [choice["text"], choice["explanation"]]
    return "\n".join(parts)


LESSONS = [(lesson["key"], language) for lesson in lessons() for language in LANGUAGES]


def test_the_starter_curriculum_has_twelve_lessons_in_two_languages() -> None:
    assert len(LESSONS) == 24
    assert sorted(p.stem for p in (CURRICULUM_PATH / "lessons").glob("*.json")) == sorted(
        {k for k, _ in LESSONS}
    )


@pytest.mark.parametrize(("key", "language"), LESSONS)
def test_every_example_figure_is_loanmaths_and_quoted(key: str, language: str) -> None:
    (lesson,) = [lesson for lesson in lessons() if lesson["key"] == key]
    raw, text = lesson.get("examples", []), lesson_text(lesson, language)
    with translation.override("en"):
        assert examples_problems(raw, text=text) == []
    assert all(check.ok for check in examples_check(raw, text=text))


@pytest.mark.parametrize(("key", "language"), LESSONS)
def test_every_amount_and_percentage_with_decimals_is_an_examples(key: str, language: str) -> None:
    (lesson,) = [lesson for lesson in lessons() if lesson["key"] == key]
    assert figures_uncovered(lesson.get("examples", []), lesson_text(lesson, language)) == []


def test_the_coverage_check_finds_a_figure_no_example_has() -> None:
    text = "借 12,000 元，年化 18%，月供 1,066.19 元，罚息 0.49 元/天，约 12.5%，见 1,234.56 元和 1.05。"
    assert figures_uncovered([LIN], text) == ["0.49", "12.5%", "1,234.56", "1.05"]
    assert figures_uncovered([], "只有整数：12,000 元、18%、第 41 天。") == []


# --- (c) the money lessons' fact-check (issue 14) -------------------------------------------------------

MONEY_LESSONS = (
    "reading-your-statement",
    "monthly-rate-vs-apr",
    "when-a-payment-is-late",
    "borrowing-to-repay",
    "asking-your-lender-for-help",
)
# What the fact-check found wrong, quoted; none of it may come back.
WRONG = {
    "reading-your-statement": (
        "多半是利息",
        "mostly interest",
        "你实际借到手的钱",
        "money you actually borrowed",
        "每期都是",
        "every month |",
        "11 × 1,066.19",
        "11,728.09",
        "约 794",
        "about ¥794",
    ),
    "monthly-rate-vs-apr": ("\n- 每月应还：", "Payment each month:", "](/plan/)"),
    "when-a-payment-is-late": (
        "越滚越",
        "40 天",
        "40 days",
        "88.77",
        "3,478.77",
        "逾期本金少了，以后每天的罚息也就少了",
        "Less overdue principal means less penalty",
    ),
    "borrowing-to-repay": ("约 80%", "about 80%", "每月缺口", "short each time", "](/plan/)"),
    "asking-your-lender-for-help": ("211.74", "397.08", "](/plan/)", "约 185 元", "about ¥185"),
}
# What must be said instead, in each language.
RIGHT = {
    "reading-your-statement": (
        ("1,066.14", "794.23", "约占 11%", "利息就按它算"),
        ("1,066.14", "¥794.23", "about 11%", "which the interest is worked out on"),
    ),
    "monthly-rate-vs-apr": (
        ("913.37", "名义年化利率", "实际年利率", "](/plan/rate/)"),
        ("913.37", "Nominal APR", "Effective annual rate", "](/plan/rate/)"),
    ),
    "when-a-payment-is-late": (
        ("第 41 天", "14.79 元抵罚息，30 元抵滞纳金，55.21 元抵利息", "不会“利滚利”"),
        ("day 41", "¥14.79 goes to penalty interest, ¥30 to the late fee and ¥55.21", "doesn't compound"),
    ),
    "borrowing-to-repay": (
        ("名义年化利率", "60%", "实际年利率", "79.59%", "只差这一次"),
        ("nominal APR", "60%", "effective annual rate", "79.59%", "just this once"),
    ),
    "asking-your-lender-for-help": (
        ("211.75", "397.11", "](/help/apply/)", "30 天", "还款日不变", "不打催收电话"),
        ("211.75", "397.11", "](/help/apply/)", "30 days", "due dates stay the same", "no collection calls"),
    ),
}
# The features a lesson may promise: the one fixed list, kept in test_lesson_facts.
PROMISES = lesson_facts.PROMISES


def lesson_of(key: str) -> dict[str, Any]:
    (lesson,) = [lesson for lesson in lessons() if lesson["key"] == key]
    return lesson


@pytest.mark.parametrize("key", MONEY_LESSONS)
def test_the_fact_checked_errors_are_corrected_in_both_languages(key: str) -> None:
    lesson = lesson_of(key)
    texts = [lesson_text(lesson, language) for language in LANGUAGES]
    assert [quote for quote in WRONG[key] if any(quote in text for text in texts)] == []
    for text, right in zip(texts, RIGHT[key], strict=True):
        assert [quote for quote in right if quote not in text] == []


@pytest.mark.parametrize("key", MONEY_LESSONS)
def test_the_money_lessons_use_todays_words(key: str) -> None:
    zh = lesson_text(lesson_of(key), "zh-hans")
    assert "出借方" not in zh
    assert "APP" not in zh
    assert re.findall(r"\d\s?[-–~]\s?\d+\s?(?:个月|天|年|期)", zh) == []


@pytest.mark.parametrize("key", MONEY_LESSONS)
def test_a_money_lesson_lists_its_promises_and_the_sources_it_cites(key: str) -> None:
    lesson = lesson_of(key)
    assert set(lesson["promises"]) <= PROMISES
    titles = [source["title"]["zh-hans"] for source in lesson["sources"]]
    for source in lesson["sources"]:
        assert set(source) == {"title", "issuer", "issued", "reference", "url"}
        assert re.fullmatch(r"\d{4}(-\d\d(-\d\d)?)?", source["issued"])
    cited = set(re.findall(r"《[^》]{2,80}》", lesson["zh-hans"]["body"]))
    assert [document for document in cited if not any(document in title for title in titles)] == []


def test_the_money_lessons_promise_what_they_rely_on() -> None:
    promised = {key: set(lesson_of(key)["promises"]) for key in MONEY_LESSONS}
    assert promised["monthly-rate-vs-apr"] >= {"true-rate", "plan-compare"}
    assert promised["asking-your-lender-for-help"] >= {"hardship-apply", "reminders-pause-hardship"}
    assert promised["when-a-payment-is-late"] >= {"loan-late-costs", "payment-waterfall"}


@pytest.mark.parametrize(("key", "language"), LESSONS)
def test_every_link_in_a_lesson_is_a_page_of_the_site(key: str, language: str) -> None:
    targets = re.findall(r"\]\(([^)\s]+)\)", lesson_of(key)[language]["body"])
    broken = []
    for target in targets:
        try:
            resolve(target.split("?")[0].split("#")[0])
        except Resolver404:
            broken.append(target)
    assert broken == []
