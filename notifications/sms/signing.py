"""The signature on the SMS provider's delivery callbacks: HMAC-SHA256 of the raw body with
SMS_CALLBACK_SECRET, hex, in the `X-Signature-SHA256` header (optionally "sha256=" in front)."""

import hashlib
import hmac

HEADER = "X-Signature-SHA256"
META_KEY = "HTTP_X_SIGNATURE_SHA256"


def signature_for(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_valid(body: bytes, given: str, secret: str) -> bool:
    """Constant-time comparison. No secret configured: nothing is valid (a callback is never trusted
    unsigned)."""
    if not secret or not given:
        return False
    given = given.strip()
    if given.lower().startswith("sha256="):
        given = given[len("sha256=") :]
    return hmac.compare_digest(signature_for(body, secret), given.lower())
