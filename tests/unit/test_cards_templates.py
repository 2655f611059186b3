"""House rules for the card templates: labels and stable ids on inputs, id-only action data,
Universal Actions refresh, and user text kept out of markdown-rendered properties."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from devstack.reference_files import CARD_SCHEMA
from shared.adapters.cards.renderer import TEMPLATE_DIR, load_template
from shared.adapters.cards.validate import SCHEMA_PATH

pytestmark = pytest.mark.unit

TEMPLATES = sorted(p.stem for p in TEMPLATE_DIR.glob("*.json") if not p.name.endswith(".data.json"))
ACTIONABLE = {"employee-prep", "manager-agenda", "outcome-log", "outcome-confirm", "reminder", "coach-request"}
# Properties that Teams renders as markdown (or that label an input): only our own formatted values may
# be interpolated there. Free text from people goes into TextRun (never markdown) or an input's value.
MARKDOWN_PROPERTIES = {"text", "value", "title", "label", "placeholder", "errorMessage"}
SAFE_IN_MARKDOWN = {
    "meetingDate",
    "meetingWhen",  # {{DATE()}} {{TIME()}} of an instant we format, no user text
    "dueDate",
    "submittedAt",
    "reference",
    "position",
    "n",
    "id",
    "label",
    "typeLabel",
    "gapLabel",
    "quadrantLabel",
    "task",
    "actionTitle",
    "requestedOn",
    "tenureLabel",
}
EXPRESSION = re.compile(r"\$\{([^}]*)\}")
REFERENCE_SCHEMA = CARD_SCHEMA


def elements(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, list):
        for item in node:
            yield from elements(item)
    elif isinstance(node, dict):
        yield node
        for value in node.values():
            yield from elements(value)


def test_each_template_has_sample_data_and_each_sample_a_template() -> None:
    samples = {p.name.removesuffix(".data.json") for p in TEMPLATE_DIR.glob("*.data.json")}
    assert samples == set(TEMPLATES)


@pytest.mark.parametrize("name", TEMPLATES)
def test_inputs_have_labels_and_stable_ids(name: str) -> None:
    inputs = [e for e in elements(load_template(name)) if str(e.get("type", "")).startswith("Input.")]
    for element in inputs:
        assert element.get("label"), f"{name}: input {element.get('id')} has no label"
        assert re.fullmatch(r"[A-Za-z0-9._-]*(\$\{(id|n)\}[A-Za-z0-9._-]*)*", element["id"]), element["id"]


@pytest.mark.parametrize("name", TEMPLATES)
def test_actions_are_universal_and_carry_only_the_card_id(name: str) -> None:
    template = load_template(name)
    for action in template.get("actions", []):
        assert action["type"] == "Action.Execute"
        assert re.fullmatch(r"[a-z]+\.[a-zA-Z]+", action["verb"])
        assert action["data"] == {"cardId": "${cardId}"}
    if name in ACTIONABLE:
        refresh = template["refresh"]
        assert refresh["userIds"] == "${recipients}"
        assert refresh["action"]["verb"].endswith(".refresh")
        assert refresh["action"]["data"] == {"cardId": "${cardId}"}
    else:
        assert "actions" not in template and "refresh" not in template, f"{name} must be read-only"


def _markdown_fields(node: Any) -> Iterator[tuple[str, str]]:
    """Interpolations in markdown-rendered properties (TextRun text and choice titles are plain text)."""
    choices = [id(c) for e in elements(node) if e.get("type") == "Input.ChoiceSet" for c in e["choices"]]
    for element in elements(node):
        if element.get("type") == "TextRun" or id(element) in choices:
            continue
        is_input = str(element.get("type", "")).startswith("Input.")
        for key in MARKDOWN_PROPERTIES - ({"value"} if is_input else set()):
            value = element.get(key)
            if isinstance(value, str):
                for expression in EXPRESSION.findall(value):
                    yield key, expression


@pytest.mark.parametrize("name", TEMPLATES)
def test_free_text_never_lands_in_markdown_properties(name: str) -> None:
    for key, expression in _markdown_fields(load_template(name)):
        if expression.startswith("if("):
            continue
        field = expression.removeprefix("$root.").split(".")[-1]
        assert field in SAFE_IN_MARKDOWN, f"{name}: {key} interpolates {expression}; use a TextRun"


def test_coach_request_carries_no_agenda_content() -> None:
    text = json.dumps(load_template("coach-request")) + (TEMPLATE_DIR / "coach-request.data.json").read_text()
    for field in ("agendaItems", "sharedItems", "learningGoals", "microNeeds", "prompts", "talkingPoints", "${manager"):
        assert field not in text


def test_bundled_schema_is_the_reference_copy() -> None:
    if not REFERENCE_SCHEMA.is_file():
        pytest.fail(f"reference schema missing at {REFERENCE_SCHEMA}")
    assert SCHEMA_PATH.read_bytes() == REFERENCE_SCHEMA.read_bytes()
