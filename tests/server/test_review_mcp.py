"""The review gate over MCP: review_procedure exists only when agents may review; required review hides
unapproved procedures from find_procedure, prompts, resources and skills."""

from __future__ import annotations

from pathlib import Path

import pytest
from deftly_support import CANCEL_REQUEST, cancel_trace, learn, structured
from mcp import Client

from deftly.server.app.server import build_server
from deftly.server.settings import Settings

pytestmark = pytest.mark.anyio


async def names(client: Client) -> dict[str, set[str]]:
    return {
        "prompts": {p.name for p in (await client.list_prompts()).prompts},
        "resources": {str(r.uri) for r in (await client.list_resources()).resources},
    }


async def test_review_procedure_is_a_tool_only_when_agents_may_review(deftly_home: Path) -> None:
    for review, present in (("off", False), ("required", False), ("agents", True)):
        settings = Settings(home=deftly_home, worker_poll_seconds=0.2, review=review)
        async with Client(build_server(settings)) as client:
            tools = {tool.name for tool in (await client.list_tools()).tools}
            assert ("review_procedure" in tools) is present, review


async def test_required_review_serves_only_what_an_agent_approved(deftly_home: Path) -> None:
    settings = Settings(home=deftly_home, worker_poll_seconds=0.2, review="agents")
    async with Client(build_server(settings)) as client:
        pid = await learn(client, cancel_trace(), "s-1")
        find = {"query": CANCEL_REQUEST}
        assert structured(await client.call_tool("find_procedure", find))["procedures"] == []
        listed = await names(client)
        assert pid not in listed["prompts"]
        assert not any(pid in uri for uri in listed["resources"])

        reviewed = structured(await client.call_tool("review_procedure", {"id": pid, "action": "approve"}))
        assert reviewed["state"] == "approved"
        [hit] = structured(await client.call_tool("find_procedure", find))["procedures"]
        assert (hit["id"], hit["state"]) == (pid, "approved")
        listed = await names(client)
        assert pid in listed["prompts"] and f"procedure://{pid}" in listed["resources"]

        await client.call_tool("review_procedure", {"id": pid, "action": "reject", "reason": "unsafe"})
        assert structured(await client.call_tool("find_procedure", find))["procedures"] == []
        detail = structured(await client.call_tool("get_procedure", {"id": pid}))
        assert (detail["state"], detail["state_reason"]) == ("retired", "unsafe")
