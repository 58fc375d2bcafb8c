"""The staff backend: money moves only through the services, the ledger is untouchable, and every staff
change leaves an audit row.

The loan in these tests (from factories): ¥1,200.00 at 12 % a year in 12 equal-principal instalments
from 2026-02-15; instalment 1 is ¥100.00 principal + ¥12.00 interest (1,200.00 * 0.12 / 12).
The business date is pinned to 2026-03-31.
"""

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import User
from borrowers import imports, services
from borrowers.models import BorrowerProfile, CloseRun, ImportJob, Instalment, LedgerEntry, Loan, Payment
from borrowers.tasks import import_run
from core.models import AuditEvent
from tests.borrowers.factories import (
    assert_ledger_reconciles,
    make_borrower,
    make_loan,
    make_policy,
    national_id_for,
)
from tests.conftest import PASSWORD, enrol_totp

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _setup(settings: Any, tmp_path: Path) -> None:
    settings.ANXIN_BUSINESS_DATE = "2026-03-31"
    settings.MEDIA_ROOT = tmp_path / "private"
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def admin_user() -> User:
    user = User.objects.create_superuser(email="admin@anxin.example", password=PASSWORD)
    enrol_totp(user)
    return user


@pytest.fixture
def staff(client: Client, admin_user: User) -> Client:
    client.force_login(admin_user)
    return client


@pytest.fixture
def loan() -> Loan:
    return make_loan(
        reference="AX2026000001",
        borrower=make_borrower(customer_number="C0001", full_name="王芳", phone="13912345678"),
        principal=Decimal("1200.00"),
    )


def page_text(response: Any) -> str:
    return response.content.decode()


# --- pages -------------------------------------------------------------------------------------


def every_admin_page(loan: Loan) -> list[str]:
    payment = services.payment_record(
        loan_id=loan.pk, receipt_number="WX-0001", amount=Decimal("112.00"), paid_on=date(2026, 2, 15)
    )
    job = imports.import_job_create(
        kind=ImportJob.Kind.PAYMENTS,
        content=ContentFile(b"receipt_number,loan_reference,amount,paid_on\r\n", name="p.csv"),
        original_name="p.csv",
    )
    entry = LedgerEntry.objects.filter(loan=loan).first()
    assert entry is not None
    services.close_business_through(date(2026, 3, 31))
    run = CloseRun.objects.get()
    pages = []
    for model, pk in [
        ("borrowers_overduepolicy", loan.product.overdue_policy_id),
        ("borrowers_loanproduct", loan.product_id),
        ("borrowers_borrowerprofile", loan.borrower_id),
        ("borrowers_loan", loan.pk),
        ("borrowers_ledgerentry", entry.pk),
        ("borrowers_payment", payment.pk),
        ("borrowers_importjob", job.pk),
        ("core_auditevent", AuditEvent.objects.first().pk),  # type: ignore[union-attr]
        ("borrowers_closerun", run.pk),
    ]:
        pages += [reverse(f"admin:{model}_changelist"), reverse(f"admin:{model}_change", args=[pk])]
    for model in ["overduepolicy", "loanproduct", "borrowerprofile", "loan", "payment", "importjob"]:
        pages.append(reverse(f"admin:borrowers_{model}_add"))
    return pages


def test_every_borrowers_admin_page_opens_for_a_superuser_with_totp(staff: Client, loan: Loan) -> None:
    for url in every_admin_page(loan):
        response = staff.get(url)
        assert response.status_code == 200, url


def test_a_superuser_without_totp_reaches_no_admin_page_and_is_told_to_ask_for_an_enrolment_link(
    client: Client, loan: Loan
) -> None:
    # A password alone must not be enough to enrol a first factor (accounts.enrolment).
    client.force_login(User.objects.create_superuser(email="new@anxin.example", password=PASSWORD))

    response = client.get(reverse("admin:borrowers_loan_changelist"))

    assert response.status_code == 403
    assert loan.reference not in response.content.decode()
    assert client.get(reverse("mfa_activate_totp")).status_code == 403


# --- borrowers ---------------------------------------------------------------------------------


def test_borrowers_are_found_by_the_last_4_digits_of_their_phone_which_the_list_shows_masked(
    staff: Client, loan: Loan
) -> None:
    make_borrower(customer_number="C0002", full_name="李雷", phone="13800005678")
    make_borrower(customer_number="C0003", full_name="韩梅梅", phone="13956781111")  # 5678 in the middle

    response = staff.get(reverse("admin:borrowers_borrowerprofile_changelist"), {"q": "5678"})

    text = page_text(response)
    assert "李雷" in text
    assert "138****5678" in text
    assert "13800005678" not in text
    assert "韩梅梅" not in text


def test_loans_are_found_by_reference_or_by_the_last_digits_of_the_borrowers_phone(
    staff: Client, loan: Loan
) -> None:
    other = make_loan(reference="AX2026000002", borrower=make_borrower(phone="13800000000"))
    changelist = reverse("admin:borrowers_loan_changelist")

    by_phone = page_text(staff.get(changelist, {"q": "5678"}))
    by_reference = page_text(staff.get(changelist, {"q": "AX2026000002"}))

    assert loan.reference in by_phone
    assert other.reference not in by_phone
    assert other.reference in by_reference
    assert "¥1,200.00" in by_phone  # the total owed: principal only, nothing has fallen due yet


def test_adding_a_borrower_keeps_only_the_keyed_hash_and_last_4_of_the_national_id(
    staff: Client, admin_user: User
) -> None:
    national_id = national_id_for(date(2000, 1, 2), serial=35)

    response = staff.post(
        reverse("admin:borrowers_borrowerprofile_add"),
        {
            "customer_number": "C0100",
            "full_name": "张伟",
            "phone": "13700001234",
            "national_id": national_id,
            "date_of_birth": "2000-01-02",
            "preferred_language": "zh-hans",
            "time_zone": "Asia/Shanghai",
        },
    )

    assert response.status_code == 302, page_text(response)
    profile = BorrowerProfile.objects.get(customer_number="C0100")
    assert profile.national_id_hash == services.national_id_hash(national_id)
    assert profile.national_id_last4 == national_id[-4:]
    event = AuditEvent.objects.get(action="admin.borrowerprofile.added")
    assert event.actor == admin_user
    assert national_id not in str(event.data)
    assert "13700001234" not in str(event.data)  # personal data: field names only
    change_page = page_text(staff.get(reverse("admin:borrowers_borrowerprofile_change", args=[profile.pk])))
    assert national_id not in change_page
    assert profile.national_id_hash not in change_page


def test_a_mistyped_national_id_is_refused_and_not_written_back_into_the_page(staff: Client) -> None:
    national_id = national_id_for(date(2000, 1, 2), serial=35)
    mistyped = national_id[:10] + ("1" if national_id[10] != "1" else "2") + national_id[11:]

    response = staff.post(
        reverse("admin:borrowers_borrowerprofile_add"),
        {
            "customer_number": "C0100",
            "full_name": "张伟",
            "phone": "13700001234",
            "national_id": mistyped,
            "date_of_birth": "2000-01-02",
            "preferred_language": "zh-hans",
            "time_zone": "Asia/Shanghai",
        },
    )

    assert response.status_code == 200
    assert not BorrowerProfile.objects.exists()
    assert mistyped not in page_text(response)


def test_changing_a_borrowers_phone_keeps_the_national_id_on_file(staff: Client, loan: Loan) -> None:
    profile = loan.borrower
    before = profile.national_id_hash

    response = staff.post(
        reverse("admin:borrowers_borrowerprofile_change", args=[profile.pk]),
        {
            "customer_number": profile.customer_number,
            "full_name": profile.full_name,
            "phone": "13700009999",
            "national_id": "",
            "date_of_birth": profile.date_of_birth.isoformat(),
            "preferred_language": profile.preferred_language,
            "time_zone": profile.time_zone,
        },
    )

    assert response.status_code == 302, page_text(response)
    profile.refresh_from_db()
    assert (profile.phone, profile.national_id_hash) == ("13700009999", before)
    assert AuditEvent.objects.get(action="admin.borrowerprofile.changed").data == {"fields": ["phone"]}


# --- policies ------------------------------------------------------------------------------------


def test_changing_a_policy_and_adding_a_milestone_are_audited_with_old_and_new_values(
    staff: Client, admin_user: User
) -> None:
    policy = make_policy(name="Standard", late_fee_flat=Decimal("20.00"), milestones=())

    response = staff.post(
        reverse("admin:borrowers_overduepolicy_change", args=[policy.pk]),
        {
            "name": "Standard",
            "grace_days": "3",
            "late_fee_flat": "30.00",
            "late_fee_rate": "0.000000",
            "penalty_rate": "0.180000",
            "penalty_basis": "rate",
            "penalty_markup": "0.500000",
            "day_count": "365",
            "annual_cost_cap": "0.240000",
            "milestones-TOTAL_FORMS": "1",
            "milestones-INITIAL_FORMS": "0",
            "milestones-MIN_NUM_FORMS": "0",
            "milestones-MAX_NUM_FORMS": "1000",
            "milestones-0-day": "31",
            "milestones-0-kind": "credit_bureau",
            "milestones-0-text_zh_hans": "逾期信息报送征信系统。",
            "milestones-0-text_en": "Reported to the credit bureau.",
        },
    )

    assert response.status_code == 302, page_text(response)
    changed = AuditEvent.objects.get(action="admin.overduepolicy.changed")
    assert changed.actor == admin_user
    assert changed.data == {"fields": {"late_fee_flat": {"from": "20.00", "to": "30.00"}}}
    assert AuditEvent.objects.filter(action="admin.milestone.added", actor=admin_user).count() == 1


# --- loans -------------------------------------------------------------------------------------


def test_a_loans_page_shows_its_schedule_and_links_its_ledger_but_cannot_be_edited(
    staff: Client, loan: Loan
) -> None:
    text = page_text(staff.get(reverse("admin:borrowers_loan_change", args=[loan.pk])))

    assert text.count('<td class="field-due_date">') == 12
    assert f"?loan__id__exact={loan.pk}" in text
    assert f"?loan={loan.reference}" in text  # "Record a payment"
    assert 'name="_save"' not in text
    other = make_loan(reference="AX2026000002")
    ledger = page_text(
        staff.get(reverse("admin:borrowers_ledgerentry_changelist"), {"loan__id__exact": loan.pk})
    )
    assert "Loan paid out" in ledger
    assert loan.reference in ledger
    assert other.reference not in ledger


def test_booking_a_loan_in_the_admin_goes_through_loan_create_and_is_audited(
    staff: Client, admin_user: User, loan: Loan
) -> None:
    url = reverse("admin:borrowers_loan_add")
    data = {
        "reference": "ax2026000777",
        "customer_number": "C0001",
        "product": loan.product_id,
        "principal": "600.00",
        "disbursed_on": "2026-03-01",
        "first_due_date": "",
    }

    response = staff.post(url, data)

    booked = Loan.objects.get(reference="AX2026000777")
    assert response.status_code == 302
    assert Instalment.objects.filter(loan=booked).count() == 12
    assert booked.first_due_date == date(2026, 4, 1)
    assert LedgerEntry.objects.get(loan=booked).principal == Decimal("600.00")
    assert AuditEvent.objects.get(action="loan.booked").actor == admin_user
    again = staff.post(url, data)
    assert again.status_code == 200
    assert "already exists" in page_text(again)
    assert Loan.objects.count() == 2
    assert_ledger_reconciles()


# --- payments ----------------------------------------------------------------------------------


def record_payment(staff: Client, loan: Loan, receipt: str, amount: str, paid_on: str) -> Any:
    return staff.post(
        reverse("admin:borrowers_payment_add"),
        {"loan": loan.reference, "receipt_number": receipt, "amount": amount, "paid_on": paid_on},
    )


def test_recording_a_payment_in_the_admin_allocates_it_by_the_waterfall(
    staff: Client, admin_user: User, loan: Loan
) -> None:
    response = record_payment(staff, loan, "WX-0001", "112.00", "2026-02-15")

    payment = Payment.objects.get(receipt_number="WX-0001")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:borrowers_payment_change", args=[payment.pk])
    assert (payment.recorded_by, payment.source) == (admin_user, "admin")
    instalment_1 = Instalment.objects.get(loan=loan, number=1)
    assert (instalment_1.interest_paid, instalment_1.principal_paid) == (Decimal("12.00"), Decimal("100.00"))
    loan.refresh_from_db()
    assert loan.principal_balance == Decimal("1100.00")  # 1,200.00 - 100.00
    assert AuditEvent.objects.get(action="payment.recorded").actor == admin_user
    page = page_text(staff.get(response["Location"]))
    assert "-100.00" in page  # the allocation inline: the principal line of instalment 1
    assert_ledger_reconciles()


def test_a_duplicate_receipt_shows_the_error_and_changes_nothing(staff: Client, loan: Loan) -> None:
    record_payment(staff, loan, "WX-0001", "112.00", "2026-02-15")
    loan.refresh_from_db()
    before = (
        Payment.objects.count(),
        LedgerEntry.objects.count(),
        AuditEvent.objects.count(),
        loan.principal_balance,
    )

    response = record_payment(staff, loan, "WX-0001", "50.00", "2026-03-01")

    assert response.status_code == 200
    assert "Receipt WX-0001 has already been recorded; nothing was changed." in page_text(response)
    loan.refresh_from_db()
    after = (
        Payment.objects.count(),
        LedgerEntry.objects.count(),
        AuditEvent.objects.count(),
        loan.principal_balance,
    )
    assert after == before
    assert_ledger_reconciles()


def test_a_payment_the_service_refuses_is_shown_as_a_form_error(staff: Client, loan: Loan) -> None:
    response = record_payment(staff, loan, "WX-0001", "112.00", "2026-04-01")

    assert response.status_code == 200
    assert "A payment cannot be dated in the future." in page_text(response)
    assert not Payment.objects.exists()


def test_an_unknown_loan_reference_is_a_form_error(staff: Client, loan: Loan) -> None:
    response = staff.post(
        reverse("admin:borrowers_payment_add"),
        {"loan": "AX-NOPE", "receipt_number": "WX-1", "amount": "1.00", "paid_on": "2026-02-15"},
    )

    assert response.status_code == 200
    assert "No loan has this reference." in page_text(response)


def test_a_recorded_payment_cannot_be_changed_or_deleted(staff: Client, loan: Loan) -> None:
    record_payment(staff, loan, "WX-0001", "112.00", "2026-02-15")
    payment = Payment.objects.get()

    change = staff.post(reverse("admin:borrowers_payment_change", args=[payment.pk]), {"amount": "1.00"})
    delete = staff.post(reverse("admin:borrowers_payment_delete", args=[payment.pk]), {"post": "yes"})

    assert change.status_code == 403
    assert delete.status_code == 403
    payment.refresh_from_db()
    assert payment.amount == Decimal("112.00")
    assert_ledger_reconciles()


# --- the ledger ----------------------------------------------------------------------------------


def test_ledger_entries_cannot_be_added_changed_or_deleted_even_by_a_superuser(
    staff: Client, loan: Loan
) -> None:
    entry = LedgerEntry.objects.get(loan=loan)

    add = staff.get(reverse("admin:borrowers_ledgerentry_add"))
    change = staff.post(reverse("admin:borrowers_ledgerentry_change", args=[entry.pk]), {"principal": "1.00"})
    delete = staff.post(reverse("admin:borrowers_ledgerentry_delete", args=[entry.pk]), {"post": "yes"})
    bulk_delete = staff.post(
        reverse("admin:borrowers_ledgerentry_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    view = page_text(staff.get(reverse("admin:borrowers_ledgerentry_change", args=[entry.pk])))

    assert (add.status_code, change.status_code, delete.status_code) == (403, 403, 403)
    assert bulk_delete.status_code in (200, 302)
    assert LedgerEntry.objects.get(pk=entry.pk).principal == Decimal("1200.00")
    assert 'name="_save"' not in view
    assert reverse("admin:borrowers_ledgerentry_add") not in page_text(
        staff.get(reverse("admin:borrowers_ledgerentry_changelist"))
    )


# --- imports -----------------------------------------------------------------------------------


def payments_upload(loan: Loan, *rows: str) -> SimpleUploadedFile:
    content = "receipt_number,loan_reference,amount,paid_on\r\n" + "".join(f"{row}\r\n" for row in rows)
    return SimpleUploadedFile("payments 2026-02-15.csv", content.encode(), content_type="text/csv")


def test_an_uploaded_file_is_imported_by_the_celery_task_and_its_page_shows_the_result(
    staff: Client, admin_user: User, loan: Loan, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    upload = payments_upload(loan, f"WX-0001,{loan.reference},112.00,2026-02-15")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = staff.post(reverse("admin:borrowers_importjob_add"), {"kind": "payments", "file": upload})

    assert len(callbacks) == 1  # the task is queued only once the upload is committed
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert (job.status, job.rows_total, job.rows_imported, job.uploaded_by) == (
        ImportJob.Status.SUCCEEDED,
        1,
        1,
        admin_user,
    )
    assert Payment.objects.get().recorded_by == admin_user
    # Imported: the file (full ID numbers, for a loans file) is deleted; its sha256 stays for re-deliveries.
    assert not job.file
    assert job.sha256
    assert not any(Path(settings.MEDIA_ROOT).rglob("*.csv"))
    page = page_text(staff.get(response["Location"]))
    assert "vendor/htmx-2.0.11.min.js" in page
    assert '<progress max="1" value="1"' in page
    assert "Imported 1 of 1 rows; 0 already on file (skipped)." in page
    assert "hx-trigger" not in page  # finished: nothing to poll
    assert_ledger_reconciles()


def test_while_an_import_waits_its_page_polls_every_second_and_offers_a_refresh_link(
    staff: Client, loan: Loan
) -> None:
    job = imports.import_job_create(
        kind=ImportJob.Kind.PAYMENTS,
        content=payments_upload(loan, f"WX-0001,{loan.reference},112.00,2026-02-15"),
        original_name="p.csv",
    )
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING, rows_total=2000, rows_done=500
    )
    progress_url = reverse("admin:borrowers_importjob_progress", args=[job.pk])

    page = page_text(staff.get(reverse("admin:borrowers_importjob_change", args=[job.pk])))
    partial = page_text(staff.get(progress_url))

    for html in (page, partial):
        assert f'hx-get="{progress_url}"' in html
        assert 'hx-trigger="every 1s"' in html
        assert '<progress max="2000" value="500"' in html
        assert "Checking the rows: 500 of 2000 checked." in html
        assert f'href="{reverse("admin:borrowers_importjob_change", args=[job.pk])}"' in html
    assert "<html" not in partial


def test_a_refused_upload_lists_every_failing_line_on_its_page(
    staff: Client, loan: Loan, django_capture_on_commit_callbacks: Any
) -> None:
    upload = payments_upload(
        loan,
        f"WX-0001,{loan.reference},112.00,2026-02-30",
        f"WX-0002,{loan.reference},-5,2026-02-15",
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("admin:borrowers_importjob_add"), {"kind": "payments", "file": upload})

    page = page_text(staff.get(response["Location"]))
    assert "Refused because of 2 problems; nothing was imported." in page
    assert re.search(r"<td>2</td>\s*<td>paid_on: 2026-02-30 is not a real date.</td>", page)
    assert re.search(r"<td>3</td>\s*<td>amount must be more than zero \(it is -5\).</td>", page)
    assert not Payment.objects.exists()


def test_the_import_task_is_safe_to_redeliver() -> None:
    assert import_run.acks_late is True


def test_running_a_finished_import_again_does_nothing(loan: Loan) -> None:
    job = imports.import_job_create(
        kind=ImportJob.Kind.PAYMENTS,
        content=payments_upload(loan, f"WX-0001,{loan.reference},112.00,2026-02-15"),
        original_name="p.csv",
    )
    assert import_run.delay(job.pk).get() == ImportJob.Status.SUCCEEDED

    assert import_run.delay(job.pk).get() == ImportJob.Status.SUCCEEDED
    assert Payment.objects.count() == 1
    assert_ledger_reconciles()


# --- the audit trail ---------------------------------------------------------------------------


def test_the_audit_trail_is_read_only_and_filters_by_action(staff: Client, loan: Loan) -> None:
    services.payment_record(
        loan_id=loan.pk, receipt_number="WX-0001", amount=Decimal("112.00"), paid_on=date(2026, 2, 15)
    )
    event = AuditEvent.objects.get(action="payment.recorded")
    changelist = reverse("admin:core_auditevent_changelist")

    filtered = page_text(staff.get(changelist, {"action": "payment.recorded"}))
    add = staff.get(reverse("admin:core_auditevent_add"))
    delete = staff.post(reverse("admin:core_auditevent_delete", args=[event.pk]), {"post": "yes"})

    assert "payment.recorded" in filtered
    assert (add.status_code, delete.status_code) == (403, 403)
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    by_year = page_text(staff.get(changelist, {"occurred_at__year": event.occurred_at.year}))
    assert "payment.recorded" in by_year


# --- staff roles ---------------------------------------------------------------------------------

READ_MONEY = {"view_borrowerprofile", "view_loan", "view_instalment", "view_payment", "view_ledgerentry"}


@pytest.mark.parametrize("group", ["Support", "Hardship reviewers", "Hardship approvers"])
def test_support_and_hardship_staff_may_read_borrowers_money_and_never_change_the_ledger(group: str) -> None:
    granted = set(
        Group.objects.get(name=group)
        .permissions.filter(content_type__app_label="borrowers")
        .values_list("codename", flat=True)
    )

    assert granted >= READ_MONEY
    assert not granted & {"change_ledgerentry", "delete_ledgerentry", "add_ledgerentry"}
    assert not any(codename.startswith(("change_", "delete_")) for codename in granted)


def test_a_support_agent_sees_a_loan_and_its_ledger_but_cannot_record_a_payment(
    client: Client, loan: Loan
) -> None:
    agent = User.objects.create_user(email="support@anxin.example", password=PASSWORD, is_staff=True)
    agent.groups.add(Group.objects.get(name="Support"))
    enrol_totp(agent)
    client.force_login(agent)

    loan_page = client.get(reverse("admin:borrowers_loan_change", args=[loan.pk]))
    ledger = client.get(reverse("admin:borrowers_ledgerentry_changelist"))
    record = client.get(reverse("admin:borrowers_payment_add"))

    assert (loan_page.status_code, ledger.status_code, record.status_code) == (200, 200, 403)
    assert "Record a payment" not in page_text(loan_page)


def test_a_borrowers_date_of_birth_changes_only_with_the_national_id_typed_again(
    staff: Client, loan: Loan
) -> None:
    profile = loan.borrower
    data = {
        "customer_number": profile.customer_number,
        "full_name": profile.full_name,
        "phone": profile.phone,
        "national_id": "",
        "date_of_birth": "1998-05-21",
        "preferred_language": profile.preferred_language,
        "time_zone": profile.time_zone,
    }
    url = reverse("admin:borrowers_borrowerprofile_change", args=[profile.pk])

    refused = staff.post(url, data)
    accepted = staff.post(url, data | {"national_id": national_id_for(date(1998, 5, 21), serial=9)})

    assert "Enter the national ID number again to change the date of birth." in page_text(refused)
    assert accepted.status_code == 302
    profile.refresh_from_db()
    assert profile.date_of_birth == date(1998, 5, 21)


def test_a_close_of_business_run_is_shown_with_its_chunks_and_cannot_be_edited(
    staff: Client, loan: Loan
) -> None:
    services.close_business_through(date(2026, 3, 31))
    run = CloseRun.objects.get()

    listing = page_text(staff.get(reverse("admin:borrowers_closerun_changelist")))
    page = page_text(staff.get(reverse("admin:borrowers_closerun_change", args=[run.pk])))

    assert reverse("admin:borrowers_closerun_change", args=[run.pk]) in listing
    assert "1 / 1" in listing  # chunks done of the run's chunks
    assert 'name="_save"' not in page
    assert str(loan.pk) in page  # the chunk's first loan id
    assert staff.get(reverse("admin:borrowers_closerun_add")).status_code == 403
