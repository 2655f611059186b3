"""Settings: one clear line naming the variable for each bad value."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from devstack.package_app import LOCAL_MANIFEST_ID
from shared.config import ConfigError, load_settings, setting_names
from shared.config_values import Environment

pytestmark = pytest.mark.unit


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in setting_names():
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WEGROW_STORAGE_CONNECTION", "UseDevelopmentStorage=true")
    return monkeypatch


def test_defaults_are_local_and_valid(env: pytest.MonkeyPatch) -> None:
    settings = load_settings()
    assert settings.env is Environment.LOCAL
    assert settings.graph_root == "https://graph.microsoft.com/v1.0"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("WEGROW_RETENTION_DAYS", "forever"),
        ("WEGROW_RETENTION_DAYS", "5"),
        ("WEGROW_GRAPH_BASE_URL", "not a url"),
        ("WEGROW_ENV", "production"),
        ("WEGROW_SYNC_SCHEDULE", "every day"),
        ("WEGROW_BOT_AUTH", "none"),
        ("WEGROW_TEAMS_APP_ID", "wegrow-teams-app"),
    ],
)
def test_bad_value_names_the_variable_in_one_line(env: pytest.MonkeyPatch, name: str, value: str) -> None:
    env.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith(f"{name}: ")
    assert "\n" not in message
    assert "expected" in message


def test_missing_storage_is_named(env: pytest.MonkeyPatch) -> None:
    env.delenv("WEGROW_STORAGE_CONNECTION")
    with pytest.raises(ConfigError, match=r"^WEGROW_STORAGE_CONNECTION: "):
        load_settings()


def test_anonymous_bot_refused_in_azure(env: pytest.MonkeyPatch) -> None:
    env.setenv("WEGROW_ENV", "azure")
    env.setenv("WEGROW_BOT_AUTH", "anonymous")
    with pytest.raises(ConfigError, match=r"^WEGROW_BOT_AUTH: anonymous"):
        load_settings()


def test_graph_base_url_points_anywhere(env: pytest.MonkeyPatch) -> None:
    env.setenv("WEGROW_GRAPH_BASE_URL", "http://127.0.0.1:8123/v1.0/")
    assert load_settings().graph_root == "http://127.0.0.1:8123/v1.0"


def test_the_teams_app_id_defaults_to_the_local_package_manifest_id(env: pytest.MonkeyPatch) -> None:
    """The emulator's org catalog holds WeGrow under this manifest id, so the local stack installs it."""
    assert load_settings().teams_app_id == LOCAL_MANIFEST_ID


def test_the_teams_app_id_takes_a_manifest_or_catalog_guid(env: pytest.MonkeyPatch) -> None:
    env.setenv("WEGROW_TEAMS_APP_ID", "5D0C5A3E-58A4-4C38-9A6A-0F8B0F9E7D21")
    assert load_settings().teams_app_id == "5D0C5A3E-58A4-4C38-9A6A-0F8B0F9E7D21"


# ------------------------------------------------------------------ trust settings (issue 18)


@pytest.mark.parametrize("marker", ["WEBSITE_INSTANCE_ID", "WEBSITE_SITE_NAME"])
def test_anonymous_bot_refused_when_the_functions_host_runs_in_azure(env: pytest.MonkeyPatch, marker: str) -> None:
    env.setenv(marker, "wegrow-func")
    env.setenv("WEGROW_BOT_AUTH", "anonymous")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith("WEGROW_BOT_AUTH: anonymous is refused") and marker in message and "\n" not in message


def test_local_env_is_no_silent_default_in_azure(env: pytest.MonkeyPatch) -> None:
    """WEGROW_ENV unset in Azure would mean local: loopback connectors and anonymous Graph. Refused."""
    env.setenv("WEBSITE_INSTANCE_ID", "abc123")
    with pytest.raises(ConfigError, match=r"^WEGROW_ENV: local is refused: .*WEBSITE_INSTANCE_ID"):
        load_settings()
    env.setenv("WEGROW_ENV", "azure")
    assert load_settings().env is Environment.AZURE


def test_the_bot_secret_is_a_secret(env: pytest.MonkeyPatch) -> None:
    env.setenv("WEGROW_BOT_APP_SECRET", "hunter2-bot")
    settings = load_settings()
    assert isinstance(settings.bot_app_secret, SecretStr)
    assert settings.bot_app_secret.get_secret_value() == "hunter2-bot"
    assert "hunter2-bot" not in repr(settings) and "hunter2-bot" not in str(settings.model_dump())


def test_connector_hosts_default_to_teams_and_add_loopback_only_locally(env: pytest.MonkeyPatch) -> None:
    local = load_settings()
    assert {"smba.trafficmanager.net", "smba.infra.gcc.teams.microsoft.com"} <= local.connector_host_set
    assert local.connector_allowed("https://smba.trafficmanager.net/emea/")
    assert local.connector_allowed("http://127.0.0.1:8123/")
    assert not local.connector_allowed("http://smba.trafficmanager.net/teams/")  # plain http only on loopback
    assert not local.connector_allowed("https://evil.example/teams/")
    env.setenv("WEGROW_ENV", "azure")
    env.setenv("WEGROW_STORAGE_ACCOUNT", "wegrow")
    azure = load_settings()
    assert "127.0.0.1" not in azure.connector_host_set
    assert not azure.connector_allowed("http://127.0.0.1:8123/")


def test_a_connector_url_off_the_allow_list_is_refused_at_start(env: pytest.MonkeyPatch) -> None:
    env.setenv("WEGROW_CONNECTOR_URL", "https://evil.example/teams/")
    with pytest.raises(ConfigError, match=r"^WEGROW_CONNECTOR_URL: "):
        load_settings()
    env.setenv("WEGROW_ENV", "azure")
    env.setenv("WEGROW_CONNECTOR_URL", "http://127.0.0.1:9/")
    with pytest.raises(ConfigError, match=r"^WEGROW_CONNECTOR_URL: "):
        load_settings()


def test_the_entra_metadata_follows_the_tenant(env: pytest.MonkeyPatch) -> None:
    assert load_settings().bot_entra_metadata is None
    env.setenv("WEGROW_TENANT_ID", "00000000-0000-0000-0000-0000000000aa")
    assert load_settings().bot_entra_metadata == (
        "https://login.microsoftonline.com/00000000-0000-0000-0000-0000000000aa/v2.0/.well-known/openid-configuration"
    )
