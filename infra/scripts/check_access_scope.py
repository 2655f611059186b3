"""Post-provision gate: refuse to finish until Exchange access is scoped to the pilot group.

WeGrow's Graph identity holds tenant-wide application permissions (Calendars.ReadWrite, MailboxSettings.Read).
An application access policy (or RBAC for Applications) must confine them to the pilot group. This script proves
it with two Graph calls made *as the app's identity*:

- ``GET /users/{inside}/mailboxSettings`` for a pilot mailbox must answer 200 (the identity and its consent work,
  so a 403 below means the policy, not a missing permission);
- the same for a mailbox outside the pilot must answer 403 (Exchange's "Blocked by tenant configured AppOnly
  AccessPolicy settings").

Anything else (the outsider readable, 401, 404, throttling that does not clear) exits 1 with one line saying what
to fix, and azd stops (``continueOnError: false`` in azure.yaml).

Environment (``azd env set``, plus azd's own outputs):
- ``WEGROW_ACCESS_CHECK_INSIDE``: UPN or id of a pilot mailbox; ``WEGROW_ACCESS_CHECK_OUTSIDE``: one outside it;
- ``WEGROW_BOT_APP_ID``: the identity's client id (a Bicep output); the token must belong to it;
- ``WEGROW_GRAPH_BASE_URL``: default ``https://graph.microsoft.com/v1.0``;
- ``WEGROW_ACCESS_CHECK_TOKEN``: a Graph token of that identity; else azure-identity's DefaultAzureCredential
  for that client id (a CI login as the identity through its federated credential, or a managed identity).
"""

from __future__ import annotations

import base64
import json
import os
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import quote

import httpx

GRAPH = "https://graph.microsoft.com/v1.0"
GRAPH_SCOPE = "https://graph.microsoft.com/.default"
TRANSIENT = frozenset({429, 503, 504})
ATTEMPTS = 4


class ScopeCheckFailed(Exception):
    """The deployment must not finish; the message says why and what to do."""


@dataclass(frozen=True)
class Probe:
    inside: str
    outside: str
    client_id: str
    base_url: str = GRAPH


def token_app_id(token: str) -> str | None:
    """The app id a Graph access token was issued to (``appid`` or ``azp``); not a signature check."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return None
    found = claims.get("appid") or claims.get("azp")
    return str(found) if found else None


def mailbox_status(client: httpx.Client, probe: Probe, user: str, sleep: Callable[[float], None]) -> httpx.Response:
    url = f"{probe.base_url.rstrip('/')}/users/{quote(user)}/mailboxSettings"
    for attempt in range(1, ATTEMPTS + 1):
        response = client.get(url)
        if response.status_code not in TRANSIENT or attempt == ATTEMPTS:
            return response
        sleep(min(float(response.headers.get("retry-after", "2") or 2), 30.0))
    raise AssertionError("unreachable")


def check(client: httpx.Client, probe: Probe, token: str, sleep: Callable[[float], None] = time.sleep) -> str:
    """Raise ScopeCheckFailed unless the pilot mailbox answers 200 and the outsider 403; return a summary line."""
    owner = token_app_id(token)
    if owner != probe.client_id:
        raise ScopeCheckFailed(
            f"the Graph token belongs to {owner or 'an unknown app'}, not WeGrow's identity {probe.client_id}: "
            "a check made as anyone else proves nothing"
        )
    client.headers["Authorization"] = f"Bearer {token}"
    inside = mailbox_status(client, probe, probe.inside, sleep)
    if inside.status_code != 200:
        raise ScopeCheckFailed(
            f"the pilot mailbox {probe.inside} answered {inside.status_code}, not 200: grant admin consent "
            "(MailboxSettings.Read) and put that mailbox in the pilot group before the scope can be checked"
        )
    outside = mailbox_status(client, probe, probe.outside, sleep)
    if outside.status_code == 200:
        raise ScopeCheckFailed(
            f"WeGrow can read the mailbox of {probe.outside}, outside the pilot: apply the application access "
            "policy (or RBAC for Applications) to the pilot group, see docs/permissions.md, then run "
            "`azd hooks run postprovision`"
        )
    if outside.status_code != 403:
        raise ScopeCheckFailed(
            f"the outsider mailbox {probe.outside} answered {outside.status_code}, expected 403: "
            "WEGROW_ACCESS_CHECK_OUTSIDE must name an existing mailbox outside the pilot group"
        )
    return f"access scope ok: {probe.inside} readable, {probe.outside} refused (403) for app {probe.client_id}"


def probe_from(environ: Mapping[str, str]) -> Probe:
    names = ("WEGROW_ACCESS_CHECK_INSIDE", "WEGROW_ACCESS_CHECK_OUTSIDE", "WEGROW_BOT_APP_ID")
    missing = [name for name in names if not environ.get(name, "").strip()]
    if missing:
        raise ScopeCheckFailed(f"set {', '.join(missing)} (azd env set ...): the access scope cannot be checked")
    inside, outside, client_id = (environ[name].strip() for name in names)
    return Probe(inside, outside, client_id, environ.get("WEGROW_GRAPH_BASE_URL", "").strip() or GRAPH)


def graph_token(environ: Mapping[str, str], client_id: str) -> str:
    given = environ.get("WEGROW_ACCESS_CHECK_TOKEN", "").strip()
    if given:
        return given
    try:
        from azure.identity import DefaultAzureCredential

        credential = DefaultAzureCredential(managed_identity_client_id=client_id)
        return str(credential.get_token(GRAPH_SCOPE).token)
    except Exception as error:
        raise ScopeCheckFailed(
            f"no Graph token for WeGrow's identity ({type(error).__name__}): run this step signed in as the "
            "identity (its federated credential in CI) or set WEGROW_ACCESS_CHECK_TOKEN"
        ) from None


def main(environ: Mapping[str, str] | None = None, transport: httpx.BaseTransport | None = None) -> int:
    env = os.environ if environ is None else environ
    try:
        probe = probe_from(env)
        token = graph_token(env, probe.client_id)
        with httpx.Client(transport=transport, timeout=30) as client:
            print(check(client, probe, token))
    except ScopeCheckFailed as error:
        print(f"post-provision: REFUSED: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
