"""Builders for the strings of a template: a ``${...}`` value, a text with values written in, a ``$when`` test.

Split from ``renderer``. A builder takes the scope and gives what its node expands to (see ``template_builders``).
A string that is one whole ``${...}`` gives the value itself, a fresh copy; any other gives the joined text.
An expression that does not compile fails only when its builder runs, as walking the template would.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import cache
from typing import Any

from shared.adapters.cards.expressions import MISSING, ExpressionError, Scope
from shared.adapters.cards.interpolation import RenderError, _as_text, _compiled, _template_parts

Builder = Callable[[Scope], Any]
_ATOM_TYPES = frozenset({str, int, float, bool, type(None)})


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
