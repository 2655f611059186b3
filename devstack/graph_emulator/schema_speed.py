"""The emulator's schema checks made fast, with every verdict and message still openapi-core's.

openapi-core checks a body with jsonschema, and builds a new validator per check (deep-copying its format checker
each time). With ``--validation enforce`` that was most of the emulator's CPU in the test suite: a cProfile of
``tests/integration/test_scheduling.py`` put 260 of the emulator's 320 s in it.

So each schema is also compiled once, with fastjsonschema, from a copy that is never looser than openapi-core's
OpenAPI 3.0 reading of it (:func:`no_looser`). A value the compiled check accepts is one openapi-core accepts too, and
is let through. Any other value goes to openapi-core's own validator, which decides and words the errors. A keyword
the copy cannot match exactly enough becomes "refuse everything", which only sends more values to openapi-core.
``tests/contract/test_graph_emulator_schema_speed.py`` holds it to that: a value the fast check accepts is one
openapi-core accepts, over the emulator's real answers and their mutations.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

import fastjsonschema
from jsonschema._format import FormatChecker
from jsonschema_path import SchemaPath
from openapi_core.validation.schemas.exceptions import ValidateError
from openapi_core.validation.schemas.factories import SchemaValidatorsFactory
from openapi_core.validation.schemas.validators import SchemaValidator

REFUSE: dict[str, Any] = {"not": {}}  # what a keyword the copy cannot match becomes
ANNOTATIONS = frozenset({"description", "title", "default", "example", "externalDocs", "deprecated"})
# "properties" is not here: its keys are property names, so it is copied apart
CHECKED_AS_IS = frozenset(
    {"items", "additionalProperties", "required", "allOf", "anyOf", "oneOf", "not", "enum", "pattern", "minimum",
     "maximum", "minLength", "maxLength", "minItems", "maxItems", "$ref"}
)  # fmt: skip
ALWAYS_PASS = frozenset({"float", "double", "binary", "password"})  # openapi-core's checks of these accept any value
INTEGER_BOUNDS = {"int32": 31, "int64": 63}  # openapi-core checks an int (not a bool) against these


def no_looser(node: Any, checked_formats: frozenset[str]) -> Any:
    """A JSON Schema (draft 4) copy of an OpenAPI 3.0 schema that accepts no value openapi-core refuses.

    ``checked_formats``: the formats openapi-core's checker knows; it lets any other format through.
    """
    if isinstance(node, list):
        return [no_looser(item, checked_formats) for item in node]
    if not isinstance(node, Mapping):
        return node
    copy: dict[str, Any] = {}
    extra: list[dict[str, Any]] = []
    for key, value in node.items():
        if key in ANNOTATIONS or key.startswith("x-") or key == "nullable":
            continue
        if key == "type":
            if not isinstance(value, str):
                return REFUSE
            copy["type"] = [value, "null"] if node.get("nullable") is True else value
        elif key == "format":
            extra += _format_rule(str(value), checked_formats)
        elif key == "enum" and not all(isinstance(item, str) or item is None for item in value):
            return REFUSE  # fastjsonschema compares with ==, where jsonschema tells True from 1
        elif key == "properties":  # its keys are property names, not keywords
            copy[key] = {name: no_looser(schema, checked_formats) for name, schema in value.items()}
        elif key in CHECKED_AS_IS:
            copy[key] = no_looser(value, checked_formats)
        else:
            return REFUSE  # readOnly, writeOnly, discriminator...: not matched here
    if "$ref" in copy and len(copy) > 1:  # draft 4 ignores a $ref's siblings; openapi-core checks them
        ref = copy.pop("$ref")
        extra.insert(0, {"$ref": ref})
    if extra:
        copy = {"allOf": [*extra, copy]} if copy else {"allOf": extra}
    return copy


def _format_rule(name: str, checked_formats: frozenset[str]) -> list[dict[str, Any]]:
    if name in INTEGER_BOUNDS:  # openapi-core: ~(1 << n) < value < 1 << n for an int; bounds on any number are stricter
        bits = INTEGER_BOUNDS[name]
        return [{"minimum": ~(1 << bits) + 1, "maximum": (1 << bits) - 1}]
    if name in ALWAYS_PASS or name not in checked_formats:
        return []
    return [{"format": name}]  # a string is checked by openapi-core's own format checker (string_formats)


def string_formats(checker: FormatChecker) -> dict[str, Callable[[str], bool]]:
    """fastjsonschema checks a format on strings only; openapi-core's checkers pass every other value."""
    return {name: partial(_conforms, checker, name) for name in checker.checkers}


def _conforms(checker: FormatChecker, name: str, value: str) -> bool:
    return bool(checker.conforms(value, name))


class FastSchemaValidator(SchemaValidator):
    """openapi-core's validator, asked only about the values the compiled check refuses."""

    def __init__(self, schema: SchemaPath, validator: Any, fast: Callable[[Any], Any] | None = None) -> None:
        super().__init__(schema, validator)
        self._fast = fast

    def validate(self, value: Any) -> None:
        if not self.fast_accepts(value):
            super().validate(value)

    def fast_accepts(self, value: Any) -> bool:
        """Whether the compiled check lets the value through (False: openapi-core decides)."""
        if self._fast is None:
            return False
        try:
            self._fast(value)
        except Exception:  # refused, or a value it cannot read
            return False
        return True

    def openapi_core_accepts(self, value: Any) -> bool:
        """openapi-core's own verdict on the value, as if the compiled check were not there."""
        try:
            super().validate(value)
        except ValidateError:
            return False
        return True


class FastSchemaValidators(SchemaValidatorsFactory):
    """openapi-core's factory, one validator per schema (compiled once) instead of one per check."""

    def __init__(self, base: SchemaValidatorsFactory, document: Mapping[str, Any]) -> None:
        super().__init__(base.schema_validator_cls, base.format_checker)
        schemas = document.get("components", {}).get("schemas", {})
        self._checked = frozenset(self.format_checker.checkers)
        self._components = {"schemas": {name: no_looser(schema, self._checked) for name, schema in schemas.items()}}
        self._formats = string_formats(self.format_checker)
        self._made: dict[tuple[int, tuple[Any, ...]], FastSchemaValidator] = {}

    def create(
        self,
        spec: SchemaPath,
        schema: SchemaPath,
        format_validators: Any = None,
        extra_format_validators: Any = None,
        forbid_unspecified_additional_properties: bool = False,
        enforce_properties_required: bool = False,
    ) -> SchemaValidator:
        options = (format_validators, extra_format_validators)
        if options != (None, None) or forbid_unspecified_additional_properties or enforce_properties_required:
            return super().create(spec, schema, *options, forbid_unspecified_additional_properties,
                                  enforce_properties_required)  # fmt: skip
        key = (id(spec), tuple(schema.parts))
        made = self._made.get(key)
        if made is None:
            slow = super().create(spec, schema)
            made = self._made[key] = FastSchemaValidator(schema, slow.validator, self._compiled(schema))
        return made

    def _compiled(self, schema: SchemaPath) -> Callable[[Any], Any] | None:
        with schema.resolve() as resolved:
            contents = resolved.contents
        root = {"$schema": "http://json-schema.org/draft-04/schema#", "allOf": [no_looser(contents, self._checked)],
                "components": self._components}  # fmt: skip
        try:
            return fastjsonschema.compile(root, formats=self._formats, use_default=False)
        except Exception:  # a schema it cannot compile: openapi-core alone, as before
            return None
