"""Releasing the messages whose time has come: the contact rules applied to a batch at once.

Each scheduled message with `send_after <= now`, oldest first (then by priority, then id), is:

- suppressed `no_consent`: marketing to someone whose latest answer is not yes;
- suppressed `channel_off`: SMS or email to someone who turned that channel off (in-app is always on);
- suppressed `no_address`: SMS or email with nowhere to go;
- deferred (stays scheduled, `send_after` = the next 08:00 local, reason `quiet_hours`) in quiet hours;
- suppressed `daily_cap`: the borrower has had DAILY_CAP messages queued that local day already;
- else queued, and handed to the workers once the transaction commits.

Within a batch the cap goes to the lower priority numbers first. A fixed number of queries per batch
whatever its size; rows are locked with SKIP LOCKED on PostgreSQL, so two beats never release one
message twice. The task module passes its hand-over (this module never imports it).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from notifications.contact_rules import (
    DAILY_CAP,
    in_quiet_hours,
    local_day,
    local_day_bounds,
    next_allowed,
)
from notifications.models import Message
from notifications.selectors import cap_counted_times, channels_turned_off, consent_granted_user_ids

# Hands the queued ids to the workers on commit; `now` is the release's clock when a caller pinned one
# (a test, a demo), so the worker's last guard judges quiet hours by the same clock.
HandOver = Callable[[Sequence[int], datetime | None], None]

NO_CONSENT = "no_consent"
CHANNEL_OFF = "channel_off"
NO_ADDRESS = "no_address"
DAILY_CAP_REASON = "daily_cap"
QUIET_HOURS = "quiet_hours"
ADDRESSED = (Message.Channel.SMS, Message.Channel.EMAIL)


@dataclass(frozen=True)
class ReleaseSummary:
    queued: int = 0
    deferred: int = 0
    no_consent: int = 0
    channel_off: int = 0
    no_address: int = 0
    daily_cap: int = 0
    queued_ids: tuple[int, ...] = ()

    @property
    def suppressed(self) -> int:
        return self.no_consent + self.channel_off + self.no_address + self.daily_cap

    @property
    def examined(self) -> int:
        return self.queued + self.deferred + self.suppressed


def _refusal(message: Message, consenting: frozenset[int], off: dict[int, frozenset[str]]) -> str:
    if message.purpose == Message.Purpose.MARKETING and message.user_id not in consenting:
        return NO_CONSENT
    if message.channel in ADDRESSED:
        if message.channel in off.get(message.user_id, frozenset()):
            return CHANNEL_OFF
        if not message.to.strip():
            return NO_ADDRESS
    return ""


def messages_release(
    *, hand_over: HandOver, now: datetime | None = None, limit: int = 1000
) -> ReleaseSummary:
    moment = now or timezone.now()
    with transaction.atomic(durable=True):
        batch = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(status=Message.Status.SCHEDULED, send_after__lte=moment)
            .order_by("send_after", "priority", "pk")[:limit]
        )
        if not batch:
            return ReleaseSummary()
        user_ids = sorted({message.user_id for message in batch})
        consenting = consent_granted_user_ids(user_ids=user_ids)
        off = dict(channels_turned_off(user_ids=user_ids))
        day_bounds = {
            message.pk: local_day_bounds(local_day(moment, message.time_zone), message.time_zone)
            for message in batch
        }
        counted = cap_counted_times(
            user_ids=user_ids,
            start=min(start for start, _ in day_bounds.values()),
            end=max(end for _, end in day_bounds.values()),
        )
        queued_now: dict[int, int] = {}
        tally = dict.fromkeys(("deferred", NO_CONSENT, CHANNEL_OFF, NO_ADDRESS, DAILY_CAP_REASON), 0)
        queued_ids: list[int] = []
        for message in sorted(batch, key=lambda m: (m.priority, m.send_after, m.pk)):
            reason = _refusal(message, consenting, off)
            if not reason and in_quiet_hours(moment, message.time_zone):
                message.send_after = next_allowed(moment, message.time_zone)
                message.status_reason = QUIET_HOURS
                tally["deferred"] += 1
                continue
            if not reason:
                start, end = day_bounds[message.pk]
                already = sum(1 for at in counted.get(message.user_id, ()) if start <= at < end)
                if already + queued_now.get(message.user_id, 0) >= DAILY_CAP:
                    reason = DAILY_CAP_REASON
            if reason:
                message.status, message.status_reason = Message.Status.SUPPRESSED, reason
                tally[reason] += 1
                continue
            message.status, message.status_reason, message.queued_at = Message.Status.QUEUED, "", moment
            queued_now[message.user_id] = queued_now.get(message.user_id, 0) + 1
            queued_ids.append(message.pk)
        Message.objects.bulk_update(batch, ["status", "status_reason", "send_after", "queued_at"])
        if queued_ids:
            hand_over(sorted(queued_ids), now)
    return ReleaseSummary(
        queued=len(queued_ids),
        deferred=tally["deferred"],
        no_consent=tally[NO_CONSENT],
        channel_off=tally[CHANNEL_OFF],
        no_address=tally[NO_ADDRESS],
        daily_cap=tally[DAILY_CAP_REASON],
        queued_ids=tuple(sorted(queued_ids)),
    )
