"""OData query helpers shared by the emulator modules: $select, $top, $filter basics, paging, Prefer.

Skip and delta tokens are opaque to clients: URL-safe base64 of a small JSON object.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from aiohttp import web

from devstack.graph_emulator.errors import bad_request

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 999
Predicate = Callable[[Mapping[str, Any]], bool]


def encode_token(payload: Mapping[str, Any]) -> str:
    raw = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str) -> dict[str, Any]:
    """Decode a token made by encode_token; a damaged token is a 400, as in Graph."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        payload = json.loads(raw)
    except (binascii.Error, ValueError) as exc:
        raise bad_request("The provided skip or delta token is invalid.", "InvalidSkipToken") from exc
    if not isinstance(payload, dict):
        raise bad_request("The provided skip or delta token is invalid.", "InvalidSkipToken")
    return payload


def parse_select(query: Mapping[str, str]) -> list[str] | None:
    value = query.get("$select")
    if value is None:
        return None
    return [part.strip() for part in value.split(",") if part.strip()]


def apply_select(obj: Mapping[str, Any], select: Sequence[str] | None, always: Iterable[str] = ()) -> dict[str, Any]:
    """Keep only the selected properties (case-insensitive names, like Graph), plus annotations and `always`."""
    if select is None:
        return dict(obj)
    wanted = {name.lower() for name in select} | {name.lower() for name in always}
    return {key: val for key, val in obj.items() if key.lower() in wanted or key.startswith("@")}


def parse_expand(query: Mapping[str, str]) -> list[str]:
    value = query.get("$expand")
    if not value:
        return []
    return [part.split("(")[0].strip() for part in value.split(",") if part.strip()]


def parse_top(query: Mapping[str, str], default: int = DEFAULT_PAGE_SIZE, maximum: int = MAX_PAGE_SIZE) -> int:
    value = query.get("$top")
    if value is None:
        return default
    if not value.isdigit() or not 1 <= int(value) <= maximum:
        raise bad_request(f"Invalid page size specified: '{value}'. Must be between 1 and {maximum} inclusive.")
    return int(value)


def prefer_values(request: web.Request) -> dict[str, str]:
    """The Prefer header as a dict: `outlook.timezone="X", odata.maxpagesize=5` -> {...}."""
    result: dict[str, str] = {}
    for header in request.headers.getall("Prefer", []):
        for part in header.split(","):
            name, _, value = part.strip().partition("=")
            if name:
                result[name.strip().lower()] = value.strip().strip('"')
    return result


def outlook_timezone(request: web.Request) -> str | None:
    """The time zone asked for with `Prefer: outlook.timezone="..."` (calendar responses), or None for UTC."""
    return prefer_values(request).get("outlook.timezone") or None


def max_page_size(request: web.Request, default: int) -> int:
    value = prefer_values(request).get("odata.maxpagesize", "")
    return int(value) if value.isdigit() and int(value) > 0 else default


def next_link(request: web.Request, token_name: str, token: str, keep: Iterable[str] = ()) -> str:
    """An absolute link to the same resource with only `keep` query options and the new token."""
    params = {k: v for k, v in request.query.items() if k in set(keep)}
    params[token_name] = token
    return str(request.url.with_query(params))


_CLAUSE = re.compile(
    r"^\s*(?:(?P<field>[\w/]+)\s+(?P<op>eq|ne)\s+(?P<value>'(?:[^']|'')*'|true|false|null|-?\d+)"
    r"|startswith\(\s*(?P<sfield>[\w/]+)\s*,\s*(?P<svalue>'(?:[^']|'')*')\s*\))\s*$",
    re.IGNORECASE,
)


def _literal(text: str) -> Any:
    if text.startswith("'"):
        return text[1:-1].replace("''", "'")
    return {"true": True, "false": False, "null": None}.get(
        text.lower(), text if not text.lstrip("-").isdigit() else int(text)
    )


def _lookup(obj: Mapping[str, Any], path: str) -> Any:
    value: Any = obj
    for part in path.split("/"):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def _clause(text: str) -> Predicate:
    match = _CLAUSE.match(text)
    if match is None:
        raise bad_request(f"Invalid filter clause: unsupported expression '{text.strip()}'.")
    if match["sfield"]:
        field, prefix = match["sfield"], str(_literal(match["svalue"])).lower()
        return lambda obj: str(_lookup(obj, field) or "").lower().startswith(prefix)
    field, op, expected = match["field"], match["op"].lower(), _literal(match["value"])

    def compare(obj: Mapping[str, Any]) -> bool:
        actual = _lookup(obj, field)
        same = (
            actual.lower() == expected.lower()
            if isinstance(actual, str) and isinstance(expected, str)
            else actual == expected
        )
        return same if op == "eq" else not same

    return compare


def parse_filter(query: Mapping[str, str]) -> Predicate | None:
    """`$filter` with `eq`/`ne` on strings, booleans, null and numbers, `startswith`, joined by `and` or `or`."""
    text = query.get("$filter")
    if not text:
        return None
    if re.search(r"\s+and\s+", text, re.IGNORECASE):
        parts = [_clause(p) for p in re.split(r"\s+and\s+", text, flags=re.IGNORECASE)]
        return lambda obj: all(p(obj) for p in parts)
    parts = [_clause(p) for p in re.split(r"\s+or\s+", text, flags=re.IGNORECASE)]
    return lambda obj: any(p(obj) for p in parts)


def collection(
    request: web.Request, items: Sequence[Mapping[str, Any]], context: str, page_size: int
) -> dict[str, Any]:
    """One page of a plain collection with `@odata.nextLink` (opaque $skiptoken of an offset)."""
    token = request.query.get("$skiptoken")
    offset = int(decode_token(token).get("offset", 0)) if token else 0
    page = list(items[offset : offset + page_size])
    body: dict[str, Any] = {"@odata.context": context, "value": page}
    if offset + page_size < len(items):
        keep = ("$select", "$filter", "$top", "$expand", "$orderby")
        body["@odata.nextLink"] = next_link(request, "$skiptoken", encode_token({"offset": offset + page_size}), keep)
    return body
