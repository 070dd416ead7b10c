"""Procedures as Agent Skills over MCP: the Skills extension (``io.modelcontextprotocol/skills``, SEP-2640).

Every servable procedure is a skill named by its id (``stable_skill_name``, so a procedure keeps its
name when merged into, and two procedures never share one): ``skill://<name>/SKILL.md`` is a resource
(listed in ``resources/list``, read with ``resources/read``), ``skills/list`` pages through the entries
(verbatim front matter, and the sha256 digest and size of the exact bytes ``resources/read`` returns),
and ``skills/get`` returns one entry, or -32602 for a URI that names no skill. A served SKILL.md carries
no success record: ratings would change its bytes, and with them the digest a host's approval is bound to.

How this sits on the ``mcp`` SDK (2.3):

- The capability and the two methods are an SDK ``Extension`` passed to ``MCPServer(extensions=...)``: the
  SDK advertises ``capabilities.extensions["io.modelcontextprotocol/skills"] = {}`` (no ``directoryRead``)
  and routes the methods, which it does not know, to ``MethodBinding`` handlers. The SDK drops
  ``capabilities.extensions`` from the ``initialize`` result of handshake-era versions (2025-11-25 and
  older: their schema predates extensions), which would hide the extension from every client that still
  connects that way; the ``declare_in_handshake`` middleware puts the declaration back, as the
  extension's TypeScript reference server sends it.
- The extension defines no notification of its own; a change to the skills is a change to the resource
  list, so ``notifications/resources/list_changed`` announces it. ``skill_changes.SkillChanges`` polls the procedures
  table's version (about 0.3 ms) while the server runs and, when the served skills differ, announces it
  twice over: on the ``SubscriptionBus`` given to ``MCPServer(subscriptions=...)``, which reaches
  2026-07-28 clients through their ``subscriptions/listen`` streams, and on the connection of each
  handshake-era client. The SDK keeps no list of connections, so a middleware remembers them, read
  from the request session's private ``_connection`` (the only place the SDK exposes it), in a
  ``WeakSet`` so a closed connection is forgotten.
- Handshake-era clients learn that the server sends resource list changes from
  ``capabilities.resources.listChanged``, which the SDK sets only from ``NotificationOptions`` passed to
  ``create_initialization_options``, and ``MCPServer`` passes none: ``announce_resource_list_changes``
  wraps that one method on the low-level server. (2026-07-28 clients are told by ``server/discover``
  itself, since the SDK serves ``subscriptions/listen``.)
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import anyio
import anyio.to_thread
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.extension import Extension, MethodBinding
from mcp.server.lowlevel.server import NotificationOptions
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError
from mcp.shared.exceptions import MCPError
from mcp.types import INTERNAL_ERROR, INVALID_PARAMS, PaginatedRequestParams, RequestParams
from mcp.types import Resource as MCPResource

from deftly.server.app.prompts import MAX_LISTED_PROCEDURES
from deftly.tools import review
from deftly.tools.errors import DeftlyError
from deftly.tools.skill_format import front_matter_fields, render_skill, stable_skill_name

if TYPE_CHECKING:
    from deftly.server.runtime import Runtime
    from deftly.tools.models import Procedure
    from deftly.tools.review import ReviewSettings

log = logging.getLogger(__name__)

SKILLS_EXTENSION = "io.modelcontextprotocol/skills"
SCHEME = "skill://"
SKILL_FILE = "SKILL.md"
MIME_TYPE = "text/markdown"
PAGE_SIZE = 50
READ_PAGE = 500
# Entries are read fresh from the store on every call, and a change is announced at once.
CACHE_HINTS = {"ttlMs": 0, "cacheScope": "private"}


def servable(procedure: Procedure, settings: ReviewSettings) -> bool:
    """Whether ``procedure`` is served as a skill: as by find_procedure (``deftly.tools.review``)."""
    return review.servable(procedure, settings)


def skill_uri(name: str) -> str:
    return f"{SCHEME}{name}/{SKILL_FILE}"


@dataclass(frozen=True)
class ServedSkill:
    """One procedure as a skill: its SKILL.md and the entry that describes it."""

    procedure: Procedure
    name: str
    text: str

    @property
    def uri(self) -> str:
        return skill_uri(self.name)

    @functools.cached_property
    def data(self) -> bytes:
        return self.text.encode("utf-8")

    @functools.cached_property
    def frontmatter(self) -> dict[str, Any]:
        return front_matter_fields(self.text)

    @property
    def digest(self) -> str:
        return "sha256:" + hashlib.sha256(self.data).hexdigest()

    def entry(self) -> dict[str, Any]:
        """The ``Skill`` of ``skills/list`` and ``skills/get``: one file, so one resource."""
        file = {"uri": self.uri, "digest": self.digest, "size": len(self.data)}
        return {"uri": self.uri, "frontmatter": self.frontmatter, "resources": [file]}

    def resource(self) -> MCPResource:
        return MCPResource(
            uri=self.uri,
            name=self.name,
            title=self.procedure.title,
            description=str(self.frontmatter["description"]),
            mime_type=MIME_TYPE,
            size=len(self.data),
        )


def serve(procedure: Procedure) -> ServedSkill:
    name = stable_skill_name(procedure.id)
    return ServedSkill(procedure, name, render_skill(procedure, name))


class SkillCatalog:
    """The skills of the runtime's namespace, read from the store on each call (blocking: run in a thread)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def all(self) -> list[ServedSkill]:
        """Every servable procedure as a skill, ordered by name."""
        return [serve(procedure) for _, procedure in self._named()]

    def page(self, after: str | None, size: int) -> tuple[list[ServedSkill], str | None]:
        """The skills named after ``after``, at most ``size``, and the name to continue after (None at the end)."""
        rest = [(name, procedure) for name, procedure in self._named() if after is None or name > after]
        chosen = [serve(procedure) for _, procedure in rest[:size]]
        return chosen, (chosen[-1].name if len(rest) > size else None)

    def get(self, uri: str) -> ServedSkill | None:
        """The skill whose SKILL.md is at ``uri``, if one is served there."""
        name = _name_in(uri)
        if name is None:
            return None
        procedure = self.runtime.store().get_procedure(name)
        if procedure is None or stable_skill_name(procedure.id) != name:
            # Only a procedure whose id is not itself a valid name (some imported skills) is named otherwise.
            procedure = next((p for named, p in self._named() if named == name), None)
        return serve(procedure) if procedure is not None and servable(procedure, self.runtime.settings) else None

    def fingerprint(self) -> str:
        """Changes whenever a skill is added or removed or its procedure is updated, hence whenever a SKILL.md
        changes (it is rendered from the procedure alone). Taken from ids and update times, not rendered
        skills: rendering every one took 0.25 s at 1,000 procedures and grows with them (issue 15)."""
        review_mode = self.runtime.settings.review
        stamps = self.runtime.store().procedure_stamps()
        served = sorted(
            f"{pid} {updated_at.isoformat()}"
            for pid, updated_at, state in stamps
            if review.servable_state(state, review_mode)
        )
        return hashlib.sha256("\n".join(served).encode("utf-8")).hexdigest()

    def _named(self) -> list[tuple[str, Procedure]]:
        """The servable procedures with their skill names, by name; naming costs nothing, rendering does."""
        named = [(stable_skill_name(p.id), p) for p in self._procedures() if servable(p, self.runtime.settings)]
        return sorted(named, key=lambda pair: pair[0])

    def _procedures(self) -> Iterator[Procedure]:
        store = self.runtime.store()
        seen: set[str] = set()
        offset = 0
        while page := store.list_procedures(READ_PAGE, offset=offset):
            offset += len(page)
            for procedure in page:
                if procedure.id not in seen:
                    seen.add(procedure.id)
                    yield procedure


def _name_in(uri: str) -> str | None:
    if not (uri.startswith(SCHEME) and uri.endswith("/" + SKILL_FILE)):
        return None
    name = uri[len(SCHEME) : -len(SKILL_FILE) - 1]
    return name if name and "/" not in name else None


# --- the extension: capability, skills/list, skills/get ----------------------------------------------


class GetSkillParams(RequestParams):
    uri: str


class SkillsExtension(Extension):
    """Declares the Skills extension and serves ``skills/list`` and ``skills/get``."""

    identifier = SKILLS_EXTENSION

    def __init__(self, runtime: Runtime) -> None:
        self.catalog = SkillCatalog(runtime)

    def methods(self) -> list[MethodBinding]:
        return [
            MethodBinding("skills/list", PaginatedRequestParams, self.list_skills),
            MethodBinding("skills/get", GetSkillParams, self.get_skill),
        ]

    async def list_skills(self, ctx: ServerRequestContext[Any, Any], params: PaginatedRequestParams) -> HandlerResult:
        after = _decode_cursor(params.cursor) if params.cursor else None
        skills, last = await _in_thread(self.catalog.page, after, PAGE_SIZE)
        result: dict[str, Any] = {
            "resultType": "complete",
            "skills": [skill.entry() for skill in skills],
            **CACHE_HINTS,
        }
        if last is not None:
            result["nextCursor"] = _encode_cursor(last)
        return result

    async def get_skill(self, ctx: ServerRequestContext[Any, Any], params: GetSkillParams) -> HandlerResult:
        skill = await _in_thread(self.catalog.get, params.uri)
        if skill is None:
            raise MCPError(INVALID_PARAMS, _not_served(params.uri), {"uri": params.uri})
        return {"resultType": "complete", "skill": skill.entry(), **CACHE_HINTS}


async def _in_thread(fn: Any, *args: Any) -> Any:
    try:
        return await anyio.to_thread.run_sync(fn, *args)
    except DeftlyError as exc:  # the store is not open yet, or could not be
        raise MCPError(INTERNAL_ERROR, str(exc)) from exc


def _not_served(uri: str) -> str:
    return f"No skill is served at {uri}; skills/list names the skills this server serves."


def _encode_cursor(name: str) -> str:
    return base64.urlsafe_b64encode(name.encode("utf-8")).decode("ascii")


def _decode_cursor(cursor: str) -> str:
    try:
        return base64.b64decode(cursor.encode("ascii"), altchars=b"-_", validate=True).decode("utf-8")
    except (ValueError, binascii.Error) as exc:
        raise MCPError(INVALID_PARAMS, f"Invalid cursor {cursor!r}; pass a nextCursor from skills/list.") from exc


# --- resources: skill://<name>/SKILL.md ----------------------------------------------------------------


def register_skills(server: MCPServer[Any], runtime: Runtime) -> None:
    """The ``skill://`` resources, and the ``resources.listChanged`` declaration that announces their changes."""
    _register_skill_resources(server, SkillCatalog(runtime))
    announce_resource_list_changes(server)


def _register_skill_resources(server: MCPServer[Any], catalog: SkillCatalog) -> None:
    @server.resource(
        skill_uri("{name}"),
        name="skill",
        title="A procedure as an Agent Skill",
        description="A stored procedure as SKILL.md (Agent Skills); skills/list gives each one's digest.",
        mime_type=MIME_TYPE,
    )
    def skill_resource(name: str) -> str:
        try:
            skill = catalog.get(skill_uri(name))
        except DeftlyError as exc:
            raise ResourceError(str(exc)) from exc
        if skill is None:
            raise ResourceNotFoundError(_not_served(skill_uri(name)))
        return skill.text

    _ = skill_resource


async def skill_resources(runtime: Runtime) -> list[MCPResource]:
    """The SKILL.md resources for ``resources/list``, at most as many as procedures are listed."""

    def load() -> list[MCPResource]:
        return [skill.resource() for skill in SkillCatalog(runtime).all()[:MAX_LISTED_PROCEDURES]]

    try:
        resources: list[MCPResource] = await anyio.to_thread.run_sync(load)
    except DeftlyError:
        return []
    return resources


# --- change notifications -------------------------------------------------------------------------------


def announce_resource_list_changes(server: MCPServer[Any]) -> None:
    """Declare ``resources.listChanged`` to handshake-era clients (see the module docstring)."""
    lowlevel = server._lowlevel_server
    declare = lowlevel.create_initialization_options

    def with_list_changes(
        notification_options: NotificationOptions | None = None,
        experimental_capabilities: dict[str, dict[str, Any]] | None = None,
        extensions: dict[str, dict[str, Any]] | None = None,
    ) -> Any:
        options = notification_options or NotificationOptions(resources_changed=True)
        return declare(options, experimental_capabilities, extensions)

    lowlevel.create_initialization_options = with_list_changes  # type: ignore[method-assign]


async def declare_in_handshake(ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
    """Middleware: declare the extension in the ``initialize`` result too (see the module docstring)."""
    result = await call_next(ctx)
    if ctx.method == "initialize" and isinstance(result, dict) and isinstance(result.get("capabilities"), dict):
        result["capabilities"].setdefault("extensions", {}).setdefault(SKILLS_EXTENSION, {})
    return result
