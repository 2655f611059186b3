"""Pure helpers for ``make bench``: the median of repeated runs with its spread, and whether a target is met."""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

_TARGET = re.compile(r"^\s*(<=|>=|<|>|=)?\s*(-?\d+(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class Spread:
    """The median of some runs, with the lowest and highest value seen."""

    median: float
    low: float
    high: float
    runs: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        if not values:
            raise ValueError("a spread needs at least one value")
        return cls(float(statistics.median(values)), float(min(values)), float(max(values)), len(values))

    def text(self) -> str:
        """``1.23 (1.10-1.40, 3 runs)``; a single run has no spread to show."""
        if self.runs < 2:
            return _number(self.median)
        return f"{_number(self.median)} ({_number(self.low)}-{_number(self.high)}, {self.runs} runs)"


def _number(value: float) -> str:
    return f"{value:.3f}" if abs(value) < 100 else f"{value:,.1f}"


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (``fraction`` 0.99 for p99) of a non-empty sequence."""
    if not values:
        raise ValueError("a percentile needs at least one value")
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return float(ordered[min(rank, len(ordered)) - 1])


def meets(value: float, target: str) -> bool | None:
    """Whether ``value`` meets a target such as ``<= 10``, ``>= 0.9`` or ``0``; None for ``report`` and the like."""
    match = _TARGET.match(target)
    if match is None:
        return None
    operator, bound = match.group(1) or "=", float(match.group(2))
    return {
        "<=": value <= bound,
        ">=": value >= bound,
        "<": value < bound,
        ">": value > bound,
        "=": math.isclose(value, bound),
    }[operator]
