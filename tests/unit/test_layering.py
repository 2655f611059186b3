"""The layering DESIGN.md asks for, checked on the source: domain is pure, services see ports and domain only,
only the Graph adapter imports msgraph, and only the composition root (shared/container/) meets both sides."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"


def imports_of(path: Path) -> Iterator[str]:
    """Every module a file imports, at any depth (lazy imports inside functions count too)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def offending(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in sorted((SHARED / folder).rglob("*.py")):
        for module in imports_of(path):
            if module.startswith(forbidden):
                found.append(f"{path.relative_to(SHARED.parent)} imports {module}")
    return found


@pytest.mark.parametrize(
    ("folder", "forbidden"),
    [
        ("domain", ("shared.services", "shared.adapters", "shared.container", "shared.config", "msgraph", "azure")),
        ("services", ("shared.adapters", "shared.container", "msgraph", "azure", "microsoft_agents")),
        ("ports", ("shared.services", "shared.adapters", "shared.container", "msgraph", "azure")),
    ],
)
def test_inner_layers_never_import_outer_ones(folder: str, forbidden: tuple[str, ...]) -> None:
    assert offending(folder, forbidden) == []


def test_only_the_graph_adapter_imports_msgraph() -> None:
    users = {
        str(path.relative_to(SHARED.parent))
        for path in SHARED.rglob("*.py")
        if any(module.startswith(("msgraph", "kiota")) for module in imports_of(path))
    }
    assert users and all(user.startswith("shared/adapters/graph/") for user in users), sorted(users)


def test_the_checker_sees_lazy_imports(tmp_path: Path) -> None:
    source = tmp_path / "lazy.py"
    source.write_text("def f():\n    from shared.adapters.x import y\n    import msgraph.models\n")
    assert list(imports_of(source)) == ["shared.adapters.x", "msgraph.models"]
