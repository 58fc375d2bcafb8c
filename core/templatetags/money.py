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
    """A date the way the reader's language writes it: 2026年11月28日 / 28 Nov 2026 (config/formats)."""
    if value is None:
        return "—"
    return date_format(value, "DATE_FORMAT")


@register.filter
def shortday(value: date | None) -> str:
    """A date in a table cell. The same format as `day` (config/formats sets SHORT_DATE_FORMAT to it):
    a page that wrote 2026-12-15 in its table and 2026年12月15日 above it read as two kinds of date."""
    if value is None:
        return "—"
    return date_format(value, "SHORT_DATE_FORMAT")
