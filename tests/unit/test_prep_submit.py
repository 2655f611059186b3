"""shared.services.prep_submit: a prep card in one read and one transaction of the employee's agenda partition;
a failed action writes nothing, and a card sent before such rows existed still works."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest

from shared.domain.card_verdicts import BUSY, SOMEONE_ELSE
from shared.ports.storage import Record, StoreError, TransactionOp
from shared.services import agenda_store
from shared.services.card_action_submit import handle_card_action
from shared.services.card_actions import Verdict
from shared.services.card_records import (
    CardKind,
    CardRecord,
    CardStatus,
    agenda_row,
    card_id,
    card_row,
    find_card,
    insert_card,
)
from tests.fakes.storage import InMemoryStore
from tests.unit.test_card_actions import prep_card
from tests.unit.test_outcomes_world import FixedClock

NOW = datetime(2026, 3, 10, 15, tzinfo=UTC)


def partition(store: InMemoryStore, owner: str = "ada") -> dict[str, dict[str, Any]]:
    return {r.row: dict(r.data) for r in store.query(agenda_store.AGENDAS, owner)}


def submit(store: InMemoryStore, cid: str, actor: str = "ada", **fields: str) -> Verdict:
    data = {"cardId": cid, "unlearn": "big-bang", **fields}
    return handle_card_action(store, FixedClock(NOW), "prep.submit", data, actor).verdict


class AgendaWriteFails(InMemoryStore):
    """The one transaction fails (storage down)."""

    def transact(self, table: str, partition: str, ops: Sequence[TransactionOp]) -> None:
        raise StoreError("table service unavailable")


def test_a_sent_prep_card_has_its_row_in_the_recipients_agenda_partition() -> None:
    store = InMemoryStore()
    cid = prep_card(store)
    assert partition(store)[agenda_row(cid)]["status"] == "sent"
    found = find_card(store, cid, "ada")
    assert found is not None and found.card_id == cid and found.kind is CardKind.PREP and found.recipient_id == "ada"


def test_a_submission_writes_the_card_agenda_and_prep_together_and_leaves_the_sending_row() -> None:
    store = InMemoryStore()
    cid = prep_card(store)
    sending = store.get("cards", cid, "card").data
    assert submit(store, cid) is Verdict.ACCEPTED
    rows = partition(store)
    assert sorted(rows) == sorted([agenda_row(cid), agenda_store.CURRENT_ROW, "occ-1"])
    assert rows[agenda_row(cid)]["status"] == "submitted"
    assert store.get("cards", cid, "card").data == sending  # the cards row keeps how it was sent
    for found in (find_card(store, cid), find_card(store, cid, "ada")):
        assert found is not None and found.status is CardStatus.SUBMITTED


def test_when_the_transaction_fails_nothing_is_written() -> None:
    store = AgendaWriteFails()
    cid = prep_card(store)
    before, cards = partition(store), store.query("cards")
    with pytest.raises(StoreError):
        submit(store, cid)
    assert partition(store) == before and store.query("cards") == cards


class WritesFirstOnce(InMemoryStore):
    """Another writer lands between the submission's read and its first transaction (``race``), once."""

    def __init__(self) -> None:
        super().__init__()
        self.raced = False

    def transact(self, table: str, partition: str, ops: Sequence[TransactionOp]) -> None:
        if not self.raced:
            self.raced = True
            self.race(table, partition, ops)
        super().transact(table, partition, ops)

    def race(self, table: str, partition: str, ops: Sequence[TransactionOp]) -> None:
        raise NotImplementedError


class ChatWritesFirst(WritesFirstOnce):
    """A chat message adds a micro-need between the submission's read of the agenda and its write."""

    def race(self, table: str, partition: str, ops: Sequence[TransactionOp]) -> None:
        agenda_store.add_micro_need(self, partition, "from chat", NOW)


def test_an_agenda_changed_from_chat_meanwhile_is_read_again_and_keeps_both() -> None:
    store = ChatWritesFirst()
    agenda_store.add_micro_need(store, "ada", "earlier", NOW)
    cid = prep_card(store)
    reply = handle_card_action(store, FixedClock(NOW), "prep.submit", {"cardId": cid, "unlearn": "big-bang"}, "ada")
    assert reply.verdict is Verdict.ACCEPTED
    texts = [item.text for item in agenda_store.load_agenda(store, "ada").items]
    assert texts == ["earlier", "from chat", "big-bang"]
    found = find_card(store, cid, "ada")
    assert found is not None and found.status is CardStatus.SUBMITTED
    assert reply.stored is not None and reply.stored.record is not None and found.record is not None
    assert reply.stored.record.data == found.record.data  # the answer shows the row as written


class ChatAlwaysWritesFirst(InMemoryStore):
    """The agenda changes between every read and write of the submission."""

    def transact(self, table: str, partition: str, ops: Sequence[TransactionOp]) -> None:
        agenda_store.add_micro_need(self, partition, "from chat", NOW)
        super().transact(table, partition, ops)


def test_an_agenda_that_keeps_changing_is_an_answer_on_the_card_and_nothing_of_the_card_is_written() -> None:
    store = ChatAlwaysWritesFirst()
    agenda_store.add_micro_need(store, "ada", "earlier", NOW)
    cid = prep_card(store)
    before = store.get(agenda_store.AGENDAS, "ada", agenda_row(cid)).data
    reply = handle_card_action(store, FixedClock(NOW), "prep.submit", {"cardId": cid, "unlearn": "big-bang"}, "ada")
    assert reply.verdict is Verdict.REFUSED and reply.message == BUSY
    assert store.get(agenda_store.AGENDAS, "ada", agenda_row(cid)).data == before
    texts = {item.text for item in agenda_store.load_agenda(store, "ada").items}
    assert "big-bang" not in texts and store.find(agenda_store.AGENDAS, "ada", "occ-1") is None


class AnotherSubmitWinsFirst(WritesFirstOnce):
    """A second submission of the same card lands between this one's read and its transaction."""

    def race(self, table: str, partition: str, ops: Sequence[TransactionOp]) -> None:
        card = next(op for op in ops if op.row.startswith("card-"))
        written = self.find(table, partition, card.row)
        if written is None:
            self.insert(table, partition, card.row, {**card.data, "status": "submitted"})
        else:
            self.update(written, {**written.data, "status": "submitted"})


@pytest.mark.parametrize("legacy", [False, True], ids=["card row in the agenda", "cards row only"])
def test_a_submission_that_loses_the_race_for_the_card_is_refused_and_writes_nothing(legacy: bool) -> None:
    store = AnotherSubmitWinsFirst()
    cid = legacy_prep_card(store) if legacy else prep_card(store)
    assert submit(store, cid) is Verdict.REFUSED
    assert sorted(partition(store)) == [agenda_row(cid)]  # only the winner's card row: no agenda, no prep row


def legacy_prep_card(store: InMemoryStore, start: str = "") -> str:
    """A prep card sent before its row lived in the agenda partition: only its ``cards`` row, status sent."""
    cid = card_id("occ-1", CardKind.PREP)
    data = {"cardId": cid, **({"start": start} if start else {})}
    insert_card(store, CardRecord(cid, CardKind.PREP, "occ-1", "ada", "ada", CardStatus.SENT, data))
    return cid


def test_a_card_sent_before_the_move_is_found_in_the_cards_table_and_gets_its_agenda_row() -> None:
    store = InMemoryStore()
    cid = legacy_prep_card(store)
    assert submit(store, cid) is Verdict.ACCEPTED
    assert partition(store)[agenda_row(cid)]["status"] == "submitted"
    assert [item.text for item in agenda_store.load_agenda(store, "ada").items] == ["big-bang"]
    row = card_row(store, cid)
    assert row is not None and row.status is CardStatus.SENT
    assert submit(store, cid) is Verdict.REFUSED  # no start: not re-openable, so a second submit is refused


def test_someone_else_cannot_submit_a_card_from_their_own_partition_or_the_cards_table() -> None:
    store = InMemoryStore()
    cid = prep_card(store)
    reply = handle_card_action(store, FixedClock(NOW), "prep.submit", {"cardId": cid, "unlearn": "x"}, "grace")
    assert reply.verdict is Verdict.REFUSED and reply.message == SOMEONE_ELSE
    assert partition(store, "grace") == {} and partition(store)[agenda_row(cid)]["status"] == "sent"


def test_a_card_row_copied_into_another_partition_is_still_checked_against_its_recipient() -> None:
    store = InMemoryStore()
    cid = prep_card(store)
    row: Record = store.get(agenda_store.AGENDAS, "ada", agenda_row(cid))
    store.insert(agenda_store.AGENDAS, "grace", agenda_row(cid), row.data)  # a row that names ada, under grace
    assert submit(store, cid, actor="grace") is Verdict.REFUSED
    assert sorted(partition(store, "grace")) == [agenda_row(cid)]  # no agenda, no prep row written for grace
