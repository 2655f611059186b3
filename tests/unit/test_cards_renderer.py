"""The Python card renderer: the templating subset, typed values, and user text kept literal."""

from __future__ import annotations

from typing import Any

import pytest

from shared.adapters.cards.expressions import ExpressionError, Scope, compile_expression
from shared.adapters.cards.interpolation import RenderError, split_interpolated
from shared.adapters.cards.renderer import render

pytestmark = pytest.mark.unit


def evaluate(text: str, data: Any) -> Any:
    return compile_expression(text)(Scope(root=data, data=data))


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("count(items) > 0", True),
        ("count(items) == 0", False),
        ("!flag", True),
        ("kind == 'uphill'", True),
        ('kind != "uphill"', False),
        ("items[1].x", "b"),
        ("$root.n + 1", 4),
        ("if(flag, 'on', 'off')", "off"),
        ("empty(none) && !empty(items)", True),
        ("flag || n >= 3", True),
        ("(n - 1) < 2", False),
        ("n == true", False),
    ],
)
def test_expressions(expression: str, expected: Any) -> None:
    data = {"items": [{"x": "a"}, {"x": "b"}], "flag": False, "kind": "uphill", "n": 3, "none": ""}
    assert evaluate(expression, data) == expected


@pytest.mark.parametrize("expression", ["len(items)", "a ? b : c", "$host.x", "items.", "1 +", "'open"])
def test_unsupported_or_malformed_expressions_fail_loudly(expression: str) -> None:
    with pytest.raises(ExpressionError):
        evaluate(expression, {"items": []})


def test_split_interpolated_keeps_literals_and_expressions_apart() -> None:
    assert split_interpolated("Hi ${name}, ${if(x, '}', 'y')}!") == ["Hi ", ("name",), ", ", ("if(x, '}', 'y')",), "!"]


def test_single_expression_keeps_its_type_and_text_gets_js_formatting() -> None:
    card = render(
        {"a": "${ids}", "b": "${n}", "c": "n=${n} ok=${ok} r=${r}"}, {"ids": ["29:a"], "n": 2, "ok": True, "r": 2.0}
    )
    assert card == {"a": ["29:a"], "b": 2, "c": "n=2 ok=true r=2"}


def test_data_arrays_repeat_and_when_filters_per_item() -> None:
    template = {"body": [{"$data": "${rows}", "$when": "${keep}", "t": "${$index}:${name} of ${$root.total}"}]}
    data = {
        "rows": [{"name": "a", "keep": True}, {"name": "b", "keep": False}, {"name": "c", "keep": True}],
        "total": 3,
    }
    assert render(template, data) == {"body": [{"t": "0:a of 3"}, {"t": "2:c of 3"}]}


def test_a_one_element_data_array_yields_the_object_itself_and_empty_drops_it() -> None:
    assert render({"x": {"$data": "${rows}", "v": "${v}"}}, {"rows": [{"v": 1}]}) == {"x": {"v": 1}}
    assert render({"body": [{"$data": "${rows}", "v": "${v}"}, {"k": 1}]}, {"rows": []}) == {"body": [{"k": 1}]}


def test_when_on_a_missing_field_is_false_but_a_missing_value_is_an_error() -> None:
    assert render({"body": [{"$when": "${nope}", "t": "x"}]}, {}) == {"body": []}
    with pytest.raises(RenderError, match="nope"):
        render({"t": "Hello ${nope}"}, {})
    with pytest.raises(RenderError, match="name"):
        render({"t": "${name}"}, {"name": None})


@pytest.mark.parametrize("typed", ["${cardId}", "${$root.secret}", "**b** <i>x</i> [l](u)", "}${", "`${x}`"])
def test_substituted_user_text_is_never_evaluated(typed: str) -> None:
    card = render({"t": "${text}", "u": "said: ${text}"}, {"text": typed, "cardId": "c1", "secret": "s"})
    assert card == {"t": typed, "u": f"said: {typed}"}


def test_render_does_not_modify_its_inputs() -> None:
    template = {"a": "${items}", "b": [{"$data": "${items}", "v": "${v}"}]}
    data = {"items": [{"v": 1}, {"v": 2}]}
    card = render(template, data)
    card["a"][0]["v"] = 99
    assert data == {"items": [{"v": 1}, {"v": 2}]}
    assert template["b"] == [{"$data": "${items}", "v": "${v}"}]


def _containers(node: Any) -> list[Any]:
    """Every dict and list in a JSON value, itself included."""
    if isinstance(node, dict):
        return [node, *(c for value in node.values() for c in _containers(value))]
    if isinstance(node, list):
        return [node, *(c for value in node for c in _containers(value))]
    return []


@pytest.mark.parametrize("language", ["en", "de"])
def test_cards_from_the_kept_template_share_nothing_with_it_or_with_each_other(language: str) -> None:
    import json

    from shared.adapters.cards.renderer import TEMPLATE_DIR, _shared_template, load_template, render_card

    data = json.loads((TEMPLATE_DIR / "employee-prep.data.json").read_text(encoding="utf-8"))
    first = render_card("employee-prep", data, language)
    second = render_card("employee-prep", data, language)
    assert first == second == render(load_template("employee-prep", language), data)
    first_ids = {id(c) for c in _containers(first)}
    assert not first_ids & {id(c) for c in _containers(_shared_template("employee-prep", language))}
    assert not first_ids & {id(c) for c in _containers(second)}
    first["body"].clear()  # a caller changing its card changes nothing for the next one
    assert render_card("employee-prep", data, language) == second
