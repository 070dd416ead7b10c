"""Every tool and resource through an in-process ``mcp.Client`` (both connect modes), on real components."""

from __future__ import annotations

import json

import pytest
from deftly_support import (
    CANCEL_REQUEST,
    Connected,
    address_trace,
    cancel_trace,
    learn,
    read_trace,
    structured,
    wait_for_extraction,
)

pytestmark = pytest.mark.anyio

TOOLS = {"record_trace", "find_procedure", "get_procedure", "rate_procedure"}
READ_ONLY = {"find_procedure", "get_procedure"}


async def test_lists_the_four_tools_with_annotations_and_output_schemas(connected: Connected) -> None:
    tools = {tool.name: tool for tool in (await connected.client.list_tools()).tools}

    assert set(tools) == TOOLS
    for name, tool in tools.items():
        assert tool.annotations is not None, name
        assert tool.annotations.read_only_hint is (name in READ_ONLY), name
        assert tool.annotations.open_world_hint is False, name
        assert tool.description, name
        assert tool.output_schema is not None and tool.output_schema["type"] == "object", name
    assert tools["record_trace"].annotations.destructive_hint is False
    assert "openai" in (tools["record_trace"].description or "")


async def test_input_schemas_are_described_and_bounded(connected: Connected) -> None:
    tools = {tool.name: tool for tool in (await connected.client.list_tools()).tools}

    find = tools["find_procedure"].input_schema
    assert find["required"] == ["query"]
    assert find["properties"]["max_results"]["maximum"] == 10
    assert find["properties"]["max_results"]["minimum"] == 1
    for tool in tools.values():
        for name, prop in tool.input_schema["properties"].items():
            assert prop.get("description"), f"{tool.name}.{name} has no description"
    assert set(tools["rate_procedure"].input_schema["required"]) == {"id", "success"}
    assert tools["rate_procedure"].input_schema["properties"]["failed_step"]["anyOf"][0]["minimum"] == 1


async def test_instructions_say_when_to_call_each_tool(connected: Connected) -> None:
    await connected.client.list_tools()
    instructions = connected.client.instructions or ""

    for tool in TOOLS:
        assert tool in instructions
    assert "Before starting a multi-step task" in instructions


async def test_record_then_find_get_and_rate(connected: Connected) -> None:
    client = connected.client

    recorded = structured(await client.call_tool("record_trace", {"history": cancel_trace(), "session_id": "s-1"}))
    assert recorded["status"] == "pending"
    assert (recorded["format"], recorded["session_id"], recorded["tool_calls"]) == ("openai", "s-1", 2)
    assert f"trace://{recorded['resource_id']}" in recorded["message"]

    status = await wait_for_extraction(client, recorded["resource_id"])
    assert status["status"] == "completed"
    assert status["session_id"] == "s-1"
    [procedure_id] = status["procedure_ids"]

    found = structured(await client.call_tool("find_procedure", {"query": "cancel my flight reservation"}))
    assert [hit["id"] for hit in found["procedures"]] == [procedure_id]
    hit = found["procedures"][0]
    assert 0 < hit["score"] <= 1
    assert "1. " in hit["text"] and "2. " in hit["text"]
    assert hit["evidence"] == 1 and hit["version"] == 1
    # Never rated: no success figure (the posterior mean would only be the prior), and the counts say why.
    assert (hit["success_rate"], hit["successes"], hit["failures"]) == (None, 0, 0)
    assert "not rated yet" in hit["why"]

    detail = structured(await client.call_tool("get_procedure", {"id": procedure_id}))
    assert [step["tool"] for step in detail["steps"]] == ["get_reservation_details", "cancel_reservation"]
    assert detail["sources"] == ["s-1"]
    assert detail["version"] == 1 and detail["versions"] == []
    assert detail["stats"]["evidence"] == 1
    assert detail["text"].startswith("## ")
    assert "ZFA04Y" not in detail["text"], "the reservation id should be a placeholder"

    rated = structured(await client.call_tool("rate_procedure", {"id": procedure_id, "success": True}))
    assert (rated["stats"]["successes"], rated["stats"]["failures"]) == (1, 0)
    before = rated["stats"]["success_rate"]

    note = "cancel_reservation refused: the flight had already departed"
    rated = structured(
        await client.call_tool(
            "rate_procedure", {"id": procedure_id, "success": False, "failed_step": 2, "notes": note}
        )
    )
    assert (rated["stats"]["successes"], rated["stats"]["failures"]) == (1, 1)
    assert rated["stats"]["success_rate"] < before
    assert rated["stats"]["step_failures"] == {"2": 1}

    detail = structured(await client.call_tool("get_procedure", {"id": procedure_id}))
    assert (detail["stats"]["successes"], detail["stats"]["failures"]) == (1, 1)
    assert [n["quote"] for n in detail["feedback"]] == [f'"{note}"']

    found = structured(await client.call_tool("find_procedure", {"query": "cancel my flight reservation"}))
    hit = found["procedures"][0]
    assert (hit["successes"], hit["failures"]) == (1, 1)
    assert hit["success_rate"] == rated["stats"]["success_rate"]


async def test_procedure_resources_are_listed_and_read_as_markdown(connected: Connected) -> None:
    client = connected.client
    procedure_id = await learn(client, cancel_trace(), "s-1")

    listed = {str(r.uri): r for r in (await client.list_resources()).resources}
    resource = listed[f"procedure://{procedure_id}"]
    assert resource.mime_type == "text/markdown"
    assert resource.title and "{reservation_id}" in resource.title

    contents = (await client.read_resource(f"procedure://{procedure_id}")).contents
    assert contents[0].mime_type == "text/markdown"
    markdown = contents[0].text
    assert markdown.startswith("## ") and "\n1. " in markdown
    assert "cancel_reservation" in markdown

    templates = {t.uri_template: t for t in (await client.list_resource_templates()).resource_templates}
    assert set(templates) == {"procedure://{id}", "trace://{resource_id}", "skill://{name}/SKILL.md"}
    assert templates["trace://{resource_id}"].mime_type == "application/json"


async def test_trace_resource_shows_status_outcome_and_metadata(connected: Connected) -> None:
    client = connected.client
    arguments = {
        "history": json.dumps(cancel_trace()),
        "session_id": "s-2",
        "title": "Cancel a booking",
        "metadata": {"project": "airline", "attempt": 2, "urgent": True},
        "outcome": "success",
        "date": "2026-11-20T09:30:00Z",
    }
    recorded = structured(await client.call_tool("record_trace", arguments))

    status = await wait_for_extraction(client, recorded["resource_id"])
    assert status["resource_id"] == recorded["resource_id"]
    assert (status["title"], status["outcome"], status["format"]) == ("Cancel a booking", "success", "openai")
    assert status["metadata"] == {"project": "airline", "attempt": 2, "urgent": True}
    assert status["reason"]


async def test_find_ranks_the_matching_procedure_first(connected: Connected) -> None:
    client = connected.client
    cancel_id = await learn(client, cancel_trace(), "cancel")
    address_id = await learn(client, address_trace(), "address")

    by_address = structured(
        await client.call_tool("find_procedure", {"query": "update the delivery address of an order"})
    )
    by_cancel = structured(await client.call_tool("find_procedure", {"query": "cancel a booking", "max_results": 1}))

    assert by_address["procedures"][0]["id"] == address_id
    assert [hit["id"] for hit in by_cancel["procedures"]] == [cancel_id]


async def test_find_with_nothing_stored_says_to_record_afterwards(connected: Connected) -> None:
    found = structured(await connected.client.call_tool("find_procedure", {"query": CANCEL_REQUEST}))

    assert found["procedures"] == []
    assert "record_trace" in found["message"]


async def test_resending_a_session_does_not_duplicate_it(connected: Connected) -> None:
    client = connected.client
    procedure_id = await learn(client, cancel_trace(), "same")

    again = structured(await client.call_tool("record_trace", {"history": cancel_trace(), "session_id": "same"}))

    assert again["status"] == "completed"
    assert again["message"].startswith("Unchanged")
    assert (await read_trace(client, again["resource_id"]))["procedure_ids"] == [procedure_id]
    store = connected.server.runtime.store()
    assert store.count_procedures() == 1
    assert len(store.list_traces()) == 1


@pytest.mark.parametrize("as_text", [True, False], ids=["json-string", "object"])
async def test_record_accepts_a_wrapped_conversation(connected: Connected, as_text: bool) -> None:
    # MCP clients send {"messages": [...]} containers, and the SDK decodes JSON strings before validation.
    wrapped = {"messages": cancel_trace(), "session_id": "wrapped-1"}

    recorded = structured(
        await connected.client.call_tool("record_trace", {"history": json.dumps(wrapped) if as_text else wrapped})
    )

    assert (recorded["session_id"], recorded["tool_calls"]) == ("wrapped-1", 2)
