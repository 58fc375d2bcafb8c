"""Reads of the notifications app (never its services)."""

from notifications.selectors.consent import (
    ConsentView,
    consent_export_rows,
    consent_granted_user_ids,
    consent_history,
)

__all__ = ["ConsentView", "consent_export_rows", "consent_granted_user_ids", "consent_history"]
