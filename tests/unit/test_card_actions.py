"""Card actions with fakes: the actor check, replay refusal, validation, and the manager view's privacy."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.domain.agenda import MAX_ITEMS, AgendaFull
from shared.ports.storage import Record, Store
from shared.services import agenda_store
from shared.services.card_action_submit import handle_card_action
from shared.services.card_actions import Verdict, handle_refresh
from shared.services.card_records import (
    IN_AGENDA,
    CardKind,
    CardRecord,
    CardStatus,
    card_id,
    insert_card,
    mark_sent,
)
from tests.fakes.storage import InMemoryStore

pytestmark = pytest.mark.unit


class FixedClock:
    def now(self) -> datetime:
        return datetime(2026, 3, 7, 9, tzinfo=UTC)


def saved_agenda_rows(store: Store) -> list[Record]:
    """The agendas table without the prep cards' own rows (``card_records.mark_sent``): what submissions saved."""
    return [record for record in store.query("agendas") if not record.row.startswith(IN_AGENDA)]


def prep_card(store: InMemoryStore) -> str:
    cid = card_id("occ-1", CardKind.PREP)
    pending = CardRecord(cid, CardKind.PREP, "occ-1", "ada", "ada", CardStatus.PENDING, {"cardId": cid})
    mark_sent(store, insert_card(store, pending), datetime(2026, 3, 1, tzinfo=UTC))
    return cid


def test_the_card_data_cannot_name_a_different_recipient() -> None:
    store = InMemoryStore()
    cid = prep_card(store)
    data = {"cardId": cid, "recipient_id": "grace", "newMicroNeed": "x"}
    reply = handle_card_action(store, FixedClock(), "prep.submit", data, "grace")
    assert reply.verdict is Verdict.REFUSED
    assert saved_agenda_rows(store) == []


def test_a_verb_from_another_card_kind_is_refused() -> None:
    store = InMemoryStore()
    cid = prep_card(store)
    reply = handle_card_action(store, FixedClock(), "outcome.log", {"cardId": cid}, "ada")
    assert reply.verdict is Verdict.REFUSED
    assert store.query("outcomes") == []


def test_non_string_inputs_get_an_error_not_an_exception() -> None:
    store = InMemoryStore()
    cid = prep_card(store)
    reply = handle_card_action(store, FixedClock(), "prep.submit", {"cardId": cid, "unlearn": ["x"]}, "ada")
    assert reply.verdict is Verdict.INVALID
    assert saved_agenda_rows(store) == []


def test_shared_toggle_and_private_canary_in_the_manager_view() -> None:
    store = InMemoryStore()
    now = FixedClock().now()
    agenda_store.add_micro_need(store, "ada", "CANARY private item", now)
    agenda_store.add_micro_need(store, "ada", "Shared item", now)
    cid = prep_card(store)
    reply = handle_card_action(store, FixedClock(), "prep.submit", {"cardId": cid, "share.i2": "true"}, "ada")
    assert reply.verdict is Verdict.ACCEPTED
    view = agenda_store.manager_view(agenda_store.load_agenda(store, "ada"))
    assert view == {"shared_items": ["Shared item"]}
    assert "CANARY" not in str(view)


def test_refresh_by_the_recipient_is_editable_until_submitted() -> None:
    store = InMemoryStore()
    cid = prep_card(store)
    assert handle_refresh(store, {"cardId": cid}, "ada").verdict is Verdict.EDITABLE
    assert handle_refresh(store, {"cardId": cid}, "grace").verdict is Verdict.REFUSED
    handle_card_action(store, FixedClock(), "prep.submit", {"cardId": cid}, "ada")
    assert handle_refresh(store, {"cardId": cid}, "ada").verdict is Verdict.READ_ONLY


def test_a_full_agenda_gets_a_clear_answer_and_nothing_is_saved() -> None:
    store = InMemoryStore()
    now = FixedClock().now()
    for n in range(MAX_ITEMS):
        agenda_store.add_micro_need(store, "ada", f"need {n}", now)
    before = agenda_store.load_agenda(store, "ada")
    cid = prep_card(store)
    data = {"cardId": cid, "share.i1": "true", "learningGoals": "one more goal"}
    reply = handle_card_action(store, FixedClock(), "prep.submit", data, "ada")
    assert reply.verdict is Verdict.INVALID
    assert f"already holds {MAX_ITEMS} items" in reply.message
    assert agenda_store.load_agenda(store, "ada") == before, "a refused prep must leave the agenda as it was"
    with pytest.raises(AgendaFull):
        agenda_store.add_micro_need(store, "ada", "one too many", now)
