"""The outcome card's logged face with learning suggestions and an assignment, and the agenda card's course
status: our renderer and the official JS engine agree in every language, and the card is valid 1.5 in budget."""

from __future__ import annotations

import json
from typing import Any

import pytest

from shared.adapters.cards.renderer import load_template, render
from shared.adapters.cards.validate import MAX_CARD_BYTES, card_size, schema_problems
from shared.domain.language import SUPPORTED_LANGUAGES
from tests.contract.test_card_parity import js_render, sample_data

pytestmark = pytest.mark.contract


def suggestion(n: int) -> dict[str, str]:
    return {"actionId": "a1", "contentId": f"c{n}", "title": f"Course {n}", "provider": "Contoso Academy",
            "duration": "1 h 30 min" if n != 2 else "", "url": f"https://learning.test/c{n}"}  # fmt: skip


def logged_outcome() -> dict[str, Any]:
    action = {"text": "Learn Kubernetes", "quadrantLabel": "Sweet spot", "typeLabel": "Training",
              "gapLabel": "Knowledge or skill: train", "initiative": "Platform", "dueDate": "2026-05-30"}  # fmt: skip
    logged = [
        {**action, "id": "a1", "suggestions": [suggestion(n) for n in (1, 2, 3)], "assignedTitle": "",
         "assignedStatus": ""},
        {**action, "id": "a2", "suggestions": [], "assignedTitle": "Course 9", "assignedStatus": "inProgress"},
    ]  # fmt: skip
    confirmation = {"state": "unconfirmed", "label": "Not confirmed yet", "comment": ""}
    return {**sample_data("outcome-log"), "logged": True, "loggedActions": logged, "confirmation": confirmation}


def agenda_with_statuses() -> dict[str, Any]:
    data = sample_data("manager-agenda")
    base = data["openActions"][0]
    statuses = ["completed", "inProgress", "notStarted", ""]
    return {**data, "openActions": [{**base, "learning": status} for status in statuses]}


CASES = [("outcome-log", logged_outcome()), ("manager-agenda", agenda_with_statuses())]


def test_learning_on_the_cards_matches_the_official_js_engine_in_every_language() -> None:
    cases = [(name, data, language) for language in SUPPORTED_LANGUAGES for name, data in CASES]
    jobs = [{"template": load_template(name, language), "data": data} for name, data, language in cases]
    for job, official in zip(jobs, js_render(jobs), strict=True):
        card = render(job["template"], job["data"])
        assert card == official
        assert schema_problems(card) == [] and card_size(card) < MAX_CARD_BYTES


def test_the_assign_buttons_carry_the_card_action_and_content_ids_only() -> None:
    card = render(load_template("outcome-log", "en"), logged_outcome())
    text = json.dumps(card)
    assert text.count('"learning.assign"') == 3 and "Course 9" in text and "(in progress)" in text
    datas = [a["data"] for a in _actions(card) if a.get("verb") == "learning.assign"]
    card_ref = "occ-2026-03-10-ada:outcome"
    assert datas == [{"cardId": card_ref, "actionId": "a1", "contentId": f"c{n}"} for n in (1, 2, 3)]
    agenda = json.dumps(render(load_template("manager-agenda", "en"), agenda_with_statuses()))
    assert all(f"Recommended course: {s}" in agenda for s in ("completed", "in progress", "not started yet"))


def _actions(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        found = [node] if str(node.get("type", "")).startswith("Action.") else []
        return found + [a for value in node.values() for a in _actions(value)]
    if isinstance(node, list):
        return [a for item in node for a in _actions(item)]
    return []
