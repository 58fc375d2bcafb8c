"""Evidence files: checked by what they contain, not by their name, and stored privately.

Accepted: PDF, JPEG and PNG, at most 10 MB each. A file is accepted only if

* its first bytes are exactly one of the three signatures (``%PDF-``, ``FF D8 FF``, ``89 PNG``);
* an image's structure is walked from its start (PNG chunks to the first ``IEND``; JPEG segments and
  scans to the real end-of-image marker): nothing follows it but a few zero bytes of padding, and none
  of its parts other than image data holds a second format's signature or HTML/script (``%PDF``,
  ``PK\\x03\\x04``, ``<script``, ``<html``, ``<svg``, ``<?php``) — a polyglot, a file that is two formats at
  once, is refused; then it must decode completely with Pillow as the format its signature says;
* an image is at most 25 megapixels, and the text of its compressed PNG chunks (zTXt, iTXt, iCCP) is
  inflated and checked like the rest;
* a PDF ends with ``%%EOF``, holds no such signature, and carries no active content, with escaped name
  characters (``/J#61vaScript``) written out first: the whole file is searched for the markers long enough
  never to occur by chance (``/JavaScript``, ``/OpenAction``, ``/Launch``, ``/EmbeddedFile``,
  ``/RichMedia``, ``/XFA``), and every stream's text — as it is, or inflated when deflated (object
  streams included; at most 50 MB inflated in all) — for those and ``/JS`` and ``/AA``. Image data
  (DCT, JPX, CCITT, JBIG2, or deflated with ``/Image``) is pixels and is not read as text; any other filter
  (ASCIIHex, ASCII85, LZW, RunLength, …), a stream declared deflated that does not inflate, or a stream
  with no end is refused. Streams are found by a forward scan, so the check takes time linear in the
  file's size.

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
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError

if TYPE_CHECKING:
    from hardship.models import Application, Evidence

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 25_000_000  # a 50-megapixel phone photo is refused; decoding one costs ~100 MB of memory
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


def _png_chunk_text(kind: bytes, chunk: bytes) -> bytes:
    """A chunk's bytes as a reader would see its text: zTXt, iTXt (when compressed) and iCCP inflated."""
    compressed: bytes | None = None
    if kind in (b"zTXt", b"iCCP"):
        keyword_end = chunk.find(b"\x00")
        compressed = chunk[keyword_end + 2 :] if keyword_end >= 0 else None
    elif kind == b"iTXt":
        keyword_end = chunk.find(b"\x00")
        if keyword_end >= 0 and chunk[keyword_end + 1 : keyword_end + 2] == b"\x01":
            rest = chunk[keyword_end + 3 :]
            language_end = rest.find(b"\x00")
            translated_end = rest.find(b"\x00", language_end + 1)
            compressed = rest[translated_end + 1 :] if language_end >= 0 and translated_end >= 0 else None
    if compressed is None:
        return chunk
    try:
        inflater = zlib.decompressobj()
        text = inflater.decompress(compressed, _INFLATED_MAX)
    except zlib.error as exc:
        raise _refuse() from exc
    if inflater.unconsumed_tail:
        raise _refuse()
    return chunk + text


def _png_end(data: bytes) -> tuple[int, bytes]:
    """Where the PNG's first IEND chunk ends, walking its chunks from the start, and the bytes of its
    chunks other than image data (where text could hide)."""
    offset, meta = 8, bytearray()
    while offset + 12 <= len(data):
        length = int.from_bytes(data[offset : offset + 4], "big")
        kind = data[offset + 4 : offset + 8]
        end = offset + 12 + length
        if end > len(data):
            raise _refuse()
        if kind != b"IDAT":
            meta += _png_chunk_text(kind, data[offset + 8 : offset + 8 + length])
        if kind == b"IEND":
            return end, bytes(meta)
        offset = end
    raise _refuse()


def _jpeg_end(data: bytes) -> tuple[int, bytes]:
    """Where the JPEG's end-of-image marker ends, walking its segments (and the entropy-coded data of
    each scan, where a marker byte is always followed by 00 or a restart marker), and the bytes of its
    segments other than scan data."""
    offset, meta = 2, bytearray()
    while offset + 2 <= len(data):
        if data[offset] != 0xFF:
            raise _refuse()
        marker = data[offset + 1]
        if marker == 0xFF:  # fill byte
            offset += 1
            continue
        if marker == 0xD9:
            return offset + 2, bytes(meta)
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            offset += 2
            continue
        length = int.from_bytes(data[offset + 2 : offset + 4], "big")
        if length < 2 or offset + 2 + length > len(data):
            raise _refuse()
        segment_end = offset + 2 + length
        if marker != 0xDA:
            meta += data[offset + 4 : segment_end]
            offset = segment_end
            continue
        # Start of scan: its entropy-coded data runs to the next marker that is not 00 or a restart.
        scan = segment_end
        while True:
            scan = data.find(b"\xff", scan)
            if scan < 0 or scan + 1 >= len(data):
                raise _refuse()
            following = data[scan + 1]
            if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                scan += 1 if following == 0xFF else 2
                continue
            break
        offset = scan
    raise _refuse()


def _foreign(chunk: bytes) -> bool:
    lowered = chunk.lower()
    return any(marker.lower() in lowered for marker in _FOREIGN)


def _check_image(data: bytes, kind: str) -> None:
    from PIL import Image

    end, meta = _png_end(data) if kind == "png" else _jpeg_end(data)
    if len(data) - end > _TRAILING_SLACK or any(data[end:]):
        raise _refuse()
    if _foreign(meta):
        raise _refuse()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format != kind.upper():
                    raise _refuse()
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise _refuse()
                image.load()
    except ApplicationError:
        raise
    except Exception as exc:  # any decoding failure: truncated, forged, bomb
        raise _refuse() from exc


_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[A-Za-z0-9]+)")
_FILTER_NAME = re.compile(rb"/([A-Za-z0-9]+)")
_INFLATED_MAX = 50 * 1024 * 1024
# Markers long enough never to turn up by chance in 10 MB of compressed or image data: looked for in the
# whole file as it is. (An action always names its type, so /S /JavaScript is found even when the /JS or
# /AA that holds it is too short to look for in binary data.)
_PDF_ACTIVE_LONG = (b"/JavaScript", b"/OpenAction", b"/Launch", b"/EmbeddedFile", b"/RichMedia", b"/XFA")
# Image codecs: their data is pixels, never PDF objects.
_IMAGE_FILTERS = {b"DCTDecode", b"JPXDecode", b"CCITTFaxDecode", b"JBIG2Decode"}


def _pdf_names(text: bytes) -> bytes:
    """PDF text with escaped name characters (``/J#61vaScript``) written out, for matching."""
    return _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), text)


def _pdf_streams(data: bytes) -> list[tuple[bytes, bytes]]:
    """Each stream as (its dictionary's text, its data), found by a single forward scan (linear in the
    file's size: no pattern that backtracks). A stream keyword without its ``endstream`` is refused."""
    streams: list[tuple[bytes, bytes]] = []
    position = 0
    while True:
        start = data.find(b"stream", position)
        if start < 0:
            return streams
        if data[start - 3 : start] == b"end":
            position = start + 6
            continue
        body = start + 6
        if data[body : body + 2] == b"\r\n":
            body += 2
        elif data[body : body + 1] in (b"\n", b"\r"):
            body += 1
        else:
            position = body
            continue
        end = data.find(b"endstream", body)
        if end < 0:
            raise _refuse()
        head_start = max(data.rfind(b"obj", position, start), position)
        streams.append((data[head_start:start], data[body:end]))
        position = end + 9


def _check_pdf(data: bytes) -> None:
    """The rules in the module docstring, in time linear in the file's size."""
    if b"%%EOF" not in data[-1024:]:
        raise _refuse()
    named = _pdf_names(data)
    if any(marker in named for marker in _PDF_ACTIVE_LONG) or _foreign(data[1:].replace(b"%PDF", b"")):
        raise _refuse()
    budget = _INFLATED_MAX
    for head, body in _pdf_streams(data):
        match = _FILTER.search(head)
        filters = set(_FILTER_NAME.findall(match.group(1))) if match else set()
        if not filters:
            inflated = body  # plain text: what it holds is read as it is
        elif filters <= _IMAGE_FILTERS:
            continue
        elif filters == {b"FlateDecode"}:
            try:
                inflater = zlib.decompressobj()
                inflated = inflater.decompress(body, budget)
            except zlib.error as exc:
                raise _refuse() from exc  # declared deflated and is not: refused, never skipped
            budget -= len(inflated)
            if budget <= 0 or inflater.unconsumed_tail:
                raise _refuse()
            if b"/Image" in head:
                continue  # pixels
        else:
            raise _refuse()  # a filter that could hide objects from this check (ASCIIHex, LZW, …)
        if any(marker in _pdf_names(inflated) for marker in _PDF_ACTIVE):
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
