"""Graph change notifications on mailboxes' events: ``/v1.0/subscriptions`` and the deliveries they cause.

Routes: ``POST /subscriptions`` (201), ``GET /subscriptions`` (the calling app's), ``GET``, ``PATCH`` (200) and
``DELETE`` (204) ``/subscriptions/{id}``. What they accept, and the errors, are in subscriptions_rules.py; the
handshake and the deliveries in subscriptions_delivery.py; the records in subscriptions_store.py; the control API
(list, lifecycle events, expiry, other apps' subscriptions) in subscriptions_control.py.

- A create runs the validation handshake on ``notificationUrl`` and on ``lifecycleNotificationUrl`` when given;
  a failure is 400 ``InvalidRequest`` and nothing is stored. A PATCH that changes ``notificationUrl`` validates
  the new one; a renewal alone does not call the endpoint.
- A mailbox holds at most 1,000 subscriptions, counting every app's (Outlook resource limitations). One more is
  403 ``ExtensionError`` "... Reason: Maximum number of subscriptions has been reached" (the status, code and
  reason Graph answered for a subscription limit: microsoft-graph-docs issue #21403; for Outlook the reason text
  is unverified).
- The caller is the app: the Authorization header stands in for it (``pipeline.app_of``), as for throttling. An
  app sees and changes only its own subscriptions; another app's id is 404, as an unknown or expired one is.
- Every change to an event in a watched mailbox (calendar_store.py tells) is POSTed to the subscription's
  ``notificationUrl`` when its ``changeType`` includes the change.
"""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp import web

from devstack.graph_emulator import calendar as cal
from devstack.graph_emulator import pipeline
from devstack.graph_emulator import subscriptions_rules as rules
from devstack.graph_emulator.errors import GraphError
from devstack.graph_emulator.state import EmulatorState
from devstack.graph_emulator.subscriptions_delivery import Deliverer
from devstack.graph_emulator.subscriptions_store import Subscription, SubscriptionBook, book, new_id
from devstack.tenant import Tenant

MAILBOX_LIMIT = 1000  # active subscriptions per mailbox, all applications together
DELIVERER_KEY: web.AppKey[Deliverer] = web.AppKey("graph_notification_deliverer", Deliverer)


def not_found(subscription_id: str) -> GraphError:
    return GraphError(404, "ResourceNotFound", f"The subscription '{subscription_id}' was not found.")


def limit_reached() -> GraphError:
    return rules.extension_error(403, "Create", "Maximum number of subscriptions has been reached")


def own(request: web.Request, state: EmulatorState) -> Subscription:
    """The subscription in the path, if the calling app made it and it has not expired."""
    subscription_id = request.match_info["subscription_id"]
    found = book(state).get(subscription_id)
    if found is None or found.foreign or found.caller != pipeline.app_of(request):
        raise not_found(subscription_id)
    return found


def entity(request: web.Request, sub: Subscription, status: int = 200) -> web.Response:
    context = f"{request.url.origin()}/v1.0/$metadata#subscriptions/$entity"
    return web.json_response({"@odata.context": context, **sub.as_graph()}, status=status)


async def validated(deliverer: Deliverer, *urls: str | None) -> None:
    for url in urls:
        problem = None if url is None else await deliverer.validate(url)
        if problem is not None:
            raise rules.invalid(problem)


def add_routes(app: web.Application, state: EmulatorState, deliverer: Deliverer) -> None:
    async def create(request: web.Request) -> web.Response:
        wanted = rules.parse_create(state, await cal.body_json(request), datetime.now(UTC))
        if len(book(state).on_mailbox(wanted.mailbox)) >= MAILBOX_LIMIT:
            raise limit_reached()
        await validated(deliverer, wanted.notification_url, wanted.lifecycle_url)
        if len(book(state).on_mailbox(wanted.mailbox)) >= MAILBOX_LIMIT:  # filled while validating
            raise limit_reached()
        sub = Subscription(
            id=new_id(),
            mailbox=wanted.mailbox,
            resource=wanted.resource,
            change_types=wanted.change_types,
            notification_url=wanted.notification_url,
            lifecycle_url=wanted.lifecycle_url,
            client_state=wanted.client_state,
            expires=wanted.expires,
            caller=pipeline.app_of(request),
            tls_version=wanted.tls_version,
        )
        book(state).add(sub)
        return entity(request, sub, status=201)

    async def list_own(request: web.Request) -> web.Response:
        caller = pipeline.app_of(request)
        mine = [s.as_graph() for s in book(state).live() if not s.foreign and s.caller == caller]
        context = f"{request.url.origin()}/v1.0/$metadata#subscriptions"
        return web.json_response({"@odata.context": context, "value": mine})

    async def get_one(request: web.Request) -> web.Response:
        return entity(request, own(request, state))

    async def renew(request: web.Request) -> web.Response:
        sub = own(request, state)
        expires, url = rules.parse_renewal(await cal.body_json(request), datetime.now(UTC))
        rules.mailbox(state, sub.mailbox, "Update")  # renewing re-checks access (lifecycle events page)
        if url is not None and url != sub.notification_url:
            await validated(deliverer, url)
        sub.expires = expires or sub.expires
        sub.notification_url = url or sub.notification_url
        return entity(request, sub)

    async def delete(request: web.Request) -> web.Response:
        book(state).remove(own(request, state).id)
        return web.Response(status=204)

    app.router.add_post("/v1.0/subscriptions", create)
    app.router.add_get("/v1.0/subscriptions", list_own)
    app.router.add_get("/v1.0/subscriptions/{subscription_id}", get_one)
    app.router.add_patch("/v1.0/subscriptions/{subscription_id}", renew)
    app.router.add_delete("/v1.0/subscriptions/{subscription_id}", delete)


def setup(app: web.Application, state: EmulatorState) -> None:
    from devstack.graph_emulator import subscriptions_control

    deliverer = Deliverer(state)
    app[DELIVERER_KEY] = deliverer
    app.on_cleanup.append(deliverer.close)
    state.calendar_listeners.append(deliverer.on_calendar_change)
    add_routes(app, state, deliverer)
    subscriptions_control.add_routes(app, state, deliverer)


def load_tenant(state: EmulatorState, tenant: Tenant) -> None:
    """A fresh tenant has no subscriptions (reset drops them, and anything still queued for them)."""
    state.features["subscriptions"] = SubscriptionBook()
