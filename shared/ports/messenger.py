"""Proactive Teams delivery: reach a user's 1:1 chat with the bot and post a card there."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from shared.ports.storage import EntityKey


class RecipientUnreachable(Exception):
    """Permanent: the user blocked the bot or an admin disabled the app (connector 403). Do not retry."""


class StaleConversation(Exception):
    """The stored conversation no longer works (connector 404): reinstall the app and ask again."""


class Throttled(Exception):
    """The connector answered 429; wait ``retry_after`` seconds before the next try."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"throttled, retry after {retry_after:.1f}s")
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Recipient:
    user_id: str  # Entra object id
    upn: str = ""


@dataclass(frozen=True, slots=True)
class ConversationRef:
    """Where a proactive message for one user goes (our type; the adapter maps it to the SDK's)."""

    user_id: str
    conversation_id: str
    service_url: str
    tenant_id: str = ""


@runtime_checkable
class Messenger(Protocol):
    async def ensure_conversation(self, user: Recipient, *, refresh: bool = False) -> ConversationRef:
        """The stored reference, or install the app for the user and store a new one (``refresh``: always)."""
        ...

    def stored_keys(self, user: Recipient) -> Sequence[EntityKey]:
        """The Store entities ``ensure_conversation`` reads for ``user`` first (for a caller to read ahead)."""
        ...

    async def send_card(self, ref: ConversationRef, card: Mapping[str, Any], message_id: str) -> None:
        """Post an Adaptive Card; raises Throttled, StaleConversation or RecipientUnreachable."""
        ...
