"""Privacy operations with fakes: export and forget a person with data in every table; retention purge; audit.

Records are picked by ownership (keys and owner fields); see tests/unit/test_privacy_ownership.py for the
cases that tell ownership from mention.
"""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest

from shared.ports.workbook import OUTCOMES_TABLE
from shared.services.export_outcomes import export_outcomes
from shared.services.privacy import TABLES, UnknownPerson, export_person, forget_person, purge_expired
from tests.fakes.storage import InMemoryStore
from tests.fakes.workbook import InMemoryWorkbook
from tests.unit.test_outcomes_world import ACTION_CANARY, PRIVATE_CANARY, FixedClock, seed_everywhere

pytestmark = pytest.mark.unit


def audit_rows(store: InMemoryStore) -> list[dict[str, object]]:
    return [dict(r.data) for r in store.query("audit", "privacy")]


def test_export_person_covers_every_table_and_is_audited() -> None:
    store, clock = InMemoryStore(), FixedClock()
    seed_everywhere(store, clock)
    document = export_person(store, "ADA@contoso.test", "hr-admin", clock.now(), b"k")
    owned = {"people", "pairs", "series", "agendas", "cards", "conversations", "outcomes", "outbox", "leases"}
    assert set(document["tables"]) == owned | {"bookings"} and set(TABLES) > set(document["tables"])
    assert PRIVATE_CANARY in json.dumps(document) and ACTION_CANARY in json.dumps(document)
    assert "Alan's action" not in json.dumps(document)
    [entry] = audit_rows(store)
    assert entry["operation"] == "export-person" and entry["actor"] == "hr-admin"
    assert "ada" not in json.dumps(entry).lower()


def test_forget_person_deletes_pseudonymises_and_keeps_others() -> None:
    store, clock, workbook = InMemoryStore(), FixedClock(), InMemoryWorkbook()
    seed_everywhere(store, clock)
    asyncio.run(export_outcomes(store, workbook, clock.now()))
    counts = asyncio.run(forget_person(store, workbook, "ada@contoso.test", "hr-admin", clock.now(), audit_key=b"k"))
    assert counts["deleted"] > 0 and counts["workbook_cells"] == 3  # outcome, conversation and Plateau risk rows
    remaining = json.dumps(
        {t: [(r.partition, r.row, dict(r.data)) for r in store.query(t)] for t in TABLES if t != "audit"}
    )
    assert PRIVATE_CANARY not in remaining and ACTION_CANARY not in remaining
    assert "ada@contoso.test" not in remaining and '"ada"' not in remaining and "grace__ada" not in remaining
    assert "Alan's action" in remaining and store.find("people", "people", "alan") is not None
    employees = workbook.column(OUTCOMES_TABLE, "Employee")
    assert "ada@contoso.test" not in employees and "alan@contoso.test" in employees
    pseudonym = next(e for e in employees if str(e).startswith("person-"))
    assert workbook.column("Conversations", "Employee").count(pseudonym) == 1
    [entry] = audit_rows(store)
    assert entry["operation"] == "forget-person" and str(entry["subject"]).startswith("s-")
    with pytest.raises(UnknownPerson):
        export_person(store, "ada@contoso.test", "hr-admin", clock.now())


def test_retention_purges_old_outcomes_and_keeps_recent_ones() -> None:
    store, clock = InMemoryStore(), FixedClock()
    seed_everywhere(store, clock)
    later = clock.now() + timedelta(days=400)
    assert purge_expired(store, later, retention_days=730) == 0
    assert purge_expired(store, later, retention_days=365) > 2
    assert not [r for r in store.query("outcomes") if r.row.startswith(("outcome:", "outbox:"))]
    assert audit_rows(store)[0]["counts"]["outcomes"] >= 2


def test_language_channel_and_learning_rows_are_the_persons_to_export_and_forget() -> None:
    from shared.domain.card_channel import Channel
    from shared.services.card_channels import DELIVERY, set_preference
    from shared.services.languages import LANGUAGES, MAILBOX, remember

    store, clock = InMemoryStore(), FixedClock()
    seed_everywhere(store, clock)
    remember(store, "ada", MAILBOX, "ja-JP")
    set_preference(store, "ada", Channel.EMAIL)
    store.upsert("learning", "activity", "o-1_a-1", {"learner_id": "ada", "status": "inProgress"})
    store.upsert("learning", "content", "c-1", {"title": "Kubernetes basics"})  # a catalogue row names nobody
    document = export_person(store, "ada@contoso.test", "hr-admin", clock.now(), b"k")
    assert {LANGUAGES, DELIVERY, "learning"} <= set(document["tables"])
    assert [row["row"] for row in document["tables"]["learning"]] == ["o-1_a-1"]
    asyncio.run(forget_person(store, None, "ada@contoso.test", "hr-admin", clock.now(), audit_key=b"k"))
    assert store.query(LANGUAGES) == [] and store.query(DELIVERY) == []
    assert [r.row for r in store.query("learning")] == ["c-1"]


def test_retention_purges_a_prep_cards_agenda_row_by_when_it_was_last_written() -> None:
    from shared.services.agenda_store import AGENDAS
    from shared.services.card_records import CardKind, CardRecord, CardStatus, agenda_row, insert_card, mark_sent

    store, clock = InMemoryStore(), FixedClock()
    for occurrence, days_ago in (("occ-old", 500), ("occ-new", 10)):
        pending = CardRecord(f"c-{occurrence}", CardKind.PREP, occurrence, "ada", "ada", CardStatus.PENDING, {})
        mark_sent(store, insert_card(store, pending), clock.now() - timedelta(days=days_ago))
    purge_expired(store, clock.now(), retention_days=365)
    assert [r.row for r in store.query(AGENDAS, "ada")] == [agenda_row("c-occ-new")]
    assert [r.partition for r in store.query("cards")] == ["c-occ-new"]
