"""Template helpers of the learning pages."""

from datetime import date

from django import template
from django.utils.formats import date_format

from core.i18n import reader_is_english

register = template.Library()


@register.simple_tag
def sentence_gap() -> str:
    """What goes between two sentences of the page's language: one space in English, nothing in Chinese,
    where the full-width full stop (。) already separates them and a space would show as a gap."""
    return " " if reader_is_english() else ""


@register.filter
def issued_date(issued: str) -> str:
    """A source's date as the editor wrote it (YYYY, YYYY-MM or YYYY-MM-DD), in the page's language."""
    parts = [int(part) for part in issued.split("-") if part.isdigit()]
    try:
        if len(parts) == 3:
            return date_format(date(*parts), "DATE_FORMAT")
        if len(parts) == 2:
            return date_format(date(parts[0], parts[1], 1), "YEAR_MONTH_FORMAT")
    except ValueError:
        return issued
    return issued
