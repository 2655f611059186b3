"""A conversation's card reads the rows it needs at once (``Store.read_ahead``), and then reads none of them again."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

import pytest

from shared.ports.messenger import ConversationRef, Recipient
from shared.ports.storage import EntityKey, Record
from shared.services.card_channels import channel_for
from shared.services.card_delivery import deliver_card
from shared.services.card_email import EmailSender
from shared.services.card_records import CardKind
from shared.services.languages import language_for
from shared.services.record_outcome import OUTCOME_ROWS
from tests.fakes.storage import InMemoryStore
from tests.unit.test_card_actions_followups import CONFIG, START, RecordingMessenger, deps, seed_pair

CONVERSATION = ("conversations", "{}", "teams")


class CountingStore(InMemoryStore):
    """Counts the reads that reach the stored tables (a read_ahead block's own included)."""

    def __init__(self) -> None:
        super().__init__()
        self.reads: Counter[tuple[str, ...]] = Counter()

    def _stored(self, table: str, partition: str, row: str) -> Record | None:
        self.reads[table, partition, row] += 1
        return super()._stored(table, partition, row)

    def _queried(self, table: str, partition: str | None) -> list[Record]:
        self.reads[table, str(partition)] += 1
        return super()._queried(table, partition)


class StoringMessenger(RecordingMessenger):
    """Reads its stored conversation first, as the Teams messenger does."""

    def __init__(self, store: InMemoryStore) -> None:
        super().__init__()
        self.store = store

    def stored_keys(self, user: Recipient) -> Sequence[EntityKey]:
        return [("conversations", user.user_id, "teams")]

    async def ensure_conversation(self, user: Recipient, *, refresh: bool = False) -> ConversationRef:
        self.store.find("conversations", user.user_id, "teams")
        return await super().ensure_conversation(user, refresh=refresh)


@pytest.mark.parametrize(
    ("kind", "recipient", "agenda"), [(CardKind.PREP, "ada", True), (CardKind.AGENDA, "grace", True),
                                      (CardKind.OUTCOME, "grace", False)],
)  # fmt: skip
async def test_a_card_reads_its_rows_in_one_block_and_each_once(kind: CardKind, recipient: str, agenda: bool) -> None:
    store = CountingStore()
    seed_pair(store, "grace", "ada")
    store.reads.clear()
    messenger = StoringMessenger(store)
    card_deps = replace(deps(store, messenger), language_of=lambda who: language_for(store, who, "en"))
    message = {"kind": kind.value, "occurrence_id": "occ-ahead", "recipient_id": recipient, "employee_id": "ada",
               "template_data": {"managerId": "grace", "start": START}}  # fmt: skip
    assert str(await deliver_card(card_deps, message)) == "sent"
    people = [("people", "people", "ada"), ("people", "people", "grace")]
    expected = [*people, *([("agendas", "ada", "current")] if agenda else []), ("languages", recipient, "person"),
                ("conversations", recipient, "teams")]  # fmt: skip
    outcomes = ("outcomes", "grace__ada", OUTCOME_ROWS) if agenda else ("outcomes", "grace__ada")  # prep, agenda
    assert store.read_ahead_calls == [(expected, [outcomes])]
    assert {key: store.reads[key] for key in [*expected, ("outcomes", "grace__ada")]} == dict.fromkeys(
        [*expected, ("outcomes", "grace__ada")], 1
    )
    assert len(messenger.cards) == 1


async def test_with_email_on_the_delivery_row_is_read_in_the_block_too() -> None:
    """Email on: the channel comes from the recipient's delivery row, read with the others, not after them."""
    store = CountingStore()
    seed_pair(store, "grace", "ada")
    store.reads.clear()
    messenger = StoringMessenger(store)
    email = EmailSender(mailer=None, sender="wegrow@contoso.test", originator="originator-id")  # type: ignore[arg-type]
    card_deps = replace(
        deps(store, messenger),
        email=email,
        channel_of=lambda who: channel_for(store, CONFIG, who, email_available=True),
    )
    message = {"kind": "prep", "occurrence_id": "occ-mail", "recipient_id": "ada", "employee_id": "ada",
               "template_data": {"managerId": "grace", "start": START}}  # fmt: skip
    assert str(await deliver_card(card_deps, message)) == "sent"
    ((keys, _),) = store.read_ahead_calls
    assert ("delivery", "ada", "person") in keys
    assert store.reads["delivery", "ada", "person"] == 1
    assert len(messenger.cards) == 1, "no preference and Teams reachable: the card went to Teams"
