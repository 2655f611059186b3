"""Actionable email HTML: the card survives the trip through a script element whatever text it holds."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.domain.actionable_email import (
    ActionableEmailError,
    InvalidRecipient,
    card_email_html,
    card_from_html,
    single_recipient,
)

ORIGINATOR = "6f0c5d35-6c1f-4c0c-9f0e-0e3b2a9c5e11"
HOSTILE = ["</script>", "</SCRIPT >", "<!--", "<script>", "]]>", "&lt;", "\u2028", '"', "\\", "${name}", "**b**"]


def card_with(text: str, version: str = "1.5") -> dict[str, Any]:
    return {
        "type": "AdaptiveCard",
        "version": version,
        "body": [{"type": "TextBlock", "text": text, "wrap": True}],
        "actions": [{"type": "Action.Execute", "verb": "prep.save", "data": {"note": text}}],
    }


texts = st.one_of(st.text(), st.sampled_from(HOSTILE), st.lists(st.sampled_from(HOSTILE)).map("".join))


@given(text=texts, fallback=texts)
def test_the_card_comes_back_exactly_with_the_originator(text: str, fallback: str) -> None:
    card = card_with(text)
    assert card_from_html(card_email_html(card, ORIGINATOR, fallback)) == {**card, "originator": ORIGINATOR}


@given(text=texts)
def test_user_text_never_closes_the_script_element_or_opens_markup(text: str) -> None:
    page = card_email_html(card_with(text), ORIGINATOR, "Open in Outlook to answer.")
    script = page.split('<script type="application/adaptivecard+json">', 1)[1].split("</script>", 1)[0]
    assert not re.search(r"[<>&\u2028\u2029]", script)
    assert len(re.findall(r"</script", page, re.IGNORECASE)) == 1


class Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@given(fallback=texts)
def test_the_fallback_text_is_shown_as_typed_not_as_markup(fallback: str) -> None:
    reader = Reader()
    reader.feed(card_email_html(card_with("x"), ORIGINATOR, fallback).split("</head>", 1)[1])
    reader.close()
    assert reader.tags == ["body", "p"]
    assert "".join(reader.text) == fallback


@pytest.mark.parametrize("version", ["1.0", "1.3", "0.9"])
def test_cards_below_1_4_are_refused(version: str) -> None:
    with pytest.raises(ActionableEmailError, match=r"1\.4 or later"):
        card_email_html(card_with("x", version), ORIGINATOR, "")


@pytest.mark.parametrize("version", ["1.4", "1.5", "1.6", "2.0"])
def test_cards_from_1_4_go(version: str) -> None:
    assert card_from_html(card_email_html(card_with("x", version), ORIGINATOR, ""))["version"] == version


@pytest.mark.parametrize("version", [None, "", "one", "1.x"])
def test_a_card_without_a_version_number_is_refused(version: str | None) -> None:
    card = {**card_with("x"), "version": version}
    with pytest.raises(ActionableEmailError, match="version"):
        card_email_html(card, ORIGINATOR, "")


def test_a_card_needs_the_providers_originator() -> None:
    with pytest.raises(ActionableEmailError, match="originator"):
        card_email_html(card_with("x"), "  ", "")


def test_a_given_originator_replaces_one_already_in_the_card() -> None:
    card = {**card_with("x"), "originator": "someone-else"}
    assert card_from_html(card_email_html(card, ORIGINATOR, ""))["originator"] == ORIGINATOR  # type: ignore[index]


def test_only_adaptive_cards_are_sent() -> None:
    with pytest.raises(ActionableEmailError, match="AdaptiveCard"):
        card_email_html({**card_with("x"), "type": "MessageCard"}, ORIGINATOR, "")


def test_html_without_a_card_gives_none_and_a_broken_card_an_error() -> None:
    assert card_from_html("<html><body><p>hello</p></body></html>") is None
    broken = '<script type="application/adaptivecard+json">{"type": </script>'
    with pytest.raises(ActionableEmailError, match="not valid JSON"):
        card_from_html(broken)
    with pytest.raises(ActionableEmailError, match="not a JSON object"):
        card_from_html('<SCRIPT TYPE="application/adaptivecard+json">[1]</SCRIPT>')


@pytest.mark.parametrize("address", ["ann@contoso.example", "  ann.lee+cards@mail.contoso.example ", "a_b@x.io"])
def test_one_plain_address_is_a_recipient(address: str) -> None:
    assert single_recipient(address) == address.strip()


@pytest.mark.parametrize(
    "address",
    [
        "",
        "ann",
        "ann@contoso",
        "ann@@contoso.example",
        "Ann Lee <ann@contoso.example>",
        "ann@contoso.example;bob@contoso.example",
        "ann@contoso.example, bob@contoso.example",
        "ann @contoso.example",
    ],
)
def test_anything_else_is_refused(address: str) -> None:
    with pytest.raises(InvalidRecipient):
        single_recipient(address)


local = st.from_regex(r"[a-z][a-z0-9._+-]{0,15}", fullmatch=True)
domain = st.from_regex(r"[a-z][a-z0-9-]{0,10}\.[a-z]{2,6}", fullmatch=True)
addresses = st.builds(lambda name, host: f"{name}@{host}", local, domain)


@given(first=addresses, second=addresses, separator=st.sampled_from([";", ",", " ", "; ", ", "]))
def test_two_addresses_are_never_one_recipient(first: str, second: str, separator: str) -> None:
    assert single_recipient(first) == first
    with pytest.raises(InvalidRecipient):
        single_recipient(first + separator + second)
