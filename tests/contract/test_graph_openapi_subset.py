"""The Graph OpenAPI subset is a valid OpenAPI 3.0 document: checked here once, so the emulator need not check it
at every start (devstack/graph_emulator/validation.py)."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

from devstack.graph_emulator.validation import subset_document

pytestmark = pytest.mark.contract


def test_the_subset_is_a_valid_openapi_document() -> None:
    document = subset_document()
    assert str(document["openapi"]).startswith("3.0")
    validate(document)  # raises with the first violation
