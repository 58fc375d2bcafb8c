"""Writes of the privacy rights: requests, their handling by staff, and marketing consent.

Every entry point is one transaction that also writes its audit row (`privacy.*`), never with the
personal data itself in it (the row says what changed, not to what). A request moves received → done or
received → refused, once: a second attempt to handle it is refused. Carrying out a deletion is in
privacy.services_deletion; this module dispatches to it.

Where the data comes from decides how it is corrected: the email address is the borrower's own login and
they change it themselves (allauth's email page, with verification); the phone number and the rest of the
borrower profile come from the lender's core system, so a correction is a request that Support checks and
applies, keeping the old and new values in the audit trail (they also go back to the core system).
"""

import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from borrowers import personal_data as loan_data
from core.exceptions import ApplicationError
from core.http import client_ip
from core.services import audit_record
from core.text import CONTROL_CHARACTERS_MESSAGE, forbidden_character
from notifications.services_consent import ConsentPurpose, ConsentSource, consent_record
from privacy.models import PrivacyRequest
from privacy.services_deletion import account_delete

if TYPE_CHECKING:
    from notifications.models import ConsentRecord

Kind = PrivacyRequest.Kind
Status = PrivacyRequest.Status

HANDLE_PERMISSION = "privacy.change_privacyrequest"
# A mainland mobile number: 11 digits, starting 13–19.
MOBILE_PHONE = re.compile(r"1[3-9]\d{9}")
NOTE_MAX_CHARS = 500
REASON_MIN_CHARS = 5


def request_deadline(received_at: datetime) -> datetime:
    return received_at + timedelta(days=settings.PRIVACY_REQUEST_DEADLINE_DAYS)


def _new_request(*, user: User, kind: str, details: dict[str, str] | None = None) -> PrivacyRequest:
    now = timezone.now()
    return PrivacyRequest.objects.create(
        user=user, kind=kind, received_at=now, deadline=request_deadline(now), details=details or {}
    )


def _refuse_if_one_is_open(*, user: User, kind: str) -> None:
    if PrivacyRequest.objects.filter(user=user, kind=kind, status=Status.RECEIVED).exists():
        raise ApplicationError(
            _("We already have a request like this from you and are working on it."), code="already_open"
        )


def _clean_text(value: str, *, max_chars: int) -> str:
    value = value.strip()
    if forbidden_character(value, allow_line_breaks=True) is not None:
        raise ApplicationError(str(CONTROL_CHARACTERS_MESSAGE), code="control")
    if len(value) > max_chars:
        raise ApplicationError(_("Write at most %(max)d characters.") % {"max": max_chars}, code="too_long")
    return value


@transaction.atomic(durable=True)
def export_record(*, user: User, request: HttpRequest | None = None) -> PrivacyRequest:
    """Record that the borrower took a copy of their data (answered at once, so it is done on receipt).
    Refused past PRIVACY_EXPORTS_PER_DAY in 24 hours: each copy reads everything about them."""
    since = timezone.now() - timedelta(days=1)
    taken = PrivacyRequest.objects.filter(user=user, kind=Kind.EXPORT, received_at__gte=since).count()
    if taken >= settings.PRIVACY_EXPORTS_PER_DAY:
        raise ApplicationError(
            _("You have downloaded your data %(count)d times today. Please try again tomorrow.")
            % {"count": taken},
            code="too_many_exports",
        )
    privacy_request = _new_request(user=user, kind=Kind.EXPORT)
    privacy_request.status = Status.DONE
    privacy_request.handled_at = privacy_request.received_at
    privacy_request.outcome = "downloaded"
    privacy_request.save(update_fields=["status", "handled_at", "outcome"])
    audit_record(action="privacy.export", actor=user, target=privacy_request, request=request)
    return privacy_request


@transaction.atomic(durable=True)
def correction_request_file(
    *, user: User, phone: str = "", note: str = "", request: HttpRequest | None = None
) -> PrivacyRequest:
    """A borrower asks us to correct what the lender holds about them: a new mobile number and/or a
    note saying what else is wrong (their name's spelling, their date of birth…)."""
    phone = phone.strip().replace(" ", "").replace("-", "")
    note = _clean_text(note, max_chars=NOTE_MAX_CHARS)
    if phone and not MOBILE_PHONE.fullmatch(phone):
        raise ApplicationError(_("Enter an 11-digit mobile number starting with 1."), code="bad_phone")
    if not phone and not note:
        raise ApplicationError(
            _("Give a new mobile number or tell us what else to correct."), code="nothing_asked"
        )
    _refuse_if_one_is_open(user=user, kind=Kind.CORRECTION)
    details = {key: value for key, value in (("phone", phone), ("note", note)) if value}
    privacy_request = _new_request(user=user, kind=Kind.CORRECTION, details=details)
    audit_record(
        action="privacy.correction_requested",
        actor=user,
        target=privacy_request,
        data={"fields": sorted(details)},
        request=request,
    )
    return privacy_request


@transaction.atomic(durable=True)
def deletion_request_file(*, user: User, request: HttpRequest | None = None) -> PrivacyRequest:
    """A borrower asks us to close their account and delete their personal data."""
    _refuse_if_one_is_open(user=user, kind=Kind.DELETION)
    privacy_request = _new_request(user=user, kind=Kind.DELETION)
    audit_record(action="privacy.deletion_requested", actor=user, target=privacy_request, request=request)
    return privacy_request


def _locked_open_request(*, request_id: int, staff: User) -> PrivacyRequest:
    if not staff.has_perm(HANDLE_PERMISSION):
        raise ApplicationError(_("You may not handle privacy requests."), code="forbidden")
    privacy_request = PrivacyRequest.objects.select_for_update().select_related("user").get(pk=request_id)
    if not privacy_request.is_open:
        raise ApplicationError(_("This request has already been handled."), code="already_handled")
    return privacy_request


def _close(privacy_request: PrivacyRequest, *, status: str, staff: User, outcome: str) -> None:
    privacy_request.status = status
    privacy_request.handled_by = staff
    privacy_request.handled_at = timezone.now()
    privacy_request.outcome = outcome
    privacy_request.save(update_fields=["status", "handled_by", "handled_at", "outcome"])


@transaction.atomic(durable=True)
def request_refuse(
    *, request_id: int, staff: User, reason: str, request: HttpRequest | None = None
) -> PrivacyRequest:
    """Staff refuse a request, saying why (the borrower reads the reason on their privacy page)."""
    reason = _clean_text(reason, max_chars=NOTE_MAX_CHARS)
    if len(reason) < REASON_MIN_CHARS:
        raise ApplicationError(_("Say why the request is refused."), code="no_reason")
    privacy_request = _locked_open_request(request_id=request_id, staff=staff)
    _close(privacy_request, status=Status.REFUSED, staff=staff, outcome=reason)
    audit_record(
        action="privacy.request_refused", actor=staff, target=privacy_request, reason=reason, request=request
    )
    return privacy_request


@transaction.atomic(durable=True)
def request_carry_out(
    *, request_id: int, staff: User, note: str = "", request: HttpRequest | None = None
) -> PrivacyRequest:
    """Staff carry out a correction or a deletion request."""
    note = _clean_text(note, max_chars=NOTE_MAX_CHARS)
    privacy_request = _locked_open_request(request_id=request_id, staff=staff)
    if privacy_request.kind == Kind.CORRECTION:
        _correction_apply(privacy_request, staff=staff, request=request)
        outcome = note or "corrected"
    elif privacy_request.kind == Kind.DELETION:
        summary = account_delete(user=privacy_request.user, privacy_request=privacy_request, staff=staff)
        outcome = note or summary
    else:
        raise ApplicationError(_("This request has already been handled."), code="already_handled")
    _close(privacy_request, status=Status.DONE, staff=staff, outcome=outcome)
    audit_record(action="privacy.request_done", actor=staff, target=privacy_request, request=request)
    return privacy_request


def _correction_apply(privacy_request: PrivacyRequest, *, staff: User, request: HttpRequest | None) -> None:
    """A new phone number is written to the borrower profile (borrowers.personal_data, which audits it);
    a note is for staff to act on by hand (in the core system), so it changes nothing here."""
    phone = privacy_request.details.get("phone", "")
    if not phone:
        return
    corrected = loan_data.profile_phone_correct(
        user=privacy_request.user,
        phone=phone,
        staff=staff,
        privacy_request_id=privacy_request.pk,
        request=request,
    )
    if corrected is None:
        raise ApplicationError(
            _("This account has no linked loan, so there is no phone number of theirs to correct."),
            code="no_profile",
        )
    # Once applied, the request keeps both numbers masked only: the profile holds the full one, and staff
    # reading the request (or the append-only audit trail) never see a full number.
    before_masked, after_masked = corrected
    privacy_request.details = {
        **privacy_request.details,
        "phone": after_masked,
        "phone_before": before_masked,
    }
    privacy_request.save(update_fields=["details"])


@transaction.atomic(durable=True)
def consent_set(
    *,
    user: User,
    granted: bool,
    purpose: str = ConsentPurpose.MARKETING,
    request: HttpRequest | None = None,
) -> "ConsentRecord | None":
    """Record the borrower's answer. The same answer twice in a row adds nothing (None)."""
    record = consent_record(
        user=user,
        purpose=purpose,
        granted=granted,
        source=ConsentSource.PRIVACY_PAGE,
        ip_address=client_ip(request) if request is not None else None,
    )
    if record is None:
        return None
    audit_record(
        action="privacy.consent_given" if granted else "privacy.consent_withdrawn",
        actor=user,
        target=record,
        data={"purpose": purpose},
        request=request,
    )
    return record
