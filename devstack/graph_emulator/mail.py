"""``POST /users/{id}/sendMail`` and the control routes that show what was sent and what Outlook made of it.

Graph answers 202 with no body. Errors, in Graph's order: an unknown sender is 404 ``ErrorInvalidUser``, a user
without an Exchange Online mailbox 404 ``MailboxNotEnabledForRESTAPI``, a mailbox outside the application access
policy 403 ``ErrorAccessDenied`` (access_policy.py), a body without a message 400, and no recipient or a
malformed address 400 ``ErrorInvalidRecipients``. Groups, several recipients and unknown addresses are accepted
as Graph accepts them (mail_store.py says where each copy goes); refusing those is the product's rule.

Control (not Graph):

- ``GET /_emulator/mail/{id}/sent``: every message the mailbox sent, whatever ``saveToSentItems`` said (the
  flag is kept in each record), with its delivery per recipient and the card verdict (mail_cards.py).
- ``GET /_emulator/mail/{id}/inbox``: the messages delivered to that mailbox.
- ``GET|POST /_emulator/mail/settings``: ``{"enforce_originator": bool, "originators": [ids]}``. Enforcing
  (the default) drops a card without a registered originator or below version 1.4: the message is stored and
  delivered, flagged ``cardDropped``. Reset restores the defaults.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from devstack.graph_emulator import access_policy, mail_store
from devstack.graph_emulator.calendar_control import graph_errors
from devstack.graph_emulator.errors import GraphError, bad_request, no_mailbox
from devstack.graph_emulator.state import EmulatorState
from devstack.tenant import Tenant


def sender_of(state: EmulatorState, key: str) -> str:
    """The sending mailbox's user id, or the error Exchange gives for it."""
    user_id = state.resolve_user(key)
    if user_id is None:
        raise GraphError(404, "ErrorInvalidUser", f"The requested user '{key}' is invalid.")
    if user_id not in state.mailbox_settings:
        raise no_mailbox()
    access_policy.check_mailbox(state, user_id)
    return user_id


def control_user(state: EmulatorState, key: str) -> str:
    user_id = state.resolve_user(key)
    if user_id is None:
        raise GraphError(404, "ErrorInvalidUser", f"The requested user '{key}' is invalid.")
    return user_id


def settings_view(state: EmulatorState) -> dict[str, Any]:
    rules = mail_store.mail(state).rules
    return {"enforce_originator": rules.enforce, "originators": sorted(rules.originators)}


def apply_settings(state: EmulatorState, body: object) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise bad_request('body must be {"enforce_originator": bool, "originators": [ids]}')
    rules = mail_store.mail(state).rules
    if "enforce_originator" in body:
        if not isinstance(body["enforce_originator"], bool):
            raise bad_request("enforce_originator takes true or false")
        rules.enforce = body["enforce_originator"]
    if "originators" in body:
        names = body["originators"]
        if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
            raise bad_request("originators must be a list of non-empty strings")
        rules.originators = set(names)
    return settings_view(state)


def setup(app: web.Application, state: EmulatorState) -> None:
    async def send_mail(request: web.Request) -> web.Response:
        sender = sender_of(state, request.match_info["id"])
        try:
            body = await request.json()
        except ValueError as exc:
            raise bad_request("The request body is not valid JSON.") from exc
        mail_store.record(state, sender, body)
        return web.Response(status=202)

    async def sent(request: web.Request) -> web.Response:
        user_id = control_user(state, request.match_info["id"])
        return web.json_response({"value": [m for m in mail_store.mail(state).sent if m["sender"] == user_id]})

    async def inbox(request: web.Request) -> web.Response:
        return web.json_response({"value": mail_store.inbox(state, control_user(state, request.match_info["id"]))})

    async def get_settings(request: web.Request) -> web.Response:
        return web.json_response(settings_view(state))

    async def post_settings(request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except ValueError as exc:
            raise bad_request("body is not JSON") from exc
        return web.json_response(apply_settings(state, body))

    app.router.add_post("/v1.0/users/{id}/sendMail", send_mail)
    app.router.add_get("/_emulator/mail/settings", graph_errors(get_settings))
    app.router.add_post("/_emulator/mail/settings", graph_errors(post_settings))
    app.router.add_get("/_emulator/mail/{id}/sent", graph_errors(sent))
    app.router.add_get("/_emulator/mail/{id}/inbox", graph_errors(inbox))


def load_tenant(state: EmulatorState, tenant: Tenant) -> None:
    """No mail has been sent in a fresh tenant; the card rules are enforced, with the local originator."""
    state.features["mail"] = mail_store.Mail()
