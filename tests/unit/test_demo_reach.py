"""The demo's card-reach and learning checks: the sender mailbox it picks, the gaps it fails on, the suggestions it
reads off a card and the channel/language lines it prints."""

from __future__ import annotations

import json

import httpx
import pytest

from devstack.demo_learning import assign_buttons
from devstack.demo_mail import demo_env, problems, sender_mailbox
from devstack.demo_people import Talk, press
from devstack.demo_report import card_reach
from devstack.graph_emulator.learning_catalog import PROVIDERS, provider_id
from devstack.graph_emulator.mail_cards import LOCAL_ORIGINATOR
from devstack.tenant import generate_tenant

TALK = Talk("u1", "a:1", "http://connector.test/", "t1")
FULL = {
    "learning suggestions shown": 3,
    "learning assignments": 1,
    "cards by teams": 40,
    "cards by email": 4,
    "cards in English": 30,
    "cards in German": 14,
}


def test_the_sender_is_a_disabled_mailbox_that_manages_nobody() -> None:
    tenant = generate_tenant(60, 7)
    upn = sender_mailbox(tenant)
    user = next(u for u in tenant.users if u["userPrincipalName"] == upn)
    assert user["accountEnabled"] is False
    assert user["id"] in tenant.mailbox_settings
    assert user["id"] not in set(tenant.managers.values())


def test_the_demo_env_names_the_sender_originator_and_every_seeded_provider() -> None:
    env = demo_env(60, 7)
    assert env["WEGROW_CARD_EMAIL_SENDER"] == sender_mailbox(generate_tenant(60, 7))
    assert env["WEGROW_ACTIONABLE_ORIGINATOR"] == LOCAL_ORIGINATOR
    assert env["WEGROW_LEARNING_PROVIDER_IDS"].split(",") == [provider_id(key) for key, _, _ in PROVIDERS]


def test_a_full_run_has_no_problems() -> None:
    assert problems(FULL) == []


def test_each_missing_part_is_named() -> None:
    assert problems({**FULL, "learning suggestions shown": 0}) == ["no learning suggestions on a logged outcome card"]
    assert problems({**FULL, "learning assignments": 0}) == ["no learning assignment on the Graph emulator"]
    assert problems({k: v for k, v in FULL.items() if k != "cards by email"}) == ["no cards by email"]
    assert problems({**FULL, "cards in German": 0}) == ["cards in 1 language(s), fewer than 2"]


def _suggestion(content: str, provider: str) -> dict[str, object]:
    return {
        "type": "Container",
        "items": [
            {"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": f"Course {content}"}]},
            {"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": provider}]},
            {"type": "ActionSet", "actions": [
                {"type": "Action.OpenUrl", "title": "Open", "url": "https://x.example"},
                {"type": "Action.Execute", "verb": "learning.assign",
                 "data": {"cardId": "c1", "actionId": "a1", "contentId": content}},
            ]},
        ],
    }  # fmt: skip


def test_assign_buttons_come_with_their_provider() -> None:
    card = {
        "type": "AdaptiveCard",
        "body": [
            {"type": "TextBlock", "text": "Learning that fits this need"},
            {"type": "Container", "items": [_suggestion("k1", "Contoso Academy"), _suggestion("k2", "Fabrikam")]},
        ],
        "actions": [{"type": "Action.Execute", "verb": "outcome.refresh", "data": {"cardId": "c1"}}],
    }
    found = assign_buttons(card)
    assert [(b["contentId"], b["provider"]) for b in found] == [("k1", "Contoso Academy"), ("k2", "")]
    assert assign_buttons({"type": "AdaptiveCard", "body": []}) == []


def test_card_reach_prints_the_cli_keys_with_language_codes() -> None:
    lines = dict(line.split(": ", 1) for line in card_reach(FULL).splitlines())
    assert json.loads(lines["cards_by_channel"]) == {"teams": 40, "email": 4}
    assert json.loads(lines["cards_by_language"]) == {"en": 30, "de": 14}


def _answering(card: dict[str, object]) -> httpx.AsyncClient:
    body = {"statusCode": 200, "type": "application/vnd.microsoft.card.adaptive", "value": card}
    return httpx.AsyncClient(transport=httpx.MockTransport(lambda request: httpx.Response(200, json=body)))


@pytest.mark.parametrize(
    "said", ["Saved. Your answer: ", "Gespeichert. Ihre Antwort: ", "保存しました。あなたの回答: "]
)
async def test_a_saved_card_counts_as_saved_in_every_language(said: str) -> None:
    card = {"type": "AdaptiveCard", "body": [{"type": "TextBlock", "text": ""}, {"type": "TextBlock", "text": said}]}
    async with _answering(card) as http:
        assert await press(http, "http://bot.test/api/messages", TALK, "outcome.confirm", {}) == "Saved"


async def test_a_refusal_answers_with_its_first_text() -> None:
    card = {"type": "AdaptiveCard", "body": [{"type": "TextBlock", "text": ""}, {"type": "TextBlock", "text": "No"}]}
    async with _answering(card) as http:
        assert await press(http, "http://bot.test/api/messages", TALK, "outcome.confirm", {}) == "No"
