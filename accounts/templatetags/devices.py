from django import template

from accounts.devices import device_describe

register = template.Library()


@register.filter
def device(user_agent: str | None) -> str:
    """`{{ session.user_agent|device }}` → "Chrome on Linux"."""
    return device_describe(user_agent)
