"""infra/*.bicep parse cleanly (tree-sitter-bicep) and every module and loaded file they name exists.

Bicep cannot be compiled here (no `az bicep`), so the syntax tree is the check; `az bicep build` runs in real
deployments (docs/deploy.md). The helpers here are shared with test_infra_settings.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
import tree_sitter_bicep
from tree_sitter import Language, Node, Parser, Tree

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]
INFRA = REPO / "infra"
LOAD_FUNCTIONS = {"loadTextContent", "loadJsonContent", "loadFileAsBase64", "loadYamlContent"}


def bicep_files() -> list[Path]:
    return sorted(INFRA.rglob("*.bicep"))


@cache
def parse(path: Path) -> Tree:
    return Parser(Language(tree_sitter_bicep.language())).parse(path.read_bytes())


def walk(node: Node) -> Iterator[Node]:
    yield node
    for child in node.children:
        yield from walk(child)


def text(node: Node) -> str:
    return (node.text or b"").decode()


def string_value(node: Node) -> str:
    """The literal of a non-interpolated Bicep string node ('...')."""
    assert node.type == "string", f"expected a string literal, got {node.type}: {text(node)}"
    return "".join(text(c) for c in node.children if c.type == "string_content")


def broken_nodes(tree: Tree) -> list[str]:
    bad = (n for n in walk(tree.root_node) if n.is_error or n.is_missing)
    return [f"{n.type} at {n.start_point}: {text(n)[:60]!r}" for n in bad]


def module_paths(path: Path) -> list[str]:
    modules = [n for n in walk(parse(path).root_node) if n.type == "module_declaration"]
    return [string_value(next(c for c in m.children if c.type == "string")) for m in modules]


def loaded_paths(path: Path) -> list[str]:
    """The file arguments of loadTextContent(...) and friends."""
    found = []
    for call in (n for n in walk(parse(path).root_node) if n.type == "call_expression"):
        name = call.child(0)
        if name is not None and text(name) in LOAD_FUNCTIONS:
            arguments = next(c for c in call.children if c.type == "arguments")
            found.append(string_value(next(c for c in arguments.children if c.type == "string")))
    return found


def test_there_is_a_main_template_and_modules() -> None:
    names = {p.relative_to(INFRA).as_posix() for p in bicep_files()}
    assert "main.bicep" in names
    assert {"modules/functionapp.bicep", "modules/storage.bicep", "modules/bot.bicep"} <= names


@pytest.mark.parametrize("path", bicep_files(), ids=lambda p: p.relative_to(INFRA).as_posix())
def test_bicep_parses_without_error_or_missing_nodes(path: Path) -> None:
    tree = parse(path)
    assert tree.root_node.type == "infrastructure"
    assert broken_nodes(tree) == []


def test_the_parser_reports_broken_bicep() -> None:
    """Guards the check above: a truncated template must yield ERROR or MISSING nodes."""
    broken = Parser(Language(tree_sitter_bicep.language())).parse(b"resource x 'A/b@2020-01-01' = {\n  name: 'x'\n")
    assert broken_nodes(broken) != []


@pytest.mark.parametrize("path", bicep_files(), ids=lambda p: p.relative_to(INFRA).as_posix())
def test_every_referenced_module_and_loaded_file_exists(path: Path) -> None:
    for relative in [*module_paths(path), *loaded_paths(path)]:
        assert (path.parent / relative).is_file(), f"{path.name} references {relative}, which does not exist"


def test_main_uses_every_module_and_loads_the_ops_workbook() -> None:
    used = {(INFRA / p).resolve() for p in module_paths(INFRA / "main.bicep")}
    assert used == {p.resolve() for p in (INFRA / "modules").glob("*.bicep")}
    loaded = loaded_paths(INFRA / "modules" / "monitoring.bicep")
    assert any(Path(p).parent.name == "workbooks" for p in loaded)
