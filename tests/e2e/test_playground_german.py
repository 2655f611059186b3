"""A German prep card in the Agents Playground (issue 19).

Teams puts the user's client locale on every activity. The Agents Playground (0.2.28) writes ``en-US`` into
every message and invoke whatever its own (Node, ``LANG``) or the browser's locale, so the Playground is started
with ``LANG=de_DE.UTF-8``, the browser in ``de-DE``, and ``devstack.demo_locale_relay`` in front of the bot sets
the activities' locale to ``de-DE`` as a German Teams client would. The bot answers a chat message in the message's
locale and remembers it as the person's Teams language; the prep card the ``cards`` timer sends afterwards
is rendered in that language. The assertions read the page.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Locator, Page, sync_playwright

from tests.e2e.playground_world import CHROMIUM, CHROMIUM_ARGS, World, started_world
from tests.e2e.test_playground import newest_card, open_chat, say

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

GERMAN_HELP = "Ich helfe Ihnen, Ihre Entwicklungsgespräche vorzubereiten"
GERMAN_PREP = "Bereiten Sie Ihr Entwicklungsgespräch vor"
ENGLISH_PREP = "Prepare your growth conversation"


@pytest.fixture(scope="module")
def german_world() -> Iterator[World]:
    with started_world("german", locale="de-DE") as started:
        yield started


@pytest.fixture
def german_page() -> Iterator[Page]:
    """A browser whose language is German too (the chat client may take the locale from the browser)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 2400})
            yield context.new_page()
        finally:
            browser.close()


def shot(world: World, target: Page | Locator, name: str) -> None:
    world.out.mkdir(parents=True, exist_ok=True)
    target.screenshot(path=str(world.out / f"{name}.png"))


def test_employee_writing_in_german_gets_a_german_prep_card(german_world: World, german_page: Page) -> None:
    world, page = german_world, german_page
    open_chat(page, world)
    say(page, "help")
    page.get_by_text(GERMAN_HELP).last.wait_for()  # the reply follows the message's locale
    shot(world, page, "01-help-in-german")

    world.run_function("cards")  # the timer: the prep card is due, in the language Teams told us
    prep = newest_card(page, GERMAN_PREP)
    text = prep.inner_text()
    assert GERMAN_PREP in text and ENGLISH_PREP not in text
    shot(world, prep, "02-german-prep-card")
