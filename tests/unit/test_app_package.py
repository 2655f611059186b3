"""The Teams app package: `make package`'s builder writes a zip whose manifest validates against the v1.22 schema."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from devstack import package_app
from devstack.reference_files import MANIFEST_SCHEMA

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]
SCHEMA = MANIFEST_SCHEMA
REAL = {
    "TEAMS_APP_MANIFEST_ID": "5d0c5a3e-58a4-4c38-9a6a-0f8b0f9e7d21",
    "BOT_APP_ID": "2b7f5c61-9d0e-4f0b-8f6e-3c1d2a4b5e6f",
    "BOT_DOMAIN": "func-wegrow-abc123.azurewebsites.net",
}


def schema_errors(manifest: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft4Validator(json.loads(SCHEMA.read_text()))
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(manifest)]


def read_png(data: bytes) -> tuple[int, int, list[list[tuple[int, ...]]]]:
    """Width, height and RGBA rows of an 8-bit RGBA, unfiltered PNG (what package_app writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks: dict[bytes, bytes] = {}
    offset = 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        chunks[kind] = chunks.get(kind, b"") + data[offset + 8 : offset + 8 + length]
        offset += 12 + length
    width, height, depth, color_type = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, color_type) == (8, 6), "expected 8-bit RGBA"
    raw, stride = zlib.decompress(chunks[b"IDAT"]), 1 + 4 * width
    rows = []
    for y in range(height):
        line = raw[y * stride : (y + 1) * stride]
        assert line[0] == 0, "unexpected PNG row filter"
        rows.append([tuple(line[1 + 4 * x : 5 + 4 * x]) for x in range(width)])
    return width, height, rows


@pytest.fixture
def package(tmp_path: Path) -> zipfile.ZipFile:
    output = tmp_path / "wegrow-teams-app.zip"
    args = [sys.executable, "-m", "devstack.package_app", "--output", str(output)]
    args += [f"--set={name}={value}" for name, value in REAL.items()]
    subprocess.run(args, cwd=REPO, check=True, capture_output=True, text=True)
    return zipfile.ZipFile(output)


def test_package_holds_exactly_the_manifest_icons_and_language_files_at_the_root(package: zipfile.ZipFile) -> None:
    assert sorted(package.namelist()) == ["color.png", "de-de.json", "ja-jp.json", "manifest.json", "outline.png"]


def test_every_language_file_is_listed_and_words_every_user_facing_manifest_string(package: zipfile.ZipFile) -> None:
    manifest = json.loads(package.read("manifest.json"))
    listed = {entry["file"] for entry in manifest["localizationInfo"]["additionalLanguages"]}
    assert listed == {"de-de.json", "ja-jp.json"}
    commands = manifest["bots"][0]["commandLists"][0]["commands"]
    wanted = {"name.short", "name.full", "description.short", "description.full"}
    wanted |= {f"bots[0].commandLists[0].commands[{n}].description" for n in range(len(commands))}
    for file in listed:
        strings = json.loads(package.read(file))
        assert strings.pop("$schema").endswith("MicrosoftTeams.Localization.schema.json")
        assert set(strings) == wanted, file
        assert all(value.strip() for value in strings.values()), file
        assert len(strings["name.short"]) <= 30 and len(strings["description.short"]) <= 80, file
        assert len(strings["name.full"]) <= 100 and len(strings["description.full"]) <= 4000, file


def test_packaged_manifest_validates_against_the_v1_22_schema(package: zipfile.ZipFile) -> None:
    manifest = json.loads(package.read("manifest.json"))
    assert schema_errors(manifest) == []
    assert manifest["manifestVersion"] == "1.22"
    assert "{{" not in json.dumps(manifest)


def test_manifest_has_a_personal_bot_sso_id_and_the_function_domain(package: zipfile.ZipFile) -> None:
    manifest = json.loads(package.read("manifest.json"))
    (bot,) = manifest["bots"]
    assert bot["botId"] == REAL["BOT_APP_ID"] and bot["scopes"] == ["personal"]
    assert manifest["webApplicationInfo"]["id"] == REAL["BOT_APP_ID"]
    assert manifest["validDomains"] == [REAL["BOT_DOMAIN"]]
    assert manifest["id"] == REAL["TEAMS_APP_MANIFEST_ID"]


def test_icons_have_the_required_sizes_and_the_outline_is_white_on_transparent(package: zipfile.ZipFile) -> None:
    manifest = json.loads(package.read("manifest.json"))
    color = read_png(package.read(manifest["icons"]["color"]))
    outline = read_png(package.read(manifest["icons"]["outline"]))
    assert color[:2] == (192, 192) and outline[:2] == (32, 32)
    pixels = [p for row in outline[2] for p in row]
    assert all(p[3] == 0 or p[:3] == (255, 255, 255) for p in pixels)
    assert {p[3] for p in pixels} == {0, 255}, "the outline needs both transparent and white pixels"


def test_committed_icons_are_what_the_generator_draws(tmp_path: Path) -> None:
    package_app.write_icons(tmp_path)
    for icon in ("color.png", "outline.png"):
        assert (tmp_path / icon).read_bytes() == (package_app.APP_PACKAGE / icon).read_bytes()


def test_the_same_inputs_give_the_same_zip(tmp_path: Path) -> None:
    first = package_app.build_package(tmp_path / "a.zip", package_app.resolve_values(REAL, {}))
    second = package_app.build_package(tmp_path / "b.zip", package_app.resolve_values(REAL, {}))
    assert first.read_bytes() == second.read_bytes()


def test_values_come_from_the_azd_environment_when_not_given() -> None:
    values = package_app.resolve_values({}, {"WEGROW_VALID_DOMAIN": REAL["BOT_DOMAIN"]})
    assert values["BOT_DOMAIN"] == REAL["BOT_DOMAIN"]
    assert schema_errors(package_app.build_manifest(values)) == []


@pytest.mark.parametrize(
    ("name", "bad"), [("BOT_APP_ID", "not-a-guid"), ("BOT_DOMAIN", "https://x/y"), ("APP_VERSION", "1.0")]
)
def test_a_malformed_value_is_refused_with_its_name(tmp_path: Path, name: str, bad: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "devstack.package_app", "--output", str(tmp_path / "x.zip"), f"--set={name}={bad}"],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=clean_env(),
    )
    assert result.returncode == 2 and name in result.stderr
    assert not (tmp_path / "x.zip").exists()


def test_the_schema_check_catches_an_unfilled_template() -> None:
    """Guards the validation above: the raw template (placeholder ids) must not pass."""
    template = json.loads((package_app.APP_PACKAGE / "manifest.json").read_text())
    assert any(error.startswith("['id']") for error in schema_errors(template))


def clean_env(**extra: str) -> dict[str, str]:
    """The test's environment without any azd output or WEGROW_ENV, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEGROW_")}
    return {**env, **extra}


def run_package(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "devstack.package_app", "--output", str(tmp_path / "x.zip"), *args]
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, env=clean_env(**env))


def test_an_upload_build_without_the_azd_values_fails_and_names_them(tmp_path: Path) -> None:
    """The old deploy doc's bare ``eval`` exported nothing: the build must fail, not zip placeholders."""
    result = run_package(tmp_path)
    assert result.returncode == 2
    for variable in ("WEGROW_BOT_APP_ID", "WEGROW_VALID_DOMAIN", "WEGROW_TEAMS_APP_MANIFEST_ID"):
        assert variable in result.stderr
    assert "set -a" in result.stderr
    assert not (tmp_path / "x.zip").exists()


@pytest.mark.parametrize(
    ("name", "placeholder"),
    [
        ("BOT_APP_ID", package_app.PLACEHOLDER_BOT_ID),
        ("BOT_DOMAIN", "localhost"),
        ("BOT_DOMAIN", "127.0.0.1:7071"),
        ("TEAMS_APP_MANIFEST_ID", package_app.LOCAL_MANIFEST_ID),
    ],
)
def test_one_placeholder_among_real_values_fails_the_upload_build(tmp_path: Path, name: str, placeholder: str) -> None:
    values = {**REAL, name: placeholder}
    result = run_package(tmp_path, *(f"--set={k}={v}" for k, v in values.items()))
    assert result.returncode == 2 and name in result.stderr
    assert not (tmp_path / "x.zip").exists()


def test_real_values_from_the_exported_azd_environment_build_without_local(tmp_path: Path) -> None:
    env = {package_app.VALUES[name][0]: value for name, value in REAL.items()}
    result = run_package(tmp_path, **env)
    assert result.returncode == 0, result.stderr
    manifest = json.loads(zipfile.ZipFile(tmp_path / "x.zip").read("manifest.json"))
    assert (
        manifest["webApplicationInfo"]["id"] == REAL["BOT_APP_ID"] and manifest["id"] == REAL["TEAMS_APP_MANIFEST_ID"]
    )


@pytest.mark.parametrize("how", ["flag", "env"])
def test_a_local_build_says_so_and_may_use_the_local_defaults(tmp_path: Path, how: str) -> None:
    result = run_package(tmp_path, "--local") if how == "flag" else run_package(tmp_path, WEGROW_ENV="local")
    assert result.returncode == 0, result.stderr
    assert "local defaults used" in result.stderr
    manifest = json.loads(zipfile.ZipFile(tmp_path / "x.zip").read("manifest.json"))
    assert manifest["validDomains"] == ["localhost"]
    assert schema_errors(manifest) == []


def test_placeholders_lists_nothing_for_real_values() -> None:
    assert package_app.placeholders(package_app.resolve_values(REAL, {})) == []
