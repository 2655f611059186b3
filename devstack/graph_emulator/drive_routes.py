"""HTTP handlers for drive items: upload by path, get by id or path, download content, raw-file control API.

Uploads honour ``If-Match``: when it names an eTag other than the item's current one (or the item does not
exist), the answer is 412 ``preconditionFailed`` and the file is left as it was. An upload by path honours the
``@microsoft.graph.conflictBehavior`` query parameter (``replace``, Graph's default for PUT, or ``fail``: a file of
that name already there answers 409 ``nameAlreadyExists``); ``rename`` is not emulated and answers 400.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from aiohttp import web

from devstack.graph_emulator.calendar_control import graph_errors
from devstack.graph_emulator.drive_store import DriveError, Item, NameAlreadyExists, PreconditionFailed
from devstack.graph_emulator.errors import GraphError, bad_request
from devstack.graph_emulator.state import EmulatorState

if TYPE_CHECKING:
    from devstack.graph_emulator.workbook import Workbooks


def item_not_found() -> GraphError:
    return GraphError(404, "itemNotFound", "The resource could not be found.")


def precondition_failed() -> GraphError:
    return GraphError(412, "preconditionFailed", "The resource has changed since the caller last read it (If-Match).")


def name_already_exists() -> GraphError:
    return GraphError(409, "nameAlreadyExists", "The specified item name already exists.")


def create_only(request: web.Request) -> bool:
    """True for ``@microsoft.graph.conflictBehavior=fail``; ``replace`` (the default) is False."""
    behavior = request.query.get("@microsoft.graph.conflictBehavior", "replace")
    if behavior not in {"fail", "replace"}:
        raise bad_request(f"conflictBehavior '{behavior}' is not supported here.", "invalidRequest")
    return behavior == "fail"


def add_routes(app: web.Application, state: EmulatorState, books: Callable[[EmulatorState], Workbooks]) -> None:
    def base_url(request: web.Request) -> str:
        return f"{request.url.origin()}/v1.0"

    def item(request: web.Request, key: str = "item") -> Item:
        found = books(state).drives.get(request.match_info["drive"], request.match_info[key])
        if found is None:
            raise item_not_found()
        return found

    async def upload(request: web.Request, parent: Item, path: str) -> web.Response:
        drives = books(state).drives
        try:
            content, if_match = await request.read(), request.headers.get("If-Match")
            fail = create_only(request)
            stored, created = drives.put(request.match_info["drive"], parent, path, content, if_match, create_only=fail)
        except DriveError as exc:
            raise bad_request(str(exc), "invalidRequest") from exc
        except PreconditionFailed as exc:
            raise precondition_failed() from exc
        except NameAlreadyExists as exc:
            raise name_already_exists() from exc
        return web.json_response(drives.as_json(stored, base_url(request)), status=201 if created else 200)

    async def put_under_parent(request: web.Request) -> web.Response:
        return await upload(request, item(request, "parent"), request.match_info["filename"])

    async def put_under_root(request: web.Request) -> web.Response:
        return await upload(request, books(state).drives.root(request.match_info["drive"]), request.match_info["path"])

    async def put_content(request: web.Request) -> web.Response:
        found = item(request)
        if found.folder:
            raise bad_request("A folder has no content.", "invalidRequest")
        content = await request.read()
        if not found.matches(request.headers.get("If-Match")):
            raise precondition_failed()
        books(state).drives.write(found, content)
        return web.json_response(books(state).drives.as_json(found, base_url(request)))

    async def get_by_path(request: web.Request) -> web.Response:
        drives = books(state).drives
        try:
            found = drives.by_path(request.match_info["drive"], request.match_info["path"])
        except DriveError as exc:
            raise bad_request(str(exc), "invalidRequest") from exc
        if found is None:
            raise item_not_found()
        return web.json_response(drives.as_json(found, base_url(request)), headers={"ETag": found.etag})

    async def get_item(request: web.Request) -> web.Response:
        found = item(request)
        return web.json_response(books(state).drives.as_json(found, base_url(request)), headers={"ETag": found.etag})

    async def get_content(request: web.Request) -> web.Response:
        found = item(request)
        if found.folder:
            raise bad_request("A folder has no content.", "invalidRequest")
        body = books(state).drives.read(found)
        return web.Response(body=body, content_type="application/octet-stream", headers={"ETag": found.etag})

    async def raw_file(request: web.Request) -> web.Response:
        drives = books(state).drives
        try:
            found = drives.by_path(request.match_info["drive"], request.query.get("path", ""))
        except DriveError as exc:
            raise bad_request(str(exc)) from exc
        if found is None or found.folder:
            raise item_not_found()
        return web.Response(
            body=drives.read(found), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )

    drive = "/v1.0/drives/{drive}"
    app.router.add_put(drive + "/items/{parent}:/{filename:.+}:/content", put_under_parent)
    app.router.add_put(drive + "/root:/{path:.+}:/content", put_under_root)
    app.router.add_get(drive + "/root:/{path:.+}", get_by_path)
    app.router.add_put(drive + "/items/{item}/content", put_content)
    app.router.add_get(drive + "/items/{item}/content", get_content)
    app.router.add_get(drive + "/items/{item}", get_item)
    app.router.add_get("/_emulator/drives/{drive}/file", graph_errors(raw_file))
