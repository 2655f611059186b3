"""An Azure Storage connection string read into a service endpoint and its account key, without azure-data-tables.

``TableServiceClient.from_connection_string`` did this, and importing azure-data-tables (azure-core's pipeline,
``requests``, urllib3, isodate) was about 70 ms of a cold worker's first bot turn for nothing else: the Store sends
its requests itself (``table_http``). The rules are the SDKs' (``tests/unit/test_connection_string.py`` checks
against azure-data-tables and azure-storage-queue):

- ``UseDevelopmentStorage=true`` (any case) is Azurite's well-known account on 127.0.0.1 (tables 10002, queues
  10001);
- settings are ``name=value`` pairs split on ``;``, names in any case and each at most once, a value may hold ``=``
  (a base64 key);
- the service's endpoint is ``TableEndpoint`` / ``QueueEndpoint`` when given, else
  ``{DefaultEndpointsProtocol}://{AccountName}.{service}.{EndpointSuffix}`` (https and core.windows.net when unset;
  the SDKs use https whatever the protocol when the suffix is unset, this keeps the protocol asked for);
- ``AccountName`` and ``AccountKey`` are required: a shared access signature alone is refused (the Store signs
  with the key, or uses the managed identity when no connection string is set).
"""

from __future__ import annotations

import binascii
from base64 import b64decode
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from azure.core.credentials import TokenCredential

Service = Literal["table", "queue"]
DEV_ACCOUNT = "devstoreaccount1"
DEV_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
DEV_PORTS = {"table": 10002, "queue": 10001}
DEFAULT_SUFFIX = "core.windows.net"


class BadConnectionString(ValueError):
    """The connection string cannot name an account endpoint and key (the message says which part)."""


@dataclass(frozen=True, slots=True)
class NamedKey:
    """An account name and its base64 key (``table_http`` reads ``named_key.name`` and ``named_key.key``)."""

    name: str
    key: str = field(repr=False)

    @property
    def named_key(self) -> NamedKey:  # the shape of azure-core's AzureNamedKeyCredential, which table_http reads
        return self


@dataclass(frozen=True, slots=True)
class Account:
    """One service of a storage account: its endpoint URL and the credential to sign with (an account key, or the
    managed identity's token credential when no connection string is set)."""

    url: str
    credential: NamedKey | TokenCredential


def account_of(connection: str, service: Service = "table") -> Account:
    """The ``service`` endpoint and account key the connection string names; BadConnectionString if it names none."""
    if connection.strip().lower() == "usedevelopmentstorage=true":
        url = f"http://127.0.0.1:{DEV_PORTS[service]}/{DEV_ACCOUNT}"
        return Account(url, NamedKey(DEV_ACCOUNT, DEV_KEY))
    parts = settings_of(connection)
    name, key = parts.get("accountname", ""), parts.get("accountkey", "")
    if not name or not key:
        raise BadConnectionString("expected AccountName and AccountKey (a shared access signature alone is not used)")
    _check_key(key)
    url = parts.get(f"{service}endpoint") or _default_endpoint(parts, name, service)
    _check_url(url, service)
    return Account(url.rstrip("/"), NamedKey(name, key))


def settings_of(connection: str) -> dict[str, str]:
    """The ``name=value`` pairs, names in lower case; empty pieces (a trailing ``;``) are skipped."""
    found: dict[str, str] = {}
    for place, piece in enumerate(connection.split(";"), start=1):
        if not piece.strip():
            continue
        name, equals, value = piece.partition("=")
        if not equals or not name.strip():  # the piece itself is not shown: it may be a pasted key
            raise BadConnectionString(f"expected name=value pairs separated by ';': part {place} is not one")
        key = name.strip().lower()
        if key in found:
            raise BadConnectionString(f"{name.strip()} is given twice")
        found[key] = value.strip()
    return found


def _default_endpoint(parts: dict[str, str], name: str, service: Service) -> str:
    scheme = parts.get("defaultendpointsprotocol") or "https"
    suffix = parts.get("endpointsuffix") or DEFAULT_SUFFIX
    return f"{scheme}://{name}.{service}.{suffix}"


def _check_key(key: str) -> None:
    try:
        b64decode(key, validate=True)
    except binascii.Error:
        raise BadConnectionString("AccountKey is not base64") from None


def _check_url(url: str, service: Service) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadConnectionString(f"the {service} endpoint is not an http(s) URL: {_shown(url)!r}")


def _shown(text: str) -> str:
    """Part of the connection string for an error message: never a key (anything after an '=' is cut)."""
    return text.split("=", 1)[0][:40]
