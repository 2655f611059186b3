"""Check a rendered card: Adaptive Cards 1.5 schema and the Teams size budget.

Two checks, for two places. ``check_card`` validates against the whole 1.5 schema with jsonschema: about
190 ms of CPU per card, so it runs in the tests (every template, with its sample data and edge data) and
never at send time. ``check_card_budget`` is what the send path runs: the 28 KB budget and the top-level
fields the renderer fills (type, version, body), in well under a millisecond.

The schema is a byte-for-byte copy of the official
``adaptive-card-1.5.0.schema.json`` (also under ``devstack/reference/adaptivecards/``)
(a unit test keeps them equal) so that the deployed app carries it. It is loaded once, on first use.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_PATH = Path(__file__).with_name("adaptive-card-1.5.0.schema.json")
MAX_CARD_BYTES = 28 * 1024
"""The strictest Teams limit (Workflows/connector posts); bot messages allow more, we stay under this."""


class CardInvalid(ValueError):
    """A rendered card breaks the schema or the size budget; ``problems`` lists each finding."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@cache
def _validator() -> Any:
    import jsonschema

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    return validator_class(schema)


def card_size(card: dict[str, Any]) -> int:
    """Bytes of the card as compact UTF-8 JSON (what goes on the wire inside the attachment)."""
    return len(json.dumps(card, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def _describe(error: Any) -> str:
    """The deepest reason: the 1.5 schema reports most element errors at the root through anyOf."""
    import jsonschema

    best = jsonschema.exceptions.best_match([error, *error.context]) if error.context else error
    where = "/".join(str(part) for part in best.absolute_path) or "card"
    return f"{where}: {best.message[:200]}"


def schema_problems(card: dict[str, Any]) -> list[str]:
    return [_describe(error) for error in _validator().iter_errors(card)]


def budget_problems(card: dict[str, Any]) -> list[str]:
    """The cheap runtime findings: not an AdaptiveCard 1.x with a body list, or over the size budget."""
    problems = []
    if card.get("type") != "AdaptiveCard":
        problems.append("card: type is not AdaptiveCard")
    if not str(card.get("version", "")).startswith("1."):
        problems.append("card: version is not 1.x")
    if not isinstance(card.get("body", []), list):
        problems.append("card: body is not a list")
    size = card_size(card)
    if size > MAX_CARD_BYTES:
        problems.append(f"card is {size} bytes, over the {MAX_CARD_BYTES}-byte limit")
    return problems


def check_card_budget(card: dict[str, Any]) -> None:
    """Raise :class:`CardInvalid` when the rendered card is malformed at the top or over 28 KB (send path)."""
    problems = budget_problems(card)
    if problems:
        raise CardInvalid(problems)


def check_card(card: dict[str, Any]) -> None:
    """Raise :class:`CardInvalid` unless the card is valid Adaptive Cards 1.5 and under 28 KB."""
    problems = schema_problems(card)
    size = card_size(card)
    if size > MAX_CARD_BYTES:
        problems.append(f"card is {size} bytes, over the {MAX_CARD_BYTES}-byte limit")
    if problems:
        raise CardInvalid(problems)
