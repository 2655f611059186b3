"""``Workbook.update_rows`` on every implementation (the fake and GraphWorkbook on the emulator's real .xlsx)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from shared.ports.workbook import CONVERSATIONS_TABLE, Workbook
from tests.fakes.workbook import InMemoryWorkbook
from tests.fixtures.graph import GraphEmulator
from tests.integration.test_outcomes_workbook import with_workbook

pytestmark = pytest.mark.contract
ROW = ["c-1:missed", "2026-03-10", "2026-03", "Sales", "Growing", "grace@contoso.test", "ada@contoso.test", "Missed"]
OTHER = ["c-2:held", "2026-03-11", "2026-03", "Sales", "Growing", "grace@contoso.test", "alan@contoso.test", "Held"]


async def scenario(workbook: Workbook) -> tuple[set[str], int, int]:
    await workbook.ensure()
    await workbook.append_rows(CONVERSATIONS_TABLE, [ROW, OTHER])
    new = ["c-1:held", *ROW[1:-1], "Held"]
    changed = await workbook.update_rows(CONVERSATIONS_TABLE, {"c-1:missed": new, "c-9:missed": new})
    again = await workbook.update_rows(CONVERSATIONS_TABLE, {"c-1:missed": new})  # already replaced: nothing
    return await workbook.existing_row_ids(CONVERSATIONS_TABLE), changed, again


def run_on(kind: str, graph: GraphEmulator) -> tuple[set[str], int, int]:
    if kind == "fake":
        return asyncio.run(scenario(InMemoryWorkbook()))
    use: Callable[[Workbook], Awaitable[tuple[set[str], int, int]]] = scenario
    return with_workbook(graph, use)


@pytest.mark.parametrize("kind", ["fake", "graph"])
def test_update_rows_overwrites_matching_rows_in_place_only(kind: str, graph: GraphEmulator) -> None:
    ids, changed, again = run_on(kind, graph)
    assert (ids, changed, again) == ({"c-1:held", "c-2:held"}, 1, 0)
