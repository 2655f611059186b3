"""send-card: once per (occurrence, kind), backoff on 429, 403 permanent, stale ids reinstalled."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pytest

from shared.ports.messenger import ConversationRef, Recipient, RecipientUnreachable, StaleConversation, Throttled
from shared.services.card_rate import CardRateLimiter
from shared.services.card_records import CardKind, CardStatus, card_id, find_card
from shared.services.send_cards import SendCard, SendResult, send_card
from tests.fakes.storage import InMemoryStore

pytestmark = pytest.mark.unit


class FixedClock:
    def now(self) -> datetime:
        return datetime(2026, 3, 7, 9, tzinfo=UTC)


class ScriptedMessenger:
    """Answers each send with the next scripted failure, then succeeds; counts installs."""

    def __init__(self, failures: list[Exception] | None = None) -> None:
        self.failures = list(failures or [])
        self.sent: list[tuple[str, str]] = []
        self.installs = 0

    async def ensure_conversation(self, user: Recipient, *, refresh: bool = False) -> ConversationRef:
        self.installs += 1 if refresh else 0
        return ConversationRef(user.user_id, f"a:{user.user_id}:{self.installs}", "http://127.0.0.1/")

    def stored_keys(self, user: Recipient) -> list[tuple[str, str, str]]:
        return []  # it stores nothing

    async def send_card(self, ref: ConversationRef, card: Mapping[str, Any], message_id: str) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((ref.conversation_id, message_id))


def no_wait_limiter() -> CardRateLimiter:
    async def sleep(_: float) -> None:
        return None

    return CardRateLimiter(sleep=sleep)


MESSAGE = SendCard(kind=CardKind.PREP, occurrence_id="occ-1", recipient_id="ada-oid")


async def run(store: InMemoryStore, messenger: ScriptedMessenger) -> SendResult:
    return await send_card(store, messenger, FixedClock(), no_wait_limiter(), MESSAGE, {"type": "AdaptiveCard"})


async def test_a_card_goes_out_once_per_occurrence_and_kind() -> None:
    store, messenger = InMemoryStore(), ScriptedMessenger()
    assert await run(store, messenger) is SendResult.SENT
    assert await run(store, messenger) is SendResult.ALREADY_SENT
    assert messenger.sent == [("a:ada-oid:0", card_id("occ-1", CardKind.PREP))]
    record = find_card(store, card_id("occ-1", CardKind.PREP))
    assert record is not None and record.status is CardStatus.SENT and record.recipient_id == "ada-oid"


async def test_429_backs_off_then_sends() -> None:
    store, messenger = InMemoryStore(), ScriptedMessenger([Throttled(0.1), Throttled(0.1)])
    assert await run(store, messenger) is SendResult.SENT
    assert len(messenger.sent) == 1


async def test_429s_get_max_attempts_in_all_then_the_last_one_is_raised() -> None:
    from shared.services.send_cards import MAX_ATTEMPTS

    almost = ScriptedMessenger([Throttled(0.0)] * (MAX_ATTEMPTS - 1))
    assert await run(InMemoryStore(), almost) is SendResult.SENT and len(almost.sent) == 1
    store, never = InMemoryStore(), ScriptedMessenger([Throttled(0.0)] * MAX_ATTEMPTS + [Throttled(0.0)])
    with pytest.raises(Throttled):
        await run(store, never)
    assert never.sent == [] and len(never.failures) == 1  # exactly MAX_ATTEMPTS sends were tried
    record = find_card(store, card_id("occ-1", CardKind.PREP))
    assert record is not None and record.status is CardStatus.PENDING  # the queue's retry sends it later


async def test_403_is_permanent_and_recorded() -> None:
    store, messenger = InMemoryStore(), ScriptedMessenger([RecipientUnreachable()])
    assert await run(store, messenger) is SendResult.UNREACHABLE
    assert await run(store, messenger) is SendResult.UNREACHABLE
    record = find_card(store, card_id("occ-1", CardKind.PREP))
    assert record is not None and record.status is CardStatus.UNREACHABLE
    assert messenger.sent == []


async def test_stale_ids_reinstall_and_send_again() -> None:
    store, messenger = InMemoryStore(), ScriptedMessenger([StaleConversation()])
    assert await run(store, messenger) is SendResult.SENT
    assert messenger.installs == 1
    assert messenger.sent == [("a:ada-oid:1", card_id("occ-1", CardKind.PREP))]


async def test_a_crash_before_marking_sent_leaves_a_pending_row_that_a_retry_completes() -> None:
    store = InMemoryStore()
    with pytest.raises(RuntimeError):
        await run(store, ScriptedMessenger([RuntimeError("crash")]))
    record = find_card(store, card_id("occ-1", CardKind.PREP))
    assert record is not None and record.status is CardStatus.PENDING
    retry = ScriptedMessenger()
    assert await run(store, retry) is SendResult.SENT
    assert len(retry.sent) == 1


async def test_rate_limiter_waits_when_a_conversation_bucket_is_empty() -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    now = [0.0]
    limiter = CardRateLimiter(per_conversation=2, global_rate=100, clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        await limiter.acquire("a:1")
    assert waits and waits[0] == pytest.approx(0.5)
    await limiter.acquire("a:2")
    assert len(waits) == 1
