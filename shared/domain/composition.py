"""Card content for one conversation: the manager's agenda (:class:`ManagerAgendaView`) and the employee's
prep card (:class:`PrepView`), as plain data the Teams card templates bind to.

Privacy by construction: :func:`compose_manager_agenda` accepts only a :class:`SharedAgenda` (which refuses
private items) and classifies only those items, so a private item cannot appear on the manager's card, nor
change which org needs it lists. The coach request never appears on it.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from pydantic import BaseModel, ConfigDict

from shared.domain.actions import OutcomeAction
from shared.domain.agenda import AgendaItem, GrowthAgenda, ItemKind, SharedAgenda
from shared.domain.company import CompanyConfig
from shared.domain.org_agenda import Capability
from shared.domain.quadrants import MATCH_RULE, classify
from shared.domain.talking_points import CapabilityView, QuadrantSection, capability_view, talking_points
from shared.domain.tenure import TenureStage

KIND_LABELS = {
    ItemKind.LEARNING_GOAL: "Learning goal",
    ItemKind.MICRO_NEED: "Micro-need",
    ItemKind.UNLEARN: "To unlearn",
    ItemKind.LEARNING_NETWORK: "Learning network",
    ItemKind.SHARE: "To share",
    ItemKind.LEARNED: "What I learned",
}


MAX_KEPT_NEEDS = 1024  # capability views kept per company config (cleared when full)


class _View(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ItemView(_View):
    id: str
    kind: ItemKind
    kind_label: str
    text: str
    status: str
    visibility: str
    share_with: str | None
    carried: bool = False


class ActionView(_View):
    id: str
    text: str
    type: str
    type_label: str
    gap: str
    quadrant: str
    initiative_name: str | None
    owner: str
    due: date
    status: str


class TenureView(_View):
    stage: TenureStage
    label: str
    prompt: str


class ManagerAgendaView(_View):
    employee_name: str
    conversation_date: date
    org_unit: str
    tenure: TenureView | None
    shared_items: tuple[ItemView, ...]
    org_needs: tuple[CapabilityView, ...]
    sections: tuple[QuadrantSection, ...]
    open_actions: tuple[ActionView, ...]
    when_we_grow: str
    match_rule: str


class PromptView(_View):
    kind: ItemKind
    kind_label: str
    question: str
    items: tuple[ItemView, ...]


class PrepView(_View):
    employee_name: str
    manager_name: str
    conversation_date: date
    tenure: TenureView | None
    prompts: tuple[PromptView, ...]
    org_needs: tuple[CapabilityView, ...]
    open_actions: tuple[ActionView, ...]
    coach_offer: str
    coach_requested: bool
    when_we_grow: str


@dataclass(frozen=True, slots=True)
class ConversationContext:
    """Who meets when, and what the company and the last outcome bring to it."""

    config: CompanyConfig
    employee_name: str
    manager_name: str
    department: str | None
    conversation_date: date
    tenure_stage: TenureStage | None = None
    group_ids: tuple[str, ...] = ()
    open_actions: Sequence[OutcomeAction] = field(default_factory=tuple)

    @property
    def capabilities(self) -> tuple[Capability, ...]:
        return self.config.org_agenda.capabilities_for(self.department, self.group_ids)

    @property
    def org_unit(self) -> str:
        unit = self.config.org_agenda.unit_for(self.department, self.group_ids)
        return unit.name if unit else (self.department or "unassigned")


def _item_view(item: AgendaItem) -> ItemView:
    return ItemView(
        id=item.id,
        kind=item.kind,
        kind_label=KIND_LABELS[item.kind],
        text=item.text,
        status=item.status.value,
        visibility=item.visibility.value,
        share_with=item.share_with,
        carried=item.carried,
    )


def _action_view(action: OutcomeAction, config: CompanyConfig) -> ActionView:
    initiative = config.org_agenda.initiative(action.initiative) if action.initiative else None
    return ActionView(
        id=action.id,
        text=action.text,
        type=action.type.value,
        type_label=action.type.label,
        gap=action.gap.value,
        quadrant=action.quadrant.value,
        initiative_name=initiative.name if initiative else action.initiative,
        owner=action.owner.value,
        due=action.due,
        status=action.status.value,
    )


def _tenure(ctx: ConversationContext, *, for_manager: bool) -> TenureView | None:
    if ctx.tenure_stage is None:
        return None
    text = ctx.config.tenure.text(ctx.tenure_stage)
    prompt = text.manager_prompt if for_manager else text.employee_prompt
    return TenureView(stage=ctx.tenure_stage, label=text.label, prompt=prompt)


class _NeedsByConfig:
    """``capability_view`` answers kept per live company config, by (capability, date).

    A card fan-out composes the same few org needs for every card of a conversation day (about 0.1 ms of CPU
    each, issue 20). A view is a frozen function of the config, the capability and the date, so a kept one is
    what a new call would build. The config is not hashable: its views are filed under its ``id`` and dropped
    when it is garbage collected, before that ``id`` can be reused.
    """

    def __init__(self) -> None:
        self._by_config: dict[int, dict[tuple[Capability, date], CapabilityView]] = {}

    def view(self, config: CompanyConfig, capability: Capability, on: date) -> CapabilityView:
        kept = self._kept_for(config)
        found = kept.get((capability, on))
        if found is None:
            if len(kept) >= MAX_KEPT_NEEDS:
                kept.clear()
            found = kept[(capability, on)] = capability_view(config, capability, on)
        return found

    def _kept_for(self, config: CompanyConfig) -> dict[tuple[Capability, date], CapabilityView]:
        kept = self._by_config.get(id(config))
        if kept is None:
            kept = self._by_config[id(config)] = {}
            weakref.finalize(config, self._by_config.pop, id(config), None)
        return kept


_NEEDS = _NeedsByConfig()


def _common(ctx: ConversationContext) -> tuple[tuple[CapabilityView, ...], tuple[ActionView, ...]]:
    needs = tuple(_NEEDS.view(ctx.config, c, ctx.conversation_date) for c in ctx.capabilities)
    actions = tuple(_action_view(a, ctx.config) for a in ctx.open_actions if a.status.is_open)
    return needs, actions


def compose_manager_agenda(ctx: ConversationContext, shared: SharedAgenda) -> ManagerAgendaView:
    """The manager's card: shared open items, org needs, talking points per quadrant, open actions."""
    items = tuple(i for i in shared.items if i.status.is_open)
    alignments = classify(items, ctx.capabilities)
    needs, actions = _common(ctx)
    return ManagerAgendaView(
        employee_name=ctx.employee_name,
        conversation_date=ctx.conversation_date,
        org_unit=ctx.org_unit,
        tenure=_tenure(ctx, for_manager=True),
        shared_items=tuple(_item_view(i) for i in items),
        org_needs=needs,
        sections=tuple(talking_points(alignments, ctx.capabilities, ctx.config, ctx.conversation_date)),
        open_actions=actions,
        when_we_grow=ctx.config.when_we_grow,
        match_rule=MATCH_RULE,
    )


def compose_prep(ctx: ConversationContext, agenda: GrowthAgenda) -> PrepView:
    """The employee's prep card: one prompt per agenda kind with their own open items (private ones too)."""
    prompts = ctx.config.prompts
    open_items = agenda.open_items()
    needs, actions = _common(ctx)
    return PrepView(
        employee_name=ctx.employee_name,
        manager_name=ctx.manager_name,
        conversation_date=ctx.conversation_date,
        tenure=_tenure(ctx, for_manager=False),
        prompts=tuple(
            PromptView(
                kind=kind,
                kind_label=KIND_LABELS[kind],
                question=getattr(prompts, kind.value),
                items=tuple(_item_view(i) for i in open_items if i.kind is kind),
            )
            for kind in ItemKind
        ),
        org_needs=needs,
        open_actions=actions,
        coach_offer=prompts.coach_offer,
        coach_requested=agenda.coach_request is not None,
        when_we_grow=ctx.config.when_we_grow,
    )
