"""The employee's growth agenda: their items, each private or shared, carried from one conversation to the next.

Privacy rule: the manager may only ever see :meth:`GrowthAgenda.shared_view`. The coach request is not
part of it (it goes to the coach pool only). New items are private unless the employee shares them.

User text is kept literal: only control characters are removed and the ends trimmed, so ``${...}``,
markdown and HTML stay exactly as typed (cards render them as text, never as template or markup).
"""

from __future__ import annotations

import unicodedata
from datetime import date
from enum import StrEnum
from typing import Annotated, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from shared.domain.status import Progress

ITEM_TEXT_MAX = 500
NOTE_MAX = 1000
NAME_MAX = 200
MAX_ITEMS = 60


class AgendaFull(Exception):
    """Adding would pass MAX_ITEMS; the message says what the person can do. Not a ValueError on purpose:
    callers tell it apart from malformed input."""


_KEPT_CONTROLS = {"\n", "\t"}


def clean_user_text(value: str) -> str:
    """Drop control characters (keeping newline and tab) and lone surrogates; trim the ends; keep the rest."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    kept = (ch for ch in value if ch in _KEPT_CONTROLS or unicodedata.category(ch) not in {"Cc", "Cs"})
    return "".join(kept).strip()


def _not_blank(value: str) -> str:
    if not value:
        raise ValueError("must not be empty")
    return value


ItemText = Annotated[str, AfterValidator(clean_user_text), AfterValidator(_not_blank), Field(max_length=ITEM_TEXT_MAX)]
NoteText = Annotated[str, AfterValidator(clean_user_text), Field(max_length=NOTE_MAX)]
NameText = Annotated[str, AfterValidator(clean_user_text), AfterValidator(_not_blank), Field(max_length=NAME_MAX)]


class ItemKind(StrEnum):
    LEARNING_GOAL = "learning_goal"
    MICRO_NEED = "micro_need"
    UNLEARN = "unlearn"
    LEARNING_NETWORK = "learning_network"
    SHARE = "share"
    LEARNED = "learned"  # own learning logged between conversations ("learned: ..." in chat)


class Visibility(StrEnum):
    PRIVATE = "private"
    SHARED = "shared"


ItemStatus = Progress


class AgendaItem(BaseModel):
    """One thing on the agenda. ``share_with`` says with whom a ``share`` item will be shared."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, max_length=40)
    kind: ItemKind
    text: ItemText
    visibility: Visibility = Visibility.PRIVATE
    status: ItemStatus = ItemStatus.OPEN
    share_with: NameText | None = None
    carried: bool = False  # still open from an earlier conversation (set by GrowthAgenda.carry_over)
    created: date
    updated: date

    @model_validator(mode="after")
    def _share_with_only_for_share(self) -> Self:
        if self.share_with is not None and self.kind is not ItemKind.SHARE:
            raise ValueError("share_with is only for items of kind 'share'")
        if self.updated < self.created:
            raise ValueError("updated must not be before created")
        return self


class CoachRequest(BaseModel):
    """ "Talk to a coach instead": goes to the coach pool, never to the manager."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    requested_on: date
    note: NoteText = ""


class SharedAgenda(BaseModel):
    """What the manager may see: shared items only, no coach request, nothing private."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    employee_id: str
    items: tuple[AgendaItem, ...] = ()

    @model_validator(mode="after")
    def _only_shared(self) -> Self:
        if any(i.visibility is not Visibility.SHARED for i in self.items):
            raise ValueError("a shared agenda holds shared items only")
        return self


class GrowthAgenda(BaseModel):
    """An employee's agenda. Immutable: every change returns a new agenda."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    employee_id: str = Field(min_length=1)
    items: tuple[AgendaItem, ...] = Field((), max_length=MAX_ITEMS)
    coach_request: CoachRequest | None = None
    next_seq: int = Field(1, ge=1)
    conversation: date | None = None  # the conversation this agenda is being prepared for (see for_conversation)

    def add_item(
        self,
        kind: ItemKind,
        text: str,
        today: date,
        visibility: Visibility = Visibility.PRIVATE,
        share_with: str | None = None,
    ) -> GrowthAgenda:
        """Add an item (a micro-need can be added at any time, not only before a conversation).

        Done and dropped items make room: when the agenda is at ``MAX_ITEMS``, the closed ones are let go first.
        """
        if len(self.items) >= MAX_ITEMS:
            if len(self.open_items()) >= MAX_ITEMS:
                raise AgendaFull(
                    f"the growth agenda already holds {MAX_ITEMS} items, all still open: mark some done or dropped "
                    'first (send me "my agenda", then "done 3" or "drop 3")'
                )
            return self._with(items=self.open_items()).add_item(kind, text, today, visibility, share_with)
        item = AgendaItem(
            id=f"i{self.next_seq}",
            kind=kind,
            text=text,
            visibility=visibility,
            share_with=share_with,
            created=today,
            updated=today,
        )
        return self._with(items=(*self.items, item), next_seq=self.next_seq + 1)

    def add_micro_need(self, text: str, today: date, visibility: Visibility = Visibility.PRIVATE) -> GrowthAgenda:
        return self.add_item(ItemKind.MICRO_NEED, text, today, visibility)

    def update_item(
        self,
        item_id: str,
        today: date,
        *,
        status: ItemStatus | None = None,
        visibility: Visibility | None = None,
        text: str | None = None,
    ) -> GrowthAgenda:
        """Change one item's status, visibility or text; raise KeyError for an unknown id."""
        old = self.item(item_id)
        changes = {"status": status, "visibility": visibility, "text": text}
        data = old.model_dump() | {k: v for k, v in changes.items() if v is not None} | {"updated": today}
        new = AgendaItem.model_validate(data)
        return self._with(items=tuple(new if i.id == item_id else i for i in self.items))

    def item(self, item_id: str) -> AgendaItem:
        for candidate in self.items:
            if candidate.id == item_id:
                return candidate
        raise KeyError(item_id)

    def request_coach(self, today: date, note: str = "") -> GrowthAgenda:
        return self._with(coach_request=CoachRequest(requested_on=today, note=note))

    def withdraw_coach_request(self) -> GrowthAgenda:
        return self._with(coach_request=None)

    def carry_over(self, held: date | None = None) -> GrowthAgenda:
        """The agenda for the next conversation: open and in-progress items stay, done and dropped ones leave.

        Items that were already there at the conversation ``held`` (all of them when it is not given) are marked
        carried; one added since (a micro-need from chat) is new. The coach request is cleared: it was for the
        conversation just held.
        """
        kept = tuple(
            i.model_copy(update={"carried": True}) if held is None or i.created <= held else i
            for i in self.items
            if i.status.is_open
        )
        return self._with(items=kept, coach_request=None)

    def for_conversation(self, day: date) -> GrowthAgenda:
        """This agenda as prepared for the conversation on ``day``.

        The first time a later conversation is prepared, the agenda of the one before is carried over (open items
        stay, marked carried). The same or an earlier day changes nothing, so a re-sent or late card is harmless.
        """
        if self.conversation is None:
            return self._with(conversation=day)
        if day <= self.conversation:
            return self
        return self.carry_over(self.conversation)._with(conversation=day)

    def set_status(self, item_id: str, status: ItemStatus, today: date) -> GrowthAgenda:
        """Mark one item done, dropped or open again; KeyError for an unknown id."""
        return self.update_item(item_id, today, status=status)

    def open_items(self) -> tuple[AgendaItem, ...]:
        return tuple(i for i in self.items if i.status.is_open)

    def shared_view(self) -> SharedAgenda:
        """The only view of this agenda a manager may ever get."""
        shared = tuple(i for i in self.items if i.visibility is Visibility.SHARED)
        return SharedAgenda(employee_id=self.employee_id, items=shared)

    def _with(self, **changes: object) -> GrowthAgenda:
        return GrowthAgenda.model_validate(self.model_dump() | changes)
