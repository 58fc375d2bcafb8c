"""Carrying out a deletion request, and anonymising what the law made us keep once its time is up.

What happens to each piece of a deleted account's data, and why:

* the account: closed, never deleted (the audit trail and the ledger's payments point at it): inactive,
  no usable password, its email replaced by a placeholder, first and last name cleared, every session
  ended, every sign-in factor and email address removed;
* no duty to keep, so deleted: the budget, lesson progress, quiz answers and spaced review (learning
  records are worth nothing without the person), loan-link attempts;
* support messages: the rows stay (a record that something was said, and when), their texts are erased;
* the mail log: recipients and contents of mails to the account are erased;
* marketing consent: withdrawn by a new record; the history stays as proof of what was agreed;
* the borrower profile, loans, instalments, payments and ledger: kept under a RetentionHold for
  PRIVACY_RETENTION_YEARS after the last loan is settled (settings.PRIVACY_RETENTION_BASIS), then the
  profile is anonymised by `retention_holds_release` (beat runs it nightly). Ledger rows are never
  touched: their amounts carry no personal data, and `manage.py reconcile` must stay green.
"""

from datetime import date, datetime, time
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.db import transaction
from django.db.models import Case, Max, Value, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import SignInDevice
from borrowers.models import BorrowerProfile, Budget, LedgerEntry, LinkAttempt, Loan
from core.services import audit_record
from education.models import LessonProgress, QuizAttempt, ReviewItem
from notifications.models import OutboundEmail
from portal.models import SupportMessage
from privacy.models import ConsentRecord, PrivacyRequest, RetentionHold

ERASED_TEXT = "—"  # what an erased message text reads (the column may not be empty once answered)
ANONYMISED_NAME = "已匿名"


def deleted_email(user_id: int) -> str:
    """The placeholder login of a closed account: unique, and undeliverable (.invalid, RFC 2606)."""
    return f"deleted-{user_id}@deleted.invalid"


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a year that has none
        return day.replace(year=day.year + years, day=28)


def retention_until_for(*, profile: BorrowerProfile, floor: datetime) -> datetime | None:
    """The end of the legal hold: PRIVACY_RETENTION_YEARS after the last loan was settled (its last
    ledger entry), but never before `floor`; None while a loan is still open."""
    if Loan.objects.filter(borrower=profile, status=Loan.Status.ACTIVE).exists():
        return None
    last = LedgerEntry.objects.filter(loan__borrower=profile).aggregate(last=Max("business_date"))["last"]
    if last is None:
        return floor
    end = timezone.make_aware(datetime.combine(_add_years(last, settings.PRIVACY_RETENTION_YEARS), time.min))
    return max(floor, end)


def _sessions_end(user: Any) -> int:
    sessions = list(UserSession.objects.filter(user=user))
    for session in sessions:
        session.end()
    return len(sessions)


def _mail_log_erase(email: str) -> int:
    """The mails to this address: recipients and contents erased; a queued one is never sent."""
    mails = OutboundEmail.objects.filter(to__icontains=email)
    erased = {"to": [], "subject": "", "body_text": "", "body_html": ""}
    queued = mails.filter(status=OutboundEmail.Status.QUEUED).update(
        **erased, status=OutboundEmail.Status.FAILED, last_error="erased: account deleted"
    )
    return queued + mails.exclude(status=OutboundEmail.Status.QUEUED).update(**erased)


def account_delete(*, user: Any, privacy_request: PrivacyRequest, staff: Any = None) -> str:
    """Close the account and delete or anonymise its personal data (see the module docstring). Runs
    inside request_carry_out's transaction; returns the outcome staff and the record read."""
    now = timezone.now()
    email = user.email
    counts = {
        "sessions": _sessions_end(user),
        "factors": Authenticator.objects.filter(user=user).delete()[0],
        "sign_in_devices": SignInDevice.objects.filter(user=user).delete()[0],
        "email_addresses": EmailAddress.objects.filter(user=user).delete()[0],
        "budget": Budget.objects.filter(user=user).delete()[0],
        "lesson_progress": LessonProgress.objects.filter(user=user).delete()[0],
        "quiz_attempts": QuizAttempt.objects.filter(user=user).delete()[0],
        "review_items": ReviewItem.objects.filter(user=user).delete()[0],
        "link_attempts": LinkAttempt.objects.filter(user=user).delete()[0],
        "support_messages": SupportMessage.objects.filter(user=user).update(
            body=ERASED_TEXT, reply=Case(When(reply="", then=Value("")), default=Value(ERASED_TEXT))
        ),
        "mails": _mail_log_erase(email),
        # Other requests still open die with the account, and what they held with them (a correction
        # would otherwise still offer to write its phone number onto the retained profile).
        "other_requests_closed": PrivacyRequest.objects.filter(
            user=user, status=PrivacyRequest.Status.RECEIVED
        )
        .exclude(pk=privacy_request.pk)
        .update(
            status=PrivacyRequest.Status.REFUSED,
            details={},
            handled_by=staff,
            handled_at=now,
            outcome=str(_("Closed with the account.")),
        ),
    }
    user.email = deleted_email(user.pk)
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["email", "first_name", "last_name", "is_active", "password"])

    latest = ConsentRecord.objects.filter(user=user).order_by("-recorded_at", "-id").first()
    if latest is not None and latest.granted:
        ConsentRecord.objects.create(
            user=user,
            purpose=latest.purpose,
            granted=False,
            recorded_at=now,
            source=ConsentRecord.Source.ACCOUNT_DELETION,
        )

    profile = BorrowerProfile.objects.select_for_update().filter(user=user).first()
    until = None
    if profile is not None:
        until = retention_until_for(profile=profile, floor=now)
        RetentionHold.objects.create(
            profile=profile,
            request=privacy_request,
            started_at=now,
            retention_until=until,
            basis=settings.PRIVACY_RETENTION_BASIS,
        )
    audit_record(
        action="privacy.account_deleted",
        actor=staff,
        target=user,
        data={**counts, "retention_until": until.isoformat() if until else None},
    )
    if profile is None:
        return _("Account closed and personal data deleted. No loan data to keep.")
    if until is None:
        return _(
            "Account closed and personal data deleted. The loans are kept until %(years)d years after the "
            "last one is settled."
        ) % {"years": settings.PRIVACY_RETENTION_YEARS}
    return _(
        "Account closed and personal data deleted. The borrower profile, loans and ledger are kept until "
        "%(date)s, then anonymised."
    ) % {"date": date_format(timezone.localdate(until), "DATE_FORMAT")}


def profile_anonymise(*, profile: BorrowerProfile) -> None:
    """Remove what identifies the person from a profile whose hold has ended. Loans, instalments,
    payments and ledger entries stay as they are: they carry amounts and dates, not the person."""
    profile.full_name = ANONYMISED_NAME
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
    if profile.user_id is not None:
        # A correction request kept the old and new phone numbers.
        PrivacyRequest.objects.filter(user_id=profile.user_id).exclude(details={}).update(details={})
    audit_record(action="privacy.profile_anonymised", target=profile)


def retention_holds_release(*, now: datetime | None = None) -> int:
    """Anonymise every held profile whose hold has ended (nightly; safe to run again at any time).
    A hold that was waiting for its last loan to be settled gets its end date once it is."""
    now = now or timezone.now()
    released = 0
    hold_ids = list(RetentionHold.objects.filter(anonymised_at__isnull=True).values_list("pk", flat=True))
    for hold_id in hold_ids:
        with transaction.atomic():
            hold = RetentionHold.objects.select_for_update().select_related("profile").get(pk=hold_id)
            if hold.anonymised_at is not None:
                continue
            until = retention_until_for(profile=hold.profile, floor=hold.started_at)
            if until is not None and until <= now:
                profile_anonymise(profile=hold.profile)
                hold.anonymised_at = now
                released += 1
            hold.retention_until = until
            hold.save(update_fields=["retention_until", "anonymised_at"])
    return released
