"""The Playground's activities put into a locale (devstack.demo_locale_relay): locale and clientInfo set, rest kept."""

from __future__ import annotations

import json

from devstack.demo_locale_relay import in_locale


def test_the_activity_and_its_client_info_take_the_locale() -> None:
    activity = {
        "type": "message",
        "text": "help",
        "locale": "en-US",
        "entities": [{"type": "clientInfo", "locale": "en-US", "timezone": "UTC"}, {"type": "mention", "text": "x"}],
    }
    changed = json.loads(in_locale(json.dumps(activity).encode(), "de-DE"))
    assert changed["locale"] == "de-DE" and changed["text"] == "help"
    assert changed["entities"] == [
        {"type": "clientInfo", "locale": "de-DE", "timezone": "UTC"},
        {"type": "mention", "text": "x"},
    ]


def test_bodies_that_are_not_an_activity_pass_unchanged() -> None:
    for body in (b"not json", b"[1, 2]", b'"text"'):
        assert in_locale(body, "de-DE") == body
