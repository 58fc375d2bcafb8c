"""National ID numbers: the one place they are normalised, checked and hashed (the raw number is never
stored). The import's loans file and the admin's borrower form check them with the same rules here."""

import hashlib
import hmac
import re
import unicodedata
from datetime import date

from django.conf import settings
from django.utils.translation import gettext as _

# ASCII digits only: `\d` would also take Arabic-Indic or other scripts' digits, which NFKC leaves alone.
NATIONAL_ID_FORMAT = re.compile(r"[0-9]{17}[0-9X]")
# ISO 7064 MOD 11-2, the check character of the 18-character resident ID number (GB 11643-1999).
NATIONAL_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
NATIONAL_ID_CHECK = "10X98765432"


def national_id_normalize(national_id: str) -> str:
    """NFKC first, so full-width digits typed on a Chinese keyboard (１２３) become ASCII (123)."""
    return "".join(unicodedata.normalize("NFKC", national_id).split()).upper()


def national_id_hash(national_id: str) -> str:
    """HMAC-SHA256 of the normalised number under NATIONAL_ID_HASH_KEY (hex)."""
    key = settings.NATIONAL_ID_HASH_KEY.encode()
    return hmac.new(key, national_id_normalize(national_id).encode(), hashlib.sha256).hexdigest()


def national_id_birth_date(national_id: str) -> date | None:
    """The date of birth written in characters 7-14 of a normalised resident ID number."""
    try:
        return date(int(national_id[6:10]), int(national_id[10:12]), int(national_id[12:14]))
    except ValueError:
        return None


def national_id_problem(national_id: str) -> str | None:
    """What is wrong with a resident ID number, or None. The number itself is never part of the message."""
    normalised = national_id_normalize(national_id)
    if not NATIONAL_ID_FORMAT.fullmatch(normalised):
        return _("A national ID number has 18 characters: 17 digits, then a digit or X.")
    total = sum(
        int(digit) * weight for digit, weight in zip(normalised[:17], NATIONAL_ID_WEIGHTS, strict=True)
    )
    if NATIONAL_ID_CHECK[total % 11] != normalised[17]:
        return _("The national ID number's check character does not match; look for a mistyped digit.")
    if national_id_birth_date(normalised) is None:
        return _("The national ID number does not contain a real date of birth.")
    return None
