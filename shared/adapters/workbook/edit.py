"""Edit an HR workbook file with openpyxl: append rows to a table (growing it), overwrite rows by id, rebuild a
view table, replace whole-cell values in named columns.

The drive-API adapter downloads the .xlsx, applies these edits to one loaded copy and uploads it. Every
edit is idempotent against a fresh copy (an append skips ids already there, an update matches by id), so
after a 412 the adapter can replay them on the newer file. openpyxl does not grow an Excel table when
rows are written below it, so ``table.ref`` (and its filter's ref) is set here.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.table import Table
from openpyxl.worksheet.worksheet import Worksheet

from shared.adapters.workbook.cells import TEXT_MARKER, safe_row
from shared.ports.workbook import Cell, Row, WorkbookError


def load(content: bytes) -> Workbook:
    return load_workbook(io.BytesIO(content))


def save(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def find_table(book: Workbook, name: str) -> tuple[Worksheet, Table]:
    for sheet in book.worksheets:
        if name in sheet.tables:
            return sheet, sheet.tables[name]
    raise WorkbookError(f"the HR workbook has no table {name}: restore it, or move the file away for a new one")


def table_header(book: Workbook, name: str) -> tuple[Cell, ...]:
    sheet, table = find_table(book, name)
    min_col, min_row, max_col, _ = range_boundaries(table.ref)
    return tuple(sheet.cell(min_row, c).value for c in range(min_col, max_col + 1))


def _data_rows(sheet: Worksheet, table: Table) -> list[int]:
    """Sheet row numbers of the table's data rows (Excel's empty placeholder row of a new table is not one)."""
    min_col, min_row, max_col, max_row = range_boundaries(table.ref)
    rows = list(range(min_row + 1, max_row + 1))
    empty = all(sheet.cell(rows[0], c).value is None for c in range(min_col, max_col + 1)) if rows else True
    return [] if len(rows) == 1 and empty else rows


def _key(value: Cell) -> str:
    return str(value).removeprefix(TEXT_MARKER) if value is not None else ""


def table_rows(book: Workbook, name: str) -> list[list[Cell]]:
    sheet, table = find_table(book, name)
    min_col, _, max_col, _ = range_boundaries(table.ref)
    return [[sheet.cell(r, c).value for c in range(min_col, max_col + 1)] for r in _data_rows(sheet, table)]


def row_ids(book: Workbook, name: str) -> set[str]:
    sheet, table = find_table(book, name)
    min_col = range_boundaries(table.ref)[0]
    return {_key(sheet.cell(r, min_col).value) for r in _data_rows(sheet, table)} - {""}


def _write(sheet: Worksheet, row: int, min_col: int, values: Row) -> None:
    for offset, value in enumerate(safe_row(values)):
        cell = sheet.cell(row, min_col + offset)
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"  # text stays text, whatever it starts with


def _resize(table: Table, data_rows: int) -> None:
    min_col, min_row, max_col, _ = range_boundaries(table.ref)
    last = min_row + max(data_rows, 1)  # Excel keeps at least one (possibly empty) data row
    table.ref = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{last}"
    if table.autoFilter is not None:
        table.autoFilter.ref = table.ref


def append_rows(book: Workbook, name: str, rows: Sequence[Row]) -> int:
    """Append the rows whose id (first cell) is not in the table yet, growing the table; returns rows added."""
    sheet, table = find_table(book, name)
    min_col, min_row = range_boundaries(table.ref)[:2]
    seen, count = row_ids(book, name), len(_data_rows(sheet, table))
    added = 0
    for values in rows:
        ident = _key(values[0]) if values else ""
        if not ident or ident in seen:
            continue
        _write(sheet, min_row + 1 + count + added, min_col, values)
        seen.add(ident)
        added += 1
    _resize(table, count + added)
    return added


def update_rows(book: Workbook, name: str, rows: Mapping[str, Row]) -> int:
    """Overwrite in place each row whose id is a key of ``rows``; returns rows changed."""
    sheet, table = find_table(book, name)
    min_col = range_boundaries(table.ref)[0]
    changed = 0
    for row in _data_rows(sheet, table):
        new = rows.get(_key(sheet.cell(row, min_col).value))
        if new is not None:
            _write(sheet, row, min_col, new)
            changed += 1
    return changed


def replace_rows(book: Workbook, name: str, rows: Sequence[Row]) -> int:
    """Make ``rows`` the table's only data rows (a view rebuilt on each export); returns rows written."""
    sheet, table = find_table(book, name)
    min_col, min_row, max_col, max_row = range_boundaries(table.ref)
    for row in range(min_row + 1, max(max_row, min_row + len(rows)) + 1):
        for column in range(min_col, max_col + 1):
            sheet.cell(row, column).value = None
    for offset, values in enumerate(rows):
        _write(sheet, min_row + 1 + offset, min_col, values)
    _resize(table, len(rows))
    return len(rows)


def replace_values(book: Workbook, replacements: Mapping[str, str], columns: Sequence[str]) -> int:
    """Replace whole-cell values in every table column whose header is in ``columns``; returns cells changed."""
    changed = 0
    for sheet in book.worksheets:
        for table in sheet.tables.values():
            min_col, min_row, max_col, _ = range_boundaries(table.ref)
            headers = [sheet.cell(min_row, c).value for c in range(min_col, max_col + 1)]
            targets = [min_col + i for i, header in enumerate(headers) if header in columns]
            for row in _data_rows(sheet, table):
                for column in targets:
                    cell = sheet.cell(row, column)
                    if cell.value is not None and _key(cell.value) in replacements:
                        cell.value = replacements[_key(cell.value)]
                        changed += 1
    return changed


def replace_in_tables(content: bytes, replacements: Mapping[str, str], columns: Sequence[str]) -> tuple[bytes, int]:
    """The edited .xlsx bytes and the number of cells changed (see ``replace_values``)."""
    book = load(content)
    changed = replace_values(book, replacements, columns)
    return save(book), changed


def update_rows_in_table(content: bytes, table_name: str, rows: Mapping[str, Row]) -> tuple[bytes, int]:
    """The edited .xlsx bytes and the number of rows of ``table_name`` overwritten (matched by their first cell)."""
    book = load(content)
    changed = update_rows(book, table_name, rows)
    return save(book), changed
