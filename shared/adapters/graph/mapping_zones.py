"""Graph ``customTimeZone`` (msgraph-sdk model) to the domain's CustomZone."""

from __future__ import annotations

from datetime import time
from typing import TYPE_CHECKING, Any

from shared.domain.custom_zones import CustomZone, Transition
from shared.domain.people import Weekday

if TYPE_CHECKING:
    from msgraph.generated.models.custom_time_zone import CustomTimeZone


def _transition(offset: Any) -> Transition | None:
    if offset is None or not offset.month:
        return None
    weekday = Weekday(str(offset.day_of_week.value).lower()) if offset.day_of_week is not None else Weekday.SUNDAY
    at = offset.time if isinstance(offset.time, time) else time(0)
    return Transition(int(offset.month), int(offset.day_occurrence or 1), weekday, at)


def custom_zone_from(model: CustomTimeZone) -> CustomZone:
    daylight = model.daylight_offset
    return CustomZone(
        bias_minutes=int(model.bias or 0),
        daylight_bias_minutes=int(getattr(daylight, "daylight_bias", 0) or 0),
        to_standard=_transition(model.standard_offset),
        to_daylight=_transition(daylight),
    )
