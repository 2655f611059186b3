"""Alignment quadrants: what the employee wants crossed with what the organisation needs.

- *Wanted* comes from the agenda: an item the employee wrote is wanted, unless it is an ``unlearn`` item or
  was dropped. An org need that no agenda item matches is not wanted.
- *Needed* comes from explainable matching against the org agenda for the person's unit (:data:`MATCH_RULE`).

Sweet spot = wanted and needed; Uphill = needed, not wanted; Gift = wanted, not needed; Waste = neither.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict

from shared.domain.agenda import AgendaItem, ItemKind, ItemStatus
from shared.domain.org_agenda import Capability

MATCH_RULE = (
    "An agenda item matches a capability when the capability's name, one of its keywords or one of its aliases "
    "appears in the item's text as whole words, in order. Both sides are compared lower-cased, with accents "
    "removed and punctuation read as spaces; a plural 's' on words of four letters or more is ignored."
)


class Quadrant(StrEnum):
    SWEET_SPOT = "sweet_spot"
    UPHILL = "uphill"
    GIFT = "gift"
    WASTE = "waste"

    @classmethod
    def of(cls, *, wanted: bool, needed: bool) -> Quadrant:
        if wanted:
            return cls.SWEET_SPOT if needed else cls.GIFT
        return cls.UPHILL if needed else cls.WASTE

    @property
    def label(self) -> str:
        return {"sweet_spot": "Sweet spot", "uphill": "Uphill", "gift": "Gift", "waste": "Waste"}[self.value]


class Alignment(BaseModel):
    """One classified thing: an agenda item (``item_id`` set) or an org need no item matched."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: Literal["agenda", "org_need"]
    subject: str
    item_id: str | None = None
    item_kind: ItemKind | None = None
    capability_id: str | None = None
    matched_term: str | None = None
    wanted: bool
    needed: bool
    quadrant: Quadrant
    explanation: str


@dataclass(frozen=True, slots=True)
class Match:
    capability: Capability
    term: str


def words(text: str) -> tuple[str, ...]:
    """Normalised words: NFKC, accents removed, lower-cased, punctuation as spaces, plural 's' dropped."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return tuple(_singular(w) for w in re.split(r"[^\w]+|_", plain) if w)


def _singular(word: str) -> str:
    return word[:-1] if len(word) >= 4 and word.endswith("s") and not word.endswith("ss") else word


def _contains(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    n = len(needle)
    return n > 0 and any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def matches(text: str, capabilities: Sequence[Capability]) -> list[Match]:
    """Every capability the text matches, in the order given, each with the first term that matched."""
    found: list[Match] = []
    text_words = words(text)
    for capability in capabilities:
        term = next((t for t in capability.match_terms if _contains(text_words, words(t))), None)
        if term is not None:
            found.append(Match(capability, term))
    return found


def is_wanted(item: AgendaItem) -> bool:
    return item.kind is not ItemKind.UNLEARN and item.status is not ItemStatus.DROPPED


def _why_not_wanted(item: AgendaItem) -> str:
    return "you marked it to unlearn" if item.kind is ItemKind.UNLEARN else "you dropped it"


def classify_item(item: AgendaItem, capabilities: Sequence[Capability]) -> Alignment:
    found = matches(item.text, capabilities)
    wanted, needed = is_wanted(item), bool(found)
    first = found[0] if found else None
    if first is not None:
        reason = f"matches capability '{first.capability.name}' via '{first.term}'"
    else:
        reason = "no capability on this unit's org agenda matches it"
    if not wanted:
        reason = f"{_why_not_wanted(item)}; {reason}"
    return Alignment(
        source="agenda",
        subject=item.text,
        item_id=item.id,
        item_kind=item.kind,
        capability_id=first.capability.id if first else None,
        matched_term=first.term if first else None,
        wanted=wanted,
        needed=needed,
        quadrant=Quadrant.of(wanted=wanted, needed=needed),
        explanation=reason,
    )


def classify(items: Iterable[AgendaItem], capabilities: Sequence[Capability]) -> list[Alignment]:
    """Each item, then each capability that no item matches (an org need nobody asked for: Uphill)."""
    item_list = list(items)
    result = [classify_item(item, capabilities) for item in item_list]
    covered = {m.capability.id for item in item_list for m in matches(item.text, capabilities)}
    for capability in capabilities:
        if capability.id not in covered:
            result.append(
                Alignment(
                    source="org_need",
                    subject=capability.name,
                    capability_id=capability.id,
                    wanted=False,
                    needed=True,
                    quadrant=Quadrant.UPHILL,
                    explanation=f"the org agenda needs '{capability.name}' and nothing on the agenda matches it yet",
                )
            )
    return result
