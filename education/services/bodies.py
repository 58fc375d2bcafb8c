"""Lesson bodies from Markdown to sanitised HTML, once, when an editor saves: refused at once when too long,
rendered outside this process within a time limit (education.rendering says why)."""

from collections.abc import Sequence
from functools import lru_cache

from django.conf import settings
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from education.models import BODY_MAX_CHARS
from education.rendering import RenderError, render_bounded

DEFAULT_RENDER_TIMEOUT_SECONDS = 5.0


def _render_timeout() -> float:
    return float(getattr(settings, "EDUCATION_RENDER_TIMEOUT_SECONDS", DEFAULT_RENDER_TIMEOUT_SECONDS))


def body_check(body: str) -> None:
    """Refuse a body too long to be a lesson before anything tries to render it."""
    if len(body) > BODY_MAX_CHARS:
        raise ApplicationError(
            _(
                "The lesson body has %(length)s characters; the most a lesson may have is %(limit)s. "
                "Split it into shorter lessons."
            )
            % {"length": f"{len(body):,}", "limit": f"{BODY_MAX_CHARS:,}"},
            code="too_long",
        )


def bodies_render(bodies: Sequence[str]) -> list[str]:
    """Sanitised HTML for each body, rendered outside this process within a time limit."""
    for body in bodies:
        body_check(body)
    if len(bodies) == 1:
        return [body_render(bodies[0])]
    return _render(tuple(bodies))


@lru_cache(maxsize=16)
def body_render(body: str) -> str:
    """One body's HTML. Remembered for a while, so the admin form that checks a body and the service that
    saves it render it once between them."""
    body_check(body)
    return _render((body,))[0]


def _render(bodies: tuple[str, ...]) -> list[str]:
    # A batch (loading the curriculum) gets the limit once per ten bodies.
    timeout = _render_timeout() * max(1, len(bodies) / 10)
    try:
        return render_bounded(bodies, timeout_seconds=timeout)
    except RenderError as error:
        raise ApplicationError(
            _(
                "This text could not be formatted in time. Look for very long runs of brackets, angle "
                "brackets or list markers, and break them up."
            ),
            code="render_failed",
        ) from error
