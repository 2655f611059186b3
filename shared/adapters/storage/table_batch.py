"""An entity-group transaction (``$batch``) written and read as text, sent with ``table_http`` (issue 20).

azure-data-tables' ``submit_transaction`` builds and parses the multipart body with the ``email`` package: for the two
rows of a prep card that cost more CPU than three single-entity calls (docs/performance.md, card actions). The body
here is the same one the SDK sends (captured from it: one changeset, one ``application/http`` part per operation),
signed and retried as every other table call (``table_http``). Only the operations the Store port has: insert,
upsert (replace), update (replace, If-Match) and delete.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.utils import formatdate
from json.encoder import encode_basestring_ascii
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from shared.adapters.storage.codec import encoded
from shared.ports.storage import AlreadyExists, NotFound, StaleWrite, StoreError, TransactionOp

if TYPE_CHECKING:
    from shared.adapters.storage.table_http import Request, TableHttp
    from shared.adapters.storage.table_wire import Answer

_text = encode_basestring_ascii  # a JSON string literal (the C helper json.dumps uses)
_TYPE = "@odata.type"
_STATUS = re.compile(rb"^HTTP/1\.1 (\d{3})", re.MULTILINE)
_MINIMAL = "application/json;odata=minimalmetadata"
_BY_ADDRESS = {  # op kind -> method, Accept, If-Match (or the op's ETag): ops sent to the entity's address
    "upsert": ("PUT", "application/json", None),
    "update": ("PUT", "application/json", "*"),
    "delete": ("DELETE", _MINIMAL, "*"),
}


def submit(http: TableHttp, table: str, partition: str, ops: Sequence[TransactionOp]) -> None:
    """Apply ``ops`` to one partition of ``table``, all or none (StaleWrite, AlreadyExists, NotFound)."""
    failed = verdict(http.request(*batch_request(http, table, partition, ops)), table, partition)
    if failed is not None:
        raise failed


def submit_at_once(
    http: TableHttp, batches: Sequence[tuple[str, str, Sequence[TransactionOp]]]
) -> list[StoreError | None]:
    """Transactions on different partitions sent together (``TableHttp.at_once``): each one's verdict (``verdict``);
    one without ops is applied, as ``submit`` would do nothing."""
    sent = [(table, partition, ops) for table, partition, ops in batches if ops]
    answers = iter(http.at_once([batch_request(http, table, partition, ops) for table, partition, ops in sent]))
    return [verdict(next(answers), table, partition) if ops else None for table, partition, ops in batches]


def batch_request(http: TableHttp, table: str, partition: str, ops: Sequence[TransactionOp]) -> Request:
    """The ``$batch`` request applying ``ops`` to one partition of ``table`` (method, path, body, headers)."""
    from shared.adapters.storage.table_http import API_VERSION

    batch, changeset = f"batch_{uuid.uuid4()}", f"changeset_{uuid.uuid4()}"
    where = _Where(f"{http.base_url}/{table}", partition, key(partition), API_VERSION, formatdate(usegmt=True), [])
    parts = [_part(where, n, op) for n, op in enumerate(ops)]
    changes = "".join(f"--{changeset}\r\n{part}\r\n" for part in parts)
    body = (
        f"--{batch}\r\nContent-Type: multipart/mixed; boundary={changeset}\r\n\r\n"
        f"{changes}--{changeset}--\r\n\r\n--{batch}--\r\n"
    ).encode()
    headers = {"Content-Type": f"multipart/mixed; boundary={batch}", "Accept": "application/json"}
    return "POST", "/$batch", body, headers


def verdict(answer: Answer, table: str, partition: str) -> StoreError | None:
    """None when the transaction was applied, else the error that rolled it back."""
    failed = f"{table}/{partition}: transaction rolled back"
    if answer.status != 202:
        return _failure(answer.status, failed, answer.body.decode("utf-8", "replace"))
    for status in _STATUS.findall(answer.body):
        if not 200 <= int(status) < 300:
            return _failure(int(status), failed, answer.body.decode("utf-8", "replace"))
    return None


@dataclass(frozen=True, slots=True)
class _Where:
    """What every part of one batch shares: the table's URL, the partition (as given and as quoted in an entity's
    address, once per batch) and the request's version and date."""

    table_url: str
    partition: str
    quoted_partition: str
    version: str
    date: str
    last: list[Any]  # the previous row's data and its properties' texts (see _entity)


def _part(where: _Where, index: int, op: TransactionOp) -> str:
    if op.kind == "insert":  # posted to the table: the entity's keys are in its body only
        method, url, accept, match = "POST", where.table_url, _MINIMAL, None
    elif op.kind in _BY_ADDRESS:
        method, accept, match = _BY_ADDRESS[op.kind]
        url = f"{where.table_url}(PartitionKey='{where.quoted_partition}',RowKey='{key(op.row)}')"
        match = op.etag or match  # an update, or a delete, guarded by the ETag it carries
    else:
        raise ValueError(f"unknown transaction op kind: {op.kind!r}")
    content = "" if op.kind == "delete" else _entity(where, op.row, op.data)
    typed = f"Content-Type: application/json\r\nContent-Length: {len(content)}\r\n" if content else ""  # ASCII
    matched = f"If-Match: {match}\r\n" if match is not None else ""
    return (  # one f-string: a part per booking row, thousands in a first cycle (issue 20)
        f"Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\nContent-ID: {index}\r\n\r\n"
        f"{method} {url} HTTP/1.1\r\n{typed}x-ms-version: {where.version}\r\nDataServiceVersion: 3.0\r\n"
        f"Accept: {accept}\r\n{matched}x-ms-date: {where.date}\r\nDate: {where.date}\r\n\r\n{content}"
    )


def _entity(where: _Where, row: str, data: Mapping[str, Any]) -> str:
    """``entity_and_data``'s text. A row whose data equals the previous row's, and is text only, reuses that row's
    properties' text: a plan's bookings are thousands of rows of one ``{"series_id": ...}`` in a first cycle (issue
    20). Other equal data is written again: equal values of other types can differ in text (``0.0`` and ``-0.0``)."""
    last = where.last
    if last and data == last[0] and all(type(value) is str for value in data.values()):
        return "{" + ",".join([_field("PartitionKey", where.partition), _field("RowKey", row), *last[1][2:]]) + "}"
    plain, _ = encoded(where.partition, row, data)
    fields = [_field(name, value) for name, value in plain.items()]
    where.last[:] = [data, fields]
    return "{" + ",".join(fields) + "}"


def key(value: str) -> str:
    """A key in the entity's address: quotes doubled, then percent-encoded (the SDK's ``_prepare_key`` and url)."""
    return quote(value.replace("'", "''"), safe="")


def entity_and_data(partition: str, row: str, data: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """The entity's JSON as the SDK sends it (strings and floats typed: ``Edm.String``, ``Edm.Double``), and the
    JSON-safe copy of ``data`` it holds (what a read gives back).

    The text is written property by property: an entity is flat (``codec.encoded`` leaves only strings, booleans,
    Int32s and finite floats), and ``json.dumps`` builds a new encoder on every call, which made it most of the cost
    of the thousands of booking rows a first cycle writes (issue 20). The text is ASCII, as ``json.dumps`` writes it."""
    plain, copied = encoded(partition, row, data)
    return "{" + ",".join(_field(name, value) for name, value in plain.items()) + "}", copied


def _field(name: str, value: Any) -> str:
    """One property of a flat entity as JSON text, with its type when JSON cannot say it."""
    kind = type(value)
    named = _NAMED.get(name) or _name_texts(name)
    if kind is str:
        return named[0] + _text(value) + named[1]
    if kind is bool:
        return named[0] + ("true" if value else "false")
    if kind is float:
        return named[0] + float.__repr__(value) + named[2]
    return named[0] + int.__repr__(value)  # an Int32


_NAMED: dict[str, tuple[str, str, str]] = {}  # property name -> its texts (``_name_texts``)


def _name_texts(name: str) -> tuple[str, str, str]:
    """The text before a property's value, and after a text or a float value (its type): names recur row after
    row, so they are quoted once (up to a few thousand names; others each time)."""
    quoted, typed = _text(name), _text(name + _TYPE)
    texts = (f"{quoted}:", f',{typed}:"Edm.String"', f',{typed}:"Edm.Double"')
    if len(_NAMED) < 4096:
        _NAMED[name] = texts
    return texts


def _failure(status: int, where: str, text: str) -> StoreError:
    if status == 409:
        return AlreadyExists(where)
    if status == 412:
        return StaleWrite(where)
    if status == 404:
        return NotFound(where)
    return StoreError(f"{where}: HTTP {status}: {text[:300]}")
