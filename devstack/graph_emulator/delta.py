"""users delta: a full first round, then only what changed, with opaque skip and delta tokens.

A token carries the round's lower bound (`since`, the version of the previous deltaLink), its upper bound
(`upto`, the version when the round began), the last id served, and the query options of the first request.
Users changed after `upto` are left for the next round, so paging through a round stays consistent.

Tokens can be expired on demand (``POST /_emulator/delta/expire``): every delta or skip token issued
before then answers as Graph does when its sync state is gone (410 ``resyncRequired``, or 400
``syncStateNotFound`` after the 7-day lifetime), and the client must start a full sync again.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from devstack.graph_emulator.errors import GraphError, bad_request
from devstack.graph_emulator.odata import decode_token, encode_token, parse_select
from devstack.graph_emulator.state import EmulatorState
from devstack.graph_emulator.users_view import context_url, expand_options, user_json

USER_TYPE = "#microsoft.graph.user"
EXPIRED_KEY = "delta_expired"  # state.features: {"upto": version, "status": int, "code": str}
EXPIRED_MESSAGES = {
    "syncStateNotFound": "The sync state generation is not found. The delta token is expired and data must be "
    "synchronized again.",
    "resyncRequired": "A full synchronization is required: the delta token is no longer valid.",
}


def expire_tokens(state: EmulatorState, status: int = 410, code: str = "resyncRequired") -> dict[str, Any]:
    """Expire every token issued so far; later tokens (from a new full sync) stay valid."""
    if code not in EXPIRED_MESSAGES or status not in {400, 410}:
        raise ValueError(f"status must be 400 or 410 and code one of {sorted(EXPIRED_MESSAGES)}")
    state.delta.version += 1  # tokens issued from now on carry a bound above the expired ones
    expired = {"upto": state.delta.version - 1, "status": status, "code": code}
    state.features[EXPIRED_KEY] = expired
    return expired


def _check_expired(state: EmulatorState, token: dict[str, Any], key: str) -> None:
    expired = state.features.get(EXPIRED_KEY)
    bound = token.get("upto") if key == "$skiptoken" else token.get("since")
    if isinstance(expired, dict) and isinstance(bound, int) and bound <= expired["upto"]:
        raise GraphError(expired["status"], expired["code"], EXPIRED_MESSAGES[expired["code"]])


def _round(state: EmulatorState, request: web.Request) -> dict[str, Any]:
    query = request.query
    if "$skiptoken" in query:
        skip = decode_token(query["$skiptoken"])
        _check_expired(state, skip, "$skiptoken")
        return skip
    options = {"select": query.get("$select"), "expand": query.get("$expand")}
    if "$deltatoken" in query:
        token = query["$deltatoken"]
        since = state.delta.version if token == "latest" else int(decode_token(token).get("since", -1))
        if since < 0 or since > state.delta.version:
            raise bad_request("The delta token is invalid.", "InvalidDeltaToken")
        previous = {} if token == "latest" else decode_token(token)
        _check_expired(state, previous, "$deltatoken")
        options = {"select": previous.get("select"), "expand": previous.get("expand")} if previous else options
        return {"since": since, "upto": state.delta.version, "after": "", **options}
    if "$filter" in query:
        raise bad_request("Only $filter=id eq '...' is supported with delta, and this emulator does not support it.")
    return {"since": None, "upto": state.delta.version, "after": "", **options}


def _changed(state: EmulatorState, round_: dict[str, Any]) -> list[tuple[str, dict[str, Any] | None]]:
    """(id, user or None when removed) in id order, within the round's bounds."""
    since, upto = round_["since"], round_["upto"]
    rows: list[tuple[str, dict[str, Any] | None]] = []
    for uid, user in state.users.items():
        version = state.delta.changed_at.get(uid, 0)
        if version <= upto and (since is None or version > since):
            rows.append((uid, user))
    if since is not None:
        rows += [(uid, None) for uid, (version, _) in state.delta.removed.items() if since < version <= upto]
    return sorted(rows, key=lambda row: row[0])


def _item(state: EmulatorState, uid: str, user: dict[str, Any] | None, round_: dict[str, Any]) -> dict[str, Any]:
    if user is None:
        return {"@odata.type": USER_TYPE, "id": uid, "@removed": {"reason": state.delta.removed[uid][1]}}
    select = [p.strip() for p in round_["select"].split(",")] if round_.get("select") else None
    body = user_json(user, select, ("id",))
    if "manager" in expand_options({"$expand": round_.get("expand") or ""}) and uid in state.managers:
        body["manager@delta"] = [{"@odata.type": USER_TYPE, "id": state.managers[uid]}]
    return body


def delta_page(state: EmulatorState, request: web.Request, page_size: int) -> dict[str, Any]:
    round_ = _round(state, request)
    parse_select(request.query)
    rows = [row for row in _changed(state, round_) if row[0] > round_["after"]]
    page, more = rows[:page_size], len(rows) > page_size
    body: dict[str, Any] = {
        "@odata.context": context_url(request, "users"),
        "value": [_item(state, uid, user, round_) for uid, user in page],
    }
    base = request.url.with_query(None)
    if more:
        token = encode_token({**round_, "after": page[-1][0]})
        body["@odata.nextLink"] = str(base.with_query({"$skiptoken": token}))
    else:
        token = encode_token({"since": round_["upto"], "select": round_.get("select"), "expand": round_.get("expand")})
        body["@odata.deltaLink"] = str(base.with_query({"$deltatoken": token}))
    return body
