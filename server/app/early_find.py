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

import json
import logging
from typing import TYPE_CHECKING, Any

from deftly.server.runtime import Runtime

if TYPE_CHECKING:
    from deftly.tools.find_procedure import FindResult

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
        return find_result(self.runtime, arguments)


def find_result(runtime: Runtime, arguments: dict[str, Any]) -> dict[str, Any] | None:
    """The ``CallToolResult`` the SDK would send for a plain find, as JSON; None to leave it to the SDK."""
    from deftly.server.app.finding import find_for

    try:
        return find_reply(find_for(runtime, arguments["query"], max_results=arguments["max_results"]))
    except Exception as exc:  # a deftly error becomes the SDK's ToolError reply; anything else too
        log.debug("a find is left to the SDK: %s", exc)
        return None


def find_reply(found: FindResult) -> dict[str, Any]:
    """A find's ``CallToolResult`` as the SDK's ``MCPServer`` serializes the tool's pydantic return value."""
    import pydantic_core

    return {
        "content": [{"type": "text", "text": pydantic_core.to_json(found, fallback=str, indent=2).decode()}],
        "structuredContent": found.model_dump(mode="json", by_alias=True),
        "isError": False,
    }


def plain_find_request(message: Any) -> tuple[int | str, dict[str, Any]] | None:
    """(id, arguments) of a request that is a plain find (``plain_find``) and nothing more; else None."""
    if not isinstance(message, dict) or set(message) != {"jsonrpc", "id", "method", "params"}:
        return None
    request_id = message["id"]
    if message["jsonrpc"] != "2.0" or message["method"] != "tools/call":
        return None
    if isinstance(request_id, bool) or not isinstance(request_id, int | str):
        return None
    arguments = plain_find(message["params"])
    return None if arguments is None else (request_id, arguments)


class SteadyFinds:
    """Plain finds answered by stdin's reader thread, without the SDK (issue 15: the hand-over to the loop, the
    SDK's JSON-RPC dispatch, the tool's argument model, the result's conversion and the reply's serialization
    were ~1.2 ms of each find's ~10 in the server).

    Only with the store open, and only once the SDK's own reply to a plain find on this connection was found to
    be what ``find_reply`` makes of the same call (``probe``, then ``compare``): that the SDK answers finds on
    this connection at all (it was initialized), and the reply's shape (the SDK's to decide, per protocol
    version: cache hints, ``_meta`` stamps, ``resultType``), are checked, not assumed. Until then, and for
    anything else -- filters, ``_meta``, an error -- the SDK answers.
    """

    PROBES = 3  # finds run twice (here and by the SDK) at most, before giving up on a connection

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.trusted = False
        self._probes = 0
        self._probed: dict[str, dict[str, Any]] = {}  # request id (as JSON) -> the reply made here

    def __call__(self, message: Any) -> bytes | None:
        """The reply line to ``message`` (parsed) if it is a plain find answered here; None to hand it to the SDK."""
        if not self.runtime.is_open:
            return None
        request = plain_find_request(message)
        if request is None:
            return None
        request_id, arguments = request
        if not self.trusted:
            self.probe(request_id, arguments)
            return None
        result = find_result(self.runtime, arguments)
        if result is None:
            return None
        log.debug("find_procedure %s answered without the SDK", json.dumps(request_id))
        reply = {"jsonrpc": "2.0", "id": request_id, "result": result}
        return json.dumps(reply, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"

    def probe(self, request_id: int | str, arguments: dict[str, Any]) -> None:
        """Run the find here too, to compare with the SDK's reply (``compare``)."""
        if self._probes >= self.PROBES:
            return
        result = find_result(self.runtime, arguments)
        if result is not None:
            self._probes += 1
            self._probed[json.dumps(request_id)] = result

    def compare(self, data: bytes) -> None:
        """A line the SDK writes: if it answers a probed find, trust this connection's replies when they agree."""
        if not self._probed:
            return
        try:
            message = json.loads(data)
        except ValueError:
            return
        if not isinstance(message, dict) or "id" not in message:
            return
        made = self._probed.pop(json.dumps(message["id"]), None)
        if made is None:
            return
        self.trusted = message.get("result") == made
        if not self.trusted:  # a different shape, or the store changed between the two runs
            log.info("find_procedure's reply made here differs from the SDK's; the SDK keeps answering")
