"""Cards in the reader's language: every catalogue is complete, keeps the placeholders, and the language is chosen
from the Teams locale, then the mailbox language, then the company default."""

from __future__ import annotations

import json
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.adapters.cards.localise import is_text, localise_template, placeholders, template_texts
from shared.adapters.cards.renderer import TEMPLATE_DIR, load_template, render_card
from shared.domain import bot_texts, card_verdicts
from shared.domain.language import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, choose_language, supported_language
from shared.domain.messages import catalogue, translate

TRANSLATED = [language for language in SUPPORTED_LANGUAGES if language != DEFAULT_LANGUAGE]
TEMPLATES = sorted(p.stem for p in TEMPLATE_DIR.glob("*.json") if not p.name.endswith(".data.json"))


def every_template_text() -> set[str]:
    texts: set[str] = set()
    for name in TEMPLATES:
        texts |= template_texts(load_template(name))
    return texts


def every_text() -> set[str]:
    return every_template_text() | set(bot_texts.every_text().values()) | set(card_verdicts.every_text().values())


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_card_text_and_bot_reply_has_a_translation(language: str) -> None:
    missing = sorted(every_text() - set(catalogue(language)))
    assert missing == [], f"{language}: add these texts to shared/domain/messages_{language}.py"


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_catalogue_keeps_texts_that_nothing_uses(language: str) -> None:
    stale = sorted(set(catalogue(language)) - every_text())
    assert stale == [], f"{language}: these texts are no longer used"


def format_fields(text: str) -> list[str]:
    return sorted(field for _, field, _, _ in string.Formatter().parse(text) if field)


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_exactly_the_placeholders_and_are_not_empty(language: str) -> None:
    replies = set(bot_texts.every_text().values())
    for english, translated in catalogue(language).items():
        assert placeholders(translated) == placeholders(english), (language, english)
        if english in replies:
            assert format_fields(translated) == format_fields(english), (language, english)
        assert translated.strip(), (language, english)


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_reply_reads_in_the_language_with_its_values_filled(language: str) -> None:
    for english in bot_texts.every_text().values():
        values = {field: "«value»" for field in format_fields(english)}
        said = bot_texts.say(language, english, **values)
        assert said != english.format(**values) or english in {"Quadrant"}
        assert said.count("«value»") == len(values)


@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize("name", TEMPLATES)
def test_a_localised_card_shows_no_english_card_text(name: str, language: str) -> None:
    """Every text the template shows is the catalogue's, except words that read the same in both languages."""
    same_in_both = {english for english, translated in catalogue(language).items() if english == translated}
    left = template_texts(load_template(name, language)) & (every_template_text() - same_in_both)
    assert left == set()


def test_the_localised_card_declares_its_language() -> None:
    data = json.loads((TEMPLATE_DIR / "employee-prep.data.json").read_text(encoding="utf-8"))
    german = render_card("employee-prep", data, "de")
    assert german["lang"] == "de"
    assert "Bereiten Sie Ihr Entwicklungsgespräch vor" in json.dumps(german, ensure_ascii=False)
    assert "lang" not in render_card("employee-prep", data)


def test_data_is_never_translated_only_template_text() -> None:
    template = {"type": "TextBlock", "text": "${title}", "items": [{"title": "Share"}]}
    expected = {"type": "TextBlock", "text": "${title}", "items": [{"title": "Teilen"}]}
    assert localise_template(template, "de") == expected
    assert not is_text("${a} · ${b}")


def test_an_unknown_text_or_language_falls_back_to_english() -> None:
    assert translate("de", "A text nobody translated") == "A text nobody translated"
    assert translate("fr", "Share") == "Share"
    assert translate("en", "Share") == "Share"


# ------------------------------------------------------------------ which language


tags = st.sampled_from(["de-DE", "de-at", "ja-JP", "en-US", "en-GB", "fr-FR", "pt-BR", "zh-Hans-CN", "", "x", "-"])


@given(tags, tags, st.sampled_from(["en", "de", "ja", "fr", ""]))
def test_the_first_supported_tag_wins(teams: str, mailbox: str, default: str) -> None:
    chosen = choose_language(teams or None, mailbox or None, default)
    expected = next((supported_language(t) for t in (teams, mailbox, default) if supported_language(t)), "en")
    assert chosen == expected
    assert chosen in SUPPORTED_LANGUAGES


@given(st.text(max_size=30))
def test_any_tag_maps_to_a_supported_language_or_none(tag: str) -> None:
    assert supported_language(tag) in (*SUPPORTED_LANGUAGES, None)


def test_tags_are_read_by_their_primary_subtag() -> None:
    assert supported_language("de-CH") == "de"
    assert supported_language("JA_jp") == "ja"
    assert supported_language("fr-FR") is None
    assert supported_language("deu") is None
    assert choose_language("fr-FR", "ja-JP", "de") == "ja"
    assert choose_language(None, None, "de") == "de"
