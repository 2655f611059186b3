"""Render Adaptive Card templates by walking the parsed JSON, the way the official JS engine does.

Only the template is parsed for ``${...}``; values from the data are inserted as they are and are
never read again as template text, so whatever a user typed (``${x}``, markdown, HTML) comes out
literally. Behaviour mirrors npm ``adaptivecards-templating`` 2.3 (checked by
``tests/contract/test_card_parity.py``), with one deliberate difference: a missing or null field in
a substituted value raises :class:`RenderError` instead of leaving ``${path}`` in the card, because a
card must never show template syntax to a person. ``$when`` on a missing field is simply false.

This module loads, localises and renders named templates. The parts it runs on: ``interpolation`` (the
``${...}`` of template text), ``string_builders`` and ``template_builders`` (a template compiled into builders).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from shared.adapters.cards.expressions import Scope
from shared.adapters.cards.interpolation import RenderError
from shared.adapters.cards.string_builders import Builder
from shared.adapters.cards.template_builders import _builder
from shared.domain.language import DEFAULT_LANGUAGE

TEMPLATE_DIR = Path(__file__).resolve().parents[3] / "adaptivecards"


def render(template: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """Expand ``template`` with ``data`` as ``$root``; returns a new card (inputs are not modified)."""
    return _rendered(_builder(template), data)


def _rendered(builder: Builder, data: dict[str, Any]) -> dict[str, Any]:
    card = builder(Scope(root=data, data=data))
    if not isinstance(card, dict):
        raise RenderError("the template's root object was dropped by $when")
    return card


@cache
def _template_text(name: str) -> str:
    path = TEMPLATE_DIR / f"{name}.json"
    if not path.is_file():
        raise RenderError(f"no card template named {name!r} in {TEMPLATE_DIR}")
    return path.read_text(encoding="utf-8")


def load_template(name: str, language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """The parsed template ``adaptivecards/<name>.json`` in ``language`` (built once per process, copied per call)."""
    template: dict[str, Any] = json.loads(_localised_text(name, language))
    return template


@cache
def _localised_text(name: str, language: str) -> str:
    if language == DEFAULT_LANGUAGE:
        return _template_text(name)
    from shared.adapters.cards.localise import localise_template

    localised = localise_template(json.loads(_template_text(name)), language)
    localised["lang"] = language
    return json.dumps(localised, ensure_ascii=False)


@cache
def _shared_template(name: str, language: str) -> dict[str, Any]:
    """The parsed template, once per process and language: ``render`` only reads it and builds every node anew."""
    return load_template(name, language)


@cache
def _template_builder(name: str, language: str) -> Builder:
    return _builder(_shared_template(name, language))


def render_card(name: str, data: dict[str, Any], language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """Render the named template with ``data``, its texts in ``language`` (compiled once per template and language)."""
    return _rendered(_template_builder(name, language), data)
