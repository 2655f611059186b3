"""Take in one notification POST from Graph: parse it, check each item's clientState, queue each good item.

The endpoint must answer within seconds (Graph drops slow endpoints), so nothing here reads a calendar: each
accepted item becomes one ``graph-notifications`` message and the queue trigger does the work. An item whose
clientState is not the HMAC of the mailbox it names (``shared.domain.notifications``) is dropped: a forged or
stale notification costs one log line and queues nothing. A lifecycle item names its mailbox in ``resource`` when
Graph sends one; otherwise the mailbox is looked up from the stored subscription (``watched_user``).
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from shared.domain.notification_items import LifecycleNotice, parse_notifications
from shared.domain.notifications import NOTIFICATIONS_QUEUE, client_state_ok
from shared.ports.storage import Queues
from shared.services.notification_messages import change_message, lifecycle_message

MAX_BODY_BYTES = 1_000_000  # Graph batches notifications; a megabyte is far above any real batch of events
MISMATCH, UNKNOWN_SUBSCRIPTION, MALFORMED = "clientState mismatch", "unknown subscription", "malformed item"
log = logging.getLogger(__name__)

WatchedUser = Callable[[str], str | None]
"""The mailbox a subscription watches (from the stored subscriptions), or None when WeGrow does not know it."""


class MalformedBody(ValueError):
    """The POST body is not a JSON document (the message says so without quoting it)."""


@dataclass(slots=True)
class Intake:
    queued: int = 0
    dropped: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        dropped = ", ".join(f"{reason}: {count}" for reason, count in sorted(self.dropped.items()))
        return f"{self.queued} queued" + (f", dropped {dropped}" if dropped else "")


def decode_body(raw: bytes) -> object:
    """The JSON document in ``raw``; raises MalformedBody (not JSON, not UTF-8, too deep)."""
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        raise MalformedBody("the body is not a JSON document") from None


def take_in(body: object, secret: bytes, queues: Queues, watched_user: WatchedUser) -> Intake:
    """Queue every item of ``body`` that parses and carries its mailbox's clientState; count the rest.

    One log line per request: counts and reasons only (never an id, a clientState or any content).
    """
    parsed = parse_notifications(body)
    intake = Intake()
    if parsed.rejections:
        intake.dropped[MALFORMED] += len(parsed.rejections)
    messages: list[dict[str, Any]] = []
    for change in parsed.changes:
        if client_state_ok(secret, change.user_id, change.client_state):
            messages.append(change_message(change))
        else:
            intake.dropped[MISMATCH] += 1
    for notice in parsed.lifecycle:
        _take_lifecycle(notice, secret, watched_user, messages, intake)
    for message in messages:
        queues.send(NOTIFICATIONS_QUEUE, message)
    intake.queued = len(messages)
    log.log(logging.WARNING if intake.dropped else logging.INFO, "graph notifications: %s", intake.summary())
    return intake


def _take_lifecycle(
    notice: LifecycleNotice, secret: bytes, watched_user: WatchedUser, messages: list[dict[str, Any]], intake: Intake
) -> None:
    user_id = notice.user_id or watched_user(notice.subscription_id)
    if user_id is None:
        intake.dropped[UNKNOWN_SUBSCRIPTION] += 1
    elif client_state_ok(secret, user_id, notice.client_state):
        messages.append(lifecycle_message(notice, user_id))
    else:
        intake.dropped[MISMATCH] += 1
