"""Card actions are routed by ``shared.adapters.teams.card_invoke``: the SDK's selector and refusals, and an answer
that is sent as built (the SDK deep-copies every activity it sends; a card's answer is the whole card)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from microsoft_agents.activity import AdaptiveCardInvokeResponse

from shared.adapters.teams.card_invoke import invoke_answer
from shared.container import Container
from shared.services.agenda_store import load_agenda
from shared.services.card_records import CardKind
from tests.fixtures.jwks import KeyServer
from tests.integration.test_bot_endpoint import ADA, activity, env, post, sent_card

pytestmark = pytest.mark.integration
__all__ = ["env"]  # the fixture, used by name


def execute(user: str, verb: str, data: dict[str, Any], action_type: str = "Action.Execute") -> dict[str, Any]:
    value = {"action": {"type": action_type, "verb": verb, "data": data}, "trigger": "manual"}
    return activity(user, type="invoke", name="adaptiveCard/action", value=value)


def test_the_answer_is_not_copied_when_the_sdk_copies_what_it_sends() -> None:
    card = {"type": "AdaptiveCard", "body": [{"type": "TextBlock", "text": "Saved"}]}
    response = AdaptiveCardInvokeResponse(status_code=200, type="application/vnd.microsoft.card.adaptive", value=card)
    sent = invoke_answer(response)
    assert copy.deepcopy(sent) is sent, "the SDK's copy of the answer is the answer"
    assert sent.value.body == {"statusCode": 200, "type": "application/vnd.microsoft.card.adaptive", "value": card}


async def test_a_prep_submit_answers_with_the_saved_card(env: Container, bot_jwks: KeyServer) -> None:
    card = sent_card(env, CardKind.PREP, ADA)
    data = {"cardId": card, "newMicroNeed": "Pairing with SRE", "wantsCoach": "false"}
    response = await post(execute(ADA, "prep.submit", data), bot_jwks.header())
    body = json.loads(response.get_body())
    assert (response.status_code, body["statusCode"], body["type"]) == (
        200,
        200,
        "application/vnd.microsoft.card.adaptive",
    )
    assert "Saved" in json.dumps(body["value"])
    assert [item.text for item in load_agenda(env.store, ADA).items] == ["Pairing with SRE"]


async def test_an_action_that_is_not_execute_is_not_supported_and_stores_nothing(
    env: Container, bot_jwks: KeyServer
) -> None:
    card = sent_card(env, CardKind.PREP, ADA)
    data = {"cardId": card, "newMicroNeed": "Pairing with SRE", "wantsCoach": "false"}
    response = await post(execute(ADA, "prep.submit", data, action_type="Action.Submit"), bot_jwks.header())
    body = json.loads(response.get_body())
    assert (response.status_code, body["statusCode"]) == (200, 501)
    assert "Action.Submit" in json.dumps(body["value"])
    assert load_agenda(env.store, ADA).items == ()
