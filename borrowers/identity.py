"""National ID numbers: the one place they are normalised and hashed (the raw number is never stored)."""

import hashlib
import hmac
import unicodedata

from django.conf import settings


def national_id_normalize(national_id: str) -> str:
    """NFKC first, so full-width digits typed on a Chinese keyboard (１２３) become ASCII (123)."""
    return "".join(unicodedata.normalize("NFKC", national_id).split()).upper()


def national_id_hash(national_id: str) -> str:
    """HMAC-SHA256 of the normalised number under NATIONAL_ID_HASH_KEY (hex)."""
    key = settings.NATIONAL_ID_HASH_KEY.encode()
    return hmac.new(key, national_id_normalize(national_id).encode(), hashlib.sha256).hexdigest()
