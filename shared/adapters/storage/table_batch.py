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
from dataclasses import dataclass
from email.utils import formatdate
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from shared.adapters.storage.codec import encoded
from shared.ports.storage import AlreadyExists, NotFound, StaleWrite, StoreError, TransactionOp

if TYPE_CHECKING:
    from shared.adapters.storage.table_http import TableHttp

_STATUS = re.compile(rb"^HTTP/1\.1 (\d{3})", re.MULTILINE)
_MINIMAL = "application/json;odata=minimalmetadata"
_BY_ADDRESS = {  # op kind -> method, Accept, If-Match (an update's is its ETag): ops sent to the entity's address
    "upsert": ("PUT", "application/json", None),
    "update": ("PUT", "application/json", "*"),
    "delete": ("DELETE", _MINIMAL, "*"),
}


def submit(http: TableHttp, table: str, partition: str, ops: Sequence[TransactionOp]) -> None:
    """Apply ``ops`` to one partition of ``table``, all or none (StaleWrite, AlreadyExists, NotFound)."""
    from shared.adapters.storage.table_http import API_VERSION

    batch, changeset = f"batch_{uuid.uuid4()}", f"changeset_{uuid.uuid4()}"
    where = _Where(f"{http.base_url}/{table}", partition, key(partition), API_VERSION, formatdate(usegmt=True))
    parts = [_part(where, n, op) for n, op in enumerate(ops)]
    changes = "".join(f"--{changeset}\r\n{part}\r\n" for part in parts)
    body = (
        f"--{batch}\r\nContent-Type: multipart/mixed; boundary={changeset}\r\n\r\n"
        f"{changes}--{changeset}--\r\n\r\n--{batch}--\r\n"
    ).encode()
    headers = {"Content-Type": f"multipart/mixed; boundary={batch}", "Accept": "application/json"}
    answer = http.request("POST", "/$batch", body, headers)
    failed = f"{table}/{partition}: transaction rolled back"
    text = answer.body.decode("utf-8", "replace")
    if answer.status != 202:
        raise _failure(answer.status, failed, text)
    for status in _STATUS.findall(answer.body):
        if not 200 <= int(status) < 300:
            raise _failure(int(status), failed, text)


@dataclass(frozen=True, slots=True)
class _Where:
    """What every part of one batch shares: the table's URL, the partition (as given and as quoted in an entity's
    address, once per batch) and the request's version and date."""

    table_url: str
    partition: str
    quoted_partition: str
    version: str
    date: str


def _part(where: _Where, index: int, op: TransactionOp) -> str:
    if op.kind == "insert":  # posted to the table: the entity's keys are in its body only
        method, url, accept, match = "POST", where.table_url, _MINIMAL, None
    elif op.kind in _BY_ADDRESS:
        method, accept, match = _BY_ADDRESS[op.kind]
        url = f"{where.table_url}(PartitionKey='{where.quoted_partition}',RowKey='{key(op.row)}')"
        match = (op.etag or "*") if op.kind == "update" else match
    else:
        raise ValueError(f"unknown transaction op kind: {op.kind!r}")
    content = "" if op.kind == "delete" else entity_and_data(where.partition, op.row, op.data)[0]
    lines = [f"{method} {url} HTTP/1.1"]
    if content:
        lines += ["Content-Type: application/json", f"Content-Length: {len(content.encode())}"]
    lines += [f"x-ms-version: {where.version}", "DataServiceVersion: 3.0", f"Accept: {accept}"]
    if match is not None:
        lines.append(f"If-Match: {match}")
    lines += [f"x-ms-date: {where.date}", f"Date: {where.date}"]
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
