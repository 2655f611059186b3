"""Talking points per alignment quadrant, worded from the company config.

- Sweet spot: prioritise, with a stretch assignment on the initiative it serves.
- Uphill: strategic context ("here's why this helps us win"), with the when-we-grow message in the section.
- Gift: leeway or one-off support within the Gift budget.
- Waste: set aside, saying why.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pydantic import BaseModel, ConfigDict

from shared.domain.company import CompanyConfig
from shared.domain.org_agenda import Capability
from shared.domain.quadrants import Alignment, Quadrant


class CapabilityView(BaseModel):
    """An org need as a card shows it: what, for which initiative, by which milestone."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str
    description: str
    initiative_id: str
    initiative_name: str
    why_it_matters: str
    milestone_label: str | None
    milestone_date: date | None


class TalkingPoint(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    quadrant: Quadrant
    subject: str
    text: str
    explanation: str
    item_id: str | None = None
    capability_id: str | None = None
    initiative_id: str | None = None


class QuadrantSection(BaseModel):
    """One quadrant on the manager's card: its framing, an optional message, and its points."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    quadrant: Quadrant
    title: str
    framing: str
    message: str | None = None
    points: tuple[TalkingPoint, ...]


def capability_view(config: CompanyConfig, capability: Capability, on: date) -> CapabilityView:
    """The capability with its initiative and the next occurrence of its milestone on or after ``on``."""
    initiative = config.org_agenda.initiative(capability.initiative)
    milestone = config.fiscal_calendar.next_milestone(capability.milestone, on)
    return CapabilityView(
        id=capability.id,
        name=capability.name,
        description=capability.description,
        initiative_id=capability.initiative,
        initiative_name=initiative.name if initiative else capability.initiative,
        why_it_matters=initiative.why_it_matters if initiative else "",
        milestone_label=milestone.label if milestone else None,
        milestone_date=milestone.day if milestone else None,
    )


def _point_text(alignment: Alignment, config: CompanyConfig, need: CapabilityView | None) -> str:
    subject = alignment.subject
    match alignment.quadrant:
        case Quadrant.SWEET_SPOT:
            target = f" on {need.initiative_name}" if need else ""
            return f"Prioritise '{subject}': agree a stretch assignment{target} that puts it to work."
        case Quadrant.UPHILL if need is not None:
            when = f" ahead of {need.milestone_label} ({need.milestone_date})" if need.milestone_date else ""
            return (
                f"Here's why this helps us win: '{need.name}' drives {need.initiative_name}{when}. "
                f"{need.why_it_matters}"
            )
        case Quadrant.GIFT:
            return (
                f"Give leeway or one-off support for '{subject}', within the Gift budget "
                f"({config.gift_budget.describe()})."
            )
        case Quadrant.WASTE:
            return f"Set aside '{subject}': {alignment.explanation}."
        case _:  # Uphill without a known capability cannot happen with a validated config
            return f"Put '{subject}' in the context of what the business needs next."


def talking_points(
    alignments: Sequence[Alignment], capabilities: Sequence[Capability], config: CompanyConfig, on: date
) -> list[QuadrantSection]:
    """Sections in the order Sweet spot, Uphill, Gift, Waste; empty quadrants are left out."""
    by_id = {c.id: capability_view(config, c, on) for c in capabilities}
    sections = []
    for quadrant in Quadrant:
        points = tuple(
            _point(a, config, by_id.get(a.capability_id or "")) for a in alignments if a.quadrant is quadrant
        )
        if points:
            message = config.when_we_grow if quadrant is Quadrant.UPHILL else None
            sections.append(
                QuadrantSection(
                    quadrant=quadrant,
                    title=quadrant.label,
                    framing=config.framing.for_quadrant(quadrant.value),
                    message=message,
                    points=points,
                )
            )
    return sections


def _point(alignment: Alignment, config: CompanyConfig, need: CapabilityView | None) -> TalkingPoint:
    return TalkingPoint(
        quadrant=alignment.quadrant,
        subject=alignment.subject,
        text=_point_text(alignment, config, need),
        explanation=alignment.explanation,
        item_id=alignment.item_id,
        capability_id=alignment.capability_id,
        initiative_id=need.initiative_id if need else None,
    )
