"""The fixed values settings are checked against: environments, bot auth modes, field patterns, well-known
ids and hosts.

Plain constants and enums with no imports of our own, so :mod:`shared.config` and :mod:`shared.config_checks`
both build on them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field


class Environment(StrEnum):
    LOCAL = "local"
    AZURE = "azure"


class BotAuth(StrEnum):
    JWT = "jwt"
    ANONYMOUS = "anonymous"


Cron = Annotated[str, Field(pattern=r"^\S+( \S+){5}$")]
GUID = r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$"
# The manifest id of the package `make package` builds without WEGROW_TEAMS_APP_MANIFEST_ID (devstack/package_app.py,
# uuid5(NAMESPACE_DNS, "wegrow.local")); the Graph emulator's org catalog holds the WeGrow app under it.
LOCAL_TEAMS_APP_MANIFEST_ID = "7759898a-d19c-5e24-9bc1-2ddeb2ceebdd"
# The Bot Connector hosts Teams sends from and takes proactive messages on: public cloud (its regional variants,
# /amer/, /emea/, /apac/..., are paths on the same host), GCC, GCC High and DoD (the Agents SDK's
# TeamsServiceEndpoints / TeamsProactiveServiceEndpoints).
TEAMS_CONNECTOR_HOSTS = (
    "smba.trafficmanager.net",
    "smba.infra.gcc.teams.microsoft.com",
    "smba.infra.gov.teams.microsoft.us",
    "smba.infra.dod.teams.microsoft.us",
)
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# Set by the Functions host in Azure (App Service platform variables); never by the local runner.
AZURE_HOST_MARKERS = ("WEBSITE_INSTANCE_ID", "WEBSITE_SITE_NAME")
