"""HTTP handlers for ``/drives/{drive}/items/{item}/workbook/...``: sessions, worksheets, tables, rows.

Only delegated tokens may call them: Graph's reference lists application permissions as "Not supported" for
the Excel workbook API, so an app-only request (no token, or one without ``scp``; see ``token_kind``) gets
403 ``accessDenied`` before anything is read (docs/graph-emulator.md).
Without a session, or in a ``persistChanges: true`` session, each change is saved to the .xlsx at once.
A ``persistChanges: false`` session works on its own in-memory copy that is dropped when it closes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web
from openpyxl import Workbook

from devstack.graph_emulator import odata
from devstack.graph_emulator import workbook_store as ws_store
from devstack.graph_emulator.drive_routes import item_not_found
from devstack.graph_emulator.errors import GraphError, bad_request
from devstack.graph_emulator.state import EmulatorState
from devstack.graph_emulator.token_kind import is_delegated

if TYPE_CHECKING:
    from devstack.graph_emulator.workbook import Workbooks

Handler = Callable[[web.Request], Awaitable[web.Response]]
ROWS_PAGE_SIZE = 100
_scratch: dict[str, Workbook] = {}  # non-persistent session id -> its working copy
APP_ONLY_MESSAGE = "Application permissions are not supported for the Excel workbook API; use delegated access."


async def _json(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json() if request.body_exists else {}
    except ValueError as exc:
        raise bad_request("The request body is not valid JSON.") from exc
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object.")
    return body


def add_routes(app: web.Application, state: EmulatorState, books: Callable[[EmulatorState], Workbooks]) -> None:
    def open_book(request: web.Request) -> tuple[Workbook, Callable[[], None]]:
        """The workbook for this request and a function that saves it (a no-op in a non-persistent session)."""
        wb = books(state)
        item = wb.drives.get(request.match_info["drive"], request.match_info["item"])
        if item is None or item.folder:
            raise item_not_found()
        session = request.headers.get("workbook-session-id")
        wb.check_session(session, item.item_id)
        if session is not None and not wb.sessions[session][1]:
            book = _scratch.setdefault(session, ws_store.load(wb.drives.read(item)))
            return book, lambda: None
        book = ws_store.load(wb.drives.read(item))
        return book, lambda: wb.drives.write(item, ws_store.save(book))

    def guarded(handler: Handler) -> Handler:
        async def run(request: web.Request) -> web.Response:
            if not is_delegated(request):
                raise GraphError(403, "accessDenied", APP_ONLY_MESSAGE)
            try:
                return await handler(request)
            except ws_store.WorkbookError as exc:
                raise GraphError(exc.status, exc.code, str(exc)) from exc

        return run

    async def create_session(request: web.Request) -> web.Response:
        body = await _json(request)
        open_book(request)
        persist = bool(body.get("persistChanges", True))
        session = books(state).open_session(request.match_info["item"], persist)
        return web.json_response({"id": session, "persistChanges": persist}, status=201)

    async def close_session(request: web.Request) -> web.Response:
        session = request.headers.get("workbook-session-id")
        books(state).check_session(session, request.match_info["item"])
        books(state).sessions.pop(session or "", None)
        _scratch.pop(session or "", None)
        return web.Response(status=204)

    async def list_worksheets(request: web.Request) -> web.Response:
        book, _ = open_book(request)
        return web.json_response({"value": [ws_store.worksheet_json(book, ws) for ws in book.worksheets]})

    async def add_worksheet(request: web.Request) -> web.Response:
        body = await _json(request)
        book, save = open_book(request)
        sheet = ws_store.add_worksheet(book, body.get("name"))
        save()
        return web.json_response(ws_store.worksheet_json(book, sheet), status=201)

    async def list_tables(request: web.Request) -> web.Response:
        book, _ = open_book(request)
        return web.json_response({"value": [ws_store.table_json(ws, t) for ws, t in ws_store.tables(book)]})

    async def add_table(request: web.Request) -> web.Response:
        body = await _json(request)
        if not isinstance(body.get("address"), str):
            raise bad_request("address is required, e.g. 'Sheet1!A1:D1'.", "InvalidArgument")
        book, save = open_book(request)
        sheet, table = ws_store.add_table(book, body["address"], bool(body.get("hasHeaders", False)))
        save()
        return web.json_response(ws_store.table_json(sheet, table), status=201)

    async def list_rows(request: web.Request) -> web.Response:
        book, _ = open_book(request)
        sheet, table = ws_store.find_table(book, request.match_info["table"])
        rows = [{"index": i, "values": [row]} for i, row in enumerate(ws_store.data_rows(sheet, table))]
        size = odata.parse_top(request.query, ROWS_PAGE_SIZE)
        return web.json_response(odata.collection(request, rows, "", size))

    async def add_rows(request: web.Request) -> web.Response:
        body = await _json(request)
        book, save = open_book(request)
        sheet, table = ws_store.find_table(book, request.match_info["table"])
        first = ws_store.add_rows(sheet, table, body.get("values"))
        save()
        return web.json_response({"index": first, "values": body["values"]})

    base = "/v1.0/drives/{drive}/items/{item}/workbook"
    app.router.add_post(base + "/createSession", guarded(create_session))
    app.router.add_post(base + "/closeSession", guarded(close_session))
    app.router.add_get(base + "/worksheets", guarded(list_worksheets))
    app.router.add_post(base + "/worksheets/add", guarded(add_worksheet))
    app.router.add_post(base + "/worksheets", guarded(add_worksheet))
    app.router.add_get(base + "/tables", guarded(list_tables))
    app.router.add_post(base + "/tables/add", guarded(add_table))
    app.router.add_get(base + "/tables/{table}/rows", guarded(list_rows))
    app.router.add_post(base + "/tables/{table}/rows/add", guarded(add_rows))
    app.router.add_post(base + "/tables/{table}/rows", guarded(add_rows))
