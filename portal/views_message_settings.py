"""The borrower's message settings at /notifications/settings/: the service channels (SMS, email; in-app
is always on), the answer to marketing, the time zone reminders follow, and the contact rules in plain
words.

Here, not in notifications, because the page puts two apps together: notifications keeps the channels
and the consent, borrowers keeps the time zone on the borrower's record, and notifications sits below
borrowers (it may not ask it). The form is notifications'; each app saves its own part.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import AuthenticatedHttpRequest
from borrowers.selectors.profiles import borrower_time_zone
from borrowers.services.profiles import profile_time_zone_set
from core.exceptions import ApplicationError
from notifications import selectors, services_centre
from notifications.contact_rules import DAILY_CAP, QUIET_END, QUIET_START
from notifications.forms import NO, YES, MessageSettingsForm


@require_http_methods(["GET", "POST"])
@login_required
def message_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    time_zone = borrower_time_zone(user=request.user)
    if request.method == "POST":
        form = MessageSettingsForm(request.POST, time_zone=time_zone)
    else:
        current = selectors.contact_settings(user_id=request.user.pk)
        initial = {
            "sms": current.sms,
            "email": current.email,
            "marketing": YES if current.marketing else NO,
            "time_zone": time_zone,
        }
        form = MessageSettingsForm(initial=initial, time_zone=time_zone)
    if form.is_bound and form.is_valid():
        try:
            services_centre.contact_settings_save(
                user=request.user,
                sms=form.cleaned_data["sms"],
                email=form.cleaned_data["email"],
                marketing=form.marketing_granted,
                request=request,
            )
            if form.has_time_zone:
                profile_time_zone_set(
                    user=request.user, time_zone=form.cleaned_data["time_zone"], request=request
                )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your message settings are saved."))
            return redirect("message_settings")
    context = {
        "form": form,
        "quiet_start": QUIET_START,
        "quiet_end": QUIET_END,
        "daily_cap": DAILY_CAP,
    }
    return render(request, "notifications/settings.html", context, status=400 if form.is_bound else 200)
