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

Each app erases its own rows in its `personal_data` module; this one decides what happens, in which
order, and keeps privacy's own records (the hold, the consent, the other requests).
"""

from datetime import date, datetime, time
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts import personal_data as account_data
from accounts.models import User
from borrowers import personal_data as loan_data
from budget import personal_data as budget_data
from core.services import audit_record
from education import personal_data as learning_data
from hardship import personal_data as hardship_data
from notifications import personal_data as mail_data
from notifications.services_consent import ConsentPurpose, ConsentSource, consent_record
from portal import personal_data as message_data
from privacy.models import PrivacyRequest, RetentionHold
from reminders import personal_data as reminder_data

if TYPE_CHECKING:
    from borrowers.models import BorrowerProfile

ANONYMISED_NAME = "已匿名"


def deleted_email(user_id: int) -> str:
    """The placeholder login of a closed account: unique, and undeliverable (.invalid, RFC 2606)."""
    return f"deleted-{user_id}@deleted.invalid"


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a year that has none
        return day.replace(year=day.year + years, day=28)


def retention_until_for(*, profile: "BorrowerProfile", floor: datetime) -> datetime | None:
    """The end of the legal hold: PRIVACY_RETENTION_YEARS after the last loan was settled (its last
    ledger entry), but never before `floor`; None while a loan is still open."""
    if loan_data.profile_has_open_loan(profile=profile):
        return None
    last = loan_data.profile_last_ledger_date(profile=profile)
    if last is None:
        return floor
    end = timezone.make_aware(datetime.combine(_add_years(last, settings.PRIVACY_RETENTION_YEARS), time.min))
    return max(floor, end)


def account_delete(*, user: User, privacy_request: PrivacyRequest, staff: User | None = None) -> str:
    """Close the account and delete or anonymise its personal data (see the module docstring). Runs
    inside request_carry_out's transaction; returns the outcome staff and the record read."""
    now = timezone.now()
    email = user.email
    counts = {
        **account_data.erase(user=user),
        **budget_data.erase(user=user),
        **learning_data.erase(user=user),
        **hardship_data.erase(user=user),
        **reminder_data.erase(user=user),
        **loan_data.erase(user=user),
        **message_data.erase(user=user),
        **mail_data.erase(email=email),
        **mail_data.messages_erase(user=user),
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
    account_data.account_close(user=user, email=deleted_email(user.pk))

    for purpose in ConsentPurpose.values:
        consent_record(
            user=user, purpose=purpose, granted=False, source=ConsentSource.ACCOUNT_DELETION, at=now
        )

    profile = loan_data.profile_to_hold(user=user)
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


def profile_anonymise(*, profile: "BorrowerProfile") -> None:
    """Remove what identifies the person from a profile whose hold has ended (borrowers.personal_data
    says which fields), and what privacy's own records kept of it. Loans, instalments, payments and
    ledger entries stay as they are."""
    loan_data.profile_anonymise(profile=profile, name=ANONYMISED_NAME)
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
        with transaction.atomic(durable=True):
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
