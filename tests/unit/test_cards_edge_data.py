"""Every template with edge data: the full 1.5 schema (which the send path no longer runs) and the budget check.

Edge data is the sample data with every string made long and awkward (markdown, template-looking text,
non-Latin scripts) and every list grown to the agenda's 60-item cap. The schema must hold for all of it. A
card over the 28 KB budget must be refused by the cheap runtime check with a clear reason, not sent.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from shared.adapters.cards.renderer import TEMPLATE_DIR, load_template, render
from shared.adapters.cards.validate import (
    MAX_CARD_BYTES,
    CardInvalid,
    budget_problems,
    card_size,
    check_card_budget,
    schema_problems,
)

TEMPLATES = sorted(p.stem for p in TEMPLATE_DIR.glob("*.json") if not p.name.endswith(".data.json"))
AWKWARD = "**Bold** ${notAnExpression} <b>x</b> [l](http://x) 日本語のテキスト Überprüfung — "
LIST_CAP = 60  # the agenda's item cap, for lists at the top of the data
NESTED_CAP = 4  # lists inside list items (an action's choices, an item's tags)


def sample(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((TEMPLATE_DIR / f"{name}.data.json").read_text(encoding="utf-8"))
    return data


def inflate(value: Any, key: str = "", depth: int = 0) -> Any:
    """Long awkward strings and full lists; ids, dates, urls and choice values keep their shape."""
    if isinstance(value, dict):
        return {k: inflate(v, k, depth) for k, v in value.items()}
    if isinstance(value, list):
        cap = LIST_CAP if depth == 0 else NESTED_CAP
        grown = [inflate(v, key, depth + 1) for v in value]
        return (grown * cap)[:cap] if grown else grown
    if isinstance(value, str) and _free_text(key, value):
        return (AWKWARD * 3)[:200]
    return value


def _free_text(key: str, value: str) -> bool:
    lowered = key.lower()
    shaped = ("id", "date", "start", "end", "due", "url", "value", "kind", "type", "quadrant", "status", "at")
    return bool(value) and not any(lowered.endswith(part) for part in shaped) and not value.startswith("http")


@pytest.mark.parametrize("name", TEMPLATES)
def test_edge_data_renders_a_schema_valid_card(name: str) -> None:
    card = render(load_template(name), inflate(sample(name)))
    assert schema_problems(card) == [], name


@pytest.mark.parametrize("name", TEMPLATES)
def test_budget_check_agrees_with_the_size_and_never_crashes(name: str) -> None:
    card = render(load_template(name), inflate(sample(name)))
    over = card_size(card) > MAX_CARD_BYTES
    assert any("byte" in p for p in budget_problems(card)) is over
    if over:
        with pytest.raises(CardInvalid, match="over the"):
            check_card_budget(card)
    else:
        check_card_budget(card)


def test_budget_check_refuses_what_is_not_an_adaptive_card() -> None:
    with pytest.raises(CardInvalid, match="type is not AdaptiveCard"):
        check_card_budget({"type": "MessageCard", "version": "1.5", "body": []})
    with pytest.raises(CardInvalid, match="body is not a list"):
        check_card_budget({"type": "AdaptiveCard", "version": "1.5", "body": "text"})


def test_sample_cards_pass_the_budget_check() -> None:
    for name in TEMPLATES:
        check_card_budget(render(load_template(name), sample(name)))
