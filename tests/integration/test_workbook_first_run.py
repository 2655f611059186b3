"""Two first runs of the export against the Graph emulator: the HR workbook is created from the template once
(create-only upload), and the run that loses the race reads and keeps the winner's file."""

from __future__ import annotations

import asyncio
import io
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from shared.adapters.graph.client import aclose_graph_client, build_graph_client
from shared.adapters.graph.workbook import GraphWorkbook
from shared.adapters.workbook.template import build_template
from shared.config import load_settings
from shared.ports.workbook import OUTCOMES_TABLE
from tests.fixtures.graph import GraphEmulator

pytestmark = pytest.mark.integration
DRIVE, PATH = "hr", "WeGrow/first-run.xlsx"


class LateToTheRace(GraphWorkbook):
    """Its first look finds no file (the other run had not created it yet), so it tries to create one too."""

    looked = False

    async def _find_item(self) -> dict[str, Any] | None:
        if not self.looked:
            self.looked = True
            return None
        return await super()._find_item()


def test_the_second_first_run_reads_the_file_instead_of_overwriting_it(graph: GraphEmulator) -> None:
    row = ["o-1:a1", "o-1", "2026-03-10", "2026-03", "Sales", "", "g@x.test", "a@x.test", "Act", "Sweet spot",
           "Training", "Learning", "Knowledge", "", "Employee", "2026-04-30", "Open", "Unconfirmed", ""]  # fmt: skip

    async def run() -> set[str]:
        settings = load_settings(storage_connection="UseDevelopmentStorage=true", graph_base_url=graph.base_url)
        client = build_graph_client(settings)
        template = lambda: build_template(["Sales"])  # noqa: E731
        first, second = GraphWorkbook(client, DRIVE, PATH, template), LateToTheRace(client, DRIVE, PATH, template)
        try:
            await first.append_rows(OUTCOMES_TABLE, [row])
            await first.flush()
            await second.ensure()  # its create-only upload meets the first run's file
            return await second.existing_row_ids(OUTCOMES_TABLE)
        finally:
            await aclose_graph_client(client)

    assert asyncio.run(run()) == {"o-1:a1"}
    raw = httpx.get(f"{graph.root}/_emulator/drives/{DRIVE}/file", params={"path": PATH})
    sheet = load_workbook(io.BytesIO(raw.content))[OUTCOMES_TABLE]
    assert [c.value for c in sheet["A"]][1:] == ["o-1:a1"]
