"""The answer to a card action reads in the language of the client that sent it (issue 19's leftover)."""

from __future__ import annotations

import json

import pytest

from shared.adapters.teams.views import card_for, invoke_response
from shared.domain import card_verdicts
from shared.domain.messages import translate
from shared.services.card_actions import CardReply, Verdict
from shared.services.card_records import CardKind

pytestmark = pytest.mark.unit


def shown(card: dict[str, object]) -> list[str]:
    return [str(block["text"]) for block in card["body"]]  # type: ignore[attr-defined]


@pytest.mark.parametrize("language", ["de", "ja"])
@pytest.mark.parametrize(
    ("verdict", "message", "title"),
    [
        (Verdict.ACCEPTED, card_verdicts.SAVED, card_verdicts.TITLE_SAVED),
        (Verdict.REFUSED, card_verdicts.SOMEONE_ELSE, card_verdicts.TITLE_NOT_ACCEPTED),
        (Verdict.REFUSED, card_verdicts.TAKEN, card_verdicts.TITLE_NOT_ACCEPTED),
        (Verdict.READ_ONLY, card_verdicts.ALREADY_SUBMITTED, card_verdicts.TITLE_ALREADY_SUBMITTED),
        (Verdict.REFUSED, card_verdicts.LEARNING_REFUSED, card_verdicts.TITLE_NOT_ACCEPTED),
    ],
)
def test_a_verdict_reads_in_the_senders_language(language: str, verdict: Verdict, message: str, title: str) -> None:
    card = card_for(CardReply(verdict, message), language)
    assert shown(card) == [translate(language, title), translate(language, message)]
    assert translate(language, message) != message and card["lang"] == language


def test_english_is_unchanged_and_a_message_built_with_values_stays_as_built() -> None:
    built = "Please check: goal, due."
    assert shown(card_for(CardReply(Verdict.INVALID, built), "de")) == ["Bitte prüfen Sie Ihre Angaben", built]
    assert shown(card_for(CardReply(Verdict.ACCEPTED, card_verdicts.SAVED), "en")) == ["Saved", "Thanks, saved."]


def test_the_invoke_response_carries_the_translated_card() -> None:
    response = invoke_response(CardReply(Verdict.EDITABLE, "", CardKind.PREP), "de")
    assert "Diese Karte liegt im Chat für Sie bereit." in json.dumps(response.value, ensure_ascii=False)
