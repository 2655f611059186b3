"""An entity-group transaction (``$batch``) written and read as text, sent through the table client's own pipeline.

azure-data-tables' ``submit_transaction`` builds and parses the multipart body with the ``email`` package: for the two
rows of a prep card that cost more CPU than three single-entity calls (docs/performance.md, card actions). The body
here is the same one the SDK sends (captured from it: one changeset, one ``application/http`` part per operation),
and the pipeline (authentication, retries, headers, transport) is the client's, unchanged. Only the operations the
Store port has: insert, upsert (replace), update (replace, If-Match) and delete.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Sequence
from email.utils import formatdate
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from shared.adapters.storage.codec import to_entity
from shared.ports.storage import AlreadyExists, NotFound, StaleWrite, StoreError, TransactionOp

if TYPE_CHECKING:
    from azure.data.tables import TableClient

_STATUS = re.compile(rb"^HTTP/1\.1 (\d{3})", re.MULTILINE)
_MINIMAL = "application/json;odata=minimalmetadata"


def submit(client: TableClient, partition: str, ops: Sequence[TransactionOp]) -> None:
    """Apply ``ops`` to one partition of ``client``'s table, all or none (StaleWrite, AlreadyExists, NotFound)."""
    from azure.core.rest import HttpRequest

    batch, changeset = f"batch_{uuid.uuid4()}", f"changeset_{uuid.uuid4()}"
    base = f"{client.scheme}://{client._primary_hostname}"  # what the SDK's own batch uses
    version, date = client.api_version, formatdate(usegmt=True)
    parts = [_part(n, base, client.table_name, partition, op, version, date) for n, op in enumerate(ops)]
    changes = "".join(f"--{changeset}\r\n{part}\r\n" for part in parts)
    body = (
        f"--{batch}\r\nContent-Type: multipart/mixed; boundary={changeset}\r\n\r\n"
        f"{changes}--{changeset}--\r\n\r\n--{batch}--\r\n"
    ).encode()
    headers = {"x-ms-version": version, "DataServiceVersion": "3.0", "MaxDataServiceVersion": "3.0;NetFx",
               "Content-Type": f"multipart/mixed; boundary={batch}", "Accept": "application/json"}  # fmt: skip
    request = HttpRequest("POST", f"{base}/$batch", headers=headers, content=body)
    response = client._client.send_request(request, stream=True)  # the pipeline, as submit_transaction
    response.read()  # streamed, as the SDK does: the pipeline does not try to decode a multipart body as JSON
    where = f"{client.table_name}/{partition}: transaction rolled back"
    if response.status_code != 202:
        raise _failure(response.status_code, where, response.text())
    for status in _STATUS.findall(response.content):
        if not 200 <= int(status) < 300:
            raise _failure(int(status), where, response.text())


def _part(index: int, base: str, table: str, partition: str, op: TransactionOp, version: str, date: str) -> str:
    keyed = f"{base}/{table}(PartitionKey='{_key(partition)}',RowKey='{_key(op.row)}')"
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
    content = "" if op.kind == "delete" else _entity_json(partition, op)
    lines = [f"{method} {url} HTTP/1.1"]
    if content:
        lines += ["Content-Type: application/json", f"Content-Length: {len(content.encode())}"]
    lines += [f"x-ms-version: {version}", "DataServiceVersion: 3.0", f"Accept: {accept}"]
    if match is not None:
        lines.append(f"If-Match: {match}")
    lines += [f"x-ms-date: {date}", f"Date: {date}"]
    head = "Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n"
    return f"{head}Content-ID: {index}\r\n\r\n" + "\r\n".join(lines) + f"\r\n\r\n{content}"


def _key(value: str) -> str:
    """A key in the entity's address: quotes doubled, then percent-encoded (the SDK's ``_prepare_key`` and url)."""
    return quote(value.replace("'", "''"), safe="")


def _entity_json(partition: str, op: TransactionOp) -> str:
    entity: dict[str, Any] = {}
    for name, value in to_entity(partition, op.row, op.data).items():
        entity[name] = value
        if isinstance(value, str):
            entity[f"{name}@odata.type"] = "Edm.String"
        elif isinstance(value, float):
            entity[f"{name}@odata.type"] = "Edm.Double"
    return json.dumps(entity)


def _failure(status: int, where: str, text: str) -> StoreError:
    if status == 409:
        return AlreadyExists(where)
    if status == 412:
        return StaleWrite(where)
    if status == 404:
        return NotFound(where)
    return StoreError(f"{where}: HTTP {status}: {text[:300]}")
