"""What the HR workbook that ``make demo`` downloaded holds: the loop's counts, read back from its tables.

The counts come from the file HR would open (not from the demo's own tallies), so a status that never reaches
the workbook shows as zero, and :func:`missing` names it.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from openpyxl import load_workbook

from shared.domain.hr_views import FEWER_THAN_5
from shared.ports.workbook import (
    CONVERSATIONS_TABLE,
    HELD,
    LEARNING_TABLE,
    MISSED,
    MOVED,
    OUTCOMES_TABLE,
    OVERDUE,
    PLATEAU_TABLE,
)

Rows = list[dict[str, object]]
DISPUTED, CLOSED = "Disputed", ("Done", "Dropped")
# The counts the growth loop must produce; the demo fails when one of them is zero.
REQUIRED = (
    f"conversations {HELD.lower()}",
    f"conversations {MOVED.lower()}",
    f"conversations {MISSED.lower()}",
    "outcome rows disputed",
    "action rows done or dropped",
    "plateau risk rows",
    "learning needs units",
)


def table_rows(xlsx: Path) -> dict[str, Rows]:
    """Every Excel table of the file, by name, as rows keyed by the header."""
    book = load_workbook(xlsx, read_only=False, data_only=True)
    found: dict[str, Rows] = {}
    for sheet in book.worksheets:
        for name, ref in sheet.tables.items():
            cells = [[cell.value for cell in line] for line in sheet[ref]]
            header = [str(h) for h in cells[0]] if cells else []
            found[name] = [
                dict(zip(header, line, strict=False)) for line in cells[1:] if any(v is not None for v in line)
            ]
    return found


def loop_counts(xlsx: Path) -> dict[str, int]:
    tables = table_rows(xlsx)
    statuses = Counter(str(r.get("Status")) for r in tables.get(CONVERSATIONS_TABLE, []))
    outcomes = tables.get(OUTCOMES_TABLE, [])
    learning = tables.get(LEARNING_TABLE, [])
    counts = {f"conversations {label.lower()}": statuses[label] for label in (HELD, MOVED, MISSED, OVERDUE)}
    counts |= {
        "outcome rows disputed": sum(1 for r in outcomes if r.get("Confirmation") == DISPUTED),
        "action rows done or dropped": sum(1 for r in outcomes if r.get("Status") in CLOSED),
        "plateau risk rows": len(tables.get(PLATEAU_TABLE, [])),
        "learning needs units": len(learning),
        "learning needs units shown as 'fewer than 5'": sum(1 for r in learning if r.get("People") == FEWER_THAN_5),
    }
    return counts


def missing(counts: dict[str, int]) -> list[str]:
    """The required counts that are zero (or absent)."""
    return [name for name in REQUIRED if not counts.get(name)]
