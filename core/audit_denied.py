"""Refused requests in the audit trail: `authz.denied` for every 403, `authz.not_found` for objects asked for.

A refusal is written with the path, the method, the user and the client IP, never the request's body,
query string or cookies (they may carry personal data or a secret). A path whose URL carries a secret
(a password-reset key, a token) is written as its route pattern instead.

So that a flood of refusals cannot fill the table, each user (or, signed out, each IP address) gets at
most `AUDIT_DENIED_PER_MINUTE` rows a minute; the first refusal over the limit writes one
`authz.denied.throttled` row saying that the rest of that minute is not recorded.
"""

import logging
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.http import HttpRequest

from core.http import client_ip
from core.services import audit_record

logger = logging.getLogger(__name__)

DENIED = "authz.denied"
NOT_FOUND = "authz.not_found"
THROTTLED = "authz.denied.throttled"
DEFAULT_PER_MINUTE = 20
PATH_MAX_CHARS = 200
# URL arguments that are secrets: the path is then recorded as its pattern, without the value.
SECRET_KWARGS = frozenset({"key", "token", "uidb36", "uidb64", "code", "secret"})


def per_minute() -> int:
    return int(getattr(settings, "AUDIT_DENIED_PER_MINUTE", DEFAULT_PER_MINUTE))


def path_recorded(request: HttpRequest) -> str:
    """The request's path, without a secret it may carry, and never its query string."""
    match = getattr(request, "resolver_match", None)
    if match is not None and SECRET_KWARGS.intersection(match.kwargs):
        return "/" + str(match.route)
    return request.path[:PATH_MAX_CHARS]


def _subject(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_ip(request) or 'unknown'}"


def _count_this_minute(request: HttpRequest) -> int:
    key = f"audit-denied:{_subject(request)}:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=120)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=120)
        return 1


def authz_denied_record(
    request: HttpRequest,
    *,
    reason: str,
    status: int = 403,
    action: str = DENIED,
    target: Any = None,
) -> bool:
    """Write one refusal, unless this user or IP is over the minute's limit. True if a row was written.

    Never raises: a refusal is answered whether or not the trail can be written (the failure is logged).
    """
    try:
        count = _count_this_minute(request)
    except Exception:  # the cache is down: record rather than lose the refusal
        logger.exception("audit rate limit unavailable")
        count = 1
    limit = per_minute()
    if count > limit + 1:
        return False
    try:
        user = getattr(request, "user", None)
        data: dict[str, Any] = {
            "path": path_recorded(request),
            "method": request.method or "",
            "status": status,
        }
        if count == limit + 1:
            data["limit_per_minute"] = limit
            action = THROTTLED
        with transaction.atomic():  # a savepoint: a failed write leaves the caller's transaction usable
            audit_record(action=action, actor=user, target=target, reason=reason, data=data, request=request)
        return True
    except DatabaseError:
        logger.exception("could not write %s for %s", action, request.path[:PATH_MAX_CHARS])
        return False
