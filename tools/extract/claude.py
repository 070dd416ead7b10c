"""The Claude extractor: the same rules as the offline one, applied by a model that reads the trace.

Claude gets a compacted trace (long results truncated; secrets were removed
before storage) and must answer through the ``save_procedures`` tool, whose
schema is ``ClaudeOutput``. Its answer passes the same validation as offline
drafts — step tools must exist in the trace, no literal instance values may
leak — and anything invalid falls back to the offline extractor. Rate limits,
overload and timeouts are retried by the SDK with backoff; if they persist the
trace is deferred (kept pending), never dropped.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, ValidationError

from deftly.tools.extract.base import Draft, Extraction, ExtractionDeferred, Extractor, Skipped
from deftly.tools.extract.heuristic import known_names, used_parameters
from deftly.tools.extract.injection import looks_like_instruction, obeyed_in, obeyed_reason
from deftly.tools.extract.prompt import SYSTEM_PROMPT, compact_trace
from deftly.tools.extract.select import failure_shown
from deftly.tools.extract.validate import leaks, trace_literals, without_leaks
from deftly.tools.models import Outcome, Parameter, Step
from deftly.tools.trace import Trace

if TYPE_CHECKING:
    import anthropic

log = logging.getLogger(__name__)

TOOL_NAME = "save_procedures"
MAX_OUTPUT_TOKENS = 4096


class _InvalidAnswer(Exception):
    """Claude answered, but not with a usable save_procedures call."""


class ClaudeStep(BaseModel):
    action: str = Field(description="Imperative description of the step.")
    tool: str | None = Field(default=None, description="Exact name of the tool called, as in the trace.")
    arguments: dict[str, Any] = Field(default_factory=dict, description="Arguments with {placeholders}.")
    produces: list[str] = Field(default_factory=list, description="Placeholders later steps take from this result.")
    decision: str | None = Field(default=None, description="'If <condition>, <what to do>' when there is one.")


class ClaudeParameter(BaseModel):
    name: str = Field(description="snake_case placeholder name used as {name}.")
    description: str
    kind: str = Field(description="id, email, date, amount, name, path, url, number, option or text.")
    example: str = Field(description="A redacted example of the shape (e.g. 'ABC123'), never a real value.")
    source: str = Field(default="request", description="'request', 'step N', or 'agent'.")


class ClaudeProcedure(BaseModel):
    title: str = Field(description="Imperative title with {placeholders}, e.g. 'Cancel reservation {reservation_id}'.")
    when_to_use: str = Field(description="One sentence: when an agent should use this.")
    request: str = Field(description="The user's request this came from, generalized with {placeholders}.")
    parameters: list[ClaudeParameter] = Field(default_factory=list)
    steps: list[ClaudeStep] = Field(min_length=2, description="Numbered steps in order; at least two.")
    pitfalls: list[str] = Field(default_factory=list, description="Lessons from failed attempts, generalized.")


class ClaudeSkip(BaseModel):
    request: str = Field(description="The skipped request, generalized.")
    reason: str = Field(description="Why no procedure: not executed, trivial, failed, ...")
    lesson: str | None = Field(default=None, description="A generalized lesson from the failure, if any.")


class ClaudeOutput(BaseModel):
    procedures: list[ClaudeProcedure] = Field(default_factory=list)
    skipped: list[ClaudeSkip] = Field(default_factory=list)


def client_from_key(api_key: str, *, max_retries: int = 4, timeout: float = 120.0) -> anthropic.Anthropic:
    import anthropic

    return anthropic.Anthropic(api_key=api_key, max_retries=max_retries, timeout=timeout)


class ClaudeExtractor:
    name = "claude"
    # Each trace is a model request of several seconds: small batches store what is learned sooner.
    batch_size = 4

    def __init__(self, client: anthropic.Anthropic, *, model: str, fallback: Extractor) -> None:
        self.client = client
        self.model = model
        self.fallback = fallback

    def extract(self, trace: Trace, outcome: Outcome | None = None) -> Extraction:
        try:
            output = self._ask(trace, outcome)
        except _InvalidAnswer as exc:
            return self._fall_back(trace, outcome, str(exc))
        problem = self._problem(output, trace)
        if problem:
            return self._fall_back(trace, outcome, problem)
        return self._extraction(output, trace, outcome)

    def _ask(self, trace: Trace, outcome: Outcome | None) -> ClaudeOutput:
        import anthropic

        try:
            response = self.client.messages.create(
                model=self.model,
                max_tokens=MAX_OUTPUT_TOKENS,
                system=SYSTEM_PROMPT,
                messages=[{"role": "user", "content": compact_trace(trace, outcome)}],
                tools=[
                    {
                        "name": TOOL_NAME,
                        "description": "Save the procedures extracted from the trace, and the tasks skipped.",
                        "input_schema": ClaudeOutput.model_json_schema(),
                    }
                ],
                tool_choice={"type": "tool", "name": TOOL_NAME},
            )
        except (
            anthropic.RateLimitError,
            anthropic.InternalServerError,
            anthropic.APITimeoutError,
            anthropic.APIConnectionError,
        ) as exc:
            raise ExtractionDeferred(
                f"Claude is unavailable ({type(exc).__name__}); the trace will be retried"
            ) from exc
        except anthropic.APIStatusError as exc:
            raise _InvalidAnswer(f"Claude refused the request ({exc.status_code}: {exc.message})") from exc
        block = next((b for b in response.content if b.type == "tool_use" and b.name == TOOL_NAME), None)
        if block is None:
            raise _InvalidAnswer(f"Claude did not call {TOOL_NAME} (stop reason {response.stop_reason})")
        try:
            return ClaudeOutput.model_validate(block.input)
        except ValidationError as exc:
            raise _InvalidAnswer(f"Claude's answer did not match the schema ({exc.error_count()} errors)") from exc

    def _problem(self, output: ClaudeOutput, trace: Trace) -> str | None:
        tools = {call.tool for call in trace.tool_calls if call.status == "ok"}
        literals = _trace_literals(trace)
        for procedure in output.procedures:
            unknown = {s.tool for s in procedure.steps if s.tool and s.tool not in tools}
            if unknown:
                return f"Claude named tools that never succeeded in the trace: {', '.join(sorted(unknown))}"
            leaked = leaks(_draft(procedure), literals)
            if leaked:
                return f"Claude's procedure {procedure.title!r} kept {len(leaked)} literal value(s) from the trace"
        return None

    def _extraction(self, output: ClaudeOutput, trace: Trace, outcome: Outcome | None = None) -> Extraction:
        literals = _trace_literals(trace)
        drafts = [without_leaks(_draft(p, index), literals) for index, p in enumerate(output.procedures)]
        skipped = [
            Skipped(task_index=i, reason=s.reason, request=s.request, lesson=s.lesson)
            for i, s in enumerate(output.skipped)
        ]
        kept = []
        obeyed = obeyed_in(trace)
        for draft in drafts:
            # The same evidence and injection rules as the offline extractor, whatever Claude concluded.
            used = [c for c in trace.tool_calls if c.tool in draft.tools]
            failed = failure_shown(trace, outcome, draft.tools) or obeyed_reason(used, obeyed)
            if failed is None:
                kept.append(_without_instructions(draft))
            else:
                skipped.append(Skipped(task_index=draft.task_index, reason=failed, request=draft.goal))
        return Extraction(drafts=kept, skipped=skipped, extractor=self.name)

    def _fall_back(self, trace: Trace, outcome: Outcome | None, why: str) -> Extraction:
        log.warning("falling back to the offline extractor: %s", why)
        extraction = self.fallback.extract(trace, outcome)
        extraction.notes.append(f"{why}; used the offline extractor instead")
        extraction.extractor = f"{self.fallback.name} (fallback from claude)"
        return extraction


def _draft(procedure: ClaudeProcedure, index: int = 0) -> Draft:
    steps = [Step(**step.model_dump()) for step in procedure.steps]
    draft = Draft(
        title=procedure.title.strip(),
        when_to_use=procedure.when_to_use.strip(),
        steps=steps,
        pitfalls=[p.strip() for p in procedure.pitfalls if p.strip()],
        requests=[procedure.request.strip()] if procedure.request.strip() else [],
        task_index=index,
        goal=procedure.request.strip(),
    )
    declared = [Parameter(**p.model_dump()) for p in procedure.parameters]
    draft.parameters = used_parameters(draft, declared)
    return draft


def _without_instructions(draft: Draft) -> Draft:
    """Pitfalls and decision points are Claude's words, but may repeat a tool result's: none may instruct."""
    draft.pitfalls = [p for p in draft.pitfalls if not looks_like_instruction(p)]
    for step in draft.steps:
        if step.decision and looks_like_instruction(step.decision):
            step.decision = None
    return draft


def _trace_literals(trace: Trace) -> set[str]:
    return trace_literals(trace, known_names(trace))
