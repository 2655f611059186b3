"""Sent mail as Exchange would handle it: validate the recipients, then deliver (or not) to each one.

Graph answers ``sendMail`` with 202 once the recipients parse; delivery happens later, so an address nobody has
still gets a 202 (the sender would receive a non-delivery report). Here each recipient gets an outcome:
``delivered`` (a user mailbox, or each member of a mail-enabled group), ``undeliverable`` (an address in one of
the tenant's domains that no mailbox holds) or ``external`` (any other domain).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from devstack.graph_emulator.calendar_addresses import mailbox_of_address, smtp_addresses
from devstack.graph_emulator.errors import GraphError, bad_request
from devstack.graph_emulator.mail_cards import CardRules, inspect_card
from devstack.graph_emulator.state import EmulatorState

RECIPIENT_FIELDS = ("toRecipients", "ccRecipients", "bccRecipients")
ADDRESS = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")
INVALID_RECIPIENTS = "ErrorInvalidRecipients"


@dataclass
class Mail:
    sent: list[dict[str, Any]] = field(default_factory=list)  # every accepted message, oldest first
    rules: CardRules = field(default_factory=CardRules)


def mail(state: EmulatorState) -> Mail:
    found = state.features.setdefault("mail", Mail())
    assert isinstance(found, Mail)
    return found


def field_of(obj: dict[str, Any], name: str) -> Any:
    """A property looked up without regard to case (Graph's JSON binding ignores the case of names)."""
    for key, value in obj.items():
        if key.lower() == name.lower():
            return value
    return None


def recipient_addresses(message: dict[str, Any]) -> list[str]:
    """Every To/Cc/Bcc address; 400 ErrorInvalidRecipients for none or for one that is not an address."""
    found: list[str] = []
    for name in RECIPIENT_FIELDS:
        for recipient in field_of(message, name) or []:
            address = str(((recipient or {}).get("emailAddress") or {}).get("address") or "").strip()
            if not ADDRESS.match(address):
                raise GraphError(
                    400,
                    INVALID_RECIPIENTS,
                    f"At least one recipient isn't valid., Recipient '{address}' isn't resolved. "
                    "All recipients must be resolved before a message can be submitted.",
                )
            found.append(address)
    if not found:
        raise GraphError(
            400,
            INVALID_RECIPIENTS,
            "At least one recipient isn't valid., A message can't be sent because it contains no recipients.",
        )
    return found


def message_of(body: object) -> tuple[dict[str, Any], bool]:
    """The message and saveToSentItems (default true) of a sendMail body; 400 when there is no message."""
    message = field_of(body, "message") if isinstance(body, dict) else None
    if not isinstance(message, dict):
        raise bad_request("The sendMail request body must carry a message object.", "ErrorInvalidRequest")
    save = field_of(body, "saveToSentItems") if isinstance(body, dict) else None
    return message, save is not False


def _group_members(state: EmulatorState, address: str) -> list[str] | None:
    for group_id, group in state.groups.items():
        if str(group.get("mail") or "").lower() == address.lower() and group.get("mailEnabled", True):
            return [m for m in state.group_members.get(group_id, []) if m in state.mailbox_settings]
    return None


def _tenant_domains(state: EmulatorState) -> set[str]:
    return {a.rpartition("@")[2] for user in state.users.values() for a in smtp_addresses(user)}


def delivery(state: EmulatorState, address: str) -> dict[str, Any]:
    """Where one recipient's copy goes: delivered (with the user ids), undeliverable or external."""
    user_id = mailbox_of_address(state, address)
    if user_id is not None:
        return {"address": address, "outcome": "delivered", "kind": "user", "userIds": [user_id]}
    members = _group_members(state, address)
    if members is not None:
        return {"address": address, "outcome": "delivered", "kind": "group", "userIds": members}
    internal = address.rpartition("@")[2].lower() in _tenant_domains(state)
    return {"address": address, "outcome": "undeliverable" if internal else "external", "userIds": []}


def record(state: EmulatorState, sender_id: str, body: object) -> dict[str, Any]:
    """Validate and store one sendMail request; returns the stored record."""
    message, save = message_of(body)
    addresses = recipient_addresses(message)
    card = inspect_card(field_of(message, "body"), mail(state).rules)
    stored = {
        "id": str(uuid.uuid4()),
        "sender": sender_id,
        "sentDateTime": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "saveToSentItems": save,
        "subject": field_of(message, "subject"),
        "body": field_of(message, "body"),
        **{name: list(field_of(message, name) or []) for name in RECIPIENT_FIELDS},
        "delivery": [delivery(state, address) for address in addresses],
        "card": card,
        "cardDropped": card is not None and not card["rendered"],
    }
    mail(state).sent.append(stored)
    return stored


def inbox(state: EmulatorState, user_id: str) -> list[dict[str, Any]]:
    """The messages delivered to a user's mailbox, oldest first."""
    return [m for m in mail(state).sent if any(user_id in d["userIds"] for d in m["delivery"])]
