"""The Queues port over Azure Queue Storage (azure-storage-queue); Azurite locally.

Bodies are JSON objects, sent base64-encoded because Functions queue triggers expect base64 by
default (host.json ``messageEncoding``). Queues are created on first send and remembered; reading a
queue that does not exist yet behaves like an empty queue. ``prefix`` isolates tests sharing Azurite.

Sends go over ``queue_http`` (one signed POST on a kept-alive connection, ~10x less CPU than the SDK's pipeline):
in Azure the worker only sends; the Functions host receives and completes. The rest uses azure-storage-queue.
"""

from __future__ import annotations

import contextlib
import json
from typing import TYPE_CHECKING, Any

from azure.core.exceptions import HttpResponseError, ResourceExistsError, ResourceNotFoundError
from azure.storage.queue import TextBase64DecodePolicy, TextBase64EncodePolicy

from shared.ports.storage import JsonDict, NotFound, QueueMessage

if TYPE_CHECKING:
    from azure.storage.queue import QueueClient, QueueServiceClient

    from shared.adapters.storage.queue_http import QueueHttp
    from shared.config import Settings


class StorageQueues:
    """Work queues with at-least-once delivery, dequeue counts and visibility timeouts."""

    def __init__(self, service: QueueServiceClient, prefix: str = "") -> None:
        self._service = service
        self._prefix = prefix
        self._existing: set[str] = set()
        self._sender: QueueHttp | None = None  # made on the first send

    @classmethod
    def from_settings(cls, settings: Settings) -> StorageQueues:
        """Connection string (Azurite, keys) when set, else the account endpoint with a managed identity."""
        from azure.storage.queue import QueueServiceClient

        from shared.adapters.storage.identity import account_endpoint, storage_credential

        if settings.storage_connection:
            return cls(QueueServiceClient.from_connection_string(settings.storage_connection))
        return cls(QueueServiceClient(account_endpoint(settings, "queue"), credential=storage_credential(settings)))

    def send(self, queue: str, body: JsonDict, delay: int = 0) -> None:
        text = json.dumps(body, allow_nan=False)
        name = self._created(queue)
        if self._sender is None:
            from shared.adapters.storage.queue_http import queue_http

            self._sender = queue_http(self._service)
        self._sender.send(name, text, delay)

    def receive(self, queue: str, max_messages: int = 16, visibility_timeout: int = 30) -> list[QueueMessage]:
        client = self._client(queue)
        try:
            raw = list(
                client.receive_messages(
                    max_messages=max_messages,
                    messages_per_page=min(max_messages, 32),
                    visibility_timeout=visibility_timeout,
                )
            )
        except ResourceNotFoundError:
            return []
        return [QueueMessage(m.id, m.pop_receipt or "", _decode(m.content), m.dequeue_count or 0) for m in raw]

    def complete(self, queue: str, message: QueueMessage) -> None:
        try:
            self._client(queue).delete_message(message.id, message.pop_receipt)
        except HttpResponseError as error:
            raise _lost(queue, message, error) from None

    def release(self, queue: str, message: QueueMessage, delay: int = 0) -> None:
        try:
            self._client(queue).update_message(message.id, message.pop_receipt, visibility_timeout=delay)
        except HttpResponseError as error:
            raise _lost(queue, message, error) from None

    def length(self, queue: str) -> int:
        try:
            props = self._client(queue).get_queue_properties()
        except ResourceNotFoundError:
            return 0
        return int(props.approximate_message_count or 0)

    def _client(self, queue: str) -> QueueClient:
        return self._service.get_queue_client(
            self._prefix + queue,
            message_encode_policy=TextBase64EncodePolicy(),
            message_decode_policy=TextBase64DecodePolicy(),
        )

    def _created(self, queue: str) -> str:
        """The queue's name in the account, created on its first send (a client is built only then)."""
        name = self._prefix + queue
        if name not in self._existing:
            with contextlib.suppress(ResourceExistsError):
                self._client(queue).create_queue()
            self._existing.add(name)
        return name


def _lost(queue: str, message: QueueMessage, error: HttpResponseError) -> Exception:
    """404 (gone) and 400 (pop receipt mismatch) mean another receiver owns the message now."""
    if error.status_code in {400, 404}:
        return NotFound(f"{queue}/{message.id}: no such message or its pop receipt is stale")
    return error


def _decode(content: Any) -> JsonDict:
    """A message body as a dict; text that is not a JSON object comes back as ``{"raw": text}``."""
    try:
        body = json.loads(content)
    except (TypeError, ValueError):
        return {"raw": content}
    return body if isinstance(body, dict) else {"raw": content}
