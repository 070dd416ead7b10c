"""A procedure as an Agent Skill (agentskills.io): ``SKILL.md`` with YAML front matter and a Markdown body.

The body is written for an agent to follow and, with its labelled step lines, for
``skill_parse`` to read back without loss: tool names and arguments are exact JSON,
not the abbreviated rendering ``find_procedure`` returns.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from typing import Any

import yaml

from deftly.tools.models import Procedure, Stats, Step

MAX_NAME_CHARS = 64
MAX_DESCRIPTION_CHARS = 1024
FALLBACK_NAME = "procedure"
STEPS_HEADING = "## Steps"
INPUTS_HEADING = "## Inputs"
PITFALLS_HEADING = "## Pitfalls"
EXAMPLES_HEADING = "## Example requests"
_PLACEHOLDER = re.compile(r"\{[^{}\s]*\}")
# A safe loader: libyaml's when PyYAML was built with it, in a tenth of the pure-Python one's time.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def skill_name(title: str) -> str:
    """A valid skill name from a title: lowercase ASCII letters, digits and single hyphens, ≤ 64 chars."""
    ascii_title = unicodedata.normalize("NFKD", _PLACEHOLDER.sub(" ", title)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    if len(slug) > MAX_NAME_CHARS:
        whole_words = slug[: MAX_NAME_CHARS + 1].rsplit("-", 1)[0]
        slug = whole_words if "-" in slug[: MAX_NAME_CHARS + 1] else slug[:MAX_NAME_CHARS]
    return slug.strip("-") or FALLBACK_NAME


def stable_skill_name(key: str) -> str:
    """A valid skill name that only ``key`` (a procedure id) maps to: the key itself when it is already a
    valid name, else its slug with a short hash of the key, so two keys never share a name."""
    name = skill_name(key)
    if name == key:
        return name
    suffix = "-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:6]
    return name[: MAX_NAME_CHARS - len(suffix)].rstrip("-") + suffix


def describe(procedure: Procedure, stats: Stats | None) -> str:
    """What the skill does and when to use it, with its record, in at most 1024 characters."""
    parts = [_sentence(procedure.title)]
    if procedure.when_to_use:
        parts.append(_sentence(f"Use when: {procedure.when_to_use}"))
    if stats is not None:
        parts.append(_record(stats))
    text = " ".join(" ".join(parts).split())
    return text if len(text) <= MAX_DESCRIPTION_CHARS else text[: MAX_DESCRIPTION_CHARS - 1] + "…"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _record(stats: Stats) -> str:
    learned = f"Learned by deftly from {stats.evidence} session(s)"
    rated = stats.successes + stats.failures
    if not rated:
        return learned + "; not rated yet."
    return f"{learned}; {stats.successes} of {rated} rated run(s) succeeded."


def render_skill(procedure: Procedure, name: str, stats: Stats | None = None) -> str:
    """The whole SKILL.md: front matter, then the procedure in Markdown."""
    return front_matter(procedure, name, stats) + "\n" + render_body(procedure) + "\n"


def front_matter(procedure: Procedure, name: str, stats: Stats | None) -> str:
    metadata = {
        "deftly-id": procedure.id,
        "deftly-version": str(procedure.version),
        "parameters": ", ".join(p.name for p in procedure.parameters),
        "tools": ", ".join(procedure.tools),
    }
    if stats is not None:
        metadata |= {
            "evidence": str(stats.evidence),
            "successes": str(stats.successes),
            "failures": str(stats.failures),
            "success-rate": f"{stats.success_rate:.2f}",
        }
    if procedure.tags:
        metadata["tags"] = ", ".join(procedure.tags)
    if procedure.metadata:
        metadata["deftly-metadata"] = json.dumps(procedure.metadata, ensure_ascii=False, sort_keys=True)
    lines = ["---", f"name: {_yaml_str(name)}", f"description: {_yaml_str(describe(procedure, stats))}", "metadata:"]
    lines += [f"  {key}: {_yaml_str(value)}" for key, value in metadata.items()]
    return "\n".join([*lines, "---"])


def front_matter_fields(skill_text: str) -> dict[str, Any]:
    """The front matter of a SKILL.md ``render_skill`` wrote, as the mapping a YAML reader gets from it."""
    head = skill_text.split("\n---", 1)[0].removeprefix("---\n")
    fields: dict[str, Any] = yaml.load(head, Loader=_YAML_LOADER)
    return fields


def _yaml_str(value: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar once characters YAML refuses are dropped.
    # "---" would end the front matter for readers that split on it, so it is broken up.
    printable = "".join(char for char in " ".join(value.split()) if char.isprintable())
    return json.dumps(printable.replace("---", "- - -"), ensure_ascii=False)


def render_body(procedure: Procedure) -> str:
    lines = [f"# {_one_line(procedure.title)}", ""]
    if procedure.when_to_use:
        lines += [f"Use when: {_one_line(procedure.when_to_use)}", ""]
    if procedure.parameters:
        lines += [INPUTS_HEADING, ""]
        lines += [_parameter_line(p.name, p.kind, p.source, p.description, p.example) for p in procedure.parameters]
        lines.append("")
    lines += [STEPS_HEADING, ""]
    for number, step in enumerate(procedure.steps, start=1):
        lines += _step_lines(number, step)
    lines.append("")
    if procedure.pitfalls:
        lines += [PITFALLS_HEADING, "", *(f"- {_one_line(p)}" for p in procedure.pitfalls), ""]
    if procedure.examples:
        lines += [EXAMPLES_HEADING, "", *(f"- {_one_line(e)}" for e in procedure.examples), ""]
    lines.append(
        f"When deftly is connected, report how it went with `rate_procedure` (id `{procedure.id}`), "
        "success or failure, so the best procedures rank first."
    )
    return "\n".join(lines)


def _parameter_line(name: str, kind: str, source: str, description: str, example: str) -> str:
    origin = f", from {source}" if source and source != "request" else ""
    line = f"- `{{{name}}}` ({_one_line(kind)}{origin})"
    if description:
        line += f": {_one_line(description)}"
    if example:
        line += f" Example: {code_span(example)}."
    return line


def _step_lines(number: int, step: Step) -> list[str]:
    action = _one_line(step.action) or (f"Call {step.tool}" if step.tool else "Continue")
    lines = [f"{number}. {'(Optional) ' if step.optional else ''}{action}"]
    if step.tool:
        lines.append(f"   - Tool: {code_span(step.tool)}")
    if step.arguments:
        lines.append(f"   - Arguments: {code_span(_json(step.arguments))}")
    if step.produces:
        lines.append("   - Produces: " + ", ".join(code_span("{" + name + "}") for name in step.produces))
    if step.decision:
        lines.append(f"   - Decision: {_one_line(step.decision)}")
    return lines


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def code_span(text: str) -> str:
    """``text`` as an inline code span, fenced with more backticks than it contains in a row."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    padded = f" {text} " if longest or text.startswith(" ") or text.endswith(" ") else text
    return f"{fence}{padded}{fence}"


def _one_line(text: str) -> str:
    return " ".join(text.split())
