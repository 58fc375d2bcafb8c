"""Content kept in both languages (a ``_zh_hans`` and an ``_en`` field): which one a reader sees."""

from django.utils.translation import get_language


def in_language(zh_hans: str, en: str) -> str:
    """The English text on an English page, the Chinese one otherwise, and on an English page whose
    English text staff have not written yet, the Chinese one rather than nothing."""
    if en and reader_is_english():
        return en
    return zh_hans


def reader_is_english() -> bool:
    """Whether this request is read in English (the one test of it; Chinese is the default)."""
    return (get_language() or "").startswith("en")


def reader_language() -> str:
    """The reader's language as the code of one of the two catalogues: "en" or "zh-hans"."""
    return "en" if reader_is_english() else "zh-hans"
