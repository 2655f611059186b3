"""The drain schedules groups of managers at once: a manager's pairs stay together, outcomes keep their order."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest

from shared.services import scheduling_handlers
from shared.services.schedule_pair import PairOutcome

pytestmark = pytest.mark.unit


class Boom(RuntimeError):
    pass


def bodies(*managers: str) -> list[dict[str, Any]]:
    return [{"manager_id": m, "report_id": f"r{i}"} for i, m in enumerate(managers)]


async def test_each_manager_is_in_one_group_groups_overlap_and_outcomes_keep_the_message_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[list[str]] = []
    running, most = [0], [0]

    async def handle(ctx: Any, group: Sequence[dict[str, Any]]) -> list[PairOutcome]:
        calls.append([b["manager_id"] for b in group])
        running[0] += 1
        most[0] = max(most[0], running[0])
        await asyncio.sleep(0.01)
        running[0] -= 1
        return [PairOutcome("created", b["report_id"]) for b in group]

    monkeypatch.setattr(scheduling_handlers, "handle_schedule_pairs", handle)
    sent = bodies("a", "b", "a", "c", "d", "e", "a", "b")
    outcomes = await scheduling_handlers.schedule_in_lanes(None, sent)  # type: ignore[arg-type]
    assert [o.detail for o in outcomes] == [b["report_id"] for b in sent]
    assert len(calls) == scheduling_handlers.LANES and most[0] == scheduling_handlers.LANES
    for manager in "abcde":
        assert sum(manager in call for call in calls) == 1


async def test_a_failing_group_cancels_the_others_and_raises_its_own_error(monkeypatch: pytest.MonkeyPatch) -> None:
    finished: list[str] = []

    async def handle(ctx: Any, group: Sequence[dict[str, Any]]) -> list[PairOutcome]:
        if group[0]["manager_id"] == "a":
            raise Boom("killed")
        await asyncio.sleep(1)
        finished.append(group[0]["manager_id"])
        return []

    monkeypatch.setattr(scheduling_handlers, "handle_schedule_pairs", handle)
    with pytest.raises(Boom):
        await scheduling_handlers.schedule_in_lanes(None, bodies("a", "a", "b", "c"))  # type: ignore[arg-type]
    assert finished == []
