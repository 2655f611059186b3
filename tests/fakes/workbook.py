"""An in-memory Workbook port: tables of rows, with the adapter's formula-safe writing and staging semantics.

``tables`` and ``views`` are what is saved; writes go to a working copy that reads see at once and ``flush``
saves (``flushes`` counts saves that changed something). ``aclose`` drops unflushed changes, like the adapter.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence

from shared.adapters.workbook.cells import safe_row
from shared.ports.workbook import COLUMNS, VIEW_COLUMNS, Cell, Row

Tables = dict[str, list[list[Cell]]]


class InMemoryWorkbook:
    def __init__(self, fail_appends: int = 0) -> None:
        self.tables: Tables = {name: [] for name in COLUMNS}
        self.views: Tables = {name: [] for name in VIEW_COLUMNS}
        self._work: tuple[Tables, Tables] | None = None
        self.calls = 0
        self.created = 0
        self.flushes = 0
        self.fail_appends = fail_appends  # the next N appends raise (a crash before anything lands)

    def _working(self) -> tuple[Tables, Tables]:
        if self._work is None:
            self._work = (copy.deepcopy(self.tables), copy.deepcopy(self.views))
        return self._work

    async def ensure(self) -> None:
        self.calls += 1
        self.created = self.created or 1

    async def existing_row_ids(self, table: str) -> set[str]:
        self.calls += 1
        return {str(row[0]) for row in self._working()[0][table]}

    async def append_rows(self, table: str, rows: Sequence[Row]) -> int:
        self.calls += 1
        if self.fail_appends:
            self.fail_appends -= 1
            raise ConnectionError("workbook unreachable")
        target = self._working()[0][table]
        seen = {str(row[0]) for row in target}
        added = 0
        for row in rows:
            if row and str(row[0]) not in seen:
                target.append(safe_row(row))
                seen.add(str(row[0]))
                added += 1
        return added

    async def update_rows(self, table: str, rows: Mapping[str, Row]) -> int:
        self.calls += 1
        target = self._working()[0][table]
        changed = 0
        for index, row in enumerate(target):
            if str(row[0]) in rows:
                target[index] = safe_row(rows[str(row[0])])
                changed += 1
        return changed

    async def replace_view(self, table: str, rows: Sequence[Row]) -> int:
        self.calls += 1
        self._working()[1][table] = [safe_row(row) for row in rows]
        return len(rows)

    async def flush(self) -> None:
        if self._work is not None and self._work != (self.tables, self.views):
            self.tables, self.views = copy.deepcopy(self._work[0]), copy.deepcopy(self._work[1])
            self.flushes += 1

    async def replace_values(self, replacements: Mapping[str, str], columns: Sequence[str]) -> int:
        changed = 0
        tables, views = self._working()
        layouts = {**COLUMNS, **VIEW_COLUMNS}
        for name, rows in {**tables, **views}.items():
            targets = [i for i, column in enumerate(layouts[name]) if column in columns]
            for row in rows:
                for i in targets:
                    if isinstance(row[i], str) and row[i] in replacements:
                        row[i] = replacements[str(row[i])]
                        changed += 1
        await self.flush()
        return changed

    async def aclose(self) -> None:
        self._work = None

    def column(self, table: str, name: str) -> list[Cell]:
        index = COLUMNS[table].index(name)
        return [row[index] for row in self.tables[table]]

    def view(self, table: str) -> list[dict[str, Cell]]:
        """A saved view's rows as dicts by column name."""
        return [dict(zip(VIEW_COLUMNS[table], row, strict=True)) for row in self.views[table]]
