"""Card templates in the reader's language: every user-visible string of a template, translated before rendering.

Translation happens on the template, not on the rendered card, so a text with placeholders ("Action ${n}: type")
is translated once, placeholders and all, and the data fills it in afterwards. Pure expressions ("${title}") are
data, not text, and stay as they are. The translated template is built once per process and language.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from shared.domain.messages import translate

TRANSLATABLE_KEYS = frozenset({"text", "title", "label", "placeholder", "errorMessage", "fallbackText", "altText"})
_EXPRESSION = re.compile(r"\$\{[^}]*\}")
_NOT_WORDS = " :·()-—,.•\n\t"


def is_text(value: Any) -> bool:
    """A string that a person reads: something is left once the ``${...}`` expressions and punctuation are gone."""
    return isinstance(value, str) and bool(_EXPRESSION.sub("", value).strip(_NOT_WORDS))


def placeholders(text: str) -> list[str]:
    """The ``${...}`` expressions of a text, sorted (a translation must keep exactly these)."""
    return sorted(_EXPRESSION.findall(text))


def template_texts(node: Any) -> set[str]:
    """Every translatable string in a template."""
    found: set[str] = set()

    def keep(text: str) -> str:
        found.add(text)
        return text

    _walk(node, keep)
    return found


def localise_template(template: dict[str, Any], language: str) -> dict[str, Any]:
    """A copy of ``template`` with every translatable string in ``language``."""
    localised = _walk(template, lambda text: translate(language, text))
    assert isinstance(localised, dict)
    return localised


def _walk(node: Any, change: Callable[[str], Any]) -> Any:
    if isinstance(node, dict):
        return {key: _change_or_walk(key, value, change) for key, value in node.items()}
    if isinstance(node, list):
        return [_walk(item, change) for item in node]
    return node


def _change_or_walk(key: str, value: Any, change: Callable[[str], Any]) -> Any:
    return change(value) if key in TRANSLATABLE_KEYS and is_text(value) else _walk(value, change)
