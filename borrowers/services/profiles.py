"""Saving a borrower's record as staff edit it: the national ID number is hashed here, never stored. And
the one field of it a borrower sets themselves: the time zone their reminders follow."""

import zoneinfo
from collections.abc import Sequence

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.models import User
from borrowers.identity import national_id_hash, national_id_normalize
from borrowers.models import BorrowerProfile
from core.exceptions import ApplicationError
from core.services import audit_record


def borrower_profile_save(
    *,
    profile: BorrowerProfile,
    national_id: str,
    changed_fields: Sequence[str],
    saved_by: User,
    request: HttpRequest | None = None,
) -> BorrowerProfile:
    """Save a borrower added or changed in the admin, with its audit row in the same transaction.

    A national ID number typed in (`national_id`, empty to keep the one on file) is kept only as its keyed
    hash and its last 4 characters. The audit row is the admin's (`admin.borrowerprofile.added` or
    `.changed`) and names the changed fields, never their values: this is personal data, and the trail
    must not become a copy of it.

    Not durable: the admin calls it inside its change-form transaction, which also saves the page's
    other parts.
    """
    adding = profile._state.adding
    with transaction.atomic():
        if national_id:
            profile.national_id_hash = national_id_hash(national_id)
            profile.national_id_last4 = national_id_normalize(national_id)[-4:]
        profile.save()
        audit_record(
            action=f"admin.borrowerprofile.{'added' if adding else 'changed'}",
            actor=saved_by,
            target=profile,
            data={"fields": list(changed_fields)},
            request=request,
        )
    return profile


@transaction.atomic(durable=True)
def profile_time_zone_set(*, user: User, time_zone: str, request: HttpRequest | None = None) -> bool:
    """The borrower chooses the time zone their reminders follow (the message settings page): quiet
    hours and the day of the daily cap are counted in it for messages written from now on. Any IANA
    zone name is accepted (the page offers a short list); whether it changed. The profile row is locked;
    the audit row names the field, never the zone (where someone lives is theirs)."""
    if time_zone not in zoneinfo.available_timezones():
        raise ApplicationError(_("Choose a time zone from the list."), code="bad_time_zone")
    profile = BorrowerProfile.objects.select_for_update().filter(user=user).first()
    if profile is None:
        raise ApplicationError(
            _("This account has no borrower record to set a time zone on."), code="no_profile"
        )
    if profile.time_zone == time_zone:
        return False
    profile.time_zone = time_zone
    profile.save(update_fields=["time_zone"])
    audit_record(
        action="borrowers.time_zone_changed",
        actor=user,
        target=profile,
        data={"fields": ["time_zone"]},
        request=request,
    )
    return True
