"""What Outlook makes of an actionable card in a sent message: rendered, or dropped (and why).

Outlook looks for ``<script type="application/adaptivecard+json">`` in an HTML body. It renders the card only
when the card names an ``originator`` registered as an actionable-message provider and, for Universal Actions,
declares Adaptive Cards ``version`` 1.4 or later (OfficeDev/outlook-dev-docs: ``send-via-email.md``,
``email-dev-dashboard.md``, ``universal-action-model.md``). Otherwise the reader sees only the HTML around it.
The emulator mirrors that as a verdict stored with the message; the message itself is always delivered.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

CARD_SCRIPT = re.compile(
    r"<script\b[^>]*\btype\s*=\s*[\"']application/adaptivecard\+json[\"'][^>]*>(?P<json>.*?)</script\s*>",
    re.IGNORECASE | re.DOTALL,
)
MIN_VERSION = (1, 4)
# The originator a fresh emulator treats as registered (the local default of the product's setting).
LOCAL_ORIGINATOR = "6f0c5d35-6c1f-4c0c-9f0e-0e3b2a9c5e11"


@dataclass
class CardRules:
    """Outlook's rules for actionable cards. ``enforce``: False renders any card (a kinder Outlook, for demos)."""

    enforce: bool = True
    originators: set[str] = field(default_factory=lambda: {LOCAL_ORIGINATOR})


def _version(text: object) -> tuple[int, ...] | None:
    parts = str(text or "").split(".")
    if not all(p.isdigit() for p in parts):
        return None
    return tuple(int(p) for p in parts)


def inspect_card(body: dict[str, Any] | None, rules: CardRules) -> dict[str, Any] | None:
    """The card verdict for a message body: None without a card, else originator, version, rendered, reason."""
    if not isinstance(body, dict) or str(body.get("contentType", "")).lower() != "html":
        return None
    match = CARD_SCRIPT.search(str(body.get("content") or ""))
    if match is None:
        return None
    try:
        card = json.loads(match["json"])
    except ValueError:
        card = None
    if not isinstance(card, dict):
        return {"originator": None, "version": None, "rendered": False, "reason": "the card is not a JSON object"}
    verdict: dict[str, Any] = {"originator": card.get("originator"), "version": card.get("version")}
    verdict["reason"] = _drop_reason(card, rules)
    verdict["rendered"] = verdict["reason"] is None
    return verdict


def _drop_reason(card: dict[str, Any], rules: CardRules) -> str | None:
    if not rules.enforce:
        return None
    originator = card.get("originator")
    if not originator:
        return "the card has no originator"
    if originator not in rules.originators:
        return f"the originator {originator!r} is not a registered provider"
    version = _version(card.get("version"))
    if version is None or version < MIN_VERSION:
        return f"the card version {card.get('version')!r} is below 1.4"
    return None
