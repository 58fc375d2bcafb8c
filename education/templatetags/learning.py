"""Template helpers of the learning pages."""

from django import template

from core.i18n import reader_is_english

register = template.Library()


@register.simple_tag
def sentence_gap() -> str:
    """What goes between two sentences of the page's language: one space in English, nothing in Chinese,
    where the full-width full stop (。) already separates them and a space would show as a gap."""
    return " " if reader_is_english() else ""
