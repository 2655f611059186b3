"""Issue 20: Table round trips per ``prep.submit``, counted on Azurite through a counting proxy.

The submission and its answer run as the bot runs them (``shared.services.card_answer.submit_and_answer``:
``handle_card_action``, then ``saved_prep_card`` rebuilding the card with ``handle_refresh``, on one read-once view
of the store). Every request the table service receives is counted, so a change that adds a read or a write fails
here.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from devstack.azurite import Azurite, connection_string
from shared.adapters.config_file import load_company_config
from shared.adapters.storage.tables import TableStore
from shared.services import agenda_store
from shared.services.card_actions import CardReply, Verdict
from shared.services.card_answer import submit_and_answer
from shared.services.card_records import CardKind, CardRecord, CardStatus, card_id, find_card, insert_card, mark_sent
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
    payload = {"cardId": cid, **data}
    return submit_and_answer(store, FixedClock(NOW), "prep.submit", payload, "ada", config=lambda: CONFIG)


def seed_prep(store: TableStore, occurrence: str, **ids: str) -> str:
    """A prep card as the send path leaves it: its ``cards`` row sent, and its row in ada's agenda partition."""
    cid = card_id(occurrence, CardKind.PREP)
    data = {"cardId": cid, **ids}
    pending = insert_card(store, CardRecord(cid, CardKind.PREP, occurrence, "ada", "ada", CardStatus.PENDING, data))
    mark_sent(store, pending, NOW - timedelta(days=1))
    return cid


def test_a_prep_submit_takes_two_table_round_trips(counted: tuple[TableStore, TableProxy]) -> None:
    """The bench's card (tests/bench/card_action.py): one GET of ada's agenda partition (the card's row and the
    agenda), one POST $batch (the card row submitted, the agenda, the prep row)."""
    store, proxy = counted
    agenda_store.add_micro_need(store, "ada", "an earlier need", NOW)  # the agenda exists: an ETag-guarded update
    cid = seed_prep(store, "occ-1")
    proxy.counts.clear()
    reply = submit_as_the_bot(store, cid, {"newMicroNeed": "Pairing with SRE"})
    assert reply.verdict is Verdict.ACCEPTED
    assert requests(proxy) == {"GET agendas": 1, "POST $batch": 1}
    texts = [item.text for item in agenda_store.load_agenda(store, "ada").items]
    assert texts == ["an earlier need", "Pairing with SRE"]
    found = find_card(store, cid)
    assert found is not None and found.status is CardStatus.SUBMITTED
    assert store.find(agenda_store.AGENDAS, "ada", "occ-1") is not None


def test_a_card_sent_before_its_agenda_row_existed_takes_one_read_more(
    counted: tuple[TableStore, TableProxy],
) -> None:
    store, proxy = counted
    agenda_store.add_micro_need(store, "ada", "an earlier need", NOW)
    cid = card_id("occ-9", CardKind.PREP)
    insert_card(store, CardRecord(cid, CardKind.PREP, "occ-9", "ada", "ada", CardStatus.SENT, {"cardId": cid}))
    proxy.counts.clear()
    assert submit_as_the_bot(store, cid, {"newMicroNeed": "Pairing with SRE"}).verdict is Verdict.ACCEPTED
    assert requests(proxy) == {"GET agendas": 1, "GET cards": 1, "POST $batch": 1}


def test_a_first_prep_submit_of_an_open_conversation_reads_the_pair_once(
    counted: tuple[TableStore, TableProxy],
) -> None:
    """A card as sent (manager and start): the pair check (people, pair) and the editable card in the answer (agenda
    as written, open actions) add reads; the answer reuses the pair check's people; one transaction writes."""
    store, proxy = counted
    seed_pair(store, "grace", "ada")
    agenda_store.add_micro_need(store, "ada", "an earlier need", NOW)
    cid = seed_prep(store, "occ-2", managerId="grace", start=(NOW + timedelta(days=7)).isoformat())
    proxy.counts.clear()
    at_once = at_once_batches(store)
    reply = submit_as_the_bot(store, cid, {"newMicroNeed": "Pairing with SRE"})
    assert reply.verdict is Verdict.EDITABLE and reply.view["saved"] is True
    reads = {"GET people": 2, "GET pairs": 1, "GET agendas": 2, "GET outcomes": 1}
    assert requests(proxy) == {**reads, "POST $batch": 1}
    # 4 waits, not 7: the card's row and agenda; the people, the pair and the outcomes at once; the transaction;
    # the agenda as written
    assert [sorted(re.sub(r"^/t[0-9a-f]{10}", "", p).split("(")[0] for p in batch) for batch in at_once] == [
        ["outcomes", "pairs", "people", "people"]
    ]


def at_once_batches(store: TableStore) -> list[list[str]]:
    """The paths of each group of requests the store sends at once (``TableHttp.at_once``), recorded from now on."""
    batches: list[list[str]] = []
    http = store._http
    at_once = http.at_once

    def recorded(requests: list[Any]) -> list[Any]:
        batches.append([path for _, path, _, _ in requests])
        return at_once(requests)

    http.at_once = recorded  # type: ignore[method-assign]
    return batches


def test_a_prep_submit_that_does_not_fit_writes_nothing(counted: tuple[TableStore, TableProxy]) -> None:
    store, proxy = counted
    cid = seed_prep(store, "occ-3")
    proxy.counts.clear()
    reply = submit_as_the_bot(store, cid, {"learningGoals": "x" * 5000})
    assert reply.verdict is Verdict.INVALID
    assert not [op for op in proxy.counts if not op.startswith("GET ")], dict(proxy.counts)
