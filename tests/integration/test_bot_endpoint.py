"""POST /api/messages end to end: the function from function_app, real JWT validation, real activity JSON."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import azure.functions as func
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.container import Container
from shared.services.agenda_store import load_agenda
from shared.services.card_records import CardKind, CardRecord, CardStatus, card_id, find_card, insert_card, mark_sent
from tests.fixtures.bot_container import install_bot_container
from tests.fixtures.jwks import BOT_APP_ID, TENANT_ID, KeyServer

pytestmark = pytest.mark.integration

ADA, GRACE = "ada-oid", "grace-oid"
NOW = datetime(2026, 3, 7, 9, 0, tzinfo=UTC)


@pytest.fixture
def env(bot_jwks: KeyServer, monkeypatch: pytest.MonkeyPatch) -> Container:
    return install_bot_container(monkeypatch, bot_jwks.metadata_url, NOW, coach_pool="coach@contoso.test")


@cache
def endpoint() -> Any:
    from function_app import app
    from shared.services.triggers import list_functions

    (function,) = [f for f in list_functions(app) if f.get_function_name() == "messages"]
    return function.get_user_function()


async def post(body: bytes | dict[str, Any], headers: dict[str, str] | None = None) -> func.HttpResponse:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = func.HttpRequest(
        "POST",
        "http://127.0.0.1/api/messages",
        headers={"Content-Type": "application/json", **(headers or {})},
        body=raw,
    )
    response: func.HttpResponse = await endpoint()(request)
    return response


def activity(user: str, **fields: Any) -> dict[str, Any]:
    base = {
        "type": "message",
        "id": "act-1",
        "channelId": "msteams",
        "serviceUrl": "http://127.0.0.1/",
        "from": {"id": f"29:{user}", "aadObjectId": user, "name": user},
        "recipient": {"id": f"28:{BOT_APP_ID}", "name": "WeGrow"},
        "conversation": {"id": f"a:{user}", "conversationType": "personal", "tenantId": TENANT_ID},
        "channelData": {"tenant": {"id": TENANT_ID}},
    }
    return base | fields


def message(user: str, text: str) -> dict[str, Any]:
    return activity(user, text=text, deliveryMode="expectReplies")


def action(user: str, verb: str, data: dict[str, Any]) -> dict[str, Any]:
    value = {"action": {"type": "Action.Execute", "verb": verb, "data": data}, "trigger": "manual"}
    return activity(user, type="invoke", name="adaptiveCard/action", value=value)


def sent_card(container: Container, kind: CardKind, recipient: str, occurrence: str = "occ-1") -> str:
    record = CardRecord(card_id(occurrence, kind), kind, occurrence, recipient, ADA, CardStatus.SENT, {})
    return insert_card(container.store, record).card_id


def card_text(response: func.HttpResponse) -> str:
    body = json.loads(response.get_body())
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    return json.dumps(body["value"])


def replies(response: func.HttpResponse) -> str:
    return " ".join(a.get("text", "") for a in json.loads(response.get_body())["activities"])


# ------------------------------------------------------------------ authentication


async def test_valid_token_is_accepted(env: Container, bot_jwks: KeyServer) -> None:
    response = await post(message(ADA, "help"), bot_jwks.header())
    assert response.status_code == 200
    assert "add a micro-need" in replies(response)


@pytest.mark.parametrize(
    "make_header",
    [
        pytest.param(lambda k: {}, id="no token"),
        pytest.param(lambda k: {"Authorization": f"Bearer {k.unsigned_token()}"}, id="alg none"),
        pytest.param(lambda k: k.header(exp=1_000_000_000), id="expired"),
        pytest.param(lambda k: k.header(aud="someone-else"), id="wrong audience"),
        pytest.param(lambda k: k.header(iss="https://evil.example"), id="wrong issuer"),
        pytest.param(lambda k: {"Authorization": f"Bearer {k.token(key=k.stranger_key)}"}, id="foreign key"),
        pytest.param(lambda k: {"Authorization": "Basic abc"}, id="not bearer"),
    ],
)
async def test_bad_tokens_are_401(env: Container, bot_jwks: KeyServer, make_header: Any) -> None:
    response = await post(message(ADA, "add a micro-need: never stored"), make_header(bot_jwks))
    assert response.status_code == 401
    assert load_agenda(env.store, ADA).items == ()


async def test_malformed_json_is_400(env: Container, bot_jwks: KeyServer) -> None:
    assert (await post(b"{not json", bot_jwks.header())).status_code == 400
    assert (await post(b"[1, 2]", bot_jwks.header())).status_code == 400


# ------------------------------------------------------------------ messages


async def test_micro_need_is_captured_at_once_and_shown_only_to_its_owner(env: Container, bot_jwks: KeyServer) -> None:
    added = await post(message(ADA, "add a micro-need: FinOps dashboard access"), bot_jwks.header())
    assert "Added to your growth agenda" in replies(added)
    assert [i.text for i in load_agenda(env.store, ADA).items] == ["FinOps dashboard access"]
    mine = await post(message(ADA, "my agenda"), bot_jwks.header())
    assert "[private] FinOps dashboard access" in replies(mine)
    theirs = await post(message(GRACE, "my agenda"), bot_jwks.header())
    assert "FinOps" not in replies(theirs)


async def test_talk_to_a_coach_goes_to_the_coach_pool_only(env: Container, bot_jwks: KeyServer) -> None:
    response = await post(message(ADA, "talk to a coach"), bot_jwks.header())
    assert "coach pool" in replies(response)
    (sent,) = env.queues.receive("send-card")
    assert sent.body["recipient_upn"] == "coach@contoso.test"
    assert sent.body["kind"] == "coach_request"


# ------------------------------------------------------------------ card actions


async def test_prep_submit_by_the_recipient_is_stored(env: Container, bot_jwks: KeyServer) -> None:
    card = sent_card(env, CardKind.PREP, ADA)
    data = {
        "cardId": card,
        "newMicroNeed": "Pairing with SRE",
        "unlearn": "Fixing every comment",
        "wantsCoach": "false",
    }
    response = await post(action(ADA, "prep.submit", data), bot_jwks.header())
    assert response.status_code == 200
    assert "Saved" in card_text(response)
    assert {i.text for i in load_agenda(env.store, ADA).items} == {"Pairing with SRE", "Fixing every comment"}
    stored = find_card(env.store, card)
    assert stored is not None and stored.status is CardStatus.SUBMITTED


async def test_the_company_config_is_read_once_for_all_the_cards_answers(
    env: Container, bot_jwks: KeyServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each saved prep card answers with the card rebuilt (it needs the company config): read on first use, not
    once per action (it was read again for every submission, ~90 ms of CPU each)."""
    from shared.adapters import config_file
    from tests.unit.test_outcomes_world import seed_pair

    reads: list[object] = []
    real = config_file.load_company_config
    monkeypatch.setattr(config_file, "load_company_config", lambda path=None: reads.append(path) or real(path))
    seed_pair(env.store, GRACE, ADA)
    ids = {"managerId": GRACE, "start": (NOW + timedelta(days=7)).isoformat()}
    after_first: list[int] = []
    for n in range(3):
        pending = CardRecord(card_id(f"occ-{n}", CardKind.PREP), CardKind.PREP, f"occ-{n}", ADA, ADA,
                             CardStatus.PENDING, ids)  # fmt: skip
        card = mark_sent(env.store, insert_card(env.store, pending), NOW).card_id
        response = await post(action(ADA, "prep.submit", {"cardId": card, "unlearn": f"habit {n}"}), bot_jwks.header())
        assert response.status_code == 200 and "Saved" in card_text(response)
        refreshed = await post(action(ADA, "prep.refresh", {"cardId": card}), bot_jwks.header())
        assert refreshed.status_code == 200
        after_first = after_first or [len(reads)]
    assert reads and len(reads) == after_first[0] <= 2  # the bot's source and the container's (language), once each


async def test_another_users_submission_is_refused_and_nothing_is_stored(env: Container, bot_jwks: KeyServer) -> None:
    card = sent_card(env, CardKind.PREP, ADA)
    response = await post(action(GRACE, "prep.submit", {"cardId": card, "newMicroNeed": "forged"}), bot_jwks.header())
    assert "sent to someone else" in card_text(response)
    assert load_agenda(env.store, ADA).items == () and load_agenda(env.store, GRACE).items == ()
    stored = find_card(env.store, card)
    assert stored is not None and stored.status is CardStatus.SENT


async def test_replayed_submission_is_refused(env: Container, bot_jwks: KeyServer) -> None:
    card = sent_card(env, CardKind.PREP, ADA)
    first = {"cardId": card, "newMicroNeed": "first"}
    await post(action(ADA, "prep.submit", first), bot_jwks.header())
    again = await post(action(ADA, "prep.submit", {**first, "newMicroNeed": "second"}), bot_jwks.header())
    assert "already submitted" in card_text(again)
    assert [i.text for i in load_agenda(env.store, ADA).items] == ["first"]


async def test_unknown_card_is_refused(env: Container, bot_jwks: KeyServer) -> None:
    response = await post(action(ADA, "prep.submit", {"cardId": "f" * 32}), bot_jwks.header())
    assert "not known" in card_text(response)


async def test_outcome_log_and_confirm(env: Container, bot_jwks: KeyServer) -> None:
    log_card = sent_card(env, CardKind.OUTCOME, GRACE)
    outcome = {
        "cardId": log_card,
        "action_0_text": "Shadow the platform lead",
        "action_0_quadrant": "sweet_spot",
        "action_0_type": "stretch",
        "action_0_gap": "knowledge",
        "action_0_owner": "Ada",
        "action_0_due": "2026-05-01",
    }
    logged = await post(action(GRACE, "outcome.log", outcome), bot_jwks.header())
    assert "Saved" in card_text(logged)
    confirm_card = sent_card(env, CardKind.CONFIRM, ADA)
    confirmed = await post(
        action(ADA, "outcome.confirm", {"cardId": confirm_card, "confirmed": "true"}), bot_jwks.header()
    )
    assert "Saved" in card_text(confirmed)
    assert {r.row for r in env.store.query("outcomes", "occ-1")} == {"log", "confirmation"}


async def test_malformed_outcome_gets_an_error_card(env: Container, bot_jwks: KeyServer) -> None:
    card = sent_card(env, CardKind.OUTCOME, GRACE)
    bad = {"cardId": card, "action_0_text": "x", "action_0_quadrant": "nonsense", "action_0_due": "tomorrow"}
    response = await post(action(GRACE, "outcome.log", bad), bot_jwks.header())
    assert "Please check" in card_text(response)
    assert env.store.query("outcomes") == []


async def test_refresh_shows_each_user_their_own_view(env: Container, bot_jwks: KeyServer) -> None:
    card = sent_card(env, CardKind.PREP, ADA)
    other = await post(action(GRACE, "prep.refresh", {"cardId": card}), bot_jwks.header())
    assert "sent to someone else" in card_text(other)
    await post(action(ADA, "prep.submit", {"cardId": card, "newMicroNeed": "x"}), bot_jwks.header())
    own = await post(action(ADA, "prep.refresh", {"cardId": card}), bot_jwks.header())
    assert "Already submitted" in card_text(own)


async def test_private_item_never_reaches_logs(
    env: Container, bot_jwks: KeyServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    card = sent_card(env, CardKind.PREP, ADA)
    canary = "CANARY-private-burnout-7f3"
    await post(message(ADA, f"add a micro-need: {canary}"), bot_jwks.header())
    await post(action(ADA, "prep.submit", {"cardId": card, "unlearn": canary}), bot_jwks.header())
    await post(action(GRACE, "prep.submit", {"cardId": card, "unlearn": canary}), bot_jwks.header())
    assert caplog.records, "logging was captured"
    assert canary not in caplog.text


# ------------------------------------------------------------------ fuzzing

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=10,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.dictionaries(st.sampled_from(["cardId", "newMicroNeed", "share.i1", "wantsCoach", "x"]), json_values))
async def test_fuzzed_action_data_never_500(env: Container, bot_jwks: KeyServer, data: dict[str, Any]) -> None:
    sent_card_id = card_id("occ-fuzz", CardKind.PREP)
    if find_card(env.store, sent_card_id) is None:
        sent_card(env, CardKind.PREP, ADA, "occ-fuzz")
    response = await post(action(ADA, "prep.submit", {"cardId": sent_card_id, **data}), bot_jwks.header())
    assert response.status_code < 500


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    overrides=st.dictionaries(
        st.sampled_from(["type", "name", "value", "from", "conversation", "text", "channelId", "serviceUrl"]),
        json_values,
    )
)
async def test_fuzzed_activity_never_500(env: Container, bot_jwks: KeyServer, overrides: dict[str, Any]) -> None:
    body = action(ADA, "prep.submit", {"cardId": "x"}) | overrides
    response = await post(body, bot_jwks.header())
    assert response.status_code < 500
    assert b"Traceback" not in response.get_body()
