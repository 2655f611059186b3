"""The bench harness's arithmetic: the median of repeated runs with its spread, percentiles, targets."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.bench.stats import Spread, meets, percentile

values = st.lists(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), min_size=1, max_size=30)


@given(values)
def test_a_spread_holds_its_median_between_the_lowest_and_the_highest_run(runs: list[float]) -> None:
    spread = Spread.of(runs)
    assert spread.low == min(runs) and spread.high == max(runs)
    assert spread.low <= spread.median <= spread.high
    assert spread.runs == len(runs)


def test_the_median_of_three_runs_is_the_middle_one_whatever_the_order() -> None:
    assert Spread.of([9.0, 1.0, 4.0]) == Spread(4.0, 1.0, 9.0, 3)
    assert Spread.of([2.0, 4.0]).median == 3.0


def test_a_spread_shows_its_range_and_runs_but_a_single_run_only_its_value() -> None:
    assert Spread.of([1.5, 1.25, 2.0]).text() == "1.500 (1.250-2.000, 3 runs)"
    assert Spread.of([7.0]).text() == "7.000"
    assert Spread.of([1234.5, 1000.0, 2000.0]).text() == "1,234.5 (1,000.0-2,000.0, 3 runs)"


def test_no_runs_is_an_error_not_a_zero() -> None:
    with pytest.raises(ValueError):
        Spread.of([])
    with pytest.raises(ValueError):
        percentile([], 0.99)


@given(values, st.floats(min_value=0.0, max_value=1.0))
def test_a_percentile_is_one_of_the_values(samples: list[float], fraction: float) -> None:
    assert percentile(samples, fraction) in samples


def test_p99_of_a_hundred_latencies_is_the_99th_slowest_and_p50_the_50th() -> None:
    latencies = [float(n) for n in range(100, 0, -1)]
    assert percentile(latencies, 0.99) == 99.0
    assert percentile(latencies, 0.5) == 50.0
    assert percentile(latencies, 1.0) == 100.0


@pytest.mark.parametrize(
    ("value", "target", "met"),
    [
        (10.0, "<= 10", True),
        (10.01, "<= 10", False),
        (0.9, ">= 0.9", True),
        (0.89, ">= 0.9", False),
        (0.0, "0", True),
        (1.0, "0", False),
        (3.0, "< 3", False),
        (1.2, "~1 (linear)", None),
        (5.0, "report", None),
    ],
)
def test_a_target_is_met_or_missed_and_a_report_only_figure_is_neither(value: float, target: str, met: bool) -> None:
    assert meets(value, target) is met
