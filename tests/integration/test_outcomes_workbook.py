"""Outcomes from card actions to HR workbook rows, through Azurite and the Graph emulator's real .xlsx."""

from __future__ import annotations

import asyncio
import io
import struct
import zlib
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from openpyxl.workbook import Workbook as XlsxBook

from devstack.render_workbook import render_summary_png
from shared.adapters.graph.client import aclose_graph_client, build_graph_client
from shared.adapters.graph.workbook import GraphWorkbook
from shared.adapters.storage.tables import TableStore
from shared.adapters.workbook.template import build_template
from shared.config import load_settings
from shared.services.export_outcomes import export_outcomes, pending_entries
from shared.services.privacy import forget_person
from tests.fixtures.graph import GraphEmulator
from tests.unit.test_outcomes_world import (
    PRIVATE_CANARY,
    FixedClock,
    action,
    log_and_confirm,
    seed_everywhere,
    seed_pair,
)

pytestmark = pytest.mark.integration
DRIVE, PATH = "hr", "WeGrow/hr-outcomes.xlsx"


def with_workbook[T](graph: GraphEmulator, use: Callable[[GraphWorkbook], Awaitable[T]]) -> T:
    async def run() -> T:
        settings = load_settings(storage_connection="UseDevelopmentStorage=true", graph_base_url=graph.base_url)
        client = build_graph_client(settings)
        workbook = GraphWorkbook(client, DRIVE, PATH, lambda: build_template(["Engineering", "Sales"]))
        try:
            return await use(workbook)
        finally:
            await workbook.aclose()
            await aclose_graph_client(client)

    return asyncio.run(run())


def export(graph: GraphEmulator, store: TableStore) -> Any:
    return with_workbook(graph, lambda wb: export_outcomes(store, wb, FixedClock().now()))


def xlsx(graph: GraphEmulator) -> XlsxBook:
    response = httpx.get(f"{graph.root}/_emulator/drives/{DRIVE}/file", params={"path": PATH})
    response.raise_for_status()
    return load_workbook(io.BytesIO(response.content))


def png_pixels(path: Path) -> tuple[int, int, bytes]:
    """Width, height and the decompressed scanlines of a PNG (stdlib only)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    offset, idat, width, height = 8, b"", 0, 0
    while offset < len(data):
        (length,), kind = struct.unpack(">I", data[offset : offset + 4]), data[offset + 4 : offset + 8]
        chunk = data[offset + 8 : offset + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", chunk[:8])
        elif kind == b"IDAT":
            idat += chunk
        offset += 12 + length
    return width, height, zlib.decompress(idat)


def table_values(book: XlsxBook, sheet: str) -> list[list[Any]]:
    rows = [[c.value for c in row] for row in book[sheet].iter_rows(min_row=2)]
    return [r for r in rows if any(v is not None for v in r)]


def test_outcomes_flow_from_the_card_action_to_workbook_rows(azurite_store: TableStore, graph: GraphEmulator) -> None:
    seed_pair(azurite_store, "grace", "ada", "Engineering")
    log_and_confirm(azurite_store, FixedClock(), "grace", "ada", [action(), action('=HYPERLINK("http://x","y")')])
    report = export(graph, azurite_store)
    assert report.appended == {"Outcomes": 2, "Conversations": 1}
    book = xlsx(graph)
    outcomes = table_values(book, "Outcomes")
    assert [row[8] for row in outcomes] == ["Lead the migration kick-off", '\'=HYPERLINK("http://x","y")']
    formula_cell = book["Outcomes"]["I3"]
    assert formula_cell.data_type == "s"  # text, not a formula
    assert [row[7] for row in outcomes] == ["ada@contoso.test"] * 2
    assert table_values(book, "Conversations")[0][-1] == "Held"
    assert book["Outcomes"].tables["Outcomes"].ref == "A1:S3"
    assert pending_entries(azurite_store) == []


def test_a_retried_export_adds_no_duplicates(azurite_store: TableStore, graph: GraphEmulator) -> None:
    seed_pair(azurite_store, "grace", "ada")
    log_and_confirm(azurite_store, FixedClock(), "grace", "ada", [action(), action("Second")])
    export(graph, azurite_store)
    for entry in azurite_store.query("outcomes"):  # the marking was lost: everything is pending again
        if entry.row.startswith("outbox:"):
            azurite_store.update(entry, {**entry.data, "status": "pending"})
    again = export(graph, azurite_store)
    assert again.appended.get("Outcomes") == 0 and again.appended.get("Conversations", 0) == 0
    assert again.updated == 2  # the rows already there are rewritten in place, the same values
    assert len(table_values(xlsx(graph), "Outcomes")) == 2 and len(table_values(xlsx(graph), "Conversations")) == 1


class CrashingWorkbook(GraphWorkbook):
    async def append_rows(self, table: str, rows: Any) -> int:
        raise SystemExit("process killed before the rows reached the workbook")


def test_a_crash_between_storage_and_export_loses_nothing(azurite_store: TableStore, graph: GraphEmulator) -> None:
    seed_pair(azurite_store, "grace", "ada")
    log_and_confirm(azurite_store, FixedClock(), "grace", "ada", [action()])

    async def crash(wb: GraphWorkbook) -> Any:
        crashing = CrashingWorkbook(wb.client, DRIVE, PATH, wb.template)
        try:
            return await export_outcomes(azurite_store, crashing, FixedClock().now())
        finally:
            await crashing.aclose()

    with pytest.raises(SystemExit):
        with_workbook(graph, crash)
    assert len(pending_entries(azurite_store)) == 1
    export(graph, azurite_store)
    assert len(table_values(xlsx(graph), "Outcomes")) == 1


def test_a_crash_after_the_append_before_the_mark_adds_no_duplicates(
    azurite_store: TableStore, graph: GraphEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_pair(azurite_store, "grace", "ada")
    log_and_confirm(azurite_store, FixedClock(), "grace", "ada", [action(), action("Second")])
    real_update = azurite_store.update

    def killed(record: Any, data: Any) -> Any:
        raise SystemExit("process killed after the append")

    monkeypatch.setattr(azurite_store, "update", killed)
    with pytest.raises(SystemExit):
        export(graph, azurite_store)
    monkeypatch.setattr(azurite_store, "update", real_update)
    assert len(pending_entries(azurite_store)) == 1
    export(graph, azurite_store)
    assert len(table_values(xlsx(graph), "Outcomes")) == 2
    assert pending_entries(azurite_store) == []


def test_summary_has_charts_and_renders_to_a_non_blank_png(
    azurite_store: TableStore, graph: GraphEmulator, tmp_path: Path
) -> None:
    seed_pair(azurite_store, "grace", "ada", "Engineering")
    seed_pair(azurite_store, "grace", "alan", "Sales")
    log_and_confirm(azurite_store, FixedClock(), "grace", "ada", [action(), action("Fix the backlog", type="manage")])
    log_and_confirm(azurite_store, FixedClock(), "grace", "alan", [action("Shadow a lead", quadrant="uphill")])
    export(graph, azurite_store)
    book = xlsx(graph)
    assert book.sheetnames[0] == "Summary" and len(book["Summary"]._charts) >= 4
    path = tmp_path / "hr.xlsx"
    book.save(path)
    png = render_summary_png(path, tmp_path / "summary.png")
    width, height, pixels = png_pixels(png)
    assert width > 300 and height > 200
    assert len(set(pixels)) > 20 and min(pixels) < 100  # dark text and coloured charts, not a blank page


def test_forget_person_pseudonymises_workbook_rows(azurite_store: TableStore, graph: GraphEmulator) -> None:
    clock = FixedClock()
    seed_everywhere(azurite_store, clock)
    export(graph, azurite_store)
    counts = with_workbook(graph, lambda wb: forget_person(azurite_store, wb, "ada@contoso.test", "hr", clock.now()))
    assert counts["workbook_cells"] == 3  # her Outcomes, Conversations and Plateau risk rows
    book = xlsx(graph)
    text = str([table_values(book, sheet) for sheet in ("Outcomes", "Conversations", "Plateau risk", "Learning needs")])
    assert "ada@contoso.test" not in text and "alan@contoso.test" in text and "person-" in text
    assert PRIVATE_CANARY not in text
    assert len(table_values(book, "Outcomes")) == 2  # ada's action row stays (the aggregate), under the pseudonym
    assert len(book["Summary"]._charts) >= 4


def test_an_upload_whose_answer_was_lost_is_replayed_after_412_without_duplicates(
    azurite_store: TableStore, graph: GraphEmulator
) -> None:
    """The first upload lands but its answer is lost: the retry carries the old eTag, gets 412, re-reads the
    file (which has the rows), replays the idempotent edits and saves: one row per action, nothing twice."""
    from shared.adapters.graph.retry import RetryPolicy, RetryStats

    seed_pair(azurite_store, "grace", "ada")
    log_and_confirm(azurite_store, FixedClock(), "grace", "ada", [action(), action("Second")])
    stats, transport = RetryStats(), DropFirstUploadAnswer()

    async def no_wait(_: float) -> None:
        return None

    async def run() -> tuple[Any, int, int]:
        settings = load_settings(storage_connection="UseDevelopmentStorage=true", graph_base_url=graph.base_url)
        client = build_graph_client(settings, transport=transport)
        policy = RetryPolicy(max_attempts=3, sleep=no_wait)
        workbook = GraphWorkbook(
            client, DRIVE, PATH, lambda: build_template(["Engineering"]), policy=policy, stats=stats
        )
        try:
            report = await export_outcomes(azurite_store, workbook, FixedClock().now())
            return report, workbook.conflicts, workbook.uploads
        finally:
            await workbook.aclose()
            await aclose_graph_client(client)

    report, conflicts, uploads = asyncio.run(run())
    assert transport.dropped == 1 and stats.by_cause["RemoteProtocolError"] == 1
    assert (conflicts, uploads) == (1, 1)
    assert report.appended == {"Outcomes": 2, "Conversations": 1}
    assert len(table_values(xlsx(graph), "Outcomes")) == 2
    assert pending_entries(azurite_store) == []


class DropFirstUploadAnswer(httpx.AsyncHTTPTransport):
    """A real transport to the emulator that loses the answer of the first content upload (the file is saved)."""

    dropped = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        if request.method == "PUT" and "/items/" in request.url.path and not self.dropped:
            await response.aread()
            self.dropped += 1
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)
        return response
