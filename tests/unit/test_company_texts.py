"""The company's texts per language: partial translations fall back to the default text, bad ones fail at load."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.adapters.config_file import CompanyConfigError, load_company_config, parse_company_config
from shared.domain.company import CompanyConfig

SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "data" / "company.yaml"
QUADRANTS = ("sweet_spot", "uphill", "gift", "waste")


@cache
def base() -> CompanyConfig:
    return load_company_config(SAMPLE)


def with_translations(translations: dict[str, object]) -> CompanyConfig:
    data = base().model_dump(exclude={"translations"})
    return CompanyConfig.model_validate({**data, "translations": translations})


def test_the_sample_file_has_german_and_japanese_texts() -> None:
    config = base()
    assert config.in_language("de").when_we_grow.startswith("Wenn wir wachsen")
    assert config.in_language("ja").tenure.plateau_risk.label == "停滞リスク"
    assert config.in_language("en") is config
    assert config.in_language("fr") is config


@settings(deadline=None, max_examples=40)
@given(st.sets(st.sampled_from(QUADRANTS)), st.booleans())
def test_what_a_language_leaves_out_shows_in_the_default_language(worded: set[str], message: bool) -> None:
    config = base()
    texts: dict[str, object] = {"framing": {q: f"Deutsch {q}" for q in worded}}
    if message:
        texts["when_we_grow"] = "Wenn wir wachsen"
    german = with_translations({"de": texts}).in_language("de")
    for quadrant in QUADRANTS:
        expected = f"Deutsch {quadrant}" if quadrant in worded else config.framing.for_quadrant(quadrant)
        assert german.framing.for_quadrant(quadrant) == expected
    assert german.when_we_grow == ("Wenn wir wachsen" if message else config.when_we_grow)
    assert german.org_agenda == config.org_agenda


def test_a_stage_can_be_worded_in_part() -> None:
    german = with_translations({"de": {"tenure": {"growing": {"label": "Im Wachstum"}}}}).in_language("de")
    assert german.tenure.growing.label == "Im Wachstum"
    assert german.tenure.growing.manager_prompt == base().tenure.growing.manager_prompt


@pytest.mark.parametrize(
    ("translations", "problem"),
    [
        ({"fr": {"when_we_grow": "Quand nous grandissons"}}, "unsupported languages: fr"),
        ({"de": {"framing": {"sweet": "Tippfehler"}}}, "sweet"),
        ({"de": {"when_we_grow": "x" * 1201}}, "1200"),
        ({"de": {"tenure": {"growing": {"label": "x" * 61}}}}, "60"),
        ({"de": {"colour": "blau"}}, "colour"),
    ],
)
def test_a_bad_translation_is_refused_when_the_file_loads(translations: dict[str, object], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        with_translations(translations)


def test_the_file_loader_names_a_bad_translation() -> None:
    text = SAMPLE.read_text(encoding="utf-8").replace("  ja:\n", "  xx:\n", 1)
    with pytest.raises(CompanyConfigError, match="unsupported languages: xx"):
        parse_company_config(text, "company.yaml")
