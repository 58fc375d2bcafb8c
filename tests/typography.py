"""The house's Chinese typography as checks: each rule is a function from a text to the snippets that
break it (an empty list when the text is right), used on the zh_Hans catalogue and the lesson files.

1. Full-width punctuation: no half-width , . : ; ? ! ( ) touching a Chinese character or full-width
   punctuation ("消息设置: " is wrong, "消息设置：" is right).
2. "App", never "APP" (nor "app", "Apps").
3. A range before a Chinese unit is written with the full-width tilde and no spaces around it:
   "3～6 个月", not "3-6 个月", "3–6个月" or "3~6 个月".
4. A space between Chinese and digits or Latin words ("借 12,000 元") is the house style: no rule
   flags it, and none asks for it.

What is not prose keeps its ASCII: numbers (1,066.19, 12:00, 18.71%), placeholders (%(name)s, %s,
{name}), HTML tags with their attributes, entities, Markdown link targets, inline code, addresses (URLs
and email). HTML tags and Markdown emphasis are read through: "<b>本金</b>: " is Chinese text followed
by a half-width colon, as the reader sees it.
"""

import re
from collections.abc import Callable, Iterable

IDEOGRAPH = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Chinese characters, CJK and full-width punctuation, and the punctuation Chinese text shares with others.
CJK = IDEOGRAPH + "\u3000-\u303f\uff00-\uffef“”‘’…—"
HALF_WIDTH = ",.:;?!()"

PLACEHOLDER = r"%\([^)\s]+\)[-#0+]*\d*(?:\.\d+)?[a-zA-Z]|%[-#0+]*\d*(?:\.\d+)?[sdifr%]|\{[\w.:,!\[\]]*\}"
NUMBER = r"\d[\d,.:]*\d%?|\d%?"

# Each kind of text that is not prose, and what the reader sees in its place: "0" stands for a value
# (neither Chinese nor punctuation), "" lets the text on either side touch, as it does on the page.
NOT_PROSE: dict[str, tuple[str, str]] = {
    "code": (r"`[^`]*`", "0"),
    "address": (
        r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+|[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+",
        "0",
    ),
    "link_target": (r"(?<=\])\([^)\s]*\)", ""),
    "tag": (r"<!--.*?-->|</?[A-Za-z][^<>]*>", ""),
    "entity": (r"&#?\w+;", " "),
    "placeholder": (PLACEHOLDER, "0"),
    "number": (NUMBER, "0"),
    "emphasis": (r"\*+|(?<![A-Za-z0-9])_+|_+(?![A-Za-z0-9])", ""),
}


def _masks(kinds: Iterable[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?P<{kind}>{NOT_PROSE[kind][0]})" for kind in kinds), re.DOTALL)


ALL_MASKS = _masks(NOT_PROSE)
# A range is made of numbers and placeholders: those stay.
RANGE_MASKS = _masks(kind for kind in NOT_PROSE if kind not in ("placeholder", "number"))


class Prose:
    """A text as the reader sees it, with each character's offset in the original, so that a snippet
    quotes the original (placeholders and all) rather than the masked text."""

    def __init__(self, text: str, masks: re.Pattern[str] = ALL_MASKS) -> None:
        self.original = text
        pieces: list[str] = []
        self.origins: list[int] = []
        at = 0
        for match in masks.finditer(text):
            replacement = NOT_PROSE[str(match.lastgroup)][1]
            pieces += [text[at : match.start()], replacement]
            self.origins += [*range(at, match.start()), *[match.start()] * len(replacement)]
            at = match.end()
        pieces.append(text[at:])
        self.origins += range(at, len(text))
        self.text = "".join(pieces)

    def snippet(self, match: re.Match[str], margin: int = 6) -> str:
        """The original text of a match in the prose, with `margin` characters either side."""
        first = self.origins[match.start()]
        last = self.origins[max(match.start(), match.end() - 1)]
        return self.original[max(0, first - margin) : last + 1 + margin]


HALF_WIDTH_BESIDE_CJK = re.compile(
    rf"(?<=[{CJK}])[{re.escape(HALF_WIDTH)}]|[{re.escape(HALF_WIDTH)}](?=[{CJK}])"
)


def half_width_punctuation(text: str) -> list[str]:
    """Rule 1: half-width , . : ; ? ! ( ) touching Chinese or full-width punctuation."""
    prose = Prose(text)
    return [prose.snippet(m) for m in HALF_WIDTH_BESIDE_CJK.finditer(prose.text)]


# "app" as a word, in any case; a letter, digit, "_", "-", "/" or "." beside it makes it part of a
# name, a path or a file (`app.js`, `/apps/`, `app-link`, `apply`).
APP_WORD = re.compile(r"(?<![A-Za-z0-9_/.\-])apps?(?![A-Za-z0-9_/\-]|\.[A-Za-z])", re.IGNORECASE)


def app_spelling(text: str) -> list[str]:
    """Rule 2: the word is "App" (not "APP", "app" or "Apps")."""
    prose = Prose(text)
    return [prose.snippet(m) for m in APP_WORD.finditer(prose.text) if m.group() != "App"]


# A range's ends: a number (12,000, 1.5, 20%) or a placeholder, not part of a longer run of numbers
# joined by dashes (2026-12-31, 400-820-8820), of a time (12:00-14:00) or of a code (AX-1001).
_END = rf"(?>{PLACEHOLDER}|\d+(?:,\d{{3}})*(?:\.\d+)?%?)"
_DASHES = r"\-–—~〜～−"
_NOT_BEFORE = rf"(?<![A-Za-z0-9_.,:/{_DASHES}])"
_NOT_AFTER = rf"(?![A-Za-z0-9_.,:/]|\s*[{_DASHES}]\s*\d)"
# What is not the house's "～": an en or em dash, "~" or the wave dash "〜", spaced or not; "-" and the
# minus sign unspaced ("12,000 − 946.19" is a sum); "～" with a space beside it.
_SEPARATOR = r"\s*[–—~〜]\s*|[\-−]|\s+～\s*|～\s+"
RANGE_BEFORE_CHINESE = re.compile(
    rf"{_NOT_BEFORE}{_END}(?:{_SEPARATOR}){_END}{_NOT_AFTER}(?=\s*[{IDEOGRAPH}])"
)


def range_notation(text: str) -> list[str]:
    """Rule 3: a range before Chinese is written "3～6 个月" (full-width tilde, no spaces around it)."""
    prose = Prose(text, RANGE_MASKS)
    return [prose.snippet(m, margin=4) for m in RANGE_BEFORE_CHINESE.finditer(prose.text)]


RULES: dict[str, Callable[[str], list[str]]] = {
    "full-width punctuation": half_width_punctuation,
    "App": app_spelling,
    "range with ～": range_notation,
}


def typography_problems(text: str) -> list[tuple[str, str]]:
    """Every (rule, snippet) the text breaks, rule by rule."""
    return [(rule, snippet) for rule, check in RULES.items() for snippet in check(text)]
