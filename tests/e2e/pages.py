"""Every page a visitor, a borrower, an editor or Support can reach, read from the URL patterns.

Each URL pattern is either a page here (with the roles that open it and, where it needs one, the object it
shows from the demo data) or excluded with the reason. `test_every_url_pattern_is_classified` fails on a
pattern that is neither, so a new page joins the page checks, or is excluded on purpose, never forgotten.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse

VISITOR = "visitor"
BORROWER = "borrower"
EDITOR = "editor"
SUPPORT = "support"  # Support's call list and reminder rules in the admin
ROLES = (VISITOR, BORROWER, EDITOR, SUPPORT)
LANGUAGES = ("zh-hans", "en")
WIDTHS = (360, 1280)

# The demo login each role signs in as (accounts.demo); the visitor signs in as nobody.
LOGINS = {BORROWER: "demo@anxin.example", EDITOR: "editor@anxin.example", SUPPORT: "support@anxin.example"}
# The business date the demo data is seeded and shown "as of", so its overdue days and amounts are stable.
BUSINESS_DATE = "2026-11-29"
# demo@ has finished this course (tests/e2e/conftest.py marks it), so its certificate page exists.
COMPLETED_COURSE = "loan-basics"

Kwargs = dict[str, Any] | Callable[[], dict[str, Any]]


@dataclass(frozen=True)
class Page:
    name: str  # the URL pattern's name, "namespace:name"
    roles: tuple[str, ...]
    variant: str = ""  # tells apart two pages of one pattern (the slug in the test id and screenshot)
    kwargs: Kwargs = field(default_factory=dict)
    query: str = ""
    # "pending_mfa": a staff member has given the password and is asked for the TOTP code.
    stage: str = ""

    @property
    def slug(self) -> str:
        base = self.name.replace(":", "-").replace("_", "-")
        return f"{base}-{self.variant}" if self.variant else base

    def url(self) -> str:
        kwargs = self.kwargs() if callable(self.kwargs) else self.kwargs
        path = reverse(self.name, kwargs=kwargs)
        return f"{path}?{self.query}" if self.query else path


def _lesson_id() -> dict[str, Any]:
    from education.models import Lesson

    lesson = (
        Lesson.objects.filter(course__key="loan-basics", language="zh-hans").order_by("order", "key").first()
    )
    assert lesson is not None, "seed_demo made no lesson in loan-basics"
    return {"lesson_id": lesson.pk}


def _lesson_object_id() -> dict[str, Any]:
    return {"object_id": str(_lesson_id()["lesson_id"])}


def _support_message() -> dict[str, Any]:
    """demo@'s first message to staff; written through the service when the demo data has none."""
    from borrowers.models import Loan
    from portal.models import SupportMessage
    from portal.services import support_message_send

    message = SupportMessage.objects.filter(user__email=LOGINS[BORROWER]).order_by("pk").first()
    if message is None:
        loan = Loan.objects.get(reference="AX-DEMO-1002")
        message = support_message_send(
            user=loan.borrower.user,
            topic=SupportMessage.Topic.CANNOT_PAY,
            body="这个月工资晚发了，我想下周五先还一半，可以吗？",
            loan=loan,
        )
    return {"pk": message.pk}


def _privacy_request() -> dict[str, Any]:
    """demo@'s first privacy request; a correction filed through the service when the demo data has none."""
    from accounts.models import User
    from privacy.models import PrivacyRequest
    from privacy.services import correction_request_file

    request = PrivacyRequest.objects.filter(user__email=LOGINS[BORROWER]).order_by("pk").first()
    if request is None:
        user = User.objects.get(email=LOGINS[BORROWER])
        request = correction_request_file(user=user, note="我的名字写错了。")
    return {"pk": request.pk}


def _hardship_draft() -> str:
    """demo@'s draft application for the current loan, filled in to its last step (made through the
    services when the demo data has none)."""
    from accounts.models import User
    from borrowers.models import Loan
    from budget.services import BudgetLineInput
    from hardship import services
    from hardship.models import Application

    loan = Loan.objects.get(reference="AX-DEMO-1001")
    found = Application.objects.filter(loans__loan=loan, status=Application.Status.DRAFT).first()
    if found is not None:
        return found.reference
    user = User.objects.get(email=LOGINS[BORROWER])
    application = services.application_start(user=user, loan_ids=[loan.pk])
    services.application_situation_save(
        application_id=application.pk, user=user, reason="reduced_income", reason_text="", duration="short"
    )
    services.application_statement_save(
        application_id=application.pk,
        user=user,
        lines=[
            BudgetLineInput("salary", Decimal("3800.00")),
            BudgetLineInput("housing", Decimal("1500.00")),
            BudgetLineInput("eating_out", Decimal("900.00"), "外卖点得太多了，我在减。"),
        ],
    )
    services.application_option_choose(application_id=application.pk, user=user, terms=None)
    return application.reference


def _hardship_offered() -> str:
    """demo@'s application for the overdue loan with an offer made (a 24-month extension)."""
    import loanmath
    from accounts.models import User
    from borrowers.models import Loan
    from budget.services import BudgetLineInput
    from hardship import services
    from hardship.models import Application

    loan = Loan.objects.get(reference="AX-DEMO-1002")
    found = Application.objects.filter(loans__loan=loan, status=Application.Status.OFFERED).first()
    if found is not None:
        return found.reference
    user = User.objects.get(email=LOGINS[BORROWER])
    terms = loanmath.OptionTerms(kind=loanmath.OptionKind.EXTENSION, months=24)
    application = services.application_start(user=user, loan_ids=[loan.pk])
    services.application_situation_save(
        application_id=application.pk, user=user, reason="job_loss", reason_text="", duration="short"
    )
    services.application_statement_save(
        application_id=application.pk, user=user, lines=[BudgetLineInput("salary", Decimal("3000.00"))]
    )
    services.application_option_choose(application_id=application.pk, user=user, terms=terms)
    services.application_submit(application_id=application.pk, user=user, declared=True)
    services.review_start(
        application_id=application.pk, staff=User.objects.get(email="reviewer@anxin.example")
    )
    services.offer_make(
        application_id=application.pk, staff=User.objects.get(email="approver@anxin.example"), terms=terms
    )
    return application.reference


def _unsubscribe_token() -> dict[str, Any]:
    """The unsubscribe link a marketing message to demo@ would carry (no sign-in needed to open it)."""
    from accounts.models import User
    from notifications.unsubscribe import unsubscribe_token

    return {"token": unsubscribe_token(User.objects.get(email=LOGINS[BORROWER]).pk)}


def _call_entry() -> dict[str, Any]:
    """The business date's call list entry for demo@'s overdue loan (reminders.demo builds the list)."""
    from borrowers.models import Loan
    from core.business_date import business_date_today
    from reminders.models import CallListEntry
    from reminders.services import call_list_build

    loan = Loan.objects.get(reference="AX-DEMO-1002")
    call_list_build(business_date=business_date_today())
    entry = CallListEntry.objects.filter(loan=loan).order_by("-business_date").first()
    assert entry is not None, "no call list entry for AX-DEMO-1002"
    return {"object_id": str(entry.pk)}


def _reminder_rule() -> dict[str, Any]:
    from reminders.models import ReminderRule

    return {"object_id": str(ReminderRule.objects.get(code="overdue_7").pk)}


ANYONE = (VISITOR, BORROWER)
# A planner page's variants (a result, three plans, fees, an error) draw the same body for a visitor and a
# borrower; the visitor's header and footer are checked on each page's first state, the variants once.
COMPARE_THREE = "&".join(
    f"p{n}-{key}={value}"
    for n, months in ((1, 12), (2, 24), (3, 36))
    for key, value in (
        ("principal", "10000"),
        ("method", "equal_instalment"),
        ("annual_rate", "12"),
        ("months", months),
        ("start", "2026-01-15"),
    )
)
PLAN_QUERY = "principal=10000&method=equal_instalment&annual_rate=12&months=12&start=2026-01-15"
# A contract with ¥500 taken at the start and a monthly service fee: the page's warning and every figure.
TRUE_RATE_FEES = (
    "principal=10000&received=9500&payment=913.33&months=12&last_payment=913.37&fee=20&fee_timing=monthly"
)

PAGES: tuple[Page, ...] = (
    # portal
    Page("portal:home", (VISITOR,)),  # a signed-in borrower is sent on to the dashboard
    Page("portal:dashboard", (BORROWER,)),
    Page("portal:help", ANYONE),
    Page("portal:help_messages", (BORROWER,)),
    # As the overdue banner's "tell us when you can pay" opens it.
    Page("portal:help_messages", (BORROWER,), "prefilled", query="topic=promise_to_pay&loan=AX-DEMO-1002"),
    Page("portal:help_message", (BORROWER,), kwargs=_support_message),
    # loans
    Page("borrowers:loans", (BORROWER,)),
    Page("borrowers:link", (BORROWER,)),
    Page("borrowers:detail", (BORROWER,), "current", {"reference": "AX-DEMO-1001"}),
    Page("borrowers:detail", (BORROWER,), "overdue", {"reference": "AX-DEMO-1002"}),
    Page(
        "borrowers:detail", (BORROWER,), "overdue-pay-on", {"reference": "AX-DEMO-1002"}, "pay_on=2027-01-15"
    ),
    Page("borrowers:detail", (BORROWER,), "paid-off", {"reference": "AX-DEMO-1003"}),
    Page("borrowers:settlement", (BORROWER,), kwargs={"reference": "AX-DEMO-1003"}),  # paid off
    Page("borrowers:promise", (BORROWER,), "overdue", {"reference": "AX-DEMO-1002"}),
    Page("borrowers:promise", (BORROWER,), "current", {"reference": "AX-DEMO-1001"}),  # nothing to promise
    Page("borrowers:due_day", (BORROWER,), "current", {"reference": "AX-DEMO-1001"}),
    Page("borrowers:due_day", (BORROWER,), "current-preview", {"reference": "AX-DEMO-1001"}, "day=25"),
    Page("borrowers:due_day", (BORROWER,), "overdue", {"reference": "AX-DEMO-1002"}),  # cannot move
    Page("budget:budget", ANYONE),
    # planner
    Page("repayment:plan", ANYONE),
    Page("repayment:plan", (BORROWER,), "result", query=PLAN_QUERY),
    Page("repayment:compare", ANYONE),
    Page("repayment:compare", (BORROWER,), "three", query=COMPARE_THREE),
    Page("repayment:my_loans", (BORROWER,)),
    Page("repayment:true_rate", ANYONE),  # the lesson's example
    Page("repayment:true_rate", (BORROWER,), "fees", query=TRUE_RATE_FEES),
    Page("repayment:true_rate", (BORROWER,), "never-repays", query="principal=10000&payment=100&months=12"),
    # learn
    Page("education:index", ANYONE),
    Page("education:course", ANYONE, kwargs={"course_key": "everyday-money"}),
    Page(
        "education:lesson", ANYONE, kwargs={"course_key": "loan-basics", "lesson_key": "monthly-rate-vs-apr"}
    ),
    Page("education:certificate", (BORROWER,), kwargs={"course_key": COMPLETED_COURSE}),
    Page("education:review", (BORROWER,)),
    Page("education:preview", (EDITOR,), kwargs=_lesson_id),
    # accounts: signing in and up
    Page("account_login", (VISITOR,)),
    Page("account_signup", (VISITOR,)),
    Page("account_reset_password", (VISITOR,)),
    Page("account_reset_password_done", (VISITOR,)),
    Page("account_reset_password_from_key", (VISITOR,), "expired", {"uidb36": "1", "key": "expired-key"}),
    Page("account_reset_password_from_key_done", (VISITOR,)),
    Page("account_email_verification_sent", (VISITOR,)),
    Page("account_confirm_email", (VISITOR,), "expired", {"key": "expired-key"}),
    Page("account_inactive", (VISITOR,)),
    Page("mfa_authenticate", (VISITOR,), stage="pending_mfa"),
    # accounts: the signed-in borrower's own settings
    Page("account_email", (BORROWER,)),
    Page("account_change_password", (BORROWER,)),
    Page("account_reauthenticate", (BORROWER,)),
    Page("account_logout", (BORROWER,)),
    Page("mfa_index", (BORROWER, EDITOR)),
    Page("mfa_activate_totp", (BORROWER,)),
    Page("mfa_view_recovery_codes", (EDITOR,)),
    Page("usersessions_list", (BORROWER,)),
    # the editor's lesson pages in the admin
    Page("admin:index", (EDITOR,)),
    Page("admin:education_lesson_changelist", (EDITOR,)),
    Page("admin:education_lesson_add", (EDITOR,)),
    Page("admin:education_lesson_change", (EDITOR,), kwargs=_lesson_object_id),
    Page("admin:education_lesson_history", (EDITOR,), kwargs=_lesson_object_id),
    Page("admin:education_lesson_versions", (EDITOR,), kwargs=_lesson_id),
    Page("admin:education_lesson_workflow", (EDITOR,), kwargs=_lesson_id),
    # hardship: demo@'s draft at every step, and an application with an offer
    Page("hardship:start", (BORROWER,)),
    Page("hardship:start", (BORROWER,), "prefilled", query="loan=AX-DEMO-1002"),
    *(
        Page("hardship:step", (BORROWER,), f"step-{n}", lambda n=n: {"reference": _hardship_draft(), "n": n})
        for n in range(1, 7)
    ),
    Page("hardship:detail", (BORROWER,), "draft", lambda: {"reference": _hardship_draft()}),
    Page("hardship:detail", (BORROWER,), "offered", lambda: {"reference": _hardship_offered()}),
    Page("hardship:agreement", (BORROWER,), "offered", lambda: {"reference": _hardship_offered()}),
    # privacy
    Page("privacy:index", (BORROWER,)),
    Page("privacy:correct", (BORROWER,)),
    Page("privacy:delete", (BORROWER,)),
    Page("privacy:request", (BORROWER,), kwargs=_privacy_request),
    # reminders: Support's call list, a call screen, the reminder rules, the calls and flags (admin)
    Page("admin:reminders_calllistentry_changelist", (SUPPORT,)),
    Page("admin:reminders_calllistentry_change", (SUPPORT,), kwargs=_call_entry),
    Page("admin:reminders_reminderrule_changelist", (SUPPORT,)),
    Page("admin:reminders_reminderrule_change", (SUPPORT,), kwargs=_reminder_rule),
    Page("admin:reminders_callattempt_changelist", (SUPPORT,)),
    Page("admin:reminders_contactflag_changelist", (SUPPORT,)),
    # notifications: the centre, the unread count without JavaScript, message settings, unsubscribe
    Page("notifications:centre", (BORROWER,)),
    Page("notifications:unread", (BORROWER,)),
    Page("message_settings", (BORROWER,)),
    Page("notifications:unsubscribe", (VISITOR,), kwargs=_unsubscribe_token),
)

EXCLUDED: dict[str, str] = {
    "portal:healthz": "JSON health check for the load balancer, not a page",
    "favicon.ico": "a redirect to the icon, not a page",
    "set_language": "POST-only: the language switch",
    "education:quiz": "not a page: POST scores the quiz, GET redirects to the lesson page (listed)",
    "account_set_password": "redirects to password change: every demo login has a password",
    "account_request_reauthentication_code": "login by code is off (ACCOUNT_LOGIN_BY_CODE_ENABLED)",
    "account_confirm_reauthentication_code": "login by code is off (ACCOUNT_LOGIN_BY_CODE_ENABLED)",
    "account_confirm_login_code": "login by code is off (ACCOUNT_LOGIN_BY_CODE_ENABLED)",
    "mfa_reauthenticate": "asked only when a staff sign-in is older than the reauthentication timeout",
    "mfa_deactivate_totp": "demo borrowers have no TOTP to remove; staff reach it behind reauthentication",
    "mfa_generate_recovery_codes": "regenerates the codes shown by mfa_view_recovery_codes, which is checked",
    "mfa_download_recovery_codes": "a text file download, not a page",
    "admin:education_lesson_restore": "POST-only: restores a version from the versions page",
    "admin:education_lesson_delete": "content editors lack delete_lesson: the page is a 403 to them",
    "privacy:export": "POST-only: the zip download of the borrower's data",
    "privacy:consent": "POST-only: saves the marketing answer, shown on privacy:index (listed)",
    "hardship:evidence": "a file download (an attachment), not a page",
    "hardship:statement_json": "a JSON download of the statement, not a page",
    "notifications:open": "POST-only: marks a message read and goes to its link (listed: the centre)",
    "notifications:read_all": "POST-only: marks every message read (listed: the centre)",
    "notifications_sms:receipts": "POST-only: the SMS provider's signed delivery-report callback",
}

# The back office beyond the editor's lesson pages (hardship staff, superusers) is Django's own admin,
# not a borrower's, visitor's or editor's page. A new admin page for lessons must still be listed above.
ADMIN_PREFIX = "admin:"
EDITOR_ADMIN_PREFIX = "admin:education_lesson"
EDITOR_ADMIN = {"admin:index"}  # where an editor lands, with the link to the lessons
# Support's pages of the back office that the page checks open (listed in PAGES).
SUPPORT_ADMIN = {
    "admin:reminders_calllistentry_changelist",
    "admin:reminders_calllistentry_change",
    "admin:reminders_reminderrule_changelist",
    "admin:reminders_reminderrule_change",
    "admin:reminders_callattempt_changelist",
    "admin:reminders_contactflag_changelist",
}


@dataclass(frozen=True)
class Pattern:
    key: str  # "namespace:name", or "namespace:route" for an unnamed pattern
    route: str


def url_patterns() -> Iterator[Pattern]:
    """Every URL pattern of the project, walking include()s recursively."""

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> Iterator[Pattern]:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = ":".join(part for part in (namespace, entry.namespace or "") if part)
                yield from walk(entry, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                route = prefix + str(entry.pattern)
                name = entry.name or route
                yield Pattern(key=f"{namespace}:{name}" if namespace else name, route=route)

    yield from walk(get_resolver(), "", "")


def exclusion(key: str) -> str | None:
    """Why this pattern is not page-checked, or None when it must be a page."""
    if key in EXCLUDED:
        return EXCLUDED[key]
    if (
        key.startswith(ADMIN_PREFIX)
        and not key.startswith(EDITOR_ADMIN_PREFIX)
        and key not in EDITOR_ADMIN
        and key not in SUPPORT_ADMIN
    ):
        return "the back office beyond the editor's lesson pages"
    return None


def pages_from_patterns() -> list[Page]:
    """The listed pages, in URL-pattern order: a page is checked only while its pattern exists."""
    by_name: dict[str, list[Page]] = {}
    for page in PAGES:
        by_name.setdefault(page.name, []).append(page)
    found: list[Page] = []
    for pattern in url_patterns():
        found.extend(by_name.pop(pattern.key, []))
    return found
