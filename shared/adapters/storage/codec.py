"""How a JSON-safe dict maps to a Table Storage entity and back.

Decision (documented for every Store implementation): ``Record.data`` holds JSON values only.
Strings, booleans, floats and 32-bit integers are stored as native entity properties; anything
else (objects, arrays, ``None``, integers outside Int32) is stored as a JSON string and listed in
the ``_json`` property, so it comes back as it went in. Datetimes are not JSON: pass ISO-8601
strings (``datetime.isoformat()``), which also sort correctly when they are all UTC.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

JSON_MARKER = "_json"
RESERVED = frozenset({"PartitionKey", "RowKey", "Timestamp", "etag", JSON_MARKER})
_INT32 = range(-(2**31), 2**31)
_TABLE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]{2,62}$")


def check_table_name(name: str) -> None:
    """Table Storage names: a letter, then letters or digits, 3 to 63 characters in all."""
    if not _TABLE_NAME.match(name):
        raise ValueError(f"invalid table name {name!r}: use 3-63 letters or digits, starting with a letter")


def json_copy(data: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy of ``data``; raises TypeError/ValueError when it is not JSON-safe or uses a reserved name."""
    clash = RESERVED.intersection(data)
    if clash:
        raise ValueError(f"reserved property name(s): {sorted(clash)}")
    copied: dict[str, Any] = json.loads(json.dumps(dict(data), allow_nan=False))
    return copied


def _is_native(value: Any) -> bool:
    if isinstance(value, bool | str | float):
        return True
    return isinstance(value, int) and value in _INT32


def encoded(partition: str, row: str, data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The entity for ``data`` under (partition, row), and the JSON-safe copy of ``data`` it encodes."""
    entity: dict[str, Any] = {"PartitionKey": partition, "RowKey": row}
    encoded: list[str] = []
    copied = json_copy(data)
    for name, value in copied.items():
        if _is_native(value):
            entity[name] = value
        else:
            entity[name] = json.dumps(value)
            encoded.append(name)
    if encoded:
        entity[JSON_MARKER] = ",".join(encoded)
    return entity, copied


def from_entity(entity: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON-safe data of a stored entity (keys and system properties removed)."""
    encoded = set(str(entity.get(JSON_MARKER, "")).split(",")) - {""}
    data: dict[str, Any] = {}
    for name, value in entity.items():
        if name in RESERVED:
            continue
        raw = getattr(value, "value", value)  # EntityProperty (e.g. Int64) -> plain value
        data[name] = json.loads(raw) if name in encoded else raw
    return data
