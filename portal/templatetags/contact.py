"""`{% load contact %}{% service_line as line %}` or `{% contact_us %}`: the lender's service line on any
page that tells the borrower to contact us, without each view having to pass it."""

from typing import Any

from django import template

from portal import selectors

register = template.Library()

_CACHE_ATTRIBUTE = "_portal_service_line"


@register.simple_tag(takes_context=True)
def service_line(context: template.Context) -> selectors.ServiceLine | None:
    """Read once per request, however many banners on the page ask."""
    request = context.get("request")
    if request is None:
        return selectors.service_line()
    if not hasattr(request, _CACHE_ATTRIBUTE):
        setattr(request, _CACHE_ATTRIBUTE, selectors.service_line())
    line: selectors.ServiceLine | None = getattr(request, _CACHE_ATTRIBUTE)
    return line


@register.inclusion_tag("portal/_help_contact.html", takes_context=True)
def contact_us(context: template.Context, topic: str = "", loan: str = "") -> dict[str, Any]:
    """The phone with its hours and the way to write to us, prefilled with `topic` and `loan` if given."""
    return {
        "line": service_line(context),
        "topic": topic,
        "loan": loan,
        "user": context.get("user"),
    }
