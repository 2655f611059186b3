"""Which language a person reads: their Teams locale, else their mailbox language, else the company default.

Tags are BCP 47 as Teams (``activity.locale``, e.g. ``de-DE``) and Exchange (``mailboxSettings.language.locale``,
e.g. ``ja-JP``) send them. Only the primary subtag decides, and only supported languages count: a person whose
Teams client is set to French falls through to their mailbox language, then to the company default.
"""

from __future__ import annotations

import re

SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "de", "ja")
DEFAULT_LANGUAGE = "en"
_TAG = re.compile(r"^\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*\s*$")


def supported_language(tag: str | None) -> str | None:
    """The supported language of a BCP 47 tag (``de-AT`` -> ``de``), or None when it is missing or unsupported."""
    if not tag:
        return None
    match = _TAG.match(tag)
    if match is None:
        return None
    primary = match.group(1).lower()
    return primary if primary in SUPPORTED_LANGUAGES else None


def choose_language(teams_locale: str | None, mailbox_language: str | None, company_default: str) -> str:
    """The first supported of: the Teams locale, the mailbox language, the company default; else English."""
    for tag in (teams_locale, mailbox_language, company_default):
        found = supported_language(tag)
        if found is not None:
            return found
    return DEFAULT_LANGUAGE
