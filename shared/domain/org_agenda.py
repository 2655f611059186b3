"""The organisation's growth agenda: business initiatives and, per org unit, the capabilities they need.

An org unit is found by department name (case-insensitive) or by Entra group id. Capabilities listed under
``company_wide`` apply to every unit. Each capability names the initiative it serves, the planning milestone
it matters for, and the keywords and aliases used to match agenda items (see ``shared.domain.quadrants``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Slug = str  # lower-case id used for references inside the config, e.g. "platform-migration"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Initiative(_Strict):
    """A business initiative, with the sentence a manager can use to say why it matters."""

    id: Slug = Field(pattern=SLUG_PATTERN)
    name: str = Field(min_length=1, max_length=120)
    why_it_matters: str = Field(min_length=1, max_length=600)
    owner: str | None = Field(None, max_length=120)


class Capability(_Strict):
    """A strategic capability the business needs; ``initiative`` and ``milestone`` are ids in the same file."""

    id: Slug = Field(pattern=SLUG_PATTERN)
    name: str = Field(min_length=1, max_length=120)
    description: str = Field("", max_length=600)
    initiative: Slug
    milestone: Slug
    keywords: tuple[str, ...] = Field(min_length=1, max_length=40)
    aliases: tuple[str, ...] = Field((), max_length=40)

    @property
    def match_terms(self) -> tuple[str, ...]:
        """Every term used for matching: the name, then keywords, then aliases."""
        return (self.name, *self.keywords, *self.aliases)


class OrgUnit(_Strict):
    """A department and/or Entra groups, and the capabilities the business needs from them."""

    name: str = Field(min_length=1, max_length=120)
    departments: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    capabilities: tuple[Capability, ...] = ()
    card_channel: Literal["teams", "email"] = Field("teams", description="where this unit's cards go by default")

    def contains(self, department: str | None, group_ids: Iterable[str] = ()) -> bool:
        wanted = {d.casefold() for d in self.departments} | {self.name.casefold()}
        if department is not None and department.strip().casefold() in wanted:
            return True
        return bool(set(self.groups) & set(group_ids))


class OrgAgenda(_Strict):
    initiatives: tuple[Initiative, ...] = Field(min_length=1)
    company_wide: tuple[Capability, ...] = ()
    units: tuple[OrgUnit, ...] = ()

    def unit_for(self, department: str | None, group_ids: Iterable[str] = ()) -> OrgUnit | None:
        """The first unit that contains this department or one of these groups."""
        groups = tuple(group_ids)
        return next((u for u in self.units if u.contains(department, groups)), None)

    def capabilities_for(self, department: str | None, group_ids: Iterable[str] = ()) -> tuple[Capability, ...]:
        """The unit's capabilities followed by the company-wide ones (no duplicates by id)."""
        unit = self.unit_for(department, group_ids)
        own = unit.capabilities if unit else ()
        seen = {c.id for c in own}
        return (*own, *(c for c in self.company_wide if c.id not in seen))

    def initiative(self, initiative_id: str) -> Initiative | None:
        return next((i for i in self.initiatives if i.id == initiative_id), None)

    def all_capabilities(self) -> tuple[Capability, ...]:
        return (*self.company_wide, *(c for u in self.units for c in u.capabilities))
