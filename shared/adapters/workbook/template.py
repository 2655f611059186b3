"""The HR workbook template, built with openpyxl: Summary (formulas + charts + the Coaching table), Outcomes,
Conversations, Plateau risk and Learning needs (view tables the export rebuilds each time).

The Summary is the first sheet and fits one page (so a PDF's first page is the Summary). Its formulas
read whole columns of the two tables, so rows appended later are counted without touching the
Summary. Date and month columns are formatted as text (``@``): Excel would otherwise turn the ISO
text that the export writes into date serials, and the overdue formula compares ISO text.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from shared.adapters.workbook.summary import fill as fill_summary
from shared.ports.workbook import (
    COACHING_TABLE,
    COLUMNS,
    CONVERSATIONS_TABLE,
    LEARNING_TABLE,
    OUTCOMES_TABLE,
    PLATEAU_TABLE,
    SUMMARY_SHEET,
    VIEW_COLUMNS,
    VIEW_SHEETS,
)

TEXT_COLUMNS = {"Conversation date", "Month", "Due", "Hire date", "Last held conversation"}
DEFAULT_ORG_UNITS = ("Engineering", "Sales", "Customer Support")


def _add_table(sheet: Worksheet, name: str, columns: tuple[str, ...], table_id: int, top: int = 1) -> None:
    for index, column in enumerate(columns, start=1):
        sheet.cell(top, index, column).font = Font(bold=True)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(sheet.column_dimensions[letter].width or 0, 12, len(column) + 4)
        if column in TEXT_COLUMNS:
            sheet.column_dimensions[letter].number_format = "@"
            sheet.cell(top + 1, index).number_format = "@"
    # Excel keeps at least one data row in a table: an empty one, filled by the first rows written.
    ref = f"A{top}:{get_column_letter(len(columns))}{top + 1}"
    table = Table(id=table_id, displayName=name, name=name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    sheet.add_table(table)


def _table_sheet(book: Workbook, name: str, table_id: int, title: str | None = None) -> Worksheet:
    sheet = book.create_sheet(title or name)
    _add_table(sheet, name, COLUMNS.get(name) or VIEW_COLUMNS[name], table_id)
    sheet.freeze_panes = "A2"
    return sheet


def _fit_one_page_wide(sheet: Worksheet, tall: bool = False) -> None:
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 1 if tall else 0
    sheet.page_setup.orientation = "landscape"


def build_template(org_units: Sequence[str] = DEFAULT_ORG_UNITS) -> bytes:
    """The .xlsx bytes of a new, empty HR workbook for these org units."""
    book = Workbook()
    first = book.active
    assert first is not None
    first.title = SUMMARY_SHEET
    for table_id, name in enumerate((OUTCOMES_TABLE, CONVERSATIONS_TABLE, PLATEAU_TABLE, LEARNING_TABLE), start=1):
        _fit_one_page_wide(_table_sheet(book, name, table_id, VIEW_SHEETS.get(name)))
    coaching_row = fill_summary(first, list(org_units) or list(DEFAULT_ORG_UNITS))
    _add_table(first, COACHING_TABLE, VIEW_COLUMNS[COACHING_TABLE], 5, top=coaching_row)
    _fit_one_page_wide(first, tall=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
