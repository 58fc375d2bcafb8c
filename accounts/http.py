from django.http import HttpRequest

from accounts.models import User
from core.http import HtmxHttpRequest


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view only a signed-in user reaches (`@login_required`, or an admin view): its
    `user` is a User, never AnonymousUser, so services typed with the actor `User` accept it."""

    user: User


class AuthenticatedHtmxRequest(HtmxHttpRequest):
    """The same, for a signed-in page that htmx also asks for pieces of (`request.htmx` is typed)."""

    user: User
