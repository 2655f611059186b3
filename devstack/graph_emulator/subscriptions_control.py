"""Control API for change notifications (tests and the demo play Microsoft Graph's part).

- ``GET /_emulator/subscriptions``: every live subscription (Graph JSON plus ``mailbox`` and ``foreign``) and
  the delivery counters since the last reset (``sent``, ``dropped``, ``duplicated``, ``retried``, ``failed``,
  ``abandoned``).
- ``POST /_emulator/subscriptions/{id}/lifecycle`` ``{"event": "reauthorizationRequired" | "subscriptionRemoved"
  | "missed"}``: POST that lifecycle notification to the subscription's ``lifecycleNotificationUrl`` (none is
  sent when it has no such URL, as in Graph). ``subscriptionRemoved`` also deletes the subscription. Answers
  ``{"subscriptionId", "lifecycleEvent", "sent", "removed"}``.
- ``POST /_emulator/subscriptions/{id}/expire``: the subscription reaches its expirationDateTime now (it is gone).
- ``POST /_emulator/mailbox/{user}/foreign-subscriptions`` ``{"count": N}``: N more subscriptions on the user's
  events by another app, never delivered to, so that a test can fill the mailbox to its 1,000 limit.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiohttp import web

from devstack.graph_emulator import calendar as cal
from devstack.graph_emulator.calendar_control import graph_errors
from devstack.graph_emulator.errors import bad_request
from devstack.graph_emulator.state import EmulatorState
from devstack.graph_emulator.subscriptions import MAILBOX_LIMIT, not_found
from devstack.graph_emulator.subscriptions_delivery import LIFECYCLE_EVENTS, Deliverer
from devstack.graph_emulator.subscriptions_store import FOREIGN_APP, Subscription, book, new_id

FOREIGN_LIFETIME = timedelta(minutes=4230)


def foreign_subscription(user_id: str, now: datetime) -> Subscription:
    return Subscription(
        id=new_id(),
        mailbox=user_id,
        resource=f"users/{user_id}/events",
        change_types=("created", "updated", "deleted"),
        notification_url="https://notifications.contoso.example/api/events",
        lifecycle_url=None,
        client_state=None,
        expires=now + FOREIGN_LIFETIME,
        caller=FOREIGN_APP,
        foreign=True,
    )


def add_routes(app: web.Application, state: EmulatorState, deliverer: Deliverer) -> None:
    async def list_all(request: web.Request) -> web.Response:
        found = book(state)
        listed = [{**s.as_graph(), "mailbox": s.mailbox, "foreign": s.foreign} for s in found.live()]
        return web.json_response({"subscriptions": listed, "deliveries": dict(found.deliveries)})

    async def lifecycle(request: web.Request) -> web.Response:
        subscription_id = request.match_info["subscription_id"]
        sub = book(state).get(subscription_id)
        if sub is None:
            raise not_found(subscription_id)
        body = await cal.body_json(request)
        event = body.get("event") if isinstance(body, dict) else None
        if event not in LIFECYCLE_EVENTS:
            raise bad_request(f"event must be one of {', '.join(LIFECYCLE_EVENTS)}")
        sent = deliverer.lifecycle(sub, str(event))
        removed = event == "subscriptionRemoved"
        if removed:
            book(state).remove(sub.id)
        return web.json_response({"subscriptionId": sub.id, "lifecycleEvent": event, "sent": sent, "removed": removed})

    async def expire(request: web.Request) -> web.Response:
        subscription_id = request.match_info["subscription_id"]
        sub = book(state).get(subscription_id)
        if sub is None:
            raise not_found(subscription_id)
        sub.expires = datetime.now(UTC)
        book(state).purge_expired()
        return web.json_response({"subscriptionId": sub.id, "expired": True})

    async def add_foreign(request: web.Request) -> web.Response:
        user_id = cal.mailbox(state, request.match_info["user"])
        body = await cal.body_json(request)
        count = body.get("count") if isinstance(body, dict) else None
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise bad_request('body must be {"count": N} with N >= 0')
        held = len(book(state).on_mailbox(user_id))
        if held + count > MAILBOX_LIMIT:
            raise bad_request(f"the mailbox holds {held}; {count} more would pass the limit of {MAILBOX_LIMIT}")
        now = datetime.now(UTC)
        for _ in range(count):
            book(state).add(foreign_subscription(user_id, now))
        return web.json_response({"mailbox": user_id, "subscriptions": held + count})

    app.router.add_get("/_emulator/subscriptions", graph_errors(list_all))
    app.router.add_post("/_emulator/subscriptions/{subscription_id}/lifecycle", graph_errors(lifecycle))
    app.router.add_post("/_emulator/subscriptions/{subscription_id}/expire", graph_errors(expire))
    app.router.add_post("/_emulator/mailbox/{user}/foreign-subscriptions", graph_errors(add_foreign))
