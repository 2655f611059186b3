"""Formula-injection safety for cell values that come from people (initiatives, action texts, org units).

Excel (and the Graph workbook API's ``values``) evaluates a string that starts with ``=``, ``+``,
``-`` or ``@`` as a formula; a leading tab or carriage return lets the same trick through some
importers. We neutralise such text by prefixing a single quote (``'``): Excel's own "this is text"
marker. Through the Graph API Excel stores the rest as text and hides the quote; a plain .xlsx
writer (the emulator, openpyxl) stores the quote as part of the text, so the cell is text either way.
Numbers, booleans and None pass unchanged: only strings can carry a formula.
"""

from __future__ import annotations

from collections.abc import Sequence

from shared.ports.workbook import Cell

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARKER = "'"


def safe_cell(value: Cell) -> Cell:
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return TEXT_MARKER + value
    return value


def safe_row(row: Sequence[Cell]) -> list[Cell]:
    return [safe_cell(value) for value in row]
