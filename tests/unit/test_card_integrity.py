"""Issue 18 with fakes: refresh rebuilds (never replays), a card of an ended pair or a passed conversation is
refused, a double submit applies once, prep fields share the agenda item limit, chat writes are rate-limited."""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest

from shared.adapters.cards.renderer import load_template
from shared.adapters.cards.validate import check_card
from shared.adapters.teams import bot_messages
from shared.adapters.teams.views import card_for
from shared.config import load_settings
from shared.container.cards import render_kind
from shared.domain.agenda import ITEM_TEXT_MAX, Visibility
from shared.ports.storage import Batch, EntityKey, PartitionRead, Record, Store, StoreError, TransactionOp, Where, Write
from shared.services import agenda_store
from shared.services.card_action_submit import handle_card_action
from shared.services.card_actions import DEFAULT_EXPIRY, PAIR_ENDED, Verdict, handle_log_outcomes, handle_refresh
from shared.services.card_delivery import CardDeps, deliver_card
from shared.services.card_rate import CardRateLimiter
from shared.services.card_records import (
    CARDS,
    IN_AGENDA,
    ROW,
    CardKind,
    CardRecord,
    CardStatus,
    card_id,
    find_card,
    insert_card,
    mark_sent,
)
from shared.services.card_submissions import PREP_TEXT_MAX
from shared.services.scheduling_records import PAIRS, PEOPLE, PEOPLE_PARTITION
from tests.fakes.storage import InMemoryQueues, InMemoryStore
from tests.unit.test_card_actions import saved_agenda_rows
from tests.unit.test_card_actions_followups import CONFIG, START, RecordingMessenger
from tests.unit.test_outcomes_world import seed_pair

pytestmark = pytest.mark.unit
NOW = datetime(2026, 3, 9, 15, tzinfo=UTC)  # the day before the conversation (START)
OCC = "occ-integrity"
CANARY = "CANARY going private later 51d"


class Clock:
    def __init__(self, now: datetime = NOW) -> None:
        self.at = now

    def now(self) -> datetime:
        return self.at


def world() -> InMemoryStore:
    store = InMemoryStore()
    seed_pair(store, "grace", "ada")
    return store


def sent(store: Store, kind: CardKind, recipient: str, start: str = START) -> str:
    cid = card_id(OCC, kind)
    data = {"managerId": "grace", "start": start, "cardId": cid}
    pending = insert_card(store, CardRecord(cid, kind, OCC, recipient, "ada", CardStatus.PENDING, data))
    mark_sent(store, pending, datetime(2026, 3, 1, tzinfo=UTC))  # a prep card also gets its agenda row
    return cid


async def deliver_agenda(store: InMemoryStore) -> str:
    async def no_wait(_: float) -> None:
        return None

    deps = CardDeps(store, RecordingMessenger(), Clock(), CardRateLimiter(sleep=no_wait), CONFIG, render_kind)
    body = {"kind": "agenda", "occurrence_id": OCC, "recipient_id": "grace", "employee_id": "ada",
            "template_data": {"managerId": "grace", "start": START}}  # fmt: skip
    await deliver_card(deps, body)
    return card_id(OCC, CardKind.AGENDA)


def share_canary(store: InMemoryStore) -> str:
    agenda = agenda_store.add_micro_need(store, "ada", CANARY, NOW)
    item = agenda.items[-1].id
    agenda_store.save_agenda(store, agenda.update_item(item, NOW.date(), visibility=Visibility.SHARED), NOW)
    return item


def make_private(store: InMemoryStore, item: str) -> None:
    agenda = agenda_store.load_agenda(store, "ada")
    agenda_store.save_agenda(store, agenda.update_item(item, NOW.date(), visibility=Visibility.PRIVATE), NOW)


def refresh(store: Store, cid: str, actor: str, at: datetime = NOW) -> Any:
    return handle_refresh(store, {"cardId": cid}, actor, config=lambda: CONFIG, clock=Clock(at))


# ------------------------------------------------------------------ refresh rebuilds, never replays


async def test_a_card_row_keeps_ids_never_the_agenda_text() -> None:
    store = world()
    share_canary(store)
    cid = await deliver_agenda(store)
    row = store.get(CARDS, cid, ROW)
    assert CANARY not in json.dumps(row.data)
    assert json.loads(row.data["template_data"]) == {"managerId": "grace", "start": START, "cardId": cid}


async def test_refresh_after_an_item_turns_private_shows_it_gone() -> None:
    store = world()
    item = share_canary(store)
    cid = await deliver_agenda(store)
    before = refresh(store, cid, "grace")
    assert before.verdict is Verdict.EDITABLE and CANARY in json.dumps(card_for(before))
    make_private(store, item)
    after = refresh(store, cid, "grace")
    assert after.verdict is Verdict.EDITABLE
    card = card_for(after)
    assert CANARY not in json.dumps(card)
    assert card["refresh"]["action"]["data"] == {"cardId": cid}  # the rebuilt template, not a replay


def test_an_old_row_with_stored_content_is_never_replayed() -> None:
    store = world()
    cid = card_id(OCC, CardKind.AGENDA)
    old = json.dumps({"managerId": "grace", "start": START, "sharedItems": [{"text": CANARY}]})
    data = {"kind": "agenda", "occurrence_id": OCC, "recipient_id": "grace", "employee_id": "ada", "status": "sent",
            "template_data": old}  # fmt: skip
    store.insert(CARDS, cid, ROW, data)
    assert CANARY not in json.dumps(card_for(refresh(store, cid, "grace")))


# ------------------------------------------------------------------ the pair has ended


def manager_change(store: InMemoryStore) -> None:
    row = dict(store.get(PEOPLE, PEOPLE_PARTITION, "ada").data)
    store.upsert(PEOPLE, PEOPLE_PARTITION, "ada", {**row, "manager_id": "hopper"})
    store.upsert(PAIRS, "grace", "ada", {"active": False, "closed": "manager-change"})


def leaver(store: InMemoryStore) -> None:
    store.delete(PEOPLE, PEOPLE_PARTITION, "ada")
    store.upsert(PAIRS, "grace", "ada", {"active": False, "closed": "leaver"})


def pair_closed(store: InMemoryStore) -> None:
    store.upsert(PAIRS, "grace", "ada", {"active": False, "closed": "disabled"})


@pytest.mark.parametrize("end", [manager_change, leaver, pair_closed])
def test_a_card_replayed_after_its_pair_ended_is_refused_and_nothing_is_stored(end: Any) -> None:
    store = world()
    share_canary(store)
    agenda, outcome = sent(store, CardKind.AGENDA, "grace"), sent(store, CardKind.OUTCOME, "grace")
    end(store)
    before = {name: dict(rows) for name, rows in store.tables.items()}
    refreshed = refresh(store, agenda, "grace")
    assert (refreshed.verdict, refreshed.message) == (Verdict.REFUSED, PAIR_ENDED)
    assert CANARY not in json.dumps(card_for(refreshed))
    assert "no longer yours" in json.dumps(card_for(refreshed))
    logged = handle_log_outcomes(store, {"cardId": agenda}, "grace", config=lambda: CONFIG, clock=Clock())
    assert logged.verdict is Verdict.REFUSED
    data = {"cardId": outcome, "action_1_text": "x", "action_1_quadrant": "gift", "action_1_type": "training",
            "action_1_owner": "ada", "action_1_due": "2026-04-30"}  # fmt: skip
    assert handle_card_action(store, Clock(), "outcome.log", data, "grace").verdict is Verdict.REFUSED
    assert store.tables == before


# ------------------------------------------------------------------ expiry


def test_a_card_expires_some_days_after_its_conversation() -> None:
    store = world()
    cid = sent(store, CardKind.PREP, "ada")
    start = datetime.fromisoformat(START)
    assert refresh(store, cid, "ada", start + DEFAULT_EXPIRY - timedelta(hours=1)).verdict is Verdict.EDITABLE
    passed = refresh(store, cid, "ada", start + DEFAULT_EXPIRY + timedelta(hours=1))
    assert passed.verdict is Verdict.EXPIRED
    card = card_for(passed)
    check_card(card)
    assert "This conversation has passed" in json.dumps(card) and "2026-03-10" in json.dumps(card)
    assert "actions" not in card and "refresh" not in card  # read-only: nothing to submit, nothing to refresh
    late = Clock(start + DEFAULT_EXPIRY + timedelta(days=1))
    reply = handle_card_action(store, late, "prep.submit", {"cardId": cid, "newMicroNeed": "late"}, "ada")
    assert reply.verdict is Verdict.EXPIRED
    assert saved_agenda_rows(store) == []


def test_the_expiry_is_a_parameter() -> None:
    store = world()
    cid = sent(store, CardKind.PREP, "ada")
    at = datetime.fromisoformat(START) + timedelta(days=3)
    reply = handle_refresh(store, {"cardId": cid}, "ada", clock=Clock(at), expiry=timedelta(days=2))
    assert reply.verdict is Verdict.EXPIRED


def test_the_passed_card_template_has_sample_data_and_no_actions() -> None:
    template = load_template("conversation-passed")
    assert "actions" not in template and "refresh" not in template


# ------------------------------------------------------------------ submit once


class RacingStore:
    """A Store whose first card read in each of two threads waits for the other: both read the same ETag."""

    def __init__(self, inner: Store, parties: int = 2) -> None:
        self.inner = inner
        self.barrier = threading.Barrier(parties, timeout=60)  # a loaded CI machine can be slow to start a thread
        self.waited: set[int] = set()

    def find(self, table: str, partition: str, row: str) -> Record | None:
        found = self.inner.find(table, partition, row)
        self._first_card_read(table == CARDS or row.startswith(IN_AGENDA))
        return found

    def find_rows(self, table: str, partition: str, rows: Sequence[str]) -> dict[str, Record]:
        found = self.inner.find_rows(table, partition, rows)  # a prep card's row with its agenda
        self._first_card_read(any(row.startswith(IN_AGENDA) for row in rows))
        return found

    def _first_card_read(self, of_a_card: bool) -> None:
        if of_a_card and threading.get_ident() not in self.waited:
            self.waited.add(threading.get_ident())
            self.barrier.wait()

    def get(self, table: str, partition: str, row: str) -> Record:
        return self.inner.get(table, partition, row)

    def read_ahead(
        self, keys: Sequence[EntityKey], partitions: Sequence[PartitionRead] = (), writes: Sequence[Write] = ()
    ) -> AbstractContextManager[list[Record | StoreError]]:
        return nullcontext(self.write_at_once(writes) if writes else [])  # every read goes through find, which races

    def insert(self, table: str, partition: str, row: str, data: Mapping[str, Any]) -> Record:
        return self.inner.insert(table, partition, row, data)

    def upsert(self, table: str, partition: str, row: str, data: Mapping[str, Any]) -> Record:
        return self.inner.upsert(table, partition, row, data)

    def update(self, record: Record, data: Mapping[str, Any]) -> Record:
        return self.inner.update(record, data)

    def write_at_once(self, writes: Sequence[Write]) -> list[Record | StoreError]:
        return self.inner.write_at_once(writes)

    def transact_at_once(self, batches: Sequence[Batch]) -> list[StoreError | None]:
        return self.inner.transact_at_once(batches)

    def delete(self, table: str, partition: str, row: str) -> None:
        self.inner.delete(table, partition, row)

    def query(self, table: str, partition: str | None = None, where: Where | None = None) -> list[Record]:
        return self.inner.query(table, partition, where)

    def transact(self, table: str, partition: str, ops: Sequence[TransactionOp]) -> None:
        self.inner.transact(table, partition, ops)


def submit_twice_at_once(store: Store, cid: str, data: dict[str, Any], actor: str, verb: str) -> list[Verdict]:
    racing = RacingStore(store)
    verdicts: list[Verdict] = []
    lock = threading.Lock()

    def submit() -> None:
        reply = handle_card_action(racing, Clock(), verb, {"cardId": cid, **data}, actor)
        with lock:
            verdicts.append(reply.verdict)

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    return sorted(verdicts)


def test_two_concurrent_submits_of_one_card_apply_once() -> None:
    store = world()
    cid = sent(store, CardKind.PREP, "ada")
    verdicts = submit_twice_at_once(store, cid, {"newMicroNeed": "Pairing on the parser"}, "ada", "prep.submit")
    assert verdicts == [Verdict.ACCEPTED, Verdict.REFUSED]
    texts = [item.text for item in agenda_store.load_agenda(store, "ada").items]
    assert texts == ["Pairing on the parser"]
    card = find_card(store, cid)
    assert card is not None and card.status is CardStatus.SUBMITTED


def test_a_live_claim_refuses_a_later_submit_and_a_stale_one_is_taken_over() -> None:
    store = world()
    cid = sent(store, CardKind.PREP, "ada")
    card = find_card(store, cid, "ada")  # the row the action reads: the prep card's row in ada's agenda partition
    assert card is not None and card.record is not None
    store.update(card.record, {**card.record.data, "claimed_at": NOW.isoformat()})  # a submission in flight
    data = {"cardId": cid, "newMicroNeed": "second"}
    assert handle_card_action(store, Clock(), "prep.submit", data, "ada").verdict is Verdict.REFUSED
    assert saved_agenda_rows(store) == []
    later = Clock(NOW + timedelta(minutes=5))  # the first attempt crashed: its claim has lapsed
    assert handle_card_action(store, later, "prep.submit", data, "ada").verdict is Verdict.ACCEPTED


def test_a_submission_that_saves_nothing_gives_its_claim_back() -> None:
    store = world()
    cid = sent(store, CardKind.PREP, "ada")
    for n in range(60):
        agenda_store.add_micro_need(store, "ada", f"need {n}", NOW)
    full = handle_card_action(store, Clock(), "prep.submit", {"cardId": cid, "newMicroNeed": "one more"}, "ada")
    assert full.verdict is Verdict.INVALID
    assert "claimed_at" not in store.get(CARDS, cid, ROW).data
    accepted = handle_card_action(store, Clock(), "prep.submit", {"cardId": cid, "unlearn": ""}, "ada")
    assert accepted.verdict is Verdict.ACCEPTED


# ------------------------------------------------------------------ one length limit


def test_prep_fields_and_agenda_items_share_one_limit() -> None:
    assert PREP_TEXT_MAX == ITEM_TEXT_MAX
    prep = load_template("employee-prep")
    limits = [n["maxLength"] for n in _walk(prep) if n.get("type") == "Input.Text" and "maxLength" in n]
    assert limits and max(limits) <= ITEM_TEXT_MAX


def _walk(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        return [node, *(found for value in node.values() for found in _walk(value))]
    if isinstance(node, list):
        return [found for value in node for found in _walk(value)]
    return []


@pytest.mark.parametrize("field", ["learningGoals", "newMicroNeed", "unlearn", "learningNetwork", "shareLearning"])
def test_a_prep_field_over_the_limit_is_an_answer_on_the_card_and_nothing_is_saved(field: str) -> None:
    store = world()
    cid = sent(store, CardKind.PREP, "ada")
    over = {"cardId": cid, field: "x" * (ITEM_TEXT_MAX + 1)}
    too_long = handle_card_action(store, Clock(), "prep.submit", over, "ada")
    assert too_long.verdict is Verdict.INVALID and "Please check" in too_long.message
    assert saved_agenda_rows(store) == []
    fits = handle_card_action(store, Clock(), "prep.submit", {"cardId": cid, field: "x" * ITEM_TEXT_MAX}, "ada")
    assert fits.verdict is Verdict.ACCEPTED


# ------------------------------------------------------------------ chat rate limit


def services(store: Store, clock: Clock) -> bot_messages.BotServices:
    settings = load_settings(storage_connection="UseDevelopmentStorage=true", coach_pool="coach@contoso.test")
    return bot_messages.BotServices(store, InMemoryQueues(clock.now), clock, settings)


def say(svc: bot_messages.BotServices, text: str, actor: str = "ada") -> str:
    return bot_messages.reply_to(svc, text, actor, cast(Any, None))


def test_chat_commands_that_write_are_rate_limited_per_user() -> None:
    store, clock = InMemoryStore(), Clock()
    svc = services(store, clock)
    for n in range(bot_messages.COMMAND_LIMIT):
        assert "Added" in say(svc, f"add a micro-need: need {n}")
    assert say(svc, "add a micro-need: one too many") == bot_messages.SLOW_DOWN
    assert say(svc, "talk to a coach") == bot_messages.SLOW_DOWN
    assert len(agenda_store.load_agenda(store, "ada").items) == bot_messages.COMMAND_LIMIT
    assert agenda_store.load_agenda(store, "ada").coach_request is None
    assert svc.queues.length("send-card") == 0
    assert "Added" in say(svc, "add a micro-need: someone else's", actor="grace")
    assert say(svc, "help").startswith("I can help")  # reading commands are not limited
    clock.at = NOW + bot_messages.COMMAND_WINDOW
    assert "Added" in say(svc, "add a micro-need: after a minute")


def test_two_messages_at_once_are_both_counted() -> None:
    store, clock = InMemoryStore(), Clock()
    svc = services(store, clock)
    racing = RacingStore(store)
    racing_svc = bot_messages.BotServices(cast(Store, _RateRows(racing)), svc.queues, clock, svc.settings)
    threads = [threading.Thread(target=bot_messages.allow_write, args=(racing_svc, "ada")) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert len(store.get(bot_messages.RATE_TABLE, "ada", bot_messages.RATE_ROW).data["recent"]) == 2


class _RateRows(RacingStore):
    """Races on the rate-limit row instead of a card row."""

    def __init__(self, inner: RacingStore) -> None:
        super().__init__(inner.inner)

    def find(self, table: str, partition: str, row: str) -> Record | None:
        found = self.inner.find(table, partition, row)
        if table == bot_messages.RATE_TABLE and threading.get_ident() not in self.waited:
            self.waited.add(threading.get_ident())
            self.barrier.wait()
        return found


def test_the_chat_length_answer_names_the_shared_limit() -> None:
    svc = services(InMemoryStore(), Clock())
    answer = say(svc, "add a micro-need: " + "x" * (ITEM_TEXT_MAX + 1))
    assert str(ITEM_TEXT_MAX) in answer and "Nothing was added" in answer
