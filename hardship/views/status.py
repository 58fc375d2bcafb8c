"""The borrower's status page of one application and its actions: accept the offer, withdraw, answer a
request for information, add or remove a document."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import AuthenticatedHtmxRequest
from core.exceptions import ApplicationError
from core.htmx import render_page
from core.http import or_404
from hardship import selectors, services
from hardship.forms import AnswerForm, EvidenceForm
from hardship.views.common import evidence_post, offer_preview, resume_url


@require_http_methods(["GET", "POST"])
@login_required
def detail(request: AuthenticatedHtmxRequest, reference: str) -> HttpResponse:
    application = or_404(selectors.borrower_application(user=request.user, reference=reference))
    answer_form = AnswerForm()
    evidence_form = EvidenceForm()
    action_error = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "accept":
                services.offer_accept(application_id=application.id, user=request.user)
                messages.success(request, _("You accepted the offer. Your new arrangement is in place."))
                return redirect("hardship:detail", reference=application.reference)
            if action == "withdraw":
                services.application_withdraw(application_id=application.id, user=request.user)
                messages.success(request, _("Your application is withdrawn."))
                return redirect("hardship:detail", reference=application.reference)
            if action == "answer":
                answer_form = AnswerForm(request.POST)
                if answer_form.is_valid():
                    services.information_answer(
                        application_id=application.id,
                        user=request.user,
                        message=answer_form.cleaned_data["message"],
                    )
                    messages.success(request, _("Your answer is sent."))
                    return redirect("hardship:detail", reference=application.reference)
            elif action in ("upload", "remove"):
                if action == "upload":
                    evidence_form = EvidenceForm(request.POST, request.FILES)
                done, action_error = evidence_post(request, application, evidence_form)
                if done:
                    return redirect("hardship:detail", reference=application.reference)
            else:
                action_error = _("This action is not available.")
        except ApplicationError as error:
            if action == "answer":
                answer_form.add_error(None, error.message)
            else:
                action_error = error.message
    offer, offer_error = offer_preview(application)
    context = {
        "application": application,
        "answer_form": answer_form,
        "evidence_form": evidence_form,
        "action_error": action_error,
        "offer": offer,
        "offer_error": offer_error,
        "resume_url": resume_url(application.reference, application.step_reached),
        "max_files": services.EVIDENCE_MAX_FILES,
    }
    return render_page(request, "hardship/detail.html", context)
