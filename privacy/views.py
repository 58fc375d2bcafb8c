"""The borrower's privacy page at /privacy/: what we hold and why, a copy of it all, corrections,
deletion, and marketing consent. Every form is a plain POST that redirects (works without JavaScript)."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from core.exceptions import ApplicationError
from core.http import or_404
from privacy import export, selectors, services
from privacy.forms import ConsentForm, CorrectionForm, DeletionForm
from privacy.models import PrivacyRequest


def _page(
    request: AuthenticatedHttpRequest, consent_form: ConsentForm | None = None, status: int = 200
) -> HttpResponse:
    overview = selectors.privacy_overview(user=request.user)
    if consent_form is None:
        consent_form = ConsentForm(initial={"marketing": "yes" if overview.marketing_granted else "no"})
    context = {"overview": overview, "consent_form": consent_form}
    return render(request, "privacy/index.html", context, status=status)


@require_GET
@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
@login_required
def export_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        services.export_record(user=request.user, request=request)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("privacy:index")
    response = HttpResponse(export.export_zip(user=request.user), content_type="application/zip")
    filename = f"anxin-my-data-{timezone.localdate():%Y%m%d}.zip"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    add_never_cache_headers(response)
    return response


@require_POST
@login_required
def consent(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ConsentForm(request.POST)
    if not form.is_valid():
        return _page(request, consent_form=form, status=400)
    try:
        changed = services.consent_set(user=request.user, granted=form.granted, request=request)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        if changed is not None:
            messages.success(
                request,
                _("You will receive offers and news from us.")
                if form.granted
                else _("You will no longer receive offers and news from us."),
            )
    return redirect("privacy:index")


@require_http_methods(["GET", "POST"])
@login_required
def correct(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CorrectionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.correction_request_file(
                user=request.user,
                phone=form.cleaned_data["phone"],
                note=form.cleaned_data["note"],
                request=request,
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("We have your correction request and will answer it by the date shown.")
            )
            return redirect("privacy:index")
    overview = selectors.privacy_overview(user=request.user)
    return render(request, "privacy/correct.html", {"form": form, "overview": overview})


@require_http_methods(["GET", "POST"])
@login_required
@reauthentication_required  # type: ignore[untyped-decorator]
def delete(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Asking to close the account. The sign-in must be recent (allauth asks for the password again)."""
    form = DeletionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.deletion_request_file(user=request.user, request=request)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("We have your request to delete your account and will answer it by the date shown."),
            )
            return redirect("privacy:index")
    overview = selectors.privacy_overview(user=request.user)
    context = {
        "form": form,
        "overview": overview,
        "already_asked": PrivacyRequest.Kind.DELETION in overview.open_kinds,
    }
    return render(request, "privacy/delete.html", context)


@require_GET
@login_required
def request_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    privacy_request = or_404(selectors.borrower_privacy_request(user=request.user, pk=pk))
    return render(request, "privacy/request.html", {"privacy_request": privacy_request})
