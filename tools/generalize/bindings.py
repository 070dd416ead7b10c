"""The placeholders of one task so far: which instance value each stands for, and its kind and source."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from deftly.tools.models import Parameter
from deftly.tools.values import PLACEHOLDER, example_for

READABLE_KINDS = frozenset({"text", "option"})


@dataclass
class Binding:
    name: str
    value: str
    kind: str
    source: str

    @property
    def description(self) -> str:
        where = {
            "request": "from the user's request",
            "agent": "chosen or written by the agent",
            "workspace": "of the project the agent works in",
        }.get(self.source, f"from the result of {self.source}")
        return f"{self.kind.capitalize()} {where}."

    def parameter(self) -> Parameter:
        return Parameter(
            name=self.name,
            description=self.description,
            kind=self.kind,
            example=example_for(self.kind, self.value),
            source=self.source,
        )


@dataclass
class BindingTable:
    """Instance values (case-insensitive) and the placeholder each was given; names are unique."""

    by_value: dict[str, Binding] = field(default_factory=dict)

    def get(self, value: str) -> Binding | None:
        return self.by_value.get(value.lower())

    def bind(self, base: str, value: str, kind: str, source: str) -> str:
        """A new placeholder for ``value``, named ``base`` or ``base_2``, ``base_3``, ... when taken."""
        name = self.unique(base)
        self.by_value[value.lower()] = Binding(name=name, value=value, kind=kind, source=source)
        return "{" + name + "}"

    def unique(self, base: str) -> str:
        taken = {b.name for b in self.by_value.values()}
        name, suffix = base, 2
        while name in taken:
            name, suffix = f"{base}_{suffix}", suffix + 1
        return name

    def alias(self, value: Any, placeholder: Any) -> None:
        """Bind ``value`` to an existing ``{name}`` (another iteration of a repeated step)."""
        if isinstance(value, dict) and isinstance(placeholder, dict):
            for key, inner in value.items():
                if key in placeholder:
                    self.alias(inner, placeholder[key])
            return
        if isinstance(value, list) and isinstance(placeholder, list) and len(value) == len(placeholder):
            for inner, template in zip(value, placeholder, strict=True):
                self.alias(inner, template)
            return
        if isinstance(value, bool) or not isinstance(value, str | int | float) or not isinstance(placeholder, str):
            return
        if isinstance(value, str) and not PLACEHOLDER.fullmatch(placeholder):
            self._alias_inside(value.strip(), placeholder)
            return
        if PLACEHOLDER.fullmatch(placeholder):
            self._alias_value(value.strip() if isinstance(value, str) else number_text(value), placeholder[1:-1])

    def _alias_value(self, text: str, name: str) -> None:
        original = next((b for b in self.by_value.values() if b.name == name), None)
        if original is not None and text.lower() not in self.by_value:
            self.by_value[text.lower()] = Binding(name, text, original.kind, original.source)

    def _alias_inside(self, value: str, template: str) -> None:
        """``rm out-2.log`` against ``rm {file_name}``: out-2.log is another {file_name}."""
        parts = PLACEHOLDER.split(template)
        if len(parts) < 3:
            return
        pattern = "".join(re.escape(part) if i % 2 == 0 else "(.+?)" for i, part in enumerate(parts))
        match = re.fullmatch(pattern, value, re.DOTALL)
        if match:
            for inner, name in zip(match.groups(), parts[1::2], strict=True):
                self.alias(inner, "{" + name + "}")

    def parameters(self) -> list[Parameter]:
        """One parameter per placeholder name (aliases of a repeated step share one)."""
        seen: dict[str, Parameter] = {}
        for binding in self.by_value.values():
            seen.setdefault(binding.name, binding.parameter())
        return list(seen.values())

    def value_map(self, readable_too: bool = False) -> dict[str, str]:
        """Instance values to replace in natural-language text (titles, requests, lessons).

        Free text and options ("quarterly report", "business") say what the task is about and are
        not identifying, so they stay readable there; arguments always use the placeholder.
        """
        return {b.value: b.name for b in self.by_value.values() if readable_too or b.kind not in READABLE_KINDS}


def number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
