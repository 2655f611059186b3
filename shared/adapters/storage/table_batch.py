"""An entity-group transaction (``$batch``) written and read as text, sent with ``table_http`` (issue 20).

azure-data-tables' ``submit_transaction`` builds and parses the multipart body with the ``email`` package: for the two
rows of a prep card that cost more CPU than three single-entity calls (docs/performance.md, card actions). The body
here is the same one the SDK sends (captured from it: one changeset, one ``application/http`` part per operation),
signed and retried as every other table call (``table_http``). Only the operations the Store port has: insert,
upsert (replace), update (replace, If-Match) and delete.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping, Sequence
from email.utils import formatdate
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from shared.adapters.storage.codec import encoded
from shared.ports.storage import AlreadyExists, NotFound, StaleWrite, StoreError, TransactionOp

if TYPE_CHECKING:
    from shared.adapters.storage.table_http import TableHttp

_STATUS = re.compile(rb"^HTTP/1\.1 (\d{3})", re.MULTILINE)
_MINIMAL = "application/json;odata=minimalmetadata"


def submit(http: TableHttp, table: str, partition: str, ops: Sequence[TransactionOp]) -> None:
    """Apply ``ops`` to one partition of ``table``, all or none (StaleWrite, AlreadyExists, NotFound)."""
    from shared.adapters.storage.table_http import API_VERSION

    batch, changeset = f"batch_{uuid.uuid4()}", f"changeset_{uuid.uuid4()}"
    date = formatdate(usegmt=True)
    parts = [_part(n, http.base_url, table, partition, op, API_VERSION, date) for n, op in enumerate(ops)]
    changes = "".join(f"--{changeset}\r\n{part}\r\n" for part in parts)
    body = (
        f"--{batch}\r\nContent-Type: multipart/mixed; boundary={changeset}\r\n\r\n"
        f"{changes}--{changeset}--\r\n\r\n--{batch}--\r\n"
    ).encode()
    headers = {"Content-Type": f"multipart/mixed; boundary={batch}", "Accept": "application/json"}
    answer = http.request("POST", "/$batch", body, headers)
    where = f"{table}/{partition}: transaction rolled back"
    text = answer.body.decode("utf-8", "replace")
    if answer.status != 202:
        raise _failure(answer.status, where, text)
    for status in _STATUS.findall(answer.body):
        if not 200 <= int(status) < 300:
            raise _failure(int(status), where, text)


def _part(index: int, base: str, table: str, partition: str, op: TransactionOp, version: str, date: str) -> str:
    keyed = f"{base}/{table}(PartitionKey='{key(partition)}',RowKey='{key(op.row)}')"
    if op.kind == "insert":
        method, url, accept, match = "POST", f"{base}/{table}", _MINIMAL, None
    elif op.kind == "upsert":
        method, url, accept, match = "PUT", keyed, "application/json", None
    elif op.kind == "update":
        method, url, accept, match = "PUT", keyed, "application/json", op.etag or "*"
    elif op.kind == "delete":
        method, url, accept, match = "DELETE", keyed, _MINIMAL, "*"
    else:
        raise ValueError(f"unknown transaction op kind: {op.kind!r}")
    content = "" if op.kind == "delete" else entity_and_data(partition, op.row, op.data)[0]
    lines = [f"{method} {url} HTTP/1.1"]
    if content:
        lines += ["Content-Type: application/json", f"Content-Length: {len(content.encode())}"]
    lines += [f"x-ms-version: {version}", "DataServiceVersion: 3.0", f"Accept: {accept}"]
    if match is not None:
        lines.append(f"If-Match: {match}")
    lines += [f"x-ms-date: {date}", f"Date: {date}"]
    head = "Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n"
    return f"{head}Content-ID: {index}\r\n\r\n" + "\r\n".join(lines) + f"\r\n\r\n{content}"


def key(value: str) -> str:
    """A key in the entity's address: quotes doubled, then percent-encoded (the SDK's ``_prepare_key`` and url)."""
    return quote(value.replace("'", "''"), safe="")


def entity_and_data(partition: str, row: str, data: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """The entity's JSON as the SDK sends it (strings and floats typed: ``Edm.String``, ``Edm.Double``), and the
    JSON-safe copy of ``data`` it holds (what a read gives back)."""
    entity: dict[str, Any] = {}
    plain, copied = encoded(partition, row, data)
    for name, value in plain.items():
        entity[name] = value
        if isinstance(value, str):
            entity[f"{name}@odata.type"] = "Edm.String"
        elif isinstance(value, float):
            entity[f"{name}@odata.type"] = "Edm.Double"
    return json.dumps(entity), copied


def _failure(status: int, where: str, text: str) -> StoreError:
    if status == 409:
        return AlreadyExists(where)
    if status == 412:
        return StaleWrite(where)
    if status == 404:
        return NotFound(where)
    return StoreError(f"{where}: HTTP {status}: {text[:300]}")
