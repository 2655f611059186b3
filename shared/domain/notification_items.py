"""Graph change and lifecycle notifications, from an untrusted JSON body to our types (pure).

A POST from Graph carries ``{"value": [item, ...]}``. An item with ``lifecycleEvent`` is a lifecycle notification
(``reauthorizationRequired``, ``subscriptionRemoved``, ``missed``); any other item is a change notification on one
event, whose ``resource`` is ``Users/{userId}/Events/{eventId}`` (matched without regard to case, with or without a
leading slash, also in the ``Users('id')/Events('id')`` form). Each malformed item becomes a :class:`Rejection`
with its index and a short reason; the others still count. Nothing here raises on any JSON value, and nothing
checks ``clientState``: that needs the secret (see ``shared.domain.notifications.client_state_ok``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

CHANGE_TYPES = ("created", "updated", "deleted")
LIFECYCLE_EVENTS = ("reauthorizationRequired", "subscriptionRemoved", "missed")
ID_MAX = 512  # Graph event ids are about 150 characters; anything far longer is not Graph's
BODY_LEVEL = -1  # the index of a rejection that concerns the whole body

_SEGMENT = r"(?:/([^/'()\s]+)|\('([^/'()\s]+)'\))"
_EVENT_RESOURCE = re.compile(rf"^/?users{_SEGMENT}/events{_SEGMENT}$", re.IGNORECASE)
_MAILBOX_RESOURCE = re.compile(rf"^/?users{_SEGMENT}/events/?$", re.IGNORECASE)
_SAFE_ID = re.compile(r"^[^\s\x00-\x1f\x7f/\\?#]+$")


@dataclass(frozen=True, slots=True)
class ChangeNotice:
    """One event changed in one watched mailbox (``user_id`` is the mailbox owner from ``resource``)."""

    subscription_id: str
    user_id: str
    event_id: str
    change_type: str  # created | updated | deleted
    client_state: str | None


@dataclass(frozen=True, slots=True)
class LifecycleNotice:
    """Graph says something about a subscription itself; ``user_id`` only when ``resource`` names the mailbox."""

    subscription_id: str
    lifecycle_event: str  # reauthorizationRequired | subscriptionRemoved | missed
    user_id: str | None
    client_state: str | None


@dataclass(frozen=True, slots=True)
class Rejection:
    index: int  # the item's position in ``value``, or BODY_LEVEL
    reason: str


@dataclass(frozen=True, slots=True)
class ParsedNotifications:
    changes: tuple[ChangeNotice, ...] = ()
    lifecycle: tuple[LifecycleNotice, ...] = ()
    rejections: tuple[Rejection, ...] = ()


class _Refused(Exception):
    """One item is malformed: the message is the reason (never the item's content)."""


def parse_notifications(body: object) -> ParsedNotifications:
    """Split a decoded notification body into change notices, lifecycle notices and per-item rejections."""
    if not isinstance(body, dict) or not isinstance(body.get("value"), list):
        return ParsedNotifications(rejections=(Rejection(BODY_LEVEL, "the body has no 'value' list"),))
    changes: list[ChangeNotice] = []
    lifecycle: list[LifecycleNotice] = []
    rejections: list[Rejection] = []
    for index, item in enumerate(body["value"]):
        try:
            if isinstance(item, dict) and "lifecycleEvent" in item:
                lifecycle.append(_lifecycle(item))
            else:
                changes.append(_change(item))
        except _Refused as refused:
            rejections.append(Rejection(index, str(refused)))
    return ParsedNotifications(tuple(changes), tuple(lifecycle), tuple(rejections))


def _change(item: object) -> ChangeNotice:
    if not isinstance(item, dict):
        raise _Refused("the item is not an object")
    user_id, event_id = _event_resource(item.get("resource"))
    data = item.get("resourceData")
    if data is not None and not isinstance(data, dict):
        raise _Refused("resourceData is not an object")
    given_id = data.get("id") if isinstance(data, dict) else None
    if given_id is not None and given_id != event_id:
        raise _Refused("resourceData.id differs from the event in resource")
    return ChangeNotice(
        subscription_id=_identifier(item.get("subscriptionId"), "subscriptionId"),
        user_id=user_id,
        event_id=event_id,
        change_type=_choice(item.get("changeType"), CHANGE_TYPES, "changeType"),
        client_state=_client_state(item.get("clientState")),
    )


def _lifecycle(item: dict[str, Any]) -> LifecycleNotice:
    resource = item.get("resource")
    user_id = _mailbox_of(resource) if resource is not None else None
    return LifecycleNotice(
        subscription_id=_identifier(item.get("subscriptionId"), "subscriptionId"),
        lifecycle_event=_choice(item.get("lifecycleEvent"), LIFECYCLE_EVENTS, "lifecycleEvent"),
        user_id=user_id,
        client_state=_client_state(item.get("clientState")),
    )


def _event_resource(resource: object) -> tuple[str, str]:
    """(user id, event id) of ``Users/{userId}/Events/{eventId}``."""
    match = _EVENT_RESOURCE.match(resource) if isinstance(resource, str) else None
    if match is None:
        raise _Refused("resource is not Users/{id}/Events/{id}")
    user_id, event_id = match.group(1) or match.group(2), match.group(3) or match.group(4)
    return _identifier(user_id, "the resource's user id"), _identifier(event_id, "the resource's event id")


def _mailbox_of(resource: object) -> str | None:
    """The user id of a lifecycle item's resource (``Users/{id}/Events``, or an event under it), if it names one."""
    if not isinstance(resource, str):
        raise _Refused("resource is not a string")
    for pattern in (_MAILBOX_RESOURCE, _EVENT_RESOURCE):
        match = pattern.match(resource)
        if match is not None:
            return _identifier(match.group(1) or match.group(2), "the resource's user id")
    return None


def _identifier(value: object, name: str) -> str:
    if not isinstance(value, str) or not value or len(value) > ID_MAX or _SAFE_ID.match(value) is None:
        raise _Refused(f"{name} is missing or not an id")
    return value


def _choice(value: object, allowed: tuple[str, ...], name: str) -> str:
    """One of ``allowed``, matched without regard to case and returned as spelled there."""
    if isinstance(value, str):
        for option in allowed:
            if option.lower() == value.strip().lower():
                return option
    raise _Refused(f"{name} is missing or not one of {', '.join(allowed)}")


def _client_state(value: object) -> str | None:
    """Kept as given (checked later against the mailbox); a non-string counts as absent."""
    return value if isinstance(value, str) else None
