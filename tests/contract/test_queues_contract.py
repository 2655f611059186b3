"""One Queues suite, run against the in-memory fake and StorageQueues on Azurite."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from azure.core.credentials import AzureNamedKeyCredential

from devstack.azurite import Azurite
from shared.adapters.storage.queue_http import QueueHttp, queue_http
from shared.adapters.storage.queues import StorageQueues
from shared.ports.storage import NotFound, Queues, StoreError
from tests.fakes.storage import InMemoryQueues

pytestmark = pytest.mark.contract


class Clock:
    """Time for the fake; sleeping is the only way to move Azurite's."""

    def __init__(self) -> None:
        self.now = datetime(2025, 1, 1, tzinfo=UTC)


@pytest.fixture(params=["fake", "azurite"])
def subject(request: pytest.FixtureRequest) -> tuple[Queues, Callable[[float], None]]:
    """The queues under test and a function that lets ``seconds`` pass for them."""
    if request.param == "fake":
        clock = Clock()

        def advance(seconds: float) -> None:
            clock.now += timedelta(seconds=seconds)

        return InMemoryQueues(now=lambda: clock.now), advance
    real: Queues = request.getfixturevalue("azurite_queues")
    return real, time.sleep


@pytest.fixture
def queues(subject: tuple[Queues, Callable[[float], None]]) -> Queues:
    return subject[0]


def test_implements_the_port(queues: Queues) -> None:
    assert isinstance(queues, Queues)


def test_send_receive_complete(queues: Queues) -> None:
    queues.send("pair-changed", {"pair": "m1:r1", "n": [1, 2]})
    queues.send("pair-changed", {"pair": "m1:r2"})
    assert queues.length("pair-changed") == 2
    got = queues.receive("pair-changed", max_messages=16)
    assert [m.body for m in got] == [{"pair": "m1:r1", "n": [1, 2]}, {"pair": "m1:r2"}]
    assert all(m.dequeue_count == 1 for m in got)
    for message in got:
        queues.complete("pair-changed", message)
    assert queues.length("pair-changed") == 0
    assert queues.receive("pair-changed") == []


def test_missing_queue_is_empty(queues: Queues) -> None:
    assert queues.length("never-used") == 0
    assert queues.receive("never-used") == []


def test_received_message_is_invisible_until_timeout(queues: Queues) -> None:
    queues.send("export", {"row": 1})
    first = queues.receive("export", visibility_timeout=30)
    assert len(first) == 1
    assert queues.receive("export") == []
    assert queues.length("export") == 1


def test_release_makes_it_visible_again_and_counts_dequeues(queues: Queues) -> None:
    queues.send("send-card", {"card": "c1"})
    for attempt in (1, 2, 3):
        got = queues.receive("send-card", visibility_timeout=30)
        assert [m.dequeue_count for m in got] == [attempt]
        queues.release("send-card", got[0], delay=0)


def test_visibility_timeout_expires_and_message_returns(subject: tuple[Queues, Callable[[float], None]]) -> None:
    queues, elapse = subject
    queues.send("schedule-pair", {"pair": "x"})
    assert len(queues.receive("schedule-pair", visibility_timeout=1)) == 1
    assert queues.receive("schedule-pair") == []
    elapse(1.5)
    again = queues.receive("schedule-pair", visibility_timeout=30)
    assert [(m.body, m.dequeue_count) for m in again] == [({"pair": "x"}, 2)]


def test_complete_with_stale_pop_receipt_fails(queues: Queues) -> None:
    queues.send("export", {"row": 2})
    [message] = queues.receive("export", visibility_timeout=30)
    queues.release("export", message, delay=0)
    [again] = queues.receive("export", visibility_timeout=30)
    with pytest.raises(NotFound):
        queues.complete("export", message)
    queues.complete("export", again)
    assert queues.length("export") == 0


@pytest.mark.slow
def test_azurite_with_location_keeps_queued_work_across_restart(azurite_persistent: Azurite) -> None:
    from azure.storage.queue import QueueServiceClient

    def queues() -> StorageQueues:
        return StorageQueues(QueueServiceClient.from_connection_string(azurite_persistent.connection_string))

    queues().send("schedule-pair", {"pair": "m1:r1"})
    azurite_persistent.restart()
    [message] = queues().receive("schedule-pair")
    assert message.body == {"pair": "m1:r1"}


def test_a_delayed_send_stays_invisible_until_its_delay(subject: tuple[Queues, Callable[[float], None]]) -> None:
    queues, elapse = subject
    queues.send("send-card", {"card": "later", "who": "Zoë 日本"}, delay=1)
    queues.send("send-card", {"card": "now"})
    assert [m.body for m in queues.receive("send-card", visibility_timeout=30)] == [{"card": "now"}]
    elapse(1.5)
    assert [m.body for m in queues.receive("send-card")] == [{"card": "later", "who": "Zoë 日本"}]


def test_azurite_refuses_a_send_signed_with_another_key(azurite_queues: StorageQueues) -> None:
    """The send is signed as Queue Shared Key wants it, and Azurite checks it: a wrong key gets 403, no message."""
    service, name = azurite_queues._service, azurite_queues._created("signed")
    queue_http(service).send(name, '{"ok": true}')
    account = str(service.credential.account_name)
    wrong = QueueHttp(service.url, AzureNamedKeyCredential(account, base64.b64encode(b"x" * 64).decode()))
    with pytest.raises(StoreError, match="HTTP 403"):
        wrong.send(name, '{"ok": false}')
    assert [m.body for m in azurite_queues.receive("signed")] == [{"ok": True}]
