"""Kept connector clients: one per connector URL while sends come, renewed before the token ages, always closed."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import pytest

from shared.adapters.teams.connector_clients import ConnectorClients

URL = "https://smba.trafficmanager.net/teams/"


@dataclass
class FakeClient:
    service_url: str
    closed: bool = False

    async def close(self) -> None:
        self.closed = True


@dataclass
class FakeFactory:
    made: list[FakeClient] = field(default_factory=list)
    calls: list[tuple[str, str, bool]] = field(default_factory=list)

    async def create_connector_client(
        self, context: Any, claims: Any, service_url: str, audience: str, *, use_anonymous: bool
    ) -> FakeClient:
        self.calls.append((service_url, audience, use_anonymous))
        await asyncio.sleep(0)  # concurrent first uses must still make one client
        client = FakeClient(service_url)
        self.made.append(client)
        return client


class Claims:
    allow_anonymous = False

    def get_token_audience(self) -> str:
        return "https://api.botframework.com"


@dataclass
class Clock:
    now: float = 0.0

    def __call__(self) -> float:
        return self.now


def clients(factory: FakeFactory, clock: Clock, linger: float = 60.0) -> ConnectorClients:
    return ConnectorClients(factory, Claims(), max_age=240.0, linger=linger, clock=clock)


async def use(pool: ConnectorClients, url: str = URL) -> FakeClient:
    async with pool.client(url) as client:
        assert isinstance(client, FakeClient)
        return client


async def test_concurrent_and_later_sends_share_one_client_per_connector() -> None:
    factory, clock = FakeFactory(), Clock()
    pool = clients(factory, clock)
    first = await asyncio.gather(*(use(pool) for _ in range(16)))
    later = await use(pool)
    other = await use(pool, "https://smba.trafficmanager.net/emea/")
    assert {id(c) for c in first} == {id(later)}
    assert other is not later
    assert factory.calls == [
        (URL, "https://api.botframework.com", False),
        ("https://smba.trafficmanager.net/emea/", "https://api.botframework.com", False),
    ]
    await pool.aclose()
    assert all(c.closed for c in factory.made)


async def test_a_client_is_renewed_before_its_token_ages_and_the_old_one_closed_after_its_last_request() -> None:
    factory, clock = FakeFactory(), Clock()
    pool = ConnectorClients(factory, Claims(), max_age=240.0, linger=0.01, clock=clock)
    async with pool.client(URL) as old:
        clock.now = 240.0
        renewed = await use(pool)
        assert renewed is not old
        await asyncio.sleep(0.05)
        assert not old.closed  # still answering a request
    await asyncio.sleep(0.05)
    assert old.closed
    await pool.aclose()


async def test_a_refused_token_drops_the_client_and_the_next_use_gets_a_new_one() -> None:
    factory, clock = FakeFactory(), Clock()
    pool = clients(factory, clock)
    before = await use(pool)
    pool.discard(URL)
    after = await use(pool)
    assert after is not before
    assert len(factory.made) == 2
    await pool.aclose()


async def test_an_idle_client_is_closed_and_the_next_send_makes_a_new_one() -> None:
    factory, clock = FakeFactory(), Clock()
    pool = clients(factory, clock, linger=0.01)
    idle = await use(pool)
    clock.now = 1.0
    await asyncio.sleep(0.05)
    assert idle.closed
    assert await use(pool) is not idle
    await pool.aclose()


def test_clients_left_open_are_closed_when_the_event_loop_shuts_down() -> None:
    factory, clock = FakeFactory(), Clock()
    pool = clients(factory, clock)
    kept = [asyncio.run(use(pool)), asyncio.run(use(pool))]
    assert kept[0] is not kept[1]  # a new loop starts afresh: a client belongs to the loop that made it
    assert all(c.closed for c in kept)


@pytest.mark.parametrize("anonymous", [True, False])
async def test_the_factory_is_asked_as_a_proactive_turn_asks_it(anonymous: bool) -> None:
    factory, clock = FakeFactory(), Clock()
    claims = Claims()
    claims.allow_anonymous = anonymous
    pool = ConnectorClients(factory, claims, clock=clock)
    await use(pool)
    assert factory.calls == [(URL, "https://api.botframework.com", anonymous)]
    await pool.aclose()
