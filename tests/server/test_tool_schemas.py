"""Every tool's input schema, as ``tools/list`` sends it, is one a strict client accepts.

Strict clients (function-calling APIs that compile a tool's schema) reject an array without a typed
``items`` and a property whose value has no type. The schemas must also be valid JSON Schema 2020-12.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from deftly_support import Connected
from jsonschema import Draft202012Validator

pytestmark = pytest.mark.anyio

COMBINATORS = ("anyOf", "oneOf", "allOf")


def untyped(schema: dict[str, Any], where: str) -> Iterator[str]:
    """Where a value's schema says nothing of its type (directly or in every branch of a combinator)."""
    branches = [branch for key in COMBINATORS for branch in schema.get(key, [])]
    if branches:
        for number, branch in enumerate(branches):
            yield from untyped(branch, f"{where}|{number}")
        return
    if "type" not in schema and "enum" not in schema and "const" not in schema:
        yield where
        return
    if schema.get("type") == "array" or "items" in schema:
        items = schema.get("items")
        if not isinstance(items, dict):
            yield f"{where}[] (no items)"
        else:
            yield from untyped(items, f"{where}[]")
    for name, prop in schema.get("properties", {}).items():
        yield from untyped(prop, f"{where}.{name}")
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict):
        yield from untyped(extra, f"{where}.*")


async def test_every_input_schema_is_typed_throughout(connected: Connected) -> None:
    tools = (await connected.client.list_tools()).tools

    problems = [where for tool in tools for where in untyped(tool.input_schema, tool.name)]

    assert len(tools) == 4
    assert problems == [], "every array needs typed items and every property a type"


async def test_every_input_schema_is_valid_json_schema_2020_12(connected: Connected) -> None:
    for tool in (await connected.client.list_tools()).tools:
        Draft202012Validator.check_schema(tool.input_schema)
        assert tool.input_schema["type"] == "object", tool.name


async def test_record_trace_history_declares_its_messages_as_objects(connected: Connected) -> None:
    tools = {tool.name: tool for tool in (await connected.client.list_tools()).tools}

    history = tools["record_trace"].input_schema["properties"]["history"]

    assert {"type": "array", "items": {"type": "object"}} in history["anyOf"]


def test_the_walk_finds_what_strict_clients_reject() -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"anyOf": [{"type": "string"}, {"type": "array", "items": {}}]}, "b": {}},
    }

    assert list(untyped(schema, "t")) == ["t.a|1[]", "t.b"]
