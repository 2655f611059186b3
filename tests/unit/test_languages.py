"""A person's language is remembered from Teams and Exchange, written only when it changes, and chosen in order."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from shared.services.languages import LANGUAGES, MAILBOX, ROW, TEAMS, language_for, remember
from tests.fakes.storage import InMemoryStore


def test_teams_beats_the_mailbox_and_the_mailbox_beats_the_default() -> None:
    store = InMemoryStore()
    assert language_for(store, "u1", "en") == "en"
    assert remember(store, "u1", MAILBOX, "ja-JP")
    assert language_for(store, "u1", "en") == "ja"
    assert remember(store, "u1", TEAMS, "de-DE")
    assert language_for(store, "u1", "en") == "de"
    assert remember(store, "u1", TEAMS, "fr-FR")  # remembered, but not one we write in
    assert language_for(store, "u1", "en") == "ja"
    assert language_for(store, "someone-else", "de") == "de"


def test_an_unchanged_locale_is_not_written_again() -> None:
    store = InMemoryStore()
    assert remember(store, "u1", TEAMS, "de-DE")
    before = store.get(LANGUAGES, "u1", ROW)
    assert not remember(store, "u1", TEAMS, "de-DE")
    assert store.get(LANGUAGES, "u1", ROW).etag == before.etag
    assert remember(store, "u1", MAILBOX, "de-DE")
    assert store.get(LANGUAGES, "u1", ROW).data == {TEAMS: "de-DE", MAILBOX: "de-DE"}


@given(st.one_of(st.none(), st.text(max_size=60)), st.sampled_from([TEAMS, MAILBOX, "other"]))
def test_whatever_a_client_sends_never_breaks_the_choice(tag: str | None, source: str) -> None:
    store = InMemoryStore()
    remember(store, "u1", source, tag)
    assert language_for(store, "u1", "en") in ("en", "de", "ja")
    found = store.find(LANGUAGES, "u1", ROW)
    assert found is None or all(len(v) <= 35 for v in found.data.values())


async def test_the_directory_sync_remembers_each_mailbox_language() -> None:
    from shared.services.sync_org import sync_org
    from tests.unit.scheduling_world import World

    world = World()
    someone, other = sorted(world.directory.people)[:2]
    world.directory.languages = {someone: "ja-JP", other: "not a locale at all, far too long to be one really"}
    await sync_org(world.directory, world.store, world.queues)
    assert language_for(world.store, someone, "en") == "ja"
    assert language_for(world.store, other, "de") == "de"
    remember(world.store, someone, TEAMS, "de-DE")  # they then chat in German: Teams wins
    assert language_for(world.store, someone, "en") == "de"
