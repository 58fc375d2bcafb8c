from dataclasses import dataclass
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import get_language, gettext, override

from accounts.models import User
from accounts.security_events import NOTICES
from notifications.services import allauth_mail_carries_secret, email_queue


@dataclass(frozen=True)
class MailSite:
    """What allauth's mail templates read as `current_site`: our name, and the host the reader used.

    allauth takes it from django.contrib.sites (not installed here) or the request; left out, every mail
    read "Hello from !". The name is translated when the mail is rendered, in the reader's language. A
    mail rendered outside a request has no host, and the templates then leave the line out.
    """

    name: str
    domain: str


def mail_site(request: HttpRequest | None) -> MailSite:
    return MailSite(name=gettext("Anxin"), domain=request.get_host() if request is not None else "")


class AccountAdapter(DefaultAccountAdapter):
    """allauth, with its mail sent through our outbox instead of inside the request."""

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        request = context.get("request") or self.request
        ctx = {"request": request, "email": email, "current_site": mail_site(request), **context}
        message = self.render_mail(template_prefix, email, ctx)
        email_queue(
            message=message,
            kind=template_prefix.rsplit("/", 1)[-1],
            # Our own notices (accounts.security_events) carry no secret; allauth's are judged by its list.
            carries_secret=template_prefix not in NOTICES and allauth_mail_carries_secret(template_prefix),
        )

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """Staff signing in land in the back office (unless they were on their way somewhere), not on a
        borrower's overview that tells them they have no loans."""
        if request.user.is_staff:
            return reverse("admin:index")
        return str(super().get_login_redirect_url(request))

    def send_notification_mail(
        self,
        template_prefix: str,
        user: User | None,
        context: dict[str, Any] | None = None,
        email: str | None = None,
    ) -> None:
        """A security notice (a new device, a factor or the password changed) is read by the account's
        owner, so it is written in their language, not in the language of the browser that caused it
        (which may be the intruder's): the borrower's preferred language when the lender holds one."""
        profile = getattr(user, "borrower_profile", None) if user is not None else None
        language = getattr(profile, "preferred_language", "") or get_language()
        with override(language):
            super().send_notification_mail(template_prefix, user, context=context, email=email)

    def format_email_subject(self, subject: str) -> str:
        """ "[安心] …" on a Chinese mail and "[Anxin] …" on an English one, not both names on every mail."""
        return f"[{gettext('Anxin')}] {subject}"
