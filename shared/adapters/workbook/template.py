"""The HR workbook template, built with openpyxl: Summary (formulas + charts), Outcomes, Conversations.

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
from shared.ports.workbook import COLUMNS, CONVERSATIONS_TABLE, OUTCOMES_TABLE, SUMMARY_SHEET

TEXT_COLUMNS = {"Conversation date", "Month", "Due"}
DEFAULT_ORG_UNITS = ("Engineering", "Sales", "Customer Support")


def _table_sheet(book: Workbook, name: str, table_id: int) -> Worksheet:
    sheet = book.create_sheet(name)
    columns = COLUMNS[name]
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, len(column) + 4)
        if column in TEXT_COLUMNS:
            sheet.column_dimensions[letter].number_format = "@"
            sheet.cell(2, index).number_format = "@"
    # Excel keeps at least one data row in a table: an empty one, filled by the first rows/add.
    ref = f"A1:{get_column_letter(len(columns))}2"
    table = Table(id=table_id, displayName=name, name=name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    sheet.add_table(table)
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
    for table_id, name in enumerate((OUTCOMES_TABLE, CONVERSATIONS_TABLE), start=1):
        _fit_one_page_wide(_table_sheet(book, name, table_id))
    fill_summary(first, list(org_units) or list(DEFAULT_ORG_UNITS))
    _fit_one_page_wide(first, tall=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
