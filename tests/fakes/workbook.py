"""An in-memory Workbook port: tables of rows, with the adapter's formula-safe writing and a call counter."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from shared.adapters.workbook.cells import safe_row
from shared.ports.workbook import COLUMNS, Cell, Row


class InMemoryWorkbook:
    def __init__(self, fail_appends: int = 0) -> None:
        self.tables: dict[str, list[list[Cell]]] = {name: [] for name in COLUMNS}
        self.calls = 0
        self.created = 0
        self.fail_appends = fail_appends  # the next N appends raise (a crash before anything lands)

    async def ensure(self) -> None:
        self.calls += 1
        self.created = self.created or 1

    async def existing_row_ids(self, table: str) -> set[str]:
        self.calls += 1
        return {str(row[0]) for row in self.tables[table]}

    async def append_rows(self, table: str, rows: Sequence[Row]) -> int:
        self.calls += 1
        if self.fail_appends:
            self.fail_appends -= 1
            raise ConnectionError("workbook unreachable")
        self.tables[table].extend(safe_row(r) for r in rows)
        return len(rows)

    async def update_rows(self, table: str, rows: Mapping[str, Row]) -> int:
        self.calls += 1
        changed = 0
        for index, row in enumerate(self.tables[table]):
            if str(row[0]) in rows:
                self.tables[table][index] = safe_row(rows[str(row[0])])
                changed += 1
        return changed

    async def replace_values(self, replacements: Mapping[str, str], columns: Sequence[str]) -> int:
        changed = 0
        for name, rows in self.tables.items():
            targets = [i for i, column in enumerate(COLUMNS[name]) if column in columns]
            for row in rows:
                for i in targets:
                    if isinstance(row[i], str) and row[i] in replacements:
                        row[i] = replacements[str(row[i])]
                        changed += 1
        return changed

    async def aclose(self) -> None:
        return None

    def column(self, table: str, name: str) -> list[Cell]:
        index = COLUMNS[table].index(name)
        return [row[index] for row in self.tables[table]]
