from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from accounts import demo as accounts_demo
from borrowers import demo as borrowers_demo
from core.business_date import business_date_today
from education import demo as education_demo
from hardship import demo as hardship_demo
from portal import demo as portal_demo
from reminders import demo as reminders_demo


class Command(BaseCommand):
    help = "Load the demo data (idempotent: running it again changes nothing). Never in production."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("seed_demo refuses to run with DJANGO_ENV=production.")
        today = business_date_today()
        with transaction.atomic():
            logins = accounts_demo.seed()
            linkable = borrowers_demo.seed(today=today)
            education_demo.seed()
            portal_demo.seed()
        # Outside the block above: each hardship step is its own (durable) transaction, as on the site.
        # The notices those steps mail to the demo borrowers are kept in the outbox, not printed here.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            hardship_demo.seed(today=today)
            reminders_demo.seed(today=today)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data loaded. Logins (password for all: {accounts_demo.DEMO_PASSWORD}):")
        )
        for login in logins:
            line = f"  {login.email:<26} {login.role}"
            if login.totp_secret:
                line += f"   TOTP secret (demo only): {login.totp_secret}"
            self.stdout.write(line)
        self.stdout.write(
            "Staff must enter a TOTP code: add the secret to an authenticator app, or run\n"
            "  .venv/bin/python manage.py demo_totp editor@anxin.example\n"
            "A new member of staff enrols their first authenticator only with a one-time link by mail:\n"
            "  .venv/bin/python manage.py staff_enrolment_link EMAIL   (--show-link prints it, demo only)"
        )
        for loan in linkable:
            self.stdout.write(
                f"A loan no account has linked yet (try /loans/link/ from a new account): {loan.reference}, "
                f"date of birth {loan.date_of_birth.isoformat()}, ID last 4 {loan.national_id_last4}"
            )
