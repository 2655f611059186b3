"""The checks :class:`shared.config.Settings` runs across fields at start, and the URL rules they apply.

:func:`check_settings` raises ``ValueError`` with a message that names the variable; the settings' validator
calls it, so pydantic reports it like any other bad value.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from shared.config_values import AZURE_HOST_MARKERS, LOOPBACK_HOSTS, BotAuth, Environment

if TYPE_CHECKING:
    from shared.config import Settings


def azure_host_marker() -> str | None:
    """The platform variable that says this process runs in Azure, if any."""
    return next((name for name in AZURE_HOST_MARKERS if os.environ.get(name)), None)


def check_settings(settings: Settings) -> None:
    """Refuse settings that are each valid but wrong together, or wrong for the host the process runs on."""
    if settings.storage_connection is None and settings.storage_account is None:
        raise ValueError("WEGROW_STORAGE_CONNECTION: expected an Azure Storage connection string")
    if settings.env is Environment.LOCAL and settings.storage_connection is None:
        raise ValueError("WEGROW_STORAGE_CONNECTION: expected a connection string in local mode (Azurite)")
    if settings.storage_connection is not None:
        _check_connection(settings.storage_connection)
    if settings.env is Environment.AZURE and settings.bot_auth is BotAuth.ANONYMOUS:
        raise ValueError("WEGROW_BOT_AUTH: anonymous is allowed only with WEGROW_ENV=local")
    marker = azure_host_marker()
    if marker and settings.bot_auth is BotAuth.ANONYMOUS:
        raise ValueError(f"WEGROW_BOT_AUTH: anonymous is refused: the Functions host runs in Azure ({marker} is set)")
    if marker and settings.env is Environment.LOCAL:
        raise ValueError(f"WEGROW_ENV: local is refused: the Functions host runs in Azure ({marker} is set)")
    if not settings.connector_allowed(str(settings.connector_url)):
        raise ValueError(
            "WEGROW_CONNECTOR_URL: expected an https URL on a host in WEGROW_CONNECTOR_HOSTS "
            "(loopback only with WEGROW_ENV=local)"
        )
    if settings.public_base_url is not None and not _public_url_allowed(str(settings.public_base_url), settings.env):
        raise ValueError(
            "WEGROW_PUBLIC_BASE_URL: expected an https URL without credentials (loopback http only with "
            "WEGROW_ENV=local)"
        )


def connector_url_allowed(url: str, hosts: frozenset[str]) -> bool:
    """https on an allowed host; plain http only for a loopback host that is allowed (the local stack)."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return False
    if host not in hosts or parts.username or parts.password:
        return False
    return parts.scheme == "https" or (parts.scheme == "http" and host in LOOPBACK_HOSTS)


def _public_url_allowed(url: str, env: Environment) -> bool:
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return False
    if not host or parts.username or parts.password or parts.query or parts.fragment:
        return False
    return parts.scheme == "https" or (parts.scheme == "http" and env is Environment.LOCAL and host in LOOPBACK_HOSTS)


def _check_connection(connection: str) -> None:
    """A connection string that names no account endpoint and key is refused at start, not on the first request."""
    from shared.adapters.storage.connection_string import BadConnectionString, account_of

    try:
        for service in ("table", "queue"):
            account_of(connection, service)
    except BadConnectionString as error:
        raise ValueError(f"WEGROW_STORAGE_CONNECTION: {error}") from None
