"""Least privilege in infra/ (issue 18), checked on the Bicep syntax tree (tree-sitter-bicep).

One user-assigned identity for the bot, Graph and the host; no secret in Key Vault; Key Vault with purge
protection and no public network; blob roles only on containers; local auth off for the bot and App Insights;
an always-ready HTTP instance.
"""

from __future__ import annotations

from pathlib import Path

import pytest
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
