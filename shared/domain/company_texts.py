"""The company's own texts in other languages: HR words the message, framing, prompts and tenure texts per language.

In the company YAML, ``default_language`` names the language the file is written in, and ``translations`` gives,
per language, any of ``when_we_grow``, ``framing``, ``prompts`` and ``tenure`` (stage by stage), each in part:
whatever a language leaves out falls back to the default text. A translation must still be a valid company text
(same length limits), so a bad one is refused when the file loads, not when a card is sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from shared.domain.language import SUPPORTED_LANGUAGES

TRANSLATABLE_PARTS = ("when_we_grow", "framing", "prompts", "tenure")


class CompanyTexts(BaseModel):
    """One language's texts: each part optional and partial (a mapping of the fields it words differently)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    when_we_grow: str | None = Field(None, min_length=1, max_length=1200)
    framing: dict[str, str] = Field(default_factory=dict)
    prompts: dict[str, str] = Field(default_factory=dict)
    tenure: dict[str, dict[str, str]] = Field(default_factory=dict)


def merged_texts(base: Mapping[str, Any], texts: CompanyTexts) -> dict[str, Any]:
    """``base`` (the company config as a dict) with ``texts`` laid over its translatable parts."""
    merged = dict(base)
    if texts.when_we_grow is not None:
        merged["when_we_grow"] = texts.when_we_grow
    for part in ("framing", "prompts"):
        override: dict[str, str] = getattr(texts, part)
        if override:
            merged[part] = {**base[part], **override}
    if texts.tenure:
        tenure = dict(base["tenure"])
        for stage, words in texts.tenure.items():
            tenure[stage] = {**tenure.get(stage, {}), **words}
        merged["tenure"] = tenure
    return merged


def unsupported_languages(translations: Mapping[str, CompanyTexts]) -> list[str]:
    return sorted(language for language in translations if language not in SUPPORTED_LANGUAGES)
