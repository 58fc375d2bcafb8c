"""Saving a borrower's record as staff edit it: the national ID number is hashed here, never stored."""

from collections.abc import Sequence

from django.db import transaction
from django.http import HttpRequest

from accounts.models import User
from borrowers.identity import national_id_hash, national_id_normalize
from borrowers.models import BorrowerProfile
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
