"""Validation of a tenant file (see tenant_file.py): every problem, each naming the user, group or event index."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from devstack import tenant_zones as zones
from devstack.tenant_file_events import check_event

TOP_LEVEL = {"users", "groups", "events", "seed", "anchor", "pendingManagerChanges"}
TIME_OF_DAY = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,7})?$")
DAYS = set(zones.DAY_NAMES)
OBJECT_ID = re.compile(r"^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$")  # Entra object ids are GUIDs


class TenantFileError(ValueError):
    """A tenant file Graph could not hold; ``problems`` lists each one (``users[3]: ...``)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = "\n  ".join(problems[:25]) + (f"\n  ... and {len(problems) - 25} more" if len(problems) > 25 else "")
        super().__init__(f"tenant file: {len(problems)} problem(s):\n  {shown}")


def check(doc: Any) -> None:
    """Raise TenantFileError with every problem found; return quietly when the file is sound."""
    if not isinstance(doc, dict):
        raise TenantFileError(["the file must be a JSON object with 'users', 'groups' and 'events'"])
    problems = [
        f"unknown top-level key {k!r} (known: {', '.join(sorted(TOP_LEVEL))})" for k in doc if k not in TOP_LEVEL
    ]
    lists = {}
    for key in ("users", "groups", "events", "pendingManagerChanges"):
        value = doc.get(key, [] if key != "users" else None)
        if not isinstance(value, list):
            problems.append(f"'{key}' must be a list" + (" (it is required)" if key == "users" else ""))
            value = []
        lists[key] = value
    if doc.get("anchor") is not None and not _is_date(doc["anchor"]):
        problems.append(f"anchor must be a date (yyyy-mm-dd), got {doc['anchor']!r}")
    if doc.get("seed") is not None and not isinstance(doc["seed"], int):
        problems.append(f"seed must be an integer or null, got {doc['seed']!r}")
    index = _check_users(lists["users"], problems)
    _check_groups(lists["groups"], index, problems)
    _check_events(lists["events"], index, lists["users"], problems)
    for n, change in enumerate(lists["pendingManagerChanges"]):
        if not isinstance(change, dict) or not {change.get("userId"), change.get("managerId")} <= set(index):
            problems.append(f"pendingManagerChanges[{n}]: needs userId and managerId of users in the file")
    if problems:
        raise TenantFileError(problems)


def _is_date(value: Any) -> bool:
    try:
        datetime.strptime(str(value), "%Y-%m-%d")
    except ValueError:
        return False
    return True


def _check_users(users: list[Any], problems: list[str]) -> dict[str, int]:
    """Per-user checks; returns user id -> index of the first user with that id."""
    index: dict[str, int] = {}
    upns: dict[str, int] = {}
    smtp: dict[str, int] = {}
    for n, user in enumerate(users):
        where = f"users[{n}]"
        if not isinstance(user, dict):
            problems.append(f"{where}: must be an object")
            continue
        for name in ("id", "displayName", "userPrincipalName"):
            if not isinstance(user.get(name), str) or not user[name]:
                problems.append(f"{where}: '{name}' is required (a non-empty string)")
        uid, upn = user.get("id"), str(user.get("userPrincipalName") or "").lower()
        if isinstance(uid, str) and uid:
            _unique(index, uid, n, f"{where}: duplicate id {uid!r} (also users[{{}}])", problems)
        if upn:
            if "@" not in upn:
                problems.append(f"{where}: userPrincipalName {upn!r} is not user@domain")
            _unique(upns, upn, n, f"{where}: duplicate userPrincipalName {upn!r} (also users[{{}}])", problems)
        for address in _addresses(user, where, problems):
            _unique(smtp, address, n, f"{where}: address {address!r} is already users[{{}}]'s", problems)
        if "accountEnabled" in user and not isinstance(user["accountEnabled"], bool):
            problems.append(f"{where}: accountEnabled must be true or false")
        if user.get("employeeHireDate") is not None and not _is_date(str(user["employeeHireDate"])[:10]):
            problems.append(f"{where}: employeeHireDate {user['employeeHireDate']!r} is not a date-time")
        if user.get("mailboxSettings") is not None:
            if not user.get("mail"):
                problems.append(f"{where}: has a mailbox (mailboxSettings) but no mail address")
            _check_mailbox(user["mailboxSettings"], f"{where}.mailboxSettings", problems)
        elif "mailboxSettings" not in user:
            problems.append(f"{where}: 'mailboxSettings' is required (null means no mailbox)")
    _check_managers(users, index, problems)
    return index


def _unique(seen: dict[str, int], key: str, n: int, message: str, problems: list[str]) -> None:
    if key in seen and seen[key] != n:
        problems.append(message.format(seen[key]))
    else:
        seen.setdefault(key, n)


def _addresses(user: dict[str, Any], where: str, problems: list[str]) -> set[str]:
    """The user's SMTP addresses (lower case): mail and proxyAddresses, whose primary must be the mail."""
    mail = user.get("mail")
    if mail is not None and (not isinstance(mail, str) or "@" not in mail):
        problems.append(f"{where}: mail {mail!r} is not an address")
        mail = None
    found = {mail.lower()} if mail else set()
    proxies = user.get("proxyAddresses", [])
    if not isinstance(proxies, list):
        problems.append(f"{where}: proxyAddresses must be a list")
        return found
    for proxy in proxies:
        prefix, _, address = str(proxy).partition(":")
        if prefix.lower() != "smtp" or "@" not in address:
            problems.append(f"{where}: proxy address {proxy!r} is not 'SMTP:' or 'smtp:' and an address")
        elif prefix == "SMTP" and address.lower() != str(mail or "").lower():
            problems.append(f"{where}: primary proxy address {proxy!r} differs from mail {mail!r}")
        else:
            found.add(address.lower())
    return found


def _check_managers(users: list[Any], index: dict[str, int], problems: list[str]) -> None:
    managers = {u["id"]: u.get("managerId") for u in users if isinstance(u, dict) and isinstance(u.get("id"), str)}
    for uid, manager in managers.items():
        n = index[uid]
        if manager is None:
            continue
        if manager not in index:
            problems.append(f"users[{n}]: managerId {manager!r} is not a user in the file")
        elif manager == uid:
            problems.append(f"users[{n}]: is their own manager")
    for uid in managers:
        seen, current = {uid}, managers.get(uid)
        while current in managers and current not in seen:
            seen.add(current)
            current = managers[current]
        if current == uid and min(index[s] for s in seen) == index[uid] and managers[uid] != uid:
            problems.append(f"users[{index[uid]}]: managerId makes a cycle ({len(seen)} people manage each other)")


def _check_mailbox(settings: Any, where: str, problems: list[str]) -> None:
    if not isinstance(settings, dict):
        problems.append(f"{where}: must be an object or null")
        return
    hours = settings.get("workingHours")
    if not isinstance(hours, dict):
        problems.append(f"{where}.workingHours: is required (daysOfWeek, startTime, endTime, timeZone)")
        return
    days = hours.get("daysOfWeek")
    if not isinstance(days, list) or not days or not set(map(str, days)) <= DAYS:
        problems.append(f"{where}.workingHours.daysOfWeek: a non-empty list of day names, got {days!r}")
    start, end = (str(hours.get(k, "")) for k in ("startTime", "endTime"))
    if not TIME_OF_DAY.match(start) or not TIME_OF_DAY.match(end):
        problems.append(f"{where}.workingHours: startTime and endTime must be hh:mm:ss, got {start!r}, {end!r}")
    elif start[:8] >= end[:8] and end[:8] != "00:00:00":
        problems.append(f"{where}.workingHours: startTime {start!r} is not before endTime {end!r}")
    custom = zones.is_custom(hours.get("timeZone"))
    if custom:
        _check_custom(hours["timeZone"], f"{where}.workingHours.timeZone", problems)
    else:
        _zone(hours.get("timeZone", {}).get("name") if isinstance(hours.get("timeZone"), dict) else None,
              f"{where}.workingHours.timeZone.name", problems)  # fmt: skip
    name = settings.get("timeZone")
    if not (custom and name == "Customized Time Zone"):
        _zone(name, f"{where}.timeZone", problems)


def _zone(name: Any, where: str, problems: list[str]) -> None:
    if not isinstance(name, str) or not name:
        problems.append(f"{where}: a zone name is required")
        return
    try:
        zones.named_zone(name)
    except ValueError as exc:
        problems.append(f"{where}: {exc}")


def _check_custom(zone: dict[str, Any], where: str, problems: list[str]) -> None:
    if not isinstance(zone.get("bias"), int):
        problems.append(f"{where}: a customTimeZone needs an integer bias (minutes ahead of UTC)")
    for key in ("standardOffset", "daylightOffset"):
        rule = zone.get(key)
        if not isinstance(rule, dict) or not isinstance(rule.get("month", 0), int) or not 0 <= rule["month"] <= 12:
            problems.append(f"{where}.{key}: an object with month 0-12, dayOccurrence, dayOfWeek and time")


def _check_events(events: list[Any], index: dict[str, int], users: list[Any], problems: list[str]) -> None:
    for n, item in enumerate(events):
        where = f"events[{n}]"
        if not isinstance(item, dict) or not isinstance(item.get("event"), dict):
            problems.append(f"{where}: must be an object with 'organizer' (a user id) and 'event' (an object)")
            continue
        organiser = item.get("organizer")
        if organiser not in index:
            problems.append(f"{where}: organizer {organiser!r} is not a user in the file")
        elif users[index[organiser]].get("mailboxSettings") is None:
            problems.append(f"{where}: organizer {organiser!r} (users[{index[organiser]}]) has no mailbox")
        problems.extend(f"{where}.event: {p}" for p in check_event(item["event"]))


def _check_groups(groups: list[Any], index: dict[str, int], problems: list[str]) -> None:
    """Members are user or group ids of the file. Nesting cycles through other groups are allowed (Entra holds
    them; transitiveMembers lists each object once), but a group is never its own direct member."""
    seen: dict[str, int] = {}
    group_ids = {g["id"] for g in groups if isinstance(g, dict) and isinstance(g.get("id"), str)}
    for n, group in enumerate(groups):
        where = f"groups[{n}]"
        if not isinstance(group, dict) or not isinstance(group.get("id"), str) or not group.get("displayName"):
            problems.append(f"{where}: needs an id and a displayName")
            continue
        if not OBJECT_ID.match(group["id"]):
            problems.append(f"{where}: id {group['id']!r} is not an object id (a GUID)")
        if group["id"] in index:
            problems.append(f"{where}: id {group['id']!r} is also users[{index[group['id']]}]'s")
        _unique(seen, group["id"], n, f"{where}: duplicate id {group['id']!r} (also groups[{{}}])", problems)
        members = group.get("members", [])
        if not isinstance(members, list):
            problems.append(f"{where}: members not in the file: (not a list)")
            continue
        unknown = [m for m in members if not isinstance(m, str) or (m not in index and m not in group_ids)]
        if unknown:
            problems.append(f"{where}: members not in the file: {', '.join(map(str, unknown[:5]))}")
        if group["id"] in members:
            problems.append(f"{where}: a group cannot be a member of itself")
        twice = sorted({str(m) for m in members if members.count(m) > 1})
        if twice:
            problems.append(f"{where}: members listed twice: {', '.join(twice[:5])}")
