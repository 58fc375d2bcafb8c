"""The unsubscribe link every marketing message carries: a signed token naming a person and a purpose.

Pure (no database): `django.core.signing` with a salt of its own, so the token is never guessable, and
it is no key to anything else (it can only say "this person no longer wants offers"). It does not
expire: an old message's link must keep working. The page at `unsubscribe_path` is the notifications
views' (GET shows what it will do, POST records the withdrawal).
"""

from typing import Any

from django.conf import settings
from django.core import signing

SALT = "notifications.unsubscribe"
MARKETING = "marketing"


def unsubscribe_token(user_id: int, purpose: str = MARKETING) -> str:
    return signing.dumps({"u": int(user_id), "p": purpose}, salt=SALT)


def unsubscribe_user_id(token: str, purpose: str = MARKETING) -> int | None:
    """The person the token names, or None when it is forged, damaged or for another purpose."""
    try:
        payload: Any = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(payload, dict) or payload.get("p") != purpose:
        return None
    user_id = payload.get("u")
    if not isinstance(user_id, int) or isinstance(user_id, bool) or user_id <= 0:
        return None
    return user_id


def unsubscribe_path(user_id: int, purpose: str = MARKETING) -> str:
    return f"/notifications/unsubscribe/{unsubscribe_token(user_id, purpose)}/"


def unsubscribe_url(user_id: int, purpose: str = MARKETING) -> str:
    """The absolute link (texts and mails are read outside the site)."""
    base = str(getattr(settings, "ACCOUNTS_SITE_URL", "") or "").rstrip("/")
    return f"{base}{unsubscribe_path(user_id, purpose)}"
