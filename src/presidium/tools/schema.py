"""``presidium schema``: the scenario format as a JSON Schema, for editors and other tools.

Generated from ``presidium.spec``, the same tables the compiler checks files against, and
limited to draft-07 keywords (what yaml-language-server understands). The schema checks the
shape of a file; ``presidium validate`` also checks what a schema cannot: references between
ids, the types inside conditions and effects, ranges and sources.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any

from presidium import spec
from presidium.conditions import MAX_NUMBER
from presidium.errors import UsageError
from presidium.model import BUILT_INS

ID_PATTERN = "^[a-z][a-z0-9_]*$"
ID: dict[str, Any] = {"type": "string", "pattern": ID_PATTERN}
RANGE = {"minimum": -MAX_NUMBER, "maximum": MAX_NUMBER}  # whole numbers of at most 15 digits

# Every kind of value a field can hold (spec.Field.kind).
KINDS: dict[str, dict[str, Any]] = {
    "format": {"enum": list(spec.FORMATS)},
    "id": ID,
    "name": {"type": "string", "pattern": "^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)?$"},
    "text": {"type": "string", "minLength": 1},
    "texts": {"type": "array", "items": {"type": "string"}},
    "flag": {"type": "boolean"},
    "integer": {"type": "integer", **RANGE},
    "date": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
    "condition": {"type": ["string", "boolean"]},
    "number": {"type": ["string", "integer"], **RANGE},
    "effects": {"type": "array", "items": {"type": "string"}},
    "ids": {"type": "array", "items": ID},
    "built_ins": {"type": "array", "items": {"enum": list(BUILT_INS)}},
    "names": {
        "type": "array",
        "items": {"type": "string", "pattern": "^[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*$"},
    },
    "labels": {
        "type": "object",
        "propertyNames": {"pattern": ID_PATTERN},
        "additionalProperties": {"type": "string"},
    },
    "initial": {"type": ["integer", "boolean", "string"], **RANGE},
    "scene_text": {
        "anyOf": [
            {"type": "string"},
            {
                "type": "array",
                "items": {"anyOf": [{"type": "string"}, {"$ref": "#/definitions/text_branch"}]},
            },
        ]
    },
    "next": {"anyOf": [ID, {"type": "array", "items": {"$ref": "#/definitions/branch"}}]},
    "sourced": {"anyOf": [{"type": "string"}, {"$ref": "#/definitions/about"}]},
    "glossary": {
        "type": "object",
        "additionalProperties": {"anyOf": [{"type": "string"}, {"$ref": "#/definitions/about"}]},
    },
    "fates": {
        "type": "object",
        "propertyNames": {"pattern": ID_PATTERN},
        "additionalProperties": {"anyOf": [{"type": "string"}, {"$ref": "#/definitions/fate"}]},
    },
}


def _kind(kind: str, patch: bool = False) -> dict[str, Any]:
    prefix, _, rest = kind.partition(":")
    name = rest.lower() + ("_patch" if patch else "")
    if prefix == "map":
        return {
            "type": "object",
            "propertyNames": {"pattern": ID_PATTERN},
            "additionalProperties": {"$ref": f"#/definitions/{name}"},
        }
    if prefix == "list":
        return {"type": "array", "items": {"$ref": f"#/definitions/{name}"}}
    if prefix == "object":
        return {"$ref": f"#/definitions/{name}"}
    if prefix == "enum":
        return {"enum": rest.split("|")}
    return dict(KINDS[kind])


def _object(fields: dict[str, spec.Field], patch: bool = False) -> dict[str, Any]:
    """A record; as a patch (in a file that extends another) no key is required."""
    properties = {}
    for name, field in fields.items():
        value = _kind(field.kind, patch)
        if (
            "$ref" in value
        ):  # draft-07 ignores keywords beside $ref: wrap it to keep the description
            value = {"allOf": [value]}
        doc = field.doc if field.since == 1 else f"{field.doc} (format {field.since})"
        properties[name] = {"description": doc, **value}
    required = [] if patch else [name for name, field in fields.items() if field.required]
    result: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        result["required"] = required
    return result


def build() -> dict[str, Any]:
    """The JSON Schema (draft-07) of the scenario format, for whole files and for extensions."""
    definitions: dict[str, Any] = {}
    for name, fields in spec.OBJECTS.items():
        if name != "SCENARIO":
            definitions[name.lower()] = _object(fields)
            definitions[f"{name.lower()}_patch"] = _object(fields, patch=True)
    whole = _object(spec.SCENARIO)
    whole["properties"].pop("remove")
    whole["properties"]["extends"] = {"description": spec.SCENARIO["extends"].doc, "not": {}}
    extension = _object(spec.SCENARIO, patch=True)
    extension["required"] = ["format", "id", "extends"]
    newer = [name for name, field in spec.SCENARIO.items() if field.since > 1]
    for definition in (whole, extension):  # a classroom key needs 'format: 2'
        definition["if"] = {"anyOf": [{"required": [name]} for name in newer]}
        definition["then"] = {"properties": {"format": {"const": spec.FORMATS[-1]}}}
    definitions["scenario"] = whole
    definitions["extension"] = extension
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "presidium scenario",
        "description": "A scenario for presidium (format 1, or 2 with classroom keys), or one that extends another and changes "
        "only what differs. Generated by `presidium schema`; see docs/scenario-format.md. "
        "`presidium validate` checks what a schema cannot.",
        "if": {"required": ["extends"]},
        "then": {"$ref": "#/definitions/extension"},
        "else": {"$ref": "#/definitions/scenario"},
        "definitions": definitions,
    }


def render() -> str:
    return json.dumps(build(), indent=2, ensure_ascii=False) + "\n"


def schema(output: str | None, out: IO[str]) -> int:
    text = render()
    if output is None:
        out.write(text)
        return 0
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write '{output}': {exc.strerror}") from None
    out.write(f"wrote {output}\n")
    return 0
