"""What values mean in WeGrow's card expressions: missing fields, truthiness, equality, comparison, arithmetic.

Split from ``expressions`` (which parses and compiles); the rules follow Adaptive Expressions where the
templates need them, and anything else raises :class:`ExpressionError`.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any


class ExpressionError(ValueError):
    """An expression is malformed, uses something unsupported, or reads a missing field."""


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def lookup(container: Any, key: Any) -> Any:
    """``container[key]`` for mappings and lists, or MISSING (never an exception)."""
    if type(container) is dict:  # the usual case, without the slower ABC check
        return container.get(key, MISSING)
    if isinstance(container, Mapping):
        return container.get(key, MISSING)
    if isinstance(container, list) and isinstance(key, int) and not isinstance(key, bool):
        return container[key] if 0 <= key < len(container) else MISSING
    return MISSING


def is_logic_true(value: Any) -> bool:
    """Adaptive Expressions truthiness: false, null and missing are false; everything else is true."""
    if isinstance(value, bool):
        return value
    return value is not None and value is not MISSING


def equals(left: Any, right: Any) -> bool:
    if isinstance(left, bool) != isinstance(right, bool):
        return False
    return bool(left == right)


_COMPARISONS: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def compare(op: str, left: Any, right: Any) -> bool:
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (left, right))
    if not (numbers or (isinstance(left, str) and isinstance(right, str))):
        raise ExpressionError(f"cannot compare {left!r} {op} {right!r}")
    return bool(_COMPARISONS[op](left, right))


def arithmetic(op: str, left: Any, right: Any) -> Any:
    if op == "+" and isinstance(left, str) and isinstance(right, str):
        return left + right
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (left, right)):
        raise ExpressionError(f"cannot compute {left!r} {op} {right!r}")
    return left + right if op == "+" else left - right


def count(value: Any) -> int:
    if isinstance(value, str | list):
        return len(value)
    raise ExpressionError(f"count() needs a list or a string, got {value!r}")


def empty(value: Any) -> bool:
    if value is None or value is MISSING:
        return True
    if isinstance(value, str | list | dict):
        return len(value) == 0
    return False
