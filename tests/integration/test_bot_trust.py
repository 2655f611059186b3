"""POST /api/messages trust boundaries: who is speaking (channel, tenant, key endorsements, issuer), from where
(the token's serviceurl), in which conversation, and how much. Each forged case is refused with nothing stored.

Real JWT validation against keys served on loopback (tests/fixtures/jwks.py), the function from function_app.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest

from shared.adapters.teams.auth import JwtAuthenticator
from shared.adapters.teams.signing_keys import KeySet
from shared.config import load_settings
from shared.container import Container
from shared.services.agenda_store import load_agenda
from shared.services.card_records import CardKind, CardStatus, find_card
from tests.fixtures.bot_container import install_bot_container
from tests.fixtures.jwks import (
    ENTRA_V1_ISSUER,
    ENTRA_V2_ISSUER,
    OTHER_TENANT_ID,
    TENANT_ID,
    KeyServer,
)
from tests.integration.test_bot_endpoint import ADA, NOW, action, message, post, replies, sent_card

pytestmark = pytest.mark.integration

NEED = "add a micro-need: forged, never stored"


@pytest.fixture
def env(bot_jwks: KeyServer, monkeypatch: pytest.MonkeyPatch) -> Container:
    return install_bot_container(monkeypatch, bot_jwks.metadata_url, NOW)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def nothing_stored(container: Container) -> bool:
    return load_agenda(container.store, ADA).items == () and container.queues.receive("send-card") == []


def _without(activity: dict[str, Any], *path: str) -> dict[str, Any]:
    node = activity
    for key in path[:-1]:
        node = node[key]
    node.pop(path[-1])
    return activity


FORGED: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "webchat channel": lambda a: a | {"channelId": "webchat"},
    "directline channel": lambda a: a | {"channelId": "directline"},
    "foreign tenant in channelData": lambda a: a | {"channelData": {"tenant": {"id": OTHER_TENANT_ID}}},
    "no tenant in channelData": lambda a: _without(a, "channelData"),
    "foreign conversation.tenantId": lambda a: a | {"conversation": {**a["conversation"], "tenantId": OTHER_TENANT_ID}},
    "mismatched serviceUrl": lambda a: a | {"serviceUrl": "https://evil.example/teams/"},
    "group conversation": lambda a: a | {"conversation": {**a["conversation"], "conversationType": "groupChat"}},
    "channel conversation": lambda a: a | {"conversation": {**a["conversation"], "conversationType": "channel"}},
    "missing conversation type": lambda a: _without(a, "conversation", "conversationType"),
}


@pytest.mark.parametrize("forge", list(FORGED.values()), ids=list(FORGED))
async def test_forged_message_is_403_and_nothing_is_stored(env: Container, bot_jwks: KeyServer, forge: Any) -> None:
    response = await post(forge(message(ADA, NEED)), bot_jwks.header())
    assert response.status_code == 403, response.get_body()
    assert "error" in json.loads(response.get_body())
    assert nothing_stored(env)


@pytest.mark.parametrize("forge", list(FORGED.values()), ids=list(FORGED))
async def test_forged_card_action_is_403_and_the_card_is_untouched(
    env: Container, bot_jwks: KeyServer, forge: Any
) -> None:
    card = sent_card(env, CardKind.PREP, ADA)
    response = await post(
        forge(action(ADA, "prep.submit", {"cardId": card, "newMicroNeed": "forged"})), bot_jwks.header()
    )
    assert response.status_code == 403
    stored = find_card(env.store, card)
    assert stored is not None and stored.status is CardStatus.SENT
    assert nothing_stored(env)


async def test_token_without_serviceurl_is_refused(env: Container, bot_jwks: KeyServer) -> None:
    response = await post(message(ADA, NEED), bot_jwks.header(serviceurl=None))
    assert response.status_code == 403 and nothing_stored(env)


async def test_token_for_another_serviceurl_is_refused(env: Container, bot_jwks: KeyServer) -> None:
    response = await post(message(ADA, NEED), bot_jwks.header(serviceurl="https://smba.trafficmanager.net/emea/"))
    assert response.status_code == 403 and nothing_stored(env)


# ------------------------------------------------------------------ endorsements


async def test_a_key_that_does_not_endorse_teams_is_refused(
    fresh_jwks: KeyServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    container = install_bot_container(monkeypatch, fresh_jwks.metadata_url, NOW)
    fresh_jwks.endorsements = ["webchat", "directline"]
    response = await post(message(ADA, NEED), fresh_jwks.header())
    assert response.status_code == 403 and nothing_stored(container)


async def test_a_bot_framework_key_without_endorsements_is_refused(
    fresh_jwks: KeyServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    container = install_bot_container(monkeypatch, fresh_jwks.metadata_url, NOW)
    fresh_jwks.endorsements = None
    response = await post(message(ADA, NEED), fresh_jwks.header())
    assert response.status_code == 403 and nothing_stored(container)


async def test_a_key_endorsing_teams_among_others_is_accepted(
    fresh_jwks: KeyServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_bot_container(monkeypatch, fresh_jwks.metadata_url, NOW)
    fresh_jwks.endorsements = ["webchat", "msteams", "skype"]
    response = await post(message(ADA, "help"), fresh_jwks.header())
    assert response.status_code == 200 and "add a micro-need" in replies(response)


# ------------------------------------------------------------------ issuers


@pytest.mark.parametrize("issuer", [ENTRA_V2_ISSUER, ENTRA_V1_ISSUER], ids=["entra v2", "entra v1 (sts)"])
async def test_the_tenants_entra_issuers_are_accepted(env: Container, bot_jwks: KeyServer, issuer: str) -> None:
    response = await post(message(ADA, "add a micro-need: via Entra"), bearer(bot_jwks.entra_token(iss=issuer)))
    assert response.status_code == 200, response.get_body()
    assert [i.text for i in load_agenda(env.store, ADA).items] == ["via Entra"]


async def test_the_bot_framework_issuer_is_accepted(env: Container, bot_jwks: KeyServer) -> None:
    assert (await post(message(ADA, "help"), bot_jwks.header())).status_code == 200


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(
            lambda k: k.entra_token(iss=f"https://login.microsoftonline.com/{OTHER_TENANT_ID}/v2.0"),
            id="other tenant v2",
        ),
        pytest.param(lambda k: k.entra_token(iss=f"https://sts.windows.net/{OTHER_TENANT_ID}/"), id="other tenant v1"),
        pytest.param(lambda k: k.entra_token(iss="https://login.microsoftonline.com/common/v2.0"), id="common"),
        pytest.param(lambda k: k.entra_token(iss="https://api.botframework.us"), id="gov bot framework"),
        pytest.param(lambda k: k.entra_token(iss=ENTRA_V2_ISSUER, tid=OTHER_TENANT_ID), id="tid of another tenant"),
        pytest.param(lambda k: k.token(iss=ENTRA_V2_ISSUER), id="entra issuer, bot framework key"),
        pytest.param(lambda k: k.entra_token(iss="https://api.botframework.com"), id="bot framework issuer, entra key"),
    ],
)
async def test_other_issuers_and_key_sets_are_401(env: Container, bot_jwks: KeyServer, make_token: Any) -> None:
    response = await post(message(ADA, NEED), bearer(make_token(bot_jwks)))
    assert response.status_code == 401
    assert nothing_stored(env)


async def test_entra_issuers_are_not_trusted_without_a_tenant(
    bot_jwks: KeyServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_bot_container(monkeypatch, bot_jwks.metadata_url, NOW, tenant_id=None)
    response = await post(message(ADA, NEED), bearer(bot_jwks.entra_token()))
    assert response.status_code == 401


async def test_without_a_tenant_setting_every_activity_is_refused(
    bot_jwks: KeyServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    container = install_bot_container(monkeypatch, bot_jwks.metadata_url, NOW, tenant_id=None)
    response = await post(message(ADA, NEED), bot_jwks.header())
    assert response.status_code == 403 and nothing_stored(container)


# ------------------------------------------------------------------ signing keys refresh with the key set


class Ticks:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def bot_framework_keys(container: Container) -> KeySet:
    authenticator = container.bot.authenticator
    assert isinstance(authenticator, JwtAuthenticator)
    return authenticator.key_sets[0]


async def test_key_rotation_is_picked_up_and_the_old_key_dropped(
    fresh_jwks: KeyServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    container = install_bot_container(monkeypatch, fresh_jwks.metadata_url, NOW)
    keys, ticks = bot_framework_keys(container), Ticks()
    keys.clock = ticks
    old_token = fresh_jwks.token()
    assert (await post(message(ADA, "help"), bearer(old_token))).status_code == 200
    assert fresh_jwks.jwks_fetches == 1

    old_key = fresh_jwks.rotate("rotated-key")
    new_token = fresh_jwks.token()
    # Within a minute of the last read, an unknown kid does not make the app fetch again (no fetch amplification).
    for _ in range(5):
        assert (await post(message(ADA, "help"), bearer(new_token))).status_code == 401
    assert fresh_jwks.jwks_fetches == 1

    ticks.now += 61
    assert (await post(message(ADA, "help"), bearer(new_token))).status_code == 200
    assert fresh_jwks.jwks_fetches == 2
    # The retired key is gone with the key set it came from: a token it signs is no longer trusted.
    assert (await post(message(ADA, "help"), bearer(old_token))).status_code == 401
    forged = fresh_jwks.token(key=old_key, kid="wegrow-test-key")
    assert (await post(message(ADA, NEED), bearer(forged))).status_code == 401
    assert nothing_stored(container)


async def test_the_key_set_is_read_again_once_a_day(fresh_jwks: KeyServer, monkeypatch: pytest.MonkeyPatch) -> None:
    container = install_bot_container(monkeypatch, fresh_jwks.metadata_url, NOW)
    keys, ticks = bot_framework_keys(container), Ticks()
    keys.clock = ticks
    assert (await post(message(ADA, "help"), fresh_jwks.header())).status_code == 200
    ticks.now += 3600
    assert (await post(message(ADA, "help"), fresh_jwks.header())).status_code == 200
    assert fresh_jwks.jwks_fetches == 1
    fresh_jwks.endorsements = ["webchat"]  # the published key set changes; the app sees it on its daily read
    ticks.now += 24 * 3600
    assert (await post(message(ADA, "help"), fresh_jwks.header())).status_code == 403
    assert fresh_jwks.jwks_fetches == 2


# ------------------------------------------------------------------ size


async def test_an_over_size_body_is_413_before_parsing(env: Container, bot_jwks: KeyServer) -> None:
    big = message(ADA, "add a micro-need: " + "x" * (256 * 1024))
    response = await post(big, bot_jwks.header())
    assert response.status_code == 413 and nothing_stored(env)
    garbage = b"{" + b"x" * (256 * 1024 + 1)  # not JSON: refused for its size, never parsed
    assert (await post(garbage, bot_jwks.header())).status_code == 413


async def test_a_body_at_the_limit_is_parsed(env: Container, bot_jwks: KeyServer) -> None:
    body = message(ADA, "help")
    raw = json.dumps(body).encode()
    padded = raw[:-1] + b" " * (256 * 1024 - len(raw)) + b"}"
    assert len(padded) == 256 * 1024
    assert (await post(padded, bot_jwks.header())).status_code == 200


async def test_a_declared_over_size_length_is_413(env: Container, bot_jwks: KeyServer) -> None:
    headers = {**bot_jwks.header(), "Content-Length": str(10 * 1024 * 1024)}
    assert (await post(message(ADA, NEED), headers)).status_code == 413


# ------------------------------------------------------------------ anonymous (local stack) runs the same checks


@pytest.fixture
def anonymous(monkeypatch: pytest.MonkeyPatch) -> Container:
    return install_bot_container(monkeypatch, "http://127.0.0.1:9/v1/.well-known/openidconfiguration", NOW,
                                 bot_auth="anonymous")  # fmt: skip


@pytest.mark.parametrize(
    "forge",
    [FORGED["webchat channel"], FORGED["foreign tenant in channelData"], FORGED["group conversation"]],
    ids=["webchat", "foreign tenant", "group"],
)
async def test_anonymous_local_auth_refuses_the_same_forgeries(anonymous: Container, forge: Any) -> None:
    assert (await post(forge(message(ADA, NEED)))).status_code == 403
    assert nothing_stored(anonymous)


async def test_anonymous_local_auth_accepts_a_personal_teams_activity(anonymous: Container) -> None:
    assert (await post(message(ADA, "add a micro-need: local"))).status_code == 200
    assert [i.text for i in load_agenda(anonymous.store, ADA).items] == ["local"]


def test_settings_tenant_matches_the_test_activities() -> None:
    assert load_settings(storage_connection="UseDevelopmentStorage=true", tenant_id=TENANT_ID).tenant_id == TENANT_ID


# ------------------------------------------------------------------ proactive sends go only to allowed connectors


class RecordingAdapter:
    """Stands in for the SDK adapter and its kept connector clients: records each connector a request goes to."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.conversations = self

    @asynccontextmanager
    async def client(self, service_url: str) -> AsyncIterator[Any]:
        self.calls.append(service_url)
        yield self

    def discard(self, service_url: str) -> None:
        pass

    async def send_to_conversation(self, conversation_id: str, activity: Any) -> None:
        pass

    async def create_conversation(self, parameters: Any) -> Any:
        return None


class NoInstaller:
    async def install(self, user_id: str) -> Any:
        raise AssertionError("not reached")


def messenger(adapter: RecordingAdapter, service_url: str, hosts: frozenset[str] | None = None) -> Any:
    from shared.adapters.teams.messenger import TeamsMessenger
    from tests.fakes.storage import InMemoryStore

    return TeamsMessenger(
        adapter,  # type: ignore[arg-type]
        NoInstaller(),
        InMemoryStore(),
        bot_app_id="bot",
        service_url=service_url,
        allowed_hosts=hosts,
        connectors=adapter,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/teams/",
        "http://smba.trafficmanager.net/teams/",
        "https://smba.trafficmanager.net.evil.example/",
    ],
)
async def test_a_card_is_never_sent_to_a_connector_off_the_allow_list(url: str) -> None:
    from shared.ports.messenger import ConversationRef, RecipientUnreachable

    adapter = RecordingAdapter()
    sender = messenger(adapter, "https://smba.trafficmanager.net/teams/")
    with pytest.raises(RecipientUnreachable):
        await sender.send_card(ConversationRef(ADA, "a:1", url, TENANT_ID), {"type": "AdaptiveCard"}, "m1")
    assert adapter.calls == []


async def test_teams_regional_connectors_and_the_configured_one_are_allowed() -> None:
    from shared.ports.messenger import ConversationRef

    adapter = RecordingAdapter()
    sender = messenger(adapter, "https://smba.trafficmanager.net/teams/")
    for url in ("https://smba.trafficmanager.net/emea/", "https://smba.infra.gcc.teams.microsoft.com/teams"):
        await sender.send_card(ConversationRef(ADA, "a:1", url, TENANT_ID), {"type": "AdaptiveCard"}, "m1")
    assert len(adapter.calls) == 2


async def test_the_settings_allow_list_decides_and_loopback_is_local_only() -> None:
    from shared.ports.messenger import ConversationRef, RecipientUnreachable

    azure = load_settings(storage_account="wegrow", env="azure")
    adapter = RecordingAdapter()
    sender = messenger(adapter, "https://smba.trafficmanager.net/teams/", azure.connector_host_set)
    with pytest.raises(RecipientUnreachable):
        await sender.send_card(ConversationRef(ADA, "a:1", "http://127.0.0.1:9/", TENANT_ID), {}, "m1")
    local = load_settings(storage_connection="UseDevelopmentStorage=true")
    sender = messenger(adapter, "http://127.0.0.1:9/", local.connector_host_set)
    await sender.send_card(ConversationRef(ADA, "a:1", "http://127.0.0.1:9/", TENANT_ID), {}, "m1")
    assert adapter.calls == ["http://127.0.0.1:9/"]
