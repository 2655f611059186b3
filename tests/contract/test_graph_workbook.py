"""Graph emulator drive items and workbook API, against a real .xlsx (openpyxl) and the OpenAPI subset."""

from __future__ import annotations

import io

import httpx
import pytest
from openpyxl import Workbook, load_workbook

from devstack.graph_emulator.token_kind import delegated_token
from tests.fixtures.graph import GraphEmulator

pytestmark = pytest.mark.contract
DRIVE = "b!hr-drive"
USER = {"Authorization": f"Bearer {delegated_token()}"}  # the workbook API is for delegated access only


def empty_xlsx() -> bytes:
    book = Workbook()
    book.active.title = "Sheet1"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(graph: GraphEmulator, path: str = "WeGrow/outcomes.xlsx") -> dict[str, object]:
    resp = httpx.put(f"{graph.base_url}/drives/{DRIVE}/root:/{path}:/content", content=empty_xlsx())
    assert resp.status_code == 201
    return dict(resp.json())


def test_upload_get_by_path_and_download(graph: GraphEmulator) -> None:
    item = upload(graph)
    assert item["name"] == "outcomes.xlsx"
    by_path = httpx.get(f"{graph.base_url}/drives/{DRIVE}/root:/WeGrow/outcomes.xlsx")
    assert by_path.json()["id"] == item["id"]
    assert httpx.get(f"{graph.base_url}/drives/{DRIVE}/root:/WeGrow/missing.xlsx").status_code == 404
    content = httpx.get(f"{graph.base_url}/drives/{DRIVE}/items/{item['id']}/content")
    assert content.status_code == 200
    assert load_workbook(io.BytesIO(content.content)).sheetnames == ["Sheet1"]
    again = httpx.put(
        f"{graph.base_url}/drives/{DRIVE}/items/{by_path.json()['parentReference']['id']}:/outcomes.xlsx:/content",
        content=empty_xlsx(),
    )
    assert again.status_code == 200
    assert again.json()["id"] == item["id"]


def test_a_create_only_upload_fails_with_409_when_the_name_exists(graph: GraphEmulator) -> None:
    url = f"{graph.base_url}/drives/{DRIVE}/root:/WeGrow/once.xlsx:/content"
    create_only = {"@microsoft.graph.conflictBehavior": "fail"}
    first = httpx.put(url, params=create_only, content=b"first")
    assert first.status_code == 201
    second = httpx.put(url, params=create_only, content=b"second")
    assert (second.status_code, second.json()["error"]["code"]) == (409, "nameAlreadyExists")
    raw = httpx.get(f"{graph.root}/_emulator/drives/{DRIVE}/file", params={"path": "WeGrow/once.xlsx"})
    assert raw.content == b"first"  # nothing written
    replaced = httpx.put(url, params={"@microsoft.graph.conflictBehavior": "replace"}, content=b"third")
    assert replaced.status_code == 200
    assert httpx.put(url, params={"@microsoft.graph.conflictBehavior": "rename"}, content=b"x").status_code == 400


def test_session_worksheet_table_and_rows_land_in_the_file(graph: GraphEmulator) -> None:
    item = upload(graph)
    book_url = f"{graph.base_url}/drives/{DRIVE}/items/{item['id']}/workbook"
    session = httpx.post(f"{book_url}/createSession", json={"persistChanges": True}, headers=USER)
    assert session.status_code == 201
    headers = {**USER, "workbook-session-id": session.json()["id"]}
    sheet = httpx.post(f"{book_url}/worksheets/add", json={"name": "Outcomes"}, headers=headers)
    assert sheet.status_code == 201
    assert [w["name"] for w in httpx.get(f"{book_url}/worksheets", headers=headers).json()["value"]] == [
        "Sheet1",
        "Outcomes",
    ]
    table = httpx.post(
        f"{book_url}/tables/add", json={"address": "Outcomes!A1:D1", "hasHeaders": True}, headers=headers
    )
    assert table.status_code == 201
    name = table.json()["name"]
    assert httpx.get(f"{book_url}/tables/{name}/rows", headers=headers).json()["value"] == []
    rows = [["r1", "=1+1", 3, True], ["r2", "2024-01-01", 4.5, None], ["r3", "007", 0, False]]
    added = httpx.post(f"{book_url}/tables/{name}/rows/add", json={"values": rows}, headers=headers)
    assert added.status_code == 200
    assert added.json()["index"] == 0
    more = httpx.post(f"{book_url}/tables/{name}/rows/add", json={"values": [["r4", "x", 1, True]]}, headers=headers)
    assert more.json()["index"] == 3
    page = httpx.get(f"{book_url}/tables/{name}/rows", params={"$top": "2"}, headers=headers).json()
    assert [r["values"][0][0] for r in page["value"]] == ["r1", "r2"]
    assert "@odata.nextLink" in page
    assert httpx.post(f"{book_url}/closeSession", headers=headers).status_code == 204
    raw = httpx.get(f"{graph.root}/_emulator/drives/{DRIVE}/file", params={"path": "WeGrow/outcomes.xlsx"})
    saved = load_workbook(io.BytesIO(raw.content))["Outcomes"]
    xl_table = next(iter(saved.tables.values()))
    assert xl_table.ref == "A1:D5"
    assert xl_table.autoFilter is None or xl_table.autoFilter.ref == "A1:D5"
    assert [[c.value for c in row] for row in saved.iter_rows(min_row=2, max_row=5)] == [*rows, ["r4", "x", 1, True]]
    assert saved["B2"].data_type == "s"


def test_bad_workbook_requests(graph: GraphEmulator) -> None:
    item = upload(graph)
    book_url = f"{graph.base_url}/drives/{DRIVE}/items/{item['id']}/workbook"
    table = httpx.post(
        f"{book_url}/tables/add", json={"address": "Sheet1!A1:B1", "hasHeaders": True}, headers=USER
    ).json()
    wrong_width = httpx.post(
        f"{book_url}/tables/{table['name']}/rows/add", json={"values": [["only one"]]}, headers=USER
    )
    assert wrong_width.status_code == 400
    assert wrong_width.json()["error"]["code"] == "InvalidArgument"
    assert httpx.get(f"{book_url}/tables/Nope/rows", headers=USER).status_code == 404
    stale = httpx.get(f"{book_url}/worksheets", headers={**USER, "workbook-session-id": "not-a-session"})
    assert stale.status_code == 404
    assert httpx.get(f"{graph.base_url}/drives/{DRIVE}/items/NOPE/workbook/tables", headers=USER).status_code == 404


def test_non_persistent_session_leaves_the_file_alone(graph: GraphEmulator) -> None:
    item = upload(graph)
    book_url = f"{graph.base_url}/drives/{DRIVE}/items/{item['id']}/workbook"
    session = httpx.post(f"{book_url}/createSession", json={"persistChanges": False}, headers=USER).json()
    headers = {**USER, "workbook-session-id": session["id"]}
    httpx.post(f"{book_url}/worksheets/add", json={"name": "Scratch"}, headers=headers)
    assert "Scratch" in [w["name"] for w in httpx.get(f"{book_url}/worksheets", headers=headers).json()["value"]]
    assert [w["name"] for w in httpx.get(f"{book_url}/worksheets", headers=USER).json()["value"]] == ["Sheet1"]
    assert graph.violations() == []


def test_workbook_api_refuses_app_only_tokens(graph: GraphEmulator) -> None:
    """Graph lists application permissions as not supported for the workbook API: app-only calls get 403."""
    item = upload(graph)
    book_url = f"{graph.base_url}/drives/{DRIVE}/items/{item['id']}/workbook"
    app_only = {"Authorization": "Bearer " + delegated_token().replace(delegated_token().split(".")[1], "e30")}
    for headers in ({}, app_only):
        refused = httpx.post(f"{book_url}/createSession", json={"persistChanges": True}, headers=headers)
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "accessDenied"
        assert httpx.get(f"{book_url}/tables", headers=headers).status_code == 403
    assert httpx.get(f"{book_url}/tables", headers=USER).status_code == 200


def test_upload_honours_if_match_and_each_upload_changes_the_etag(graph: GraphEmulator) -> None:
    item = upload(graph)
    url = f"{graph.base_url}/drives/{DRIVE}/items/{item['id']}/content"
    first = str(item["eTag"])
    saved = httpx.put(url, content=b"one", headers={"If-Match": first})
    assert saved.status_code == 200
    second = saved.json()["eTag"]
    assert second != first
    stale = httpx.put(url, content=b"two", headers={"If-Match": first})
    assert stale.status_code == 412 and stale.json()["error"]["code"] == "preconditionFailed"
    assert httpx.get(url).content == b"one"  # nothing written by the refused upload
    assert httpx.get(f"{graph.base_url}/drives/{DRIVE}/items/{item['id']}").json()["eTag"] == second
    by_path = f"{graph.base_url}/drives/{DRIVE}/root:/WeGrow/outcomes.xlsx:/content"
    assert httpx.put(by_path, content=b"three", headers={"If-Match": first}).status_code == 412
    assert httpx.put(by_path, content=b"three", headers={"If-Match": second}).status_code == 200
    missing = f"{graph.base_url}/drives/{DRIVE}/root:/WeGrow/none.xlsx:/content"
    assert httpx.put(missing, content=b"x", headers={"If-Match": second}).status_code == 412
    assert httpx.put(url, content=b"four", headers={"If-Match": "*"}).status_code == 200
    assert graph.violations() == []
