"""Matching learning contents to a training action: at most three, active only, stable order, no match -> none."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.adapters.config_file import load_company_config
from shared.domain.learning_match import MAX_SUGGESTIONS, MatchTerms, normalise, suggest, suggestions_for, terms_for

pytestmark = pytest.mark.unit
AGENDA = load_company_config().org_agenda
TAGS = ["Kubernetes", "Helm", "SQL", "Data literacy", "AI-assisted support", "GDPR", "Coaching", "k8s", "Bicep"]


@dataclass(frozen=True)
class Item:
    id: str
    title: str
    skill_tags: tuple[str, ...]
    active: bool = True


items = st.builds(
    Item,
    id=st.text("abcdef0123456789", min_size=1, max_size=6),
    title=st.text(min_size=0, max_size=12),
    skill_tags=st.lists(st.sampled_from(TAGS) | st.text(max_size=10), max_size=4).map(tuple),
    active=st.booleans(),
)
catalogs = st.lists(items, max_size=12, unique_by=lambda i: i.id)
texts = st.text(max_size=80) | st.sampled_from(["Learn Kubernetes upgrades", "SQL for reporting", "k8s and helm"])
initiatives = st.sampled_from(["", "platform-migration", "data-literacy", "ai-assisted-support", "unknown"])


@given(catalogs, texts, initiatives)
def test_never_more_than_three_and_only_active_contents_that_fit(catalog: list[Item], text: str, init: str) -> None:
    terms = terms_for(text, AGENDA, init)
    found = suggest(catalog, terms)
    assert len(found) <= MAX_SUGGESTIONS
    assert all(item.active for item in found)
    assert all(item in catalog for item in found)
    assert len({item.id for item in found}) == len(found)


@given(catalogs, texts, initiatives, st.randoms())
def test_the_order_of_the_catalog_does_not_change_the_suggestions(
    catalog: list[Item], text: str, init: str, random: object
) -> None:
    shuffled = list(catalog)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    assert suggestions_for(catalog, text, AGENDA, init) == suggestions_for(shuffled, text, AGENDA, init)


@given(catalogs)
def test_no_words_and_no_initiative_match_nothing(catalog: list[Item]) -> None:
    assert suggest(catalog, MatchTerms("", ())) == []


def test_the_managers_words_and_the_initiatives_capabilities_both_count() -> None:
    catalog = [
        Item("1", "Helm charts", ("Kubernetes", "Helm")),
        Item("2", "SQL basics", ("SQL",)),
        Item("3", "Kubernetes retired", ("Kubernetes",), active=False),
        Item("4", "Coaching", ("Coaching",)),
        Item("5", "Bicep basics", ("Infrastructure as code",)),
    ]
    by_initiative = suggestions_for(catalog, "Get better at deployments", AGENDA, "platform-migration")
    assert [i.id for i in by_initiative] == ["1", "5"]  # two tags the initiative needs outrank one
    by_words = suggestions_for(catalog, "A SQL course", AGENDA, "")
    assert [i.id for i in by_words] == ["2"]
    assert suggestions_for(catalog, "Negotiation skills", AGENDA, "eu-expansion") == []


def test_tags_are_compared_as_whole_words() -> None:
    assert normalise("AI-assisted  Support") == "ai assisted support"
    catalog = [Item("1", "SQL", ("SQL",)), Item("2", "AI", ("AI",))]
    assert suggest(catalog, MatchTerms(normalise("mysqlish training, fair pay"), ())) == []
