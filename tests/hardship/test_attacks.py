"""What the attack pass on issue 12 found, held fixed: each case is a file or a sequence that got through
(or hung the server) before."""

import struct
import zlib
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from borrowers import services as loan_services
from borrowers.models import Loan, Restructure
from borrowers.reconciliation import reconcile
from core.exceptions import ApplicationError
from hardship import evidence, services
from hardship.models import Application
from tests.hardship.factories import EXTENSION, TODAY, make_applicant, make_staff, offered, submitted
from tests.hardship.test_evidence import pdf, png

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _business_date(settings: Any, tmp_path: Any) -> None:
    settings.ANXIN_BUSINESS_DATE = TODAY.isoformat()
    settings.MEDIA_ROOT = str(tmp_path)


def check(content: bytes, name: str = "file.pdf") -> None:
    evidence.check_upload(SimpleUploadedFile(name, content))


def refused(content: bytes, name: str = "file.pdf") -> bool:
    try:
        check(content, name)
    except ApplicationError:
        return True
    return False


def test_a_pdf_of_unended_streams_is_refused_without_scanning_it_over_and_over() -> None:
    # 16,000 "stream" keywords and no "endstream": the old pattern took 18 s on this (quadratic); the
    # forward scan refuses it at the first stream with no end.
    assert refused(b"%PDF-1.4\n" + b"stream\n" * 16000 + b"\n%%EOF\n")
    # A large file of ordinary streams is read once each (this would take minutes if quadratic).
    body = b"".join(
        b"%d 0 obj\n<< /Length 5 >>\nstream\nhello\nendstream\nendobj\n" % n for n in range(20000)
    )
    check(b"%PDF-1.4\n" + body + b"%%EOF\n")


@pytest.mark.parametrize(
    "hidden",
    [
        # Between comment lines that only look like a stream's ends, to the old check.
        b"%stream\n<< /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\n%endstream\n",
        b"%stream\n<html><script>alert(1)</script></html>\n%endstream\n",
        # A zip inside a stream: a PDF that is also a zip archive.
        b"9 0 obj\n<< /Length 30 >>\nstream\nPK\x03\x04<html>payload</html>\nendstream\nendobj\n",
    ],
)
def test_active_content_or_a_second_format_anywhere_in_a_pdf_is_refused(hidden: bytes) -> None:
    content = pdf()
    assert refused(content.replace(b"xref", hidden + b"xref", 1))


def test_a_filter_that_could_hide_objects_is_refused_and_a_deflated_one_is_read() -> None:
    active = b"<< /Type /Catalog /OpenAction << /S /JavaScript /J#53 (x) >> >>"
    hexed = active.hex().encode()
    ascii_hex = (
        b"9 0 obj\n<< /Type /ObjStm /Filter /ASCIIHexDecode >>\nstream\n" + hexed + b">\nendstream\nendobj\n"
    )
    assert refused(pdf().replace(b"xref", ascii_hex + b"xref", 1))
    deflated = zlib.compress(b"<< /AA << /O 3 0 R >> >>")
    flate = (
        b"9 0 obj\n<< /Type /ObjStm /Filter /FlateDecode >>\nstream\n" + deflated + b"\nendstream\nendobj\n"
    )
    assert refused(pdf().replace(b"xref", flate + b"xref", 1))
    # Declared deflated and not: refused, never skipped.
    fake = b"9 0 obj\n<< /Filter /FlateDecode >>\nstream\nnot deflated at all\nendstream\nendobj\n"
    assert refused(pdf().replace(b"xref", fake + b"xref", 1))
    harmless = zlib.compress(b"BT /F1 12 Tf (Payslip, October) Tj ET")
    good = b"9 0 obj\n<< /Filter /FlateDecode >>\nstream\n" + harmless + b"\nendstream\nendobj\n"
    check(pdf().replace(b"xref", good + b"xref", 1))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def test_script_in_a_compressed_png_text_chunk_is_refused() -> None:
    image = png()
    text = _chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(b"<script>alert(1)</script>"))
    end = image.index(b"IEND") - 4
    assert refused(image[:end] + text + image[end:], "x.png")
    plain = _chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(b"taken on my phone"))
    check(image[:end] + plain + image[end:], "x.png")


def test_an_image_of_more_than_25_megapixels_is_refused_before_it_is_decoded() -> None:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (6000, 5000)).save(out, format="PNG")  # 30 megapixels, a few KB
    assert refused(out.getvalue(), "big.png")


def test_an_offer_on_two_loans_applies_to_the_one_left_when_the_other_is_paid_off() -> None:
    user, loans = make_applicant(loans=2)
    application = offered(user, loans, make_staff())
    paid, kept = loans
    paid.refresh_from_db()
    loan_services.payment_record(
        loan_id=paid.pk, receipt_number="ATK-PAYOFF", amount=Decimal("5000.00"), paid_on=TODAY, source="test"
    )
    paid.refresh_from_db()
    assert paid.status == Loan.Status.PAID_OFF

    services.offer_accept(application_id=application.pk, user=user)

    application.refresh_from_db()
    assert application.status == Application.Status.APPLIED
    assert list(Restructure.objects.values_list("loan_id", flat=True)) == [kept.pk]
    assert reconcile().agrees


def test_staff_cannot_start_the_review_of_their_own_application() -> None:
    staff = make_staff()
    user, loans = make_applicant()
    application = submitted(user, loans)
    Application.objects.filter(pk=application.pk).update(user=staff)
    with pytest.raises(ApplicationError, match="your own application"):
        services.review_start(application_id=application.pk, staff=staff)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_an_offer_whose_figures_grew_past_the_threshold_goes_back_to_staff() -> None:
    user, loans = make_applicant()
    application = offered(user, loans, make_staff(), terms=EXTENSION)
    services.hardship_policy()
    from tests.hardship.factories import set_policy

    set_policy(second_approval_threshold=Decimal("-1.00"))
    with pytest.raises(ApplicationError, match="look at it again"):
        services.offer_accept(application_id=application.pk, user=user)
    application.refresh_from_db()
    assert application.status == Application.Status.IN_REVIEW
    assert not Restructure.objects.exists()
    assert application.events.filter(action="reconsider").exists()


def test_a_restructured_loan_with_carried_arrears_is_paid_off_by_its_payoff_amount() -> None:
    """Found on the loan page after a 24-month extension: the payoff was less than what was owed, because
    the arrears carried onto instalments not yet due were left out of it and the waterfall never paid
    them before due. Now the payoff covers them and paying it settles the loan."""
    from borrowers.selectors import borrower_loan_cards

    user, loans = make_applicant()
    application = offered(user, loans, make_staff(), terms=EXTENSION)
    services.offer_accept(application_id=application.pk, user=user)
    loan = Loan.objects.get(pk=loans[0].pk)
    assert Loan.objects.get(pk=loan.pk).fee_balance > 0  # carried onto the new schedule
    [card] = [c for c in borrower_loan_cards(user=user, today=TODAY) if c.reference == loan.reference]
    assert card.payoff_today >= card.outstanding == loan.total_balance

    loan_services.payment_record(
        loan_id=loan.pk, receipt_number="ATK-SETTLE", amount=card.payoff_today, paid_on=TODAY, source="test"
    )
    loan.refresh_from_db()
    assert loan.status == Loan.Status.PAID_OFF
    assert loan.total_balance == 0
    assert reconcile().agrees
