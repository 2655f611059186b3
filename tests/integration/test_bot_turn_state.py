"""A bot turn neither reads nor writes the Agents SDK's turn state: WeGrow keeps everything in its own tables."""

from __future__ import annotations

from typing import Any

import pytest
from microsoft_agents.hosting.core import MemoryStorage

from shared.container import Container
from shared.services.agenda_store import load_agenda
from shared.services.card_records import CardKind
from tests.fixtures.jwks import KeyServer
from tests.integration.test_bot_endpoint import ADA, action, env, message, post, replies, sent_card

pytestmark = pytest.mark.integration
__all__ = ["env"]  # the fixture, used by name


@pytest.fixture
def storage_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Each read, write or delete of the SDK's storage, with its keys (the SDK reads its sign-in state each turn)."""
    calls: list[tuple[str, str]] = []
    for name in ("read", "write", "delete"):
        original = getattr(MemoryStorage, name)

        async def counted(
            self: MemoryStorage, keys: Any, *args: Any, _name: str = name, _original: Any = original, **options: Any
        ) -> Any:
            calls.extend((_name, str(key)) for key in keys)
            return await _original(self, keys, *args, **options)

        monkeypatch.setattr(MemoryStorage, name, counted)
    return calls


async def test_a_chat_turn_and_a_card_action_leave_the_sdks_storage_alone(
    env: Container, bot_jwks: KeyServer, storage_calls: list[tuple[str, str]]
) -> None:
    added = await post(message(ADA, "add a micro-need: pairing on the release train"), bot_jwks.header())
    assert "Added to your growth agenda" in replies(added)

    card = sent_card(env, CardKind.PREP, ADA)
    data = {"cardId": card, "learningGoals": "Lead a design review", "share1": "true"}
    answered = await post(action(ADA, "prep.submit", data), bot_jwks.header())

    assert answered.status_code == 200 and b"Saved" in answered.get_body()
    assert "pairing on the release train" in [i.text for i in load_agenda(env.store, ADA).items]
    state_keys = [(call, key) for call, key in storage_calls if "/conversations/" in key or "/users/" in key]
    assert state_keys == []
    assert storage_calls, "the spy saw the SDK's own sign-in reads, so it was in place"
