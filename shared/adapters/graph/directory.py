"""``Directory`` over Microsoft Graph: users delta and mailbox working hours.

Permissions (application): ``User.Read.All`` for users delta (with the manager link),
``MailboxSettings.Read`` for mailboxSettings, ``GroupMember.Read.All`` for group members (directory_groups.py).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from shared.adapters.graph import batch_items as items
from shared.adapters.graph.batch import BatchCall, BatchResult, chunked, send_batch
from shared.adapters.graph.directory_groups import transitive_user_ids
from shared.adapters.graph.limits import BATCHES_IN_FLIGHT
from shared.adapters.graph.mapping_users import change_from_item, is_removed_item
from shared.adapters.graph.mapping_zones import mailbox_language, working_hours_from
from shared.adapters.graph.retry import DEFAULT_POLICY, STATS, RetryPolicy, RetryStats, status_of, with_retries
from shared.domain.custom_zones import UnmatchedCustomZone
from shared.domain.directory import DirectoryDelta, PersonChange
from shared.domain.people import WorkingHours
from shared.ports.directory import MailboxHours

if TYPE_CHECKING:
    from msgraph.graph_service_client import GraphServiceClient

log = logging.getLogger(__name__)

USER_FIELDS = (
    "id",
    "displayName",
    "userPrincipalName",
    "mail",
    "department",
    "jobTitle",
    "employeeHireDate",
    "accountEnabled",
)
MANAGER_EXPAND = "manager($select=id)"
PREFER_MINIMAL = "return=minimal"  # later rounds carry only what changed (absent: unchanged)
NO_MAILBOX_STATUSES = frozenset({403, 404})
NO_MAILBOX_STATUS = 404  # 403 is the access policy: the mailbox may exist, so it is not recorded as missing


SYNC_STATE_GONE_CODES = frozenset({"syncstatenotfound", "resyncrequired"})


def _error_code(error: BaseException) -> str | None:
    main = getattr(error, "error", None)
    code = getattr(main, "code", None)
    return str(code) if code else None


def _sync_state_gone(error: BaseException) -> bool:
    """410 Gone, or a sync-state error code: the delta token can no longer be used (full sync needed)."""
    return status_of(error) == 410 or (_error_code(error) or "").lower() in SYNC_STATE_GONE_CODES


class GraphDirectory:
    """Users delta (following nextLinks to the deltaLink) and working hours via ``$batch``."""

    def __init__(
        self,
        client: GraphServiceClient,
        *,
        policy: RetryPolicy = DEFAULT_POLICY,
        stats: RetryStats = STATS,
        batches_in_flight: int = BATCHES_IN_FLIGHT,
    ) -> None:
        self._client = client
        self._policy = policy
        self._stats = stats
        self._batches_in_flight = batches_in_flight

    def _first_request(self) -> Any:
        from kiota_abstractions.base_request_configuration import RequestConfiguration
        from msgraph.generated.users.delta.delta_request_builder import DeltaRequestBuilder

        query = DeltaRequestBuilder.DeltaRequestBuilderGetQueryParameters(
            select=list(USER_FIELDS), expand=[MANAGER_EXPAND]
        )
        config = RequestConfiguration(query_parameters=query)
        return self._client.users.delta.to_get_request_information(request_configuration=config)

    async def _page(self, link: str | None) -> dict[str, Any]:
        """One delta page as JSON (the first one when ``link`` is None), asking for changed properties only."""
        from msgraph.generated.models.o_data_errors.o_data_error import ODataError

        async def fetch() -> dict[str, Any]:
            if link is None:
                request = self._first_request()
            else:
                request = self._client.users.delta.with_url(link).to_get_request_information()
            request.headers.try_add("Prefer", PREFER_MINIMAL)
            send: Any = self._client.request_adapter.send_primitive_async  # typed as returning None in kiota
            payload = await send(request, "bytes", {"XXX": ODataError})
            document = json.loads(payload or b"{}")
            if not isinstance(document, dict):
                raise ValueError("users/delta answered with something other than a JSON object")
            return document

        return await with_retries(fetch, policy=self._policy, stats=self._stats)

    async def delta(self, delta_token: str | None) -> DirectoryDelta:
        """Follow users/delta from ``delta_token`` (a deltaLink; None: full sync) to the next deltaLink.

        An expired token (Graph: 410 Gone, or ``syncStateNotFound``/``resyncRequired``), on the first page or
        a later one, restarts a full sync from scratch; the answer then says ``full`` so the caller can treat
        everyone missing from it as gone.
        """
        if delta_token:
            try:
                return await self._follow(delta_token)
            except Exception as error:
                if not _sync_state_gone(error):
                    raise
                log.warning("users delta token expired (%s); starting a full sync", _error_code(error) or "410")
                restarted = await self._follow(None)
                return replace(restarted, round_trips=restarted.round_trips + 1)
        return await self._follow(None)

    async def _follow(self, delta_token: str | None) -> DirectoryDelta:
        full = delta_token is None
        page = await self._page(delta_token)
        round_trips = 1
        people: dict[str, PersonChange] = {}
        removed: list[str] = []
        while True:
            for item in page.get("value") or []:
                self._take(item, people, removed, full=full)
            next_link = page.get("@odata.nextLink")
            if not next_link:
                break
            page = await self._page(str(next_link))
            round_trips += 1
        delta_link = page.get("@odata.deltaLink")
        if not delta_link:
            raise RuntimeError("users/delta ended without a deltaLink")
        return DirectoryDelta(
            people=list(people.values()),
            removed_ids=removed,
            delta_token=str(delta_link),
            round_trips=round_trips,
            full=full,
        )

    @staticmethod
    def _take(item: Any, people: dict[str, PersonChange], removed: list[str], *, full: bool) -> None:
        if not isinstance(item, dict):
            return
        if is_removed_item(item):
            if item.get("id"):
                people.pop(str(item["id"]), None)
                removed.append(str(item["id"]))
            return
        change = change_from_item(item, full=full)
        earlier = people.get(change.id)
        people[change.id] = change if earlier is None else PersonChange(change.id, {**earlier.values, **change.values})

    async def group_member_ids(self, group_id: str) -> frozenset[str]:
        """Users in the group, nested groups followed (transitiveMembers); ``UnknownGroup`` when it does not exist."""
        return await transitive_user_ids(self._client, group_id, policy=self._policy, stats=self._stats)

    async def working_hours(self, user_ids: Sequence[str]) -> dict[str, WorkingHours]:
        """mailboxSettings per user through $batch (20 per call); users without a mailbox are left out."""
        return (await self.mailbox_hours(user_ids)).hours

    async def mailbox_hours(self, user_ids: Sequence[str]) -> MailboxHours:
        """mailboxSettings per user through $batch (20 per call), and who has no mailbox (404) and why."""
        unique = list(dict.fromkeys(user_ids))
        gate = asyncio.Semaphore(self._batches_in_flight)

        async def one_batch(ids: Sequence[str]) -> dict[str, BatchResult]:
            calls = [BatchCall(uid, items.get(items.user_path(uid, "mailboxSettings"))) for uid in ids]
            async with gate:
                return await send_batch(self._client, calls, policy=self._policy, stats=self._stats)

        batches = await asyncio.gather(*(one_batch(ids) for ids in chunked(unique)))
        found = MailboxHours()
        for results in batches:
            for uid, result in results.items():
                parsed = self._hours_of(result)
                if parsed is not None:
                    found.hours[uid] = parsed
                    if language := mailbox_language(result.body):
                        found.languages[uid] = language
                elif result.status == NO_MAILBOX_STATUS:
                    found.no_mailbox[uid] = f"no mailbox ({result.error_code or 'not found'})"
        return found

    @staticmethod
    def _hours_of(result: BatchResult) -> WorkingHours | None:
        if result.ok:
            try:
                return working_hours_from(result.body) if isinstance(result.body, dict) else None
            except UnmatchedCustomZone as error:
                log.warning("mailboxSettings unusable: %s", error)
                return None
        if result.status in NO_MAILBOX_STATUSES:
            log.info("mailboxSettings unavailable (status %s, %s); skipping", result.status, result.error_code)
        else:
            log.warning("mailboxSettings failed with status %s (%s)", result.status, result.error_code)
        return None
