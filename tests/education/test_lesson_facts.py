"""The starter lessons say what is true: of the law and its sources, of their own sums, and of Anxin
(issue 14). The seven lessons checked closely here are the everyday-money course's five and the
collectors and debt-relief-agent lessons; the rules on wording, sources and keys hold for every lesson
file.

No database: the lesson files are read as they are, the links are resolved, and the product's own code
(contact rules, budget sections, message form, registered features) is asked what it does.
"""

import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.db import models
from django.urls import Resolver404, resolve
from django.utils import translation

from core.features import feature_problems, features
from education.examples import examples_problems
from education.loader import CURRICULUM_PATH
from notifications.contact_rules import QUIET_END, QUIET_START, in_quiet_hours

LESSONS = CURRICULUM_PATH / "lessons"
LESSON_FILES = sorted(LESSONS.glob("*.json"))
OWN = (
    "a-budget-you-can-keep",
    "when-money-is-short",
    "emergency-fund",
    "after-you-pay-off",
    "using-credit-wisely",
    "your-rights-with-collectors",
    "fake-debt-relief-agents",
)
LANGUAGES = ("zh-hans", "en")
# The features a lesson may promise (core.features registers them; the list is fixed for issue 14).
PROMISES = frozenset(
    {
        "quiet-hours",
        "reminders-pause-hardship",
        "hardship-apply",
        "complaints",
        "true-rate",
        "plan-compare",
        "budget-planner",
        "loan-late-costs",
        "payment-waterfall",
    }
)
ISSUED = re.compile(r"\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?")
CITED = re.compile(r"《[^》]+》")
LINK = re.compile(r"\]\(([^)\s]+)\)")
GUIDELINE = "《金融机构个人消费类贷款催收工作指引（试行）》"


def lesson(key: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((LESSONS / f"{key}.json").read_text(encoding="utf-8"))
    return data


def texts(data: dict[str, Any], language: str) -> Iterator[str]:
    """Everything a reader of that language sees: title, summary, body and the whole quiz."""
    version = data[language]
    yield from (version["title"], version["summary"], version["body"])
    for question in version.get("quiz", []):
        yield question["question"]
        for choice in question["choices"]:
            yield from (choice["text"], choice["explanation"])


def text(data: dict[str, Any], language: str) -> str:
    return "\n".join(texts(data, language))


def correct_choice(data: dict[str, Any], language: str, question: int) -> dict[str, Any]:
    choices = data[language]["quiz"][question - 1]["choices"]
    (choice,) = [choice for choice in choices if choice["correct"]]
    return dict(choice)


def course_lessons() -> dict[str, set[str]]:
    courses = json.loads((CURRICULUM_PATH / "courses.json").read_text(encoding="utf-8"))["courses"]
    return {course["key"]: set(course["lessons"]) for course in courses}


# --- every lesson file -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", LESSON_FILES, ids=lambda path: path.stem)
def test_every_lesson_file_lists_its_promises_sources_and_examples(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert {"promises", "sources", "examples"} <= set(data), path.name
    assert isinstance(data["promises"], list)
    assert set(data["promises"]) <= PROMISES, sorted(set(data["promises"]) - PROMISES)
    assert len(set(data["promises"])) == len(data["promises"])
    assert isinstance(data["examples"], list)
    for source in data["sources"]:
        assert set(source) == {"title", "issuer", "issued", "reference", "url"}, source
        for field in ("title", "issuer", "reference"):
            assert set(source[field]) == set(LANGUAGES), (field, source)
        assert all(source["title"].values()), source
        assert all(source["issuer"].values()), source
        assert ISSUED.fullmatch(source["issued"]), source["issued"]
        assert isinstance(source["url"], str)


@pytest.mark.parametrize("path", LESSON_FILES, ids=lambda path: path.stem)
def test_no_lesson_uses_p2p_wording_or_a_capitalised_app(path: Path) -> None:
    """出借方 is P2P-era wording a borrower can misread: the lender is 贷款机构 (or 安心); and it is "App"."""
    raw = path.read_text(encoding="utf-8")
    assert "出借方" not in raw
    assert "APP" not in raw


# A range written with a dash, a hyphen or "~" (spaced or not) before a Chinese unit.
DASHED_RANGE = re.compile(r"\d[\d,.]*%?\s*[-–—~〜]\s*\d[\d,.]*%?\s*(?:个月|天|年|元|期)")


@pytest.mark.parametrize("path", LESSON_FILES, ids=lambda path: path.stem)
def test_chinese_ranges_before_a_unit_take_the_full_width_tilde(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert [m.group() for t in texts(data, "zh-hans") for m in DASHED_RANGE.finditer(t)] == []


def test_the_range_check_catches_what_it_is_for() -> None:
    assert DASHED_RANGE.search("存 3–6 个月的开支")
    assert DASHED_RANGE.search("先存 500-1,000 元")
    assert not DASHED_RANGE.search("存 3～6 个月的开支")
    assert not DASHED_RANGE.search("2023-10-08 还上，12,000 − 946.19 元")


@pytest.mark.parametrize("path", LESSON_FILES, ids=lambda path: path.stem)
def test_every_document_a_chinese_text_cites_is_among_the_lessons_sources(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    titles = {source["title"]["zh-hans"] for source in data.get("sources", [])}
    cited = {document for t in texts(data, "zh-hans") for document in CITED.findall(t)}
    assert cited <= titles, sorted(cited - titles)


# --- the collectors lesson: the banking association's guideline, and Anxin's own hours ----------------


def test_the_collectors_lesson_states_the_banking_association_guideline_precisely() -> None:
    data = lesson("your-rights-with-collectors")
    zh, en = data["zh-hans"]["body"], data["en"]["body"]
    for words in (
        GUIDELINE,
        "中国银行业协会",
        "2026 年 1 月",
        "未经你同意",
        "22:00 到次日 8:00",
        "6 次",
        "会员",
    ):
        assert words in zh, words
    for words in (
        "China Banking Association",
        "January 2026",
        "without your consent",
        "22:00 and 08:00",
        "6 call attempts a day to one number",
        "members",
    ):
        assert words in en, words
    # The old sentence stated the rule for everyone and without the borrower's consent.
    assert "晚上 10 点到早上 8 点" not in text(data, "zh-hans")
    assert "10 p.m." not in text(data, "en")
    (source,) = [s for s in data["sources"] if s["title"]["zh-hans"] == GUIDELINE]
    assert source["issued"] == "2026-01"
    assert (source["issuer"]["zh-hans"], source["issuer"]["en"]) == (
        "中国银行业协会",
        "China Banking Association",
    )


def test_the_late_night_quiz_answer_rests_on_consent_and_the_daily_cap() -> None:
    data = lesson("your-rights-with-collectors")
    assert "从没同意" in data["zh-hans"]["quiz"][0]["question"]
    assert "never agreed" in data["en"]["quiz"][0]["question"]
    zh, en = correct_choice(data, "zh-hans", 1), correct_choice(data, "en", 1)
    assert "未经你同意" in zh["explanation"]
    assert "6 次" in zh["explanation"]
    assert "consent" in en["explanation"]
    assert "6 times a day" in en["explanation"]


def test_what_the_collectors_lesson_says_of_anxins_hours_is_what_the_contact_rules_do() -> None:
    data = lesson("your-rights-with-collectors")
    zh_hours = f"{QUIET_START:%H:%M} 到次日 {QUIET_END.hour}:{QUIET_END:%M}"
    en_hours = f"between {QUIET_START:%H:%M} and {QUIET_END:%H:%M} your local time"
    assert (
        f"安心自己的提醒和客服电话，都不会在你所在地时间 {zh_hours} 之间发出或拨打" in data["zh-hans"]["body"]
    )
    assert f"Anxin's own reminders and calls never go out {en_hours}" in data["en"]["body"]
    assert "quiet-hours" in data["promises"]
    # "Your local time": the borrower's zone decides, at both edges.
    urumqi = "Asia/Urumqi"
    at = datetime(2026, 1, 15, 16, 0, tzinfo=UTC)  # 00:00 in Shanghai, 22:00 in Urumqi
    assert in_quiet_hours(at, urumqi)
    assert in_quiet_hours(at, "Asia/Shanghai")
    assert not in_quiet_hours(datetime(2026, 1, 15, 21, 59, tzinfo=ZoneInfo(urumqi)), urumqi)
    assert not in_quiet_hours(datetime(2026, 1, 16, 8, 0, tzinfo=ZoneInfo(urumqi)), urumqi)


def test_complaints_are_sent_as_a_message_that_takes_no_attachments() -> None:
    from portal.forms import SupportMessageForm
    from portal.models import SupportMessage

    data = lesson("your-rights-with-collectors")
    assert "附上证据" not in data["zh-hans"]["body"]
    assert "attach your evidence" not in data["en"]["body"]
    assert "留言不能上传附件" in data["zh-hans"]["body"]
    assert "Messages can't carry attachments" in data["en"]["body"]
    for language in LANGUAGES:
        assert "/help/messages/?topic=complaint" in data[language]["body"]
    assert "complaint" in SupportMessage.Topic.values
    assert not [f for f in SupportMessageForm.base_fields.values() if isinstance(f, forms.FileField)]
    assert not [f for f in SupportMessage._meta.get_fields() if isinstance(f, models.FileField)]


# --- the everyday-money lessons --------------------------------------------------------------------


def test_the_phone_quiz_says_instalments_get_the_phone_now() -> None:
    data = lesson("using-credit-wisely")
    assert "同样 12 个月" not in text(data, "zh-hans")
    assert "same 12 months" not in text(data, "en")
    assert "马上" in correct_choice(data, "zh-hans", 3)["explanation"]
    assert "now" in correct_choice(data, "en", 3)["explanation"]


def test_the_rent_quiz_keeps_the_rent_unpaid_so_its_rent_answer_makes_sense() -> None:
    data = lesson("when-money-is-short")
    zh, en = data["zh-hans"]["quiz"][0], data["en"]["quiz"][0]
    assert "交完房租" not in zh["question"]
    assert "月底要交的房租" in zh["question"]
    assert not en["question"].startswith("After rent")
    assert "(due at the end of the month)" in en["question"]
    for question, rent in ((zh, "房租晚几天再交"), (en, "pay the rent a few days late")):
        (late_rent,) = [c for c in question["choices"] if rent in c["text"]]
        assert not late_rent["correct"]


def test_the_minimum_payment_warning_says_interest_keeps_running() -> None:
    data = lesson("when-money-is-short")
    for words in ("最低还款额", "照样要计息", "免息期", "记账日", "整期账单"):
        assert words in data["zh-hans"]["body"], words
    for words in (
        "interest keeps running",
        "interest-free period",
        "whole statement balance",
        "posting date",
    ):
        assert words in data["en"]["body"], words
    # A credit card's charge for paying late is 违约金, not 滞纳金 (that word is a loan's late fee here).
    assert "违约金" in data["zh-hans"]["quiz"][1]["question"]


def test_the_budget_lesson_describes_the_planner_as_it_is() -> None:
    from budget.models import BUDGET_SECTION_OF

    data = lesson("a-budget-you-can-keep")
    zh, en = data["zh-hans"]["body"], data["en"]["body"]
    # The flag is called what the page calls it; the page flags a cost above its guideline.
    with translation.override("zh-hans"):
        assert f"“{translation.gettext('Above the guideline')}”" in zh
    with translation.override("en"):
        assert f'"{translation.gettext("Above the guideline")}"' in en
    assert "明显偏高，它会提醒你" not in zh
    # The page's 50/30/20 puts food with the flexible costs and every repayment with savings.
    assert (BUDGET_SECTION_OF["food"], BUDGET_SECTION_OF["loans_with_us"]) == ("flexible", "debt")
    assert "伙食算在弹性开支里" in zh
    assert "月供和其他还款都算在“储蓄和还款”那 20% 里" in zh
    assert "food counts as a flexible cost" in en
    assert 'the 20% for "savings and debt repayments"' in en
    assert {"budget-planner", "hardship-apply"} <= set(data["promises"])


def test_the_paid_off_lesson_names_the_loan_pages_settlement_confirmation() -> None:
    data = lesson("after-you-pay-off")
    with translation.override("zh-hans"):
        assert (
            f"“{translation.gettext('Settlement confirmation, to print or keep')}”" in data["zh-hans"]["body"]
        )
    assert "settlement confirmation (结清证明) you can print or save" in data["en"]["body"]
    assert resolve("/loans/AX-1001/settlement/").view_name == "borrowers:settlement"


def test_the_five_year_rule_runs_from_the_end_of_the_late_payment() -> None:
    for key in ("after-you-pay-off", "fake-debt-relief-agents"):
        data = lesson(key)
        assert "还清那天起" not in text(data, "zh-hans")
        assert "from the day he repaid" not in text(data, "en")
        assert "逾期结束之日起" in text(data, "zh-hans")
        assert "《征信业管理条例》" in {s["title"]["zh-hans"] for s in data["sources"]}


# --- what the seven lessons say about Anxin --------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("key", OWN)
def test_every_link_is_a_page_of_the_site(key: str, language: str) -> None:
    from portal.models import SupportMessage

    lessons_of = course_lessons()
    for target in LINK.findall(lesson(key)[language]["body"]):
        url = urlsplit(target)
        assert not url.scheme, target
        assert not url.netloc, target
        try:
            match = resolve(url.path)
        except Resolver404:
            pytest.fail(f"{key} ({language}) links to {target}, which is not a page")
        if match.view_name == "education:lesson":
            assert match.kwargs["lesson_key"] in lessons_of.get(match.kwargs["course_key"], set()), target
        for topic in parse_qs(url.query).get("topic", []):
            assert topic in SupportMessage.Topic.values, target


PAUSE = {
    "zh-hans": ("提醒会暂停", "提醒和催收电话都会暂停"),
    "en": ("reminders pause", "reminders and collection calls pause"),
}
KEEPS_RUNNING = {
    "zh-hans": ("还款日不变", "合同利息照常计算"),
    "en": ("due dates stay", "contract interest keeps running"),
}


def test_a_lesson_that_says_reminders_pause_says_what_keeps_running() -> None:
    pausing = []
    for key in OWN:
        data = lesson(key)
        for language in LANGUAGES:
            body = data[language]["body"]
            if any(words in body for words in PAUSE[language]):
                pausing.append((key, language))
                assert all(words in body for words in KEEPS_RUNNING[language]), (key, language)
                assert "reminders-pause-hardship" in data["promises"], key
    assert {key for key, _language in pausing} == {"your-rights-with-collectors", "fake-debt-relief-agents"}
    assert len(pausing) == 4  # both languages of each


# What in a lesson's text relies on which feature.
RELIES_ON: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("budget-planner", lambda body: "](/budget/)" in body),
    ("hardship-apply", lambda body: "](/help/apply/)" in body or "困难协商申请" in body),
    ("complaints", lambda body: "?topic=complaint)" in body),
    ("true-rate", lambda body: "](/plan/rate/)" in body),
    ("plan-compare", lambda body: "](/plan/)" in body or "](/plan/compare/)" in body),
    ("loan-late-costs", lambda body: "](/loans/)" in body and ("宽限期" in body or "days of grace" in body)),
    ("quiet-hours", lambda body: "安心自己的提醒" in body or "Anxin's own reminders" in body),
    ("reminders-pause-hardship", lambda body: any(w in body for ws in PAUSE.values() for w in ws)),
)


@pytest.mark.parametrize("key", OWN)
def test_each_lesson_lists_the_features_its_text_relies_on(key: str) -> None:
    data = lesson(key)
    needed = {
        feature for feature, relies in RELIES_ON for language in LANGUAGES if relies(data[language]["body"])
    }
    assert needed == set(data["promises"]), (sorted(needed), data["promises"])


def test_the_features_the_seven_lessons_promise_are_registered_and_working() -> None:
    promised = {feature for key in OWN for feature in lesson(key)["promises"]}
    assert promised, "the lessons promise nothing: the check below would pass vacuously"
    assert promised <= set(features()), sorted(promised - set(features()))
    assert feature_problems(sorted(promised)) == []


# --- the sums ----------------------------------------------------------------------------------------

NUMBER = r"¥?\d[\d,]*(?:\.\d+)?%?"
OPERATOR = r"[×÷+−-]"
# "6,000 ÷ 12 + 48 = 548 元", "¥913.33 × 3 = ¥2,739.99", "0.6% × 12 × 1.8 ≈ 13%".
WRITTEN_SUM = re.compile(
    rf"({NUMBER}(?:\s*(?:元)?\s*{OPERATOR}\s*{NUMBER})+)\s*(?:元)?\s*([=≈])\s*({NUMBER})"
)
TOKEN = re.compile(rf"{NUMBER}|{OPERATOR}")


def exact(number: str) -> Fraction:
    value = Fraction(number.lstrip("¥").rstrip("%").replace(",", ""))
    return value / 100 if number.endswith("%") else value


def evaluate(expression: str) -> Fraction:
    """× and ÷ before + and −, left to right, in exact fractions."""
    tokens = TOKEN.findall(expression)
    terms: list[Fraction] = [exact(tokens[0])]
    signs: list[int] = [1]
    for operator, operand in zip(tokens[1::2], tokens[2::2], strict=True):
        if operator == "×":
            terms[-1] *= exact(operand)
        elif operator == "÷":
            terms[-1] /= exact(operand)
        else:
            terms.append(exact(operand))
            signs.append(1 if operator == "+" else -1)
    return sum((sign * term for sign, term in zip(signs, terms, strict=True)), Fraction(0))


def written_sums() -> list[tuple[str, str, str, str, str]]:
    return [
        (key, language, match.group(1), match.group(2), match.group(3))
        for key in OWN
        for language in LANGUAGES
        for t in texts(lesson(key), language)
        for match in WRITTEN_SUM.finditer(t)
    ]


def test_every_sum_the_seven_lessons_write_out_is_exactly_right() -> None:
    sums = written_sums()
    assert len(sums) >= 25, sums  # the check finds the lessons' sums (it would pass on none)
    wrong = []
    for key, language, left, relation, right in sums:
        value, stated = evaluate(left), exact(right)
        if relation == "=":
            ok = value == stated
        else:  # ≈: right to the last place written
            places = len(right.rstrip("%").partition(".")[2]) + (2 if right.endswith("%") else 0)
            ok = abs(value - stated) <= Fraction(1, 2 * 10**places)
        if not ok:
            wrong.append(f"{key} ({language}): {left} {relation} {right}, but it is {float(value)}")
    assert wrong == []


def test_the_sum_checker_catches_a_wrong_sum() -> None:
    assert evaluate("6,000 ÷ 12 + 48") == 548
    assert evaluate("¥913.33 × 3") == Fraction("2739.99")
    assert evaluate("0.6% × 12") == Fraction("0.072")
    assert evaluate("1,200 − 500") == 700
    assert evaluate("11 × 1,066.19") != Fraction("11728.19")


def numbers(match: re.Match[str]) -> list[Fraction]:
    return [exact(group) for group in match.groups()]


# The sums the lessons tell in words: a pattern over a text, and what its numbers must satisfy.
NARRATIVE: tuple[tuple[str, str, str, Callable[[list[Fraction]], bool]], ...] = (
    (
        "when-money-is-short",
        "zh-hans",
        r"降到了 ([\d,]+) 元。房租 ([\d,]+) 元、吃饭 ([\d,]+) 元、水电和话费 ([\d,]+) 元、交通 ([\d,]+) 元，"
        r"必需开支一共 ([\d,]+) 元，剩 ([\d,]+) 元",
        lambda n: n[1] + n[2] + n[3] + n[4] == n[5] and n[0] - n[5] == n[6],
    ),
    (
        "when-money-is-short",
        "en",
        r"fell from ¥[\d,]+ to ¥([\d,]+)\. Rent ¥([\d,]+), food ¥([\d,]+), utilities and phone ¥([\d,]+), "
        r"transport ¥([\d,]+): ¥([\d,]+) of essentials, leaving ¥([\d,]+)",
        lambda n: n[1] + n[2] + n[3] + n[4] == n[5] and n[0] - n[5] == n[6],
    ),
    (
        "when-money-is-short",
        "zh-hans",
        r"先留够 ([\d,]+) 元生活费；拿 ([\d,]+) 元还信用卡最低还款.*?剩下 ([\d,]+) 元先还一部分安心月供",
        lambda n: n[0] + n[1] + n[2] == 3000,
    ),
    (
        "a-budget-you-can-keep",
        "zh-hans",
        r"到手 ([\d,]+) 元：必需 ([\d,]+) 元，想要的 ([\d,]+) 元，储蓄 ([\d,]+) 元",
        lambda n: [n[1], n[2], n[3]] == [n[0] * Fraction(p, 100) for p in (50, 30, 20)],
    ),
    (
        "a-budget-you-can-keep",
        "zh-hans",
        r"花了 ([\d,]+) 元。\n\n发现了也别一下砍到零。定一个做得到的目标，比如外卖降到每月 ([\d,]+) 元，"
        r"每周看一次进度。每月省下 ([\d,]+) 元，一年就是 ([\d,]+) 元",
        lambda n: n[0] - n[1] == n[2] and 12 * n[2] == n[3],
    ),
    (
        "emergency-fund",
        "zh-hans",
        r"每月存 ([\d,]+) 元，(\d+) 个月就有 ([\d,]+) 元；每月能存 ([\d,]+) 元，两个月就够了",
        lambda n: n[0] * n[1] == n[2] and 2 * n[3] == n[2],
    ),
    (
        "using-credit-wisely",
        "zh-hans",
        r"到手 ([\d,]+) 元，已经每月还 ([\d,]+) 元，再加上这部手机的 ([\d,]+) 元，"
        r"月供就是 ([\d,]+) 元，占收入约 (\d+)%",
        lambda n: n[1] + n[2] == n[3] and round(n[3] / n[0] * 100) == n[4],
    ),
    (
        "using-credit-wisely",
        "zh-hans",
        r"每月存 ([\d,]+) 元，(\d+) 个月就是 ([\d,]+) 元",
        lambda n: n[0] * n[1] == n[2],
    ),
    (
        "using-credit-wisely",
        "zh-hans",
        r"减去已有的 ([\d,]+) 元，还剩 ([\d,]+) 元的空间.*?现在只占约 (\d+)%",
        lambda n: 1200 - n[0] == n[1] and round(n[0] / 6000 * 100) == n[2],
    ),
)


@pytest.mark.parametrize(
    ("key", "language", "pattern", "holds"),
    NARRATIVE,
    ids=[f"{key}-{language}-{n}" for n, (key, language, _p, _h) in enumerate(NARRATIVE, start=1)],
)
def test_the_sums_told_in_words_add_up(
    key: str, language: str, pattern: str, holds: Callable[[list[Fraction]], bool]
) -> None:
    match = re.search(pattern, text(lesson(key), language), re.DOTALL)
    assert match is not None, f"{key} ({language}) no longer says this: {pattern}"
    assert holds(numbers(match)), match.group()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_late_payment_record_quiz_counts_five_years_from_when_it_ended(language: str) -> None:
    data = lesson("after-you-pay-off")
    question = data[language]["quiz"][0]["question"]
    answer = correct_choice(data, language, 1)["text"]
    ended = re.search(
        r"(\d{4}) 年 (\d+) 月 \d+ 日还上" if language == "zh-hans" else r"on \d+ (\w+) (\d{4})", question
    )
    kept = re.search(r"(\d{4}) 年 (\d+) 月前后" if language == "zh-hans" else r"Around (\w+) (\d{4})", answer)
    assert ended is not None, question
    assert kept is not None, answer
    (year, month), (kept_year, kept_month) = (
        (ended.groups(), kept.groups())
        if language == "zh-hans"
        else (ended.groups()[::-1], kept.groups()[::-1])
    )
    assert (int(kept_year), kept_month) == (int(year) + 5, month)


# --- the worked examples -----------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("key", OWN)
def test_the_worked_examples_are_loanmaths_figures_and_quoted(key: str, language: str) -> None:
    data = lesson(key)
    assert examples_problems(data["examples"], text=text(data, language)) == []
