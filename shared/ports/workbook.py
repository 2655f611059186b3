"""The HR workbook port: two fact tables, every row keyed by its own id (first column), and view tables.

Rows are appended; a Conversations row is updated in place when the conversation's status changes
(``update_rows``, keyed by the old row id). View tables (Plateau risk, Learning needs, Coaching) are
rebuilt whole on each export (``replace_view``). The layout (table names and columns) is part of the
contract: the template, the adapters and the export service all use these tuples, so a column
cannot drift between them.

Writes are staged: ``append_rows``, ``update_rows`` and ``replace_view`` change a working copy that
reads (``existing_row_ids``) see at once, and ``flush`` saves them all in one go (the Graph adapter:
one conditional upload per export batch). ``replace_values`` (a rare privacy operation) saves at once.
Closing without ``flush`` drops staged changes: nothing half-written reaches HR.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol, runtime_checkable

Cell = str | int | float | bool | None
Row = Sequence[Cell]

OUTCOMES_TABLE = "Outcomes"
CONVERSATIONS_TABLE = "Conversations"
SUMMARY_SHEET = "Summary"
PLATEAU_TABLE, PLATEAU_SHEET = "PlateauRisk", "Plateau risk"
LEARNING_TABLE, LEARNING_SHEET = "LearningNeeds", "Learning needs"
COACHING_TABLE = "Coaching"  # a small table on the Summary sheet

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
    "Gap",
    "Initiative",
    "Owner",
    "Due",
    "Status",
    "Confirmation",
    "Did it work",
)
CONVERSATIONS_COLUMNS: tuple[str, ...] = (
    "Row id",
    "Conversation date",
    "Month",
    "Org unit",
    "Tenure stage",
    "Manager",
    "Employee",
    "Prep",
    "Status",
)
COLUMNS: Mapping[str, tuple[str, ...]] = {OUTCOMES_TABLE: OUTCOMES_COLUMNS, CONVERSATIONS_TABLE: CONVERSATIONS_COLUMNS}
PLATEAU_COLUMNS = ("Employee", "Org unit", "Manager", "Hire date", "Last held conversation")
LEARNING_COLUMNS = ("Org unit", "People", "Shared micro-needs", "Uphill gaps", "Gift topics")
COACHING_COLUMNS = ("Coach requests", "Value")
VIEW_COLUMNS: Mapping[str, tuple[str, ...]] = {
    PLATEAU_TABLE: PLATEAU_COLUMNS,
    LEARNING_TABLE: LEARNING_COLUMNS,
    COACHING_TABLE: COACHING_COLUMNS,
}
VIEW_SHEETS: Mapping[str, str] = {
    PLATEAU_TABLE: PLATEAU_SHEET,
    LEARNING_TABLE: LEARNING_SHEET,
    COACHING_TABLE: SUMMARY_SHEET,
}
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

    async def replace_view(self, table: str, rows: Sequence[Row]) -> int:
        """Replace every row of the view table ``table`` (a name in ``VIEW_COLUMNS``) with ``rows``; returns rows."""
        ...

    async def flush(self) -> None:
        """Save every staged change at once (a no-op when nothing changed)."""
        ...

    async def replace_values(self, replacements: Mapping[str, str], columns: Sequence[str]) -> int:
        """Replace whole-cell values in the named columns of every table (pseudonymise) and save at once;
        returns cells changed."""
        ...

    async def aclose(self) -> None:
        """Forget the working copy; staged changes that were not flushed are dropped."""
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
HELD, MOVED, MISSED, CANCELLED, OVERDUE = "Held", "Moved", "Missed", "Cancelled", "Overdue"
OPEN_STATUSES = ("Open", "In progress")
GAP_LABELS: Mapping[str, str] = {
    "knowledge": "Knowledge or skill",
    "time": "Time",
    "motivation": "Motivation",
    "clarity": "Clarity",
    "tools": "Resources",
}
CONFIRMATION_LABELS: Mapping[str, str] = {
    "unconfirmed": "Unconfirmed",
    "confirmed": "Confirmed",
    "disputed": "Disputed",
}
WORKED_LABELS: Mapping[str, str] = {"yes": "Yes", "partly": "Partly", "no": "No"}
PREP_LABELS: Mapping[str, str] = {"submitted": "Submitted", "overdue": "Overdue"}
