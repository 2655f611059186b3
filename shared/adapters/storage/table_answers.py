"""Table Storage's answers read into the Store's records: checked, decoded, paged (``TableStore``'s reads)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import quote

from shared.adapters.storage.codec import from_entity
from shared.adapters.storage.table_http import TableHttp
from shared.adapters.storage.table_wire import Answer
from shared.ports.storage import Record, StoreError


def check(answer: Answer, where: str) -> None:
    if not 200 <= answer.status < 300:
        raise StoreError(f"{where}: HTTP {answer.status}: {answer.body[:300].decode('utf-8', 'replace')}")


def decoded(entity: Mapping[str, Any]) -> tuple[dict[str, Any], str | None]:
    """The JSON-safe data and ETag of an entity as the service sends it (minimal metadata)."""
    return from_entity(entity), entity.get("odata.etag")


def record_of(table: str, entity: Mapping[str, Any]) -> Record:
    data, etag = decoded(entity)
    return Record(table, entity["PartitionKey"], entity["RowKey"], data, etag)


def partition_records(table: str, answer: Answer) -> list[Record] | None:
    """A read-ahead partition's records; None when the answer comes in pages (its query reads them again)."""
    if answer.status != 404:
        check(answer, table)
    if "x-ms-continuation-nextpartitionkey" in answer.headers:
        return None
    entities_read = json.loads(answer.body).get("value", []) if answer.status != 404 else []
    return [record_of(table, entity) for entity in entities_read]


def pages(http: TableHttp, path: str, query: str, table: str) -> Iterator[dict[str, Any]]:
    """The entities a query answers, page after page (continuation tokens); none for a table not created yet."""
    resume = ""
    while True:
        params = "&".join(part for part in (query, resume) if part)
        answer = http.request("GET", path + (f"?{params}" if params else ""))
        if answer.status == 404:  # the table does not exist yet
            return
        check(answer, table)
        yield from json.loads(answer.body).get("value", [])
        next_partition = answer.headers.get("x-ms-continuation-nextpartitionkey")
        if not next_partition:
            return
        resume = "NextPartitionKey=" + quote(next_partition, safe="")
        next_row = answer.headers.get("x-ms-continuation-nextrowkey")
        resume += "&NextRowKey=" + quote(next_row, safe="") if next_row else ""
