"""Linking a loan (and so its borrower's loans) to the signed-in account, with limits that hold across
accounts.

A guess needs the loan reference, the date of birth and the last 4 characters of the ID number; with the
first two known there are about 11,000 values of the last 4. So failures are limited three ways, and any
one of them pauses linking:

* per account: LOAN_LINK_MAX_FAILURES in an hour;
* per loan reference, whichever accounts failed: LOAN_LINK_REFERENCE_MAX_FAILURES in 24 hours, so a second
  (third…) verified account cannot carry on where a locked one stopped;
* per client IP (core.http.client_ip), whichever accounts failed: LOAN_LINK_IP_MAX_FAILURES in an hour.

The answer never says whether a reference exists: an unknown reference and wrong details get the same
message, are recorded and counted the same way, and an unknown reference is locked exactly like a real
one, so the "paused" message is not an oracle either. When one reference sees failures from
LOAN_LINK_ALERT_ACCOUNTS different accounts in 24 hours, staff are alerted once per 24 hours: an audit
event (`loan.link_suspicious`) and a mail to SECURITY_ALERT_EMAILS (or ADMINS) that names the reference
and counts, and no personal data.

Concurrency: the counts are read and the attempt written in one transaction, serialised per account, per
reference and per IP, so two attempts at the same moment cannot both see "one failure left". On
PostgreSQL that is a row lock on the account plus transaction-scoped advisory locks on the reference and
the IP (a reference that no loan has has no row to lock, and must be lockable too); they are taken in one
fixed order, so two attempts never wait on each other in a cycle. SQLite has one writer at a time, and
the project opens every transaction with BEGIN IMMEDIATE (config/settings.py), so there the whole
transaction is already serialised.
"""

import hashlib
import hmac
import unicodedata
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.models import User
from borrowers.identity import national_id_normalize
from borrowers.models import BorrowerProfile, LinkAttempt, Loan
from core.exceptions import ApplicationError
from core.http import client_ip
from core.models import AuditEvent
from core.services import audit_record

ACCOUNT_WINDOW = timedelta(hours=1)
REFERENCE_WINDOW = timedelta(hours=24)
IP_WINDOW = timedelta(hours=1)
ALERT_WINDOW = timedelta(hours=24)


def _no_match() -> ApplicationError:
    return ApplicationError(
        _(
            "We could not match these details to a loan. Check the loan reference, your date of birth and "
            "the last 4 characters of your ID number."
        ),
        code="no_match",
    )


def _paused() -> ApplicationError:
    # One message for every limit: which one was reached (and so whether anyone else is trying this
    # reference) is not the caller's business.
    return ApplicationError(
        _(
            "Too many attempts. For your security, linking is paused for a while. "
            "Try again later, or contact us if you need help sooner."
        ),
        code="locked",
    )


def _advisory_key(name: str) -> int:
    """A signed 64-bit key for pg_advisory_xact_lock, stable across processes (unlike hash())."""
    return int.from_bytes(hashlib.sha256(f"loan_link:{name}".encode()).digest()[:8], "big", signed=True)


def _serialise(*names: str) -> None:
    """Hold a transaction-scoped lock on each name until the transaction ends (see the module notes)."""
    if connection.vendor != "postgresql":
        return  # SQLite: BEGIN IMMEDIATE already made this transaction the only writer
    with connection.cursor() as cursor:
        for key in sorted(_advisory_key(name) for name in names):
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _failures(since: datetime, **match: Any) -> int:
    return LinkAttempt.objects.filter(succeeded=False, attempted_at__gte=since, **match).count()


def _locked_by(*, user: User, reference: str, ip: str | None, now: datetime) -> str:
    """Which limit, if any, the next attempt would break ("" when none)."""
    if _failures(now - ACCOUNT_WINDOW, user=user) >= settings.LOAN_LINK_MAX_FAILURES:
        return "account"
    by_reference = _failures(now - REFERENCE_WINDOW, reference_tried=reference)
    if by_reference >= settings.LOAN_LINK_REFERENCE_MAX_FAILURES:
        return "reference"
    if ip and _failures(now - IP_WINDOW, ip_address=ip) >= settings.LOAN_LINK_IP_MAX_FAILURES:
        return "ip"
    return ""


def _security_recipients() -> list[str]:
    return list(settings.SECURITY_ALERT_EMAILS) or [email for _name, email in settings.ADMINS]


def _alert_if_suspicious(*, reference: str, now: datetime, request: HttpRequest | None) -> None:
    """After a failure: alert staff, once per window, when several accounts have failed on one reference,
    or its limit has been reached (two accounts can use up the limit between them, and a paused attempt is
    not a failure, so the number of accounts alone would never reach the alert)."""
    failed = LinkAttempt.objects.filter(
        reference_tried=reference, succeeded=False, attempted_at__gte=now - REFERENCE_WINDOW
    )
    accounts = failed.values("user").distinct().count()
    failures = failed.count()
    if accounts < settings.LOAN_LINK_ALERT_ACCOUNTS and failures < settings.LOAN_LINK_REFERENCE_MAX_FAILURES:
        return
    already = AuditEvent.objects.filter(
        action="loan.link_suspicious", data__reference=reference, occurred_at__gte=now - ALERT_WINDOW
    ).exists()
    if already:
        return
    audit_record(
        action="loan.link_suspicious",
        data={"reference": reference, "accounts": accounts, "failures": failures},
        request=request,
    )
    recipients = _security_recipients()
    if not recipients:
        return
    from notifications.services import email_queue

    with override(settings.LANGUAGE_CODE):
        subject = _("Loan linking: one reference tried from several accounts")
        body = _(
            "In the last 24 hours, %(accounts)d different accounts failed to link loan reference "
            "%(reference)s (%(failures)d failures in all). "
            "Someone may be guessing the borrower's details.\n\n"
            "Linking this reference is paused after %(limit)d failures in 24 hours. "
            "See the audit trail (loan.link_failed, loan.link_suspicious) for the accounts and addresses."
        ) % {
            "accounts": accounts,
            "reference": reference,
            "failures": failures,
            "limit": settings.LOAN_LINK_REFERENCE_MAX_FAILURES,
        }
        mail = EmailMessage(
            subject=f"[{_('Anxin')}] {subject}",
            body=f"{body}\n",
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=recipients,
        )
    email_queue(message=mail, kind="security_loan_link_suspicious")


def loan_link(
    *,
    user: User,
    reference: str,
    date_of_birth: date,
    national_id_last4: str,
    request: HttpRequest | None = None,
) -> Loan:
    """Link a loan (and so its borrower's loans) to the signed-in account.

    The same message whether the loan does not exist or the details do not match, so the form cannot be
    used to find loans; the limits and the alert are in the module notes. Every attempt is audited (with
    the client IP when there is a request). A borrower belongs to at most one account.

    Durable: the attempt is recorded and committed whatever the outcome (a failure must count although
    an error follows), so it is refused inside a caller's transaction, which could roll it back.
    """
    reference = unicodedata.normalize("NFKC", reference).strip().upper()[:64]
    last4 = national_id_normalize(national_id_last4)
    ip = client_ip(request) if request is not None else None
    with transaction.atomic(durable=True):
        get_user_model().objects.select_for_update().get(pk=user.pk)  # one attempt at a time per account
        _serialise(f"reference:{reference}", *([f"ip:{ip}"] if ip else []))
        now = timezone.now()
        locked_by = _locked_by(user=user, reference=reference, ip=ip, now=now)
        loan = None
        if locked_by:
            audit_record(
                action="loan.link_locked",
                actor=user,
                data={"reference": reference[:32], "limit": locked_by},
                request=request,
            )
        else:
            loan = Loan.objects.select_related("borrower").filter(reference=reference).first()
            profile = loan.borrower if loan else None
            matches = (
                profile is not None
                and profile.date_of_birth == date_of_birth
                and hmac.compare_digest(profile.national_id_last4.upper().encode(), last4.encode())
                and profile.user_id in (None, user.pk)
                and not BorrowerProfile.objects.filter(user=user).exclude(pk=profile.pk).exists()
            )
            # The attempt is recorded whatever the outcome, and committed: failures must count.
            LinkAttempt.objects.create(user=user, reference_tried=reference, succeeded=matches, ip_address=ip)
            audit_record(
                action="loan.linked" if matches else "loan.link_failed",
                actor=user,
                target=loan if matches else None,
                data={"reference": reference[:32]},
                request=request,
            )
            if matches and profile is not None and profile.user_id is None:
                profile.user = user
                profile.save(update_fields=["user"])
            if not matches:
                loan = None
                _alert_if_suspicious(reference=reference, now=now, request=request)
    if locked_by:
        raise _paused()
    if loan is None:
        raise _no_match()
    return loan
