"""A hardship application from start to new schedule, in a real browser on a 360-px phone.

demo@ applies for the 45-days-overdue loan from its loan page; a reviewer asks for information in the
admin; the borrower answers on the site; an approver offers a 24-month extension; the borrower accepts;
the loan page shows the new schedule and `reconcile` is green. Each screen is saved to test-artifacts/
(to look at) and checked for horizontal overflow.

The selectors avoid the app's own wording where they can (ids, names, values and addresses), so the test
does not break on a better translation.
"""

import re
from pathlib import Path

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
from django.core.management import call_command
from django.test import override_settings

from accounts.models import User
from borrowers.models import Instalment, Loan, Restructure
from borrowers.reconciliation import reconcile
from hardship.models import Application
from tests.e2e.conftest import ARTIFACTS, PHONE

pytestmark = pytest.mark.browser
DEMO_PASSWORD = "anxin-demo-2026"
LOAN = "AX-DEMO-1002"
SHOTS = ARTIFACTS / "hardship"
NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)
    assert page.evaluate(NO_OVERFLOW), f"{name}: the page scrolls sideways at {PHONE['width']} px"


def log_in(page, email: str, *, staff: bool = False) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/login/")
    page.get_by_label("邮箱").fill(email)
    page.get_by_label(re.compile(r"^密码[:：]?$")).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    if staff:
        page.wait_for_url("**/accounts/2fa/authenticate/**")
        user = User.objects.get(email=email)
        secret = decrypt(Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"])
        page.get_by_label("代码").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def new_page(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server.url)
    context.set_default_timeout(15_000)
    return context.new_page()


def submit(page, selector: str = "main form button[type=submit]") -> None:  # type: ignore[no-untyped-def]
    with page.expect_navigation():
        page.locator(selector).last.click()


@override_settings(ANXIN_BUSINESS_DATE="2026-11-29")
def test_demo_applies_is_asked_for_information_and_accepts_a_24_month_extension(
    page, browser, live_server
) -> None:  # type: ignore[no-untyped-def]
    call_command("seed_demo", verbosity=0)
    loan = Loan.objects.get(reference=LOAN)
    assert loan.days_past_due == 45

    # The borrower: from the overdue loan's page to the application.
    log_in(page, "demo@anxin.example")
    page.goto(f"/loans/{LOAN}/")
    page.locator(f"a[href*='/help/apply/?loan={LOAN}']").click()
    page.wait_for_url("**/help/apply/**")
    shot(page, "01-start")
    assert page.locator(f"input[name=loans][value='{loan.pk}']").is_checked()
    submit(page)

    # 1 the loans; 2 what happened; 3 income and spending; 4 the options; 5 documents; 6 declaration.
    page.wait_for_url("**/step/2/")
    page.locator("input[name=reason][value=job_loss]").check()
    page.locator("input[name=duration][value=short]").check()
    shot(page, "02-situation")
    submit(page)
    page.wait_for_url("**/step/3/")
    page.locator("input[name=salary]").fill("3200")
    page.locator("input[name=housing]").fill("1300")
    page.locator("input[name=food]").fill("900")
    shot(page, "03-statement")
    submit(page, "main form button[name=action][value=save]")
    page.wait_for_url("**/step/4/")
    shot(page, "04-options")
    assert page.locator("input[name=option]").count() >= 3
    page.locator("#id_option_staff").check()
    submit(page)
    page.wait_for_url("**/step/5/")
    shot(page, "05-evidence")
    page.goto(page.url.replace("/step/5/", "/step/6/"))
    page.locator("input[name=declared]").check()
    shot(page, "06-declaration")
    submit(page)
    application = Application.objects.get(loans__loan=loan)
    page.wait_for_url(f"**/help/apply/{application.reference}/")
    assert application.status == Application.Status.SUBMITTED
    loan.refresh_from_db()
    assert loan.charges_paused_through is not None  # the breathing space
    shot(page, "07-submitted")

    # A reviewer asks for information in the admin.
    reviewer = new_page(browser, live_server)
    log_in(reviewer, "reviewer@anxin.example", staff=True)
    reviewer.set_viewport_size({"width": 1280, "height": 900})
    reviewer.goto(f"/admin/hardship/application/{application.pk}/review/")
    SHOTS.mkdir(parents=True, exist_ok=True)
    reviewer.screenshot(path=str(Path(SHOTS) / "staff-review-1280.png"), full_page=True)
    reviewer.locator("textarea[name='request_information-message']").fill("请上传离职证明或最近的工资流水。")
    with reviewer.expect_navigation():
        reviewer.locator("button[name=action][value=request_information]").click()
    application.refresh_from_db()
    assert application.status == Application.Status.INFORMATION_REQUESTED

    # The borrower reads it and answers on the site.
    page.reload()
    assert "离职证明" in page.locator("main").inner_text()
    shot(page, "08-information-requested")
    page.locator("textarea[name=message]").fill("公司十月裁员，离职证明明天上传。")
    submit(page, "form:has(input[name=action][value=answer]) button[type=submit]")
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED

    # An approver offers a 24-month extension.
    approver = new_page(browser, live_server)
    log_in(approver, "approver@anxin.example", staff=True)
    approver.goto(f"/admin/hardship/application/{application.pk}/review/")
    approver.locator("select[name='offer_make-kind']").select_option("extension")
    approver.locator("input[name='offer_make-months']").fill("24")
    with approver.expect_navigation():
        approver.locator("button[name=action][value=offer_make]").click()
    application.refresh_from_db()
    assert application.status == Application.Status.OFFERED, approver.locator("#content").inner_text()[:500]

    # The borrower accepts; a second click changes nothing.
    page.reload()
    shot(page, "09-offered")
    accept = "form:has(input[name=action][value=accept]) button[type=submit]"
    submit(page, accept)
    application.refresh_from_db()
    assert application.status == Application.Status.APPLIED
    assert Restructure.objects.filter(loan=loan).count() == 1
    shot(page, "10-applied")

    # The loan page shows the new schedule: 24 new instalments, nothing overdue, what is owed unchanged.
    page.goto(f"/loans/{LOAN}/")
    shot(page, "11-loan-after")
    new = Instalment.objects.filter(loan=loan, superseded_by__isnull=True, restructure__isnull=False)
    assert new.count() == 24
    first = new.order_by("number").first()
    assert first is not None
    assert first.due_date.strftime("%Y") in page.locator("main").inner_text()
    loan.refresh_from_db()
    assert loan.days_past_due == 0
    assert loan.term_months >= 24
    report = reconcile()
    assert report.agrees, report.mismatches
