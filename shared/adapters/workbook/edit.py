"""Edit an HR workbook file in place of Graph range calls: replace whole-cell values in named columns, or rows by id."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

from openpyxl import load_workbook
from openpyxl.utils import range_boundaries

from shared.adapters.workbook.cells import TEXT_MARKER, safe_row
from shared.ports.workbook import Row


def replace_in_tables(content: bytes, replacements: Mapping[str, str], columns: Sequence[str]) -> tuple[bytes, int]:
    """The edited .xlsx and the number of cells changed, in every table column whose header is in ``columns``."""
    book = load_workbook(io.BytesIO(content))
    changed = 0
    for sheet in book.worksheets:
        for table in sheet.tables.values():
            min_col, min_row, max_col, max_row = range_boundaries(table.ref)
            headers = [sheet.cell(min_row, c).value for c in range(min_col, max_col + 1)]
            targets = [min_col + i for i, header in enumerate(headers) if header in columns]
            for row in range(min_row + 1, max_row + 1):
                for column in targets:
                    cell = sheet.cell(row, column)
                    value = str(cell.value).removeprefix(TEXT_MARKER) if cell.value is not None else None
                    if value is not None and value in replacements:
                        cell.value = replacements[value]
                        changed += 1
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), changed


def update_rows_in_table(content: bytes, table_name: str, rows: Mapping[str, Row]) -> tuple[bytes, int]:
    """The edited .xlsx and the number of rows of ``table_name`` overwritten (matched by their first cell)."""
    book = load_workbook(io.BytesIO(content))
    changed = 0
    for sheet in book.worksheets:
        table = sheet.tables.get(table_name)
        if table is None:
            continue
        min_col, min_row, _, max_row = range_boundaries(table.ref)
        for row in range(min_row + 1, max_row + 1):
            ident = sheet.cell(row, min_col).value
            new = rows.get(str(ident).removeprefix(TEXT_MARKER)) if ident is not None else None
            if new is None:
                continue
            for offset, value in enumerate(safe_row(new)):
                sheet.cell(row, min_col + offset).value = value
            changed += 1
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), changed
