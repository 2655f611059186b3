"""The msgraph-sdk client factory: one ``GraphServiceClient`` per process, built on first use.

Locally (``WEGROW_ENV=local``) the client talks to the Graph emulator at ``WEGROW_GRAPH_BASE_URL``
with kiota's ``AnonymousAuthenticationProvider``. In Azure it uses an async azure-identity
credential (``ClientSecretCredential`` when ``WEGROW_CLIENT_SECRET`` is set, else
``ManagedIdentityCredential``) through ``AzureIdentityAuthenticationProvider`` with the scope
``https://<graph host>/.default`` (``https://graph.microsoft.com/.default`` for the public cloud).

Retries: the SDK's RetryHandler is switched off (``RetryHandlerOption(should_retry=False)``) and
``shared.adapters.graph.retry`` owns every retry. One policy in one place means one bound on
attempts, one cap on Retry-After, one retry counter for reports, and the same handling for
throttled ``$batch`` items (which never reach the HTTP middleware as a 429). The SDK's handler
also gives up silently on Retry-After >= 180 s, which we want to cap and see instead.

We start from the SDK's default middleware options (``msgraph.graph_request_adapter.options``) and
only add the retry option, so the URL-replace (``/me``) and telemetry options stay in place.

Cold start: importing msgraph costs ~140 ms and ~33 MiB, so every SDK import sits inside a
function; importing this module does no work.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    import httpx
    from kiota_abstractions.authentication import AuthenticationProvider
    from msgraph.graph_service_client import GraphServiceClient

    from shared.config import Settings

    GraphClient = GraphServiceClient  # the name the composition root types with (only this package names msgraph)

DEFAULT_TIMEOUT_SECONDS = 30.0
CONNECT_TIMEOUT_SECONDS = 5.0


def graph_scope(settings: Settings) -> str:
    """The app-only scope for the Graph host named by the settings."""
    host = urlsplit(settings.graph_root).netloc or "graph.microsoft.com"
    return f"https://{host}/.default"


def middleware_options() -> dict[str, Any]:
    """The SDK's default middleware options with its RetryHandler switched off (tenacity retries)."""
    from kiota_http.middleware.options import RetryHandlerOption
    from msgraph.graph_request_adapter import options as sdk_defaults

    options: dict[str, Any] = dict(sdk_defaults)
    options[RetryHandlerOption.get_key()] = RetryHandlerOption(max_retries=0, should_retry=False)
    return options


def _credential(settings: Settings) -> Any:
    """An async azure-identity credential: client secret when configured, else managed identity."""
    from azure.identity.aio import ClientSecretCredential, ManagedIdentityCredential

    if settings.client_secret:
        if not settings.tenant_id or not settings.client_id:
            raise ValueError("WEGROW_TENANT_ID and WEGROW_CLIENT_ID are required with WEGROW_CLIENT_SECRET")
        return ClientSecretCredential(settings.tenant_id, settings.client_id, settings.client_secret.get_secret_value())
    return ManagedIdentityCredential(client_id=settings.managed_identity_client_id)


def auth_provider(settings: Settings) -> AuthenticationProvider:
    """Anonymous locally (the emulator needs no token); azure-identity in Azure."""
    from shared.config_values import Environment

    if settings.env is Environment.LOCAL:
        from kiota_abstractions.authentication import AnonymousAuthenticationProvider

        return AnonymousAuthenticationProvider()
    from kiota_authentication_azure.azure_identity_authentication_provider import (
        AzureIdentityAuthenticationProvider,
    )

    host = urlsplit(settings.graph_root).hostname or "graph.microsoft.com"
    return AzureIdentityAuthenticationProvider(
        _credential(settings), scopes=[graph_scope(settings)], allowed_hosts=[host]
    )


def build_graph_client(
    settings: Settings,
    *,
    http_client: httpx.AsyncClient | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> GraphServiceClient:
    """A new client for ``settings.graph_root``.

    Tests may inject an ``httpx.AsyncClient`` or just a transport (e.g. ``httpx.MockTransport`` or
    an ASGI transport); the SDK's middleware (minus its retry) is loaded onto it either way.
    """
    import httpx
    from msgraph.graph_request_adapter import GraphRequestAdapter
    from msgraph.graph_service_client import GraphServiceClient
    from msgraph_core import GraphClientFactory

    if http_client is None:
        timeout = httpx.Timeout(DEFAULT_TIMEOUT_SECONDS, connect=CONNECT_TIMEOUT_SECONDS)
        http_client = httpx.AsyncClient(timeout=timeout, transport=transport)
    http_client = GraphClientFactory.create_with_default_middleware(client=http_client, options=middleware_options())
    adapter = GraphRequestAdapter(auth_provider(settings), client=http_client)
    adapter.base_url = settings.graph_root
    return GraphServiceClient(request_adapter=adapter)


@cache
def graph_client(settings: Settings) -> GraphServiceClient:
    """The process-wide client for these settings (built on first call, then reused)."""
    return build_graph_client(settings)


async def aclose_graph_client(client: GraphServiceClient) -> None:
    """Close the client's connections.

    msgraph-core wraps the httpx transport in ``AsyncGraphTransport``, which does not forward
    ``aclose()``, so closing the httpx client alone leaves the pooled sockets open. Close both.
    """
    http: Any = getattr(client.request_adapter, "_http_client", None)
    if http is None:
        return
    outer = getattr(http, "_transport", None)
    inner = getattr(outer, "transport", None)
    if inner is not None and hasattr(inner, "aclose"):
        await inner.aclose()
    await http.aclose()
