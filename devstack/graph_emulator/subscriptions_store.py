"""Change-notification subscriptions the emulator holds: one record per subscription, as Graph shows it.

Sub-state ``state.features["subscriptions"]`` is a ``SubscriptionBook`` (reset empties it). A subscription past its
``expirationDateTime`` is gone: every read purges expired ones first, so it neither delivers nor answers (404).
Foreign subscriptions (other apps' subscriptions on a mailbox, made by the control API) count towards the
per-mailbox limit and are never delivered to.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from devstack.graph_emulator.state import EmulatorState

APP_NAMESPACE = uuid.UUID("6f1f0b7e-1d5c-4c52-9a57-6a8f2f0f4e11")  # applicationId = uuid5(namespace, caller)
PRINCIPAL_NAMESPACE = uuid.UUID("0b9f6a1c-52a7-4f0e-b1d2-3c4e5f607182")  # creatorId: the app's service principal
FOREIGN_APP = "foreign app (control API)"


def application_id(caller: str) -> str:
    """A stable applicationId for the calling app (the Authorization header stands in for the app)."""
    return str(uuid.uuid5(APP_NAMESPACE, caller))


def creator_id(caller: str) -> str:
    return str(uuid.uuid5(PRINCIPAL_NAMESPACE, caller))


def graph_instant(instant: datetime) -> str:
    """UTC with seven fractional digits, as Graph writes expirationDateTime."""
    utc = instant.astimezone(UTC)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond:06d}0Z"


@dataclass
class Subscription:
    id: str
    mailbox: str  # user id of the watched mailbox
    resource: str  # as the client wrote it
    change_types: tuple[str, ...]
    notification_url: str
    lifecycle_url: str | None
    client_state: str | None
    expires: datetime
    caller: str  # the app key (pipeline.app_of)
    tls_version: str = "v1_2"
    foreign: bool = False

    def wants(self, change: str) -> bool:
        return change in self.change_types

    def as_graph(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "resource": self.resource,
            "applicationId": application_id(self.caller),
            "changeType": ",".join(self.change_types),
            "clientState": self.client_state,
            "notificationUrl": self.notification_url,
            "notificationQueryOptions": None,
            "lifecycleNotificationUrl": self.lifecycle_url,
            "expirationDateTime": graph_instant(self.expires),
            "creatorId": creator_id(self.caller),
            "includeResourceData": False,
            "latestSupportedTlsVersion": self.tls_version,
            "encryptionCertificate": None,
            "encryptionCertificateId": None,
            "notificationUrlAppId": None,
        }


@dataclass
class SubscriptionBook:
    by_id: dict[str, Subscription] = field(default_factory=dict)
    deliveries: Counter[str] = field(default_factory=Counter)  # sent, dropped, duplicated, retried, failed, ...

    def purge_expired(self, now: datetime | None = None) -> None:
        moment = now or datetime.now(UTC)
        for gone in [s.id for s in self.by_id.values() if s.expires <= moment]:
            del self.by_id[gone]

    def get(self, subscription_id: str) -> Subscription | None:
        self.purge_expired()
        return self.by_id.get(subscription_id)

    def live(self) -> list[Subscription]:
        self.purge_expired()
        return list(self.by_id.values())

    def on_mailbox(self, mailbox: str) -> list[Subscription]:
        return [s for s in self.live() if s.mailbox == mailbox]

    def add(self, subscription: Subscription) -> None:
        self.by_id[subscription.id] = subscription

    def remove(self, subscription_id: str) -> Subscription | None:
        return self.by_id.pop(subscription_id, None)


def book(state: EmulatorState) -> SubscriptionBook:
    found = state.features.setdefault("subscriptions", SubscriptionBook())
    assert isinstance(found, SubscriptionBook)
    return found


def new_id() -> str:
    return str(uuid.uuid4())
