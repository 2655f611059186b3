"""Install the WeGrow Teams app for a user (Graph teamwork), so the bot may open a 1:1 conversation with them.

The setting holds the app's manifest id. The org catalog gives an uploaded app an id of its own, which is
what ``teamsApp@odata.bind`` needs, so the installer looks it up once (``GET /appCatalogs/teamsApps?$filter=
externalId eq '<manifest id>'``, then ``id eq`` so that a catalog id in the setting still works) and keeps it.
An empty answer raises ``AppNotPublished``: a Teams admin must upload the app; retrying cannot help. This is
the flow in learn.microsoft.com/microsoftteams/platform/graph-api/proactive-bots-and-messages/
graph-proactive-bots-and-messages ("Get the teamsAppId of your app").

``POST /users/{id}/teamwork/installedApps`` with ``teamsApp@odata.bind`` installs the app; 409 means it is
already installed, which is just as good. That is all a card needs: the messenger then opens the conversation on
the Bot Connector (``create_conversation``), which answers with the conversation's id, so neither the installation's
id nor its chat (``GET .../installedApps/{id}/chat``) is read. Permissions (application): ``AppCatalog.Read.All``
(the lookup) and ``TeamsAppInstallation.ReadWriteSelfForUser.All``.

The POST is safe to retry: a second install answers 409 and is treated as success.

The install joins its URL here with the percent-encoding the SDK's URI template applies (every character of an
id but the unreserved ones; the template expansion, ``stduritemplate``, took about 14% of a first card's CPU), and
the installs of recipients handled at the same time go together in one JSON ``$batch`` (:mod:`coalesce`) through
the SDK's request adapter (auth, middleware, base URL): each caller still gets its own answer or status, under its
own retries. The catalog lookup, once per process, keeps the request builder.
"""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from shared.adapters.graph.coalesce import Coalescer
from shared.adapters.graph.raw import send_json
from shared.adapters.graph.retry import DEFAULT_POLICY, STATS, RetryPolicy, RetryStats, status_of, with_retries
from shared.adapters.graph.wire import objects, text

if TYPE_CHECKING:
    from kiota_abstractions.request_information import RequestInformation
    from msgraph.graph_service_client import GraphServiceClient

CATALOG_BIND = "https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/{app_id}"
REFUSED_STATUSES = frozenset({403, 404})
ORG_CATALOG = "organization"  # teamsApp.distributionMethod of an app uploaded to the org catalog


class InstallRefused(Exception):
    """Graph will not install the app for this user (403: policy forbids it; 404: no such user)."""

    def __init__(self, status: int) -> None:
        super().__init__(f"Teams app install refused by Graph ({status})")
        self.status = status


class AppNotPublished(Exception):
    """Permanent: the org app catalog has no app with this manifest id, so it cannot be installed for anyone."""

    def __init__(self, manifest_id: str) -> None:
        super().__init__(
            f"The WeGrow Teams app (manifest id {manifest_id}) is not published to the organization's app "
            "catalog: a Teams admin must upload the app package (Teams admin center > Teams apps > Manage apps > "
            "Upload new app; docs/deploy.md). Retrying will not help until then."
        )
        self.manifest_id = manifest_id


class CatalogUnreadable(Exception):
    """Permanent: Graph refused to read the app catalog (403), so the app lacks AppCatalog.Read.All consent."""

    def __init__(self) -> None:
        super().__init__(
            "Graph refused to read the Teams app catalog (403): grant the app the AppCatalog.Read.All application "
            "permission with admin consent (docs/permissions.md)."
        )


class GraphTeamsInstaller:
    """Makes sure the app is installed for a user."""

    def __init__(
        self,
        client: GraphServiceClient,
        manifest_id: str,
        *,
        policy: RetryPolicy = DEFAULT_POLICY,
        stats: RetryStats = STATS,
    ) -> None:
        self._client = client
        self._manifest_id = manifest_id
        self._catalog_id: str | None = None
        self._lookup: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = None
        self._policy = policy
        self._stats = stats
        self._batches = Coalescer(self._post_batch)

    async def catalog_id(self) -> str:
        """The app's org catalog id, looked up on first use and kept; raises AppNotPublished when absent."""
        if self._catalog_id is None:
            async with self._lookup_lock():
                if self._catalog_id is None:
                    self._catalog_id = await self._look_up()
        return self._catalog_id

    def _lookup_lock(self) -> asyncio.Lock:
        """One lookup at a time per event loop (an asyncio.Lock belongs to the loop it first waits on)."""
        loop = asyncio.get_running_loop()
        if self._lookup is None or self._lookup[0] is not loop:
            self._lookup = (loop, asyncio.Lock())
        return self._lookup[1]

    async def _look_up(self) -> str:
        literal = self._manifest_id.replace("'", "''")
        for field in ("externalId", "id"):
            found = await self._catalog_apps(f"{field} eq '{literal}'")
            if found:
                return found
        raise AppNotPublished(self._manifest_id)

    async def _catalog_apps(self, filter_: str) -> str | None:
        """The id of the catalog app matching ``filter_``, an org catalog one first; None when there is none."""
        from kiota_abstractions.base_request_configuration import RequestConfiguration
        from msgraph.generated.app_catalogs.teams_apps.teams_apps_request_builder import TeamsAppsRequestBuilder

        query = TeamsAppsRequestBuilder.TeamsAppsRequestBuilderGetQueryParameters(filter=filter_)
        config = RequestConfiguration(query_parameters=query)
        try:
            page = await self._retry(lambda: self._get(self._client.app_catalogs.teams_apps, config))
        except Exception as error:
            if status_of(error) == 403:
                raise CatalogUnreadable from None
            raise
        apps = [app for app in objects(page, "value") if text(app, "id")]
        apps.sort(key=lambda app: text(app, "distributionMethod") != ORG_CATALOG)
        return text(apps[0], "id") if apps else None

    async def install(self, user_id: str) -> None:
        """Install the app for the user; already installed (409) is just as good.

        Raises InstallRefused on 403/404 for this user, AppNotPublished or CatalogUnreadable for everyone.
        """
        app_id = await self.catalog_id()
        body = {"teamsApp@odata.bind": CATALOG_BIND.format(app_id=app_id)}
        try:
            await self._retry(lambda: self._send("POST", _apps_path(user_id), body))
        except Exception as error:
            status = status_of(error)
            if status == 409:
                return
            if status in REFUSED_STATUSES:
                raise InstallRefused(status) from None
            raise

    async def _send(self, method: str, path: str, body: Any = None) -> Any:
        """``method`` on ``path`` (relative to the version root), batched with the requests made meanwhile."""
        return await self._batches.request(method, path, body)

    async def _post_batch(self, batch: dict[str, Any]) -> Any:
        """One ``POST /$batch`` through the SDK's request adapter; its JSON answer."""
        return await send_json(
            self._client, _url_request(self._client.request_adapter.base_url, "POST", "/$batch", batch)
        )

    async def _get(self, builder: Any, config: Any) -> Any:
        """GET the builder's URL (with ``config``'s query and headers); the JSON answer, read by :mod:`wire`."""
        return await send_json(self._client, builder.to_get_request_information(config))

    async def _retry(self, call: Any) -> Any:
        return await with_retries(call, policy=self._policy, stats=self._stats)


def _encoded(value: str) -> str:
    """One path segment or query value, percent-encoded as the SDK's URI templates do (unreserved characters kept)."""
    return quote(value, safe="")


def _apps_path(user_id: str) -> str:
    return f"/users/{_encoded(user_id)}/teamwork/installedApps"


def _url_request(base_url: str, method: str, path: str, body: Any = None) -> RequestInformation:
    """A request whose URL is set directly (kiota then skips its URI template), asking for JSON."""
    from kiota_abstractions.method import Method
    from kiota_abstractions.request_information import RequestInformation

    request = RequestInformation(Method[method])
    request.url = base_url.rstrip("/") + path
    request.headers.try_add("Accept", "application/json")
    if body is not None:
        request.set_stream_content(json.dumps(body).encode(), "application/json")
    return request
