"""The HR workbook through the Graph workbook API (the ``Workbook`` port).

First use: GET the item by path; if it is missing, upload the template (PUT content). Then a
persistent workbook session (``createSession``, header ``workbook-session-id``) carries every
table call. Rows are appended with ``tables/{name}/rows/add``, up to ``ROWS_PER_CALL`` rows and
``MAX_BODY_BYTES`` per request.

Every call, session management included, runs under the one retry policy (``retry.py``):
- ``rows/add`` is not idempotent by itself, so it is made so: after a dropped connection (the rows may
  have landed) the next attempt first re-reads the table's row ids and sends only the rows still missing.
- ``closeSession`` is best effort: the rows are already in the file (``persistChanges``), and an
  unclosed session expires on its own after a few minutes of inactivity, so a close that still fails
  after the retries is logged and never fails the export.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import httpx

from shared.adapters.graph.retry import (
    DEFAULT_POLICY,
    STATS,
    RetryableStatus,
    RetryPolicy,
    RetryStats,
    retry_after_of,
    status_of,
    with_retries,
)
from shared.adapters.graph.workbook_requests import send, send_json
from shared.adapters.workbook.cells import safe_row
from shared.ports.workbook import COLUMNS, Row, WorkbookError

if TYPE_CHECKING:
    from msgraph.graph_service_client import GraphServiceClient

ROWS_PER_CALL = 1000
MAX_BODY_BYTES = 3_000_000  # Graph refuses request bodies over 4 MB
ROWS_PAGE = 999
REFUSED = frozenset({429, 503})
log = logging.getLogger(__name__)


class GraphWorkbook:
    def __init__(
        self,
        client: GraphServiceClient,
        drive_id: str,
        path: str,
        template: Callable[[], bytes],
        *,
        policy: RetryPolicy = DEFAULT_POLICY,
        stats: RetryStats = STATS,
    ) -> None:
        self.client, self.drive_id, self.path, self.template = client, drive_id, path.strip("/"), template
        self.item_id: str | None = None
        self.session_id: str | None = None
        self._policy, self._stats = policy, stats

    async def _retry[T](self, operation: Callable[[], Awaitable[T]]) -> T:
        return await with_retries(operation, policy=self._policy, stats=self._stats)

    def _item_url(self) -> str:
        return f"drives/{quote(self.drive_id)}/items/{self.item_id}"

    async def _find_item(self) -> str | None:
        try:
            found = await self._retry(
                lambda: send_json(self.client, "GET", f"drives/{quote(self.drive_id)}/root:/{quote(self.path)}")
            )
        except Exception as error:
            if status_of(error) == 404:
                return None
            raise
        return str(found["id"])

    async def ensure(self) -> None:
        if self.session_id is not None:
            return
        self.item_id = await self._find_item()
        if self.item_id is None:
            url = f"drives/{quote(self.drive_id)}/root:/{quote(self.path)}:/content"
            created = await self._retry(lambda: send_json(self.client, "PUT", url, content=self.template()))
            self.item_id = str(created["id"])
        session = await self._retry(
            lambda: send_json(
                self.client, "POST", f"{self._item_url()}/workbook/createSession", body={"persistChanges": True}
            )
        )
        self.session_id = str(session["id"])
        await self._check_tables()

    def _session(self) -> dict[str, str]:
        return {"workbook-session-id": self.session_id or ""}

    async def _check_tables(self) -> None:
        url = f"{self._item_url()}/workbook/tables"
        listed = await self._retry(lambda: send_json(self.client, "GET", url, headers=self._session()))
        names = {str(t.get("name", "")).lower() for t in listed.get("value", [])}
        missing = [name for name in COLUMNS if name.lower() not in names]
        if missing:
            raise WorkbookError(
                f"the HR workbook {self.path} has no table {', '.join(missing)}: restore it, or move the file away "
                "so that WeGrow creates a new one from the template"
            )

    async def existing_row_ids(self, table: str) -> set[str]:
        await self.ensure()
        ids: set[str] = set()
        url: str | None = f"{self._item_url()}/workbook/tables/{quote(table)}/rows?$top={ROWS_PAGE}"
        while url is not None:
            page = await self._get_page(url)
            rows = page.get("value", [])
            before = len(ids)
            ids.update(str(row["values"][0][0]) for row in rows if row.get("values") and row["values"][0])
            url = page.get("@odata.nextLink")
            if url is None and len(rows) == ROWS_PAGE and len(ids) > before:
                url = f"{self._item_url()}/workbook/tables/{quote(table)}/rows?$top={ROWS_PAGE}&$skip={len(ids)}"
        ids.discard("")
        return ids

    async def _get_page(self, url: str) -> dict[str, Any]:
        page = await self._retry(lambda: send_json(self.client, "GET", url, headers=self._session()))
        return dict(page or {})

    async def append_rows(self, table: str, rows: Sequence[Row]) -> int:
        if not rows:
            return 0
        await self.ensure()
        url = f"{self._item_url()}/workbook/tables/{quote(table)}/rows/add"
        for chunk in chunks(rows):
            await self._add_chunk(table, url, chunk)
        return len(rows)

    async def _add_chunk(self, table: str, url: str, rows: Sequence[Row]) -> None:
        """POST the chunk under the policy; after a dropped connection, resend only the rows that did not land."""
        pending, in_doubt = list(rows), False

        async def attempt() -> None:
            nonlocal pending, in_doubt
            if in_doubt:
                landed = await self.existing_row_ids(table)
                pending = [row for row in pending if not row or str(row[0]) not in landed]
                in_doubt = False
            if not pending:
                return
            try:
                await self._add_once(url, pending)
            except httpx.TransportError:
                in_doubt = True
                raise

        await self._retry(attempt)

    async def _add_once(self, url: str, rows: Sequence[Row]) -> None:
        try:
            await send(self.client, "POST", url, body={"values": [safe_row(r) for r in rows]}, headers=self._session())
        except httpx.TransportError:
            raise
        except Exception as error:
            if status_of(error) in REFUSED:
                raise RetryableStatus(status_of(error) or 429, retry_after_of(error)) from error
            raise

    async def update_rows(self, table: str, rows: Mapping[str, Row]) -> int:
        """Download, edit with openpyxl, upload (as ``replace_values``): a status change of a few conversations per
        export. The session is closed first so the file holds every appended row; the next call opens a new one."""
        from shared.adapters.workbook.edit import update_rows_in_table

        if not rows:
            return 0
        await self.ensure()
        await self.aclose()
        content = await self._retry(lambda: send(self.client, "GET", f"{self._item_url()}/content"))
        edited, changed = update_rows_in_table(content, table, rows)
        if changed:
            await self._retry(lambda: send(self.client, "PUT", f"{self._item_url()}/content", content=edited))
        return changed

    async def replace_values(self, replacements: Mapping[str, str], columns: Sequence[str]) -> int:
        """Download, edit with openpyxl, upload: a rare privacy operation, not worth a range PATCH per cell."""
        from shared.adapters.workbook.edit import replace_in_tables

        await self.ensure()
        await self.aclose()
        content = await self._retry(lambda: send(self.client, "GET", f"{self._item_url()}/content"))
        edited, changed = replace_in_tables(content, replacements, columns)
        if changed:
            await self._retry(lambda: send(self.client, "PUT", f"{self._item_url()}/content", content=edited))
        return changed

    async def download(self) -> bytes:
        await self.ensure()
        return await self._retry(lambda: send(self.client, "GET", f"{self._item_url()}/content"))

    async def aclose(self) -> None:
        """Close the session, best effort: a session left open expires by itself, and the rows are saved."""
        if self.session_id is None:
            return
        session, self.session_id = self._session(), None
        url = f"{self._item_url()}/workbook/closeSession"
        try:
            await self._retry(lambda: send(self.client, "POST", url, headers=session))
        except Exception as error:  # cleanup: the export outcome is decided
            log.warning(
                "closing the HR workbook session failed (%s, status %s); it expires on its own",
                type(error).__name__,
                status_of(error),
            )


def chunks(rows: Sequence[Row], per_call: int = ROWS_PER_CALL, max_bytes: int = MAX_BODY_BYTES) -> list[Sequence[Row]]:
    """Consecutive slices of at most ``per_call`` rows and about ``max_bytes`` of JSON each."""
    result: list[Sequence[Row]] = []
    start, size = 0, 0
    for index, row in enumerate(rows):
        row_bytes = len(json.dumps(list(row))) + 1
        if index > start and (index - start >= per_call or size + row_bytes > max_bytes):
            result.append(rows[start:index])
            start, size = index, 0
        size += row_bytes
    result.append(rows[start:])
    return result
