from typing import Any

from django.db import models
from django.http import HttpRequest

from core.http import client_ip
from core.models import AuditEvent


def audit_record(
    *,
    action: str,
    actor: Any = None,
    target: models.Model | None = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Write one audit row. Call it inside the transaction that makes the change, so both or neither land."""
    return AuditEvent.objects.create(
        action=action,
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        reason=reason,
        data=data or {},
        ip_address=client_ip(request) if request is not None else None,
    )
