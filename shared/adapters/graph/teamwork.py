"""Install the WeGrow Teams app for a user and find the bot's 1:1 chat (Graph teamwork).

``POST /users/{id}/teamwork/installedApps`` with ``teamsApp@odata.bind`` installs the app; 409 means
it is already installed, which is just as good. The installation is then found by its app id and
``installedApps/{installation}/chat`` gives the chat id. Permission (application):
``TeamsAppInstallation.ReadWriteSelfForUser.All``.

The POST is safe to retry: a second install answers 409 and is treated as success.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from shared.adapters.graph.retry import DEFAULT_POLICY, STATS, RetryPolicy, RetryStats, status_of, with_retries

if TYPE_CHECKING:
    from msgraph.generated.users.item.teamwork.installed_apps.installed_apps_request_builder import (
        InstalledAppsRequestBuilder,
    )
    from msgraph.graph_service_client import GraphServiceClient

CATALOG_BIND = "https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/{app_id}"
REFUSED_STATUSES = frozenset({403, 404})


class InstallRefused(Exception):
    """Graph will not install the app for this user (403: policy forbids it; 404: no such user)."""

    def __init__(self, status: int) -> None:
        super().__init__(f"Teams app install refused by Graph ({status})")
        self.status = status


@dataclass(frozen=True, slots=True)
class TeamsInstall:
    installation_id: str
    chat_id: str


class GraphTeamsInstaller:
    """Makes sure the app is installed for a user and returns the installation and its chat id."""

    def __init__(
        self,
        client: GraphServiceClient,
        teams_app_id: str,
        *,
        policy: RetryPolicy = DEFAULT_POLICY,
        stats: RetryStats = STATS,
    ) -> None:
        self._client = client
        self._app_id = teams_app_id
        self._policy = policy
        self._stats = stats

    async def install(self, user_id: str) -> TeamsInstall:
        """Install (or find the existing install) and read its chat; raises InstallRefused on 403/404."""
        try:
            installation_id = await self._install(user_id) or await self._find(user_id)
            if not installation_id:
                raise InstallRefused(404)
            return TeamsInstall(installation_id, await self._chat_id(user_id, installation_id))
        except InstallRefused:
            raise
        except Exception as error:
            status = status_of(error)
            if status in REFUSED_STATUSES:
                raise InstallRefused(status) from None
            raise

    def _apps(self, user_id: str) -> InstalledAppsRequestBuilder:
        return self._client.users.by_user_id(user_id).teamwork.installed_apps

    async def _install(self, user_id: str) -> str | None:
        """The new installation's id, or None when Graph says it is already installed (409)."""
        from msgraph.generated.models.user_scope_teams_app_installation import UserScopeTeamsAppInstallation

        body = UserScopeTeamsAppInstallation(
            additional_data={"teamsApp@odata.bind": CATALOG_BIND.format(app_id=self._app_id)}
        )
        try:
            created = await self._retry(lambda: self._apps(user_id).post(body))
        except Exception as error:
            if status_of(error) == 409:
                return None
            raise
        return str(created.id) if created is not None and created.id else None

    async def _find(self, user_id: str) -> str | None:
        from kiota_abstractions.base_request_configuration import RequestConfiguration
        from msgraph.generated.users.item.teamwork.installed_apps.installed_apps_request_builder import (
            InstalledAppsRequestBuilder,
        )

        query = InstalledAppsRequestBuilder.InstalledAppsRequestBuilderGetQueryParameters(
            filter=f"teamsApp/id eq '{self._app_id}'", expand=["teamsApp"]
        )
        config = RequestConfiguration(query_parameters=query)
        page = await self._retry(lambda: self._apps(user_id).get(request_configuration=config))
        found = [item.id for item in (page.value if page and page.value else []) if item.id]
        return str(found[0]) if found else None

    async def _chat_id(self, user_id: str, installation_id: str) -> str:
        builder = self._apps(user_id).by_user_scope_teams_app_installation_id(installation_id).chat
        chat = await self._retry(builder.get)
        if chat is None or not chat.id:
            raise InstallRefused(404)
        return str(chat.id)

    async def _retry(self, call: Any) -> Any:
        return await with_retries(call, policy=self._policy, stats=self._stats)
