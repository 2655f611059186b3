"""Alignment quadrants, the matching rule, and the talking points and framing per quadrant."""

from __future__ import annotations

from datetime import date

import pytest

from shared.adapters.config_file import load_company_config
from shared.domain.agenda import GrowthAgenda, ItemKind, ItemStatus, Visibility
from shared.domain.company import CompanyConfig
from shared.domain.org_agenda import Capability
from shared.domain.quadrants import MATCH_RULE, Quadrant, classify, matches, words
from shared.domain.talking_points import talking_points

pytestmark = pytest.mark.unit

DAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def config() -> CompanyConfig:
    return load_company_config()


@pytest.fixture(scope="module")
def engineering(config: CompanyConfig) -> tuple[Capability, ...]:
    return config.org_agenda.capabilities_for("Engineering")


def test_quadrant_table() -> None:
    assert Quadrant.of(wanted=True, needed=True) is Quadrant.SWEET_SPOT
    assert Quadrant.of(wanted=False, needed=True) is Quadrant.UPHILL
    assert Quadrant.of(wanted=True, needed=False) is Quadrant.GIFT
    assert Quadrant.of(wanted=False, needed=False) is Quadrant.WASTE


def test_words_normalise_case_accents_punctuation_and_plurals() -> None:
    assert words("Kubernetes-Clusters, CAFÉ & dashboards!") == ("kubernete", "cluster", "cafe", "dashboard")
    assert words("class access") == ("class", "access")


def test_matching_is_whole_words_in_order(engineering: tuple[Capability, ...]) -> None:
    assert [m.capability.id for m in matches("Get better at Terraform modules", engineering)] == [
        "infrastructure-as-code"
    ]
    assert matches("kubernetesish", engineering) == []  # no partial words
    assert matches("code as infrastructure", engineering) == []  # phrase words must be in order
    found = matches("Run our K8S clusters and write Terraform", engineering)
    assert [(m.capability.id, m.term) for m in found] == [
        ("kubernetes-operations", "k8s"),
        ("infrastructure-as-code", "terraform"),
    ]


def _classified(engineering: tuple[Capability, ...]) -> dict[str, tuple[Quadrant, str]]:
    a = (
        GrowthAgenda(employee_id="e1")
        .add_item(ItemKind.LEARNING_GOAL, "Learn Kubernetes operations", DAY, Visibility.SHARED)  # sweet spot
        .add_item(ItemKind.LEARNING_GOAL, "Watercolour painting", DAY)  # gift
        .add_item(ItemKind.UNLEARN, "Hand-written terraform for everything", DAY)  # uphill (needed, unlearn)
        .add_item(ItemKind.UNLEARN, "Micromanaging my calendar", DAY)  # waste
        .add_item(ItemKind.MICRO_NEED, "Pottery class", DAY)
        .update_item("i5", DAY, status=ItemStatus.DROPPED)  # dropped, not needed: waste
    )
    return {x.subject: (x.quadrant, x.explanation) for x in classify(a.items, engineering)}


def test_every_quadrant_from_an_agenda(engineering: tuple[Capability, ...]) -> None:
    result = _classified(engineering)
    assert result["Learn Kubernetes operations"][0] is Quadrant.SWEET_SPOT
    assert result["Watercolour painting"][0] is Quadrant.GIFT
    assert result["Hand-written terraform for everything"][0] is Quadrant.UPHILL
    assert result["Micromanaging my calendar"][0] is Quadrant.WASTE
    assert result["Pottery class"][0] is Quadrant.WASTE
    assert result["Pottery class"][1].startswith("you dropped it")


def test_explanation_names_capability_and_keyword(engineering: tuple[Capability, ...]) -> None:
    result = _classified(engineering)
    assert (
        result["Learn Kubernetes operations"][1]
        == "matches capability 'Kubernetes operations' via 'Kubernetes operations'"
    )
    assert "unlearn" in result["Hand-written terraform for everything"][1]
    assert "'terraform'" in result["Hand-written terraform for everything"][1]


def test_unmatched_org_needs_are_uphill_and_matched_ones_are_not_repeated(engineering: tuple[Capability, ...]) -> None:
    result = _classified(engineering)
    # Kubernetes and IaC were matched by items; observability and the company-wide data literacy were not.
    assert result["Observability"][0] is Quadrant.UPHILL
    assert result["Data literacy"][0] is Quadrant.UPHILL
    assert "Kubernetes operations" not in result
    assert "Infrastructure as code" not in result


def test_talking_points_and_framing_per_quadrant(config: CompanyConfig, engineering: tuple[Capability, ...]) -> None:
    a = (
        GrowthAgenda(employee_id="e1")
        .add_item(ItemKind.LEARNING_GOAL, "Learn Kubernetes", DAY)
        .add_item(ItemKind.LEARNING_GOAL, "Watercolour painting", DAY)
        .add_item(ItemKind.UNLEARN, "Micromanaging my calendar", DAY)
    )
    sections = {s.quadrant: s for s in talking_points(classify(a.items, engineering), engineering, config, DAY)}
    assert list(sections) == [Quadrant.SWEET_SPOT, Quadrant.UPHILL, Quadrant.GIFT, Quadrant.WASTE]
    for quadrant, section in sections.items():
        assert section.framing == config.framing.for_quadrant(quadrant.value)
    sweet = sections[Quadrant.SWEET_SPOT].points[0]
    assert "stretch assignment on Platform migration to Kubernetes" in sweet.text
    assert sweet.initiative_id == "platform-migration"
    uphill = sections[Quadrant.UPHILL]
    assert uphill.message == config.when_we_grow
    observability = next(p for p in uphill.points if p.subject == "Observability")
    assert observability.text.startswith("Here's why this helps us win: 'Observability' drives Platform migration")
    assert "FY27 Q4 planning (2027-04-15)" in observability.text
    assert "1,500 EUR and 24 hours of work time" in sections[Quadrant.GIFT].points[0].text
    assert sections[Quadrant.GIFT].message is None
    waste = sections[Quadrant.WASTE].points[0].text
    assert waste.startswith("Set aside 'Micromanaging my calendar': you marked it to unlearn")


def test_empty_quadrants_are_left_out(config: CompanyConfig) -> None:
    assert talking_points([], (), config, DAY) == []


def test_rule_is_stated() -> None:
    assert "whole words" in MATCH_RULE and "aliases" in MATCH_RULE


def test_unit_lookup_by_department_alias_and_group(config: CompanyConfig) -> None:
    agenda = config.org_agenda
    assert agenda.unit_for("customer success") is not None
    assert agenda.unit_for("Customer Success").name == "Customer Support"  # type: ignore[union-attr]
    assert agenda.unit_for("Catering") is None
    assert [c.id for c in agenda.capabilities_for("Catering")] == ["data-literacy"]
