"""The emulator's outgoing HTTP: the validation handshake, change notifications and lifecycle notifications.

- Handshake (change-notifications-delivery-webhooks, "notificationUrl validation"): a POST to the URL with
  ``validationToken`` in the query and ``Content-Type: text/plain; charset=utf-8``; the endpoint must answer
  200 with ``text/plain`` and the decoded token as the body, within 10 s. The token has spaces and colons, as
  Graph's do, so an endpoint that echoes the raw query fails here as it would in Azure.
- Notifications go out in background tasks on one ``aiohttp.ClientSession`` (made lazily, closed on app
  cleanup), never inside the request that made the change. Each POST has Graph's 3 s timeout. A failed delivery
  (not 2xx, timeout, connection error) is retried after 0.5, 1 and 2 s, then given up and counted as failed;
  Graph retries for up to 4 hours, which no test can wait for. A change notification still queued when its
  subscription is deleted or expires is not sent; after a reset nothing queued is sent.
- Switches: ``notify_drop`` (probability, drawn from ``state.notify_rng`` seeded by ``fault_seed``) drops a
  notification silently; ``notify_duplicate`` sends each one twice; ``notify_reorder`` holds them for 0.3 s and
  sends the held ones in reverse order, one after another.
- The emulator never leaves the machine: a URL whose host is not loopback fails validation unreachable. Redirects
  are not followed.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any

import aiohttp
from yarl import URL

from devstack.graph_emulator.calendar_model import Entry
from devstack.graph_emulator.state import EmulatorState
from devstack.graph_emulator.subscriptions_rules import LOOPBACK_HOSTS
from devstack.graph_emulator.subscriptions_store import Subscription, SubscriptionBook, book, graph_instant
from devstack.graph_emulator.teamwork import TENANT_ID

DELIVERY_TIMEOUT_S = 3.0
VALIDATION_TIMEOUT_S = 10.0
RETRY_DELAYS_S = (0.5, 1.0, 2.0)
REORDER_HOLD_S = 0.3
LIFECYCLE_EVENTS = ("reauthorizationRequired", "subscriptionRemoved", "missed")
FAILED = "Subscription validation request failed."


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One notification POST: ``book`` is the sub-state it was made in (a reset replaces it)."""

    book: SubscriptionBook
    subscription: Subscription
    url: str
    body: dict[str, Any]
    needs_subscription: bool  # a change notification; a lifecycle one goes out even once the subscription is gone


def change_body(sub: Subscription, entry: Entry, change: str) -> dict[str, Any]:
    path = f"Users/{entry.user_id}/Events/{entry.event_id}"
    meeting = entry.meeting
    data = {
        "@odata.type": "#Microsoft.Graph.Event",
        "@odata.id": path,
        "@odata.etag": f'W/"{meeting.meeting_id[:12]}{meeting.version}"',
        "id": entry.event_id,
    }
    item = {
        "subscriptionId": sub.id,
        "subscriptionExpirationDateTime": graph_instant(sub.expires),
        "changeType": change,
        "resource": path,
        "resourceData": data,
        "clientState": sub.client_state,
        "tenantId": TENANT_ID,
    }
    return {"value": [item]}


def lifecycle_body(sub: Subscription, event: str) -> dict[str, Any]:
    """As documented (change-notifications-lifecycle-events): no resource, it is about the subscription."""
    item = {
        "lifecycleEvent": event,
        "subscriptionId": sub.id,
        "subscriptionExpirationDateTime": graph_instant(sub.expires),
        "clientState": sub.client_state,
        "tenantId": TENANT_ID,
    }
    return {"value": [item]}


def on_loopback(url: str) -> bool:
    return URL(url).host in LOOPBACK_HOSTS


class Deliverer:
    def __init__(self, state: EmulatorState) -> None:
        self.state = state
        self._session: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._held: list[Outgoing] = []

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session

    async def close(self, app: object = None) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()

    async def validate(self, url: str) -> str | None:
        """None when ``url`` passes the handshake, else the error message Graph would give."""
        if not on_loopback(url):
            return f"{FAILED} The notification endpoint could not be reached (the emulator only calls loopback)."
        token = f"Validation: Testing client application reachability for subscription Request-Id: {uuid.uuid4()}"
        headers = {"Content-Type": "text/plain; charset=utf-8"}
        timeout = aiohttp.ClientTimeout(total=VALIDATION_TIMEOUT_S)
        target = URL(url).extend_query(validationToken=token)
        try:
            post = self._client().post(target, data=b"", headers=headers, timeout=timeout, allow_redirects=False)
            async with post as answer:
                status, kind, text = answer.status, answer.content_type, await answer.text()
        except (aiohttp.ClientError, TimeoutError, OSError):
            return f"{FAILED} The notification endpoint did not answer within {VALIDATION_TIMEOUT_S:.0f} seconds."
        if status != 200:
            return f"{FAILED} Notification endpoint must respond with 200 OK to validation request."
        if kind != "text/plain" or text != token:
            return f"{FAILED} Response must exactly match validationToken query parameter."
        return None

    def on_calendar_change(self, entry: Entry, change: str) -> None:
        """The calendar store's listener: one notification per live subscription on the mailbox that wants it."""
        subscriptions = book(self.state)
        if not subscriptions.by_id:  # the usual case, and every event seeded at (re)load
            return
        for sub in subscriptions.on_mailbox(entry.user_id):
            if not sub.foreign and sub.wants(change):
                self.dispatch(Outgoing(subscriptions, sub, sub.notification_url, change_body(sub, entry, change), True))

    def lifecycle(self, sub: Subscription, event: str) -> bool:
        """Send a lifecycle notification; False when the subscription has no lifecycleNotificationUrl."""
        if sub.lifecycle_url is None or sub.foreign:
            return False
        self.dispatch(Outgoing(book(self.state), sub, sub.lifecycle_url, lifecycle_body(sub, event), False))
        return True

    def dispatch(self, outgoing: Outgoing) -> None:
        counters, switches = outgoing.book.deliveries, self.state.switches
        if switches.notify_drop > 0 and self.state.notify_rng.random() < switches.notify_drop:
            counters["dropped"] += 1
            return
        copies = [outgoing, outgoing] if switches.notify_duplicate else [outgoing]
        if switches.notify_duplicate:
            counters["duplicated"] += 1
        if not switches.notify_reorder:
            for item in copies:
                self._spawn(self._deliver(item))
            return
        if not self._held:
            self._spawn(self._release_held())
        self._held.extend(copies)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # a change made outside the server's loop (in-process use): nothing to deliver with
            work.close()
            return
        task = loop.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _release_held(self) -> None:
        await asyncio.sleep(REORDER_HOLD_S)
        held, self._held = self._held, []
        for item in reversed(held):
            await self._deliver(item)

    def _still_wanted(self, outgoing: Outgoing) -> bool:
        if book(self.state) is not outgoing.book:  # reset since
            return False
        sub = outgoing.subscription
        return not outgoing.needs_subscription or outgoing.book.get(sub.id) is sub

    async def _deliver(self, outgoing: Outgoing) -> None:
        counters = outgoing.book.deliveries
        for attempt, delay in enumerate((0.0, *RETRY_DELAYS_S)):
            if delay:
                await asyncio.sleep(delay)
            if not self._still_wanted(outgoing):
                counters["abandoned"] += 1
                return
            if attempt:
                counters["retried"] += 1
            if await self._post(outgoing.url, outgoing.body):
                counters["sent"] += 1
                return
        counters["failed"] += 1

    async def _post(self, url: str, body: dict[str, Any]) -> bool:
        if not on_loopback(url):
            return False
        timeout = aiohttp.ClientTimeout(total=DELIVERY_TIMEOUT_S)
        try:
            async with self._client().post(url, json=body, timeout=timeout, allow_redirects=False) as answer:
                await answer.read()
                return 200 <= answer.status < 300
        except (aiohttp.ClientError, TimeoutError, OSError):
            return False
