"""users/delta items (raw JSON) to directory changes.

Delta items are read as JSON, not as SDK models: a model cannot tell an absent property (unchanged) from a
property sent as null (cleared), and Graph sends only "at least the properties that have been updated".
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from shared.domain.directory import DIRECTORY_PROPERTIES, PersonChange

# Graph property -> Person field (and how to read it).
_TEXT_FIELDS = {"userPrincipalName": "upn", "mail": "mail", "displayName": "display_name"}
_OPTIONAL_FIELDS = {"department": "department", "jobTitle": "job_title"}
BLANK: dict[str, Any] = {
    "upn": "",
    "mail": "",
    "display_name": "",
    "manager_id": None,
    "department": None,
    "job_title": None,
    "hire_date": None,
    "account_enabled": True,
}
assert set(BLANK) == set(DIRECTORY_PROPERTIES)


def is_removed_item(item: Mapping[str, Any]) -> bool:
    """A delta item marked ``@removed`` (deleted, or gone out of scope)."""
    return "@removed" in item


def _hire_date(value: object) -> date | None:
    if not value:
        return None
    text = str(value).replace("Z", "+00:00")
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        return date.fromisoformat(text[:10])


def _manager(item: Mapping[str, Any]) -> tuple[bool, str | None]:
    """(the link is in the item, the manager id or None when removed)."""
    links = item.get("manager@delta")
    if isinstance(links, list):
        current = [link for link in links if isinstance(link, Mapping) and link.get("id")]
        kept = [str(link["id"]) for link in current if "@removed" not in link]
        if kept:
            return True, kept[-1]
        return (True, None) if current or not links else (False, None)
    if "manager" in item:
        expanded = item.get("manager")
        return True, str(expanded["id"]) if isinstance(expanded, Mapping) and expanded.get("id") else None
    return False, None


def change_from_item(item: Mapping[str, Any], *, full: bool) -> PersonChange:
    """A PersonChange from one delta item. In a full round an absent property means "not set" (blank);
    in a later round it means "unchanged" and is left out of the change."""
    if not item.get("id"):
        raise ValueError("Graph returned a delta item without id")
    values: dict[str, Any] = dict(BLANK) if full else {}
    for graph_name, name in _TEXT_FIELDS.items():
        if graph_name in item:
            text = str(item[graph_name] or "")
            values[name] = text.lower() if name in {"upn", "mail"} else text
    for graph_name, name in _OPTIONAL_FIELDS.items():
        if graph_name in item:
            values[name] = str(item[graph_name]) if item[graph_name] is not None else None
    if "employeeHireDate" in item:
        values["hire_date"] = _hire_date(item["employeeHireDate"])
    if "accountEnabled" in item:
        values["account_enabled"] = item["accountEnabled"] is not False
    present, manager_id = _manager(item)
    if present:
        values["manager_id"] = manager_id
    return PersonChange(str(item["id"]), values)
