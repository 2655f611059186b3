"""Which learning contents fit a training action: pure matching on skill tags, at most three, in a stable order.

A content's skill tag counts when its words appear, as a whole phrase, in what the action says (the manager's
words weigh most), or when it meets a term of the capabilities the action's initiative needs (the capability's
name, keywords and aliases in the company config): one phrase inside the other, e.g. the tag "Kubernetes" and the
keyword "kubernetes", or the keyword "ai" and the tag "AI-assisted support". A content scores the sum over its
tags; ties go by title, then id, so the same catalog always gives the same suggestions. Retired (inactive)
contents are never suggested.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from shared.domain.org_agenda import OrgAgenda

MAX_SUGGESTIONS = 3
TEXT_WEIGHT = 2  # a tag the manager wrote into the action
INITIATIVE_WEIGHT = 1  # a tag the action's initiative needs
_NOT_WORD = re.compile(r"[^\w]+")


class Taggable(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def skill_tags(self) -> tuple[str, ...]: ...
    @property
    def active(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class MatchTerms:
    """What one action is matched on: its own words and its initiative's capability terms (normalised)."""

    text: str
    initiative: tuple[str, ...]


def normalise(phrase: str) -> str:
    """Lower case, punctuation as spaces, single spaces: "AI-assisted  Support" -> "ai assisted support"."""
    return " ".join(_NOT_WORD.sub(" ", phrase.casefold()).split())


def _within(part: str, whole: str) -> bool:
    return bool(part) and f" {part} " in f" {whole} "


def initiative_terms(agenda: OrgAgenda, initiative_id: str | None) -> tuple[str, ...]:
    """Every capability term (name, keywords, aliases) of the capabilities serving this initiative, anywhere."""
    if not initiative_id:
        return ()
    capabilities = [*agenda.company_wide, *(c for unit in agenda.units for c in unit.capabilities)]
    terms = (normalise(t) for c in capabilities if c.initiative == initiative_id for t in c.match_terms)
    return tuple(dict.fromkeys(t for t in terms if t))


def terms_for(action_text: str, agenda: OrgAgenda, initiative_id: str | None) -> MatchTerms:
    return MatchTerms(normalise(action_text), initiative_terms(agenda, initiative_id))


def tag_score(tag: str, terms: MatchTerms) -> int:
    wanted = normalise(tag)
    if not wanted:
        return 0
    score = TEXT_WEIGHT if _within(wanted, terms.text) else 0
    if any(_within(wanted, term) or _within(term, wanted) for term in terms.initiative):
        score += INITIATIVE_WEIGHT
    return score


def score(content: Taggable, terms: MatchTerms) -> int:
    return sum(tag_score(tag, terms) for tag in dict.fromkeys(content.skill_tags))


def suggest[T: Taggable](contents: Iterable[T], terms: MatchTerms, limit: int = MAX_SUGGESTIONS) -> list[T]:
    """Up to ``limit`` (at most three) active contents whose tags fit, best first; none fit -> []."""
    scored = [(score(c, terms), c) for c in contents if c.active]
    ranked = sorted((pair for pair in scored if pair[0] > 0), key=lambda p: (-p[0], p[1].title.casefold(), p[1].id))
    return [content for _, content in ranked[: max(0, min(limit, MAX_SUGGESTIONS))]]


def suggestions_for[T: Taggable](
    contents: Sequence[T], action_text: str, agenda: OrgAgenda, initiative_id: str | None
) -> list[T]:
    """The suggestions for one training action (its words and its initiative's capabilities)."""
    return suggest(contents, terms_for(action_text, agenda, initiative_id))
