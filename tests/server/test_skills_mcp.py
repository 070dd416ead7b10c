"""Procedures as Agent Skills over MCP (the Skills extension, SEP-2640), through real ``mcp`` clients:
in-process in both connect modes, and ``deftly serve`` over stdio."""

from __future__ import annotations

import hashlib
import re
import subprocess
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
import pytest
import skills_ref
import yaml
from deftly_support import address_trace, cancel_trace, deftly_command, learn, server_env, structured
from mcp import Client, StdioServerParameters
from mcp.server.subscriptions import ResourcesListChanged
from mcp.shared.exceptions import MCPError
from mcp.types import INVALID_PARAMS, Request
from pydantic import TypeAdapter

from deftly.server.app import skills
from deftly.server.app.server import build_server
from deftly.server.cli.main import main
from deftly.server.settings import Settings
from deftly.tools.skill_format import MAX_NAME_CHARS, stable_skill_name

pytestmark = pytest.mark.anyio

EXTENSION = "io.modelcontextprotocol/skills"
LIST_CHANGED = "notifications/resources/list_changed"
ANY_RESULT = TypeAdapter(dict[str, Any])
VALID_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


async def call(client: Client, method: str, **params: Any) -> dict[str, Any]:
    """A request for a method the client SDK does not know."""
    request = Request[dict[str, Any], str](method=method, params=params)
    return await client.session.send_request(request, ANY_RESULT)


async def all_skills(client: Client) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    cursor: dict[str, Any] = {}
    while True:
        page = await call(client, "skills/list", **cursor)
        assert page["resultType"] == "complete" and page["ttlMs"] == 0 and page["cacheScope"] == "private"
        entries += page["skills"]
        if "nextCursor" not in page:
            return entries
        cursor = {"cursor": page["nextCursor"]}


def recorder(methods: list[str]) -> Callable[[object], Any]:
    async def on_message(message: object) -> None:
        methods.append(str(getattr(message, "method", "")))

    return on_message


async def wait_for(check: Callable[[], bool], timeout: float = 30.0) -> None:
    with anyio.fail_after(timeout):
        while not check():
            await anyio.sleep(0.05)


@pytest.fixture(params=["auto", "legacy"])
async def client(request: pytest.FixtureRequest, settings: Settings) -> AsyncIterator[Client]:
    async with Client(build_server(settings), mode=request.param) as connected:
        yield connected


# --- the capability, the entries, the files ----------------------------------------------------------------


async def test_the_extension_and_resource_list_changes_are_declared(client: Client) -> None:
    capabilities = client.server_capabilities

    assert capabilities.extensions == {EXTENSION: {}}, "no directoryRead: skills are single files"
    assert capabilities.resources is not None and capabilities.resources.list_changed is True


async def test_every_procedure_is_a_skill_whose_entry_matches_what_resources_read_returns(
    client: Client, tmp_path: Path
) -> None:
    ids = {await learn(client, cancel_trace(), "s-1"), await learn(client, address_trace(), "s-2")}

    entries = await all_skills(client)

    assert {entry["frontmatter"]["metadata"]["deftly-id"] for entry in entries} == ids
    listed = {str(r.uri): r for r in (await client.list_resources()).resources}
    for entry in entries:
        name = entry["frontmatter"]["name"]
        assert entry["uri"] == f"skill://{name}/SKILL.md" and name == entry["frontmatter"]["metadata"]["deftly-id"]
        [file] = entry["resources"]
        [content] = (await client.read_resource(entry["uri"])).contents
        data = content.text.encode("utf-8")
        assert content.mime_type == "text/markdown"
        assert file == {"uri": entry["uri"], "digest": "sha256:" + hashlib.sha256(data).hexdigest(), "size": len(data)}
        assert entry["frontmatter"] == yaml.safe_load(content.text.split("\n---", 1)[0].removeprefix("---\n"))
        got = await call(client, "skills/get", uri=entry["uri"])
        assert got["resultType"] == "complete" and got["skill"] == entry
        resource = listed[entry["uri"]]
        assert (resource.name, resource.mime_type, resource.size) == (name, "text/markdown", len(data))
        assert resource.description == entry["frontmatter"]["description"]
        folder = tmp_path / name
        folder.mkdir()
        (folder / "SKILL.md").write_bytes(data)
        assert skills_ref.validate(folder) == [], content.text


async def test_rating_a_procedure_leaves_its_skill_unchanged(client: Client) -> None:
    procedure_id = await learn(client, cancel_trace(), "s-1")
    [before] = await all_skills(client)

    structured(await client.call_tool("rate_procedure", {"id": procedure_id, "success": False, "failed_step": 1}))

    assert await all_skills(client) == [before], "a host's approval is bound to the digest; ratings must not move it"
    assert "success-rate" not in before["frontmatter"]["metadata"]


@pytest.mark.parametrize("mode", ["legacy"])
async def test_skills_list_pages_by_cursor(settings: Settings, mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(skills, "PAGE_SIZE", 1)
    async with Client(build_server(settings), mode=mode) as client:
        await learn(client, cancel_trace(), "s-1")
        await learn(client, address_trace(), "s-2")

        first = await call(client, "skills/list")
        second = await call(client, "skills/list", cursor=first["nextCursor"])

        assert len(first["skills"]) == len(second["skills"]) == 1 and "nextCursor" not in second
        assert first["skills"][0]["uri"] < second["skills"][0]["uri"]
        with pytest.raises(MCPError) as bad:
            await call(client, "skills/list", cursor="%%% not a cursor")
        assert bad.value.error.code == INVALID_PARAMS


# --- errors ---------------------------------------------------------------------------------------------


async def test_an_unknown_skill_is_invalid_params_not_an_internal_error(client: Client) -> None:
    await learn(client, cancel_trace(), "s-1")
    for uri in ("skill://no-such-skill/SKILL.md", "skill://a/b/SKILL.md", "procedure://x", "not a uri"):
        with pytest.raises(MCPError) as got:
            await call(client, "skills/get", uri=uri)
        assert got.value.error.code == INVALID_PARAMS, uri
        assert "No skill is served" in got.value.error.message

    with pytest.raises(MCPError) as read:
        await client.read_resource("skill://no-such-skill/SKILL.md")
    assert read.value.error.code == INVALID_PARAMS
    with pytest.raises(MCPError) as missing:
        await call(client, "skills/get")
    assert missing.value.error.code == INVALID_PARAMS


@pytest.mark.parametrize("mode", ["auto"])
async def test_a_procedure_that_is_not_servable_is_no_skill(
    settings: Settings, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with Client(build_server(settings), mode=mode) as client:
        kept = await learn(client, cancel_trace(), "s-1")
        held = await learn(client, address_trace(), "s-2")
        monkeypatch.setattr(skills, "servable", lambda procedure, settings: procedure.id != held)

        assert [entry["frontmatter"]["name"] for entry in await all_skills(client)] == [kept]
        assert not [r for r in (await client.list_resources()).resources if str(r.uri).startswith(f"skill://{held}")]
        with pytest.raises(MCPError) as got:
            await call(client, "skills/get", uri=f"skill://{held}/SKILL.md")
        assert got.value.error.code == INVALID_PARAMS
        with pytest.raises(MCPError) as read:
            await client.read_resource(f"skill://{held}/SKILL.md")
        assert read.value.error.code == INVALID_PARAMS


# --- change notifications -------------------------------------------------------------------------------


async def test_a_handshake_era_client_is_told_when_a_procedure_is_learned(settings: Settings) -> None:
    methods: list[str] = []
    async with Client(build_server(settings), mode="legacy", message_handler=recorder(methods)) as client:
        assert await all_skills(client) == []
        await anyio.sleep(3 * settings.worker_poll_seconds)
        assert LIST_CHANGED not in methods, "nothing changed yet"

        procedure_id = await learn(client, cancel_trace(), "s-1")

        await wait_for(lambda: LIST_CHANGED in methods)
        assert [entry["frontmatter"]["name"] for entry in await all_skills(client)] == [procedure_id]


async def test_a_2026_client_hears_it_on_its_listen_stream(settings: Settings) -> None:
    async with Client(build_server(settings)) as client:
        assert client.protocol_version == "2026-07-28"
        async with client.listen(resources_list_changed=True) as changes:
            procedure_id = await learn(client, cancel_trace(), "s-1")

            with anyio.fail_after(30):
                event = await changes.__anext__()

        assert event == ResourcesListChanged()
        assert [entry["frontmatter"]["name"] for entry in await all_skills(client)] == [procedure_id]


async def test_an_imported_skill_whose_id_is_no_valid_name_is_served_under_a_hashed_one(
    settings: Settings, tmp_path: Path
) -> None:
    long_name = "rotate-the-nginx-logs-on-every-web-host-and-compress-old-ones"
    folder = tmp_path / "skills" / long_name
    folder.mkdir(parents=True)
    (folder / "SKILL.md").write_text(
        f"---\nname: {long_name}\ndescription: Rotate and compress the nginx logs. Use when disk space runs low.\n"
        "---\n\n# Rotate the nginx logs\n\n1. Run `logrotate -f /etc/logrotate.d/nginx`\n2. Check `df -h`\n"
    )
    methods: list[str] = []
    async with Client(build_server(settings), mode="legacy", message_handler=recorder(methods)) as client:
        assert await all_skills(client) == []

        imported = await anyio.to_thread.run_sync(lambda: main(["import", "--skills", str(tmp_path / "skills")]))

        assert imported == 0
        await wait_for(lambda: LIST_CHANGED in methods)
        [entry] = await all_skills(client)
        name, procedure_id = entry["frontmatter"]["name"], entry["frontmatter"]["metadata"]["deftly-id"]
        assert procedure_id == f"skill-{long_name}" and len(procedure_id) > MAX_NAME_CHARS
        assert name == stable_skill_name(procedure_id) and len(name) <= MAX_NAME_CHARS
        assert (await call(client, "skills/get", uri=entry["uri"]))["skill"] == entry
        [content] = (await client.read_resource(entry["uri"])).contents
        served = tmp_path / "served" / name
        served.mkdir(parents=True)
        (served / "SKILL.md").write_text(content.text, encoding="utf-8")
        assert skills_ref.validate(served) == []


@pytest.mark.slow
async def test_over_stdio_changes_made_by_another_process_are_announced(deftly_home: Path) -> None:
    command, *args = deftly_command()
    stdio = StdioServerParameters(command=command, args=[*args, "serve"], env=server_env(deftly_home))
    methods: list[str] = []
    async with Client(stdio, mode="legacy", message_handler=recorder(methods)) as client:
        assert client.server_capabilities.extensions == {EXTENSION: {}}
        procedure_id = await learn(client, cancel_trace(), "s-1")
        await wait_for(lambda: LIST_CHANGED in methods)
        [entry] = await all_skills(client)
        [content] = (await client.read_resource(entry["uri"])).contents
        assert entry["resources"][0]["digest"] == "sha256:" + hashlib.sha256(content.text.encode()).hexdigest()
        methods.clear()

        forget = [*deftly_command(), "forget", procedure_id, "--yes"]
        done = await anyio.to_thread.run_sync(
            lambda: subprocess.run(forget, env=server_env(deftly_home), capture_output=True, text=True, timeout=120)
        )
        assert done.returncode == 0, done.stderr

        await wait_for(lambda: LIST_CHANGED in methods)
        assert await all_skills(client) == []


# --- names ----------------------------------------------------------------------------------------------


def test_a_procedure_id_is_its_skill_name_and_other_ids_get_distinct_valid_names() -> None:
    assert stable_skill_name("cancel-reservation-for-user-489216") == "cancel-reservation-for-user-489216"
    long_ids = ["skill-" + "a" * 70 + "-one", "skill-" + "a" * 70 + "-two", "Rotate_Logs", "rotate logs"]

    names = [stable_skill_name(key) for key in long_ids]

    assert len(set(names)) == len(names)
    assert all(VALID_NAME.match(name) and len(name) <= MAX_NAME_CHARS for name in names), names
    assert names == [stable_skill_name(key) for key in long_ids], "stable"
