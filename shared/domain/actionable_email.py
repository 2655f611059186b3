"""Actionable email: an Adaptive Card carried in an HTML body, the way Outlook reads it, and back.

Outlook renders the card it finds in ``<script type="application/adaptivecard+json">`` when the card names the
registered provider's ``originator`` and, for Universal Actions (Action.Execute), declares version 1.4 or later
(OfficeDev/outlook-dev-docs: send-via-email, universal-action-model). The card is JSON inside a script element, so
``<``, ``>`` and ``&`` are written as JSON ``\\u`` escapes: no user text can close the element (``</script>``) or
open a comment, and ``json.loads`` gives back exactly the card that went in.

Our sending rule is one recipient per message (one visible recipient, as the docs ask): ``single_recipient``
accepts one plain address and nothing else.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from typing import Any

CARD_MEDIA_TYPE = "application/adaptivecard+json"
MIN_CARD_VERSION = (1, 4)
_CARD_SCRIPT = re.compile(
    r"<script\b[^>]*\btype\s*=\s*[\"']application/adaptivecard\+json[\"'][^>]*>(?P<json>.*?)</script\s*>",
    re.IGNORECASE | re.DOTALL,
)
_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_ADDRESS = re.compile(r"^[^@\s<>,;:\"()\[\]\\]+@[^@\s<>,;:\"()\[\]\\]+\.[^@\s<>,;:\"()\[\]\\.]+$")


class ActionableEmailError(ValueError):
    """The card cannot go out (or come back) as actionable email; the message says why."""


class InvalidRecipient(ValueError):
    """Not exactly one plain email address."""


def card_version(card: Mapping[str, Any]) -> tuple[int, ...]:
    text = str(card.get("version") or "")
    parts = text.split(".")
    if not text or not all(part.isdigit() for part in parts):
        raise ActionableEmailError(f"the card's version {card.get('version')!r} is not a version number")
    return tuple(int(part) for part in parts)


def outlook_card(card: Mapping[str, Any], originator: str) -> dict[str, Any]:
    """A copy of the card carrying the provider's originator; refuses a version below 1.4 or no originator."""
    if not originator.strip():
        raise ActionableEmailError("an actionable email needs the provider's originator id")
    if card.get("type") != "AdaptiveCard":
        raise ActionableEmailError("only an AdaptiveCard can be sent as actionable email")
    if card_version(card) < MIN_CARD_VERSION:
        raise ActionableEmailError(
            f"Outlook needs card version 1.4 or later for Universal Actions, not {card['version']}"
        )
    return {**card, "originator": originator.strip()}


def script_json(value: Any) -> str:
    """JSON that is safe inside a script element: no ``<``, ``>`` or ``&`` outside of escapes."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in _SCRIPT_UNSAFE.items():
        text = text.replace(raw, escaped)
    return text


def card_email_html(card: Mapping[str, Any], originator: str, fallback_text: str) -> str:
    """The HTML body: the card in its script element, and ``fallback_text`` for readers that show no card."""
    sent = outlook_card(card, originator)
    return (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
        f'<script type="{CARD_MEDIA_TYPE}">{script_json(sent)}</script></head>'
        f"<body><p>{html.escape(fallback_text)}</p></body></html>"
    )


def card_from_html(body: str) -> dict[str, Any] | None:
    """The card carried by an HTML body, or None when it carries none; raises when the card JSON is broken."""
    match = _CARD_SCRIPT.search(body)
    if match is None:
        return None
    try:
        card = json.loads(match["json"])
    except ValueError as exc:
        raise ActionableEmailError(f"the card in the email is not valid JSON: {exc}") from exc
    if not isinstance(card, dict):
        raise ActionableEmailError("the card in the email is not a JSON object")
    return card


def single_recipient(address: str) -> str:
    """The one plain address given (trimmed); InvalidRecipient for a list, a display name or a malformed one."""
    candidate = address.strip()
    if not _ADDRESS.match(candidate):
        raise InvalidRecipient(f"an actionable email goes to exactly one plain address, not {address!r}")
    return candidate
