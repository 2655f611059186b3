"""A card action's answer: the same JSON as the SDK makes from its own AdaptiveCardInvokeResponse, and the card
shared, not copied, when the SDK deep-copies the outgoing activity (``views.CardAnswer``)."""

from __future__ import annotations

import json
from copy import deepcopy
from http import HTTPStatus
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from microsoft_agents.activity import Activity, AdaptiveCardInvokeResponse
from microsoft_agents.hosting.core.app.adaptive_card.adaptive_card import AdaptiveCard

from shared.adapters.teams.views import ADAPTIVE_CARD, CardAnswer, SharedCard
from tests.unit.test_teams_card_activity import json_values, sample_cards

pytestmark = pytest.mark.unit


class Context:
    """Keeps what the SDK sends, copied the way ``TurnContext.send_activities`` copies it."""

    def __init__(self) -> None:
        self.sent: list[Activity] = []

    async def send_activity(self, activity: Activity) -> None:
        self.sent.append(deepcopy(activity))


async def answered(response: AdaptiveCardInvokeResponse) -> Any:
    """The invoke response's body as the SDK (1.9.0) sends it for a card action."""
    context = Context()
    await AdaptiveCard._send_invoke_response(context, response)  # type: ignore[arg-type]
    return context.sent[0].value.body  # type: ignore[attr-defined]


async def both(card: dict[str, Any]) -> tuple[Any, Any]:
    options = {"status_code": HTTPStatus.OK, "type": ADAPTIVE_CARD, "value": card}
    return await answered(CardAnswer(**options)), await answered(AdaptiveCardInvokeResponse(**options))


@pytest.mark.parametrize(("name", "card"), list(sample_cards()))
async def test_every_template_card_answers_as_the_sdk_would_and_is_not_copied(name: str, card: dict[str, Any]) -> None:
    now, before = await both(card)
    assert json.dumps(now) == json.dumps(before)
    assert isinstance(now["value"], SharedCard) and now["value"] == card


@given(body=st.dictionaries(st.text(max_size=8), json_values, max_size=6))
@settings(max_examples=60)
async def test_any_json_card_answers_as_the_sdk_would(body: dict[str, Any]) -> None:
    now, before = await both({"type": "AdaptiveCard", "version": "1.5", **body})
    assert json.dumps(now) == json.dumps(before)


async def test_an_answer_without_a_card_dumps_as_the_sdks_own() -> None:
    now = await answered(CardAnswer(status_code=HTTPStatus.OK))
    assert now == await answered(AdaptiveCardInvokeResponse(status_code=HTTPStatus.OK))
