"""The HR workbook through the drive API (the ``Workbook`` port): download, edit with openpyxl, upload with If-Match.

Why not the Excel workbook API (createSession, tables/rows/add): Graph's reference lists application
permissions as "Not supported" for it, and WeGrow runs app-only (docs/outcomes.md has the sources).
Plain driveItem content calls work with the application permission ``Files.ReadWrite.All``/``Sites.*``.

One export batch costs one read and one write:
- ``ensure`` GETs the item by path (its ``eTag``), then its content; a missing file (404) is created from
  the template (PUT by path with ``@microsoft.graph.conflictBehavior=fail``, so two first runs cannot both
  upload it: the loser gets 409 ``nameAlreadyExists`` and reads the winner's file), whose answer carries the
  eTag. The tables' headers are checked.
- ``append_rows``, ``update_rows`` and ``replace_view`` edit the loaded copy and remember the edit.
- ``flush`` uploads the copy with ``If-Match: <eTag>``. A 412 means someone saved the file since it was
  read: the file is read again, the remembered edits are replayed on it (each is idempotent by row id)
  and the upload is tried again, up to ``MAX_CONFLICTS`` times.
Every call runs under the one retry policy (``retry.py``: 429/503/504 and dropped connections); a
retried upload that had landed comes back as a 412 and is replayed like any other conflict.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from shared.adapters.graph.retry import DEFAULT_POLICY, STATS, RetryPolicy, RetryStats, status_of, with_retries
from shared.adapters.graph.workbook_requests import send, send_json
from shared.adapters.workbook import edit
from shared.adapters.workbook.cells import safe_row
from shared.ports.workbook import COLUMNS, VIEW_COLUMNS, Row, WorkbookError

if TYPE_CHECKING:
    from msgraph.graph_service_client import GraphServiceClient
    from openpyxl import Workbook as Book

MAX_CONFLICTS = 5
CREATE_ONLY = "@microsoft.graph.conflictBehavior=fail"  # Graph's default for PUT is replace
log = logging.getLogger(__name__)
Edit = Callable[["Book"], int]


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
        self.etag: str | None = None
        self._book: Book | None = None
        self._edits: list[Edit] = []
        self._policy, self._stats = policy, stats
        self.uploads = 0  # successful uploads (one per flushed batch unless conflicts)
        self.conflicts = 0  # 412s answered by re-reading and replaying

    async def _retry[T](self, operation: Callable[[], Awaitable[T]]) -> T:
        return await with_retries(operation, policy=self._policy, stats=self._stats)

    def _by_path(self) -> str:
        return f"drives/{quote(self.drive_id)}/root:/{quote(self.path)}"

    def _content_url(self) -> str:
        return f"drives/{quote(self.drive_id)}/items/{self.item_id}/content"

    async def _find_item(self) -> dict[str, Any] | None:
        try:
            found = await self._retry(lambda: send_json(self.client, "GET", self._by_path()))
        except Exception as error:
            if status_of(error) == 404:
                return None
            raise
        return dict(found)

    async def _read(self) -> Book:
        """Load the current file (creating it from the template when missing) and remember its eTag."""
        item = await self._find_item()
        created = await self._create() if item is None else None
        if created is not None:
            item, content = created
            self.item_id = str(item["id"])
        else:
            item = item or await self._find_item()
            if item is None:
                raise WorkbookError(f"the HR workbook {self.path} was neither found nor created")
            self.item_id = str(item["id"])
            content = await self._retry(lambda: send(self.client, "GET", self._content_url()))
        self.etag = str(item.get("eTag") or "")
        book = edit.load(content)
        _check_layout(book, self.path)
        self._book = book
        return book

    async def _create(self) -> tuple[dict[str, Any], bytes] | None:
        """Upload the template, create-only (conflictBehavior ``fail``); None when the file exists already (409
        ``nameAlreadyExists``: another first run, or a retried upload of ours, created it): then it is read."""
        content = self.template()
        url = f"{self._by_path()}:/content?{CREATE_ONLY}"
        try:
            item = await self._retry(lambda: send_json(self.client, "PUT", url, content=content))
        except Exception as error:
            if status_of(error) != 409:
                raise
            log.info("HR workbook %s was created by someone else meanwhile (409); reading it", self.path)
            return None
        return dict(item), content

    async def ensure(self) -> None:
        if self._book is None:
            await self._read()

    async def _loaded(self) -> Book:
        return self._book if self._book is not None else await self._read()

    async def _stage(self, change: Edit) -> int:
        result = change(await self._loaded())
        self._edits.append(change)
        return result

    async def existing_row_ids(self, table: str) -> set[str]:
        return edit.row_ids(await self._loaded(), table)

    async def append_rows(self, table: str, rows: Sequence[Row]) -> int:
        if not rows:
            return 0
        staged = list(rows)
        return await self._stage(lambda book: edit.append_rows(book, table, staged))

    async def update_rows(self, table: str, rows: Mapping[str, Row]) -> int:
        if not rows:
            return 0
        staged = dict(rows)
        return await self._stage(lambda book: edit.update_rows(book, table, staged))

    async def replace_view(self, table: str, rows: Sequence[Row]) -> int:
        """Rebuild a view table; an unchanged view stages nothing (an idle export uploads nothing)."""
        staged = list(rows)
        if edit.table_rows(await self._loaded(), table) == [safe_row(row) for row in staged]:
            return len(staged)
        return await self._stage(lambda book: edit.replace_rows(book, table, staged))

    async def replace_values(self, replacements: Mapping[str, str], columns: Sequence[str]) -> int:
        """A rare privacy operation: edited and saved at once (with any staged export edits)."""
        staged, names = dict(replacements), list(columns)
        changed = await self._stage(lambda book: edit.replace_values(book, staged, names))
        await self.flush()
        return changed

    async def flush(self) -> None:
        """Upload the edited copy with If-Match; on 412 re-read, replay the edits and try again."""
        if not self._edits:
            return
        for _ in range(MAX_CONFLICTS):
            book = await self._loaded()
            try:
                await self._upload(edit.save(book))
            except Exception as error:
                if status_of(error) != 412:
                    raise
                self.conflicts += 1
                log.info(
                    "HR workbook changed since it was read (412); re-reading and replaying %d edits", len(self._edits)
                )
                book = await self._read()
                for change in self._edits:
                    change(book)
                continue
            self._edits.clear()
            return
        raise WorkbookError(f"the HR workbook {self.path} kept changing while WeGrow saved it ({MAX_CONFLICTS} tries)")

    async def _upload(self, content: bytes) -> None:
        headers = {"If-Match": self.etag or "*"}
        saved = await self._retry(
            lambda: send_json(self.client, "PUT", self._content_url(), content=content, headers=headers)
        )
        self.etag = str(dict(saved or {}).get("eTag") or "")
        self.uploads += 1

    async def download(self) -> bytes:
        """The file as saved (not the working copy)."""
        await self.ensure()
        return await self._retry(lambda: send(self.client, "GET", self._content_url()))

    async def aclose(self) -> None:
        """Forget the working copy; unflushed edits are dropped (logged), so the next batch reads afresh."""
        if self._edits:
            log.warning("HR workbook closed with %d unsaved edits; they are dropped", len(self._edits))
        self._book, self._edits = None, []


def _check_layout(book: Book, path: str) -> None:
    """Every table of the layout is there with the expected header (else a hand edit or an older template)."""
    for name, columns in {**COLUMNS, **VIEW_COLUMNS}.items():
        try:
            found = edit.table_header(book, name)
        except WorkbookError:
            found = ()
        if found != columns:
            raise WorkbookError(
                f"the HR workbook {path}: table {name} is missing or has other columns than {', '.join(columns)}; "
                "restore it, or move the file away so that WeGrow creates a new one from the template"
            )
