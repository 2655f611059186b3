"""The credential for identity-based storage access in Azure (no connection string)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from azure.core.credentials import TokenCredential

    from shared.config import Settings


def storage_credential(settings: Settings) -> TokenCredential:
    """A user-assigned managed identity when its client id is set, else DefaultAzureCredential."""
    from azure.identity import DefaultAzureCredential, ManagedIdentityCredential

    if settings.managed_identity_client_id:
        return ManagedIdentityCredential(client_id=settings.managed_identity_client_id)
    return DefaultAzureCredential()


def account_endpoint(settings: Settings, service: str) -> str:
    """``https://{account}.{service}.core.windows.net`` for the configured storage account."""
    if not settings.storage_account:
        raise ValueError("WEGROW_STORAGE_ACCOUNT: expected a storage account name when no connection string is set")
    return f"https://{settings.storage_account}.{service}.core.windows.net"
