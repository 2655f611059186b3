"""Privacy operations pick records by ownership, not by mention; leavers stay findable; forget ends series and cards.

Each test here failed on the mention-based implementation (a UPN anywhere in a record made it the person's).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared.domain.people import Pair
from shared.services import agenda_store
from shared.services.card_action_submit import handle_card_action
from shared.services.card_actions import Verdict
from shared.services.card_records import CARDS, CardKind, CardRecord, CardStatus, card_id, insert_card
from shared.services.privacy import UnknownPerson, export_person, find_subject, forget_person, purge_expired
from shared.services.privacy import subject_ref as keyed_ref
from shared.services.repair import handle_pair_changed
from shared.services.schedule_pair import schedule_pair
from shared.services.scheduling_records import PAIRS, PEOPLE, SERIES
from shared.services.sync_org import PAIR_CHANGED, sync_org
from tests.fakes.storage import InMemoryQueues, InMemoryStore
from tests.unit.scheduling_world import World
from tests.unit.test_outcomes_world import FixedClock, action, log_and_confirm, seed_pair

pytestmark = pytest.mark.unit
KEY = b"audit-key-for-tests"
PRIVATE_NAMING_MANAGER = "CANARY private: ask HR whether grace@contoso.test blocks my promotion"


def exported_text(document: dict[str, Any]) -> str:
    return json.dumps(document["tables"])


def seed_conversation(store: InMemoryStore, clock: FixedClock) -> None:
    """grace manages ada; ada keeps a private item that names grace; they hold a conversation with outcomes."""
    seed_pair(store, "grace", "ada")
    agenda_store.add_micro_need(store, "ada", PRIVATE_NAMING_MANAGER, clock.now())
    log_and_confirm(store, clock, "grace", "ada", [action("Lead the migration kick-off")])


def test_managers_export_has_pair_outcomes_but_none_of_the_employees_private_items() -> None:
    store, clock = InMemoryStore(), FixedClock()
    seed_conversation(store, clock)
    document = export_person(store, "grace@contoso.test", "hr", clock.now(), KEY)
    text = exported_text(document)
    assert "Lead the migration kick-off" in text  # the outcome rows of the pair are the manager's too
    assert "CANARY" not in text and "agendas" not in document["tables"]
    assert {r["row"] for r in document["tables"]["pairs"]} == {"ada"}
    assert [r["row"] for r in document["tables"]["people"]] == ["grace"]  # not ada's row (it names grace)
    confirmation = next(r for r in document["tables"]["outcomes"] if r["row"] == "confirmation")
    assert confirmation["data"]["confirmation"] == "[redacted]"  # ada wrote it
    for card in document["tables"]["cards"]:
        assert card["data"]["recipient_id"] == "grace" or card["data"]["template_data"] == "[redacted]"
    assert PRIVATE_NAMING_MANAGER in exported_text(export_person(store, "ada", "hr", clock.now(), KEY))


def test_a_record_that_only_mentions_a_upn_is_neither_exported_nor_forgotten_for_it() -> None:
    store, clock = InMemoryStore(), FixedClock()
    seed_conversation(store, clock)
    seed_pair(store, "grace", "alan")
    agenda_store.add_micro_need(store, "alan", "pair with ada@contoso.test on the data migration", clock.now())
    document = export_person(store, "ada@contoso.test", "hr", clock.now(), KEY)
    assert "pair with" not in exported_text(document) and [r["partition"] for r in document["tables"]["agendas"]] == [
        "ada"
    ]
    asyncio.run(forget_person(store, None, "ada@contoso.test", "hr", clock.now(), audit_key=KEY))
    alan = agenda_store.load_agenda(store, "alan")
    assert [item.text for item in alan.items] == ["pair with ada@contoso.test on the data migration"]
    assert store.find(PEOPLE, "people", "alan") is not None and store.find(PAIRS, "grace", "alan") is not None
    assert store.find(PEOPLE, "people", "ada") is None and store.query("agendas", "ada") == []


async def test_a_leaver_is_exported_and_forgotten_by_object_id_after_sync_removed_them() -> None:
    world = World()
    await sync_org(world.directory, world.store, world.queues)
    agenda_store.add_micro_need(world.store, "r1", "learn the new pricing model", datetime(2026, 6, 1, tzinfo=UTC))
    world.directory.remove("r1")
    await sync_org(world.directory, world.store, world.queues)
    assert world.store.find(PEOPLE, "people", "r1") is None
    assert world.store.find(PEOPLE, "leavers", "r1") is not None
    assert find_subject(world.store, "bob@x.test").id == "r1"  # by UPN too
    document = export_person(world.store, "r1", "hr", datetime(2026, 6, 2, tzinfo=UTC), KEY)
    assert document["leaver"] is True and document["id"] == "r1"
    assert "learn the new pricing model" in exported_text(document)
    await forget_person(world.store, None, "r1", "hr", datetime(2026, 6, 2, tzinfo=UTC), audit_key=KEY)
    assert world.store.query("agendas", "r1") == [] and world.store.find(PEOPLE, "leavers", "r1") is None
    with pytest.raises(UnknownPerson):
        find_subject(world.store, "r1")


async def test_forget_ends_the_persons_series_through_pair_changed_and_their_cards() -> None:
    world = World()
    await sync_org(world.directory, world.store, world.queues)
    world.drain(PAIR_CHANGED)
    assert (await schedule_pair(world.ctx(), Pair("m1", "r1", "Sales"))).status == "created"
    assert len(world.calendar.live_series("m1")) == 1
    occurrence = "occ-m1-r1"
    prep = CardRecord(card_id(occurrence, CardKind.PREP), CardKind.PREP, occurrence, "r1", "r1", CardStatus.SENT, {})
    insert_card(world.store, prep)
    counts = await forget_person(world.store, None, "bob@x.test", "hr", datetime(2026, 6, 2, tzinfo=UTC),
                                 queues=world.queues, audit_key=KEY)  # fmt: skip
    assert counts["series_ended"] == 1 and counts["cards_ended"] == 1
    [message] = world.drain(PAIR_CHANGED)
    assert message == {"kind": "leaver", "manager_id": "m1", "report_id": "r1"}
    assert await handle_pair_changed(world.ctx(), message) == "cancelled"  # the product's own cancellation
    assert world.calendar.live_series("m1") == [] and world.store.find(SERIES, "m1", "r1") is None
    assert world.store.find(CARDS, prep.card_id, "card") is None
    reply = handle_card_action(world.store, FixedClock(), "prep.submit", {"cardId": prep.card_id}, "r1")
    assert reply.verdict is not Verdict.ACCEPTED


def test_retention_purges_agendas_cards_coach_requests_bookings_and_poison_queues() -> None:
    store, clock = InMemoryStore(), FixedClock()
    seed_conversation(store, clock)
    coach = CardRecord("coach-card", CardKind.COACH_REQUEST, "occ-x", "coach1", "ada", CardStatus.PENDING, {})
    insert_card(store, coach)
    store.upsert(
        CARDS, "coach-card", "card", {**store.get(CARDS, "coach-card", "card").data, "sent_at": clock.now().isoformat()}
    )
    store.upsert("bookings", "ada", clock.now().strftime("%Y%m%dT%H%M"), {"series_id": "s"})
    store.upsert("bookings", "ada", "29990101T0900", {"series_id": "s"})  # a future booking stays
    now = {"at": clock.now()}
    queues = InMemoryQueues(now=lambda: now["at"])
    queues.send("send-card-poison", {"recipient_id": "ada"})
    queues.send("pair-changed-poison", {"report_id": "ada"})
    assert purge_expired(store, clock.now(), 30, queues=queues) == 0  # nothing is old yet; poison is now "seen"
    now["at"] = clock.now() + timedelta(days=31)
    purged = purge_expired(store, now["at"], 30, queues=queues)
    audits = [r.data for r in store.query("audit", "privacy") if r.data["operation"] == "retention-purge"]
    assert audits[-1]["counts"].keys() >= {"outcomes", "agendas", "cards", "bookings", "poison"}
    assert purged == sum(audits[-1]["counts"].values())
    assert store.query("agendas") == [] and store.query(CARDS) == []
    assert [r.row for r in store.query("bookings")] == ["29990101T0900"]
    assert not [r for r in store.query("outcomes") if r.row in {"log", "confirmation"} or r.row.startswith("outcome:")]
    assert queues.length("send-card-poison") == 0 and queues.length("pair-changed-poison") == 0
    assert store.query("runs", "retention-poison") == []


def test_the_audit_reference_is_a_keyed_hmac_not_a_plain_hash() -> None:
    store, clock = InMemoryStore(), FixedClock()
    seed_conversation(store, clock)
    export_person(store, "ada", "hr", clock.now(), KEY)
    [entry] = [r.data for r in store.query("audit", "privacy")]
    assert entry["subject"] == keyed_ref("ada", KEY) != keyed_ref("ada", b"another key")
    assert hashlib.sha256(b"ada").hexdigest()[:16] not in str(entry["subject"])
    assert "ada" not in json.dumps(dict(entry)).replace(str(entry["subject"]), "")
    document = export_person(store, "ada", "hr", clock.now(), KEY)
    assert len(document["tables"]["audit"]) == 1  # the person's own privacy audit trail, found by the keyed ref
