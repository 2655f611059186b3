"""Year planning: the weekly time of a pair's conversation series, checked for every occurrence.

``slots.choose`` picks one good slot. A series repeats it every ``rhythm_weeks`` weeks at the same
wall-clock time in the organiser's zone, so DST changes (on different dates in each person's zone) and
busy weeks can push later occurrences out of someone's hours. ``plan_year`` checks them all:

1. First-occurrence candidates on the rules' step grid in ``[window_start, window_end]``, generated only
   inside the manager's working hours (``grid``; ``Explanation.considered`` counts those), pass the hard
   rules (both people's working hours in their own zones, hard busy time, the manager's daily and ISO-week
   limits counted from ``booked_days``) and are marked with the soft rules they break.
2. Ranking: fewer relaxed soft rules, a lighter manager-local day and week, then spread: a stable hash
   (sha256) of ``spread_key`` rotates the order and days take turns, so one manager's pairs land on
   different days and hours instead of all on the earliest free hour. Equal input, equal plan.
3. For the top ``POOL`` (24) candidates, lazily, count the pattern occurrences up to ``horizon_end`` that
   break a hard rule, giving up on a candidate once it fails more than the best so far and stopping at one
   that holds every week: the series uses the time that holds for the most weeks.
4. Each failing occurrence moves (an instance exception) to the nearest valid time: the same manager-local
   time on the nearest days, then other times, within ±``MOVE_DAYS`` days (``moves``; 7: as far as the
   gaps allow), keeping the gap to the previous placed
   conversation and to the next occurrence within ``[min_gap_days, max_gap_days]`` (widened to include
   the rhythm itself). If none exists it is skipped with the reason (the product cancels that instance).
5. Each milestone window without a conversation gets the nearest movable one moved in when the gaps to its
   neighbours stay in bounds, else an extra single conversation at least ``min_gap_days`` from its
   neighbours, else a cascade (``cascade``): the nearest one moves in and those on its far side, whose gaps
   grow, follow just enough to keep every gap in bounds; else it is listed unmet with the reason (``unmet``;
   a window a later cascade fills counts as served). One already inside just gets the milestone fields.
6. Every placed conversation counts towards the manager's day and week load, so later ones obey the caps.
   Soft rules are relaxed for a moved or extra conversation only when no strict time exists.

Busy lookups are O(log n) (``BusyIndex``); the whole horizon is evaluated only for a few candidates.
Pure: no I/O, no clock.

``plan_year`` runs these steps on integer microseconds and manager-local day numbers (``micro_checks`` on
``micro_grid`` and ``micro_days``, ``micro_first``, ``micro_place``, ``micro_milestones``, ``micro_cascade``; the
manager's zone through ``zone_offsets.LocalClock``), with each person's
hard busy time kept as merged spans per busy list between the plans of a run (``busy_spans``). The same steps
on ``datetime``s (``planner.plan_with`` with ``checks``, ``first_choice``, ``moves``, ``milestones``,
``cascade``) are the reference the tests hold it to, plan for plan.
"""

from shared.domain.planning.busy_index import BusyIndex
from shared.domain.planning.model import Conversation, MilestoneWindow, YearPlan, YearRequest
from shared.domain.planning.pattern import conversations_per_day, weekly_starts
from shared.domain.planning.planner import plan_year

__all__ = [
    "BusyIndex",
    "Conversation",
    "MilestoneWindow",
    "YearPlan",
    "YearRequest",
    "conversations_per_day",
    "plan_year",
    "weekly_starts",
]
