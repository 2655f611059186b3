"""shared.services.prep_submit: a prep card in two writes (card, then agenda); a failed action writes nothing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from shared.domain.card_verdicts import BUSY
from shared.ports.storage import StoreError, TransactionOp
from shared.services import agenda_store
from shared.services.card_actions import Verdict, handle_card_action
from shared.services.card_records import CardStatus, find_card
from tests.fakes.storage import InMemoryStore
from tests.unit.test_card_actions import prep_card
from tests.unit.test_outcomes_world import FixedClock

NOW = datetime(2026, 3, 10, 15, tzinfo=UTC)


class AgendaWriteFails(InMemoryStore):
    """The agenda transaction fails (storage down) after the card row was written."""

    def transact(self, table: str, partition: str, ops: Sequence[TransactionOp]) -> None:
        raise StoreError("table service unavailable")


class ChatWritesFirst(InMemoryStore):
    """A chat message adds a micro-need between the submission's read of the agenda and its write."""

    def __init__(self) -> None:
        super().__init__()
        self.raced = False

    def transact(self, table: str, partition: str, ops: Sequence[TransactionOp]) -> None:
        if not self.raced:
            self.raced = True
            agenda_store.add_micro_need(self, partition, "from chat", NOW)
        super().transact(table, partition, ops)


def test_when_the_agenda_write_fails_the_card_is_put_back_and_nothing_stays_written() -> None:
    store = AgendaWriteFails()
    cid = prep_card(store)
    before = store.get("cards", cid, "card").data
    with pytest.raises(StoreError):
        handle_card_action(
            store, FixedClock(NOW), "prep.submit", {"cardId": cid, "unlearn": "big-bang releases"}, "ada"
        )
    assert store.get("cards", cid, "card").data == before
    assert store.query(agenda_store.AGENDAS) == []


def test_an_agenda_changed_from_chat_meanwhile_is_read_again_and_keeps_both() -> None:
    store = ChatWritesFirst()
    agenda_store.add_micro_need(store, "ada", "earlier", NOW)
    cid = prep_card(store)
    reply = handle_card_action(store, FixedClock(NOW), "prep.submit", {"cardId": cid, "unlearn": "big-bang"}, "ada")
    assert reply.verdict is Verdict.ACCEPTED
    texts = [item.text for item in agenda_store.load_agenda(store, "ada").items]
    assert texts == ["earlier", "from chat", "big-bang"]
    found = find_card(store, cid)
    assert found is not None and found.status is CardStatus.SUBMITTED and reply.stored == found


class ChatAlwaysWritesFirst(InMemoryStore):
    """The agenda changes between every read and write of the submission."""

    def transact(self, table: str, partition: str, ops: Sequence[TransactionOp]) -> None:
        agenda_store.add_micro_need(self, partition, "from chat", NOW)
        super().transact(table, partition, ops)


def test_an_agenda_that_keeps_changing_is_an_answer_on_the_card_and_nothing_of_the_card_is_written() -> None:
    store = ChatAlwaysWritesFirst()
    agenda_store.add_micro_need(store, "ada", "earlier", NOW)
    cid = prep_card(store)
    before = store.get("cards", cid, "card").data
    reply = handle_card_action(store, FixedClock(NOW), "prep.submit", {"cardId": cid, "unlearn": "big-bang"}, "ada")
    assert reply.verdict is Verdict.REFUSED and reply.message == BUSY
    assert store.get("cards", cid, "card").data == before
    texts = {item.text for item in agenda_store.load_agenda(store, "ada").items}
    assert "big-bang" not in texts and store.find(agenda_store.AGENDAS, "ada", "occ-1") is None
