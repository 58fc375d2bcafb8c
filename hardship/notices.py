"""Mails that tell someone an application has moved: the borrower when there is something to read or do
(information asked, an offer, a decision, the new arrangement in place, an expiry), and the member of
staff who made the offer when the borrower accepts it. Like the support answers' notice, a mail says only
that there is news and where to read it: never the terms, the reasons or the figures. Sent when the
caller's transaction commits (notifications.services.email_queue)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from borrowers.selectors.lookups import borrower_preferred_language
from hardship.models import Application
from notifications.services import email_queue

Status = Application.Status
BORROWER_NEWS = {
    Status.INFORMATION_REQUESTED: "hardship_information_requested",
    Status.OFFERED: "hardship_offered",
    Status.REJECTED: "hardship_rejected",
    Status.APPLIED: "hardship_applied",
    Status.EXPIRED: "hardship_expired",
}


def _site(path: str) -> str:
    return f"{settings.ACCOUNTS_SITE_URL.rstrip('/')}{path}"


def _mail(to: str, subject: str, body: str, kind: str) -> None:
    email_queue(
        message=EmailMessage(
            subject=f"[{_('Anxin')}] {subject}",
            body=f"{body}\n",
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[to],
        ),
        kind=kind,
    )


def borrower_told(application: Application) -> None:
    """Mail the borrower that their application has news, in their language, if the new status is one."""
    kind = BORROWER_NEWS.get(Status(application.status))
    if kind is None or not application.user.email:
        return
    language = borrower_preferred_language(user_id=application.user_id)
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        url = _site(reverse("hardship:detail", args=[application.reference]))
        subject = _("News on your application %(reference)s") % {"reference": application.reference}
        body = _(
            "Hello,\n\n"
            "Your application %(reference)s for a new repayment arrangement is now: %(status)s.\n\n"
            "To read what we wrote and what you can do next, sign in to %(site)s and open:\n"
            "%(url)s\n\n"
            "The details are not in this mail, so that only you can read them."
        ) % {
            "reference": application.reference,
            "status": application.get_status_display(),
            "site": _("Anxin"),
            "url": url,
        }
        _mail(application.user.email, subject, body, kind)


def staff_told_accepted(application: Application, staff: User) -> None:
    """Mail the member of staff who made the offer that it was accepted and is in place."""
    if not staff.email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        url = _site(reverse("admin:hardship_application_review", args=[application.pk]))
        subject = _("Offer accepted: %(reference)s") % {"reference": application.reference}
        body = _(
            "The borrower accepted your offer on application %(reference)s and the new arrangement is in "
            "place on their loans.\n\n%(url)s"
        ) % {"reference": application.reference, "url": url}
        _mail(staff.email, subject, body, "hardship_offer_accepted")
