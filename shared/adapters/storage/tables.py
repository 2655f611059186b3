"""The Store port over Azure Table Storage (azure-data-tables); Azurite locally.

Tables are created on first write and remembered. Reads of a table that does not exist yet behave
like an empty table. Entity data follows :mod:`shared.adapters.storage.codec`. ``prefix`` lets tests
share one Azurite account: every table name becomes ``prefix + name``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from azure.core import MatchConditions
from azure.core.exceptions import ResourceExistsError, ResourceModifiedError, ResourceNotFoundError
from azure.data.tables import UpdateMode

from shared.adapters.storage.codec import check_table_name, from_entity, to_entity
from shared.ports.storage import AlreadyExists, NotFound, Record, StaleWrite, TransactionOp

if TYPE_CHECKING:
    from azure.data.tables import TableClient, TableServiceClient

    from shared.config import Settings


class TableStore:
    """Entities in Azure Table Storage with ETag-guarded updates."""

    def __init__(self, service: TableServiceClient, prefix: str = "") -> None:
        self._service = service
        self._prefix = prefix
        self._existing: set[str] = set()
        # One client per table for the process: building one costs ~0.3 ms of CPU, a card action uses several.
        # Clients share the service's pipeline and are safe to use from several threads.
        self._clients: dict[str, TableClient] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> TableStore:
        """Connection string (Azurite, keys) when set, else the account endpoint with a managed identity."""
        from azure.data.tables import TableServiceClient

        from shared.adapters.storage.identity import account_endpoint, storage_credential

        transport = shared_transport()
        if settings.storage_connection:
            return cls(TableServiceClient.from_connection_string(settings.storage_connection, transport=transport))
        endpoint = account_endpoint(settings, "table")
        return cls(TableServiceClient(endpoint, credential=storage_credential(settings), transport=transport))

    # ------------------------------------------------------------------ reads

    def get(self, table: str, partition: str, row: str) -> Record:
        found = self.find(table, partition, row)
        if found is None:
            raise NotFound(f"{table}/{partition}/{row}")
        return found

    def find(self, table: str, partition: str, row: str) -> Record | None:
        try:
            entity = self._client(table).get_entity(partition, row)
        except ResourceNotFoundError:
            return None
        return Record(table, partition, row, from_entity(entity), entity.metadata["etag"])

    def query(self, table: str, partition: str | None = None) -> list[Record]:
        client = self._client(table)
        try:
            if partition is None:
                entities = list(client.list_entities())
            else:
                entities = list(client.query_entities("PartitionKey eq @pk", parameters={"pk": partition}))
        except ResourceNotFoundError:
            return []
        return [Record(table, e["PartitionKey"], e["RowKey"], from_entity(e), e.metadata["etag"]) for e in entities]

    # ----------------------------------------------------------------- writes

    def insert(self, table: str, partition: str, row: str, data: Mapping[str, Any]) -> Record:
        entity = to_entity(partition, row, data)
        try:
            meta = self._writable(table).create_entity(entity)
        except ResourceExistsError:
            raise AlreadyExists(f"{table}/{partition}/{row}") from None
        return Record(table, partition, row, from_entity(entity), meta["etag"])

    def upsert(self, table: str, partition: str, row: str, data: Mapping[str, Any]) -> Record:
        entity = to_entity(partition, row, data)
        meta = self._writable(table).upsert_entity(entity, mode=UpdateMode.REPLACE)
        return Record(table, partition, row, from_entity(entity), meta["etag"])

    def update(self, record: Record, data: Mapping[str, Any]) -> Record:
        if record.etag is None:
            raise ValueError("update needs a record read from the store (it carries the ETag)")
        entity = to_entity(record.partition, record.row, data)
        try:
            meta = self._writable(record.table).update_entity(
                entity, mode=UpdateMode.REPLACE, etag=record.etag, match_condition=MatchConditions.IfNotModified
            )
        except ResourceModifiedError:
            raise StaleWrite(f"{record.table}/{record.partition}/{record.row}: changed since read") from None
        except ResourceNotFoundError:
            raise NotFound(f"{record.table}/{record.partition}/{record.row}") from None
        return Record(record.table, record.partition, record.row, from_entity(entity), meta["etag"])

    def delete(self, table: str, partition: str, row: str) -> None:
        """Delete if present; deleting a missing entity is not an error."""
        self._client(table).delete_entity(partition, row)  # the SDK ignores 404: missing entity or table

    def transact(self, table: str, partition: str, ops: Sequence[TransactionOp]) -> None:
        if not ops:
            return
        from shared.adapters.storage import table_batch  # the SDK's multipart code costs more than the calls saved

        table_batch.submit(self._writable(table), partition, ops)

    # ---------------------------------------------------------------- helpers

    def _client(self, table: str) -> TableClient:
        name = self._prefix + table
        client = self._clients.get(name)
        if client is None:
            client = self._clients.setdefault(name, self._service.get_table_client(name))
        return client

    def _writable(self, table: str) -> TableClient:
        check_table_name(table)
        name = self._prefix + table
        if name not in self._existing:
            self._service.create_table_if_not_exists(name)
            self._existing.add(name)
        return self._client(table)


_CA_BUNDLES = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")  # what requests reads, in its order


def shared_transport() -> Any:
    """One requests transport for every table call of the process, reading the environment once.

    By default ``requests`` merges proxy and CA-bundle settings from ``os.environ`` into every request (about 8%
    of a card action's CPU, docs/performance.md). Here the CA bundle is read once and given to the transport; a
    proxy variable keeps the default per-request behaviour (``NO_PROXY`` matching needs it).
    """
    import os

    from azure.core.pipeline.transport import RequestsTransport

    if any(key.lower().endswith("_proxy") for key in os.environ):
        return RequestsTransport()
    bundle = next((os.environ[name] for name in _CA_BUNDLES if os.environ.get(name)), None)
    return RequestsTransport(use_env_settings=False, **({"connection_verify": bundle} if bundle else {}))
