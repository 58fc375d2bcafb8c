"""Template helpers of the learning pages."""

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag
def sentence_gap() -> str:
    """What goes between two sentences of the page's language: nothing in Chinese, where the full-width
    full stop (。) already separates them and a space would show as a gap, one space elsewhere."""
    return "" if (get_language() or "").startswith("zh") else " "
