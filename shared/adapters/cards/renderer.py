"""Render Adaptive Card templates by walking the parsed JSON, the way the official JS engine does.

Only the template is parsed for ``${...}``; values from the data are inserted as they are and are
never read again as template text, so whatever a user typed (``${x}``, markdown, HTML) comes out
literally. Behaviour mirrors npm ``adaptivecards-templating`` 2.3 (checked by
``tests/contract/test_card_parity.py``), with one deliberate difference: a missing or null field in
a substituted value raises :class:`RenderError` instead of leaving ``${path}`` in the card, because a
card must never show template syntax to a person. ``$when`` on a missing field is simply false.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from shared.adapters.cards.expressions import MISSING, ExpressionError, Node, Scope, compile_expression
from shared.domain.language import DEFAULT_LANGUAGE

TEMPLATE_DIR = Path(__file__).resolve().parents[3] / "adaptivecards"
_RESERVED = frozenset({"$data", "$when", "$root", "$index", "$host", "$_acTemplateVersion"})


class RenderError(ValueError):
    """The template could not be expanded with this data (missing field, bad expression)."""


def split_interpolated(text: str) -> list[str | tuple[str]]:
    """Split ``"Hi ${name}!"`` into ``["Hi ", ("name",), "!"]``: literals and (expression,) tuples."""
    parts: list[str | tuple[str]] = []
    pos = 0
    while (start := text.find("${", pos)) >= 0:
        end = _closing_brace(text, start + 2)
        if start > pos:
            parts.append(text[pos:start])
        parts.append((text[start + 2 : end],))
        pos = end + 1
    if pos < len(text):
        parts.append(text[pos:])
    return parts


def _closing_brace(text: str, pos: int) -> int:
    quote: str | None = None
    depth = 0
    for index in range(pos, len(text)):
        char = text[index]
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return index
            depth -= 1
    raise RenderError(f"unterminated ${{ in template text {text!r}")


@cache
def _compiled(expression: str) -> Node:
    try:
        return compile_expression(expression)
    except ExpressionError as error:
        raise RenderError(str(error)) from None


def _evaluate(expression: str, scope: Scope) -> Any:
    try:
        value = _compiled(expression)(scope)
    except ExpressionError as error:
        raise RenderError(f"${{{expression}}}: {error}") from None
    if value is MISSING or value is None:
        raise RenderError(f"${{{expression}}}: no value in the card data")
    return value


def _as_text(value: Any, expression: str) -> str:
    """A value inside a longer string, formatted as JavaScript's ``toString`` would."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float | str):
        return str(value)
    raise RenderError(f"${{{expression}}}: a list or object cannot be part of a text")


@cache
def _template_parts(text: str) -> tuple[str | tuple[str], ...]:
    """``split_interpolated`` of a template string, once per process (only template text is ever split, never data)."""
    return tuple(split_interpolated(text))


def _expand_string(text: str, scope: Scope) -> Any:
    parts = _template_parts(text)
    if len(parts) == 1 and isinstance(parts[0], tuple):
        return copy.deepcopy(_evaluate(parts[0][0], scope))
    return "".join(p if isinstance(p, str) else _as_text(_evaluate(p[0], scope), p[0]) for p in parts)


def _when_holds(when: Any, scope: Scope) -> bool:
    """``$when`` must be one expression that yields exactly true; errors and missing fields mean false."""
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


def render(template: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """Expand ``template`` with ``data`` as ``$root``; returns a new card (inputs are not modified)."""
    card = _expand(template, Scope(root=data, data=data))
    if not isinstance(card, dict):
        raise RenderError("the template's root object was dropped by $when")
    return card


@cache
def _template_text(name: str) -> str:
    path = TEMPLATE_DIR / f"{name}.json"
    if not path.is_file():
        raise RenderError(f"no card template named {name!r} in {TEMPLATE_DIR}")
    return path.read_text(encoding="utf-8")


def load_template(name: str, language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """The parsed template ``adaptivecards/<name>.json`` in ``language`` (built once per process, copied per call)."""
    template: dict[str, Any] = json.loads(_localised_text(name, language))
    return template


@cache
def _localised_text(name: str, language: str) -> str:
    if language == DEFAULT_LANGUAGE:
        return _template_text(name)
    from shared.adapters.cards.localise import localise_template

    localised = localise_template(json.loads(_template_text(name)), language)
    localised["lang"] = language
    return json.dumps(localised, ensure_ascii=False)


@cache
def _shared_template(name: str, language: str) -> dict[str, Any]:
    """The parsed template, once per process and language: ``render`` only reads it and builds every node anew."""
    return load_template(name, language)


def render_card(name: str, data: dict[str, Any], language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """Render the named template with ``data``, its texts in ``language``."""
    return render(_shared_template(name, language), data)
