"""Group membership over Microsoft Graph: ``GET /groups/{id}/transitiveMembers``, users only.

Permission (application): ``GroupMember.Read.All`` (least privileged for group-list-transitivemembers).
The documented path is used with ``$select=id`` (the ``/microsoft.graph.user`` cast is an advanced query that
needs ``ConsistencyLevel: eventual`` and ``$count``); members that are not users (nested groups, devices,
service principals, contacts) are dropped by their ``@odata.type``. Pages of up to 999 objects, following
``@odata.nextLink``; every page goes through the Graph retry policy. A group that does not exist (404), or an id
that is no object id (400 "Invalid object identifier"), is ``UnknownGroup``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from shared.adapters.graph.retry import DEFAULT_POLICY, STATS, RetryPolicy, RetryStats, status_of, with_retries
from shared.ports.directory import UnknownGroup

if TYPE_CHECKING:
    from msgraph.graph_service_client import GraphServiceClient

USER_TYPE = "#microsoft.graph.user"
PAGE_SIZE = 999  # the documented maximum page size of directory object collections


def _first_request(client: GraphServiceClient, group_id: str) -> Any:
    from kiota_abstractions.base_request_configuration import RequestConfiguration
    from msgraph.generated.groups.item.transitive_members.transitive_members_request_builder import (
        TransitiveMembersRequestBuilder,
    )

    query = TransitiveMembersRequestBuilder.TransitiveMembersRequestBuilderGetQueryParameters(
        select=["id"], top=PAGE_SIZE
    )
    builder = client.groups.by_group_id(group_id).transitive_members
    return builder.to_get_request_information(request_configuration=RequestConfiguration(query_parameters=query))


async def _page(
    client: GraphServiceClient, group_id: str, link: str | None, policy: RetryPolicy, stats: RetryStats
) -> dict[str, Any]:
    from msgraph.generated.models.o_data_errors.o_data_error import ODataError

    async def fetch() -> dict[str, Any]:
        if link is None:
            request = _first_request(client, group_id)
        else:
            request = client.groups.by_group_id(group_id).transitive_members.with_url(link).to_get_request_information()
        send: Any = client.request_adapter.send_primitive_async  # typed as returning None in kiota
        payload = await send(request, "bytes", {"XXX": ODataError})
        document = json.loads(payload or b"{}")
        if not isinstance(document, dict):
            raise ValueError("transitiveMembers answered with something other than a JSON object")
        return document

    try:
        return await with_retries(fetch, policy=policy, stats=stats)
    except Exception as error:
        if status_of(error) == 404:
            raise UnknownGroup(group_id) from error
        if status_of(error) == 400 and _invalid_object_id(error):
            raise UnknownGroup(group_id, "is not a valid group object id") from error
        raise


def _invalid_object_id(error: BaseException) -> bool:
    """Graph's 400 ``Request_BadRequest`` "Invalid object identifier '...'" (e.g. a display name given as the id)."""
    main = getattr(error, "error", None)
    return "invalid object identifier" in str(getattr(main, "message", "") or "").lower()


async def transitive_user_ids(
    client: GraphServiceClient,
    group_id: str,
    *,
    policy: RetryPolicy = DEFAULT_POLICY,
    stats: RetryStats = STATS,
) -> frozenset[str]:
    """The ids of every user in the group, directly or through nested groups; ``UnknownGroup`` on a 404."""
    users: set[str] = set()
    link: str | None = None
    while True:
        page = await _page(client, group_id, link, policy, stats)
        for item in page.get("value") or []:
            if isinstance(item, dict) and item.get("@odata.type") == USER_TYPE and item.get("id"):
                users.add(str(item["id"]))
        next_link = page.get("@odata.nextLink")
        if not next_link:
            return frozenset(users)
        link = str(next_link)
