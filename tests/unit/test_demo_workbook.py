"""The demo's loop counts are read from the workbook's tables, and a missing part of the loop is named."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.table import Table

from devstack.demo_workbook import REQUIRED, loop_counts, missing


def _table(book: Workbook, sheet: str, name: str, header: list[str], rows: list[list[object]]) -> None:
    page = book.create_sheet(sheet)
    page.append(header)
    for row in rows:
        page.append(row)
    last = chr(ord("A") + len(header) - 1)
    page.add_table(Table(displayName=name, ref=f"A1:{last}{max(len(rows), 1) + 1}"))


def _workbook(tmp_path: Path, conversations: list[str], outcomes: list[tuple[str, str]]) -> Path:
    book = Workbook()
    _table(
        book,
        "Conversations",
        "Conversations",
        ["Row id", "Status"],
        [[f"c{n}", s] for n, s in enumerate(conversations)],
    )
    rows = [[f"o{n}", status, confirmation] for n, (status, confirmation) in enumerate(outcomes)]
    _table(book, "Outcomes", "Outcomes", ["Row id", "Status", "Confirmation"], rows)
    _table(book, "Plateau risk", "PlateauRisk", ["Employee", "Last held conversation"], [["Ada", "2026-01-02"]])
    learning = [["Sales", 12], ["Legal", "fewer than 5"]]
    _table(book, "Learning needs", "LearningNeeds", ["Org unit", "People"], learning)
    path = tmp_path / "hr.xlsx"
    book.save(path)
    return path


def test_a_complete_loop_counts_each_status_from_the_tables(tmp_path: Path) -> None:
    xlsx = _workbook(tmp_path, ["Held", "Held", "Moved", "Missed"], [("Done", "Disputed"), ("Open", "Confirmed")])
    counts = loop_counts(xlsx)
    assert counts["conversations held"] == 2
    assert counts["conversations moved"] == 1
    assert counts["conversations missed"] == 1
    assert counts["outcome rows disputed"] == 1
    assert counts["action rows done or dropped"] == 1
    assert counts["plateau risk rows"] == 1
    assert counts["learning needs units"] == 2
    assert counts["learning needs units shown as 'fewer than 5'"] == 1
    assert missing(counts) == []


def test_a_status_absent_from_the_workbook_is_named(tmp_path: Path) -> None:
    xlsx = _workbook(tmp_path, ["Held", "Missed"], [("Open", "Confirmed")])
    assert missing(loop_counts(xlsx)) == ["conversations moved", "outcome rows disputed", "action rows done or dropped"]
    assert set(missing({})) == set(REQUIRED)
