"""User-facing text in the reader's language.

English is the source: every message's key is its English text, exactly as the card templates and the code
write it (``${...}`` placeholders included). A catalogue per language (``messages_de``, ``messages_ja``) maps
each English text to its translation; a test checks that every catalogue holds every text, with the same
placeholders. A text missing from a catalogue is shown in English rather than failing the card.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import import_module

from shared.domain.language import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES


@cache
def catalogue(language: str) -> Mapping[str, str]:
    """The translations for ``language`` (empty for English, the source language)."""
    if language == DEFAULT_LANGUAGE or language not in SUPPORTED_LANGUAGES:
        return {}
    module = import_module(f"shared.domain.messages_{language}")
    texts: Mapping[str, str] = module.CATALOGUE
    return texts


def translate(language: str, text: str) -> str:
    """``text`` (English) in ``language``; the English text when there is no translation."""
    return catalogue(language).get(text, text) if language != DEFAULT_LANGUAGE else text
