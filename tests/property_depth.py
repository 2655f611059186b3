"""``make fuzz``: every property test with more examples than the suite's own (``WEGROW_PROPERTY_EXAMPLES``).

The suite runs each property test with the examples it names (CI's time is counted); a deeper run, with a new seed
each time, is how the fall-back bugs of 04e9095, 2abeea7 and 5897482 were found. Hypothesis keeps a test's settings
on the test function, where ``@settings`` puts them; this raises their ``max_examples`` and leaves the rest.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from hypothesis import settings

VARIABLE = "WEGROW_PROPERTY_EXAMPLES"
_SETTINGS = "_hypothesis_internal_use_settings"  # where hypothesis' @settings and @given keep a test's settings


def examples_wanted() -> int | None:
    """The examples asked for by ``WEGROW_PROPERTY_EXAMPLES`` (a positive integer), or None when it is unset."""
    text = os.environ.get(VARIABLE, "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"{VARIABLE}: expected a positive number of examples, got {text!r}")
    return int(text)


def deepen(items: Sequence[Any], examples: int) -> int:
    """Give every property test among ``items`` at least ``examples`` examples; how many tests that was."""
    deepened = 0
    for item in items:
        test = getattr(item, "obj", None)
        own = getattr(test, _SETTINGS, None)
        if isinstance(own, settings) and getattr(test, "is_hypothesis_test", False):
            setattr(test, _SETTINGS, settings(own, max_examples=max(examples, own.max_examples)))
            deepened += 1
    return deepened
