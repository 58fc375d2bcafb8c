"""The demo-like world the security tests probe: two borrowers, every staff group, a superuser.

`world_build` seeds the demo data (borrower A is demo@ with three loans, borrower B is other@ with two),
gives the staff groups what their data migrations grant (an earlier test's flush may have emptied them),
makes one staff member per group with a verified address and a TOTP authenticator, a staff member with
no factor, and a superuser, and adds what some URL patterns need (a support message of each borrower,
a finished course, an import job, a mail in the outbox).
"""

import importlib
import inspect
import pkgutil
from dataclasses import dataclass, field
from typing import Any

import pyotp
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
from django.apps import apps as global_apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import migrations
from django.test import Client
from django.utils import timezone

from accounts.models import User
from tests.conftest import PASSWORD, enrol_totp, make_user

BORROWER_A = "demo@anxin.example"
BORROWER_B = "other@anxin.example"
DEMO_PASSWORD = "anxin-demo-2026"
# The demo data's overdue days and amounts are stable "as of" this day (the browser tests use it too).
BUSINESS_DATE = "2026-11-29"
COMPLETED_COURSE = "loan-basics"
LESSON = ("loan-basics", "monthly-rate-vs-apr")

VISITOR = "visitor"
ROLE_A = "borrower_a"
ROLE_B = "borrower_b"
STAFF_NO_FACTOR = "staff_no_factor"
SUPERUSER = "superuser"
STAFF_PREFIX = "staff:"


def staff_role(group_name: str) -> str:
    return f"{STAFF_PREFIX}{group_name}"


@dataclass
class World:
    users: dict[str, User] = field(default_factory=dict)  # role -> user (no visitor)
    passwords: dict[str, str] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)  # name -> value used in URLs

    @property
    def roles(self) -> list[str]:
        return [VISITOR, *self.users]

    def staff_roles(self) -> list[str]:
        return [role for role in self.users if role.startswith(STAFF_PREFIX)]


# Written when the budget was borrowers': run with the project's registry it would look for its models and
# permissions under "borrowers". budget 0002 names the same grants under the budget's label.
BUDGET_BEFORE_THE_MOVE = "borrowers.migrations.0004_budget_guidelines"


def _budget_restore(module: Any) -> None:
    from budget.models import BudgetGuideline
    from core.staff_permissions import groups_grant

    for category, amount in module.DEFAULT_GUIDELINES.items():
        BudgetGuideline.objects.get_or_create(category=category, defaults={"monthly_amount": amount})
    moved = importlib.import_module("budget.migrations.0002_content_types_from_borrowers")
    groups_grant(global_apps, moved.GROUP_PERMISSIONS)


def staff_groups_restore() -> None:
    """Re-run every data migration that calls groups_grant (idempotent get-or-create and add).

    Found by reading each app's migrations, so a new app's groups (a privacy team, say) join in
    without a change here.
    """
    for app_config in global_apps.get_app_configs():
        if not app_config.path.startswith(str(settings.BASE_DIR)):
            continue
        try:
            package = importlib.import_module(f"{app_config.name}.migrations")
        except ModuleNotFoundError:
            continue
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            if module.__name__ == BUDGET_BEFORE_THE_MOVE:
                _budget_restore(module)
                continue
            if "groups_grant(" not in inspect.getsource(module):
                continue
            for operation in module.Migration.operations:
                if isinstance(operation, migrations.RunPython):
                    operation.code(global_apps, None)  # type: ignore[arg-type]  # idempotent grants


def _complete_course(user: User) -> None:
    from education.models import Lesson, LessonProgress

    now = timezone.now()
    for lesson in Lesson.objects.filter(course__key=COMPLETED_COURSE):
        LessonProgress.objects.update_or_create(
            user=user,
            lesson=lesson,
            defaults={"read_at": now, "passed_at": now, "completed_at": now, "best_score": 100},
        )


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def _hardship_applications(world: "World") -> tuple[Any, Any]:
    """A's draft for the overdue loan, with a document; B's for one of B's loans."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from borrowers.models import Loan
    from hardship import services as hardship

    a = world.users[ROLE_A]
    application_a = hardship.application_start(
        user=a, loan_ids=[Loan.objects.get(reference="AX-DEMO-1002").pk]
    )
    hardship.evidence_add(
        application_id=application_a.pk,
        user=a,
        upload=SimpleUploadedFile("payslip.png", _png(), content_type="image/png"),
    )
    b = world.users[ROLE_B]
    loan_b = Loan.objects.filter(borrower__user=b, status=Loan.Status.ACTIVE).order_by("reference").first()
    assert loan_b is not None
    application_b = hardship.application_start(user=b, loan_ids=[loan_b.pk])
    return application_a, application_b


def world_build() -> World:
    from borrowers import imports
    from borrowers.models import ImportJob, Loan
    from education.models import Lesson
    from notifications.models import OutboundEmail
    from portal.models import SupportMessage
    from portal.services import support_message_send

    staff_groups_restore()
    call_command("seed_demo", verbosity=0, stdout=_Null(), stderr=_Null())
    world = World()
    world.users[ROLE_A] = User.objects.get(email=BORROWER_A)
    world.users[ROLE_B] = User.objects.get(email=BORROWER_B)
    world.passwords[ROLE_A] = world.passwords[ROLE_B] = DEMO_PASSWORD
    for group in Group.objects.order_by("name"):
        slug = "".join(ch for ch in group.name.lower() if ch.isalnum())
        user = make_user(f"sec.{slug}@anxin.example", is_staff=True)
        user.groups.add(group)
        enrol_totp(user)
        world.users[staff_role(group.name)] = user
    world.users[STAFF_NO_FACTOR] = make_user("sec.nofactor@anxin.example", is_staff=True)
    superuser = User.objects.create_superuser(email="sec.root@anxin.example", password=PASSWORD)
    make_user_email(superuser)
    enrol_totp(superuser)
    world.users[SUPERUSER] = superuser
    for role in world.users:
        world.passwords.setdefault(role, PASSWORD)

    loans_b = Loan.objects.filter(borrower__user=world.users[ROLE_B]).order_by("reference")
    _complete_course(world.users[ROLE_A])
    message_a = support_message_send(
        user=world.users[ROLE_A],
        topic=SupportMessage.Topic.CANNOT_PAY,
        body="这个月工资晚发了，我想下周五先还一半，可以吗？",
        loan=Loan.objects.get(reference="AX-DEMO-1002"),
    )
    message_b = support_message_send(user=world.users[ROLE_B], topic="other", body="B's private question")
    lesson = Lesson.objects.filter(course__key=LESSON[0], key=LESSON[1]).order_by("pk").first()
    assert lesson is not None, "seed_demo made no lesson to probe"
    job = imports.import_job_create(
        kind=ImportJob.Kind.PAYMENTS,
        content=ContentFile(b"receipt_number,loan_reference,amount,paid_on\r\n", name="p.csv"),
        original_name="p.csv",
    )
    # Someone asks for A's password to be reset: the outbox then holds a mail with a reset link.
    Client().post("/accounts/password/reset/", {"email": BORROWER_A})
    assert OutboundEmail.objects.exists(), "asking for a password reset queued no mail"
    from decimal import Decimal

    from budget.services import BudgetLineInput, budget_save

    budget_save(
        user=world.users[ROLE_A], lines=[BudgetLineInput(category="salary", amount=Decimal("5000.00"))]
    )
    sign_in(world, ROLE_A)  # a row in the sessions list (usersessions)
    privacy_a = privacy_b = 0
    if global_apps.is_installed("privacy"):
        from privacy.services import consent_set, export_record

        consent_set(user=world.users[ROLE_A], granted=True)

        privacy_a = export_record(user=world.users[ROLE_A]).pk
        privacy_b = export_record(user=world.users[ROLE_B]).pk
    hardship_a, hardship_b = _hardship_applications(world)
    world.objects.update(
        hardship_a=hardship_a.reference,
        hardship_a_id=hardship_a.pk,
        hardship_a_evidence=hardship_a.evidence.get().token,
        hardship_b=hardship_b.reference,
        privacy_request_a=privacy_a,
        privacy_request_b=privacy_b,
        borrower_a_id=world.users[ROLE_A].pk,
        profile_a=world.users[ROLE_A].borrower_profile.pk,
        superuser_id=superuser.pk,
        import_job=job.pk,
        loan_a_current="AX-DEMO-1001",
        loan_a_overdue="AX-DEMO-1002",
        loan_a_paid_off="AX-DEMO-1003",
        loan_b=loans_b[0].reference,
        loan_unlinked="AX-DEMO-3001",
        message_a=message_a.pk,
        message_b=message_b.pk,
        lesson_id=lesson.pk,
        course_key=LESSON[0],
        lesson_key=LESSON[1],
    )
    return world


def make_user_email(user: User) -> None:
    from allauth.account.models import EmailAddress

    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


class _Null:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        return None


def sign_in(world: World, role: str) -> Client:
    """A client signed in as the role, the way a person signs in: password, then the TOTP code.

    The staff member without a factor is force-logged-in: whatever the login does with a password
    alone, a session that has one must reach no staff page.
    """
    client = Client()
    if role == VISITOR:
        return client
    user = world.users[role]
    if role == STAFF_NO_FACTOR:
        client.force_login(user)
        return client
    response = client.post("/accounts/login/", {"login": user.email, "password": world.passwords[role]})
    assert response.status_code == 302, f"signing in {role}: {response.status_code}"
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is not None:
        cache.clear()  # allauth refuses a code used before; two users may share a 30-second step
        code = pyotp.TOTP(decrypt(authenticator.data["secret"])).now()
        response = client.post("/accounts/2fa/authenticate/", {"code": code})
        assert response.status_code == 302, f"TOTP for {role}: {response.status_code}"
    assert str(client.session.get("_auth_user_id")) == str(user.pk), f"{role} is not signed in"
    return client
