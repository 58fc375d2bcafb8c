"""Text people type or files bring in: control and invisible formatting characters are refused.

Such characters (NUL, escape codes, bidi overrides like U+202E, zero-width marks, the BOM) hide or
disguise text in the admin, a terminal, a log or a spreadsheet. Private-use and unassigned code points
are allowed: rare characters in Chinese names (生僻字) are often encoded there. Line breaks and tabs are
allowed in multi-line text a person types (`allow_line_breaks`), never in an imported cell.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})
LINE_BREAKS = frozenset("\n\r\t")


def forbidden_character(value: str, *, allow_line_breaks: bool = False) -> str | None:
    """The first control or invisible formatting character in `value`, or None."""
    for character in value:
        if allow_line_breaks and character in LINE_BREAKS:
            continue
        if unicodedata.category(character) in FORBIDDEN_CATEGORIES:
            return character
    return None


def printable(value: str) -> str:
    """`value` with each forbidden character written as its code point, so it can be shown safely."""
    return "".join(
        f"<U+{ord(character):04X}>" if unicodedata.category(character) in FORBIDDEN_CATEGORIES else character
        for character in value
    )


CONTROL_CHARACTERS_MESSAGE = _("Remove the invisible control characters from the text.")


def refuse_control_characters(value: str) -> None:
    """A form field validator for text a person types (line breaks and tabs allowed)."""
    if forbidden_character(value, allow_line_breaks=True) is not None:
        raise ValidationError(CONTROL_CHARACTERS_MESSAGE, code="control")


def phone_masked(phone: str) -> str:
    """A mobile number as staff and mails show it: 138****8001 (first 3 and last 4 digits)."""
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "****"


def email_masked(address: str) -> str:
    """d***@anxin.example: enough to tell two borrowers' mail apart, not to read the whole address."""
    local, at, domain = address.partition("@")
    return f"{local[:1]}***{at}{domain}"
