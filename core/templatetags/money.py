"""How money, rates and dates look to a borrower. One place, so every page says it the same way."""

from datetime import date
from decimal import Decimal

from django import template
from django.utils.formats import date_format

register = template.Library()

CURRENCY_SYMBOL = "¥"


@register.filter
def money(amount: Decimal | None) -> str:
    """¥1,234.56 — the amount to the cent with thousands separators (minus sign before the symbol)."""
    if amount is None:
        return "—"
    sign = "-" if amount < 0 else ""
    return f"{sign}{CURRENCY_SYMBOL}{abs(amount):,.2f}"


@register.filter
def percent(rate: Decimal | None, places: int = 2) -> str:
    """A yearly fraction as a percentage: 0.18 → 18.00 %."""
    if rate is None:
        return "—"
    return f"{rate * 100:.{int(places)}f}%"


@register.filter
def day(value: date | None) -> str:
    """A date the way the reader's language writes it (2026年11月28日 / Nov. 28, 2026)."""
    if value is None:
        return "—"
    return date_format(value, "DATE_FORMAT")


@register.filter
def shortday(value: date | None) -> str:
    """A compact date for table cells on a phone: 2026-12-15 in both languages (ISO 8601, which
    Chinese statements use too, and which no reader can take for day-month or month-day)."""
    if value is None:
        return "—"
    return value.isoformat()
