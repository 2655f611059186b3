"""The Summary sheet: formulas over the Outcomes and Conversations columns, and a chart per block.

Blocks: conversations held against planned per org unit and per month (last six months), quadrant
mix, training against manage, plateau-risk cohort coverage, open and overdue actions, all conversations
(planned, held, overdue, Held %), and the Coaching table (coach request counts, written by the export).
Planned means a conversation that was due: held, missed or overdue (its outcome still missing after the
reminder); a moved one is counted again where it lands.
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from shared.ports.workbook import (
    COLUMNS,
    CONVERSATIONS_TABLE,
    HELD,
    LEARNING,
    MANAGE,
    MISSED,
    MOVED,
    OPEN_STATUSES,
    OUTCOMES_TABLE,
    OVERDUE,
    QUADRANT_LABELS,
    TENURE_LABELS,
)

MONTHS = 6
LAST_ROW = 100000  # bounded ranges for SUMPRODUCT (whole columns are slow there)


def col(table: str, name: str) -> str:
    """An absolute whole-column reference, e.g. ``Conversations!$H:$H``."""
    letter = get_column_letter(COLUMNS[table].index(name) + 1)
    return f"{table}!${letter}:${letter}"


def rng(table: str, name: str) -> str:
    letter = get_column_letter(COLUMNS[table].index(name) + 1)
    return f"{table}!${letter}$2:${letter}${LAST_ROW}"


def _held_planned(sheet: Worksheet, row: int, key_col: str, key_cell: str) -> None:
    status = col(CONVERSATIONS_TABLE, "Status")
    where = f'{col(CONVERSATIONS_TABLE, key_col)},{key_cell},{status},"{{}}"'
    planned = "+".join(f"COUNTIFS({where.format(label)})" for label in (HELD, MISSED, OVERDUE))
    sheet.cell(row, 2, f"={planned}")
    sheet.cell(row, 3, f"=COUNTIFS({where.format(HELD)})")
    sheet.cell(row, 4, f"=COUNTIFS({where.format(MOVED)})")
    sheet.cell(row, 5, f"=IF(B{row}=0,0,C{row}/B{row})").number_format = "0%"


def _header(sheet: Worksheet, row: int, *titles: str) -> None:
    for index, title in enumerate(titles, start=1):
        sheet.cell(row, index, title).font = Font(bold=True)


def _bar(sheet: Worksheet, title: str, first: int, last: int, columns: tuple[int, int], anchor: str) -> None:
    chart = BarChart()
    chart.title, chart.height, chart.width = title, 6.5, 13
    data = Reference(sheet, min_col=columns[0], max_col=columns[1], min_row=first - 1, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=first, max_row=last))
    sheet.add_chart(chart, anchor)


def _pie(sheet: Worksheet, title: str, first: int, last: int, anchor: str) -> None:
    chart = PieChart()
    chart.title, chart.height, chart.width = title, 6.5, 9
    chart.add_data(Reference(sheet, min_col=2, min_row=first - 1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=first, max_row=last))
    sheet.add_chart(chart, anchor)


def _per_unit(sheet: Worksheet, start: int, units: Sequence[str]) -> int:
    sheet.cell(start, 1, "Conversations per org unit").font = Font(bold=True, size=12)
    _header(sheet, start + 1, "Org unit", "Planned", "Held", "Moved", "Held %")
    for offset, unit in enumerate(units):
        row = start + 2 + offset
        sheet.cell(row, 1, unit)
        _held_planned(sheet, row, "Org unit", f"$A{row}")
    last = start + 1 + len(units)
    _bar(sheet, "Held against planned per org unit", start + 2, last, (2, 3), f"G{start}")
    return max(last + 2, start + 15)


def _per_month(sheet: Worksheet, start: int) -> int:
    sheet.cell(start, 1, "Conversations per month").font = Font(bold=True, size=12)
    _header(sheet, start + 1, "Month", "Planned", "Held", "Moved", "Held %")
    for offset in range(MONTHS):
        row = start + 2 + offset
        sheet.cell(row, 1, f'=TEXT(EDATE(TODAY(),{offset - MONTHS + 1}),"yyyy-mm")')
        _held_planned(sheet, row, "Month", f"$A{row}")
    last = start + 1 + MONTHS
    _bar(sheet, "Held against planned per month", start + 2, last, (2, 3), f"G{start}")
    return max(last + 2, start + 15)


def _counts(sheet: Worksheet, start: int, title: str, column: str, labels: Sequence[str]) -> int:
    sheet.cell(start, 1, title).font = Font(bold=True, size=12)
    _header(sheet, start + 1, column, "Actions")
    for offset, label in enumerate(labels):
        row = start + 2 + offset
        sheet.cell(row, 1, label)
        sheet.cell(row, 2, f"=COUNTIF({col(OUTCOMES_TABLE, column)},$A{row})")
    return start + 2 + len(labels)


def _mix(sheet: Worksheet, start: int) -> int:
    quadrants_end = _counts(sheet, start, "Quadrant mix", "Quadrant", list(QUADRANT_LABELS.values()))
    _pie(sheet, "Quadrant mix", start + 2, quadrants_end - 1, f"G{start}")
    types_start = quadrants_end + 1
    types_end = _counts(sheet, types_start, "Training against manage", "Training or manage", [LEARNING, MANAGE])
    _pie(sheet, "Training against manage", types_start + 2, types_end - 1, f"M{start}")
    return max(types_end + 1, start + 15)


def _plateau_and_overdue(sheet: Worksheet, start: int) -> int:
    plateau = TENURE_LABELS["plateau_risk"]
    tenure, status = col(CONVERSATIONS_TABLE, "Tenure stage"), col(CONVERSATIONS_TABLE, "Status")
    rows = [
        ("Planned", "=" + "+".join(f'COUNTIFS({tenure},"{plateau}",{status},"{s}")' for s in (HELD, MISSED, OVERDUE))),
        ("Held", f'=COUNTIFS({tenure},"{plateau}",{status},"{HELD}")'),
        ("Coverage", f"=IF(B{start + 1}=0,0,B{start + 2}/B{start + 1})"),
        ("Actions", f'=COUNTIF({col(OUTCOMES_TABLE, "Tenure stage")},"{plateau}")'),
    ]
    _labelled_rows(sheet, start, "Plateau-risk cohort coverage", rows)
    sheet.cell(start + 3, 2).number_format = "0%"
    due, state = rng(OUTCOMES_TABLE, "Due"), rng(OUTCOMES_TABLE, "Status")
    is_open = "+".join(f'({state}="{label}")' for label in OPEN_STATUSES)
    top = start + 6
    sheet.cell(top, 1, "Actions").font = Font(bold=True, size=12)
    sheet.cell(top + 1, 1, "Open")
    sheet.cell(top + 1, 2, f"=SUMPRODUCT({is_open})")
    sheet.cell(top + 2, 1, "Overdue")
    sheet.cell(top + 2, 2, f'=SUMPRODUCT(({due}<>"")*({due}<TEXT(TODAY(),"yyyy-mm-dd"))*({is_open}))')
    return top + 4


def _all_conversations(sheet: Worksheet, start: int) -> int:
    status = col(CONVERSATIONS_TABLE, "Status")
    rows = [
        ("All planned", "=" + "+".join(f'COUNTIF({status},"{label}")' for label in (HELD, MISSED, OVERDUE))),
        ("All held", f'=COUNTIF({status},"{HELD}")'),
        ("Outcome overdue", f'=COUNTIF({status},"{OVERDUE}")'),
        ("Held % overall", f"=IF(B{start + 1}=0,0,B{start + 2}/B{start + 1})"),
    ]
    _labelled_rows(sheet, start, "All conversations", rows)
    sheet.cell(start + 4, 2).number_format = "0%"
    return start + 6


def _labelled_rows(sheet: Worksheet, start: int, title: str, rows: Sequence[tuple[str, str]]) -> None:
    """A bold title at ``start``, then one label and its formula per row below it."""
    sheet.cell(start, 1, title).font = Font(bold=True, size=12)
    for offset, (label, formula) in enumerate(rows, start=1):
        sheet.cell(start + offset, 1, label)
        sheet.cell(start + offset, 2, formula)


def fill(sheet: Worksheet, units: Sequence[str]) -> int:
    """Write the Summary; returns the first free row (where the Coaching table goes)."""
    sheet.cell(1, 1, "WeGrow: growth conversations and outcomes").font = Font(bold=True, size=14)
    sheet.cell(2, 1, "Formulas over the Outcomes and Conversations sheets; no private agenda items are exported.")
    sheet.column_dimensions["A"].width = 26
    row = _per_unit(sheet, 4, units)
    row = _per_month(sheet, row)
    row = _mix(sheet, row)
    row = _plateau_and_overdue(sheet, row)
    return _all_conversations(sheet, row)
