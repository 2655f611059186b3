"""Settings for Graph change notifications: WEGROW_PUBLIC_BASE_URL, WEGROW_NOTIFICATION_SECRET and the URLs."""

from __future__ import annotations

import pytest

from shared.config import ConfigError, load_settings, setting_names

pytestmark = pytest.mark.unit

SECRET = "k" * 32


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in setting_names():
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WEGROW_STORAGE_CONNECTION", "UseDevelopmentStorage=true")
    return monkeypatch


def test_notifications_are_off_by_default(env: pytest.MonkeyPatch) -> None:
    settings = load_settings()
    assert settings.public_base_url is None and settings.notification_secret is None
    assert not settings.notifications_enabled
    assert settings.subscribe_schedule == "0 15 */6 * * *"


def test_an_https_base_gives_the_notification_and_lifecycle_urls(env: pytest.MonkeyPatch) -> None:
    env.setenv("WEGROW_ENV", "azure")
    env.setenv("WEGROW_PUBLIC_BASE_URL", "https://func-wegrow.azurewebsites.net/")
    env.setenv("WEGROW_NOTIFICATION_SECRET", SECRET)
    settings = load_settings()
    assert settings.notifications_enabled
    assert settings.notification_url == "https://func-wegrow.azurewebsites.net/api/notifications"
    assert settings.lifecycle_url == "https://func-wegrow.azurewebsites.net/api/notifications/lifecycle"
    assert settings.notification_key == SECRET.encode()


def test_both_settings_are_needed_to_turn_notifications_on(env: pytest.MonkeyPatch) -> None:
    env.setenv("WEGROW_PUBLIC_BASE_URL", "https://wegrow.example")
    assert not load_settings().notifications_enabled
    env.delenv("WEGROW_PUBLIC_BASE_URL")
    env.setenv("WEGROW_NOTIFICATION_SECRET", SECRET)
    assert not load_settings().notifications_enabled


@pytest.mark.parametrize("base", ["http://127.0.0.1:7071", "http://localhost:7071/"])
def test_loopback_http_is_allowed_only_locally(env: pytest.MonkeyPatch, base: str) -> None:
    env.setenv("WEGROW_PUBLIC_BASE_URL", base)
    assert load_settings().notification_url.startswith("http://")
    env.setenv("WEGROW_ENV", "azure")
    with pytest.raises(ConfigError, match=r"^WEGROW_PUBLIC_BASE_URL: expected an https URL"):
        load_settings()


@pytest.mark.parametrize(
    "base",
    [
        "http://wegrow.example",  # plain http off loopback, even locally
        "https://user:pass@wegrow.example",  # credentials
        "https://wegrow.example/?code=abc",  # a query (a function key would end up in Graph's subscription)
        "https://wegrow.example/#frag",
    ],
)
def test_unsafe_public_urls_are_refused_in_one_line(env: pytest.MonkeyPatch, base: str) -> None:
    env.setenv("WEGROW_PUBLIC_BASE_URL", base)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert str(caught.value).startswith("WEGROW_PUBLIC_BASE_URL: ") and "\n" not in str(caught.value)


def test_a_short_notification_secret_is_refused(env: pytest.MonkeyPatch) -> None:
    env.setenv("WEGROW_NOTIFICATION_SECRET", "short")
    with pytest.raises(ConfigError, match=r"^WEGROW_NOTIFICATION_SECRET: "):
        load_settings()


def test_the_notification_secret_is_never_printed(env: pytest.MonkeyPatch) -> None:
    env.setenv("WEGROW_NOTIFICATION_SECRET", SECRET)
    assert SECRET not in repr(load_settings())
