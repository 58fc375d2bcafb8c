from typing import Any

from allauth.account.forms import LoginForm as AllauthLoginForm
from django.http import HttpRequest

from accounts.session_limits import REMEMBER_KEY, expiry_apply


class LoginForm(AllauthLoginForm):
    """allauth's login, with "remember me" carried to the end of sign-in (past the TOTP step) and the
    session's limits (accounts.session_limits) applied after allauth sets its own expiry."""

    def login(self, request: HttpRequest, redirect_url: str | None = None) -> Any:
        request.session[REMEMBER_KEY] = bool(self.cleaned_data.get("remember"))
        response = super().login(request, redirect_url)
        if request.user.is_authenticated:
            expiry_apply(request.session)
        return response
