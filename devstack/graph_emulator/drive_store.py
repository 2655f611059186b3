"""Drive items of the emulator: folders and files, file bytes kept on disk so a person can open them.

Each item has an ``eTag`` (and a file a ``cTag``) that changes with every write of its content, in Graph's
shape ``"{ID},N"``; an upload with ``If-Match`` that names another eTag is refused (``PreconditionFailed``).
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from devstack.graph_emulator.calendar_time import iso_utc

_QUOTED = re.compile(r'(?:W/)?"[^"]*"')
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Item:
    item_id: str
    drive_id: str
    name: str
    parent_id: str | None
    folder: bool
    created: datetime = field(default_factory=lambda: datetime.now(UTC))
    modified: datetime = field(default_factory=lambda: datetime.now(UTC))
    version: int = 1

    @property
    def etag(self) -> str:
        return f'"{{{self.item_id}}},{self.version}"'

    def matches(self, if_match: str | None) -> bool:
        """True when an ``If-Match`` header value (absent, ``*`` or a list of eTags) allows writing this item."""
        if if_match is None:
            return True
        if if_match.strip() == "*":
            return True
        tags = _QUOTED.findall(if_match) or [if_match]  # an eTag holds a comma: split on quotes, not commas
        return _bare(self.etag) in {_bare(tag) for tag in tags}


class PreconditionFailed(Exception):
    """``If-Match`` names an eTag the item no longer (or never) had."""


class NameAlreadyExists(Exception):
    """A create-only upload (``@microsoft.graph.conflictBehavior=fail``) found a file of that name."""


class DriveError(ValueError):
    """A path that cannot name an item (empty segment, a file used as a folder)."""


class DriveStore:
    """Items per drive, addressed by id or by path from the root; file content under ``data_dir``."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.items: dict[str, Item] = {}

    def item_id(self, drive_id: str, *parts: str) -> str:
        digest = hashlib.sha256("/".join((drive_id, *parts)).encode()).hexdigest()[:30].upper()
        return f"01{digest}"

    def root(self, drive_id: str) -> Item:
        ident = self.item_id(drive_id, "root")
        if ident not in self.items:
            self.items[ident] = Item(ident, drive_id, "root", None, folder=True)
        return self.items[ident]

    def get(self, drive_id: str, item_id: str) -> Item | None:
        if item_id == "root":
            return self.root(drive_id)
        item = self.items.get(item_id)
        return item if item is not None and item.drive_id == drive_id else None

    def path_of(self, item: Item) -> list[str]:
        names: list[str] = []
        while item.parent_id is not None:
            names.insert(0, item.name)
            item = self.items[item.parent_id]
        return names

    def child(self, parent: Item, name: str) -> Item | None:
        return next(
            (i for i in self.items.values() if i.parent_id == parent.item_id and i.name.lower() == name.lower()), None
        )

    def by_path(self, drive_id: str, path: str, start: Item | None = None) -> Item | None:
        item: Item | None = start or self.root(drive_id)
        for name in _segments(path):
            item = self.child(item, name) if item is not None else None
        return item

    def put(
        self, drive_id: str, parent: Item, path: str, content: bytes, if_match: str | None = None, *,
        create_only: bool = False,
    ) -> tuple[Item, bool]:  # fmt: skip
        """Write a file at ``path`` below ``parent`` (making folders); returns (item, created).

        With ``if_match``, the file must exist and carry that eTag, else ``PreconditionFailed``; with
        ``create_only`` (conflictBehavior ``fail``), it must not exist, else ``NameAlreadyExists`` (nothing written)."""
        *folders, filename = _segments(path)
        for name in folders:
            parent = self.child(parent, name) or self._add(drive_id, parent, name, folder=True)
            if not parent.folder:
                raise DriveError(f"'{name}' is a file, not a folder")
        existing = self.child(parent, filename)
        if existing is not None and existing.folder:
            raise DriveError(f"'{filename}' is a folder")
        if if_match is not None and (existing is None or not existing.matches(if_match)):
            raise PreconditionFailed(path)
        if create_only and existing is not None:
            raise NameAlreadyExists(path)
        item = existing or self._add(drive_id, parent, filename, folder=False)
        self.write(item, content)
        return item, existing is None

    def _add(self, drive_id: str, parent: Item, name: str, folder: bool) -> Item:
        item = Item(self.item_id(drive_id, *self.path_of(parent), name), drive_id, name, parent.item_id, folder)
        self.items[item.item_id] = item
        return item

    def file_path(self, item: Item) -> Path:
        return self.data_dir / item.drive_id / item.item_id / item.name

    def write(self, item: Item, content: bytes) -> None:
        target = self.file_path(item)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        item.modified = datetime.now(UTC)
        item.version += 1

    def read(self, item: Item) -> bytes:
        return self.file_path(item).read_bytes()

    def as_json(self, item: Item, base_url: str) -> dict[str, Any]:
        """The driveItem JSON Graph returns."""
        path = "/".join(self.path_of(item))
        body: dict[str, Any] = {
            "id": item.item_id,
            "name": item.name,
            "eTag": item.etag,
            "createdDateTime": iso_utc(item.created),
            "lastModifiedDateTime": iso_utc(item.modified),
            "webUrl": f"{base_url}/drives/{item.drive_id}/root:/{path}",
        }
        if item.parent_id is not None:
            parent_path = "/".join(self.path_of(self.items[item.parent_id]))
            body["parentReference"] = {
                "driveId": item.drive_id,
                "id": item.parent_id,
                "path": f"/drive/root:/{parent_path}".rstrip("/"),
            }
        if item.folder:
            body["folder"] = {"childCount": sum(1 for i in self.items.values() if i.parent_id == item.item_id)}
        else:
            body["size"] = self.file_path(item).stat().st_size
            mime = XLSX if item.name.lower().endswith(".xlsx") else mimetypes.guess_type(item.name)[0]
            body["file"] = {"mimeType": mime or "application/octet-stream"}
            body["cTag"] = f'"c:{{{item.item_id}}},{item.version}"'
        return body


def _bare(tag: str) -> str:
    return tag.strip().removeprefix("W/").strip('"')


def _segments(path: str) -> list[str]:
    parts = [p for p in path.strip("/").split("/")]
    if not parts or any(not p or p in (".", "..") for p in parts):
        raise DriveError(f"invalid item path '{path}'")
    return parts
