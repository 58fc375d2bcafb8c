"""The borrower's files: a document's download (also the staff admin's), the statement as JSON, the
agreement."""

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedHtmxRequest
from budget.selectors import budget_guidelines
from core.business_date import business_date_today
from core.http import or_404
from hardship import exports, selectors
from hardship.models import Evidence
from hardship.selectors import EvidenceFile
from hardship.views.common import offer_preview


def evidence_response(item: EvidenceFile | Evidence) -> HttpResponse:
    """A stored document as a download: an attachment of its stored type, never sniffed or shown inline.
    The borrower's page and the hardship staff's admin both answer with it (after their own checks). A
    document is at most 10 MB (hardship.evidence), so it is read whole; 404 if the stored file is gone."""
    file = item if isinstance(item, EvidenceFile) else selectors.evidence_file_of(item)
    if not file.storage_name or not default_storage.exists(file.storage_name):
        raise Http404
    with default_storage.open(file.storage_name, "rb") as stored:
        content = stored.read()
    response = HttpResponse(content, content_type=file.content_type)
    disposition = content_disposition_header(as_attachment=True, filename=file.original_name)
    response["Content-Disposition"] = disposition or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_GET
@login_required
def evidence_download(request: AuthenticatedHtmxRequest, reference: str, token: str) -> HttpResponse:
    item = or_404(selectors.borrower_evidence(user=request.user, reference=reference, token=token))
    return evidence_response(item)


@require_GET
@login_required
def statement_json(request: AuthenticatedHtmxRequest, reference: str) -> HttpResponse:
    application = or_404(selectors.borrower_application(user=request.user, reference=reference))
    figures = selectors.statement_figures(
        amounts=application.statement_amounts, guidelines=budget_guidelines()
    )
    body = exports.statement_json(application=application, figures=figures, today=business_date_today())
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{application.reference}-statement.json"'
    return response


@require_GET
@login_required
def agreement(request: AuthenticatedHtmxRequest, reference: str) -> HttpResponse:
    application = or_404(selectors.borrower_application(user=request.user, reference=reference))
    offer_view = application.accepted_offer or application.open_offer
    if offer_view is None:
        raise Http404
    applied = selectors.applied_loans(application=application) if application.is_applied else ()
    preview, preview_error = (None, "") if application.is_applied else offer_preview(application)
    terms = selectors.terms_from_mapping(offer_view.terms)
    context = {
        "application": application,
        "offer_record": offer_view,
        "terms_name": selectors.kind_name(terms.kind) if terms else "",
        "terms_description": selectors.terms_description(terms) if terms else "",
        "credit_record": selectors.credit_record(terms.kind) if terms else "",
        "applied": applied,
        "preview": preview,
        "preview_error": preview_error,
        "issued_on": business_date_today(),
    }
    return render(request, "hardship/agreement.html", context)
