"""The HR Summary's figures follow the conversations' real statuses: Held %, plateau-cohort coverage, overdue.

Statuses go through the services (scheduled, the missed sweep, a late outcome, an action marked done), the
export writes the rows (in place on a change), and LibreOffice recalculates the Summary's formulas.
"""

from __future__ import annotations

import asyncio
import csv
import io
import shutil
import subprocess
import tempfile
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from shared.adapters.workbook.template import build_template
from shared.domain.status import Progress
from shared.services.agenda_changes import set_action_statuses
from shared.services.conversation_changes import sweep_missed
from shared.services.conversation_lifecycle import record_conversation
from shared.services.export_outcomes import export_outcomes
from tests.fakes.storage import InMemoryStore
from tests.fakes.workbook import InMemoryWorkbook
from tests.unit.test_outcomes_world import FixedClock, action, log_and_confirm, seed_pair

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed"),
]
TODAY = date.today()  # the Summary's month rows and overdue test use TODAY() when LibreOffice recalculates


def on(day: date) -> FixedClock:
    """A clock on the conversation's day (the helper's cards carry no start, so the log's day is the date)."""
    return FixedClock(datetime.combine(day, time(15), UTC))


def _summary(workbook: InMemoryWorkbook) -> dict[str, list[str]]:
    book = load_workbook(io.BytesIO(build_template(["Sales", "Engineering"])))
    for table, rows in workbook.tables.items():
        sheet = book[table]
        for offset, row in enumerate(rows, start=2):
            for column, value in enumerate(row, start=1):
                sheet.cell(offset, column, value)
    with tempfile.TemporaryDirectory(prefix="wegrow-summary-") as work:
        xlsx = Path(work) / "hr.xlsx"
        book.save(xlsx)
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{work}/profile", "--headless", "--convert-to", "csv",
             "--outdir", work, str(xlsx)],
            check=True, capture_output=True, timeout=180,
        )  # fmt: skip
        lines = list(csv.reader((Path(work) / "hr.csv").read_text().splitlines()))
    return {line[0]: line[1:] for line in lines if line and line[0]}


def test_held_percent_coverage_and_overdue_come_from_real_statuses() -> None:
    store, workbook, clock = InMemoryStore(), InMemoryWorkbook(), FixedClock()
    seed_pair(store, "grace", "ada", "Sales", hired=TODAY - timedelta(days=800))  # plateau risk
    seed_pair(store, "grace", "alan", "Sales", hired=TODAY - timedelta(days=800))
    days = [TODAY - timedelta(days=d) for d in (9, 10, 11)]
    now = clock.now()
    for report in ("ada", "alan"):
        for day in days:
            record_conversation(store, "grace", report, day, "scheduled", now)
    due = (TODAY - timedelta(days=1)).isoformat()
    log_and_confirm(store, on(days[0]), "grace", "ada", [action(due=due)], days[0])
    sweep_missed(store, TODAY, now=now)  # five missed: ada's other two, alan's three
    asyncio.run(export_outcomes(store, workbook, now))
    log_and_confirm(store, on(days[1]), "grace", "alan", [action(due=due)], days[1])  # confirmed late
    asyncio.run(export_outcomes(store, workbook, now))  # alan's missed row becomes held, in place
    figures = _summary(workbook)
    assert figures["Sales"][:3] == ["6", "2", "0"]  # planned (held + missed), held, moved
    assert figures["Sales"][3].startswith("33.3") and figures["Coverage"][0].startswith("33.3")  # held %
    assert (figures["Open"][0], figures["Overdue"][0]) == ("2", "2")
    outcome = str(workbook.column("Outcomes", "Row id")[0])
    set_action_statuses(store, "grace", "ada", {outcome: Progress.DONE}, now)
    asyncio.run(export_outcomes(store, workbook, now))
    figures = _summary(workbook)
    assert (figures["Open"][0], figures["Overdue"][0]) == ("1", "1")
    assert len(workbook.tables["Outcomes"]) == 2 and len(workbook.tables["Conversations"]) == 6
