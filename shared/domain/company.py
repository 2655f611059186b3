"""The company's own content, authored by HR as YAML: messaging, framing, org agenda, calendar and cadence.

Every model refuses unknown keys, so a typo in the file is an error rather than a silently ignored line.
References between parts of the file (a capability's initiative and milestone, unique ids) are checked by
:func:`reference_errors`, which returns locations so the file loader can name the line.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from shared.domain.company_texts import CompanyTexts, merged_texts, unsupported_languages
from shared.domain.fiscal import FiscalCalendar
from shared.domain.language import DEFAULT_LANGUAGE
from shared.domain.org_agenda import OrgAgenda
from shared.domain.tenure import TenureConfig

Location = tuple[str | int, ...]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuadrantFraming(_Strict):
    """How a manager should frame each alignment quadrant (shown with its talking points)."""

    sweet_spot: str = Field(min_length=1, max_length=600)
    uphill: str = Field(min_length=1, max_length=600)
    gift: str = Field(min_length=1, max_length=600)
    waste: str = Field(min_length=1, max_length=600)

    def for_quadrant(self, quadrant: str) -> str:
        """The framing for a quadrant given by its value (``sweet_spot``, ``uphill``, ``gift``, ``waste``)."""
        text: str = getattr(self, str(quadrant))
        return text


class GiftBudget(_Strict):
    """What a manager may give for a Gift (wanted, not needed): money and/or time, per person per fiscal year."""

    amount: int = Field(ge=0, le=1_000_000)
    currency: str = Field("EUR", pattern=r"^[A-Z]{3}$")
    hours: int = Field(0, ge=0, le=400, description="working hours of leeway per person per fiscal year")
    note: str = Field("", max_length=300)

    def describe(self) -> str:
        parts = [f"{self.amount:,} {self.currency}"] if self.amount else []
        parts += [f"{self.hours} hours of work time"] if self.hours else []
        return " and ".join(parts) + " per person per fiscal year" if parts else "no budget"


class PrepPrompts(_Strict):
    """The questions on the employee's prep card, one per agenda kind, plus the coach offer."""

    learning_goal: str = "What do you want to learn or get better at before our next planning round?"
    micro_need: str = "Anything small you need right now (an intro, a tool, an hour with someone)?"
    unlearn: str = "Is there a habit or an old way of working you want to unlearn?"
    learning_network: str = "Who is in your learning network, and who should be?"
    share: str = "What have you learned that you could share, and with whom?"
    learned: str = "What did you learn since last time (a course, a book, a session you gave)?"
    coach_offer: str = "Prefer to talk this through with a coach instead of your manager? Only the coach pool sees it."


class CadenceConfig(_Strict):
    """The conversation rhythm: regular check-ins plus one in a window before each planning milestone."""

    rhythm_weeks: int = Field(6, ge=2, le=26, description="regular check-in every N weeks")
    milestone_window_days: int = Field(21, ge=3, le=90, description="conversation lands this many days before")
    regular_window_days: int = Field(7, ge=1, le=21, description="days a regular check-in may float")
    min_gap_days: int = Field(21, ge=7, le=120, description="never two conversations closer than this")
    conversation_minutes: int = Field(45, ge=15, le=120)
    max_per_manager_per_day: int = Field(3, ge=1, le=12)
    max_per_manager_per_week: int = Field(8, ge=1, le=40, description="WeGrow conversations per manager-local week")
    start: date | None = Field(None, description="when the cadence starts for everyone (no pilots)")

    @model_validator(mode="after")
    def _rhythm_leaves_room(self) -> Self:
        if self.rhythm_weeks * 7 < self.min_gap_days + self.regular_window_days:
            raise ValueError("rhythm_weeks * 7 must be at least min_gap_days + regular_window_days")
        return self


class Pilot(_Strict):
    """Opt-in scope: the cadence runs for these org units or Entra groups from ``start``."""

    name: str = Field(min_length=1, max_length=80)
    start: date
    org_units: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _has_scope(self) -> Self:
        if not self.org_units and not self.groups:
            raise ValueError("a pilot needs org_units or groups")
        return self


class CompanyConfig(_Strict):
    """Everything HR authors. ``pilots`` empty means every manager–report pair is in scope."""

    company: str = Field(min_length=1, max_length=120)
    when_we_grow: str = Field(min_length=1, max_length=1200, description='the "when we grow, you grow" message')
    framing: QuadrantFraming
    tenure: TenureConfig
    gift_budget: GiftBudget
    prompts: PrepPrompts = PrepPrompts()
    fiscal_calendar: FiscalCalendar
    cadence: CadenceConfig = CadenceConfig()
    pilots: tuple[Pilot, ...] = ()
    org_agenda: OrgAgenda
    default_language: str = Field(DEFAULT_LANGUAGE, pattern=r"^[a-z]{2}$")
    translations: dict[str, CompanyTexts] = Field(default_factory=dict)
    _by_language: dict[str, CompanyConfig] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _translations_are_valid(self) -> Self:
        if unknown := unsupported_languages(self.translations):
            raise ValueError(f"translations for unsupported languages: {', '.join(unknown)}")
        for language in self.translations:
            self.in_language(language)  # a bad translation fails here, when the file loads
        return self

    def in_language(self, language: str) -> CompanyConfig:
        """This config with its texts in ``language`` (the default texts where HR gave no translation)."""
        texts = self.translations.get(language)
        if texts is None or language == self.default_language:
            return self
        if language not in self._by_language:
            base = self.model_dump(exclude={"translations"})
            self._by_language[language] = CompanyConfig.model_validate(merged_texts(base, texts))
        return self._by_language[language]


def _duplicates(values: list[str]) -> set[str]:
    return {v for v, n in Counter(values).items() if n > 1}


def reference_errors(config: CompanyConfig) -> list[tuple[Location, str]]:
    """Broken references and duplicate ids, each with the location of the offending value."""
    errors: list[tuple[Location, str]] = []
    agenda = config.org_agenda
    initiative_ids = [i.id for i in agenda.initiatives]
    calendar = config.fiscal_calendar
    milestone_ids = calendar.milestone_ids()
    every_milestone = [m.id for m in calendar.milestones] + [m.id for m in calendar.dated_milestones]
    for dup in sorted(_duplicates(every_milestone)):
        errors.append((("fiscal_calendar",), f"duplicate milestone id {dup!r}"))
    for dup in sorted(_duplicates(initiative_ids)):
        errors.append((("org_agenda", "initiatives", initiative_ids.index(dup), "id"), f"duplicate id {dup!r}"))
    capability_locations: list[tuple[Location, str]] = [
        (("org_agenda", "company_wide", n), c.id) for n, c in enumerate(agenda.company_wide)
    ]
    for u, unit in enumerate(agenda.units):
        capability_locations += [
            (("org_agenda", "units", u, "capabilities", n), c.id) for n, c in enumerate(unit.capabilities)
        ]
    seen: set[str] = set()
    for (location, cap_id), cap in zip(capability_locations, agenda.all_capabilities(), strict=True):
        if cap_id in seen:
            errors.append(((*location, "id"), f"duplicate capability id {cap_id!r}"))
        seen.add(cap_id)
        if cap.initiative not in initiative_ids:
            errors.append(((*location, "initiative"), f"unknown initiative {cap.initiative!r}"))
        if cap.milestone not in milestone_ids:
            errors.append(((*location, "milestone"), f"unknown milestone {cap.milestone!r}"))
    unit_names = [u.name.casefold() for u in agenda.units]
    for p, pilot in enumerate(config.pilots):
        for n, name in enumerate(pilot.org_units):
            if name.casefold() not in unit_names:
                errors.append((("pilots", p, "org_units", n), f"unknown org unit {name!r}"))
    return errors
