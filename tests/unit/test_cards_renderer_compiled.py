"""The compiled renderer gives what walking the template node by node gives (the renderer before it was compiled).

The reference below is that walker, kept here as the specification: for any template (strings with and without
``${...}``, ``$data`` over lists and objects, ``$when``, nulls and nested lists that a list drops or flattens,
reserved keys) and any data, both give the same card, or both fail with a RenderError.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.adapters.cards.expressions import MISSING, ExpressionError, Scope
from shared.adapters.cards.interpolation import RenderError, _as_text, _compiled, _template_parts
from shared.adapters.cards.renderer import TEMPLATE_DIR, render, render_card
from shared.adapters.cards.template_builders import _RESERVED

pytestmark = pytest.mark.unit


def _evaluate(expression: str, scope: Scope) -> Any:
    try:
        value = _compiled(expression)(scope)
    except ExpressionError as error:
        raise RenderError(f"${{{expression}}}: {error}") from None
    if value is MISSING or value is None:
        raise RenderError(f"${{{expression}}}: no value in the card data")
    return value


def _expand_string(text: str, scope: Scope) -> Any:
    parts = _template_parts(text)
    if len(parts) == 1 and isinstance(parts[0], tuple):
        return copy.deepcopy(_evaluate(parts[0][0], scope))
    return "".join(p if isinstance(p, str) else _as_text(_evaluate(p[0], scope), p[0]) for p in parts)


def _when_holds(when: Any, scope: Scope) -> bool:
    if not isinstance(when, str):
        return False
    parts = _template_parts(when)
    if len(parts) != 1 or not isinstance(parts[0], tuple):
        return False
    try:
        return _compiled(parts[0][0])(scope) is True
    except ExpressionError:
        return False


def _data_contexts(node: dict[str, Any], scope: Scope) -> list[Scope]:
    if "$data" not in node:
        return [scope]
    source = node["$data"]
    value = _expand_string(source, scope) if isinstance(source, str) else source
    if isinstance(value, list):
        return [Scope(scope.root, item, index) for index, item in enumerate(value)]
    return [Scope(scope.root, value, scope.index)]


def _expand_object(node: dict[str, Any], scope: Scope) -> Any:
    results = []
    for item_scope in _data_contexts(node, scope):
        if "$when" in node and not _when_holds(node["$when"], item_scope):
            continue
        results.append({k: _expand(v, item_scope) for k, v in node.items() if k not in _RESERVED})
    if not results:
        return None
    return results[0] if len(results) == 1 else results


def _expand_list(node: list[Any], scope: Scope) -> list[Any]:
    items: list[Any] = []
    for element in node:
        expanded = _expand(element, scope)
        if isinstance(expanded, list):
            items.extend(expanded)
        elif expanded is not None:
            items.append(expanded)
    return items


def _expand(node: Any, scope: Scope) -> Any:
    if isinstance(node, str):
        return _expand_string(node, scope) if "${" in node else node
    if isinstance(node, list):
        return _expand_list(node, scope)
    if isinstance(node, dict):
        return _expand_object(node, scope)
    return node


def reference(template: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    card = _expand(template, Scope(root=data, data=data))
    if not isinstance(card, dict):
        raise RenderError("the template's root object was dropped by $when")
    return card


def outcome(how: Any, template: dict[str, Any], data: dict[str, Any]) -> tuple[str, Any]:
    try:
        return "card", json.dumps(how(template, data))  # the text: key order and types count too
    except RenderError as error:
        return "error", str(error)


EXPRESSIONS = ["name", "$root.name", "n", "flag", "items", "missing", "$data", "$index", "$data.v", "1 +", "n > 1"]
texts = st.one_of(
    st.sampled_from(["", "plain", "a ${x"]),
    st.sampled_from(EXPRESSIONS).map(lambda e: "${" + e + "}"),
    st.sampled_from(EXPRESSIONS).map(lambda e: "Hi ${" + e + "}!"),
)
atoms = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(-2, 2, allow_nan=False), texts)
keys = st.sampled_from(["type", "text", "items", "body", "$root", "$_acTemplateVersion", "id"])


def _objects(children: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    extras = st.fixed_dictionaries(
        {},
        optional={
            "$data": st.one_of(texts, st.lists(st.integers(0, 3), max_size=3), st.just({"v": "w"})),
            "$when": st.one_of(texts, st.booleans()),
        },
    )
    return st.tuples(st.dictionaries(keys, children, max_size=4), extras).map(lambda kv: {**kv[0], **kv[1]})


nodes = st.recursive(
    atoms, lambda children: st.one_of(st.lists(children, max_size=4), _objects(children)), max_leaves=25
)
templates = _objects(nodes)
datas = st.fixed_dictionaries(
    {"name": st.sampled_from(["Ana", "${x}", ""]), "n": st.integers(0, 3), "flag": st.booleans()},
    optional={"items": st.lists(st.fixed_dictionaries({"v": st.integers(0, 2)}), max_size=3), "v": st.none()},
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(templates, datas)
def test_a_compiled_template_renders_what_the_node_walk_renders(template: dict[str, Any], data: dict[str, Any]) -> None:
    kept = copy.deepcopy(template)
    assert outcome(render, template, data) == outcome(reference, template, data)
    assert template == kept


@pytest.mark.parametrize("name", sorted(p.name.removesuffix(".data.json") for p in TEMPLATE_DIR.glob("*.data.json")))
def test_every_template_with_its_sample_data_renders_as_the_node_walk_does(name: str) -> None:
    data = json.loads((TEMPLATE_DIR / f"{name}.data.json").read_text(encoding="utf-8"))
    template = json.loads((TEMPLATE_DIR / f"{name}.json").read_text(encoding="utf-8"))
    assert outcome(lambda _t, d: render_card(name, d), template, data) == outcome(reference, template, data)
