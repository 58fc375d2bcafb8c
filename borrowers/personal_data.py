"""What borrowers holds about a person, for their data rights (privacy puts the apps together).

Export: their borrower profile (never the keyed hash of the ID number, only its last 4), loans,
instalments, payments, ledger entries and loan-link attempts. Erase: only the link attempts; the profile,
loans and ledger are kept under privacy's retention hold, and the profile is anonymised when it ends.
Ledger rows are never touched: their amounts carry no personal data, and `manage.py reconcile` must stay
green.
"""

from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Max, Q
from django.http import HttpRequest

from borrowers.models import (
    BorrowerProfile,
    Instalment,
    LedgerEntry,
    LinkAttempt,
    Loan,
    Payment,
    PromiseToPay,
)
from core.personal_data import Table, values_table
from core.services import audit_record

if TYPE_CHECKING:
    from accounts.models import User

PROFILE_TYPE = "borrowers.borrowerprofile"  # as the audit trail names a profile (object_type)
PROFILE_COLUMNS = (
    "id",
    "customer_number",
    "full_name",
    "phone",
    "national_id_last4",
    "date_of_birth",
    "preferred_language",
    "time_zone",
    "created_at",
)
LOAN_COLUMNS = (
    "reference",
    "product__code",
    "product__name_zh_hans",
    "product__name_en",
    *Loan.TERMS,
    "status",
    *Loan.LEDGER_CACHE,
    "created_at",
)
INSTALMENT_COLUMNS = (
    "loan__reference",
    "number",
    "due_date",
    "principal",
    "interest",
    *Instalment.LEDGER_TOTALS,
)
PAYMENT_COLUMNS = (
    "loan__reference",
    "receipt_number",
    "amount",
    "paid_on",
    "unapplied",
    "source",
    "created_at",
)
LEDGER_COLUMNS = (
    "id",
    "loan__reference",
    "instalment__number",
    "kind",
    "business_date",
    "principal",
    "interest",
    "fees",
    "penalty",
    "payment__receipt_number",
    "reverses_id",
    "note",
    "basis",
    "created_at",
)


def export_tables(*, user: "User") -> tuple[Table, ...]:
    """One query per table, however many loans. The profile table's `id`s are what the audit trail names
    as PROFILE_TYPE."""
    theirs = Q(loan__borrower__user=user)
    return (
        values_table("borrower_profile", BorrowerProfile.objects.filter(user=user), PROFILE_COLUMNS),
        values_table(
            "loans",
            Loan.objects.filter(borrower__user=user).order_by("disbursed_on", "reference"),
            LOAN_COLUMNS,
        ),
        values_table(
            "instalments",
            Instalment.objects.filter(theirs).order_by("loan__reference", "number"),
            INSTALMENT_COLUMNS,
        ),
        values_table("payments", Payment.objects.filter(theirs).order_by("paid_on", "id"), PAYMENT_COLUMNS),
        values_table(
            "ledger_entries",
            LedgerEntry.objects.filter(theirs).order_by("loan__reference", "business_date", "id"),
            LEDGER_COLUMNS,
        ),
        values_table(
            "promises_to_pay",
            PromiseToPay.objects.filter(theirs).order_by("made_at", "id"),
            (
                "loan__reference",
                "amount",
                "pay_by",
                "made_on",
                "made_at",
                "source",
                "status",
                "closed_on",
                "paid_towards",
            ),
        ),
        values_table(
            "loan_link_attempts",
            LinkAttempt.objects.filter(user=user).order_by("attempted_at", "id"),
            ("reference_tried", "succeeded", "attempted_at"),
        ),
    )


def erase(*, user: "User") -> dict[str, int]:
    """What has no duty to be kept: the loan-link attempts."""
    return {"link_attempts": LinkAttempt.objects.filter(user=user).delete()[0]}


def profile_to_hold(*, user: "User") -> BorrowerProfile | None:
    """The account's borrower profile, locked for the rest of the transaction; None without one."""
    return BorrowerProfile.objects.select_for_update().filter(user=user).first()


def profile_has_open_loan(*, profile: BorrowerProfile) -> bool:
    return Loan.objects.filter(borrower=profile, status=Loan.Status.ACTIVE).exists()


def profile_last_ledger_date(*, profile: BorrowerProfile) -> date | None:
    """The business date of the last ledger entry on any of the profile's loans (when the last was
    settled, once none is open); None when there is none."""
    last: date | None = LedgerEntry.objects.filter(loan__borrower=profile).aggregate(
        last=Max("business_date")
    )["last"]
    return last


def profile_anonymise(*, profile: BorrowerProfile, name: str) -> None:
    """Remove what identifies the person from the profile: `name` instead of theirs, no phone, no ID
    number, no date of birth, a customer number of its own. Loans, instalments, payments and ledger
    entries stay as they are: they carry amounts and dates, not the person."""
    profile.full_name = name
    profile.phone = ""
    profile.national_id_hash = ""
    profile.national_id_last4 = ""
    profile.date_of_birth = None
    profile.customer_number = f"ANON-{profile.pk}"
    profile.save(
        update_fields=[
            "full_name",
            "phone",
            "national_id_hash",
            "national_id_last4",
            "date_of_birth",
            "customer_number",
        ]
    )


def profile_phone_correct(
    *, user: "User", phone: str, staff: "User", privacy_request_id: int, request: HttpRequest | None
) -> tuple[str, str] | None:
    """Write a corrected mobile number to the account's profile (a privacy correction request carried
    out by `staff`), with the masked before and after in the audit trail. Returns them (masked), or None
    when the account has no profile. Runs inside the caller's transaction (the profile row is locked)."""
    profile = BorrowerProfile.objects.select_for_update().filter(user=user).first()
    if profile is None:
        return None
    before_masked = profile.phone_masked
    profile.phone = phone
    profile.save(update_fields=["phone"])
    audit_record(
        action="borrower.phone_corrected",
        actor=staff,
        target=profile,
        data={"before": before_masked, "after": profile.phone_masked, "privacy_request": privacy_request_id},
        request=request,
    )
    return before_masked, profile.phone_masked
