"""The Excel workbook API on a real .xlsx file (openpyxl): worksheets, tables, table rows.

Excel keeps at least one data row in a table, so a table made from a header-only range gets one empty row
in the file; it is not reported as a row and the first ``rows/add`` fills it. Values are written exactly as
given: a string stays a string (even ``=1+1`` or ``2024-01-01``), numbers and booleans stay typed.
"""

from __future__ import annotations

import hashlib
import io
import re
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

_ADDRESS = re.compile(r"^(?:'?(?P<sheet>[^'!]+)'?!)?(?P<range>\$?[A-Z]+\$?\d+(?::\$?[A-Z]+\$?\d+)?)$", re.IGNORECASE)
Cell = str | int | float | bool | None


class WorkbookError(ValueError):
    """A request the workbook cannot apply (Graph answers 400 InvalidArgument or 404 ItemNotFound)."""

    def __init__(self, message: str, status: int = 400, code: str = "InvalidArgument") -> None:
        super().__init__(message)
        self.status, self.code = status, code


def load(content: bytes) -> Workbook:
    try:
        return load_workbook(io.BytesIO(content))
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise WorkbookError("The file is not a valid .xlsx workbook.", 400, "InvalidWorkbook") from exc


def save(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sheet_id(name: str) -> str:
    return "{" + hashlib.md5(name.encode(), usedforsecurity=False).hexdigest().upper() + "}"


def worksheet_json(book: Workbook, ws: Worksheet) -> dict[str, Any]:
    visible = {"visible": "Visible", "hidden": "Hidden", "veryHidden": "VeryHidden"}[ws.sheet_state]
    return {"id": sheet_id(ws.title), "name": ws.title, "position": book.worksheets.index(ws), "visibility": visible}


def add_worksheet(book: Workbook, name: str | None) -> Worksheet:
    name = name or f"Sheet{len(book.worksheets) + 1}"
    if name.lower() in (ws.title.lower() for ws in book.worksheets):
        raise WorkbookError(f"A worksheet named '{name}' already exists.", 409, "ItemAlreadyExists")
    return book.create_sheet(name)


def tables(book: Workbook) -> list[tuple[Worksheet, Table]]:
    return [(ws, table) for ws in book.worksheets for table in ws.tables.values()]


def find_table(book: Workbook, key: str) -> tuple[Worksheet, Table]:
    for ws, table in tables(book):
        if key.lower() in (table.name.lower(), str(table.id)):
            return ws, table
    raise WorkbookError(f"The table '{key}' was not found.", 404, "ItemNotFound")


def table_json(ws: Worksheet, table: Table) -> dict[str, Any]:
    style = table.tableStyleInfo
    return {
        "id": str(table.id),
        "name": table.name,
        "showHeaders": bool(table.headerRowCount),
        "showTotals": bool(table.totalsRowCount),
        "style": style.name if style is not None else None,
        "highlightFirstColumn": bool(style.showFirstColumn) if style is not None else False,
        "highlightLastColumn": bool(style.showLastColumn) if style is not None else False,
        "showBandedRows": bool(style.showRowStripes) if style is not None else False,
        "showBandedColumns": bool(style.showColumnStripes) if style is not None else False,
        "showFilterButton": table.autoFilter is not None,
        "legacyId": str(table.id),
    }


def add_table(book: Workbook, address: str, has_headers: bool) -> tuple[Worksheet, Table]:
    match = _ADDRESS.match(address.strip().replace("$", ""))
    if match is None:
        raise WorkbookError(f"Invalid address '{address}'.")
    ws = book[match["sheet"]] if match["sheet"] in book.sheetnames else None
    if ws is None:
        raise WorkbookError(f"The worksheet in '{address}' does not exist.", 404, "ItemNotFound")
    min_col, min_row, max_col, max_row = range_boundaries(match["range"])
    if not has_headers:
        ws.insert_rows(min_row)
        max_row += 1
    for col in range(min_col, max_col + 1):
        cell = ws.cell(min_row, col)
        if cell.value in (None, ""):
            cell.value = f"Column{col - min_col + 1}"
    max_row = max(max_row, min_row + 1)  # Excel keeps at least one (possibly empty) data row
    ref = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{max_row}"
    ident = max((t.id for _, t in tables(book)), default=0) + 1
    table = Table(id=ident, displayName=f"Table{ident}", ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    return ws, table


def _bounds(table: Table) -> tuple[int, int, int, int]:
    min_col, min_row, max_col, max_row = range_boundaries(table.ref)
    return min_col, min_row, max_col, max_row


def data_rows(ws: Worksheet, table: Table) -> list[list[Cell]]:
    """The table's data rows (the empty placeholder row of a new table is not one)."""
    min_col, min_row, max_col, max_row = _bounds(table)
    rows = [[ws.cell(r, c).value for c in range(min_col, max_col + 1)] for r in range(min_row + 1, max_row + 1)]
    if len(rows) == 1 and all(v is None for v in rows[0]):
        return []
    return rows


def _check_row(row: object, width: int) -> list[Cell]:
    if not isinstance(row, list) or len(row) != width:
        raise WorkbookError(f"Each row must be a list of {width} values (the table's column count).")
    if not all(v is None or isinstance(v, str | int | float | bool) for v in row):
        raise WorkbookError("Cell values must be strings, numbers, booleans or null.")
    return row


def add_rows(ws: Worksheet, table: Table, values: object) -> int:
    """Append rows to the end of the table, growing its ref and filter range; returns the first new index."""
    min_col, min_row, max_col, _ = _bounds(table)
    if not isinstance(values, list) or not values:
        raise WorkbookError("values must be a non-empty list of rows.")
    rows = [_check_row(r, max_col - min_col + 1) for r in values]
    first_index = len(data_rows(ws, table))
    for offset, row in enumerate(rows):
        for col, value in enumerate(row, start=min_col):
            cell = ws.cell(min_row + 1 + first_index + offset, col)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl would treat '=...' as a formula
    last_row = min_row + first_index + len(rows)
    table.ref = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{last_row}"
    if table.autoFilter is not None:
        table.autoFilter.ref = table.ref
    return first_index
