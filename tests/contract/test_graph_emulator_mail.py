"""The emulator's sendMail over raw HTTP: Graph's answers, delivery per recipient and Outlook's card verdict."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from devstack.graph_emulator.mail_cards import LOCAL_ORIGINATOR
from tests.fixtures.graph import GraphEmulator

pytestmark = pytest.mark.contract


def people(graph: GraphEmulator) -> list[dict[str, Any]]:
    return [p for p in graph.tenant()["people"] if p["hasMailbox"]]


def card_html(**card: Any) -> str:
    body = {"type": "AdaptiveCard", "version": "1.5", "body": [], **card}
    return f'<html><head><script type="application/adaptivecard+json">{json.dumps(body)}</script></head></html>'


def message(*addresses: str, html: str = "<p>hello</p>", field: str = "toRecipients") -> dict[str, Any]:
    recipients = [{"emailAddress": {"address": a}} for a in addresses]
    return {"message": {"subject": "Prepare", "body": {"contentType": "HTML", "content": html}, field: recipients}}


def send(graph: GraphEmulator, sender: str, body: object) -> httpx.Response:
    return httpx.post(f"{graph.base_url}/users/{sender}/sendMail", json=body)


def sent(graph: GraphEmulator, user: str) -> list[dict[str, Any]]:
    return list(httpx.get(f"{graph.root}/_emulator/mail/{user}/sent").json()["value"])


def inbox(graph: GraphEmulator, user: str) -> list[dict[str, Any]]:
    return list(httpx.get(f"{graph.root}/_emulator/mail/{user}/inbox").json()["value"])


def test_send_answers_202_without_a_body_and_keeps_the_message(graph: GraphEmulator) -> None:
    sender, ann = people(graph)[:2]
    body = {**message(ann["mail"]), "saveToSentItems": False}
    answer = send(graph, sender["userPrincipalName"], body)
    assert answer.status_code == 202 and answer.content == b""
    (stored,) = sent(graph, sender["id"])
    assert stored["saveToSentItems"] is False and stored["subject"] == "Prepare"
    assert stored["delivery"] == [
        {"address": ann["mail"], "outcome": "delivered", "kind": "user", "userIds": [ann["id"]]}
    ]
    assert [m["id"] for m in inbox(graph, ann["id"])] == [stored["id"]] and inbox(graph, sender["id"]) == []
    assert stored["card"] is None and stored["cardDropped"] is False
    assert graph.violations() == []


def test_graph_accepts_several_recipients_and_unknown_addresses_and_delivers_later(graph: GraphEmulator) -> None:
    """Our one-recipient rule is the product's; Graph itself takes the message and sorts out delivery."""
    sender, ann, bob = people(graph)[:3]
    domain = ann["mail"].rpartition("@")[2]
    addresses = (ann["mail"], bob["mail"].upper(), f"nobody@{domain}", "someone@fabrikam.example")
    assert send(graph, sender["id"], message(*addresses)).status_code == 202
    (stored,) = sent(graph, sender["id"])
    outcomes = [(d["outcome"], d["userIds"]) for d in stored["delivery"]]
    assert outcomes == [("delivered", [ann["id"]]), ("delivered", [bob["id"]]), ("undeliverable", []), ("external", [])]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"message": {"subject": "x", "toRecipients": []}}, "ErrorInvalidRecipients"),
        ({"message": {"subject": "x"}}, "ErrorInvalidRecipients"),
        (message("not an address"), "ErrorInvalidRecipients"),
        ({"saveToSentItems": True}, "ErrorInvalidRequest"),
    ],
)
def test_bad_messages_are_400_and_nothing_is_kept(graph: GraphEmulator, body: object, code: str) -> None:
    sender = people(graph)[0]
    answer = send(graph, sender["id"], body)
    assert answer.status_code == 400 and answer.json()["error"]["code"] == code
    assert sent(graph, sender["id"]) == []


def test_senders_graph_refuses(graph: GraphEmulator) -> None:
    sender, ann = people(graph)[:2]
    no_mailbox = next(p for p in graph.tenant()["people"] if not p["hasMailbox"])
    unknown = send(graph, "nobody@contoso.example", message(ann["mail"]))
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "ErrorInvalidUser"
    without = send(graph, no_mailbox["id"], message(ann["mail"]))
    assert without.status_code == 404 and without.json()["error"]["code"] == "MailboxNotEnabledForRESTAPI"
    httpx.post(f"{graph.root}/_emulator/access-policy", json={"denied": [sender["id"]]}).raise_for_status()
    denied = send(graph, sender["id"], message(ann["mail"]))
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "ErrorAccessDenied"
    assert inbox(graph, ann["id"]) == []


@pytest.mark.parametrize(
    ("card", "reason"),
    [
        ({}, "no originator"),
        ({"originator": "not-registered"}, "not a registered provider"),
        ({"originator": LOCAL_ORIGINATOR, "version": "1.3"}, "below 1.4"),
    ],
)
def test_outlook_drops_a_card_it_may_not_render_but_the_mail_arrives(
    graph: GraphEmulator, card: dict[str, Any], reason: str
) -> None:
    sender, ann = people(graph)[:2]
    assert send(graph, sender["id"], message(ann["mail"], html=card_html(**card))).status_code == 202
    (stored,) = inbox(graph, ann["id"])
    assert stored["cardDropped"] is True and reason in stored["card"]["reason"]
    assert stored["card"]["rendered"] is False


def test_a_card_with_a_registered_originator_renders_and_the_rule_can_be_relaxed(graph: GraphEmulator) -> None:
    sender, ann = people(graph)[:2]
    send(graph, sender["id"], message(ann["mail"], html=card_html(originator=LOCAL_ORIGINATOR)))
    relaxed = httpx.post(f"{graph.root}/_emulator/mail/settings", json={"enforce_originator": False}).json()
    assert relaxed == {"enforce_originator": False, "originators": [LOCAL_ORIGINATOR]}
    send(graph, sender["id"], message(ann["mail"], html=card_html()))
    verdicts = [(m["card"]["rendered"], m["cardDropped"]) for m in inbox(graph, ann["id"])]
    assert verdicts == [(True, False), (True, False)]
    graph.reset()
    assert httpx.get(f"{graph.root}/_emulator/mail/settings").json()["enforce_originator"] is True
    assert inbox(graph, ann["id"]) == []
