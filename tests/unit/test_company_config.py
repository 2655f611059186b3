"""The company YAML: the bundled default, line-precise errors, the docs copy and ``wegrow validate-config``."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from shared.adapters.config_file import (
    DEFAULT_COMPANY_CONFIG,
    CompanyConfigError,
    load_company_config,
    parse_company_config,
)

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_TEXT = DEFAULT_COMPANY_CONFIG.read_text(encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def errors_for(text: str) -> list[str]:
    with pytest.raises(CompanyConfigError) as caught:
        parse_company_config(text, "company.yaml")
    return [str(issue) for issue in caught.value.issues]


def test_default_config_is_valid_and_reads_like_a_company() -> None:
    config = load_company_config()
    assert config.fiscal_calendar.start_month == 7
    assert {i.id for i in config.org_agenda.initiatives} >= {
        "platform-migration",
        "ai-assisted-support",
        "eu-expansion",
    }
    assert len(config.org_agenda.units) >= 4
    assert config.pilots == ()
    assert "When we grow, you grow" in config.when_we_grow


def test_docs_copy_is_identical_to_the_bundled_default() -> None:
    assert (ROOT / "docs" / "company-config.yaml").read_bytes() == DEFAULT_COMPANY_CONFIG.read_bytes()


def test_unknown_key_is_refused_with_its_line() -> None:
    text = DEFAULT_TEXT.replace("  rhythm_weeks: 6\n", "  rhythm_weeks: 6\n  rythm_days: 40\n")
    assert errors_for(text) == [
        f"company.yaml:{line_of(text, 'rythm_days')}: cadence.rythm_days: Extra inputs are not permitted"
    ]


def test_wrong_type_names_the_line_of_the_value() -> None:
    text = DEFAULT_TEXT.replace("  amount: 1500", "  amount: lots")
    [error] = errors_for(text)
    assert error.startswith(f"company.yaml:{line_of(text, 'amount: lots')}: gift_budget.amount: Input should be")


def test_error_inside_a_list_names_the_item_line() -> None:
    text = DEFAULT_TEXT.replace("month: 10, day: 15", "month: 13, day: 15")
    [error] = errors_for(text)
    assert error.startswith(f"company.yaml:{line_of(text, 'month: 13')}: fiscal_calendar.milestones[1].month:")


def test_missing_field_points_at_its_parent() -> None:
    text = DEFAULT_TEXT.replace("    label: Growing\n", "")
    [error] = errors_for(text)
    assert error == f"company.yaml:{line_of(text, '  growing:')}: tenure.growing.label: Field required"


def test_model_rule_error_is_reported_at_the_model() -> None:
    text = DEFAULT_TEXT.replace("  rhythm_weeks: 6", "  rhythm_weeks: 2")
    [error] = errors_for(text)
    assert error.startswith(f"company.yaml:{line_of(text, 'cadence:')}: cadence: rhythm_weeks * 7 must be")


def test_broken_references_are_reported_with_their_lines() -> None:
    text = DEFAULT_TEXT.replace("          milestone: q4-planning", "          milestone: q5-planning").replace(
        "initiative: eu-expansion\n          milestone: q3-planning",
        "initiative: eu-expansions\n          milestone: q3-planning",
    )
    assert errors_for(text) == [
        f"company.yaml:{line_of(text, 'q5-planning')}: org_agenda.units[0].capabilities[2].milestone: "
        "unknown milestone 'q5-planning'",
        f"company.yaml:{line_of(text, 'eu-expansions')}: org_agenda.units[2].capabilities[0].initiative: "
        "unknown initiative 'eu-expansions'",
    ]


def test_pilot_must_name_a_known_unit() -> None:
    text = DEFAULT_TEXT.replace(
        "pilots: []", "pilots:\n  - name: Pilot\n    start: 2027-01-04\n    org_units: [Marketing]"
    )
    assert errors_for(text) == [
        f"company.yaml:{line_of(text, '[Marketing]')}: pilots[0].org_units[0]: unknown org unit 'Marketing'"
    ]


def test_duplicate_keys_and_ids_are_refused() -> None:
    text = DEFAULT_TEXT.replace("company: Northwind Software\n", "company: Northwind Software\ncompany: Other\n")
    assert errors_for(text) == [f"company.yaml:{line_of(text, 'company: Other')}: duplicate key 'company'"]
    text = DEFAULT_TEXT.replace("id: observability", "id: kubernetes-operations")
    [error] = errors_for(text)
    assert "org_agenda.units[0].capabilities[2].id: duplicate capability id 'kubernetes-operations'" in error


def test_yaml_syntax_error_and_non_mapping() -> None:
    [error] = errors_for("company: x\nframing: [unclosed\n")
    assert error.startswith("company.yaml:3: not valid YAML")
    assert errors_for("- a list\n") == ["company.yaml:1: expected a mapping of settings at the top level"]


def test_user_visible_text_stays_literal() -> None:
    text = DEFAULT_TEXT.replace("company: Northwind Software", "company: 'Northwind ${corp} <b>Software</b>'")
    assert parse_company_config(text).company == "Northwind ${corp} <b>Software</b>"


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CompanyConfigError, match="cannot read"):
        load_company_config(tmp_path / "none.yaml")


def test_validate_config_cli_ok_and_errors(tmp_path: Path) -> None:
    from shared.cli.config import app

    runner = CliRunner()
    ok = runner.invoke(app, ["validate-config", str(DEFAULT_COMPANY_CONFIG), "--today", "2026-11-23"])
    assert ok.exit_code == 0, ok.output
    assert ok.output.splitlines()[0] == "ok"
    assert "org units: 5" in ok.output
    assert "milestones in the next 12 months: 5" in ok.output
    assert "2027-01-15  FY27 Q3 planning" in ok.output
    assert "pilots: none" in ok.output
    bad = tmp_path / "bad.yaml"
    bad.write_text(DEFAULT_TEXT.replace("  amount: 1500", "  amount: lots").replace("  hours: 24", "  hour: 24"))
    result = runner.invoke(app, ["validate-config", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:{line_of(bad.read_text(), 'amount: lots')}: gift_budget.amount:" in result.output
    assert f"{bad}:{line_of(bad.read_text(), 'hour: 24')}: gift_budget.hour: Extra inputs" in result.output
    assert "2 error(s)" in result.output


def test_container_loads_the_configured_file_or_the_default(tmp_path: Path) -> None:
    from shared.config import load_settings
    from shared.container import Container

    settings = load_settings(storage_connection="UseDevelopmentStorage=true")
    assert Container(settings).company.company == "Northwind Software"
    custom = tmp_path / "c.yaml"
    custom.write_text(DEFAULT_TEXT.replace("company: Northwind Software", "company: Contoso"))
    custom_settings = load_settings(storage_connection="UseDevelopmentStorage=true", company_config=custom)
    assert Container(custom_settings).company.company == "Contoso"
    custom.write_text("company: [")
    with pytest.raises(CompanyConfigError):
        _ = Container(custom_settings).company
