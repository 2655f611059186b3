"""Simulated employees and managers for ``make demo``: they talk to the real bot endpoint.

Each person acts the way the Teams client would: a chat message is a ``message`` activity, a card
button is an ``invoke`` (``adaptiveCard/action``, Action.Execute) whose data is the card's own data
merged with the inputs. The inputs they fill come from the card as it was sent (read back from the
connector emulator's sent log), so a renamed input breaks the demo instead of being papered over.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import random
from dataclasses import dataclass
from typing import Any

import httpx

BOT_ID = "28:00000000-0000-0000-0000-000000000000"
MICRO_NEEDS = (
    "A mentor for my first conference talk",
    "Pairing time with the platform team on the new deploy pipeline",
    "A short course on negotiation before the supplier renewals",
    "Feedback on how I run our weekly planning",
    "Shadow a customer call in the Lisbon office",
)
GOALS = (
    "Run a design review on my own by June",
    "Lead the onboarding of the next two hires",
    "Present our quarterly numbers to the leadership team",
)
OUTCOMES = (
    ("Pair with a senior engineer on the deploy pipeline", "sweet_spot", "stretch"),
    ("Agree a weekly focus hour without meetings", "uphill", "manage"),
    ("Join the Lisbon customer calls for a month", "gift", "network"),
    ("Two-day Kubernetes operations course", "sweet_spot", "training"),
    ("Monthly session with a mentor from Finance", "uphill", "mentoring"),
)


@dataclass(frozen=True)
class Talk:
    """One person's chat with the bot: their Entra id, their conversation and where replies go."""

    user_id: str
    conversation_id: str
    service_url: str
    tenant_id: str

    def activity(self, kind: str, **fields: Any) -> dict[str, Any]:
        return {
            "type": kind,
            "id": f"demo-{random.randrange(10**9)}",
            "channelId": "msteams",
            "serviceUrl": self.service_url,
            "from": {"id": f"29:{self.user_id}", "aadObjectId": self.user_id},
            "recipient": {"id": BOT_ID, "name": "WeGrow"},
            "conversation": {"id": self.conversation_id, "conversationType": "personal", "tenantId": self.tenant_id},
            "channelData": {"tenant": {"id": self.tenant_id}},
            "locale": locale_for(self.user_id),
            **fields,
        }


def locale_for(user_id: str) -> str:
    """The demo person's Teams client language: about one in four German, one in ten Japanese, the rest English."""
    bucket = int(hashlib.sha256(user_id.encode()).hexdigest()[:4], 16) % 20
    return "de-DE" if bucket < 5 else "ja-JP" if bucket < 7 else "en-US"


async def post(http: httpx.AsyncClient, url: str, body: dict[str, Any], attempts: int = 8) -> httpx.Response:
    """POST, waiting out the connector emulator's documented rate limits (429 + Retry-After, or the
    bot's 502 when its reply was throttled)."""
    for _ in range(attempts - 1):
        response = await http.post(url, json=body)
        if response.status_code not in (429, 502):
            return response
        await asyncio.sleep(float(response.headers.get("Retry-After", "1")))
    return await http.post(url, json=body)


async def open_chat(http: httpx.AsyncClient, connector: str, user_id: str, tenant_id: str) -> Talk:
    """What installing the app does: a 1:1 conversation on the connector (stable per user)."""
    body = {"isGroup": False, "members": [{"id": user_id}], "tenantId": tenant_id, "bot": {"id": BOT_ID}}
    response = await post(http, f"{connector.rstrip('/')}/v3/conversations", body)
    response.raise_for_status()
    return Talk(user_id, str(response.json()["id"]), connector, tenant_id)


async def say(http: httpx.AsyncClient, bot: str, talk: Talk, text: str) -> int:
    response = await post(http, bot, talk.activity("message", text=text))
    return response.status_code


async def press(http: httpx.AsyncClient, bot: str, talk: Talk, verb: str, data: dict[str, Any]) -> str:
    """Press an Action.Execute button; returns the title of the card the bot answers with."""
    value = {"action": {"type": "Action.Execute", "verb": verb, "data": data}, "trigger": "manual"}
    response = await http.post(bot, json=talk.activity("invoke", name="adaptiveCard/action", value=value))
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    card = response.json().get("value") or {}
    texts = card_texts(card)
    # accepted: the card itself comes back, saying "Saved..." (in the reader's language); refused: a small card
    # whose title says why
    if any(text.startswith(saved_words()) for text in texts):
        return "Saved"
    return next((text for text in texts if text.strip()), "")


def saved_words() -> tuple[str, ...]:
    """How an accepted card starts in every catalogue language ("Saved", "Gespeichert", ...)."""
    from shared.domain import messages_de, messages_ja

    said = [c["Saved. Your answer: "] for c in (messages_de.CATALOGUE, messages_ja.CATALOGUE)]
    return ("Saved", *(text.split(".")[0].split("。")[0] for text in said))


def card_texts(card: dict[str, Any]) -> list[str]:
    """Every ``text`` of the card (TextBlocks and TextRuns), in reading order."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return found


def card_inputs(card: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    stack: list[Any] = [card]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if str(node.get("type", "")).startswith("Input."):
                found.append(node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def prep_answer(card: dict[str, Any], card_id: str, n: int) -> dict[str, Any]:
    """An employee's answers: share every micro-need on the card, add a goal and a reflection."""
    shares = {i["id"]: "true" for i in card_inputs(card) if str(i.get("id", "")).startswith("share.")}
    return {"cardId": card_id, **shares, "learningGoals": GOALS[n % len(GOALS)], "tenureReflection": "More of this."}


def outcome_answer(card_id: str, employee_id: str, initiative: str, due: str, n: int) -> dict[str, Any]:
    """A manager's log: one action per conversation, cycling through the types (some 'manage')."""
    text, quadrant, kind = OUTCOMES[n % len(OUTCOMES)]
    action = {"text": text, "quadrant": quadrant, "type": kind, "initiative": initiative, "owner": employee_id,
              "due": due, "gap": "time" if kind == "manage" else "knowledge"}  # fmt: skip
    return {"cardId": card_id, **{f"action_1_{key}": value for key, value in action.items()}}


def micro_needs(n: int) -> list[str]:
    picks = itertools.islice(itertools.cycle(MICRO_NEEDS), n % len(MICRO_NEEDS), n % len(MICRO_NEEDS) + 1)
    return list(picks)
