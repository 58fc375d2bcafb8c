"""Content kept in both languages (a ``_zh_hans`` and an ``_en`` field): which one a reader sees."""

from django.utils.translation import get_language


def in_language(zh_hans: str, en: str) -> str:
    """The English text on an English page, the Chinese one otherwise, and on an English page whose
    English text staff have not written yet, the Chinese one rather than nothing."""
    if en and (get_language() or "").startswith("en"):
        return en
    return zh_hans
