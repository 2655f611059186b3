"""Each person's reading language, remembered from what Teams and Exchange say about them.

Table ``languages``, one row per person (partition = their Entra object id, row ``person``): ``teams`` is the
locale of their latest Teams activity (a message or a card action), ``mailbox`` their mailboxSettings language
as the directory sync read it. Either is written only when it changed, so a person who keeps chatting costs one
point read per message. Choosing (``shared.domain.language.choose_language``) is pure: Teams first, then the
mailbox, then the company default.
"""

from __future__ import annotations

from shared.domain.language import choose_language
from shared.ports.storage import EntityKey, Record, Store

LANGUAGES, ROW = "languages", "person"
TEAMS, MAILBOX = "teams", "mailbox"
MAX_TAG = 35  # BCP 47 tags in practice; anything longer is not a locale


def remember(store: Store, user_id: str, source: str, tag: str | None) -> bool:
    """Store ``tag`` as the person's ``source`` language tag when it is new; True when something was written."""
    if not _plausible(source, tag):
        return False
    return remember_over(store, store.find(LANGUAGES, user_id, ROW), user_id, source, tag)


def remember_over(store: Store, found: Record | None, user_id: str, source: str, tag: str | None) -> bool:
    """:func:`remember` with the person's row already read (``found``; None when they have none): a full directory
    sync reads the whole table once instead of once per person."""
    update = language_update(found, source, tag)
    if update is None:
        return False
    store.upsert(LANGUAGES, user_id, ROW, update)
    return True


def language_update(found: Record | None, source: str, tag: str | None) -> dict[str, str] | None:
    """The person's languages row with ``tag`` as its ``source`` language; None when there is nothing to write."""
    if not _plausible(source, tag) or (found is not None and found.data.get(source) == tag):
        return None
    return {**(found.data if found else {}), source: str(tag)}


def _plausible(source: str, tag: str | None) -> bool:
    return bool(tag) and len(tag or "") <= MAX_TAG and source in (TEAMS, MAILBOX)


def language_key(user_id: str) -> EntityKey:
    """The person's languages row (what ``language_for`` reads)."""
    return LANGUAGES, user_id, ROW


def language_for(store: Store, user_id: str, company_default: str) -> str:
    """The language to write to this person in."""
    found = store.find(LANGUAGES, user_id, ROW)
    data = found.data if found is not None else {}
    return choose_language(data.get(TEAMS), data.get(MAILBOX), company_default)
