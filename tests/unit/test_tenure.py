"""Tenure stages: every boundary, configurable thresholds, calendar-month arithmetic."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from pydantic import ValidationError

from shared.domain.tenure import TenureStage, TenureThresholds, add_months, tenure_stage

pytestmark = pytest.mark.unit

HIRED = date(2024, 3, 10)


@pytest.mark.parametrize(
    ("as_of", "stage"),
    [
        (HIRED, TenureStage.ONBOARDING),
        (date(2024, 9, 9), TenureStage.ONBOARDING),
        (date(2024, 9, 10), TenureStage.GROWING),  # exactly 6 months
        (date(2026, 3, 9), TenureStage.GROWING),
        (date(2026, 3, 10), TenureStage.PLATEAU_RISK),  # exactly 2 years
        (date(2027, 3, 9), TenureStage.PLATEAU_RISK),
        (date(2027, 3, 10), TenureStage.ESTABLISHED),  # exactly 3 years
        (date(2040, 1, 1), TenureStage.ESTABLISHED),
    ],
)
def test_stage_boundaries(as_of: date, stage: TenureStage) -> None:
    assert tenure_stage(HIRED, as_of) is stage


def test_future_hire_date_counts_as_onboarding() -> None:
    assert tenure_stage(date(2027, 1, 1), date(2026, 12, 1)) is TenureStage.ONBOARDING


def test_month_end_hire_reaches_six_months_on_the_last_day_of_a_shorter_month() -> None:
    hired = date(2025, 8, 31)
    assert add_months(hired, 6) == date(2026, 2, 28)
    assert tenure_stage(hired, date(2026, 2, 27)) is TenureStage.ONBOARDING
    assert tenure_stage(hired, date(2026, 2, 28)) is TenureStage.GROWING


def test_thresholds_are_configurable() -> None:
    short = TenureThresholds(growing_from_months=3, plateau_risk_from_months=18, established_from_months=30)
    assert tenure_stage(HIRED, date(2024, 6, 10), short) is TenureStage.GROWING
    assert tenure_stage(HIRED, date(2025, 9, 10), short) is TenureStage.PLATEAU_RISK
    assert tenure_stage(HIRED, date(2026, 9, 10), short) is TenureStage.ESTABLISHED
    assert tenure_stage(HIRED, date(2026, 9, 10) - timedelta(days=1), short) is TenureStage.PLATEAU_RISK


def test_thresholds_must_increase() -> None:
    with pytest.raises(ValidationError, match="thresholds must increase"):
        TenureThresholds(growing_from_months=24, plateau_risk_from_months=12, established_from_months=36)


def test_each_stage_has_its_own_prompts_in_the_default_config() -> None:
    from shared.adapters.config_file import load_company_config

    tenure = load_company_config().tenure
    prompts = {tenure.text(stage).manager_prompt for stage in TenureStage}
    assert len(prompts) == len(TenureStage)
    assert tenure.text(TenureStage.PLATEAU_RISK).label == "Plateau risk"
