"""The ``graph-notifications`` queue message: one per accepted notification item, our fields only.

``{"kind": "change", "subscription_id", "user_id", "event_id", "change_type"}`` or
``{"kind": "lifecycle", "subscription_id", "user_id", "lifecycle_event"}``, plus ``"attempt"`` (1 and up) when a
message was sent back because its pair was leased. The clientState never travels: it was checked at the endpoint.
A message of any other shape is read as None (dropped by the handler, never retried).
"""

from __future__ import annotations

from typing import Any

from shared.domain.notification_items import CHANGE_TYPES, LIFECYCLE_EVENTS, ChangeNotice, LifecycleNotice

CHANGE, LIFECYCLE = "change", "lifecycle"
_CHANGE_FIELDS = ("subscription_id", "user_id", "event_id", "change_type")
_LIFECYCLE_FIELDS = ("subscription_id", "user_id", "lifecycle_event")


def change_message(notice: ChangeNotice) -> dict[str, Any]:
    return {"kind": CHANGE} | {name: getattr(notice, name) for name in _CHANGE_FIELDS}


def lifecycle_message(notice: LifecycleNotice, user_id: str) -> dict[str, Any]:
    """``user_id``: the watched mailbox, from the item's resource or the stored subscription."""
    return {"kind": LIFECYCLE, "subscription_id": notice.subscription_id, "user_id": user_id} | {
        "lifecycle_event": notice.lifecycle_event
    }


def change_from(body: dict[str, Any]) -> ChangeNotice | None:
    if body.get("kind") != CHANGE or not _strings(body, _CHANGE_FIELDS) or body["change_type"] not in CHANGE_TYPES:
        return None
    return ChangeNotice(body["subscription_id"], body["user_id"], body["event_id"], body["change_type"], None)


def lifecycle_from(body: dict[str, Any]) -> LifecycleNotice | None:
    if body.get("kind") != LIFECYCLE or not _strings(body, _LIFECYCLE_FIELDS):
        return None
    if body["lifecycle_event"] not in LIFECYCLE_EVENTS:
        return None
    return LifecycleNotice(body["subscription_id"], body["lifecycle_event"], body["user_id"], None)


def attempt_of(body: dict[str, Any]) -> int:
    attempt = body.get("attempt")
    return attempt if isinstance(attempt, int) and not isinstance(attempt, bool) and attempt > 0 else 0


def _strings(body: dict[str, Any], names: tuple[str, ...]) -> bool:
    return all(isinstance(body.get(name), str) and body[name] for name in names)
