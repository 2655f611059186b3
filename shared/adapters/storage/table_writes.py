"""One entity write as a Table Storage request, and what its answer means: ``TableStore``'s insert, upsert and
update, one at a time or several at once (``write_at_once``)."""

from __future__ import annotations

from typing import Any

from shared.adapters.storage.table_batch import entity_and_data
from shared.adapters.storage.table_http import Request
from shared.adapters.storage.table_wire import Answer
from shared.ports.storage import AlreadyExists, NotFound, Record, StaleWrite, StoreError, Write

NO_CONTENT = {"Prefer": "return-no-content"}


def write_request(write: Write, table_name: str, entity_path: str) -> tuple[Request, dict[str, Any]]:
    """The request for ``write`` (an insert POSTs to the table, an upsert or update PUTs the entity; an update only
    while its ETag matches) and the data as it will be stored."""
    op = write.op
    content, stored = entity_and_data(write.partition, op.row, op.data)
    if op.kind == "insert":
        return ("POST", f"/{table_name}", content.encode(), NO_CONTENT), stored
    if op.kind == "upsert":
        return ("PUT", entity_path, content.encode(), {}), stored
    if op.kind == "update" and op.etag is not None:
        return ("PUT", entity_path, content.encode(), {"If-Match": op.etag}), stored
    raise ValueError(f"not a write of one entity: {op.kind!r}{' without an ETag' if op.kind == 'update' else ''}")


def write_result(answer: Answer, write: Write, stored: dict[str, Any]) -> Record | StoreError:
    """The record ``write`` left, or the StoreError its answer means (409 on an insert: AlreadyExists; 412 and 404 on
    an update: StaleWrite and NotFound; any other failure: StoreError with the service's words)."""
    kind, where = write.op.kind, f"{write.table}/{write.partition}/{write.op.row}"
    if kind == "insert" and answer.status == 409:
        return AlreadyExists(where)
    if kind == "update" and answer.status == 412:
        return StaleWrite(f"{where}: changed since read")
    if kind == "update" and answer.status == 404:
        return NotFound(where)
    if not 200 <= answer.status < 300:
        return StoreError(f"{where}: HTTP {answer.status}: {answer.body[:300].decode('utf-8', 'replace')}")
    return Record(write.table, write.partition, write.op.row, stored, answer.headers["etag"])
