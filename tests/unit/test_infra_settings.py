"""App settings parity between infra/ and shared/config.py, and the timer schedule parameters.

Reads the code as it is now (``setting_names()`` and the ``%SETTING%`` references in functions/), so the
check follows the code as settings and triggers are added.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from tree_sitter import Node

from devstack.package_app import VALUES as PACKAGE_VALUES
from shared.config import Settings, env_name, setting_names
from tests.unit.test_infra_bicep import INFRA, REPO, bicep_files, parse, string_value, text, walk

pytestmark = pytest.mark.unit

# Read by the Functions host, not by our code; allowed in the app settings, and only these.
PLATFORM_SETTINGS = {
    "AzureWebJobsStorage__accountName": "host storage through the managed identity (no connection string)",
    "AzureWebJobsStorage__credential": "tells the host to use the managed identity for that account",
    "AzureWebJobsStorage__clientId": "which identity: the user-assigned one (there is no system-assigned one)",
    "APPLICATIONINSIGHTS_AUTHENTICATION_STRING": "Entra ingestion as that identity (App Insights local auth is off)",
}
# Read by the code, deliberately not set in Azure.
NO_SECRET = {
    "WEGROW_BOT_APP_SECRET": "the bot signs in as the user-assigned managed identity (UserAssignedMSI)",
    "WEGROW_CLIENT_SECRET": "Graph signs in as the same identity (WEGROW_MANAGED_IDENTITY_CLIENT_ID)",
}
# @metadata({azd: {type: 'generate'}}): azd makes the value once, per environment
AZD_GENERATED = {"auditKey", "notificationSecret"}
CODE_DEFAULTS = {
    "WEGROW_BOT_ENTRA_OPENID_METADATA_URL": "derived from WEGROW_TENANT_ID by shared/config.py",
    "WEGROW_CONNECTOR_HOSTS": "the code default is Teams' documented connector hosts",
    "WEGROW_CARD_EXPIRY_DAYS": "the code default (14 days after the conversation) suits every deployment",
}
CODE_PREFIXES = ("WEGROW_", "APPLICATIONINSIGHTS_")
BINDING_SETTING = re.compile(r"%([A-Za-z0-9_]+)%")


def _key(prop: Node) -> str:
    key = prop.children[0]
    return string_value(key) if key.type == "string" else text(key)


def settings_variables() -> dict[str, dict[str, Node]]:
    """`var <name>Settings = ...` in every Bicep file: variable name -> {setting name: value node}."""
    found: dict[str, dict[str, Node]] = {}
    for path in bicep_files():
        for decl in (n for n in walk(parse(path).root_node) if n.type == "variable_declaration"):
            name = text(decl.children[1])
            if name.endswith("Settings"):
                props = (n for n in walk(decl) if n.type == "object_property")
                found[name] = {_key(p): p.children[-1] for p in props}
    return found


def bicep_settings() -> dict[str, Node]:
    merged: dict[str, Node] = {}
    for values in settings_variables().values():
        merged.update(values)
    return merged


def parameters(path: Path) -> dict[str, Node | None]:
    """Parameter name -> default value node (None without a default)."""
    found: dict[str, Node | None] = {}
    for decl in (n for n in walk(parse(path).root_node) if n.type == "parameter_declaration"):
        named = [c for c in decl.children if c.is_named]
        found[text(named[0])] = named[2] if len(named) > 2 else None
    return found


def binding_settings() -> set[str]:
    return {m for path in (REPO / "functions").glob("*.py") for m in BINDING_SETTING.findall(path.read_text())}


def test_all_settings_variables_reach_the_function_app() -> None:
    names = set(settings_variables())
    assert {"platformSettings", "wegrowSettings", "optionalSettings"} <= names
    modules = (n for n in walk(parse(INFRA / "main.bicep").root_node) if n.type == "module_declaration")
    app_settings = next(m for m in modules if "modules/appsettings.bicep" in text(m))
    for name in names:
        assert name in text(app_settings), f"{name} is not passed to modules/appsettings.bicep"


def test_every_setting_the_code_reads_is_in_bicep() -> None:
    missing = setting_names() - set(bicep_settings()) - set(NO_SECRET) - set(CODE_DEFAULTS)
    assert not missing, f"shared/config.py reads these, infra/ does not set them: {sorted(missing)}"


def test_every_app_setting_in_bicep_is_read_by_the_code_or_is_a_listed_platform_setting() -> None:
    unknown = set(bicep_settings()) - setting_names() - set(PLATFORM_SETTINGS)
    assert not unknown, f"infra/ sets these, nothing reads them: {sorted(unknown)}"
    code_like = {s for s in bicep_settings() if s.startswith(CODE_PREFIXES)} - set(PLATFORM_SETTINGS)
    assert code_like <= setting_names()


def test_no_secret_setting_is_set_in_azure() -> None:
    """No long-lived secret: neither the bot nor Graph has a client secret, not even a Key Vault reference."""
    assert not set(NO_SECRET) & set(bicep_settings())
    assert set(NO_SECRET) <= setting_names(), "the code no longer reads these: drop them from NO_SECRET"
    all_bicep = "\n".join(p.read_text() for p in bicep_files())
    assert "botAppSecret" not in all_bicep and "bot-app-secret" not in all_bicep


def test_the_identity_settings_all_name_the_one_user_assigned_identity() -> None:
    wegrow = settings_variables()["wegrowSettings"]
    for name in ("WEGROW_CLIENT_ID", "WEGROW_BOT_APP_ID", "WEGROW_MANAGED_IDENTITY_CLIENT_ID"):
        assert text(wegrow[name]) == "identity.outputs.clientId", name
    platform = settings_variables()["platformSettings"]
    assert text(platform["AzureWebJobsStorage__clientId"]) == "identityClientId"
    assert "identityClientId" in text(platform["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"])


def test_tenant_id_is_a_parameter_defaulting_to_the_deployment_tenant() -> None:
    params = parameters(INFRA / "main.bicep")
    assert params["tenantId"] is not None and text(params["tenantId"]) == "subscription().tenantId"
    assert text(settings_variables()["wegrowSettings"]["WEGROW_TENANT_ID"]) == "m365TenantId"
    file_params = json.loads((INFRA / "main.parameters.json").read_text())["parameters"]
    assert file_params["tenantId"]["value"] == "${WEGROW_TENANT_ID=}"


def test_the_audit_key_is_a_key_vault_reference() -> None:
    reference = settings_variables()["wegrowSettings"]["WEGROW_AUDIT_KEY"]
    assert text(reference) == "auditKeyReference"
    assert "@Microsoft.KeyVault(SecretUri=${vault.outputs.auditKeySecretUri})" in text(
        parse(INFRA / "main.bicep").root_node
    )


def test_no_storage_key_or_connection_string_is_set_by_default() -> None:
    values = {name: text(node) for name, node in bicep_settings().items()}
    assert "AzureWebJobsStorage" not in values
    assert not any("AccountKey" in v or "listKeys" in v for v in values.values())
    assert "WEGROW_STORAGE_CONNECTION" in settings_variables()["optionalSettings"]


def test_timer_schedules_in_functions_are_bicep_parameters_with_the_code_defaults() -> None:
    referenced = binding_settings()
    assert referenced, "no %SETTING% found in functions/: the trigger layout changed"
    assert referenced <= setting_names(), f"triggers use settings config.py does not know: {referenced}"
    params = parameters(INFRA / "main.bicep")
    for setting in referenced:
        value = bicep_settings()[setting]
        assert value.type == "identifier", f"{setting} should come from a parameter, not {text(value)}"
        default = params[text(value)]
        field = next(f for f in Settings.model_fields if env_name(f) == setting)
        assert default is not None and string_value(default) == Settings.model_fields[field].default


def test_every_schedule_setting_is_a_parameter_azd_can_set() -> None:
    schedules = {name for name in setting_names() if name.endswith("_SCHEDULE")}
    file_params = json.loads((INFRA / "main.parameters.json").read_text())["parameters"]
    for setting in schedules:
        param = text(bicep_settings()[setting])
        assert param in parameters(INFRA / "main.bicep")
        assert f"${{{setting}=" in file_params[param]["value"], f"{param} is not taken from the azd environment"


def test_pilot_group_and_company_config_are_parameters() -> None:
    params = parameters(INFRA / "main.bicep")
    optional = settings_variables()["optionalSettings"]
    assert text(optional["WEGROW_PILOT_GROUP_ID"]) == "pilotGroupId" and "pilotGroupId" in params
    assert text(optional["WEGROW_COMPANY_CONFIG"]) == "companyConfigPath" and "companyConfigPath" in params


def test_parameters_file_only_names_declared_parameters() -> None:
    file_params = json.loads((INFRA / "main.parameters.json").read_text())["parameters"]
    declared = parameters(INFRA / "main.bicep")
    assert set(file_params) <= set(declared)
    required = {name for name, default in declared.items() if default is None} - AZD_GENERATED
    assert required <= set(file_params), f"azd cannot fill {sorted(required - set(file_params))}"
    assert not AZD_GENERATED & set(file_params), "a generated parameter in the file would be empty, not generated"


def test_the_teams_app_setting_is_the_manifest_id_the_package_is_built_with() -> None:
    """One azd variable feeds both the app package's manifest id and WEGROW_TEAMS_APP_ID: no catalog id to copy."""
    value = settings_variables()["wegrowSettings"]["WEGROW_TEAMS_APP_ID"]
    assert value.type == "identifier" and text(value) == "teamsAppManifestId"
    assert parameters(INFRA / "main.bicep")["teamsAppManifestId"] is None, (
        "required: the local default is wrong in Azure"
    )
    file_params = json.loads((INFRA / "main.parameters.json").read_text())["parameters"]
    package_variable = PACKAGE_VALUES["TEAMS_APP_MANIFEST_ID"][0]
    assert file_params["teamsAppManifestId"]["value"] == f"${{{package_variable}}}"
