"""Queue sends over ``table_http``'s kept-alive connection instead of azure-storage-queue's pipeline (issue 20).

A send through azure-storage-queue costs about 3.5 ms of CPU (azure-core's pipeline and ``requests``), even on a kept
client. In Azure the Functions host receives and completes queue messages; the worker only sends, so only sending
goes this way (``queues.StorageQueues.send``). The message is what the SDK's ``TextBase64EncodePolicy`` sends: the
text base64-encoded in a ``QueueMessage`` XML body, ``POST /{queue}/messages``.

Only the string to sign differs from Table's (``_string_to_sign``): Queue Shared Key signs the full header list
(eleven standard headers, then every ``x-ms-`` header, then the canonical resource with its query). The HMAC, and the
bearer token of a token credential (the managed identity), are ``table_http``'s.
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import parse_qsl

from azure.core.credentials import AzureNamedKeyCredential

from shared.adapters.storage.table_http import TableHttp
from shared.ports.storage import StoreError

_SIGNED = ("Content-Encoding", "Content-Language", "Content-Length", "Content-MD5", "Content-Type", "Date",
           "If-Modified-Since", "If-Match", "If-None-Match", "If-Unmodified-Since", "Range")  # fmt: skip
_XML = "application/xml; charset=utf-8"


class QueueHttp(TableHttp):
    """Signed requests to one account's queue endpoint (the SDK client's ``url``), retried as table calls are."""

    SERVICE = "Queue"

    def _string_to_sign(self, account: str, method: str, path: str, headers: dict[str, str]) -> str:
        """Queue Shared Key: the verb, eleven standard headers (a zero Content-Length as empty), every ``x-ms-``
        header, then the canonical resource with its query."""
        standard = [headers.get(name, "") for name in _SIGNED]
        if standard[2] == "0":
            standard[2] = ""
        ms = sorted(
            (name.lower(), value.strip()) for name, value in headers.items() if name.lower().startswith("x-ms-")
        )
        return "\n".join([method, *standard, *(f"{name}:{value}" for name, value in ms), _resource(account, path)])

    def send(self, queue: str, text: str, delay: int = 0) -> None:
        """Put ``text`` on ``queue`` (which must exist), visible after ``delay`` seconds."""
        encoded = base64.b64encode(text.encode("utf-8")).decode("ascii")
        body = (
            f"<?xml version='1.0' encoding='utf-8'?>\n<QueueMessage><MessageText>{encoded}</MessageText></QueueMessage>"
        )
        query = f"?visibilitytimeout={delay}" if delay else ""
        answer = self.request("POST", f"/{queue}/messages{query}", body.encode("utf-8"), {"Content-Type": _XML})
        if answer.status != 201:
            raise StoreError(f"queue {queue}: HTTP {answer.status}: {answer.body[:300].decode('utf-8', 'replace')}")


def _resource(account: str, path: str) -> str:
    """``/account/path`` then each query parameter as ``name:value`` on its own line, names in lower case, sorted."""
    bare, _, query = path.partition("?")
    params = sorted((name.lower(), value) for name, value in parse_qsl(query, keep_blank_values=True))
    return "/" + account + bare + "".join(f"\n{name}:{value}" for name, value in params)


def queue_http(service: Any) -> QueueHttp:
    """The sender for an azure-storage-queue ``QueueServiceClient`` (its URL and its key or token credential)."""
    credential = service.credential
    if hasattr(credential, "account_key"):
        credential = AzureNamedKeyCredential(credential.account_name, credential.account_key)
    return QueueHttp(service.url, credential)
