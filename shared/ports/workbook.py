"""The HR workbook port: two tables, every row keyed by its own id (first column).

Rows are appended; a Conversations row is updated in place when the conversation's status changes
(``update_rows``, keyed by the old row id). The layout (table names and columns) is part of the
contract: the template, the adapters and the export service all use these tuples, so a column
cannot drift between them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol, runtime_checkable

Cell = str | int | float | bool | None
Row = Sequence[Cell]

OUTCOMES_TABLE = "Outcomes"
CONVERSATIONS_TABLE = "Conversations"
SUMMARY_SHEET = "Summary"

OUTCOMES_COLUMNS: tuple[str, ...] = (
    "Row id",
    "Outcome id",
    "Conversation date",
    "Month",
    "Org unit",
    "Tenure stage",
    "Manager",
    "Employee",
    "Action",
    "Quadrant",
    "Type",
    "Training or manage",
    "Initiative",
    "Owner",
    "Due",
    "Status",
)
CONVERSATIONS_COLUMNS: tuple[str, ...] = (
    "Row id",
    "Conversation date",
    "Month",
    "Org unit",
    "Tenure stage",
    "Manager",
    "Employee",
    "Status",
)
COLUMNS: Mapping[str, tuple[str, ...]] = {OUTCOMES_TABLE: OUTCOMES_COLUMNS, CONVERSATIONS_TABLE: CONVERSATIONS_COLUMNS}
PERSON_COLUMNS = ("Manager", "Employee")


class WorkbookError(Exception):
    """The workbook cannot be used as expected (layout changed by hand, a Graph error that is not transient)."""


@runtime_checkable
class Workbook(Protocol):
    """The HR workbook (an .xlsx reached through Graph, or a fake)."""

    async def ensure(self) -> None:
        """Create the workbook from the template when it does not exist yet; check its tables."""
        ...

    async def existing_row_ids(self, table: str) -> set[str]:
        """The ids (first column) of the rows already in ``table``."""
        ...

    async def append_rows(self, table: str, rows: Sequence[Row]) -> int:
        """Append ``rows`` (first cell = row id) in few calls; text that looks like a formula is written as text."""
        ...

    async def update_rows(self, table: str, rows: Mapping[str, Row]) -> int:
        """Overwrite in place each row whose id (first cell) is a key of ``rows``; returns rows changed."""
        ...

    async def replace_values(self, replacements: Mapping[str, str], columns: Sequence[str]) -> int:
        """Replace whole-cell values in the named columns of every table (pseudonymise); returns cells changed."""
        ...

    async def aclose(self) -> None:
        """Close the workbook session, if one is open."""
        ...


# What the cells say (the Summary's formulas count these exact labels).
QUADRANT_LABELS: Mapping[str, str] = {
    "sweet_spot": "Sweet spot",
    "uphill": "Uphill",
    "gift": "Gift",
    "waste": "Waste",
}
TENURE_LABELS: Mapping[str, str] = {
    "onboarding": "Onboarding",
    "growing": "Growing",
    "plateau_risk": "Plateau risk",
    "established": "Established",
}
LEARNING, MANAGE = "Learning", "Manage"
HELD, MOVED, MISSED, CANCELLED = "Held", "Moved", "Missed", "Cancelled"
OPEN_STATUSES = ("Open", "In progress")
