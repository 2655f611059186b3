"""How the subscriptions table keeps each watched mailbox and the subscription-id index (one place for the rows).

Table ``subscriptions`` (``SUBSCRIPTIONS_TABLE``):
- partition = the mailbox owner's user id, row ``events``, one per mailbox: ``subscription_id`` ("" when none),
  ``expires`` (ISO, as Graph answered), ``state`` (``ok``: a live subscription; ``refused``: Graph refused it,
  ``reason`` and ``refused_at`` say why and when, polling only; ``failed``: the last attempt failed, retried next
  pass), ``last_error`` and ``last_error_at`` (an error type, never a message), ``updated_at``;
- partition ``by-id``, row = subscription id: ``user_id``. A notification's ``subscriptionId`` finds its mailbox
  in one point read (``watched_user``).

Which mailboxes are wanted: the manager and the report of every series in state ``active``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from shared.domain.notifications import SUBSCRIPTIONS_TABLE
from shared.domain.subscriptions import Watch, is_live
from shared.ports.storage import AlreadyExists, Record, StaleWrite, Store
from shared.ports.subscriptions import Subscription
from shared.services.scheduling_records import SERIES

MAILBOX_ROW = "events"
INDEX_PARTITION = "by-id"
STATE_OK, STATE_REFUSED, STATE_FAILED = "ok", "refused", "failed"
ACTIVE = "active"


def watched_mailboxes(store: Store) -> set[str]:
    """Every manager and report of an active series."""
    wanted: set[str] = set()
    for record in store.query(SERIES):
        if record.data.get("state") == ACTIVE:
            wanted.update((record.partition, record.row))
    return wanted


def stored_mailboxes(store: Store) -> dict[str, Record]:
    """The mailbox rows by user id (the index rows left out)."""
    return {
        record.partition: record
        for record in store.query(SUBSCRIPTIONS_TABLE)
        if record.row == MAILBOX_ROW and record.partition != INDEX_PARTITION
    }


def find_mailbox(store: Store, user_id: str) -> Record | None:
    return store.find(SUBSCRIPTIONS_TABLE, user_id, MAILBOX_ROW)


def subscription_of(record: Record | None) -> str:
    """The stored subscription id ("" when there is none)."""
    return str(record.data.get("subscription_id") or "") if record is not None else ""


def watch_from(record: Record | None) -> Watch | None:
    if record is None:
        return None
    data = record.data
    refused = data.get("state") == STATE_REFUSED
    return Watch(
        subscription_id=subscription_of(record) or None,
        expires=_instant(data.get("expires")),
        refused_at=_instant(data.get("refused_at")) if refused else None,
    )


def ok_row(subscription: Subscription, now: datetime) -> dict[str, Any]:
    return _row(STATE_OK, now, subscription_id=subscription.id, expires=subscription.expires.isoformat())


def refused_row(reason: str, now: datetime) -> dict[str, Any]:
    return _row(STATE_REFUSED, now, reason=reason, refused_at=now.isoformat())


def failed_row(record: Record | None, error: str, now: datetime) -> dict[str, Any]:
    """The row after a failed attempt: what was stored stays, with the error type and when."""
    kept = dict(record.data) if record is not None else _row(STATE_FAILED, now)
    watch = watch_from(record)
    if watch is not None and is_live(watch, now):
        state = STATE_OK
    else:
        state = STATE_REFUSED if kept.get("state") == STATE_REFUSED else STATE_FAILED
    return kept | {"state": state, "last_error": error, "last_error_at": now.isoformat(), "updated_at": now.isoformat()}


def save(store: Store, current: Record | None, user_id: str, data: Mapping[str, Any]) -> bool:
    """Write the mailbox row over ``current`` (ETag-guarded); False when another writer changed it meanwhile."""
    try:
        if current is None:
            store.insert(SUBSCRIPTIONS_TABLE, user_id, MAILBOX_ROW, data)
        else:
            store.update(current, data)
    except (AlreadyExists, StaleWrite):
        return False
    return True


def forget(store: Store, user_id: str, subscription_id: str) -> None:
    """Drop the mailbox row and its subscription's index row."""
    if subscription_id:
        unindex(store, subscription_id)
    store.delete(SUBSCRIPTIONS_TABLE, user_id, MAILBOX_ROW)


def index(store: Store, subscription_id: str, user_id: str) -> None:
    store.upsert(SUBSCRIPTIONS_TABLE, INDEX_PARTITION, subscription_id, {"user_id": user_id})


def unindex(store: Store, subscription_id: str) -> None:
    store.delete(SUBSCRIPTIONS_TABLE, INDEX_PARTITION, subscription_id)


def user_of(store: Store, subscription_id: str) -> str | None:
    if not subscription_id:
        return None
    found = store.find(SUBSCRIPTIONS_TABLE, INDEX_PARTITION, subscription_id)
    return str(found.data.get("user_id") or "") or None if found is not None else None


def _row(state: str, now: datetime, **fields: str) -> dict[str, Any]:
    row = {
        "subscription_id": "",
        "expires": "",
        "state": state,
        "reason": "",
        "refused_at": "",
        "last_error": "",
        "last_error_at": "",
        "updated_at": now.isoformat(),
    }
    return row | fields


def _instant(value: object) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None
