"""Tenure stages: where someone is in their time with the company, from hire date and an ``as_of`` date.

Learning tends to stall after about two years, which is also when people leave; the stage changes
the prompts both people see. Months are calendar months: someone hired on 31 January reaches one
month on the last day of February.
"""

from __future__ import annotations

import calendar
from datetime import date
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator


class TenureStage(StrEnum):
    ONBOARDING = "onboarding"
    GROWING = "growing"
    PLATEAU_RISK = "plateau_risk"
    ESTABLISHED = "established"


class TenureThresholds(BaseModel):
    """Stage boundaries in months since hire. A boundary day already belongs to the later stage."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    growing_from_months: int = Field(6, ge=1, le=120, description="onboarding ends here")
    plateau_risk_from_months: int = Field(24, ge=2, le=240, description="growing ends here")
    established_from_months: int = Field(36, ge=3, le=360, description="plateau risk ends here")

    @model_validator(mode="after")
    def _ascending(self) -> Self:
        if not self.growing_from_months < self.plateau_risk_from_months < self.established_from_months:
            raise ValueError("thresholds must increase: growing < plateau_risk < established")
        return self


class StageText(BaseModel):
    """What a stage means for the conversation, as HR words it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str = Field(min_length=1, max_length=60)
    employee_prompt: str = Field(min_length=1, max_length=600)
    manager_prompt: str = Field(min_length=1, max_length=600)


class TenureConfig(BaseModel):
    """Thresholds plus the text for each stage (every stage must be worded)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    thresholds: TenureThresholds = TenureThresholds()
    onboarding: StageText
    growing: StageText
    plateau_risk: StageText
    established: StageText

    def text(self, stage: TenureStage) -> StageText:
        text: StageText = getattr(self, stage.value)
        return text


def add_months(day: date, months: int) -> date:
    """``day`` plus calendar months, clipped to the end of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def tenure_stage(hire_date: date, as_of: date, thresholds: TenureThresholds | None = None) -> TenureStage:
    """The stage on ``as_of`` for someone hired on ``hire_date`` (a future hire date counts as onboarding)."""
    limits = thresholds or TenureThresholds()
    if as_of < add_months(hire_date, limits.growing_from_months):
        return TenureStage.ONBOARDING
    if as_of < add_months(hire_date, limits.plateau_risk_from_months):
        return TenureStage.GROWING
    if as_of < add_months(hire_date, limits.established_from_months):
        return TenureStage.PLATEAU_RISK
    return TenureStage.ESTABLISHED
