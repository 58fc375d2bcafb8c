"""Evidence uploads (hardship.evidence through hardship.services.evidence_add): a file is judged by what
it contains, never by its name, and stored under a random name in MEDIA_ROOT/hardship/ (a temporary
directory here). Images are made with Pillow in the test; the PDF is a minimal valid one built below.
"""

import hashlib
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.models import User
from borrowers.models import Loan
from core.exceptions import ApplicationError
from hardship import evidence, services
from hardship.models import Application, Evidence
from tests.hardship.factories import TODAY, draft, make_applicant, make_staff, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _business_date(settings: Any) -> None:
    settings.ANXIN_BUSINESS_DATE = TODAY.isoformat()


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture
def applicant() -> tuple[User, list[Loan]]:
    return make_applicant()


@pytest.fixture
def application(applicant: tuple[User, list[Loan]], media: Path) -> Application:
    user, loans = applicant
    return draft(user, loans)


def png(size: tuple[int, int] = (16, 12)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg(size: tuple[int, int] = (16, 12)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 130, 40)).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def pdf(catalog_extra: bytes = b"") -> bytes:
    """A minimal valid one-page PDF, with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.txt", "hello")
    return buffer.getvalue()


def upload(application: Application, name: str, content: bytes, user: User | None = None) -> Evidence:
    return services.evidence_add(
        application_id=application.pk,
        user=user or application.user,
        upload=SimpleUploadedFile(name, content, content_type="application/octet-stream"),
    )


def stored_files(media: Path) -> list[Path]:
    return sorted(p for p in media.rglob("*") if p.is_file())


# --- accepted ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "make", "content_type", "extension"),
    [
        ("receipt.png", png, "image/png", ".png"),
        ("photo of payslip.jpg", jpeg, "image/jpeg", ".jpg"),
        ("termination letter.pdf", pdf, "application/pdf", ".pdf"),
    ],
)
def test_a_real_png_jpeg_and_pdf_are_accepted_and_stored_privately(
    name: str, make: Any, content_type: str, extension: str, application: Application, media: Path
) -> None:
    content = make()

    item = upload(application, name, content)

    assert item.content_type == content_type
    assert item.original_name == name.rsplit(".", 1)[0] + extension
    assert item.size == len(content)
    assert item.sha256 == hashlib.sha256(content).hexdigest()
    path = Path(item.file.path).resolve()
    assert path.parent == (media / "hardship").resolve()
    assert path.suffix == extension
    assert name.rsplit(".", 1)[0] not in path.name  # a random name, not the borrower's
    assert path.read_bytes() == content
    assert stored_files(media) == [path]
    assert len(item.token) >= 24


def test_the_content_decides_the_type_not_the_name(application: Application, media: Path) -> None:
    item = upload(application, "scan.pdf", png())

    assert item.content_type == "image/png"
    assert item.original_name == "scan.png"
    assert item.file.name.endswith(".png")


def test_a_few_bytes_of_padding_after_the_image_are_allowed(application: Application, media: Path) -> None:
    upload(application, "padded.png", png() + b"\0" * evidence._TRAILING_SLACK)
    with pytest.raises(ApplicationError):
        upload(application, "padded.png", png() + b"\0" * (evidence._TRAILING_SLACK + 1))
    assert application.evidence.count() == 1


# --- refused ---------------------------------------------------------------------------------------

TEN_MB = 10 * 1024 * 1024
REFUSED: dict[str, tuple[str, Callable[[], bytes]]] = {
    "text named .pdf": ("statement.pdf", lambda: b"This is not a PDF at all, just some text.\n"),
    "text named .png": ("statement.png", lambda: b"hello"),
    "html named .jpg": ("photo.jpg", lambda: b"<html><script>alert(1)</script></html>"),
    "pdf without %%EOF": ("cut.pdf", lambda: pdf()[:-7]),
    "empty": ("empty.png", lambda: b""),
    "over 10 MB": ("huge.png", lambda: png() + b"\0" * TEN_MB),
    "truncated png": ("cut.png", lambda: png((64, 64))[:-30]),
    "png cut in half": ("half.png", lambda: (lambda b: b[: len(b) // 2])(png((64, 64)))),
    "jpeg header only": ("cut.jpg", lambda: jpeg()[:20]),
    "png + pdf": ("two.png", lambda: png() + pdf()),
    "png + zip": ("two.png", lambda: png() + zip_bytes()),
    "png + script": ("two.png", lambda: png() + b"<script>alert(document.cookie)</script>"),
    "jpeg + zip": ("two.jpg", lambda: jpeg() + zip_bytes()),
    "jpeg + trailing data": ("two.jpg", lambda: jpeg() + b"x" * 200),
    "pdf + zip": ("two.pdf", lambda: zip_bytes() + pdf()),
    "pdf with svg": ("two.pdf", lambda: pdf(b"/Note (<svg onload=alert(1)>) ")),
    "pdf with /JavaScript": ("js.pdf", lambda: pdf(b"/Names << /JavaScript 4 0 R >> ")),
    "pdf with /OpenAction /JS": (
        "js.pdf",
        lambda: pdf(b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >> "),
    ),
    "pdf with /Launch": ("run.pdf", lambda: pdf(b"/AA << /O << /S /Launch /F (calc.exe) >> >> ")),
    "pdf with an embedded file": ("att.pdf", lambda: pdf(b"/Names << /EmbeddedFiles 4 0 R >> ")),
    "gif": ("anim.png", lambda: b"GIF89a" + b"\0" * 40),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_file_that_is_not_a_clean_pdf_jpeg_or_png_is_refused(
    case: str, application: Application, media: Path
) -> None:
    name, make = REFUSED[case]
    audit_before = application.events.count()

    with pytest.raises(ApplicationError):
        upload(application, name, make())

    assert not application.evidence.exists()
    assert stored_files(media) == []
    assert application.events.count() == audit_before


def test_a_file_larger_than_it_says_is_refused(application: Application, media: Path) -> None:
    big = SimpleUploadedFile("liar.png", png() + b"\0" * TEN_MB)
    big.size = 100  # the size the client claimed
    with pytest.raises(ApplicationError, match="10 MB"):
        services.evidence_add(application_id=application.pk, user=application.user, upload=big)
    assert stored_files(media) == []


def test_data_hidden_after_the_png_behind_a_forged_end_marker_is_refused(
    application: Application, media: Path
) -> None:
    smuggled = png() + b"<img src=x onerror=alert(1)>" + b"\0\0\0\0IEND\xaeB`\x82"
    with pytest.raises(ApplicationError):
        upload(application, "two.png", smuggled)


def test_a_pdf_hiding_javascript_behind_name_escapes_is_refused(
    application: Application, media: Path
) -> None:
    # /OpenAction << /S /JavaScript /JS (...) >>, each name spelt with #xx escapes
    sneaky = pdf(b"/#4Fpen#41ction << /S /J#61vaScript /J#53 (app.alert(1)) >> ")
    for marker in evidence._PDF_ACTIVE:
        assert marker not in sneaky
    with pytest.raises(ApplicationError):
        upload(application, "sneaky.pdf", sneaky)


# --- names -------------------------------------------------------------------------------------------


NAMES = [
    ("../../etc/passwd.png", "passwd.png"),
    ("..\\..\\windows\\system32\\evil.png", "evil.png"),
    ("/abs/path/receipt.PNG", "receipt.png"),
    ("payslip.pdf", "payslip.png"),
    ("....", "document.png"),
    ("na\u0000me<>|:*?\u202e.png", "name.png"),
    ("x" * 300 + ".png", "x" * 80 + ".png"),
]


@pytest.mark.parametrize(("given", "shown"), [*NAMES, ("", "document.png")])
def test_the_display_name_has_no_directories_or_odd_characters(given: str, shown: str) -> None:
    assert evidence.display_name(given, "png") == shown


@pytest.mark.parametrize(("given", "shown"), NAMES)
def test_a_file_is_stored_under_a_random_name_inside_media_root_whatever_its_given_name(
    given: str, shown: str, application: Application, media: Path
) -> None:
    file = SimpleUploadedFile("placeholder.png", png())
    # as a client sent it: UploadedFile's own basename() is not relied on
    file._name = given  # type: ignore[attr-defined]

    item = services.evidence_add(application_id=application.pk, user=application.user, upload=file)

    assert item.original_name == shown
    assert item.file.name.startswith("hardship/")
    path = Path(item.file.path).resolve()
    assert path.parent == (media / "hardship").resolve()
    assert path.name != shown
    assert stored_files(media) == [path]
    assert not (media.parent / "etc").exists()


# --- how many, and when ------------------------------------------------------------------------------


def test_a_sixth_file_is_refused(application: Application, media: Path) -> None:
    for n in range(services.EVIDENCE_MAX_FILES):
        upload(application, f"page {n}.png", png((8 + n, 8)))

    with pytest.raises(ApplicationError, match="at most 5"):
        upload(application, "page 6.png", png())

    assert application.evidence.count() == 5
    assert len(stored_files(media)) == 5


def test_uploads_are_taken_until_a_decision_and_refused_after(
    applicant: tuple[User, list[Loan]], media: Path
) -> None:
    user, loans = applicant
    application = submitted(user, loans)
    upload(application, "late.png", png())  # sent, not yet decided: a document may still follow

    services.information_request(
        application_id=application.pk, staff=make_staff(), message="Please send your payslip."
    )
    upload(application, "payslip.png", png((9, 9)))
    services.information_answer(application_id=application.pk, user=user, message="Sent.")
    upload(application, "another.png", png((10, 10)))

    services.application_reject(
        application_id=application.pk, staff=make_staff(), reasons=["not_enough_information"]
    )
    with pytest.raises(ApplicationError, match="until we decide"):
        upload(application, "too-late.png", png((11, 11)))
    assert application.evidence.count() == 3
    assert len(stored_files(media)) == 3


def test_another_borrower_cannot_add_to_my_application(application: Application, media: Path) -> None:
    other, _loans = make_applicant()
    with pytest.raises(ApplicationError):
        upload(application, "mine.png", png(), user=other)
    assert not application.evidence.exists()
    assert stored_files(media) == []


def test_removing_a_file_from_a_draft_deletes_it(application: Application, media: Path) -> None:
    item = upload(application, "wrong.png", png())
    with pytest.raises(ApplicationError):
        services.evidence_remove(application_id=application.pk, user=application.user, token="nope")

    services.evidence_remove(application_id=application.pk, user=application.user, token=item.token)

    assert not application.evidence.exists()
    assert stored_files(media) == []
