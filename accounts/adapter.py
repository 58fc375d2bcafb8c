from typing import Any

from allauth.account.adapter import DefaultAccountAdapter

from notifications.services import email_queue


class AccountAdapter(DefaultAccountAdapter):
    """allauth, with its mail sent through our outbox instead of inside the request."""

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        request = context.get("request") or self.request
        ctx = {"request": request, "email": email, **context}
        message = self.render_mail(template_prefix, email, ctx)
        email_queue(message=message, kind=template_prefix.rsplit("/", 1)[-1])
