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
import pickle
from collections.abc import Callable
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


# Rendering runs a template compiled once (per template and language, see ``render_card``) into builders: one
# function per node that needs the data, and for each subtree that does not (no ``${``, no ``$data``/``$when``,
# nothing a list would drop or flatten) its pickled bytes, loaded afresh for every card (a C-speed deep copy, so
# no two cards share an object). The result is what walking the template node by node gives: same values, same
# key order, the same errors at the same nodes (an expression that does not compile fails only when reached).
Builder = Callable[[Scope], Any]
_ATOM_TYPES = frozenset({str, int, float, bool, type(None)})


def _static(node: Any, in_list: bool = False) -> bool:
    """``node`` expands to a copy of itself: no template text, no reserved key, nothing a list drops or flattens."""
    if isinstance(node, str):
        return "${" not in node
    if isinstance(node, list):
        return not in_list and all(_static(item, True) for item in node)
    if isinstance(node, dict):
        return all(key not in _RESERVED and _static(value) for key, value in node.items())
    return not (in_list and node is None)


def _constant(node: Any) -> Builder | None:
    """None for a value used as it is (an atom); a builder of fresh copies for a static list or object."""
    if not isinstance(node, dict | list):
        return None
    blob = pickle.dumps(node, protocol=pickle.HIGHEST_PROTOCOL)
    return lambda _scope: pickle.loads(blob)  # noqa: S301 - our own bytes, made just above


def _compile(node: Any) -> tuple[Any, Builder | None]:
    """(the value itself, None) when ``node`` is an atom that expands to itself; else (None, its builder)."""
    if _static(node):
        built = _constant(node)
        return (None, built) if built is not None else (node, None)
    if isinstance(node, str):
        return None, _or_failing(_string_builder, node)
    if isinstance(node, list):
        return None, _list_builder(node)
    return None, _object_builder(node)


def _failing(error: RenderError) -> Builder:
    def fail(_scope: Scope) -> Any:
        raise error

    return fail


def _or_failing(build: Callable[[str], Builder], text: str) -> Builder:
    """``build(text)``; for text that does not compile, a builder raising its RenderError when used, not before."""
    try:
        return build(text)
    except RenderError as error:
        return _failing(error)


def _value_of(expression: str) -> Builder:
    node = _or_failing(_compiled, expression)

    def value(scope: Scope) -> Any:
        try:
            found = node(scope)
        except ExpressionError as error:
            raise RenderError(f"${{{expression}}}: {error}") from None
        if found is MISSING or found is None:
            raise RenderError(f"${{{expression}}}: no value in the card data")
        return found

    return value


@cache
def _string_builder(text: str) -> Builder:
    parts = _template_parts(text)
    if len(parts) == 1 and isinstance(parts[0], tuple):
        single = _value_of(parts[0][0])

        def whole(scope: Scope) -> Any:
            return _fresh(single(scope))

        return whole
    pieces = [p if isinstance(p, str) else (_value_of(p[0]), p[0]) for p in parts]

    def joined(scope: Scope) -> str:
        return "".join(p if isinstance(p, str) else _as_text(p[0](scope), p[1]) for p in pieces)

    return joined


def _fresh(value: Any) -> Any:
    """A deep copy of a value from the data (JSON-like: dicts, lists and atoms are copied without a memo)."""
    kind = type(value)
    if kind is dict:
        return {key: _fresh(item) for key, item in value.items()}
    if kind is list:
        return [_fresh(item) for item in value]
    return value if kind in _ATOM_TYPES else copy.deepcopy(value)


def _never(_scope: Scope) -> bool:
    return False


def _when_test(when: Any) -> Callable[[Scope], bool]:
    if not isinstance(when, str):
        return _never
    try:
        parts = _template_parts(when)
    except RenderError as error:
        return _failing(error)
    if len(parts) != 1 or not isinstance(parts[0], tuple):
        return _never
    node = _or_failing(_compiled, parts[0][0])

    def holds(scope: Scope) -> bool:
        try:
            return node(scope) is True
        except ExpressionError:
            return False

    return holds


def _list_builder(node: list[Any]) -> Builder:
    elements = [_compile(element) for element in node]

    def build(scope: Scope) -> list[Any]:
        items: list[Any] = []
        for value, builder in elements:
            expanded = value if builder is None else builder(scope)
            if isinstance(expanded, list):
                items.extend(expanded)
            elif expanded is not None:
                items.append(expanded)
        return items

    return build


def _object_builder(node: dict[str, Any]) -> Builder:
    fields = [(key, *_compile(value)) for key, value in node.items() if key not in _RESERVED]

    def body(scope: Scope) -> dict[str, Any]:
        return {key: value if builder is None else builder(scope) for key, value, builder in fields}

    contexts = _contexts_of(node)
    when = _when_test(node["$when"]) if "$when" in node else None
    if contexts is None and when is None:
        return body

    def build(scope: Scope) -> Any:
        results = [body(item) for item in (contexts(scope) if contexts else [scope]) if when is None or when(item)]
        if not results:
            return None
        return results[0] if len(results) == 1 else results

    return build


def _contexts_of(node: dict[str, Any]) -> Callable[[Scope], list[Scope]] | None:
    """The scopes ``$data`` gives (one per item of a list), or None when the object has no ``$data``."""
    if "$data" not in node:
        return None
    source = node["$data"]
    expand = _or_failing(_string_builder, source) if isinstance(source, str) else None

    def contexts(scope: Scope) -> list[Scope]:
        value = expand(scope) if expand is not None else source
        if isinstance(value, list):
            return [Scope(scope.root, item, index) for index, item in enumerate(value)]
        return [Scope(scope.root, value, scope.index)]

    return contexts


def _builder(template: dict[str, Any]) -> Builder:
    value, builder = _compile(template)
    return builder if builder is not None else (lambda _scope: value)


def render(template: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """Expand ``template`` with ``data`` as ``$root``; returns a new card (inputs are not modified)."""
    return _rendered(_builder(template), data)


def _rendered(builder: Builder, data: dict[str, Any]) -> dict[str, Any]:
    card = builder(Scope(root=data, data=data))
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


@cache
def _template_builder(name: str, language: str) -> Builder:
    return _builder(_shared_template(name, language))


def render_card(name: str, data: dict[str, Any], language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """Render the named template with ``data``, its texts in ``language`` (compiled once per template and language)."""
    return _rendered(_template_builder(name, language), data)
