"""Evidence files: checked by what they contain, not by their name, and stored privately.

Accepted: PDF, JPEG and PNG, at most 10 MB each. A file is accepted only if

* its first bytes are exactly one of the three signatures (``%PDF-``, ``FF D8 FF``, ``89 PNG``);
* an image decodes completely with Pillow as the format its signature says (a truncated or forged image
  fails), and nothing follows its end marker (``FF D9`` / ``IEND``) but a few bytes of padding;
* a PDF ends with ``%%EOF`` and carries no active content (``/JavaScript``, ``/JS``, ``/Launch``,
  ``/EmbeddedFile``, ``/OpenAction``, ``/AA``, ``/RichMedia``, ``/XFA``);
* no file contains a second format's signature or HTML/script (``%PDF``, ``PK\\x03\\x04``, ``<script``,
  ``<html``, ``<svg``): a polyglot — a file that is two formats at once — is refused.

The name the borrower gave is kept for display only, stripped of any path and of characters outside
letters, digits, ``.-_`` and spaces; the file is stored under a random name in MEDIA_ROOT (outside the
static root, never served by URL) and given back only by `hardship.views.evidence_download`, as an
attachment, to its owner and to hardship staff.
"""

import hashlib
import io
import re
import secrets
import unicodedata
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError

if TYPE_CHECKING:
    from hardship.models import Application, Evidence

MAX_BYTES = 10 * 1024 * 1024
TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}
EXTENSIONS = {"pdf": ".pdf", "jpeg": ".jpg", "png": ".png"}
_PDF_ACTIVE = (
    b"/JavaScript",
    b"/JS",
    b"/Launch",
    b"/EmbeddedFile",
    b"/OpenAction",
    b"/AA",
    b"/RichMedia",
    b"/XFA",
)
_FOREIGN = (b"%PDF", b"PK\x03\x04", b"<script", b"<html", b"<svg", b"<?php")
_TRAILING_SLACK = 16


@dataclass(frozen=True)
class CheckedUpload:
    kind: str  # pdf, jpeg, png
    data: bytes
    display_name: str


def display_name(name: str, kind: str) -> str:
    """The borrower's file name for display: no directories, no control or odd characters, 80 at most."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFKC", base)
    base = "".join(ch for ch in base if ch.isalnum() or ch in " .-_")
    base = base.strip(" .") or _("document")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return f"{stem[:80]}{EXTENSIONS[kind]}"


def _refuse() -> ApplicationError:
    return ApplicationError(
        _("This file is not a PDF, JPEG or PNG we can accept. Please send a photo or a PDF.")
    )


def _kind_of(data: bytes) -> str:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    raise _refuse()


def _check_image(data: bytes, kind: str) -> None:
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format != kind.upper():
                    raise _refuse()
                image.load()
    except ApplicationError:
        raise
    except Exception as exc:  # any decoding failure: truncated, forged, bomb
        raise _refuse() from exc
    end = data.rfind(b"\xff\xd9") + 2 if kind == "jpeg" else data.rfind(b"IEND") + 8
    if end < 2 or len(data) - end > _TRAILING_SLACK:
        raise _refuse()


def _check_pdf(data: bytes) -> None:
    if b"%%EOF" not in data[-1024:]:
        raise _refuse()
    if any(marker in data for marker in _PDF_ACTIVE):
        raise _refuse()


def check_upload(upload: UploadedFile) -> CheckedUpload:
    """The file's bytes if they are an acceptable document (module docstring), else ApplicationError."""
    if upload.size is None or upload.size > MAX_BYTES:
        raise ApplicationError(_("Each file can be at most 10 MB."))
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ApplicationError(_("Each file can be at most 10 MB."))
    if not data:
        raise ApplicationError(_("This file is empty."))
    kind = _kind_of(data)
    lowered = data.lower()
    if any(marker.lower() in lowered[1:] for marker in _FOREIGN if not (kind == "pdf" and marker == b"%PDF")):
        raise _refuse()
    if kind == "pdf":
        _check_pdf(data)
    else:
        _check_image(data, kind)
    return CheckedUpload(kind=kind, data=data, display_name=display_name(upload.name or "", kind))


def store(*, application: "Application", checked: CheckedUpload) -> "Evidence":
    """Save the checked bytes under a random name for the application (in the caller's transaction)."""
    from hardship.models import Evidence

    token = secrets.token_urlsafe(18)
    item = Evidence(
        application=application,
        token=token,
        original_name=checked.display_name,
        content_type=TYPES[checked.kind],
        size=len(checked.data),
        sha256=hashlib.sha256(checked.data).hexdigest(),
    )
    item.file.save(
        f"{secrets.token_hex(16)}{EXTENSIONS[checked.kind]}", ContentFile(checked.data), save=False
    )
    item.save()
    return item
