"""Every card template renders identically through our renderer and the official JS engine,
validates against Adaptive Cards 1.5, stays under 28 KB, and shows user text literally."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.adapters.cards.renderer import TEMPLATE_DIR, load_template, render
from shared.adapters.cards.validate import MAX_CARD_BYTES, card_size, schema_problems
from shared.domain.language import SUPPORTED_LANGUAGES

pytestmark = pytest.mark.contract

REPO = Path(__file__).resolve().parents[2]
JS_RENDER = Path(__file__).with_name("js") / "render.mjs"
TEMPLATES = sorted(p.stem for p in TEMPLATE_DIR.glob("*.json") if not p.name.endswith(".data.json"))


def sample_data(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((TEMPLATE_DIR / f"{name}.data.json").read_text(encoding="utf-8"))
    return data


def js_render(jobs: list[dict[str, Any]]) -> list[Any]:
    """Expand many (template, data) pairs in one node process with npm adaptivecards-templating."""
    node = shutil.which("node")
    assert node, "node is required for the parity test (make node)"
    done = subprocess.run(
        [node, str(JS_RENDER)], input=json.dumps(jobs), capture_output=True, text=True, cwd=REPO, timeout=120
    )
    assert done.returncode == 0, done.stderr
    cards: list[Any] = json.loads(done.stdout)
    return cards


def test_every_template_is_covered() -> None:
    assert set(TEMPLATES) >= {
        "employee-prep",
        "manager-agenda",
        "outcome-log",
        "outcome-confirm",
        "reminder",
        "coach-request",
        "submitted-summary",
        "refusal",
    }


def test_our_renderer_matches_the_official_js_engine_for_every_template_in_every_language() -> None:
    cases = [(name, language) for language in SUPPORTED_LANGUAGES for name in TEMPLATES]
    jobs = [{"template": load_template(name, language), "data": sample_data(name)} for name, language in cases]
    expected = js_render(jobs)
    for case, job, official in zip(cases, jobs, expected, strict=True):
        assert render(job["template"], job["data"]) == official, case


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
@pytest.mark.parametrize("name", TEMPLATES)
def test_rendered_sample_is_valid_adaptive_card_1_5_under_28_kb(name: str, language: str) -> None:
    card = render(load_template(name, language), sample_data(name))
    assert card["version"] == "1.5"
    assert schema_problems(card) == []
    assert card_size(card) < MAX_CARD_BYTES
    assert "${" not in json.dumps(card).replace("${notAnExpression}", ""), "a template expression was left in"


# ------------------------------------------------------------------ user text stays literal

user_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60) | st.sampled_from(
    ["${cardId}", "${$root.recipients}", "**bold** _it_", "<b>x</b>", "[x](http://y)", "}${", "`${a}`"]
)


def _text_runs(node: Any) -> list[str]:
    if isinstance(node, list):
        return [text for item in node for text in _text_runs(item)]
    if isinstance(node, dict):
        found = [node["text"]] if node.get("type") == "TextRun" else []
        return found + [text for value in node.values() for text in _text_runs(value)]
    return []


def _inputs(card: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            if str(node.get("type", "")).startswith("Input.") and "id" in node:
                found[node["id"]] = node.get("value")
            for value in node.values():
                walk(value)

    walk(card)
    return found


def _prep_with(item_text: str, need: str, goals: str, manager_name: str) -> dict[str, Any]:
    data = copy.deepcopy(sample_data("employee-prep"))
    data["agendaItems"][0]["text"] = item_text
    data["microNeeds"][0]["text"] = need
    data["learningGoals"] = goals
    data["manager"]["displayName"] = manager_name
    return data


def test_user_text_is_shown_literally_and_never_evaluated() -> None:
    template = load_template("employee-prep")
    cases: list[dict[str, Any]] = []

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(item=user_text, need=user_text, goals=user_text, name=user_text)
    def check(item: str, need: str, goals: str, name: str) -> None:
        data = _prep_with(item, need, goals, name)
        card = render(template, data)
        runs, inputs = _text_runs(card), _inputs(card)
        assert name in runs
        # agenda items and micro-needs are shown in their editable Input.Text (value = the text, literally)
        assert inputs[f"text.{data['agendaItems'][0]['id']}"] == item
        assert inputs[f"text.{data['microNeeds'][0]['id']}"] == need
        assert inputs["learningGoals"] == goals
        assert card["actions"][0]["data"] == {"cardId": data["cardId"]}
        assert schema_problems(card) == []
        cases.append({"template": template, "data": data, "ours": card})

    check()
    official = js_render([{"template": c["template"], "data": c["data"]} for c in cases])
    for case, js_card in zip(cases, official, strict=True):
        assert case["ours"] == js_card
