"""Org changes end series: cancel a pair's series when a person leaves, is disabled or changes manager.

Moving single occurrences (declines, conflicts, drift out of working hours) is in ``occurrence_repair``.
"""

from __future__ import annotations

from typing import Any

from shared.domain.series import series_id
from shared.ports.directory import MailboxUnavailable
from shared.ports.storage import Record
from shared.services.conversation_changes import cancel_upcoming
from shared.services.occurrence_repair import RepairOutcome, expected_count, repair_occurrences
from shared.services.repair_audit import AUDIT
from shared.services.schedule_pair import ScheduleContext
from shared.services.scheduling_records import SERIES, load_person

__all__ = ["AUDIT", "CANCEL_MESSAGES", "RepairOutcome", "cancel_series", "expected_count", "handle_pair_changed"]
__all__ += ["repair_occurrences"]
CANCEL_MESSAGES = {
    "manager-change": "With the change of manager, this conversation series ends here. "
    "Thank you for the conversations so far; the new manager's series follows.",
    "leaver": "This conversation series ends because one of you has left. Thank you for the conversations.",
    "disabled": "This conversation series ends because the account is no longer active.",
}


async def cancel_series(ctx: ScheduleContext, manager_id: str, report_id: str, kind: str) -> bool:
    """End the pair's series with a kind message; True if one was cancelled or an orphaned copy removed.

    The series is found by the id stored when it was created (a policy version bump never leaves a twin). When
    the organiser's mailbox is gone (they left), nobody can send the cancellation: the report's own copy is
    removed instead, found by the iCalUId both copies share.
    """
    record = ctx.store.find(SERIES, manager_id, report_id)
    stored = str(record.data.get("series_id") or "") if record is not None else ""
    sid = stored or series_id(ctx.policy.tenant_id, manager_id, report_id, ctx.policy.policy_version)
    if record is not None:
        ctx.store.upsert(SERIES, manager_id, report_id, {**record.data, "state": "cancelled", "closed": kind})
    cancel_upcoming(ctx.store, manager_id, report_id, ctx.now)
    try:
        event = await ctx.calendar.find_series(manager_id, sid)
    except MailboxUnavailable:
        return await _remove_orphaned_copy(ctx, record, report_id)
    if event is None:
        return False
    await ctx.calendar.cancel(manager_id, event.event_id, CANCEL_MESSAGES.get(kind, CANCEL_MESSAGES["disabled"]))
    return True


async def _remove_orphaned_copy(ctx: ScheduleContext, record: Record | None, report_id: str) -> bool:
    ical_uid = str(record.data.get("ical_uid") or "") if record is not None else ""
    if not ical_uid or load_person(ctx.store, report_id) is None:
        return False
    try:
        return await ctx.calendar.remove_attendee_copy(report_id, ical_uid)
    except MailboxUnavailable:
        return False


async def handle_pair_changed(ctx: ScheduleContext, body: dict[str, Any]) -> str:
    """The ``pair-changed`` handler: cancel what ended; planning schedules what began (one path, no double work)."""
    kind, manager_id, report_id = str(body["kind"]), str(body.get("manager_id") or ""), str(body["report_id"])
    if kind in {"leaver", "disabled"}:
        return "cancelled" if await cancel_series(ctx, manager_id, report_id, kind) else "nothing to cancel"
    if kind == "manager-change" and body.get("old_manager_id"):
        await cancel_series(ctx, str(body["old_manager_id"]), report_id, kind)
        return "cancelled"
    return "left to planning"  # the new pair has no series record, so the next plan creates it
