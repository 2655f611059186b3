"""Least privilege in infra/ (issue 18), checked on the Bicep syntax tree (tree-sitter-bicep).

One user-assigned identity for the bot, Graph and the host; no secret in Key Vault; Key Vault with purge
protection and no public network; blob roles only on containers; local auth off for the bot and App Insights;
an always-ready HTTP instance.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from tree_sitter import Node

from tests.unit.test_infra_bicep import INFRA, parse, string_value, text, walk
from tests.unit.test_infra_settings import parameters

pytestmark = pytest.mark.unit
MODULES = INFRA / "modules"


def resources(path: Path, type_prefix: str) -> list[Node]:
    """Resource declarations of ``path`` whose type string starts with ``type_prefix``."""
    found = []
    for decl in (n for n in walk(parse(path).root_node) if n.type == "resource_declaration"):
        kind = next(c for c in decl.children if c.type == "string")
        if string_value(kind).startswith(type_prefix + "@"):
            found.append(decl)
    return found


def props(node: Node) -> dict[str, Node]:
    """Every ``key: value`` below ``node`` (nested ones too; the first of a name wins)."""
    found: dict[str, Node] = {}
    for prop in (n for n in walk(node) if n.type == "object_property"):
        key = prop.children[0]
        name = string_value(key) if key.type == "string" else text(key)
        found.setdefault(name, prop.children[-1])
    return found


def only(path: Path, type_prefix: str) -> dict[str, Node]:
    declared = resources(path, type_prefix)
    assert len(declared) == 1, f"{path.name}: expected one {type_prefix}, found {len(declared)}"
    return props(declared[0])


def test_the_bot_signs_in_as_the_user_assigned_identity_with_local_auth_off() -> None:
    bot = only(MODULES / "bot.bicep", "Microsoft.BotService/botServices")
    assert string_value(bot["msaAppType"]) == "UserAssignedMSI"
    assert text(bot["msaAppMSIResourceId"]) == "identityId"
    assert text(bot["msaAppTenantId"]) == "identityTenantId"
    assert text(bot["disableLocalAuth"]) == "true"


def test_bot_graph_and_host_share_one_identity() -> None:
    assert len(resources(MODULES / "identity.bicep", "Microsoft.ManagedIdentity/userAssignedIdentities")) == 1
    main = text(parse(INFRA / "main.bicep").root_node)
    assert "botAppId: identity.outputs.clientId" in main
    assert "identityId: identity.outputs.id" in main
    assert "principalId: identity.outputs.principalId" in main  # roles go to that identity
    site = only(MODULES / "functionapp.bicep", "Microsoft.Web/sites")
    assert string_value(site["type"]) == "UserAssigned"  # no system-assigned second identity
    assert text(site["keyVaultReferenceIdentity"]) == "identityId"
    assert string_value(props(site["authentication"])["type"]) == "UserAssignedIdentity"


def test_no_parameter_takes_a_secret() -> None:
    for path in [INFRA / "main.bicep", *MODULES.glob("*.bicep")]:
        secure = [n for n in walk(parse(path).root_node) if n.type == "decorator" and "secure" in text(n)]
        assert not secure, f"{path.name} takes a @secure() parameter: WeGrow needs no long-lived secret"
    assert not resources(MODULES / "keyvault.bicep", "Microsoft.KeyVault/vaults/secrets")


def test_key_vault_has_purge_protection_and_no_public_network_by_default() -> None:
    vault = only(MODULES / "keyvault.bicep", "Microsoft.KeyVault/vaults")
    assert text(vault["enablePurgeProtection"]) == "true"
    assert text(vault["enableRbacAuthorization"]) == "true"
    assert text(vault["publicNetworkAccess"]) == "publicNetworkAccess"
    assert string_value(parameters(MODULES / "keyvault.bicep")["publicNetworkAccess"]) == "Disabled"  # type: ignore[arg-type]
    assert text(parameters(INFRA / "main.bicep")["privateVault"]) == "true"  # type: ignore[arg-type]
    endpoint = only(MODULES / "network.bicep", "Microsoft.Network/privateEndpoints")
    assert "'vault'" in text(endpoint["groupIds"])


def test_blob_roles_are_scoped_to_containers_never_the_account() -> None:
    roles = MODULES / "roles.bicep"
    for assignment in resources(roles, "Microsoft.Authorization/roleAssignments"):
        body = props(assignment)
        role, scope = text(body["roleDefinitionId"]), text(body["scope"])
        if "Blob" in role:
            assert scope.startswith("containers["), f"blob role on {scope}: only containers may be in scope"
        assert not (scope == "storage" and "Blob" in role)
    container_names = text(parse(MODULES / "storage.bicep").root_node)
    assert "output blobContainerNames array = [deploymentContainer.name" in container_names


def test_application_insights_local_auth_is_off_and_the_identity_can_publish() -> None:
    insights = only(MODULES / "monitoring.bicep", "Microsoft.Insights/components")
    assert text(insights["DisableLocalAuth"]) == "true"
    roles = text(parse(MODULES / "roles.bicep").root_node)
    assert "3913510d-42f4-4e42-8a64-420c390055eb" in roles  # Monitoring Metrics Publisher
    assert "scope: appInsights" in roles


def test_one_always_ready_instance_for_the_http_group_by_default() -> None:
    site = only(MODULES / "functionapp.bicep", "Microsoft.Web/sites")
    always = text(site["alwaysReady"])
    assert "name: 'http'" in always and "instanceCount: alwaysReadyHttpInstances" in always
    assert text(parameters(INFRA / "main.bicep")["alwaysReadyHttpInstances"]) == "1"  # type: ignore[arg-type]
    assert "alwaysReadyHttpInstances: alwaysReadyHttpInstances" in text(parse(INFRA / "main.bicep").root_node)


# --- the post-provision access-scope gate (infra/scripts/check_access_scope.py) ----------------------------------

CLIENT_ID = "7f0c3a52-1d4e-4b8a-9c61-2e5f8d9a0b17"
SCOPE_ENV = {
    "WEGROW_ACCESS_CHECK_INSIDE": "pilot@contoso.com",
    "WEGROW_ACCESS_CHECK_OUTSIDE": "outsider@contoso.com",
    "WEGROW_BOT_APP_ID": CLIENT_ID,
    "WEGROW_GRAPH_BASE_URL": "http://127.0.0.1:9/v1.0",
}


def scope_script() -> Any:
    path = INFRA / "scripts" / "check_access_scope.py"
    spec = importlib.util.spec_from_file_location("check_access_scope", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


def unsigned_token(**claims: str) -> str:
    def part(data: dict[str, str]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none'})}.{part(claims)}.sig"


def fake_graph(denied: set[str], seen: list[str]) -> httpx.MockTransport:
    """Exchange with an application access policy: denied mailboxes answer 403 as Exchange (and the emulator) do."""
    from devstack.graph_emulator.access_policy import DENIED_MESSAGE

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.url.path} {request.headers.get('authorization', '')[:7]}")
        user = request.url.path.split("/")[3]
        if user in denied:
            return httpx.Response(403, json={"error": {"code": "ErrorAccessDenied", "message": DENIED_MESSAGE}})
        return httpx.Response(200, json={"timeZone": "UTC"})

    return httpx.MockTransport(handler)


def run_gate(denied: set[str], token: str, capsys: pytest.CaptureFixture[str], **env: str) -> tuple[int, str]:
    seen: list[str] = []
    environ = {**SCOPE_ENV, "WEGROW_ACCESS_CHECK_TOKEN": token, **env}
    code = scope_script().main(environ, transport=fake_graph(denied, seen))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_the_gate_passes_when_the_outsider_mailbox_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, output = run_gate({"outsider@contoso.com"}, unsigned_token(appid=CLIENT_ID), capsys)
    assert code == 0, output
    assert "refused (403)" in output


def test_the_gate_refuses_to_finish_without_an_access_policy(capsys: pytest.CaptureFixture[str]) -> None:
    code, output = run_gate(set(), unsigned_token(appid=CLIENT_ID), capsys)
    assert code == 1
    assert "REFUSED" in output and "outsider@contoso.com" in output and "access policy" in output


def test_the_gate_refuses_a_403_everywhere_as_proof_of_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    """No consent at all also answers 403: the pilot mailbox must be readable for the outsider's 403 to count."""
    code, output = run_gate({"pilot@contoso.com", "outsider@contoso.com"}, unsigned_token(appid=CLIENT_ID), capsys)
    assert code == 1 and "pilot@contoso.com answered 403" in output


def test_the_gate_refuses_a_token_of_another_identity(capsys: pytest.CaptureFixture[str]) -> None:
    code, output = run_gate({"outsider@contoso.com"}, unsigned_token(appid="someone-else"), capsys)
    assert code == 1 and "not WeGrow's identity" in output


def test_the_gate_refuses_without_its_settings(capsys: pytest.CaptureFixture[str]) -> None:
    code, output = run_gate(
        {"outsider@contoso.com"}, unsigned_token(appid=CLIENT_ID), capsys, WEGROW_ACCESS_CHECK_OUTSIDE=""
    )
    assert code == 1 and "WEGROW_ACCESS_CHECK_OUTSIDE" in output


def test_azd_runs_the_gate_after_provisioning_and_stops_on_failure() -> None:
    azure = yaml.safe_load((INFRA.parent / "azure.yaml").read_text())
    hook = azure["hooks"]["postprovision"]["posix"]
    assert hook["shell"] == "sh" and hook["continueOnError"] is False
    script = (INFRA.parent / hook["run"]).read_text()
    assert "set -eu" in script
    assert "az functionapp restart" in script  # Key Vault references resolve after the role assignments
    assert "infra/scripts/check_access_scope.py" in script
    assert script.index("az functionapp restart") < script.index("check_access_scope.py")
