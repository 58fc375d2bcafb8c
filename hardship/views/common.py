"""What the borrower's hardship pages share: the resume link, adding or removing a document, the open
offer worked out on the loans."""

from django.contrib import messages
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.http import AuthenticatedHtmxRequest
from core.exceptions import ApplicationError
from hardship import selectors, services
from hardship.forms import EvidenceForm, RemoveEvidenceForm
from hardship.models import Application
from hardship.selectors import STEP_COUNT, ApplicationDetail


def resume_url(reference: str, step_reached: int) -> str:
    return reverse("hardship:step", args=[reference, min(max(step_reached, 1), STEP_COUNT)])


def removing(request: AuthenticatedHtmxRequest) -> bool:
    """The remove button says so itself (its ``action``), so a stray ``remove`` field never deletes."""
    return request.POST.get("action") == "remove"


def evidence_post(
    request: AuthenticatedHtmxRequest, application: ApplicationDetail, form: EvidenceForm
) -> tuple[bool, str]:
    """Add the uploaded document (errors go on ``form``), or remove one; (done, the removal's error)."""
    if removing(request):
        remove = RemoveEvidenceForm(request.POST)
        try:
            if not remove.is_valid():
                raise ApplicationError(_("This file does not exist."))
            services.evidence_remove(
                application_id=application.id, user=request.user, token=remove.cleaned_data["remove"]
            )
        except ApplicationError as error:
            return False, error.message
        messages.success(request, _("The file is removed."))
        return True, ""
    if not form.is_valid():
        return False, ""
    upload = form.cleaned_data["document"]
    try:
        item = services.evidence_add(application_id=application.id, user=request.user, upload=upload)
    except ApplicationError as error:
        form.add_error("document", error.message)
        return False, ""
    messages.success(request, _("%(name)s is added.") % {"name": item.original_name})
    return True, ""


def offer_preview(application: ApplicationDetail) -> tuple[selectors.OptionView | None, str]:
    """The open offer worked out for the loans as they stand (services.offer_plans), or why it cannot be."""
    if application.open_offer is None:
        return None, ""
    terms = selectors.terms_from_mapping(application.open_offer.terms)
    if terms is None:
        return None, _("This offer cannot be shown. Please contact us.")
    try:
        plans = services.offer_plans(application=Application(pk=application.id), terms=terms)
    except ApplicationError as error:
        return None, error.message
    # offer_plans works out the loans that have something left, in reference order: name them the same way.
    references = [
        loan.reference
        for loan in selectors.application_loans(application=application)
        if loan.position is not None
    ]
    if len(references) != len(plans):
        return None, _("This offer cannot be shown. Please contact us.")
    return selectors.option_view(
        terms=terms, plans=list(zip(references, plans, strict=True)), affordable=None
    ), ""
