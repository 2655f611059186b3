"""Issue 20: Table round trips per ``prep.submit``, counted on Azurite through a counting proxy.

The submission and its answer run as the bot runs them (``shared.adapters.teams.agent``: ``handle_card_action``,
then ``saved_prep_card`` rebuilding the card with ``handle_refresh``). Every request the table service receives is
counted, so a change that adds a read or a write fails here.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest

from devstack.azurite import Azurite, connection_string
from shared.adapters.config_file import load_company_config
from shared.adapters.storage.tables import TableStore
from shared.services import agenda_store
from shared.services.card_actions import CardReply, Verdict, handle_card_action, handle_refresh
from shared.services.card_records import CardKind, CardRecord, CardStatus, card_id, find_card, insert_card
from shared.services.prep_reopen import saved_prep_card
from tests.bench.table_proxy import TableProxy
from tests.unit.test_outcomes_world import FixedClock, seed_pair

pytestmark = pytest.mark.integration
NOW = datetime(2026, 3, 10, 15, tzinfo=UTC)
CONFIG = load_company_config()


@pytest.fixture
def counted(azurite_server: Azurite) -> Iterator[tuple[TableStore, TableProxy]]:
    """A TableStore (private tables) whose every request goes through a counting proxy to the session's Azurite."""
    from azure.data.tables import TableServiceClient

    proxy = TableProxy(f"http://127.0.0.1:{azurite_server.ports['table']}").start()
    try:
        connection = connection_string(proxy.port, azurite_server.ports["queue"])
        yield TableStore(TableServiceClient.from_connection_string(connection), prefix=_prefix()), proxy
    finally:
        proxy.stop()


def _prefix() -> str:
    return "t" + uuid.uuid4().hex[:10]  # each test's private tables (tests/fixtures/azurite.py)


def requests(proxy: TableProxy) -> Counter[str]:
    """The proxy's counts by method and table ("GET cards", "POST $batch")."""
    return Counter({re.sub(r"/devstoreaccount1/(t[0-9a-f]{10})?", "", key): n for key, n in proxy.counts.items()})


def submit_as_the_bot(store: TableStore, cid: str, data: dict[str, str]) -> CardReply:
    clock, payload = FixedClock(NOW), {"cardId": cid, **data}
    reply = handle_card_action(store, clock, "prep.submit", payload, "ada", config=lambda: CONFIG)
    rebuild = partial(handle_refresh, store, payload, "ada", config=lambda: CONFIG, clock=clock)
    return saved_prep_card(reply, rebuild)


def seed_prep(store: TableStore, occurrence: str, **ids: str) -> str:
    cid = card_id(occurrence, CardKind.PREP)
    insert_card(
        store, CardRecord(cid, CardKind.PREP, occurrence, "ada", "ada", CardStatus.SENT, {"cardId": cid, **ids})
    )
    return cid


def test_a_prep_submit_takes_four_table_round_trips(counted: tuple[TableStore, TableProxy]) -> None:
    """The bench's card (tests/bench/card_action.py): GET card, GET agenda, PUT card (submitted), POST $batch."""
    store, proxy = counted
    agenda_store.add_micro_need(store, "ada", "an earlier need", NOW)  # the agenda exists: an ETag-guarded update
    cid = seed_prep(store, "occ-1")
    proxy.counts.clear()
    reply = submit_as_the_bot(store, cid, {"newMicroNeed": "Pairing with SRE"})
    assert reply.verdict is Verdict.ACCEPTED
    assert requests(proxy) == {"GET cards": 1, "GET agendas": 1, "PUT cards": 1, "POST $batch": 1}
    texts = [item.text for item in agenda_store.load_agenda(store, "ada").items]
    assert texts == ["an earlier need", "Pairing with SRE"]
    found = find_card(store, cid)
    assert found is not None and found.status is CardStatus.SUBMITTED
    assert store.find(agenda_store.AGENDAS, "ada", "occ-1") is not None


def test_a_first_prep_submit_of_an_open_conversation_reads_the_pair_once(
    counted: tuple[TableStore, TableProxy],
) -> None:
    """A card as sent (manager and start): the pair check (people, pair) and the editable card in the answer (people,
    agenda, open actions) add reads; the card row is still read and written once, the agenda written once."""
    store, proxy = counted
    seed_pair(store, "grace", "ada")
    agenda_store.add_micro_need(store, "ada", "an earlier need", NOW)
    cid = seed_prep(store, "occ-2", managerId="grace", start=(NOW + timedelta(days=7)).isoformat())
    proxy.counts.clear()
    reply = submit_as_the_bot(store, cid, {"newMicroNeed": "Pairing with SRE"})
    assert reply.verdict is Verdict.EDITABLE and reply.view["saved"] is True
    reads = {"GET cards": 1, "GET people": 4, "GET pairs": 1, "GET agendas": 2, "GET outcomes": 1}
    assert requests(proxy) == {**reads, "PUT cards": 1, "POST $batch": 1}


def test_a_prep_submit_that_does_not_fit_writes_nothing(counted: tuple[TableStore, TableProxy]) -> None:
    store, proxy = counted
    cid = seed_prep(store, "occ-3")
    proxy.counts.clear()
    reply = submit_as_the_bot(store, cid, {"learningGoals": "x" * 5000})
    assert reply.verdict is Verdict.INVALID
    assert not [op for op in proxy.counts if not op.startswith("GET ")], dict(proxy.counts)
