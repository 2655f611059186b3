"""Settings: one clear line naming the variable for each bad value."""

from __future__ import annotations

import pytest

from devstack.package_app import LOCAL_MANIFEST_ID
from shared.config import ConfigError, Environment, load_settings, setting_names

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
