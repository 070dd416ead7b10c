"""What the Claude extractor is told, and the compact text form of a trace it reads."""

from __future__ import annotations

import json

from deftly.tools.models import Outcome
from deftly.tools.trace import Message, ToolCall, Trace

MAX_RESULT_CHARS = 600
MAX_MESSAGE_CHARS = 2000
MAX_ARGUMENT_CHARS = 1000
MAX_TRACE_CHARS = 80_000

SYSTEM_PROMPT = """You turn an AI agent's session trace into reusable procedures for other agents.

For each task the user asked for AND the agent completed with tool calls, write one procedure:
- title: an imperative sentence from the request, e.g. "Cancel reservation {reservation_id} for {user_id}".
- steps: numbered, in order, each naming the exact tool (as spelled in the trace), its arguments,
  what it produces that later steps use, and any decision point ("If X fails with 'too large', ...").
- Replace every instance-specific value with a {snake_case} placeholder: ids, emails, names of people,
  dates, amounts, paths, URLs, file names, values from the user's request or from earlier results.
  Keep literal only values intrinsic to the procedure (an enum such as status="cancelled").
  Never copy a real id, name, email, date or number from the trace into a procedure.
- Failed tool calls are never steps. A failure followed by a different call that worked is a decision
  point; a failure fixed by retrying is a pitfall. Exact retries collapse into one step.
- Skip (list under skipped, with the reason) tasks that were only discussed, trivial tasks (a single
  lookup, greetings), and tasks that failed or were refused; give the lesson of a failure if there is one.
- One procedure per distinct task; never merge two different tasks into one procedure.
Answer only by calling save_procedures."""


def compact_trace(trace: Trace, outcome: Outcome | None = None) -> str:
    """Numbered lines: messages and tool calls with truncated results, capped in total length."""
    lines = [f"Trace format: {trace.format}. Reported outcome: {outcome or 'unknown'}.", ""]
    for number, turn in enumerate(trace.turns, start=1):
        lines.append(f"[{number}] {_line(turn)}")
    text = "\n".join(lines)
    if len(text) <= MAX_TRACE_CHARS:
        return text
    half = MAX_TRACE_CHARS // 2
    return text[:half] + "\n[… middle of the trace omitted …]\n" + text[-half:]


def _line(turn: Message | ToolCall) -> str:
    if isinstance(turn, Message):
        label = "THINKING" if turn.reasoning else turn.role.upper()
        return f"{label}: {_cut(turn.text, MAX_MESSAGE_CHARS)}"
    arguments = _cut(json.dumps(turn.arguments, ensure_ascii=False), MAX_ARGUMENT_CHARS)
    if turn.result is None:
        outcome = "UNFINISHED (no result)"
    elif turn.result.failed:
        outcome = f"FAILED: {_cut(turn.result.error or turn.result.content, MAX_RESULT_CHARS)}"
    else:
        outcome = f"OK: {_cut(turn.result.content, MAX_RESULT_CHARS)}"
    return f"CALL {turn.tool} {arguments} -> {outcome}"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + f" [… {len(text) - limit} more chars]"
