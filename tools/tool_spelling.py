"""One tool however a harness spells it: ``tickets_get`` (no dots allowed), ``create_work_order`` (no servers),
``createEnvelope`` (another case style) are ``tickets.get``, ``mcp__pm__create_work_order`` and
``esign.create_envelope`` of another run. Used when runs are compared (``same_task``) and merged (``merge``)."""

from __future__ import annotations

import re

from deftly.tools.extract.tools_kind import as_compared, is_generic, is_read_only, words
from deftly.tools.models import Step


def spelled_like(steps: list[Step], other: list[Step]) -> list[Step]:
    """``steps`` with each tool named as ``other`` names the same tool in another harness's spelling: one tool,
    whether a run called ``tickets_get`` (a harness that allows no dots), ``create_work_order`` (one without
    servers) or ``createEnvelope`` where another called ``tickets.get``, ``mcp__pm__create_work_order`` or
    ``esign.create_envelope``. A bare name of one word (``publish``) is the other's only where the run's other
    tools were that server's (``updateArticle`` for ``cms.update_article``): alone, it could be anyone's."""
    theirs = list(dict.fromkeys(s.tool for s in other if s.tool))
    chosen: dict[str, str] = {}
    for tool in dict.fromkeys(s.tool for s in steps if s.tool):
        same = [t for t in theirs if _same_tool(tool, t)]
        if len(same) == 1:  # a bare "delete_pod" where the other run used prod's and staging's: it does not say
            chosen[tool] = same[0]
    servers = {_server(a if _flat(b) else b) for a, b in chosen.items() if _flat(a) != _flat(b)}
    for tool in dict.fromkeys(s.tool for s in steps if s.tool and s.tool not in chosen):
        # "Edit", "Read", "search": the harness's own, whatever server the run also used
        same = [
            t
            for t in theirs
            if _flat(t) != _flat(tool)
            and _one_servers(tool, t, servers)
            and not _harness_own(tool if _flat(tool) else t)
        ]
        if len(same) == 1:
            chosen[tool] = same[0]
    return [s.model_copy(update={"tool": chosen[s.tool]}) if s.tool in chosen else s for s in steps]


def _harness_own(tool: str) -> bool:
    """A one-word tool a harness brings (Claude Code's ``Edit``, ``Read``; ``search``, ``fetch``), or a read."""
    return is_generic(tool) or is_read_only(tool) or tool[:1].isupper()


def _one_servers(tool: str, other: str, servers: set[str]) -> bool:
    flat, named = (tool, other) if _flat(tool) else (other, tool)
    return _server(named) in servers and words(flat) == words(named)


def _server(tool: str) -> str:
    return as_compared(tool).rpartition(".")[0]


def _same_tool(tool: str, other: str) -> bool:
    """Whether two runs' tool names are one tool: the same as compared; one flattened from the other
    (``tickets_get`` / ``tickets.get``); one bare, of two words or more, the other's own name (``create_work_order``
    / ``mcp__pm__create_work_order``; not ``Edit`` / ``mcp__figma__edit``); or one server's in two case styles.
    Symmetric, so renaming one run's steps after the other's is enough to compare them."""
    if as_compared(tool) == as_compared(other):
        return True
    if _flat(tool) or _flat(other):
        flat, named = (tool, other) if _flat(tool) else (other, tool)
        flattened = as_compared(named).replace(".", "_").lower() == flat.lower()
        return flattened or (len(words(flat)) >= 2 and words(flat) == words(named))
    namespace, other_namespace = as_compared(tool).rpartition(".")[0], as_compared(other).rpartition(".")[0]
    return namespace == other_namespace and words(tool) == words(other)  # one server, two case styles


def _flat(tool: str) -> bool:
    return _NAMESPACED.search(tool) is None


_NAMESPACED = re.compile(r"__|[./:]")
