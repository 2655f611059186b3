"""The Workbook port on every implementation: the fake and GraphWorkbook (drive API) on the emulator's real .xlsx.

Staged writes (append, update in place, view rebuild) are seen by reads at once and saved by ``flush``;
closing without ``flush`` saves nothing; appends are idempotent by row id. Graph only: two writers that
read the same eTag both land (the second gets 412, re-reads and replays), one upload per flushed batch.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from shared.adapters.graph.workbook import GraphWorkbook
from shared.ports.workbook import CONVERSATIONS_TABLE, LEARNING_TABLE, OUTCOMES_TABLE, Workbook
from tests.fakes.workbook import InMemoryWorkbook
from tests.fixtures.graph import GraphEmulator
from tests.integration.test_outcomes_workbook import table_values, with_workbook, xlsx

pytestmark = pytest.mark.contract
PEOPLE = ["2026-03-10", "2026-03", "Sales", "Growing", "grace@contoso.test", "ada@contoso.test", "Submitted"]
ROW = ["c-1:missed", *PEOPLE, "Missed"]
OTHER = ["c-2:held", *PEOPLE[:-2], "alan@contoso.test", "", "Held"]
KINDS = ["fake", "graph"]


Run = Callable[[Callable[[Workbook], Awaitable[object]]], object]


def runner(kind: str, graph: GraphEmulator, fake: InMemoryWorkbook | None = None) -> Run:
    """Run scenarios against one workbook: the same fake each time, or a fresh GraphWorkbook on the same file."""
    fake = fake or InMemoryWorkbook()

    def run(use: Callable[[Workbook], Awaitable[object]]) -> object:
        if kind == "fake":

            async def closing() -> object:
                try:
                    return await use(fake)
                finally:
                    await fake.aclose()

            return asyncio.run(closing())
        return with_workbook(graph, use)

    return run


async def update_scenario(workbook: Workbook) -> tuple[set[str], int, int]:
    await workbook.ensure()
    await workbook.append_rows(CONVERSATIONS_TABLE, [ROW, OTHER])
    new = ["c-1:held", *ROW[1:-1], "Held"]
    changed = await workbook.update_rows(CONVERSATIONS_TABLE, {"c-1:missed": new, "c-9:missed": new})
    again = await workbook.update_rows(CONVERSATIONS_TABLE, {"c-1:missed": new})  # already replaced: nothing
    ids = await workbook.existing_row_ids(CONVERSATIONS_TABLE)
    await workbook.flush()
    return ids, changed, again


@pytest.mark.parametrize("kind", KINDS)
def test_update_rows_overwrites_matching_rows_in_place_only(kind: str, graph: GraphEmulator) -> None:
    run = runner(kind, graph)
    assert run(update_scenario) == ({"c-1:held", "c-2:held"}, 1, 0)

    async def saved(workbook: Workbook) -> set[str]:
        return await workbook.existing_row_ids(CONVERSATIONS_TABLE)

    assert run(saved) == {"c-1:held", "c-2:held"}  # a new reader (a later export) sees what was flushed


@pytest.mark.parametrize("kind", KINDS)
def test_unflushed_changes_are_dropped_and_appends_are_idempotent(kind: str, graph: GraphEmulator) -> None:
    run = runner(kind, graph)

    async def append_without_flush(workbook: Workbook) -> set[str]:
        await workbook.append_rows(CONVERSATIONS_TABLE, [ROW])
        return await workbook.existing_row_ids(CONVERSATIONS_TABLE)

    assert run(append_without_flush) == {"c-1:missed"}  # the working copy sees it ...

    async def append_twice(workbook: Workbook) -> tuple[set[str], int, int]:
        before = await workbook.existing_row_ids(CONVERSATIONS_TABLE)  # ... nothing was saved
        first = await workbook.append_rows(CONVERSATIONS_TABLE, [ROW, OTHER])
        second = await workbook.append_rows(CONVERSATIONS_TABLE, [ROW, OTHER])
        await workbook.flush()
        return before, first, second

    assert run(append_twice) == (set(), 2, 0)


@pytest.mark.parametrize("kind", KINDS)
def test_a_view_is_rebuilt_whole(kind: str, graph: GraphEmulator) -> None:
    fake = InMemoryWorkbook()
    run = runner(kind, graph, fake)
    big = [["Sales", 7, 2, 1, 0], ["Engineering", 5, 0, 3, 1]]

    def rebuild(rows: list[list[object]]) -> None:
        async def use(workbook: Workbook) -> None:
            await workbook.replace_view(LEARNING_TABLE, rows)  # type: ignore[arg-type]
            await workbook.flush()

        run(use)

    rebuild(big)
    rebuild([["Sales", "fewer than 5", "fewer than 5", "fewer than 5", "fewer than 5"]])
    if kind == "graph":
        assert table_values(xlsx(graph), "Learning needs") == [["Sales", *["fewer than 5"] * 4]]
    else:
        assert fake.views[LEARNING_TABLE] == [["Sales", *["fewer than 5"] * 4]]


def test_two_writers_on_one_etag_both_land_through_412_and_replay(graph: GraphEmulator) -> None:
    """The second upload carries a stale If-Match: 412, re-read, replay its rows, upload again."""
    outcome = ["o-1:a1", "o-1", *PEOPLE[:-1], "Act", "Gift", "Training", "Learning", "Time", "", "Employee"]
    outcome += ["2026-04-01", "Open", "Unconfirmed", ""]

    async def race(first: Workbook) -> tuple[int, int, set[str]]:
        assert isinstance(first, GraphWorkbook)
        second = GraphWorkbook(first.client, first.drive_id, first.path, first.template)
        await first.ensure()
        await second.ensure()  # both read the same eTag
        await first.append_rows(CONVERSATIONS_TABLE, [ROW])
        await second.append_rows(CONVERSATIONS_TABLE, [OTHER])
        await second.append_rows(OUTCOMES_TABLE, [outcome])
        await first.flush()
        await second.flush()
        await second.aclose()
        return first.uploads, second.conflicts, await second.existing_row_ids(CONVERSATIONS_TABLE)

    first_uploads, conflicts, ids = with_workbook(graph, race)  # type: ignore[misc]
    assert (first_uploads, conflicts, ids) == (1, 1, {"c-1:missed", "c-2:held"})
    book = xlsx(graph)
    assert [row[0] for row in table_values(book, "Conversations")] == ["c-1:missed", "c-2:held"]
    assert [row[0] for row in table_values(book, "Outcomes")] == ["o-1:a1"]
    assert book["Outcomes"].tables["Outcomes"].ref == "A1:S2"
