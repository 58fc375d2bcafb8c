from django.http import HttpRequest

from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view only a signed-in user reaches (`@login_required`, or an admin view): its
    `user` is a User, never AnonymousUser, so services typed with the actor `User` accept it."""

    user: User
