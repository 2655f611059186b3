"""Domain views -> template data -> rendered cards: valid, complete, and private items stay off the manager's card."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.adapters.cards.renderer import render_card
from shared.adapters.cards.validate import check_card
from shared.adapters.cards.views import agenda_card_data, prep_card_data
from shared.adapters.config_file import load_company_config
from shared.domain.agenda import GrowthAgenda, ItemKind, Visibility
from shared.domain.composition import ConversationContext, compose_manager_agenda, compose_prep
from shared.domain.tenure import TenureStage

pytestmark = pytest.mark.unit

CONFIG = load_company_config()
DAY = date(2026, 12, 1)
CONTEXT = ConversationContext(
    config=CONFIG,
    employee_name="Ana Silva",
    manager_name="Ben Okafor",
    department="Engineering",
    conversation_date=DAY,
    tenure_stage=TenureStage.PLATEAU_RISK,
)


def agenda(private_text: str) -> GrowthAgenda:
    return (
        GrowthAgenda(employee_id="e1")
        .add_item(ItemKind.LEARNING_GOAL, "Learn Kubernetes", DAY, Visibility.SHARED)
        .add_item(ItemKind.LEARNING_GOAL, private_text, DAY)
        .add_micro_need("A FinOps dashboard login", DAY, Visibility.SHARED)
        .add_item(ItemKind.SHARE, "Demo of the new pipeline", DAY, Visibility.SHARED, share_with="the SRE guild")
    )


def test_prep_card_lists_every_own_item_with_its_share_toggle() -> None:
    data = prep_card_data(compose_prep(CONTEXT, agenda("Private plan")), card_id="o1:prep", recipients=["29:ana"])
    card = render_card("employee-prep", data)
    check_card(card)
    toggles = {e["id"]: e["value"] for e in _elements(card) if e.get("type") == "Input.Toggle"}
    assert toggles == {
        "share.i1": "true",
        "share.i2": "false",
        "share.i3": "true",
        "share.i4": "true",
        "learningGoalsShared": "false",
        "newMicroNeedShared": "false",
        "unlearnShared": "false",
        "learningNetworkShared": "false",
        "shareLearningShared": "false",
        "wantsCoach": "false",
    }
    assert "Private plan" in json.dumps(card)
    assert data["prompts"]["shareWith"] == "the SRE guild"
    assert card["refresh"]["userIds"] == ["29:ana"]


@settings(max_examples=40, deadline=None)
@given(secret=st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=8).filter(str.strip))
def test_privacy_canary_private_item_never_reaches_the_manager_card(secret: str) -> None:
    canary = f"CANARY {secret.strip()}"
    view = compose_manager_agenda(CONTEXT, agenda(canary).shared_view())
    card = render_card("manager-agenda", agenda_card_data(view, card_id="o1:agenda", recipients=["29:ben"]))
    check_card(card)
    text = json.dumps(card, ensure_ascii=False)
    assert canary not in text
    assert "Learn Kubernetes" in text and "A FinOps dashboard login" in text


def _elements(node: object) -> list[dict[str, object]]:
    if isinstance(node, list):
        return [e for item in node for e in _elements(item)]
    if isinstance(node, dict):
        return [node, *(e for value in node.values() for e in _elements(value))]
    return []
