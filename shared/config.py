"""Every environment variable WeGrow reads, in one place, validated at start.

A bad or missing value raises :class:`ConfigError` whose message is one line naming the
variable and what is expected. ``infra/`` must set exactly these app settings (a test checks).
The enums, patterns and well-known hosts are in :mod:`shared.config_values`; the checks across fields and the
URL rules in :mod:`shared.config_checks`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Self

from pydantic import Field, HttpUrl, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.config_checks import check_settings, connector_url_allowed
from shared.config_values import (
    GUID,
    LOCAL_TEAMS_APP_MANIFEST_ID,
    LOOPBACK_HOSTS,
    TEAMS_CONNECTOR_HOSTS,
    BotAuth,
    Cron,
    Environment,
)

ENV_PREFIX = "WEGROW_"


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


class Settings(BaseSettings):
    """Settings from ``WEGROW_*`` environment variables (and ``APPLICATIONINSIGHTS_CONNECTION_STRING``)."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", frozen=True)

    env: Environment = Field(Environment.LOCAL, description="local (emulators) or azure")
    graph_base_url: HttpUrl = Field(
        HttpUrl("https://graph.microsoft.com/v1.0"), description="Graph root, e.g. https://graph.microsoft.com/v1.0"
    )
    storage_connection: str | None = Field(
        None,
        description="Azure Storage connection string with AccountName and AccountKey (UseDevelopmentStorage=true: "
        "Azurite), checked at start; unset in Azure with managed identity",
    )
    storage_account: str | None = Field(None, description="storage account name for identity-based access")
    tenant_id: str | None = Field(None, description="Entra tenant id (GUID)")
    client_id: str | None = Field(None, description="app registration client id used for Graph")
    client_secret: SecretStr | None = Field(None, description="client secret; unset to use managed identity")
    managed_identity_client_id: str | None = Field(None, description="user-assigned identity client id")

    bot_app_id: str = Field("00000000-0000-0000-0000-000000000000", description="the bot's Entra app id")
    bot_app_secret: SecretStr | None = Field(None, description="the bot's client secret (Key Vault reference in Azure)")
    audit_key: SecretStr | None = Field(
        None, description="HMAC-SHA256 key for privacy audit subject references (Key Vault reference in Azure)"
    )
    bot_auth: BotAuth = Field(BotAuth.JWT, description="jwt (default) or anonymous (local stack only)")
    bot_openid_metadata_url: HttpUrl = Field(
        HttpUrl("https://login.botframework.com/v1/.well-known/openidconfiguration"),
        description="OpenID metadata URL whose JWKS signs incoming bot tokens",
    )
    bot_token_issuer: str = Field("https://api.botframework.com", description="expected issuer of bot tokens")
    bot_entra_openid_metadata_url: HttpUrl | None = Field(
        None,
        description="OpenID metadata of the tenant's Entra issuers for bot tokens (default: "
        "https://login.microsoftonline.com/<WEGROW_TENANT_ID>/v2.0/.well-known/openid-configuration)",
    )
    connector_url: HttpUrl = Field(
        HttpUrl("https://smba.trafficmanager.net/teams/"), description="Bot Connector service URL for proactive sends"
    )
    connector_hosts: str = Field(
        ",".join(TEAMS_CONNECTOR_HOSTS),
        min_length=1,
        description="comma-separated Bot Connector hosts proactive sends may go to (https; loopback is added "
        "only with WEGROW_ENV=local)",
    )
    teams_app_id: str = Field(
        LOCAL_TEAMS_APP_MANIFEST_ID,
        pattern=GUID,
        description="Teams app manifest id (GUID, the `id` in infra/appPackage/manifest.json); the org catalog "
        "id is looked up from it (an org catalog id is accepted too)",
    )

    public_base_url: HttpUrl | None = Field(
        None,
        description="the Function App's public https base (e.g. https://wegrow.azurewebsites.net), for Graph "
        "change notifications at /api/notifications; unset = no subscriptions, polling only (loopback http "
        "only with WEGROW_ENV=local)",
    )
    notification_secret: SecretStr | None = Field(
        None,
        min_length=32,
        description="key (32+ characters) for the clientState of Graph subscriptions (Key Vault reference in "
        "Azure); unset = no subscriptions, polling only",
    )
    subscribe_schedule: Cron = Field(
        "0 15 */6 * * *", description="NCRONTAB (6 fields) for creating and renewing Graph subscriptions"
    )

    card_email_sender: str | None = Field(
        None,
        pattern=r"^[^@\s,;]+@[^@\s,;]+$",
        description="UPN of the one mailbox that sends cards by email (Outlook actionable messages); unset = "
        "Teams only",
    )
    actionable_originator: str | None = Field(
        None, pattern=GUID, description="provider id (originator) of the registered Outlook actionable message provider"
    )

    learning_provider_ids: str = Field(
        "",
        pattern=r"^[\w\-, ]*$",
        description="comma-separated Viva Learning provider ids whose contents the outcome card suggests (listing "
        "providers is delegated-only in Graph); unset = no learning suggestions",
    )

    company_config: Path | None = Field(None, description="path to the company YAML (default: bundled)")
    pilot_group_id: str | None = Field(None, description="Entra group id that limits the pilot; unset = everyone")
    coach_pool: str = Field("", description="comma-separated UPNs of the coach pool")
    hr_drive_id: str = Field("hr", description="drive id (OneDrive/SharePoint) of the HR folder")
    hr_workbook_path: str = Field("WeGrow/hr-outcomes.xlsx", description="workbook path inside the HR drive")
    retention_days: int = Field(730, ge=30, le=3650, description="days to keep outcome records (30..3650)")
    card_lead_days: int = Field(3, ge=1, le=14, description="days before a conversation to send the prep card")
    card_expiry_days: int = Field(14, ge=1, le=90, description="days after a conversation when its cards expire")
    horizon_days: int = Field(120, ge=14, le=366, description="planning horizon in days")
    working_elsewhere_is_busy: bool = Field(
        False, description="count Outlook's 'working elsewhere' as busy when choosing times (default: free)"
    )

    sync_schedule: Cron = Field("0 0 2 * * *", description="NCRONTAB (6 fields) for org sync")
    plan_schedule: Cron = Field("0 30 2 * * *", description="NCRONTAB (6 fields) for planning")
    cards_schedule: Cron = Field("0 0 7 * * *", description="NCRONTAB (6 fields) for card fan-out")
    export_schedule: Cron = Field("0 */15 * * * *", description="NCRONTAB (6 fields) for the outbox sweep")

    applicationinsights_connection_string: str | None = Field(
        None, alias="APPLICATIONINSIGHTS_CONNECTION_STRING", description="Application Insights (Azure only)"
    )

    @model_validator(mode="after")
    def _storage_is_reachable(self) -> Self:
        check_settings(self)
        return self

    @property
    def card_email_enabled(self) -> bool:
        """Cards may go out by email: a sender mailbox and the registered originator are both set."""
        return bool(self.card_email_sender and self.actionable_originator)

    @property
    def notifications_enabled(self) -> bool:
        """Graph change notifications are on: a public base URL and a clientState key are both set."""
        return self.public_base_url is not None and self.notification_secret is not None

    @property
    def notification_url(self) -> str:
        """Where Graph POSTs change notifications (requires ``public_base_url``)."""
        assert self.public_base_url is not None, "WEGROW_PUBLIC_BASE_URL is not set"
        return f"{str(self.public_base_url).rstrip('/')}/api/notifications"

    @property
    def lifecycle_url(self) -> str:
        """Where Graph POSTs lifecycle notifications (reauthorizationRequired, subscriptionRemoved, missed)."""
        return f"{self.notification_url}/lifecycle"

    @property
    def notification_key(self) -> bytes:
        """``WEGROW_NOTIFICATION_SECRET`` as the bytes ``client_state_for``/``client_state_ok`` take (UTF-8)."""
        assert self.notification_secret is not None, "WEGROW_NOTIFICATION_SECRET is not set"
        return self.notification_secret.get_secret_value().encode()

    @property
    def connector_host_set(self) -> frozenset[str]:
        """Hosts proactive sends may reach: the allow-list, plus loopback on the local stack only."""
        hosts = frozenset(h.strip().lower() for h in self.connector_hosts.split(",") if h.strip())
        return hosts | LOOPBACK_HOSTS if self.env is Environment.LOCAL else hosts

    def connector_allowed(self, url: str) -> bool:
        return connector_url_allowed(url, self.connector_host_set)

    @property
    def bot_entra_metadata(self) -> str | None:
        """The tenant's Entra OpenID metadata for bot tokens (None without a tenant)."""
        if self.bot_entra_openid_metadata_url is not None:
            return str(self.bot_entra_openid_metadata_url)
        if not self.tenant_id:
            return None
        return f"https://login.microsoftonline.com/{self.tenant_id}/v2.0/.well-known/openid-configuration"

    @property
    def coach_upns(self) -> tuple[str, ...]:
        return tuple(u.strip().lower() for u in self.coach_pool.split(",") if u.strip())

    @property
    def learning_providers(self) -> tuple[str, ...]:
        return tuple(p.strip() for p in self.learning_provider_ids.split(",") if p.strip())

    @property
    def graph_root(self) -> str:
        return str(self.graph_base_url).rstrip("/")


def env_name(field: str) -> str:
    """The environment variable that sets ``field``."""
    info = Settings.model_fields[field]
    return info.alias or f"{ENV_PREFIX}{field.upper()}"


def setting_names() -> set[str]:
    """Every environment variable the code reads (used by the infra parity test)."""
    return {env_name(name) for name in Settings.model_fields}


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    loc = first["loc"]
    if not loc:
        return str(first["msg"]).removeprefix("Value error, ")
    field = str(loc[0])
    name = env_name(field) if field in Settings.model_fields else field
    expected = Settings.model_fields[field].description if field in Settings.model_fields else ""
    return f"{name}: {first['msg']}; expected {expected}" if expected else f"{name}: {first['msg']}"


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment; raise ConfigError with one line on a bad value."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        raise ConfigError(_describe(error)) from None
