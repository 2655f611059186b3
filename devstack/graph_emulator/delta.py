"""users delta: a full first round, then only what changed, with opaque skip and delta tokens.

A token carries the round's lower bound (`since`, the version of the previous deltaLink), its upper bound
(`upto`, the version when the round began), the last id served, and the query options of the first request.
A full round serves every user; a later round serves the users changed in (since, upto] in a TRACKED property
(the $select'ed ones; every property without $select) or, when manager is selected or expanded, in the
manager link. Later changes are left for the next round, so paging through a round stays consistent.

Items of a later round follow user-delta.md: by default the selected properties with their current values
(a property never set is left out); with ``Prefer: return=minimal`` only the changed ones. Both carry `id`.
``manager@delta`` is on the full round for users with a manager, and on later rounds only when the link
changed: the new manager, or the old one with ``"@removed": {"reason": "deleted"}`` when it was removed.

Tokens can be expired on demand (``POST /_emulator/delta/expire``): every delta or skip token issued
before then answers as Graph does when its sync state is gone (410 ``resyncRequired``, or 400
``syncStateNotFound`` after the 7-day lifetime), and the client must start a full sync again.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from devstack.graph_emulator.errors import GraphError, bad_request
from devstack.graph_emulator.odata import decode_token, encode_token, parse_select, prefer_values
from devstack.graph_emulator.state import MANAGER_LINK, EmulatorState
from devstack.graph_emulator.users_view import context_url, expand_options, user_json

USER_TYPE = "#microsoft.graph.user"
EXPIRED_KEY = "delta_expired"  # state.features: {"upto": version, "status": int, "code": str}
EXPIRED_MESSAGES = {
    "syncStateNotFound": "The sync state generation is not found. The delta token is expired and data must be "
    "synchronized again.",
    "resyncRequired": "A full synchronization is required: the delta token is no longer valid.",
}
MINIMAL = "minimal"


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


class Tracking:
    """What a round tracks and returns, from the first request's $select and $expand."""

    def __init__(self, round_: dict[str, Any]) -> None:
        selected = [p.strip() for p in (round_.get("select") or "").split(",") if p.strip()]
        expand = expand_options({"$expand": round_.get("expand") or ""})
        self.manager = MANAGER_LINK in {p.lower() for p in selected} or MANAGER_LINK in expand
        # manager is a navigation property: tracked through manager@delta, never returned as a property.
        self.select = [p for p in selected if p.lower() != MANAGER_LINK] if selected else None
        # Without $select every property is tracked (and Graph's default set returned).
        self.tracked = {p.lower() for p in self.select} if self.select is not None else None

    def counts(self, changed: frozenset[str]) -> bool:
        return bool(changed) and (self.tracked is None or any(name.lower() in self.tracked for name in changed))


def _changed(
    state: EmulatorState, round_: dict[str, Any], tracking: Tracking
) -> list[tuple[str, dict[str, Any] | None]]:
    """(id, user or None when removed) in id order: everyone on a full round, else who changed in bounds."""
    since, upto = round_["since"], round_["upto"]
    if since is None:
        return sorted(state.users.items())
    rows: list[tuple[str, dict[str, Any] | None]] = []
    for uid, user in state.users.items():
        relinked = tracking.manager and state.delta.manager_change(uid, since, upto) is not None
        if relinked or tracking.counts(state.delta.changed_properties(uid, since, upto)):
            rows.append((uid, user))
    rows += [(uid, None) for uid, (version, _) in state.delta.removed.items() if since < version <= upto]
    return sorted(rows, key=lambda row: row[0])


def _manager_delta(state: EmulatorState, uid: str, round_: dict[str, Any]) -> list[dict[str, Any]] | None:
    """`manager@delta`: the current manager on a full round; on later rounds only a changed link."""
    if round_["since"] is None:
        manager = state.managers.get(uid)
        return [{"@odata.type": USER_TYPE, "id": manager}] if manager in state.users else None
    change = state.delta.manager_change(uid, round_["since"], round_["upto"])
    if change is None:
        return None
    current = state.managers.get(uid)
    if current is not None:
        return [{"@odata.type": USER_TYPE, "id": current}]
    gone = change.old or next((c.old for c in reversed(state.delta.manager_changes.get(uid, [])) if c.old), None)
    return [{"@odata.type": USER_TYPE, "id": gone, "@removed": {"reason": "deleted"}}] if gone else None


def _item(
    state: EmulatorState,
    row: tuple[str, dict[str, Any] | None],
    round_: dict[str, Any],
    tracking: Tracking,
    *,
    minimal: bool,
) -> dict[str, Any]:
    uid, user = row
    if user is None:
        return {"@odata.type": USER_TYPE, "id": uid, "@removed": {"reason": state.delta.removed[uid][1]}}
    body = user_json(user, tracking.select, ("id",))
    if round_["since"] is not None:
        changed = {name.lower() for name in state.delta.changed_properties(uid, round_["since"], round_["upto"])}
        stored = {name.lower() for name in user}
        keep = changed if minimal else changed | stored  # default: current values, but never a never-set one
        body = {k: v for k, v in body.items() if k == "id" or k.startswith("@") or k.lower() in keep}
    if tracking.manager:
        links = _manager_delta(state, uid, round_)
        if links:
            body["manager@delta"] = links
    return body


def minimal_preferred(request: web.Request) -> bool:
    return prefer_values(request).get("return", "").lower() == MINIMAL


def delta_page(state: EmulatorState, request: web.Request, page_size: int) -> dict[str, Any]:
    round_ = _round(state, request)
    parse_select(request.query)
    tracking = Tracking(round_)
    minimal = minimal_preferred(request)
    rows = [row for row in _changed(state, round_, tracking) if row[0] > round_["after"]]
    page, more = rows[:page_size], len(rows) > page_size
    body: dict[str, Any] = {
        "@odata.context": context_url(request, "users"),
        "value": [_item(state, row, round_, tracking, minimal=minimal) for row in page],
    }
    base = request.url.with_query(None)
    if more:
        token = encode_token({**round_, "after": page[-1][0]})
        body["@odata.nextLink"] = str(base.with_query({"$skiptoken": token}))
    else:
        token = encode_token({"since": round_["upto"], "select": round_.get("select"), "expand": round_.get("expand")})
        body["@odata.deltaLink"] = str(base.with_query({"$deltatoken": token}))
    return body


def delta_response(state: EmulatorState, request: web.Request, page_size: int) -> web.Response:
    """The page as a response; `Preference-Applied: return=minimal` when that preference was honoured."""
    headers = {"Preference-Applied": f"return={MINIMAL}"} if minimal_preferred(request) else None
    return web.json_response(delta_page(state, request, page_size), headers=headers)
