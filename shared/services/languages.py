"""Each person's reading language, remembered from what Teams and Exchange say about them.

Table ``languages``, one row per person (partition = their Entra object id, row ``person``): ``teams`` is the
locale of their latest Teams activity (a message or a card action), ``mailbox`` their mailboxSettings language
as the directory sync read it. Either is written only when it changed, so a person who keeps chatting costs one
point read per message. Choosing (``shared.domain.language.choose_language``) is pure: Teams first, then the
mailbox, then the company default.
"""

from __future__ import annotations

from shared.domain.language import choose_language
from shared.ports.storage import Store

LANGUAGES, ROW = "languages", "person"
TEAMS, MAILBOX = "teams", "mailbox"
MAX_TAG = 35  # BCP 47 tags in practice; anything longer is not a locale


def remember(store: Store, user_id: str, source: str, tag: str | None) -> bool:
    """Store ``tag`` as the person's ``source`` language tag when it is new; True when something was written."""
    if not tag or len(tag) > MAX_TAG or source not in (TEAMS, MAILBOX):
        return False
    found = store.find(LANGUAGES, user_id, ROW)
    if found is not None and found.data.get(source) == tag:
        return False
    store.upsert(LANGUAGES, user_id, ROW, {**(found.data if found else {}), source: tag})
    return True


def language_for(store: Store, user_id: str, company_default: str) -> str:
    """The language to write to this person in."""
    found = store.find(LANGUAGES, user_id, ROW)
    data = found.data if found is not None else {}
    return choose_language(data.get(TEAMS), data.get(MAILBOX), company_default)
