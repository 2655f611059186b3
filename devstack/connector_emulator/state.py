"""What the connector emulator remembers: conversations, blocked users, switches and every activity received."""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from devstack.connector_emulator.limits import Clock, RateLimits


@dataclass
class Switches:
    """Behaviour that tests and the demo turn on through ``POST /_emulator/config``."""

    global_rps: int = 30
    fault_rate: float = 0.0
    latency_ms: int = 0
    require_token: bool = False
    token: str = "connector-emulator-token"
    strict_conversations: bool = False
    seed: int = 0

    def update(self, values: dict[str, Any]) -> None:
        for key, value in values.items():
            if key not in asdict(self):
                raise ValueError(f"unknown switch {key!r}")
            setattr(self, key, type(getattr(self, key))(value))


@dataclass
class Conversation:
    id: str
    members: list[str]
    tenant_id: str | None = None


@dataclass
class ConnectorState:
    switches: Switches = field(default_factory=Switches)
    clock: Clock = field(default_factory=Clock)
    limits: RateLimits = field(default_factory=RateLimits)
    conversations: dict[str, Conversation] = field(default_factory=dict)
    blocked_users: set[str] = field(default_factory=set)
    blocked_conversations: set[str] = field(default_factory=set)
    sent: list[dict[str, Any]] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    random: random.Random = field(default_factory=lambda: random.Random(0))

    def reset(self, switches: Switches | None = None) -> None:
        self.switches = switches or Switches()
        self.clock.thaw()
        self.limits = RateLimits(global_rps=self.switches.global_rps)
        self.conversations.clear()
        self.blocked_users.clear()
        self.blocked_conversations.clear()
        self.sent.clear()
        self.counts.clear()
        self.random = random.Random(self.switches.seed)

    def configure(self, values: dict[str, Any]) -> None:
        self.switches.update(values)
        self.limits.global_rps = self.switches.global_rps
        if "seed" in values:
            self.random = random.Random(self.switches.seed)

    def open_conversation(self, member_id: str, tenant_id: str | None) -> Conversation:
        """1:1 conversations are stable per (tenant, user), as in Teams."""
        digest = hashlib.sha256(f"{tenant_id}|{member_id}".encode()).hexdigest()[:32]
        conversation_id = f"a:1{digest}"
        if conversation_id not in self.conversations:
            self.conversations[conversation_id] = Conversation(conversation_id, [member_id], tenant_id)
        return self.conversations[conversation_id]

    def conversation(self, conversation_id: str) -> Conversation | None:
        """A known conversation; unknown ids are adopted unless ``strict_conversations`` is on."""
        if conversation_id not in self.conversations and not self.switches.strict_conversations:
            self.conversations[conversation_id] = Conversation(conversation_id, [])
        return self.conversations.get(conversation_id)

    def is_blocked(self, conversation: Conversation, activity: dict[str, Any]) -> bool:
        recipient = activity.get("recipient") or {}
        recipient_id = recipient.get("id") if isinstance(recipient, dict) else None
        people = {*conversation.members, recipient_id} - {None}
        return conversation.id in self.blocked_conversations or bool(people & self.blocked_users)

    def record(
        self, conversation_id: str, operation: str, activity: dict[str, Any], activity_id: str | None = None
    ) -> str:
        """Keep the activity; a send or reply gets a new id, an update keeps the id it replaces."""
        reply_to = activity_id if operation == "reply" else None
        new_id = f"1:{len(self.sent) + 1:08d}"
        activity_id = activity_id if operation == "update" and activity_id else new_id
        self.sent.append(
            {
                "conversationId": conversation_id,
                "activityId": activity_id,
                "operation": operation,
                "replyToId": reply_to,
                "receivedAt": datetime.now(UTC).isoformat(),
                "activity": activity,
            }
        )
        self.counts["accepted"] += 1
        return activity_id
