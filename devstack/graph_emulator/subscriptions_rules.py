"""What ``POST /subscriptions`` and ``PATCH /subscriptions/{id}`` accept, refused with Graph's errors.

- ``resource``: ``users/{id or UPN}/events`` (a leading ``/`` is fine). ``me/...`` is refused as Graph refuses it
  app-only; other resources are not served by the emulator (400).
- ``changeType``: a comma list of ``created``, ``updated``, ``deleted``.
- ``expirationDateTime``: required, in the future, and at most **4,230 minutes** ahead for Outlook resources. The
  docs have said 4,230 minutes (subscription resource, "under 3 days") and, in a later version, 10,080; the
  emulator takes the stricter one, which is also what the service answered in reports: 400 ``ExtensionError``
  "Subscription expiration can only be 4230 minutes in the future." (microsoft-graph-docs issue #2988). The
  current docs say a value less than 45 minutes ahead is raised to 45 minutes; the emulator keeps it as given
  and refuses one in the past, which is stricter either way.
- ``notificationUrl`` and ``lifecycleNotificationUrl``: https, as Graph requires (400 ``InvalidRequest``
  "NotificationUrl scheme='http' is not supported.", microsoft-graph-docs issue #2751). **Deliberate
  deviation:** http is allowed on a loopback host (127.0.0.1, localhost, ::1), because tests run their receivers
  there; real Graph refuses local addresses outright. ``lifecycleNotificationUrl`` is optional for Outlook
  resources: the documented "required when the expiration is more than 1 hour ahead" applies to Teams resources
  only (subscription resource, v1.0). Without it no lifecycle notification is sent.
- ``clientState``: at most 128 characters. ``latestSupportedTlsVersion``: v1_0 to v1_3 (default v1_2).
  ``includeResourceData: true`` (rich notifications) is not emulated: 400.
- The mailbox must exist (404) and be inside the application access policy (403, access_policy.py).

``PATCH`` takes ``expirationDateTime`` and/or ``notificationUrl`` (Graph: "Subscription must contain either the
'expirationDateTime' or 'notificationUrl' property and its value."); any other property is refused (stricter than
Graph, which may ignore them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from yarl import URL

from devstack.graph_emulator import access_policy
from devstack.graph_emulator.errors import GraphError
from devstack.graph_emulator.state import EmulatorState

MAX_LIFETIME = timedelta(minutes=4230)
CHANGE_TYPES = ("created", "updated", "deleted")
TLS_VERSIONS = ("v1_0", "v1_1", "v1_2", "v1_3")
CLIENT_STATE_MAX = 128
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
RENEWABLE = frozenset({"expirationDateTime", "notificationUrl", "@odata.type"})
_EVENTS = re.compile(r"^/?users/([^/()?$]+)/events$", re.IGNORECASE)
_ME = re.compile(r"^/?me(/|$)", re.IGNORECASE)
_STATUS_NAMES = {400: "BadRequest", 403: "Forbidden", 404: "NotFound"}


@dataclass(frozen=True, slots=True)
class Requested:
    mailbox: str  # user id
    resource: str
    change_types: tuple[str, ...]
    notification_url: str
    lifecycle_url: str | None
    client_state: str | None
    expires: datetime
    tls_version: str


def extension_error(status: int, operation: str, reason: str) -> GraphError:
    """The shape the subscription service wraps workload errors in (microsoft-graph-docs issues #6869, #21403)."""
    message = f"Operation: {operation}; Exception: [Status Code: {_STATUS_NAMES[status]}; Reason: {reason}]"
    return GraphError(status, "ExtensionError", message)


def invalid(message: str) -> GraphError:
    return GraphError(400, "InvalidRequest", message)


def parse_create(state: EmulatorState, body: object, now: datetime) -> Requested:
    if not isinstance(body, dict):
        raise GraphError(400, "BadRequest", "The request body must be a JSON object.")
    if body.get("includeResourceData") is True:
        raise invalid("includeResourceData is not supported by the emulator (no encrypted resource data).")
    client_state = optional_text(body, "clientState")
    if client_state is not None and len(client_state) > CLIENT_STATE_MAX:
        raise invalid(f"clientState must be at most {CLIENT_STATE_MAX} characters.")
    tls = body.get("latestSupportedTlsVersion") or "v1_2"
    if tls not in TLS_VERSIONS:
        raise invalid(f"latestSupportedTlsVersion must be one of {', '.join(TLS_VERSIONS)}.")
    resource = str(body.get("resource") or "")
    user_key = resource_user(resource)
    wanted = change_types(body.get("changeType"))
    notification_url = webhook_url(body.get("notificationUrl"), "NotificationUrl")
    lifecycle = body.get("lifecycleNotificationUrl")
    lifecycle_url = None if lifecycle is None else webhook_url(lifecycle, "LifecycleNotificationUrl")
    expires = expiration(body.get("expirationDateTime"), now)
    return Requested(
        mailbox=mailbox(state, user_key, "Create"),
        resource=resource,
        change_types=wanted,
        notification_url=notification_url,
        lifecycle_url=lifecycle_url,
        client_state=client_state,
        expires=expires,
        tls_version=str(tls),
    )


def parse_renewal(body: object, now: datetime) -> tuple[datetime | None, str | None]:
    """(new expiration, new notificationUrl) from a PATCH body; at least one is given."""
    if not isinstance(body, dict):
        raise GraphError(400, "BadRequest", "The request body must be a JSON object.")
    extra = sorted(set(body) - RENEWABLE)
    if extra:
        raise invalid(f"Only expirationDateTime and notificationUrl can be updated, not {', '.join(extra)}.")
    if body.get("expirationDateTime") is None and body.get("notificationUrl") is None:
        raise invalid(
            "Subscription must contain either the 'expirationDateTime' or 'notificationUrl' property and its value."
        )
    expires = None if body.get("expirationDateTime") is None else expiration(body["expirationDateTime"], now)
    url = None if body.get("notificationUrl") is None else webhook_url(body["notificationUrl"], "NotificationUrl")
    return expires, url


def optional_text(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise invalid(f"{name} must be a string.")
    return value


def resource_user(resource: str) -> str:
    if _ME.match(resource):
        raise GraphError(400, "BadRequest", "/me request is only valid with delegated authentication flow.")
    found = _EVENTS.match(resource)
    if found is None:
        raise invalid(f"Unsupported resource '{resource}': the emulator serves subscriptions on users/{{id}}/events.")
    return found.group(1)


def change_types(value: object) -> tuple[str, ...]:
    if not isinstance(value, str) or not value.strip():
        raise invalid("changeType must be provided with the subscription.")
    given = tuple(part.strip() for part in value.split(","))
    wrong = [part for part in given if part not in CHANGE_TYPES]
    if wrong:
        raise invalid(f"Invalid changeType '{wrong[0]}': use created, updated and/or deleted.")
    return tuple(dict.fromkeys(given))


def expiration(value: object, now: datetime) -> datetime:
    if value is None:
        raise invalid("expirationDateTime must be provided with the subscription.")
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise invalid(f"expirationDateTime '{value}' is not an ISO 8601 date and time.") from exc
    instant = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    if instant <= now:
        raise GraphError(400, "ExtensionError", "Subscription expiration must be in the future.")
    if instant - now > MAX_LIFETIME:
        raise GraphError(400, "ExtensionError", "Subscription expiration can only be 4230 minutes in the future.")
    return instant


def webhook_url(value: object, name: str) -> str:
    if not isinstance(value, str) or not value:
        raise invalid(f"{name} must be provided with the subscription.")
    try:
        url = URL(value)
    except ValueError as exc:
        raise invalid(f"{name} '{value}' is not a URL.") from exc
    if not url.is_absolute() or not url.host:
        raise invalid(f"{name} '{value}' is not an absolute URL.")
    if url.scheme == "https" or (url.scheme == "http" and url.host in LOOPBACK_HOSTS):
        return value
    raise invalid(f"{name} scheme='{url.scheme}' is not supported.")


def mailbox(state: EmulatorState, key: str, operation: str) -> str:
    """The user id of the watched mailbox; 404 for an unknown user or one without a mailbox, 403 out of policy."""
    user_id = state.resolve_user(key)
    if user_id is None:
        raise extension_error(404, operation, f"The mailbox of '{key}' was not found.")
    if user_id not in state.mailbox_settings:
        raise extension_error(404, operation, "REST API is not yet supported for this mailbox.")
    access_policy.check_mailbox(state, user_id)
    return user_id
