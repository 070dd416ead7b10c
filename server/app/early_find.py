"""A client's first ``find_procedure`` answered before the MCP SDK is imported (issue 15: spawn -> first find).

Importing the SDK takes ~0.8 s of a start, nearly all of it holding the GIL, and the model's load beside
it the rest; a first find waited for both. ``early.EarlyAnswers`` hands a ``tools/call`` of
``find_procedure`` with plain arguments -- what the SDK would accept unchanged -- to ``EarlyFind`` once
the handshake was answered early, and replies with what the SDK would: the same body (``finding.py``)
and the same result, serialized as the SDK's ``MCPServer`` serializes a tool's pydantic return value
(``content``: its JSON indented by 2; ``structuredContent``: its JSON dump by alias). The line still goes
to the SDK, which runs the call again; its reply is dropped after comparing it with the early one.
Anything unusual -- filters, other arguments, a value the SDK would coerce or reject, an error -- is left
to the SDK alone.
"""

from __future__ import annotations

import logging
from typing import Any

from deftly.server.runtime import Runtime

log = logging.getLogger(__name__)

TOOL = "find_procedure"
MAX_QUERY = 2000  # tool_find_procedure's bounds
MAX_RESULTS = 10


def plain_find(params: Any) -> dict[str, Any] | None:
    """The keyword arguments of a ``tools/call`` of find_procedure that the SDK would pass on unchanged, with
    no column filters; None for any other call (the SDK answers it)."""
    if not isinstance(params, dict) or set(params) != {"name", "arguments"} or params["name"] != TOOL:
        return None
    arguments = params["arguments"]
    if not isinstance(arguments, dict) or not set(arguments) <= {"query", "max_results"}:
        return None
    query, max_results = arguments.get("query"), arguments.get("max_results", 3)
    if not isinstance(query, str) or not 1 <= len(query) <= MAX_QUERY or not query.strip():
        return None
    try:
        query.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: what the SDK says of it is its own
        return None
    if type(max_results) is not int or not 1 <= max_results <= MAX_RESULTS:
        return None
    return {"query": query, "max_results": max_results}


class EarlyFind:
    """Answers a plain first find from the runtime (its search snapshot, or the store once open)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def __call__(self, arguments: dict[str, Any]) -> dict[str, Any] | None:
        """The ``CallToolResult`` the SDK would send, as JSON; None to leave the call to the SDK."""
        import pydantic_core

        from deftly.server.app.finding import find_for

        try:
            found = find_for(self.runtime, arguments["query"], max_results=arguments["max_results"])
        except Exception as exc:  # a deftly error becomes the SDK's ToolError reply; anything else too
            log.debug("the first find is left to the SDK: %s", exc)
            return None
        return {
            "content": [{"type": "text", "text": pydantic_core.to_json(found, fallback=str, indent=2).decode()}],
            "structuredContent": found.model_dump(mode="json", by_alias=True),
            "isError": False,
        }
