"""The zh_Hans catalogue's Chinese follows the house typography (issue 14): full-width punctuation,
"App", ranges "3～6 个月"; and no common English word is left untranslated. The checker is tried on
examples first, so a catalogue that passes has been read by a checker that can fail."""

import re
from collections.abc import Callable
from pathlib import Path

import polib
import pytest

from tests.typography import (
    RULES,
    Prose,
    app_spelling,
    half_width_punctuation,
    range_notation,
    typography_problems,
)

ZH = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def catalogue_texts() -> list[tuple[str, str]]:
    """(msgid, msgstr) for every translation in the catalogue, each plural form on its own."""
    return [
        (entry.msgid, text)
        for entry in polib.pofile(str(ZH))
        if not entry.obsolete
        for text in ([entry.msgstr] if not entry.msgstr_plural else entry.msgstr_plural.values())
    ]


@pytest.mark.parametrize(
    ("check", "text"),
    [
        (half_width_punctuation, "消息设置: "),
        (half_width_punctuation, "面对催收,你有哪些权利?"),
        (half_width_punctuation, "月供(本期应还)"),
        (half_width_punctuation, "已保存;请返回"),
        (half_width_punctuation, "加载中..."),
        (half_width_punctuation, "确认吗？(可撤销)"),  # beside full-width punctuation
        (half_width_punctuation, "<strong>本金</strong>: 你借到的钱"),  # a tag is read through
        (half_width_punctuation, "**本金**: 你借到的钱"),  # and so is Markdown emphasis
        (half_width_punctuation, "你好 %(name)s,欢迎回来"),
        (half_width_punctuation, "截至 12:00,已还 1,066.19 元"),
        (half_width_punctuation, "链接:https://a.b/c?d=1"),
        (app_spelling, "下载安心 APP"),
        (app_spelling, "打开借款app"),
        (app_spelling, "卸载这些 Apps"),
        (range_notation, "3-6 个月"),
        (range_notation, "3–6个月"),
        (range_notation, "3~6 个月"),
        (range_notation, "3〜6 个月"),
        (range_notation, "3 ～ 6 个月"),
        (range_notation, "逾期 1–30 天"),
        (range_notation, "9,000–18,000 元"),
        (range_notation, "%(low)s–%(high)s 天"),
    ],
)
def test_the_checker_flags_what_breaks_a_rule(check: Callable[[str], list[str]], text: str) -> None:
    assert check(text)


@pytest.mark.parametrize(
    "text",
    [
        "消息设置：",
        "借 12,000 元，月利率 1.5%，见[我的借款](/loans/)。",  # rule 4: spaces stay, unflagged
        "截至 12:00，已还 1,066.19 元，年化 18.71%。",
        "截至12:00前还款1,066.19元",
        "详见https://a.b/c?d=1，然后返回",
        "及格线为 %(mark)s%%，共%(count)d题。你好{name}!",
        '<a href="%(url)s?next=1" title="借款:详情" class="app-link">查看</a>',
        "借款&nbsp;计划",
        "发邮件到 help@anxin.example。",
        "1. 先看账单\n2. 再看 `a,b;c`",
        "在安心 App 里查看",
        "apply、happy、app.js 与 %(app)s 都不是这个词",
        "3～6 个月，逾期 1～30 天，存 9,000～18,000 元，%(low)s～%(high)s 天",
        "3 至 6 个月",
        "请在 2026-12-31 前还款，或拨打 400-820-8820 联系",
        "AX-1001 号借款，12:00-14:00 之间",
        "本金 = 1,066.19 − 120.00 = 946.19 元",
    ],
)
def test_the_checker_spares_numbers_placeholders_markup_and_addresses(text: str) -> None:
    assert typography_problems(text) == []


def test_a_snippet_quotes_the_original_text() -> None:
    assert half_width_punctuation("你好 %(name)s,欢迎回来") == ["name)s,欢迎回来"]
    assert Prose("<b>本金</b>%(x)s").text == "本金0"


def test_the_catalogue_is_read() -> None:
    texts = catalogue_texts()
    assert len(texts) > 2000
    assert sum(bool(re.search("[\u4e00-\u9fff]", text)) for _, text in texts) > 2000


@pytest.mark.parametrize("rule", RULES)
def test_every_zh_hans_translation_follows_the_rule(rule: str) -> None:
    offending = [
        f"{msgid[:60]!r}: {snippet!r}" for msgid, text in catalogue_texts() for snippet in RULES[rule](text)
    ]
    assert offending == [], "\n".join(offending)


# Words a translator may leave in English by mistake; names (CSV, PDF, IP, App), column names
# (product_code), paths (/help/) and audit actions (loan.link_failed) are meant.
UNTRANSLATED = re.compile(
    r"(?<![A-Za-z0-9_./-])(?:OK|e-?mail|password|username|log ?in|log ?out|sign ?(?:in|up)|submit|cancel|"
    r"save|delete|edit|next|previous|back|yes|no|loan|payment|amount|settings|help|home|error|please|"
    r"message|download|upload|continue|confirm)(?![A-Za-z0-9_/-]|\.[A-Za-z])",
    re.IGNORECASE,
)


def test_the_checker_for_english_words_sees_through_placeholders() -> None:
    assert UNTRANSLATED.search(Prose("点击 OK 继续").text)
    assert UNTRANSLATED.search(Prose("请输入 email 地址").text)
    assert not UNTRANSLATED.search(Prose('已发送到 %(email)s（<a href="/help/">帮助</a>）').text)


def test_no_common_english_word_is_left_in_a_zh_hans_translation() -> None:
    offending = [
        f"{msgid[:60]!r}: {text[:60]!r}"
        for msgid, text in catalogue_texts()
        if UNTRANSLATED.search(Prose(text).text)
    ]
    assert offending == [], "\n".join(offending)
