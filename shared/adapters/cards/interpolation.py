"""Template text: the ``${...}`` in a template string split out, its expressions compiled, values written as text.

Split from ``renderer``. Only template text is ever split here, never data. :class:`RenderError`, the error of
every rendering step, is defined here because this is the lowest of them.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from shared.adapters.cards.expressions import ExpressionError, Node, compile_expression


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
