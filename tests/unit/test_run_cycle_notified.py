"""``run_cycle`` (what ``wegrow cycle`` runs) hands planning the notified mailboxes, as the plan timer does."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from shared.services import scheduling_handlers

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("notified", [None, frozenset({"m1", "r1"})])
def test_run_cycle_passes_the_notified_users_to_planning(
    monkeypatch: pytest.MonkeyPatch, notified: frozenset[str] | None
) -> None:
    seen: dict[str, Any] = {}

    def plan_cycle(*args: Any, **kwargs: Any) -> Any:
        seen.update(kwargs)
        return SimpleNamespace(pairs=3)

    monkeypatch.setattr(scheduling_handlers, "plan_cycle", plan_cycle)
    ctx = SimpleNamespace(store=object(), now=datetime(2026, 12, 1, tzinfo=UTC), policy=object())
    summary = asyncio.run(scheduling_handlers.run_cycle(ctx, object(), object(), ("plan",), notified))  # type: ignore[arg-type]
    assert summary.pairs == 3
    assert seen["notified"] == notified
