"""The manager's agenda card lists the open actions the pair agreed last time (read back from ``outcomes``)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from shared.adapters.cards.renderer import render_card
from shared.adapters.cards.validate import check_card
from shared.adapters.config_file import load_company_config
from shared.domain.actions import ActionType, Gap, Owner
from shared.domain.people import pair_key
from shared.services.card_content import Meeting, agenda_data
from shared.services.card_open_actions import open_actions
from shared.services.record_outcome import OUTCOMES
from shared.services.scheduling_records import load_person
from tests.fakes.storage import InMemoryStore
from tests.unit.test_outcomes_world import FixedClock, action, log_and_confirm, seed_pair

pytestmark = pytest.mark.unit
CONFIG = load_company_config()
NEXT_TIME = datetime(2026, 4, 14, 9, tzinfo=UTC)


def seeded() -> InMemoryStore:
    store = InMemoryStore()
    seed_pair(store, "grace", "ada")
    manage = action("Agree a weekly focus hour", type="manage", gap="clarity", owner="grace", due="2026-05-01")
    log_and_confirm(store, FixedClock(), "grace", "ada", [action("Lead the kick-off"), manage], day=date(2026, 3, 10))
    return store


def meeting(store: InMemoryStore) -> Meeting:
    employee, manager = load_person(store, "ada"), load_person(store, "grace")
    assert employee is not None and manager is not None
    return Meeting(employee, manager, NEXT_TIME)


def test_last_times_open_actions_are_on_the_next_agenda_card() -> None:
    store = seeded()
    data = agenda_data(store, CONFIG, meeting(store))
    assert data["openActions"] == [
        {"text": "Lead the kick-off", "typeLabel": "Stretch assignment", "dueDate": "2026-04-30", "ownerName": "Ada",
         "status": "Open", "learning": ""},
        {"text": "Agree a weekly focus hour", "typeLabel": "Not a training need: manage", "dueDate": "2026-05-01",
         "ownerName": "Grace", "status": "Open", "learning": ""},
    ]  # fmt: skip
    card = render_card("manager-agenda", {**data, "cardId": "c1"})
    check_card(card)
    assert "Agree a weekly focus hour" in json.dumps(card)


def test_stored_actions_become_domain_actions_that_keep_the_training_or_managing_rule() -> None:
    store = seeded()
    loaded = open_actions(store, "grace", "ada", before=NEXT_TIME.date())
    assert [(a.type, a.gap, a.owner) for a in loaded] == [
        (ActionType.STRETCH_ASSIGNMENT, Gap.KNOWLEDGE, Owner.EMPLOYEE),
        (ActionType.MANAGE, Gap.CLARITY, Owner.MANAGER),
    ]


def test_only_open_actions_of_earlier_conversations_are_loaded() -> None:
    store = seeded()
    assert open_actions(store, "grace", "ada", before=date(2026, 3, 10)) == []  # the same conversation
    assert open_actions(store, "alan", "ada", before=NEXT_TIME.date()) == []  # another pair
    row = next(r for r in store.query(OUTCOMES, pair_key("grace", "ada")) if r.row.startswith("outcome:"))
    actions = json.loads(str(row.data["actions"]))
    actions[0]["status"] = "done"
    store.upsert(OUTCOMES, row.partition, row.row, {**row.data, "actions": json.dumps(actions)})
    assert [a.text for a in open_actions(store, "grace", "ada", before=NEXT_TIME.date())] == [
        "Agree a weekly focus hour"
    ]


def test_a_stored_action_that_does_not_fit_is_skipped_not_fatal() -> None:
    store = seeded()
    row = next(r for r in store.query(OUTCOMES, pair_key("grace", "ada")) if r.row.startswith("outcome:"))
    actions = json.loads(str(row.data["actions"]))
    actions[0]["type"] = "astrology"
    store.upsert(OUTCOMES, row.partition, row.row, {**row.data, "actions": json.dumps(actions)})
    assert [a.text for a in open_actions(store, "grace", "ada", before=NEXT_TIME.date())] == [
        "Agree a weekly focus hour"
    ]
