"""Read the company YAML and validate it, with errors that name the file and the line.

The YAML is parsed twice from the same text: once into node trees (which know their lines) to build a map
from each key path to its line, once into plain data for pydantic. A pydantic error location is then looked
up in that map (walking up to the nearest parent for a missing key), giving
``path/to/company.yaml:LINE: field.path: message``. Duplicate keys, which YAML would silently collapse,
are errors too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from shared.domain.company import CompanyConfig, Location, reference_errors

DEFAULT_COMPANY_CONFIG = Path(__file__).resolve().parents[1] / "data" / "company.yaml"
MAX_BYTES = 1_000_000


@dataclass(frozen=True, slots=True)
class ConfigIssue:
    source: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.field}: {self.message}" if self.field else self._short()

    def _short(self) -> str:
        return f"{self.source}:{self.line}: {self.message}"


class CompanyConfigError(ValueError):
    """The company config cannot be used; ``issues`` lists every problem with its line."""

    def __init__(self, issues: list[ConfigIssue]) -> None:
        self.issues = issues
        super().__init__("invalid company config:\n" + "\n".join(str(i) for i in issues))


def dotted(location: Location) -> str:
    """``("a", 0, "b")`` as ``a[0].b``."""
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _line_map(node: yaml.Node, path: Location, lines: dict[Location, int], issues: list[tuple[int, str]]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child = (*path, str(key_node.value))
            if child in lines:
                issues.append((key_node.start_mark.line + 1, f"duplicate key {dotted(child)!r}"))
            lines[child] = key_node.start_mark.line + 1
            _line_map(value_node, child, lines, issues)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*path, index)
            lines[child] = item.start_mark.line + 1
            _line_map(item, child, lines, issues)


def _line_for(location: Location, lines: dict[Location, int]) -> int:
    for end in range(len(location), 0, -1):
        if location[:end] in lines:
            return lines[location[:end]]
    return 1


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: the same documents, a tenth of the CPU


def _parse_yaml(text: str, source: str) -> tuple[Any, dict[Location, int]]:
    try:
        root = yaml.compose(text, Loader=_LOADER)
        data = yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader (libyaml's when the wheel has it)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        raise CompanyConfigError([ConfigIssue(source, line, "", f"not valid YAML: {error.problem}")]) from None
    except yaml.YAMLError as error:  # e.g. ReaderError: a control character the YAML reader refuses
        raise CompanyConfigError([ConfigIssue(source, 1, "", f"not valid YAML: {error}")]) from None
    lines: dict[Location, int] = {}
    duplicates: list[tuple[int, str]] = []
    if root is not None:
        _line_map(root, (), lines, duplicates)
    if duplicates:
        raise CompanyConfigError([ConfigIssue(source, line, "", msg) for line, msg in duplicates])
    return data, lines


def parse_company_config(text: str, source: str = "<company config>") -> CompanyConfig:
    """Validate YAML text into a CompanyConfig, or raise CompanyConfigError listing each issue with its line."""
    data, lines = _parse_yaml(text, source)
    if not isinstance(data, dict):
        raise CompanyConfigError([ConfigIssue(source, 1, "", "expected a mapping of settings at the top level")])
    try:
        config = CompanyConfig.model_validate(data)
    except ValidationError as error:
        issues = [_issue(source, tuple(e["loc"]), e["msg"], lines) for e in error.errors()]
        raise CompanyConfigError(issues) from None
    broken = reference_errors(config)
    if broken:
        raise CompanyConfigError([_issue(source, loc, msg, lines) for loc, msg in broken])
    return config


def _issue(source: str, location: Location, message: str, lines: dict[Location, int]) -> ConfigIssue:
    return ConfigIssue(source, _line_for(location, lines), dotted(location), message.removeprefix("Value error, "))


def load_company_config(path: Path | None = None) -> CompanyConfig:
    """Read and validate the company config (the bundled default when ``path`` is None).

    Raises CompanyConfigError for anything wrong, including a missing or unreadable file.
    """
    file = path or DEFAULT_COMPANY_CONFIG
    try:
        raw = file.read_bytes()
    except OSError as error:
        raise CompanyConfigError([ConfigIssue(str(file), 1, "", f"cannot read: {error.strerror}")]) from None
    if len(raw) > MAX_BYTES:
        raise CompanyConfigError([ConfigIssue(str(file), 1, "", f"file is larger than {MAX_BYTES} bytes")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise CompanyConfigError([ConfigIssue(str(file), 1, "", "file is not UTF-8 text")]) from None
    return parse_company_config(text, str(file))
