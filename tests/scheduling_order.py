"""How the suite is spread over pytest-xdist workers (``make test`` runs ``--dist loadfile --no-loadscope-reorder``).

Each test module is one unit of work, so a module-scoped fixture (a browser world, a year-long tenant) is set up once,
and the longest modules are handed out first, in descending order of their measured time, so that no worker is left
with a long module at the end while the others idle (longest-processing-time-first). Everything else keeps its
collection order.

Not ``--dist loadgroup``: with pytest 9 and pytest-xdist 3.8 its ``xdist_group`` marks have no effect (xdist writes
the group into ``item._nodeid``, which pytest 9 no longer reads), so a module's tests were spread over the workers
and each worker paid the module's set-up (year_round's, about 150 s, three times).

``MODULE_SECONDS`` are wall seconds per module (set-up included) from ``make test`` on the 2-core build machine
(2026-12-01, ``--durations``); only their order matters, so they need refreshing only when a module's weight moves
by a lot. An unknown module counts as short.
"""

from __future__ import annotations

import pytest

MODULE_SECONDS = {
    "tests/integration/test_year_round.py": 190,
    "tests/e2e/test_playground_growth_loop.py": 185,
    "tests/integration/test_chaos.py": 175,
    "tests/integration/test_scheduling.py": 170,
    "tests/integration/test_chaos_cards_export.py": 150,
    "tests/integration/test_notifications_acceptance.py": 100,
    "tests/e2e/test_playground.py": 100,
    "tests/integration/test_year_round_guards.py": 95,
    "tests/integration/test_chaos_azurite.py": 75,
    "tests/integration/test_repair_on_emulator.py": 65,
    "tests/unit/test_planning_properties.py": 50,
    "tests/contract/test_card_parity.py": 47,
    "tests/e2e/test_playground_german.py": 45,
    "tests/contract/test_graph_emulator_exchange_calendar.py": 42,
    "tests/integration/test_bad_input.py": 38,
    "tests/contract/test_graph_calendar_schedule.py": 36,
    "tests/unit/test_cards_edge_data.py": 30,
}


def module_of(item: pytest.Item) -> str:
    return item.nodeid.split("::", 1)[0]


def longest_modules_first(items: list[pytest.Item]) -> None:
    """Sort in place, stably: the measured long modules first, longest first; each module stays together."""
    items.sort(key=lambda item: -MODULE_SECONDS.get(module_of(item), 0))
