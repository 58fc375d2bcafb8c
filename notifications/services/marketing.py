"""The opt-out every marketing message carries: a line with a signed link to stop offers and news."""

from django.utils import translation
from django.utils.translation import gettext as _

from notifications.unsubscribe import unsubscribe_url


def marketing_opt_out_line(*, user_id: int, language: str) -> str:
    """In the message's own language, with the link (absolute: texts and mails are read elsewhere)."""
    with translation.override(language):
        return _("To stop offers and news: %(url)s") % {"url": unsubscribe_url(user_id)}


def marketing_body(*, user_id: int, body: str, language: str) -> str:
    """The body with the opt-out line appended (once: a body that has it already is left as it is)."""
    line = marketing_opt_out_line(user_id=user_id, language=language)
    if line in body:
        return body
    return f"{body.rstrip()}\n{line}"
