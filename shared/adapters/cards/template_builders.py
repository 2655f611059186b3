"""A template compiled into builders: its lists, objects, ``$data`` and ``$when``, and its static subtrees.

Split from ``renderer``. Rendering runs a template compiled once (per template and language, see
``renderer.render_card``) into builders: one function per node that needs the data, and for each subtree that
does not (no ``${``, no ``$data``/``$when``, nothing a list would drop or flatten) its pickled bytes, loaded afresh
for every card (a C-speed deep copy, so no two cards share an object). The result is what walking the template
node by node gives: same values, same key order, the same errors at the same nodes (an expression that does not
compile fails only when reached). Strings are built by ``string_builders``.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from typing import Any

from shared.adapters.cards.expressions import Scope
from shared.adapters.cards.string_builders import Builder, _or_failing, _string_builder, _when_test

_RESERVED = frozenset({"$data", "$when", "$root", "$index", "$host", "$_acTemplateVersion"})


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
