from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.http import HttpRequest

from core.http import client_ip
from core.models import AuditEvent

if TYPE_CHECKING:
    # For the type checker only: core imports no app above it at run time.
    from accounts.models import User


def audit_record(
    *,
    action: str,
    actor: "User | AnonymousUser | None" = None,
    target: models.Model | None = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Write one audit row. Call it inside the transaction that makes the change, so both or neither land.
    A visitor (`AnonymousUser`) is recorded like the system: no actor."""
    return AuditEvent.objects.create(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        reason=reason,
        data=data or {},
        ip_address=client_ip(request) if request is not None else None,
    )
