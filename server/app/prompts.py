"""MCP prompts: ``use-procedural-memory``, and one prompt per stored procedure.

A procedure's prompt is named by its id, like its ``procedure://{id}`` resource, and
is listed the same way (read from the store on each ``prompts/list``), so the two never
disagree. Its arguments are the procedure's inputs; getting it returns the steps with
the given values filled in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from mcp.server.mcpserver import MCPServer
from mcp.shared.exceptions import MCPError
from mcp.types import INVALID_PARAMS, GetPromptResult, PromptMessage, TextContent
from mcp.types import Prompt as MCPPrompt
from mcp.types import PromptArgument as MCPPromptArgument
from pydantic import Field

from deftly.tools.errors import DeftlyError
from deftly.tools.instantiate import procedure_prompt
from deftly.tools.review import servable

if TYPE_CHECKING:
    from deftly.server.runtime import Runtime
    from deftly.tools.models import Procedure

USE_PROCEDURAL_MEMORY = "use-procedural-memory"
MAX_LISTED_PROCEDURES = 500

GUIDE = """You have deftly, a procedural memory, as MCP tools. Use it on every multi-step task:

1. Before you start, call find_procedure with the task in your own words{task_clause}. It returns the
   few stored procedures that fit, best first, each with numbered steps and {{placeholders}}.
2. If one fits, follow its steps, substituting this task's values for the placeholders. Call
   get_procedure with its id when you need its parameters, pitfalls or earlier versions.
   If none fits, do the task as you normally would.
3. After following a procedure, call rate_procedure with its id and success true or false; when it
   failed, add failed_step and a short note, so the next agent avoids the same trap.
4. When the task is done (or at the end of the session), call record_trace with the conversation,
   including your tool calls and their results, so deftly learns from it. Secrets are removed
   before anything is stored; pass the same session_id again to update a session you sent before.
"""


def register_prompts(server: MCPServer[Runtime]) -> None:
    @server.prompt(
        name=USE_PROCEDURAL_MEMORY,
        title="Use procedural memory",
        description="How to use deftly's four tools: find before a task, rate after following, record at the end.",
    )
    def use_procedural_memory(
        task: Annotated[str, Field(description="The task at hand (optional), to search for first.")] = "",
    ) -> str:
        clause = f' (for this task: "{" ".join(task.split())}")' if task.strip() else ""
        return GUIDE.format(task_clause=clause)

    _ = use_procedural_memory


def procedure_prompts(runtime: Runtime) -> list[MCPPrompt]:
    """One prompt per stored procedure (up to 500), from the store as it is now."""
    try:
        procedures = runtime.store().list_procedures(MAX_LISTED_PROCEDURES)
    except DeftlyError:
        return []
    return [_as_prompt(p) for p in procedures if servable(p, runtime.settings)]


def _as_prompt(procedure: Procedure) -> MCPPrompt:
    inputs = [p for p in procedure.parameters if not p.source.startswith("step ")]
    return MCPPrompt(
        name=procedure.id,
        title=procedure.title,
        description=f"Follow the procedure: {procedure.title}. " + (procedure.when_to_use or ""),
        arguments=[
            MCPPromptArgument(name=p.name, description=_argument_description(p.description, p.kind), required=False)
            for p in inputs
        ],
    )


def _argument_description(description: str, kind: str) -> str:
    return f"{description} ({kind})" if description else kind


def get_procedure_prompt(runtime: Runtime, name: str, arguments: dict[str, str] | None) -> GetPromptResult:
    """The procedure ``name`` with ``arguments`` filled in, as a user message.

    Raises:
        MCPError (invalid params): no such prompt, or an argument the procedure does not take.
    """
    procedure = runtime.store().get_procedure(name)
    if procedure is None or not servable(procedure, runtime.settings):
        raise MCPError(
            INVALID_PARAMS,
            f"No prompt named {name!r}. Use {USE_PROCEDURAL_MEMORY!r} or a procedure id from prompts/list "
            "(the same ids as the procedure:// resources and find_procedure).",
        )
    try:
        text = procedure_prompt(procedure, {k: str(v) for k, v in (arguments or {}).items()})
    except DeftlyError as exc:
        raise MCPError(INVALID_PARAMS, str(exc)) from exc
    return GetPromptResult(
        description=f"Follow the procedure: {procedure.title}",
        messages=[PromptMessage(role="user", content=TextContent(type="text", text=text))],
    )
