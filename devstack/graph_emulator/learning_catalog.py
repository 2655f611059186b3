"""The demo tenant's Viva Learning catalog: two registered providers and contents tagged with skills.

Shapes follow the learningProvider and learningContent resource pages (microsoft-graph-docs-contrib,
``api-reference/v1.0/resources/``). The skills match the demo company config's capabilities
(docs/company-config.yaml: Kubernetes, infrastructure as code, data literacy, AI-assisted support, EU expansion),
so a training outcome there finds suggestions. Ids are derived GUIDs, the same on every run.

"Contoso Academy" has ``isCourseActivitySyncEnabled`` true, so assignments can be made against it; "Fabrikam
Library" has it false (Graph refuses its course activities with 400).
"""

from __future__ import annotations

import uuid
from typing import Any

NAMESPACE = uuid.UUID("2d7c4f4e-8f1a-4b8e-a3c7-5e0d9b1c6a21")
LOGO = "https://learning.contoso.example/logo.png"

PROVIDERS = (("contoso-academy", "Contoso Academy", True), ("fabrikam-library", "Fabrikam Library", False))

# (provider key, external id, title, ISO duration, format, skill tags)
CONTENTS = (
    ("contoso-academy", "CA-K8S-101", "Kubernetes operations fundamentals", "PT2H30M", "Course", ["Kubernetes"]),
    ("contoso-academy", "CA-K8S-201", "Helm charts in practice", "PT1H15M", "Course", ["Kubernetes", "Helm"]),
    ("contoso-academy", "CA-K8S-301", "Observing services on Kubernetes", "PT45M", "Video", ["Kubernetes"]),
    ("contoso-academy", "CA-K8S-401", "Upgrading clusters without downtime", "PT1H", "Course", ["Kubernetes"]),
    ("contoso-academy", "CA-IAC-101", "Bicep basics", "PT1H30M", "Course", ["Infrastructure as code"]),
    ("contoso-academy", "CA-DATA-101", "Reading dashboards well", "PT40M", "Video", ["Data literacy", "Dashboards"]),
    ("contoso-academy", "CA-DATA-201", "SQL for the curious", "PT3H", "Course", ["Data literacy", "SQL"]),
    ("contoso-academy", "CA-AI-101", "Triage with AI answer drafts", "PT50M", "Course", ["AI-assisted support"]),
    ("contoso-academy", "CA-EU-101", "GDPR-ready contracts", "PT1H", "Course", ["EU expansion", "GDPR"]),
    ("contoso-academy", "CA-COACH-101", "Coaching conversations", "PT35M", "Video", ["Coaching"]),
    ("fabrikam-library", "FL-K8S-9", "Kubernetes in a weekend", "PT6H", "Book", ["Kubernetes"]),
    ("fabrikam-library", "FL-DATA-3", "Data literacy for managers", "PT2H", "Book", ["Data literacy"]),
)
INACTIVE = frozenset({"CA-K8S-401"})  # retired content: Graph still lists it, with isActive false


def provider_id(key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"provider:{key}"))


def content_id(external_id: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"content:{external_id}"))


def providers() -> dict[str, dict[str, Any]]:
    """Provider id -> learningProvider JSON."""
    found = {}
    for key, name, sync in PROVIDERS:
        ident = provider_id(key)
        found[ident] = {
            "id": ident,
            "displayName": name,
            "squareLogoWebUrlForDarkTheme": LOGO,
            "longLogoWebUrlForDarkTheme": LOGO,
            "squareLogoWebUrlForLightTheme": LOGO,
            "longLogoWebUrlForLightTheme": LOGO,
            "loginWebUrl": f"https://learning.contoso.example/{key}/login",
            "isCourseActivitySyncEnabled": sync,
        }
    return found


def contents() -> dict[str, dict[str, dict[str, Any]]]:
    """Provider id -> content id -> learningContent JSON."""
    names = {key: name for key, name, _ in PROVIDERS}
    found: dict[str, dict[str, dict[str, Any]]] = {provider_id(key): {} for key, _, _ in PROVIDERS}
    for key, external, title, duration, kind, skills in CONTENTS:
        ident = content_id(external)
        found[provider_id(key)][ident] = {
            "id": ident,
            "externalId": external,
            "title": title,
            "description": f"{title}: a {kind.lower()} from {names[key]}.",
            "contentWebUrl": f"https://learning.contoso.example/{key}/{external.lower()}",
            "sourceName": names[key],
            "thumbnailWebUrl": None,
            "languageTag": "en-us",
            "numberOfPages": None,
            "duration": duration,
            "format": kind,
            "createdDateTime": "2025-01-06T00:00:00Z",
            "lastModifiedDateTime": "2025-06-02T00:00:00Z",
            "contributors": [],
            "additionalTags": [],
            "skillTags": list(skills),
            "isActive": external not in INACTIVE,
            "isPremium": False,
            "isSearchable": True,
        }
    return found
