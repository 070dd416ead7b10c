"""The MCP server: deftly's four tools, its resources, prompts and instructions, registered explicitly.

Tool bodies are thin: they validate nothing the type hints already validate,
call the plain functions in ``deftly.tools`` with the runtime's store, and turn
deftly's own errors into ``ToolError`` so the agent reads what to fix.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated, Any, ParamSpec, TypeVar

import anyio.to_thread
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError, ToolError
from mcp.types import GetPromptResult, InputRequiredResult, ToolAnnotations
from mcp.types import Prompt as MCPPrompt
from mcp.types import Resource as MCPResource
from pydantic import Field, WithJsonSchema

from deftly.server.app.finding import find_for
from deftly.server.app.instructions import INSTRUCTIONS
from deftly.server.app.prompts import MAX_LISTED_PROCEDURES, get_procedure_prompt, procedure_prompts, register_prompts
from deftly.server.app.skill_changes import SkillChanges
from deftly.server.app.skills import (
    SkillsExtension,
    declare_in_handshake,
    register_skills,
    skill_resources,
)
from deftly.server.runtime import Runtime
from deftly.server.settings import Settings
from deftly.server.version import __version__
from deftly.tools.errors import DeftlyError, NotFound
from deftly.tools.find_procedure import FindResult
from deftly.tools.formats import format_names
from deftly.tools.get_procedure import ProcedureDetail, get_procedure
from deftly.tools.models import Outcome
from deftly.tools.rate_procedure import RateResult, rate_procedure
from deftly.tools.record_trace import RecordResult, record_trace
from deftly.tools.review import ReviewAction, ReviewResult, review_procedure, servable
from deftly.tools.trace_status import trace_status

P = ParamSpec("P")
R = TypeVar("R")
AppContext = Context[Runtime, Any]


def agent_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Re-raise deftly's deliberate errors as ToolError, so their message reaches the agent."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except DeftlyError as exc:
            raise ToolError(str(exc)) from exc

    return wrapper


class DeftlyServer(MCPServer[Runtime]):
    """MCPServer whose resources/list and prompts/list include the stored procedures."""

    def __init__(self, runtime: Runtime, **kwargs: Any) -> None:
        self.runtime = runtime
        super().__init__(**kwargs)

    async def list_resources(self) -> list[MCPResource]:
        listed = await super().list_resources()
        return listed + await _procedure_resources(self.runtime) + await skill_resources(self.runtime)

    async def list_prompts(self) -> list[MCPPrompt]:
        import anyio.to_thread

        listed = await super().list_prompts()
        return listed + await anyio.to_thread.run_sync(procedure_prompts, self.runtime)

    async def get_prompt(
        self, name: str, arguments: dict[str, Any] | None = None, context: AppContext | None = None
    ) -> GetPromptResult | InputRequiredResult:
        if self._prompt_manager.get_prompt(name) is not None:
            return await super().get_prompt(name, arguments, context)
        import anyio.to_thread

        return await anyio.to_thread.run_sync(get_procedure_prompt, self.runtime, name, arguments)


async def _procedure_resources(runtime: Runtime) -> list[MCPResource]:
    import anyio.to_thread

    def load() -> list[MCPResource]:
        procedures = runtime.store().list_procedures(MAX_LISTED_PROCEDURES)
        return [
            MCPResource(
                uri=f"procedure://{p.id}",
                name=p.id,
                title=p.title,
                description=p.when_to_use or p.title,
                mime_type="text/markdown",
            )
            for p in procedures
            if servable(p, runtime.settings)
        ]

    try:
        return await anyio.to_thread.run_sync(load)
    except DeftlyError:
        return []


def build_server(settings: Settings, runtime: Runtime | None = None) -> DeftlyServer:
    """A ready-to-run deftly MCP server for ``settings``."""
    runtime = runtime or Runtime(settings)
    skill_changes = SkillChanges(runtime, poll_seconds=settings.worker_poll_seconds)

    @asynccontextmanager
    async def lifespan(server: MCPServer[Runtime]) -> AsyncIterator[Runtime]:
        runtime.start()
        try:
            async with skill_changes.watching():
                yield runtime
        finally:
            runtime.stop()

    server = DeftlyServer(
        runtime,
        name="deftly",
        title="deftly — procedural memory",
        instructions=INSTRUCTIONS,
        version=__version__,
        lifespan=lifespan,
        log_level=settings.log_level,
        extensions=[SkillsExtension(runtime)],
        subscriptions=skill_changes.bus,
        middleware=[declare_in_handshake, skill_changes.track],
    )
    _register_tools(server)
    if settings.review == "agents":
        server.add_tool(
            tool_review_procedure,
            name="review_procedure",
            title="Approve, reject or restore a procedure",
            annotations=ToolAnnotations(
                readOnlyHint=False, destructiveHint=False, idempotentHint=True, openWorldHint=False
            ),
        )
    _register_resources(server)
    register_skills(server, runtime)
    register_prompts(server)
    return server


def _register_tools(server: DeftlyServer) -> None:
    server.add_tool(
        tool_record_trace,
        name="record_trace",
        title="Record a finished session",
        annotations=ToolAnnotations(
            readOnlyHint=False, destructiveHint=False, idempotentHint=True, openWorldHint=False
        ),
        description=RECORD_DESCRIPTION.format(formats=", ".join(format_names())),
    )
    server.add_tool(
        tool_find_procedure,
        name="find_procedure",
        title="Find a known procedure for a task",
        annotations=ToolAnnotations(readOnlyHint=True, idempotentHint=True, openWorldHint=False),
    )
    server.add_tool(
        tool_get_procedure,
        name="get_procedure",
        title="Get a procedure in full",
        annotations=ToolAnnotations(readOnlyHint=True, idempotentHint=True, openWorldHint=False),
    )
    server.add_tool(
        tool_rate_procedure,
        name="rate_procedure",
        title="Report whether a procedure worked",
        annotations=ToolAnnotations(
            readOnlyHint=False, destructiveHint=False, idempotentHint=False, openWorldHint=False
        ),
    )


# Strict clients reject an array schema without a typed `items`. The items are declared as the message
# objects they are, but not validated here: the trace readers say better what is wrong with a bad one.
MessageList = Annotated[list[Any], WithJsonSchema({"type": "array", "items": {"type": "object"}})]

RECORD_DESCRIPTION = """Record a finished session so deftly can learn reusable procedures from it.

Call this after completing a multi-step task (or at the end of a session), passing the conversation
with its tool calls and results. It returns at once; extraction runs in the background (read
trace://{{resource_id}} for the outcome). Re-sending the same session_id updates it without
creating duplicates. Accepted formats (auto-detected when omitted): {formats}."""


@agent_errors
def tool_record_trace(
    # An object is accepted too: {"messages": [...]} containers are common, and the SDK decodes a JSON
    # string argument before validation, so a JSON-object string arrives here as a dict.
    history: Annotated[
        str | MessageList | dict[str, Any],
        Field(
            description='The session: a list of message objects, a {"messages": [...]} object, '
            "or the same as a JSON or JSONL string."
        ),
    ],
    ctx: AppContext,
    format: Annotated[str | None, Field(description="The trace format; omit to auto-detect.", max_length=40)] = None,
    title: Annotated[str | None, Field(description="A short title for the session.", max_length=300)] = None,
    session_id: Annotated[
        str | None, Field(description="Stable id of the session; re-sending it updates the trace.", max_length=200)
    ] = None,
    metadata: Annotated[
        dict[str, str | int | float | bool] | None,
        Field(description="Flat key/value metadata (keys: letters, digits, _; max 64 chars)."),
    ] = None,
    outcome: Annotated[Outcome | None, Field(description="Whether the session achieved its goal, if known.")] = None,
    date: Annotated[str | None, Field(description="When the session happened (ISO 8601).", max_length=40)] = None,
) -> RecordResult:
    runtime = ctx.request_context.lifespan_context
    result = record_trace(
        runtime.store(),
        history,
        now=_now(),
        format=format,
        title=title,
        session_id=session_id,
        metadata=metadata,
        outcome=outcome,
        date=date,
        max_bytes=runtime.settings.max_trace_bytes,
        limits=runtime.settings.limits(),
    )
    runtime.wake_worker()
    return result


async def tool_find_procedure(
    query: Annotated[
        str,
        Field(
            description="The task you are about to do, in your own words (any text is accepted).",
            min_length=1,
            max_length=2000,
        ),
    ],
    ctx: AppContext,
    max_results: Annotated[int, Field(description="How many procedures to return at most.", ge=1, le=10)] = 3,
    metadata: Annotated[
        dict[str, str | int | float | bool] | None, Field(description="Only procedures with these metadata values.")
    ] = None,
    tags: Annotated[list[str] | None, Field(description="Only procedures with all these tags.", max_length=20)] = None,
    tools: Annotated[
        list[str] | None, Field(description="Only procedures that use all these tools.", max_length=20)
    ] = None,
    min_success_rate: Annotated[
        float | None, Field(description="Only procedures whose success rate is at least this.", ge=0.0, le=1.0)
    ] = None,
) -> FindResult:
    """Find known procedures for a task before you start it.

    Call this at the start of any multi-step task. It returns the few stored procedures that fit,
    best first, each with numbered steps, a score and why it matched; or none, with a note to
    proceed normally and record_trace afterwards.
    """
    runtime = ctx.request_context.lifespan_context
    find = functools.partial(
        find_for,
        runtime,
        query,
        max_results=max_results,
        metadata=metadata,
        tags=tags,
        tools=tools,
        min_success_rate=min_success_rate,
    )
    try:
        # On stdio, once the store is open, in the loop's thread: a find is a few ms, most of them in the model
        # (which releases the GIL), and the hand-over to a worker thread and back cost ~0.4 ms of each (issue 15).
        # Not before the store opens (a find may wait seconds for it), nor over HTTP (many clients at once).
        if runtime.settings.transport == "stdio" and runtime.is_open:
            return find()
        return await anyio.to_thread.run_sync(find)
    except DeftlyError as exc:
        raise ToolError(str(exc)) from exc


@agent_errors
def tool_get_procedure(
    id: Annotated[str, Field(description="A procedure id from find_procedure.", min_length=1, max_length=200)],
    ctx: AppContext,
    version: Annotated[int | None, Field(description="An earlier version to read instead.", ge=1)] = None,
) -> ProcedureDetail:
    """Get one procedure in full: steps, parameters, pitfalls, sources, success stats and versions."""
    return get_procedure(ctx.request_context.lifespan_context.store(), id, version)


@agent_errors
def tool_rate_procedure(
    id: Annotated[str, Field(description="The procedure you followed.", min_length=1, max_length=200)],
    success: Annotated[bool, Field(description="Whether following it accomplished the task.")],
    ctx: AppContext,
    notes: Annotated[
        str | None, Field(description="What went wrong or what to watch out for.", max_length=2000)
    ] = None,
    failed_step: Annotated[int | None, Field(description="The step number that failed, if one did.", ge=1)] = None,
) -> RateResult:
    """Report whether following a procedure worked, so ranking learns from use.

    Call this after you followed a procedure from find_procedure, successful or not.
    """
    store = ctx.request_context.lifespan_context.store()
    return rate_procedure(store, id, success, now=_now(), notes=notes, failed_step=failed_step)


@agent_errors
def tool_review_procedure(
    id: Annotated[str, Field(description="The procedure to review.", min_length=1, max_length=200)],
    action: Annotated[
        ReviewAction,
        Field(description="approve: serve it; reject: retire it (say why); restore: make a retired one a candidate."),
    ],
    ctx: AppContext,
    reason: Annotated[str, Field(description="Why (recorded with the new state).", max_length=300)] = "",
) -> ReviewResult:
    """Review a learned procedure: approve it so find_procedure serves it, or reject it with a reason.

    Read it with get_procedure first: approve only steps that do what the user would want.
    """
    store = ctx.request_context.lifespan_context.store()
    return review_procedure(store, id, action, now=_now(), reason=reason)


def _register_resources(server: DeftlyServer) -> None:
    runtime = server.runtime

    @server.resource(
        "procedure://{id}",
        name="procedure",
        title="A stored procedure",
        description="A procedure as Markdown: title, parameters, steps, pitfalls and success record.",
        mime_type="text/markdown",
    )
    def procedure_resource(id: str) -> str:
        try:
            return get_procedure(runtime.store(), id).text
        except DeftlyError as exc:
            raise resource_error(exc) from exc

    @server.resource(
        "trace://{resource_id}",
        name="trace",
        title="A recorded trace",
        description="Extraction status and outcome of a trace sent to record_trace.",
        mime_type="application/json",
    )
    def trace_resource(resource_id: str) -> str:
        try:
            return trace_status(runtime.store(), resource_id).model_dump_json(indent=2)
        except DeftlyError as exc:
            raise resource_error(exc) from exc

    _ = (procedure_resource, trace_resource)


def resource_error(error: DeftlyError) -> ResourceError:
    """An unknown id is the SDK's resource-not-found (-32602, SEP-2164); anything else stays a ResourceError."""
    return ResourceNotFoundError(str(error)) if isinstance(error, NotFound) else ResourceError(str(error))


def _now() -> datetime:
    return datetime.now(UTC)
