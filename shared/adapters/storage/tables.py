"""The Store port over Azure Table Storage's REST API; Azurite locally.

Tables are created on first write and remembered. Reads of a table that does not exist yet behave
like an empty table. Entity data follows :mod:`shared.adapters.storage.codec`. ``prefix`` lets tests
share one Azurite account: every table name becomes ``prefix + name``.

The calls go over ``table_http`` (signed as azure-data-tables signs them, retried as azure-core retries them):
the SDK's pipeline cost about 3 ms of CPU per call (issue 20). ``TableServiceClient`` still parses the connection
string or holds the endpoint and credential; its pipeline is not used.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Protocol

from shared.adapters.storage import read_ahead
from shared.adapters.storage.codec import check_table_name
from shared.adapters.storage.table_answers import check, decoded, pages, partition_records, record_of
from shared.adapters.storage.table_batch import key
from shared.adapters.storage.table_filter import odata_filter
from shared.adapters.storage.table_http import Request, TableHttp
from shared.adapters.storage.table_wire import Answer
from shared.adapters.storage.table_writes import NO_CONTENT, write_request, write_result
from shared.ports.storage import (
    Batch,
    EntityKey,
    NotFound,
    PartitionRead,
    Record,
    StoreError,
    TransactionOp,
    Where,
    Write,
    check_batches,
    check_writes,
    matches,
)

if TYPE_CHECKING:
    from shared.config import Settings


class AccountService(Protocol):
    """Where the Store's requests go: an endpoint URL and its credential (an account key or a token credential), as
    ``connection_string.Account`` and azure-data-tables' ``TableServiceClient`` both give them."""

    @property
    def url(self) -> str: ...

    @property
    def credential(self) -> Any: ...


class TableStore:
    """Entities in Azure Table Storage with ETag-guarded updates."""

    def __init__(self, service: AccountService, prefix: str = "") -> None:
        self._http = TableHttp(service.url, service.credential)
        self._prefix = prefix
        self._existing: set[str] = set()

    @classmethod
    def from_settings(cls, settings: Settings) -> TableStore:
        """Connection string (Azurite, keys) when set, else the account endpoint with a managed identity."""
        from shared.adapters.storage.connection_string import Account, account_of

        if settings.storage_connection:
            return cls(account_of(settings.storage_connection, "table"))
        from shared.adapters.storage.identity import account_endpoint, storage_credential

        return cls(Account(account_endpoint(settings, "table"), storage_credential(settings)))

    # ------------------------------------------------------------------ reads

    def get(self, table: str, partition: str, row: str) -> Record:
        found = self.find(table, partition, row)
        if found is None:
            raise NotFound(f"{table}/{partition}/{row}")
        return found

    def find(self, table: str, partition: str, row: str) -> Record | None:
        answered, record = read_ahead.served_find(self, (table, partition, row))
        if answered:
            return record
        answer = self._http.request("GET", self._entity_path(table, partition, row))
        return self._entity(answer, table, partition, row)

    def read_ahead(
        self, keys: Sequence[EntityKey], partitions: Sequence[PartitionRead] = (), writes: Sequence[Write] = ()
    ) -> AbstractContextManager[list[Record | StoreError]]:
        """Every entity and partition read at once, the writes with them (``TableHttp.at_once``), then served as
        ``read_ahead`` says. A partition whose answer comes in pages is not kept: its ``query`` reads it again."""
        entities = list(dict.fromkeys(keys))
        reads = list(
            {(t, p, read_ahead.where_key(w)): (t, p, w) for t, p, w in map(read_ahead.parts, partitions)}.values()
        )
        check_writes(writes, entities, [(table, partition) for table, partition, _ in reads])
        paths = [self._entity_path(*key) for key in entities]
        paths += [f"/{self._prefix}{table}()?{odata_filter(partition, where)}" for table, partition, where in reads]
        prepared = [self._write_request(write) for write in writes]
        answers = self._http.at_once([("GET", path, b"", {}) for path in paths] + [r for r, _ in prepared])
        read = {key: self._entity(answer, *key) for key, answer in zip(entities, answers, strict=False)}
        whole, filtered = {}, {}
        for (table, partition, where), answer in zip(reads, answers[len(entities) : len(paths)], strict=True):
            records = partition_records(table, answer)
            if records is None:
                continue
            if where is None:
                whole[table, partition] = records
            else:  # a value stored as JSON text can equal a text on the service: not ours (as ``query``)
                kept = [record for record in records if matches(record.data, where)]
                filtered[(table, partition), read_ahead.where_key(where)] = kept
        written = [write_result(a, w, d) for a, w, (_, d) in zip(answers[len(paths) :], writes, prepared, strict=True)]
        return read_ahead.serving(read_ahead.Ahead(self, read, whole, filtered), written)

    def _entity(self, answer: Answer, table: str, partition: str, row: str) -> Record | None:
        if answer.status == 404:  # no such entity, or no such table yet
            return None
        check(answer, f"{table}/{partition}/{row}")
        data, etag = decoded(json.loads(answer.body))
        return Record(table, partition, row, data, etag)

    def find_rows(self, table: str, partition: str, rows: Sequence[str]) -> dict[str, Record]:
        wanted = sorted(set(rows))
        if not wanted:
            return {}
        where = odata_filter(partition, {"RowKey": wanted})
        found = {}
        for entity in pages(self._http, f"/{self._prefix}{table}()", where, table):
            data, etag = decoded(entity)
            found[entity["RowKey"]] = Record(table, partition, entity["RowKey"], data, etag)
        return found

    def query(self, table: str, partition: str | None = None, where: Where | None = None) -> list[Record]:
        if (read := read_ahead.served_query(self, table, partition, where)) is not None:
            return read
        if where and not all(where.values()):  # a property that may hold none of no texts: nothing to ask for
            return []
        path, query = f"/{self._prefix}{table}()", odata_filter(partition, where)
        found = [record_of(table, entity) for entity in pages(self._http, path, query, table)]
        # a value stored as JSON text (None, a list, a big integer) can equal a text on the service: not ours
        return [record for record in found if matches(record.data, where)] if where else found

    # ----------------------------------------------------------------- writes

    def insert(self, table: str, partition: str, row: str, data: Mapping[str, Any]) -> Record:
        return self._write_one(Write(table, partition, TransactionOp("insert", row, data)))

    def upsert(self, table: str, partition: str, row: str, data: Mapping[str, Any]) -> Record:
        return self._write_one(Write(table, partition, TransactionOp("upsert", row, data)))

    def update(self, record: Record, data: Mapping[str, Any]) -> Record:
        if record.etag is None:
            raise ValueError("update needs a record read from the store (it carries the ETag)")
        return self._write_one(
            Write(record.table, record.partition, TransactionOp("update", record.row, data, record.etag))
        )

    def write_at_once(self, writes: Sequence[Write]) -> list[Record | StoreError]:
        """The writes sent together (``TableHttp.at_once``): one wait for all of them."""
        check_writes(writes)
        prepared = [self._write_request(write) for write in writes]
        answers = self._http.at_once([request for request, _ in prepared])
        return [
            write_result(answer, write, stored)
            for answer, write, (_, stored) in zip(answers, writes, prepared, strict=True)
        ]

    def _write_one(self, write: Write) -> Record:
        request, stored = self._write_request(write)
        result = write_result(self._http.request(*request), write, stored)
        if isinstance(result, StoreError):
            raise result
        return result

    def _write_request(self, write: Write) -> tuple[Request, dict[str, Any]]:
        """The write's request; what a read_ahead block read of the row is forgotten, and a table an insert or upsert
        goes to is created first (an update of a row in a missing table is NotFound)."""
        table, partition, row = write.table, write.partition, write.op.row
        read_ahead.forget(self, table, partition, row)
        name = self._prefix + table if write.op.kind == "update" else self._writable(table)
        return write_request(write, name, self._entity_path(table, partition, row))

    def delete(self, table: str, partition: str, row: str) -> None:
        """Delete if present; deleting a missing entity is not an error."""
        read_ahead.forget(self, table, partition, row)
        answer = self._http.request("DELETE", self._entity_path(table, partition, row), headers={"If-Match": "*"})
        if answer.status != 404:  # a missing entity or table
            check(answer, f"{table}/{partition}/{row}")

    def transact(self, table: str, partition: str, ops: Sequence[TransactionOp]) -> None:
        if not ops:
            return
        for op in ops:
            read_ahead.forget(self, table, partition, op.row)
        from shared.adapters.storage import table_batch

        table_batch.submit(self._http, self._writable(table), partition, ops)

    def transact_at_once(self, batches: Sequence[Batch]) -> list[StoreError | None]:
        from shared.adapters.storage import table_batch

        check_batches(batches)
        for table, partition, ops in batches:
            for op in ops:
                read_ahead.forget(self, table, partition, op.row)
        named = [(self._writable(table) if ops else table, partition, ops) for table, partition, ops in batches]
        return table_batch.submit_at_once(self._http, named)

    # ---------------------------------------------------------------- helpers

    def _entity_path(self, table: str, partition: str, row: str) -> str:
        return f"/{self._prefix}{table}(PartitionKey='{key(partition)}',RowKey='{key(row)}')"

    def _writable(self, table: str) -> str:
        """The table's name in the account, created on first write."""
        check_table_name(table)
        name = self._prefix + table
        if name not in self._existing:
            body = json.dumps({"TableName": name}).encode()
            answer = self._http.request("POST", "/Tables", body, NO_CONTENT)
            if answer.status != 409:  # 409: it exists
                check(answer, name)
            self._existing.add(name)
        return name
