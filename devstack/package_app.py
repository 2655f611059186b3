"""Build the Teams app package: ``out/wegrow-teams-app.zip`` (``make package``).

The manifest template ``infra/appPackage/manifest.json`` holds ``{{NAME}}`` placeholders. They are filled
in the parsed JSON (never in raw text) from command-line options, else the environment (after ``azd up``:
``set -a; eval "$(azd env get-values)"; set +a``, since a bare ``eval`` does not export), else local defaults
that are fine for a test package only:

- ``TEAMS_APP_MANIFEST_ID`` (``WEGROW_TEAMS_APP_MANIFEST_ID``): the manifest id, a GUID you keep stable;
- ``BOT_APP_ID`` (``WEGROW_BOT_APP_ID``): the bot's Entra app id, also ``webApplicationInfo.id``;
- ``BOT_DOMAIN`` (``WEGROW_VALID_DOMAIN``, a Bicep output): the function app host name;
- ``APP_VERSION``, ``DEVELOPER_NAME``, ``DEVELOPER_URL`` (``WEGROW_APP_VERSION``, ...).

A build is for upload unless it says it is local (``--local`` or ``WEGROW_ENV=local``): then a placeholder bot
id, the local manifest id or a loopback host is refused with exit code 2 and a message naming the variable,
instead of a zip Teams would accept and that could never reach the bot.

The zip holds ``manifest.json``, ``color.png`` (192x192) and ``outline.png`` (32x32, white on
transparent) at its root, with fixed timestamps so the same inputs give the same bytes.
``python -m devstack.package_app --icons`` redraws the two PNGs (pure zlib, no imaging library).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import struct
import sys
import uuid
import zipfile
import zlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
APP_PACKAGE = REPO / "infra" / "appPackage"
OUTPUT = REPO / "out" / "wegrow-teams-app.zip"
LANGUAGE_FILES = ("de-de.json", "ja-jp.json")  # localizationInfo.additionalLanguages in the manifest
PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")
GUID = r"[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}"
FIXED_TIME = (2024, 1, 1, 0, 0, 0)
ACCENT = (0x2E, 0x7D, 0x5B)
LOCAL_MANIFEST_ID = str(uuid.uuid5(uuid.NAMESPACE_DNS, "wegrow.local"))
PLACEHOLDER_BOT_ID = "00000000-0000-0000-0000-000000000000"
LOOPBACK_HOSTS = frozenset({"localhost", "0.0.0.0"})  # and 127.0.0.0/8

# placeholder -> (environment variable, local default, pattern the value must match)
VALUES: dict[str, tuple[str, str, str]] = {
    "TEAMS_APP_MANIFEST_ID": ("WEGROW_TEAMS_APP_MANIFEST_ID", LOCAL_MANIFEST_ID, GUID),
    "BOT_APP_ID": ("WEGROW_BOT_APP_ID", PLACEHOLDER_BOT_ID, GUID),
    "BOT_DOMAIN": ("WEGROW_VALID_DOMAIN", "localhost", r"[A-Za-z0-9.-]+(:[0-9]+)?"),
    "APP_VERSION": ("WEGROW_APP_VERSION", "1.0.0", r"(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*)){2}"),
    "DEVELOPER_NAME": ("WEGROW_DEVELOPER_NAME", "WeGrow", r".{1,32}"),
    "DEVELOPER_URL": ("WEGROW_DEVELOPER_URL", "https://wegrow.example.com", r"https://[^\s{}]+"),
}


class PackageError(ValueError):
    """A placeholder value is missing or malformed; the message names it."""


def resolve_values(overrides: Mapping[str, str], environ: Mapping[str, str]) -> dict[str, str]:
    """Each placeholder's value: override, else environment, else the local default; validated."""
    values = {}
    for name, (env, default, pattern) in VALUES.items():
        value = overrides.get(name) or environ.get(env) or default
        if not re.fullmatch(pattern, value):
            raise PackageError(f"{name} ({env}): {value!r} does not match {pattern}")
        values[name] = value
    return values


def placeholders(values: Mapping[str, str]) -> list[str]:
    """Why these values only make a local test package: one line per placeholder, naming its variable."""
    found = []
    if values["BOT_APP_ID"] == PLACEHOLDER_BOT_ID:
        found.append("BOT_APP_ID (WEGROW_BOT_APP_ID) is the placeholder all-zero id")
    if values["TEAMS_APP_MANIFEST_ID"] == LOCAL_MANIFEST_ID:
        found.append("TEAMS_APP_MANIFEST_ID (WEGROW_TEAMS_APP_MANIFEST_ID) is the local stack's manifest id")
    host = values["BOT_DOMAIN"].lower().split(":", 1)[0]  # the pattern allows only host[:port]
    if host in LOOPBACK_HOSTS or host.startswith("127."):
        found.append(f"BOT_DOMAIN (WEGROW_VALID_DOMAIN) is {values['BOT_DOMAIN']!r}, a loopback host")
    return found


def is_local(flag: bool, environ: Mapping[str, str]) -> bool:
    """A local build says so: ``--local`` or ``WEGROW_ENV=local``."""
    return flag or environ.get("WEGROW_ENV", "").strip().lower() == "local"


def fill(node: Any, values: Mapping[str, str]) -> Any:
    """Substitute ``{{NAME}}`` inside every string of the parsed manifest."""
    if isinstance(node, dict):
        return {key: fill(item, values) for key, item in node.items()}
    if isinstance(node, list):
        return [fill(item, values) for item in node]
    if isinstance(node, str):
        return PLACEHOLDER.sub(lambda m: _value(m.group(1), values), node)
    return node


def _value(name: str, values: Mapping[str, str]) -> str:
    if name not in values:
        raise PackageError(f"manifest placeholder {{{{{name}}}}} has no value")
    return values[name]


def build_manifest(values: Mapping[str, str]) -> dict[str, Any]:
    template = json.loads((APP_PACKAGE / "manifest.json").read_text(encoding="utf-8"))
    return dict(fill(template, values))


def build_package(output: Path, values: Mapping[str, str]) -> Path:
    """Write the zip (manifest, both icons and the language files at the root) and return its path."""
    manifest = json.dumps(build_manifest(values), indent=2, ensure_ascii=False).encode()
    output.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("manifest.json", FIXED_TIME), manifest, zipfile.ZIP_DEFLATED)
        for name in ("color.png", "outline.png", *LANGUAGE_FILES):
            data = (APP_PACKAGE / name).read_bytes()
            archive.writestr(zipfile.ZipInfo(name, FIXED_TIME), data, zipfile.ZIP_DEFLATED)
    return output


# --- icons: a sprout (stem and two leaves), drawn per pixel into RGBA PNGs -------------------------------------


def png(width: int, height: int, pixel: Callable[[float, float], tuple[int, int, int, int]]) -> bytes:
    """An RGBA PNG; ``pixel(x, y)`` gets coordinates scaled to 0..1 (pixel centres)."""
    rows = b"".join(
        b"\x00" + bytes(c for x in range(width) for c in pixel((x + 0.5) / width, (y + 0.5) / height))
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def sprout(x: float, y: float) -> bool:
    """True on the sprout: a stem and two leaves (ellipses tilted away from it)."""
    stem = abs(x - 0.5) < 0.045 and 0.40 < y < 0.84
    left = ((x - 0.37) / 0.16) ** 2 + ((y - 0.45 - (x - 0.37) * 0.7) / 0.08) ** 2 < 1
    right = ((x - 0.63) / 0.16) ** 2 + ((y - 0.33 + (x - 0.63) * 0.7) / 0.08) ** 2 < 1
    return stem or left or right


def color_pixel(x: float, y: float) -> tuple[int, int, int, int]:
    return (255, 255, 255, 255) if sprout(x, y) else (*ACCENT, 255)


def outline_pixel(x: float, y: float) -> tuple[int, int, int, int]:
    return (255, 255, 255, 255) if sprout(x, y) else (255, 255, 255, 0)


def write_icons(folder: Path = APP_PACKAGE) -> None:
    (folder / "color.png").write_bytes(png(192, 192, color_pixel))
    (folder / "outline.png").write_bytes(png(32, 32, outline_pixel))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack.package_app", description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--icons", action="store_true", help="redraw color.png and outline.png first")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="placeholder value")
    parser.add_argument(
        "--local", action="store_true", help="a test package for the local stack (also WEGROW_ENV=local)"
    )
    args = parser.parse_args(argv)
    try:
        overrides = dict(item.split("=", 1) for item in args.set)
        values = resolve_values(overrides, os.environ)
    except ValueError as error:
        print(f"package: {error}", file=sys.stderr)
        return 2
    local = is_local(args.local, os.environ)
    refused = [] if local else placeholders(values)
    if refused:
        print("package: refusing to build an upload package with local placeholder values:", file=sys.stderr)
        for reason in refused:
            print(f"  - {reason}", file=sys.stderr)
        print(
            '  export the azd outputs first: set -a; eval "$(azd env get-values)"; set +a\n'
            "  (or build a local test package: --local, or WEGROW_ENV=local)",
            file=sys.stderr,
        )
        return 2
    if args.icons:
        write_icons()
    defaults = [n for n, (env, _, _) in VALUES.items() if n not in overrides and env not in os.environ]
    path = build_package(args.output, values)
    print(f"wrote {path}")
    if defaults and local:
        print(f"local defaults used for {', '.join(defaults)}: fine for tests, not for upload", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
