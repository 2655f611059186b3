"""``make fuzz`` raises every property test's examples and nothing else (``tests/property_depth.py``)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from tests.property_depth import VARIABLE, deepen, examples_wanted

pytestmark = pytest.mark.unit


def _counting_property(own_examples: int) -> tuple[object, list[int]]:
    seen: list[int] = []

    @settings(max_examples=own_examples, database=None, phases=[Phase.generate])
    @given(st.integers())
    def prop(value: int) -> None:
        seen.append(value)

    return prop, seen


def test_a_property_test_runs_the_examples_asked_for() -> None:
    prop, seen = _counting_property(own_examples=5)
    plain = SimpleNamespace(obj=lambda: None)
    assert deepen([SimpleNamespace(obj=prop), plain, SimpleNamespace()], 60) == 1
    prop()  # type: ignore[operator]
    assert len(seen) == 60


def test_a_property_test_that_asks_for_more_keeps_its_own() -> None:
    prop, seen = _counting_property(own_examples=40)
    deepen([SimpleNamespace(obj=prop)], 10)
    prop()  # type: ignore[operator]
    assert len(seen) == 40


@pytest.mark.parametrize(("text", "wanted"), [("", None), ("1500", 1500), (" 200 ", 200)])
def test_the_variable_is_read_as_a_count(monkeypatch: pytest.MonkeyPatch, text: str, wanted: int | None) -> None:
    monkeypatch.setenv(VARIABLE, text)
    assert examples_wanted() == wanted


@pytest.mark.parametrize("text", ["0", "-5", "many", "1e3"])
def test_a_bad_count_is_refused_naming_the_variable(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setenv(VARIABLE, text)
    with pytest.raises(ValueError, match=VARIABLE):
        examples_wanted()
