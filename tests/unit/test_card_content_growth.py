"""The prep card shows the company's message and the unit's growth agenda; the agenda card the tenure prompt."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from shared.adapters.cards.renderer import render_card
from shared.adapters.cards.validate import check_card
from shared.adapters.config_file import load_company_config
from shared.domain.tenure import tenure_stage
from shared.services.card_content import Meeting, agenda_data, prep_data
from shared.services.scheduling_records import load_person
from tests.fakes.storage import InMemoryStore
from tests.unit.test_outcomes_world import seed_pair

pytestmark = pytest.mark.unit
CONFIG = load_company_config()
START = datetime(2026, 4, 14, 9, tzinfo=UTC)


def meeting(unit: str) -> tuple[InMemoryStore, Meeting]:
    store = InMemoryStore()
    seed_pair(store, "grace", "ada", unit, hired=date(2024, 1, 8))  # plateau risk in April 2026
    ada, grace = load_person(store, "ada"), load_person(store, "grace")
    assert ada is not None and grace is not None
    return store, Meeting(ada, grace, START)


def a_unit_with_capabilities() -> tuple[str, str]:
    unit = next(u for u in CONFIG.org_agenda.units if u.capabilities and u.departments)
    return unit.name, unit.departments[0]


def test_the_prep_card_shows_the_when_we_grow_message_and_the_units_initiatives_in_the_companys_words() -> None:
    name, department = a_unit_with_capabilities()
    store, conversation = meeting(department)
    data = prep_data(store, CONFIG, conversation)
    assert data["whenWeGrow"] == CONFIG.when_we_grow
    agenda = data["orgAgenda"]
    assert agenda["unit"] == name and agenda["initiatives"]
    needs = CONFIG.org_agenda.capabilities_for(department)
    for initiative_id in {c.initiative for c in needs}:
        initiative = CONFIG.org_agenda.initiative(initiative_id)
        assert initiative is not None
        entry = next(i for i in agenda["initiatives"] if i["name"] == initiative.name)
        assert entry["why"] == initiative.why_it_matters
        assert all(c.name in entry["needs"] for c in needs if c.initiative == initiative_id)
    card = render_card("employee-prep", {**data, "cardId": "c1"})
    check_card(card)
    assert CONFIG.when_we_grow in json.dumps(card, ensure_ascii=False)


def test_a_unit_without_priorities_says_so_on_the_prep_card() -> None:
    store, conversation = meeting("A department no unit lists")
    data = prep_data(store, CONFIG, conversation)
    company_wide = CONFIG.org_agenda.capabilities_for("A department no unit lists")
    assert bool(data["orgAgenda"]["initiatives"]) == bool(company_wide)
    check_card(render_card("employee-prep", {**data, "cardId": "c1"}))


def test_the_agenda_card_shows_the_tenure_stage_manager_prompt() -> None:
    _, department = a_unit_with_capabilities()
    store, conversation = meeting(department)
    data = agenda_data(store, CONFIG, conversation)
    stage = tenure_stage(date(2024, 1, 8), START.date(), CONFIG.tenure.thresholds)
    text = CONFIG.tenure.text(stage)
    assert (data["tenureLabel"], data["tenurePrompt"]) == (text.label, text.manager_prompt)
    card = render_card("manager-agenda", {**data, "cardId": "c1"})
    check_card(card)
    assert text.manager_prompt in json.dumps(card, ensure_ascii=False)
    assert text.employee_prompt not in json.dumps(card, ensure_ascii=False)  # the employee's question is theirs
