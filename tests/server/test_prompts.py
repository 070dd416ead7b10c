"""MCP prompts through a real ``mcp.Client``: the usage guide, and one prompt per procedure kept in sync with
the ``procedure://`` resources; plus the tool surface (exactly four tools, annotations that fit each)."""

from __future__ import annotations

import pytest
from deftly_support import Connected, cancel_trace, learn
from mcp.shared.exceptions import MCPError

from deftly.server.storage.forget import forget_procedure

pytestmark = pytest.mark.anyio

GUIDE = "use-procedural-memory"


async def test_the_guide_prompt_names_every_tool(connected: Connected) -> None:
    prompts = {p.name: p for p in (await connected.client.list_prompts()).prompts}

    assert set(prompts) == {GUIDE}, "no procedures yet: only the guide"
    [argument] = prompts[GUIDE].arguments or []
    assert argument.name == "task" and argument.required is False
    result = await connected.client.get_prompt(GUIDE, {"task": "refund order  #W123"})
    text = result.messages[0].content.text  # type: ignore[union-attr]
    for tool in ("find_procedure", "get_procedure", "rate_procedure", "record_trace"):
        assert tool in text
    assert '"refund order #W123"' in text


async def test_each_procedure_is_a_prompt_in_sync_with_its_resource(connected: Connected) -> None:
    procedure_id = await learn(connected.client, cancel_trace(), "cancel-1")

    prompts = {p.name: p for p in (await connected.client.list_prompts()).prompts}
    resources = {str(r.uri) for r in (await connected.client.list_resources()).resources}

    assert set(prompts) == {GUIDE, procedure_id}
    assert f"procedure://{procedure_id}" in resources
    prompt = prompts[procedure_id]
    detail = connected.server.runtime.store().get_procedure(procedure_id)
    assert detail is not None and prompt.title == detail.title
    inputs = [p for p in detail.parameters if not p.source.startswith("step ")]
    assert [a.name for a in prompt.arguments or []] == [p.name for p in inputs]
    assert all(a.description for a in prompt.arguments or [])

    forget_procedure(connected.server.runtime.db, "default", procedure_id)

    assert {p.name for p in (await connected.client.list_prompts()).prompts} == {GUIDE}
    assert f"procedure://{procedure_id}" not in {
        str(r.uri) for r in (await connected.client.list_resources()).resources
    }


async def test_a_procedure_prompt_fills_in_the_given_values(connected: Connected) -> None:
    procedure_id = await learn(connected.client, cancel_trace(), "cancel-1")
    prompt = next(p for p in (await connected.client.list_prompts()).prompts if p.name == procedure_id)
    [first, *rest] = [a.name for a in prompt.arguments or []]

    result = await connected.client.get_prompt(procedure_id, {first: "QX9ZZ7"})

    [message] = result.messages
    text = message.content.text  # type: ignore[union-attr]
    assert message.role == "user"
    assert "QX9ZZ7" in text and f"{{{first}}}" not in text
    assert f"rate_procedure with id '{procedure_id}'" in text
    for name in rest:
        assert f"{{{name}}}" in text, "values not given stay placeholders, listed as still to fill in"


async def test_unknown_prompts_and_arguments_are_errors_that_say_what_to_use(connected: Connected) -> None:
    procedure_id = await learn(connected.client, cancel_trace(), "cancel-1")

    with pytest.raises(MCPError, match="No prompt named 'nope'"):
        await connected.client.get_prompt("nope", {})
    with pytest.raises(MCPError, match="has no parameter colour"):
        await connected.client.get_prompt(procedure_id, {"colour": "blue"})


async def test_the_default_surface_is_four_tools_with_fitting_annotations(connected: Connected) -> None:
    tools = {t.name: t.annotations for t in (await connected.client.list_tools()).tools}

    assert set(tools) == {"record_trace", "find_procedure", "get_procedure", "rate_procedure"}
    hints = {
        name: (a.read_only_hint, a.destructive_hint, a.idempotent_hint, a.open_world_hint)
        for name, a in tools.items()
        if a is not None
    }
    assert hints["find_procedure"][0] is True and hints["find_procedure"][2] is True
    assert hints["get_procedure"][0] is True and hints["get_procedure"][2] is True
    # Re-sending a session replaces its trace with the newer one: an update, never a loss of what was learned.
    assert hints["record_trace"] == (False, False, True, False)
    # Each rating is one more event: not idempotent, never destructive.
    assert hints["rate_procedure"] == (False, False, False, False)
