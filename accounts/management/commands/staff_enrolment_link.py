from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.enrolment import enrolment_required, grant_issue, is_staff
from accounts.models import User
from core.text import email_masked


class Command(BaseCommand):
    help = (
        "Mail a member of staff a one-time link, valid briefly, to set up their first two-factor "
        "authenticator. Prints where it went, never the link (unless --show-link, outside production)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument(
            "--base-url",
            default=settings.ACCOUNTS_SITE_URL,
            help="the site's address as staff open it, e.g. https://anxin.example (default: SITE_URL)",
        )
        parser.add_argument(
            "--language", default=settings.LANGUAGE_CODE, choices=[code for code, _ in settings.LANGUAGES]
        )
        parser.add_argument(
            "--show-link",
            action="store_true",
            help="also print the link (a secret: demo and development only, refused in production)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["show_link"] and settings.PRODUCTION:
            raise CommandError(
                "--show-link refuses to run with DJANGO_ENV=production: the link goes by mail."
            )
        base_url = options["base_url"]
        if not base_url.startswith(("https://", "http://")):
            raise CommandError(
                "Give the site's address with --base-url (or set SITE_URL), e.g. https://anxin.example"
            )
        user = User.objects.filter(email__iexact=options["email"].strip()).first()
        if user is None or not is_staff(user):
            raise CommandError(f"{options['email']} is not a member of staff.")
        if not user.is_active:
            raise CommandError(f"{user.email} is not active.")
        if not EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists():
            raise CommandError(f"{user.email} is not verified: the link goes to a verified address only.")
        if not enrolment_required(user):
            raise CommandError(
                f"{user.email} already has an authenticator: a link is needed only for a first one "
                "(or after theirs has been removed)."
            )
        link, expires_at = grant_issue(user=user, base_url=base_url, language=options["language"])
        until = timezone.localtime(expires_at).strftime("%Y-%m-%d %H:%M %Z")
        self.stdout.write(
            f"Enrolment link mailed to {email_masked(user.email)}; it works once, until {until}."
        )
        if options["show_link"]:
            self.stdout.write(f"Link (secret, demo only): {link}")
