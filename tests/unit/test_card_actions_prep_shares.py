"""The prep card's new entries: each has a share toggle, private by default; only shared ones go to the manager."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from shared.adapters.cards.renderer import TEMPLATE_DIR, render_card
from shared.domain.agenda import ItemKind, Visibility
from shared.services import agenda_store
from shared.services.card_action_submit import handle_card_action
from shared.services.card_actions import Verdict
from shared.services.card_records import CardKind, CardRecord, CardStatus, card_id, insert_card
from shared.services.card_submissions import NEW_ENTRY_INPUTS
from tests.fakes.storage import InMemoryStore
from tests.unit.test_card_actions import saved_agenda_rows

pytestmark = pytest.mark.unit
NOW = datetime(2026, 3, 7, 9, tzinfo=UTC)
ANSWERS = {
    "learningGoals": "Run a design review alone",
    "newMicroNeed": "CANARY a quiet room on Fridays",
    "unlearn": "Fixing every review comment myself",
    "learningNetwork": "The platform guild",
    "shareLearning": "CANARY what I learnt about budgets",
    "shareWith": "my team",
}


class FixedClock:
    def now(self) -> datetime:
        return NOW


def submit(store: InMemoryStore, data: dict[str, Any]) -> Verdict:
    cid = card_id("occ-1", CardKind.PREP)
    insert_card(store, CardRecord(cid, CardKind.PREP, "occ-1", "ada", "ada", CardStatus.SENT, {"cardId": cid}))
    return handle_card_action(store, FixedClock(), "prep.submit", {"cardId": cid, **data}, "ada").verdict


def visibility_by_kind(store: InMemoryStore) -> dict[ItemKind, Visibility]:
    return {item.kind: item.visibility for item in agenda_store.load_agenda(store, "ada").items}


def toggles(node: Any) -> dict[str, dict[str, Any]]:
    """Every Input.Toggle of a rendered card, by id."""
    if isinstance(node, list):
        return {key: value for item in node for key, value in toggles(item).items()}
    if not isinstance(node, dict):
        return {}
    found = {node["id"]: node} if node.get("type") == "Input.Toggle" else {}
    return found | {key: value for child in node.values() for key, value in toggles(child).items()}


def test_every_new_entry_on_the_card_has_a_labelled_share_toggle_that_is_off() -> None:
    sample = json.loads((TEMPLATE_DIR / "employee-prep.data.json").read_text(encoding="utf-8"))
    sample |= {"agendaItems": [], "microNeeds": [], "learningGoals": ""}
    found = toggles(render_card("employee-prep", sample))
    for input_id in NEW_ENTRY_INPUTS.values():
        toggle = found[f"{input_id}Shared"]
        assert toggle["label"].startswith("Share ") and toggle["label"].endswith(" with my manager")
        assert (toggle["value"], toggle["valueOn"], toggle["valueOff"]) == ("false", "true", "false")


def test_new_entries_stay_private_without_their_toggle() -> None:
    store = InMemoryStore()
    assert submit(store, ANSWERS) is Verdict.ACCEPTED
    assert set(visibility_by_kind(store).values()) == {Visibility.PRIVATE}
    assert agenda_store.manager_view(agenda_store.load_agenda(store, "ada")) == {"shared_items": []}


def test_each_new_entry_is_shared_only_when_its_own_toggle_is_on() -> None:
    store = InMemoryStore()
    toggles = {"learningGoalsShared": "true", "learningNetworkShared": "true", "newMicroNeedShared": "false"}
    assert submit(store, {**ANSWERS, **toggles}) is Verdict.ACCEPTED
    assert visibility_by_kind(store) == {
        ItemKind.LEARNING_GOAL: Visibility.SHARED,
        ItemKind.MICRO_NEED: Visibility.PRIVATE,
        ItemKind.UNLEARN: Visibility.PRIVATE,
        ItemKind.LEARNING_NETWORK: Visibility.SHARED,
        ItemKind.SHARE: Visibility.PRIVATE,
    }
    shown = agenda_store.manager_view(agenda_store.load_agenda(store, "ada"))
    assert shown == {"shared_items": ["Run a design review alone", "The platform guild"]}
    assert "CANARY" not in str(shown)


def test_a_shared_share_item_keeps_whom_it_is_shared_with() -> None:
    store = InMemoryStore()
    assert submit(store, {**ANSWERS, "shareLearningShared": "true"}) is Verdict.ACCEPTED
    share = next(i for i in agenda_store.load_agenda(store, "ada").items if i.kind is ItemKind.SHARE)
    assert (share.visibility, share.share_with) == (Visibility.SHARED, "my team")


def test_existing_items_keep_their_per_item_toggle_next_to_new_ones() -> None:
    store = InMemoryStore()
    agenda_store.add_micro_need(store, "ada", "Shared item", NOW)
    assert (
        submit(store, {"share.i1": "true", "newMicroNeed": "Another", "newMicroNeedShared": "false"})
        is Verdict.ACCEPTED
    )
    assert [(i.text, i.visibility) for i in agenda_store.load_agenda(store, "ada").items] == [
        ("Shared item", Visibility.SHARED),
        ("Another", Visibility.PRIVATE),
    ]


def test_a_malformed_new_entry_toggle_is_invalid_and_stores_nothing() -> None:
    store = InMemoryStore()
    assert submit(store, {**ANSWERS, "learningGoalsShared": ["yes"]}) is Verdict.INVALID
    assert saved_agenda_rows(store) == []
