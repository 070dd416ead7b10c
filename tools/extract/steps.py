"""From a task's tool calls to generalized, numbered steps, decision points and pitfalls.

Failed calls never become steps. A failure followed by a different tool that
worked becomes a decision point on that step; a failure the agent fixed by
retrying the same tool becomes a pitfall. Exact retries collapse, and
consecutive calls of one tool on different values become one repeated step.

Error text is data from a tool, not ours to repeat: a decision or pitfall quotes only the error's
kind (its first clause, generalized and clipped, ``injection.error_kind``), and nothing of an error
that reads as instructions. Each step records the call it came from (``Step.sources``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from deftly.tools.extract.injection import error_kind
from deftly.tools.extract.tools_kind import is_scratchpad, words
from deftly.tools.generalize import ValueBinder, canonical_json, command_head
from deftly.tools.generalize.binder import NAMING_LABELS, snake_name
from deftly.tools.generalize.commands import command_options
from deftly.tools.generalize.provenance import REQUEST
from deftly.tools.models import Step
from deftly.tools.trace import ToolCall
from deftly.tools.values import COMMAND_KEYS, redact_patterns, replace_values


@dataclass
class StepPlan:
    steps: list[Step] = field(default_factory=list)
    pitfalls: list[str] = field(default_factory=list)
    failed_calls: int = 0
    first_arguments: dict[int, dict[str, Any]] = field(default_factory=dict)  # step index -> raw arguments


@dataclass
class _Failure:
    tool: str
    error: str | None  # the error's kind, None when none of its text may be kept


def plan_steps(calls: list[ToolCall], binder: ValueBinder) -> StepPlan:
    plan = StepPlan()
    pending: list[_Failure] = []
    last_key: tuple[str, str] | None = None
    last_success = {call.tool: index for index, call in enumerate(calls) if call.status == "ok"}
    for index, call in enumerate(calls):
        if is_scratchpad(call.tool) or call.status == "unfinished":
            continue
        if call.status == "failed":
            plan.failed_calls += 1
            pending.append(_Failure(call.tool, _error_text(call)))
            continue
        key = (call.tool, canonical_json(call.arguments))
        if key == last_key:
            continue  # an exact retry of the step just taken
        last_key = key
        succeeds_later = {t for t, last in last_success.items() if last >= index}
        decision = _resolve_failures(pending, call.tool, succeeds_later, binder, plan)
        pending = []
        if plan.steps and not decision:
            previous, previous_arguments = plan.steps[-1], plan.first_arguments[len(plan.steps) - 1]
            if _same_step(previous, call, previous_arguments):
                _repeat(previous, call, previous_arguments, binder, len(plan.steps))
                continue
        plan.first_arguments[len(plan.steps)] = call.arguments
        arguments = binder.generalize(call.tool, call.arguments)
        step = Step(
            action=asked_of_user(describe(call.tool)) if call.by_user else describe(call.tool),
            tool=call.tool,
            arguments=arguments,
            decision=decision,
            sources=[call.call_id],
        )
        plan.steps.append(step)
        binder.add_result(len(plan.steps), call.result.content if call.result else "")
    for failure in pending:
        plan.pitfalls.append(_pitfall(failure, binder))
    _with_later_values(plan.steps, binder)
    _link_outputs(plan.steps, binder)
    return plan


_LABEL_VALUE = re.compile(r"(?<![\w.{/-])(?P<key>[A-Za-z_][\w./-]*)=(?P<value>[A-Za-z][\w-]*)(?![\w.=}-])")
_JOINED_NAME = re.compile(r"(?=[^A-Za-z]*[A-Za-z])[A-Za-z0-9]+(?:[-_./][A-Za-z0-9]+)+")


def _with_later_values(steps: list[Step], binder: ValueBinder) -> None:
    """A command line's values a later command showed to be the run's: ``kubectl get pods -l app=ingest-worker``
    before ``kubectl rollout restart deployment/ingest-worker`` named the deployment. Only a joined name is that
    one thing wherever it stands; a plain word ("worker") may be a tier or a container of the same name."""
    values = {value: name for value, name in binder.table.value_map().items() if _JOINED_NAME.fullmatch(value)}
    # A plain word the user named is that thing where a label names it ("-l app=checkout" for "restart the
    # checkout pods", "alertname=HighErrorRate" once {alertname} is bound); not wherever it stands ("git
    # checkout"), nor as another label's value ("tier=checkout").
    asked = {b.value.lower(): b.name for b in binder.table.by_value.values() if b.source == REQUEST}

    def labelled(match: re.Match[str]) -> str:
        name = asked.get(match.group("value").lower())
        label = re.split(r"[./]", match.group("key"))[-1].lower()
        naming = snake_name(label) in NAMING_LABELS or (name is not None and snake_name(label) == name)
        return f"{match.group('key')}={{{name}}}" if name and naming else match.group(0)

    def later(value: Any, command: bool) -> Any:
        if isinstance(value, str):
            return _LABEL_VALUE.sub(labelled, replace_values(value, values) if command else value)
        if isinstance(value, list):
            return [later(item, command) for item in value]
        if isinstance(value, dict):
            return {key: later(item, command) for key, item in value.items()}
        return value

    for step in steps:
        for key, value in step.arguments.items():
            step.arguments[key] = later(value, key.lower() in COMMAND_KEYS)


def _same_step(previous: Step, call: ToolCall, previous_arguments: dict[str, Any]) -> bool:
    """One tool called again is the same step repeated, unless it runs a different command (git log, git tag)."""
    return (
        previous.tool == call.tool
        and command_head(previous_arguments) == command_head(call.arguments)
        and command_options(previous_arguments) == command_options(call.arguments)
    )


def _resolve_failures(
    pending: list[_Failure], tool: str, succeeds_later: set[str], binder: ValueBinder, plan: StepPlan
) -> str | None:
    """A failure whose tool later worked is a pitfall (fixed and retried); else the next tool is the way around."""
    decision = None
    for failure in pending:
        if failure.tool in succeeds_later:
            plan.pitfalls.append(_pitfall(failure, binder))
        elif decision is None:
            decision = f"If `{failure.tool}` fails{_with_error(failure, binder)}, call `{tool}` instead."
        else:
            plan.pitfalls.append(_pitfall(failure, binder))
    return decision


def _repeat(step: Step, call: ToolCall, first: dict[str, Any], binder: ValueBinder, step_number: int) -> None:
    """Another iteration of the same step on different values: say which values it loops over."""
    binder.alias(call.arguments, step.arguments)
    binder.add_result(step_number, call.result.content if call.result else "")
    varied = [k for k in step.arguments if first.get(k) != call.arguments.get(k)]
    loop = [v for k in varied if isinstance(v := step.arguments[k], str) and v.startswith("{")]
    target = f" for each {', '.join(loop[:2])}" if loop else ""
    if step.decision is None or step.decision.startswith("Repeat"):
        step.decision = f"Repeat{target} as needed."


def _pitfall(failure: _Failure, binder: ValueBinder) -> str:
    return f"`{failure.tool}` can fail{_with_error(failure, binder)}; check its arguments first."


def _with_error(failure: _Failure, binder: ValueBinder) -> str:
    return f' with "{generalize_text(failure.error, binder)}"' if failure.error else ""


def _error_text(call: ToolCall) -> str | None:
    error = (call.result.error if call.result and call.result.error else "") or ""
    error = error.strip().removeprefix("Error:").strip()
    return error_kind(error) if error else None


def generalize_text(text: str, binder: ValueBinder) -> str:
    """Known values become their placeholders; other instance-shaped values become typed ones."""
    return redact_patterns(replace_values(text, binder.value_map()))


def _link_outputs(steps: list[Step], binder: ValueBinder) -> None:
    for parameter in binder.parameters():
        if parameter.source.startswith("step "):
            number = int(parameter.source.split()[1])
            if 1 <= number <= len(steps) and parameter.name not in steps[number - 1].produces:
                steps[number - 1].produces.append(parameter.name)


def describe(tool: str) -> str:
    """An imperative description from the tool's name: ``get_reservation_details`` -> "Get reservation details"."""
    tokens = words(tool)
    if not tokens:
        return f"Call {tool}"
    return " ".join(tokens).capitalize()


def asked_of_user(action: str) -> str:
    """A step the user takes with their own tools, as the agent has it done: "Ask the user to toggle airplane
    mode". The agent cannot call the user's tool itself."""
    return f"Ask the user to {action[:1].lower()}{action[1:]}"


def signature(steps: list[Step]) -> str:
    """The generalized tool sequence used to recognise the same procedure again."""
    return " > ".join(step.tool or step.action for step in steps)
