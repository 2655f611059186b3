"""A manager asks for a series back after deleting it in Outlook: the pair is planned again at the next plan.

The restored series gets a new id (the old one's deterministic ``transactionId`` may still be remembered by
Exchange, and the deleted event must never come back under it): the policy version plus a restore count.
"""

from __future__ import annotations

from datetime import datetime

from shared.domain.people import Pair
from shared.domain.series import series_id
from shared.ports.storage import Store
from shared.services.scheduling_policy import SchedulingPolicy
from shared.services.scheduling_records import SERIES

RESTORE_REQUESTED = "restore-requested"
REMOVED = "removed-by-organiser"


class NotRemoved(ValueError):
    """Only a series the organiser removed can be restored."""


def request_restore(store: Store, pair: Pair, policy: SchedulingPolicy, now: datetime) -> str:
    """Mark the pair to be scheduled again with a fresh series id; returns that id. Raises NotRemoved."""
    record = store.find(SERIES, pair.manager_id, pair.report_id)
    state = record.data.get("state") if record is not None else None
    if record is None or state != REMOVED:
        raise NotRemoved(f"the pair {pair.manager_id}/{pair.report_id} is {state or 'unknown'}, not {REMOVED}")
    restores = int(record.data.get("restores") or 0) + 1
    new_id = series_id(policy.tenant_id, pair.manager_id, pair.report_id, f"{policy.policy_version}/restore-{restores}")
    data = {**record.data, "state": RESTORE_REQUESTED, "series_id": new_id, "restores": restores}
    store.upsert(SERIES, pair.manager_id, pair.report_id, data | {"restore_requested_at": now.isoformat()})
    return new_id
