"""$filter on users: odata.parse_filter's clauses plus Graph's `any` lambda on string collections.

`proxyAddresses/any(p:p eq 'smtp:ada@contoso.example')` matches a user with that address (compared without
regard to case, like Entra's other string filters). Clauses join with `and` or `or` as in parse_filter.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from devstack.graph_emulator.errors import bad_request
from devstack.graph_emulator.odata import Predicate, parse_filter

COLLECTIONS = {"proxyaddresses": "proxyAddresses", "othermails": "otherMails", "imaddresses": "imAddresses"}
_ANY = re.compile(
    r"^\s*(?P<field>\w+)/any\(\s*(?P<var>\w+)\s*:\s*(?P=var)\s+eq\s+'(?P<value>(?:[^']|'')*)'\s*\)\s*$",
    re.IGNORECASE,
)


def _any_clause(text: str) -> Predicate | None:
    match = _ANY.match(text)
    if match is None:
        return None
    field = COLLECTIONS.get(match["field"].lower())
    if field is None:
        raise bad_request(f"Invalid filter clause: 'any' is not supported on '{match['field']}'.")
    wanted = match["value"].replace("''", "'").lower()

    def has(obj: Mapping[str, Any]) -> bool:
        return any(str(value).lower() == wanted for value in obj.get(field) or [])

    return has


def _clause(text: str) -> Predicate:
    predicate = _any_clause(text) or parse_filter({"$filter": text})
    if predicate is None:
        raise bad_request("Invalid filter clause: empty expression.")
    return predicate


def user_filter(query: Mapping[str, str]) -> Predicate | None:
    """The $filter of a users request as a predicate over stored user JSON; None without $filter."""
    text = query.get("$filter")
    if not text or "/any(" not in text.replace(" ", "").lower():
        return parse_filter(query)
    if re.search(r"\s+and\s+", text, re.IGNORECASE):
        every = [_clause(p) for p in re.split(r"\s+and\s+", text, flags=re.IGNORECASE)]
        return lambda obj: all(p(obj) for p in every)
    some = [_clause(p) for p in re.split(r"\s+or\s+", text, flags=re.IGNORECASE)]
    return lambda obj: any(p(obj) for p in some)
