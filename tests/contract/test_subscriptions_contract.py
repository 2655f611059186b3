"""One Subscriptions contract suite, run against FakeSubscriptions and GraphSubscriptions on the Graph emulator.

On the emulator every create runs the validation handshake against a tiny aiohttp receiver on 127.0.0.1 (http is
allowed on loopback only): ``/ok...`` echoes ``validationToken`` as text/plain, ``/broken...`` answers 500.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from aiohttp import web

from shared.adapters.graph.client import aclose_graph_client, build_graph_client
from shared.adapters.graph.retry import RetryStats
from shared.adapters.graph.subscriptions import GraphSubscriptions
from shared.config import load_settings
from shared.domain.notifications import CHANGE_TYPES, client_state_for
from shared.domain.subscriptions import DEFAULT_LIFETIME, OUTLOOK_MAX_LIFETIME, PER_MAILBOX_LIMIT
from shared.ports.subscriptions import (
    REFUSED_INVALID,
    REFUSED_LIMIT,
    REFUSED_NO_MAILBOX,
    REFUSED_OUT_OF_SCOPE,
    REFUSED_VALIDATION,
    SubscriptionGone,
    SubscriptionRefused,
    Subscriptions,
    SubscriptionSpec,
)
from tests.contract.test_graph_adapter_support import FAST_POLICY
from tests.fakes.subscriptions import FakeSubscriptions

pytestmark = pytest.mark.contract

SECRET = b"contract-secret-of-32-characters"


@dataclass
class Subject:
    subscriptions: Subscriptions
    users: tuple[str, str]  # two mailboxes inside the access policy
    no_mailbox: str  # a user without an Exchange mailbox
    base_url: str  # the receiver: {base}/ok... echoes the token, {base}/broken... does not
    deny: Callable[[str], None]  # put a mailbox outside the application access policy
    fill: Callable[[str, int], None]  # other apps' subscriptions on a mailbox
    expire: Callable[[str], None]  # Graph drops the subscription (it expired)
    count: Callable[[str], int]  # live subscriptions on a mailbox, all apps

    def spec(
        self, user: str, *, ahead: timedelta = DEFAULT_LIFETIME, path: str = "/ok", lifecycle: str = ""
    ) -> SubscriptionSpec:
        notify = f"{self.base_url}{path}"
        expires = datetime.now(UTC) + ahead
        state = client_state_for(SECRET, user)
        return SubscriptionSpec(user, CHANGE_TYPES, notify, lifecycle or f"{notify}/lifecycle", state, expires)


@pytest.fixture(params=["fake", "graph"])
async def subject(request: pytest.FixtureRequest) -> AsyncIterator[Subject]:
    if request.param == "fake":
        yield fake_subject()
        return
    graph = request.getfixturevalue("graph")
    async with receiver() as base_url, graph_subscriptions(graph.base_url) as adapter:
        yield graph_subject(graph, adapter, base_url)


def fake_subject() -> Subject:
    fake = FakeSubscriptions({"u1", "u2"})
    base = "http://127.0.0.1:9"
    fake.unreachable.update({f"{base}/broken", f"{base}/broken/lifecycle", f"{base}/ok/broken"})

    def fill(user: str, count: int) -> None:
        fake.others[user] += count

    return Subject(fake, ("u1", "u2"), "nomail", base, fake.out_of_scope.add, fill, fake.remove, fake.count)


def graph_subject(graph: Any, adapter: GraphSubscriptions, base_url: str) -> Subject:
    people = graph.tenant()["people"]
    mailboxes = [p["id"] for p in people if p["hasMailbox"] and p["accountEnabled"]]
    no_mailbox = next(p["id"] for p in people if not p["hasMailbox"])

    def deny(user: str) -> None:
        graph._call("POST", "access-policy", {"denied": [user]})

    def fill(user: str, count: int) -> None:
        graph._call("POST", f"mailbox/{user}/foreign-subscriptions", {"count": count})

    def expire(subscription_id: str) -> None:
        graph._call("POST", f"subscriptions/{subscription_id}/expire", {})

    def count(user: str) -> int:
        return sum(1 for s in graph._call("GET", "subscriptions")["subscriptions"] if s["mailbox"] == user)

    return Subject(adapter, (mailboxes[0], mailboxes[1]), no_mailbox, base_url, deny, fill, expire, count)


@asynccontextmanager
async def receiver() -> AsyncIterator[str]:
    """An aiohttp endpoint on a free loopback port: ``/ok...`` passes the handshake, ``/broken...`` fails it."""
    app = web.Application()
    app.router.add_route("POST", "/{path:.*}", _handle)
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


async def _handle(request: web.Request) -> web.Response:
    token = request.query.get("validationToken")
    if "broken" in request.path:
        return web.Response(status=500)
    if token is not None:
        return web.Response(text=token, content_type="text/plain")
    return web.Response(status=202)


@asynccontextmanager
async def graph_subscriptions(base_url: str) -> AsyncIterator[GraphSubscriptions]:
    """GraphSubscriptions on its own msgraph-sdk client, closed afterwards."""
    settings = load_settings(storage_connection="UseDevelopmentStorage=true", graph_base_url=base_url)
    client = build_graph_client(settings, http_client=httpx.AsyncClient(timeout=30))
    try:
        yield GraphSubscriptions(client, policy=FAST_POLICY, stats=RetryStats())
    finally:
        await aclose_graph_client(client)


async def refusal(subject: Subject, spec: SubscriptionSpec) -> str:
    with pytest.raises(SubscriptionRefused) as caught:
        await subject.subscriptions.create(spec)
    return caught.value.reason


# ---------------------------------------------------------------- create, renew, delete


async def test_create_answers_an_id_for_the_mailbox_and_the_expiry_asked(subject: Subject) -> None:
    user = subject.users[0]
    spec = subject.spec(user)
    created = await subject.subscriptions.create(spec)
    assert created.id and created.user_id == user
    assert abs(created.expires - spec.expires) < timedelta(seconds=1)
    assert subject.count(user) == 1
    again = await subject.subscriptions.create(subject.spec(user))
    assert again.id != created.id and subject.count(user) == 2  # each create is a new subscription


async def test_renew_moves_the_expiry(subject: Subject) -> None:
    created = await subject.subscriptions.create(subject.spec(subject.users[0], ahead=timedelta(hours=1)))
    later = datetime.now(UTC) + DEFAULT_LIFETIME
    renewed = await subject.subscriptions.renew(created.id, later)
    assert renewed.id == created.id and abs(renewed.expires - later) < timedelta(seconds=1)


async def test_renewing_a_subscription_graph_dropped_says_gone(subject: Subject) -> None:
    created = await subject.subscriptions.create(subject.spec(subject.users[0]))
    subject.expire(created.id)
    with pytest.raises(SubscriptionGone):
        await subject.subscriptions.renew(created.id, datetime.now(UTC) + DEFAULT_LIFETIME)


async def test_delete_is_idempotent_and_a_deleted_subscription_is_gone(subject: Subject) -> None:
    user = subject.users[1]
    created = await subject.subscriptions.create(subject.spec(user))
    await subject.subscriptions.delete(created.id)
    await subject.subscriptions.delete(created.id)
    await subject.subscriptions.delete("00000000-0000-0000-0000-000000000000")
    assert subject.count(user) == 0
    with pytest.raises(SubscriptionGone):
        await subject.subscriptions.renew(created.id, datetime.now(UTC) + timedelta(hours=1))


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize("ahead", [OUTLOOK_MAX_LIFETIME + timedelta(minutes=5), timedelta(minutes=-5)])
async def test_an_expiry_beyond_4230_minutes_or_in_the_past_is_invalid(subject: Subject, ahead: timedelta) -> None:
    assert await refusal(subject, subject.spec(subject.users[0], ahead=ahead)) == REFUSED_INVALID
    created = await subject.subscriptions.create(subject.spec(subject.users[0]))
    with pytest.raises(SubscriptionRefused) as caught:
        await subject.subscriptions.renew(created.id, datetime.now(UTC) + ahead)
    assert caught.value.reason == REFUSED_INVALID


async def test_plain_http_off_loopback_is_invalid(subject: Subject) -> None:
    spec = subject.spec(subject.users[0])
    for field in ("notification_url", "lifecycle_url"):
        changed = replace(spec, **{field: "http://wegrow.example/api/notifications"})
        assert await refusal(subject, changed) == REFUSED_INVALID


async def test_a_user_without_a_mailbox_is_refused(subject: Subject) -> None:
    assert await refusal(subject, subject.spec(subject.no_mailbox)) == REFUSED_NO_MAILBOX
    assert await refusal(subject, subject.spec("6f1d0c9e-0000-4000-8000-000000000000")) == REFUSED_NO_MAILBOX


async def test_a_mailbox_outside_the_access_policy_is_refused_on_create_and_renew(subject: Subject) -> None:
    user = subject.users[0]
    created = await subject.subscriptions.create(subject.spec(user))
    subject.deny(user)
    assert await refusal(subject, subject.spec(user)) == REFUSED_OUT_OF_SCOPE
    with pytest.raises(SubscriptionRefused) as caught:
        await subject.subscriptions.renew(created.id, datetime.now(UTC) + DEFAULT_LIFETIME)
    assert caught.value.reason == REFUSED_OUT_OF_SCOPE


async def test_a_mailbox_holding_1000_subscriptions_is_refused(subject: Subject) -> None:
    user = subject.users[1]
    subject.fill(user, PER_MAILBOX_LIMIT - 1)
    await subject.subscriptions.create(subject.spec(user))
    assert subject.count(user) == PER_MAILBOX_LIMIT
    assert await refusal(subject, subject.spec(user)) == REFUSED_LIMIT
    assert await subject.subscriptions.create(subject.spec(subject.users[0]))  # other mailboxes are not affected


@pytest.mark.parametrize(("path", "lifecycle"), [("/broken", ""), ("/ok", "broken")])
async def test_an_endpoint_failing_the_validation_handshake_is_refused(
    subject: Subject, path: str, lifecycle: str
) -> None:
    lifecycle_url = f"{subject.base_url}/ok/broken" if lifecycle else ""
    spec = subject.spec(subject.users[0], path=path, lifecycle=lifecycle_url)
    assert await refusal(subject, spec) == REFUSED_VALIDATION
    assert subject.count(subject.users[0]) == 0
