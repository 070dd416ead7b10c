"""``ValueBinder``: walks one task's call arguments, step by step, and gives instance values placeholders."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from deftly.tools.extract.tools_kind import words
from deftly.tools.extract.vocabulary import is_operation_word
from deftly.tools.generalize.bindings import BindingTable, number_text
from deftly.tools.generalize.commands import CommandGeneralizer
from deftly.tools.generalize.provenance import AGENT, REQUEST, ValueSources, dictated, written_as_name
from deftly.tools.generalize.returned_spans import returned_spans
from deftly.tools.models import Parameter
from deftly.tools.values import COMMAND_KEYS, ID_TOKEN, is_written_query, kind_of

_GENERIC_KEYS = {"id", "name", "value", "input", "data", "arg", "args", "key", "item"}
_OPTION_KEYS = re.compile(r"^(?:limit|max\w*|min\w*|top_?k|page|per_page|offset|timeout|retries|depth|n|k|size)$")
# A name made of three or more joined words (fix-login-redirect, q4_budget_v2) names one thing, unlike an
# option ("economy", "read-only").
_SLUG = re.compile(r"[a-z0-9]+(?:[-_/][a-z0-9]+){2,}", re.IGNORECASE)
_MAX_NAME_WORDS = 8
# A qualified name (``analytics.fct_orders``, ``acme-dw.events.app_sessions``): a table, a topic, a resource.
_QUALIFIED = re.compile(r"[a-z0-9][\w-]*(?:\.[a-z0-9][\w-]*)+", re.IGNORECASE)
# A part that is an identifier, not a word: "app_sessions", "acme-dw", "q3_2024" (not "payments", not "115")
_IDENTIFIER = re.compile(r"(?=[\w-]*[a-z])(?=[\w-]*[_\-0-9])[a-z0-9][\w-]{2,}", re.IGNORECASE)
# Search syntax: field operators (from:, label:, is:open), comparisons, boolean operators.
# What a message, a note or a comment is passed as: text a user may dictate for a tool to carry.
_CARRIED = re.compile(r"(?:^|_)(?:text|body|message|comment|note|notes|content|reply|statement)(?:_\d+)?$")
_AMOUNT_KEYS = re.compile(r"amount|price|cost|total|fee|balance|quantity|qty|count|number|baggages?|bags?|seats?")


@dataclass
class ValueBinder:
    """Assigns placeholders to the argument values of one task, step by step."""

    request: str
    cwd: str | None = None
    table: BindingTable = field(default_factory=BindingTable)

    def __post_init__(self) -> None:
        self.sources = ValueSources(self.request)
        self._results: list[tuple[str, str]] = []  # each result, and lower-cased
        self._widened = (-1, -1)
        self.commands = CommandGeneralizer(self.table, self.sources, self.cwd)

    def add_result(self, step_number: int, content: str) -> None:
        self.sources.add_result(step_number, content)

    def generalize(self, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
        return {key: self._value(tool, key, value) for key, value in arguments.items()}

    def alias(self, value: Any, placeholder: Any) -> None:
        self.table.alias(value, placeholder)

    def parameters(self) -> list[Parameter]:
        return self.table.parameters()

    def value_map(self, readable_too: bool = False) -> dict[str, str]:
        """Instance values -> placeholder names; options and free text only with ``readable_too``, or when the
        user wrote them as a proper name ("Washington DC", "Fleece Jacket"): a place or a product identifies
        the instance as much as an id does, unlike "business" or "high"; or dictated them (a message to post)."""
        self._widen_to_returned()
        values = self.table.value_map(readable_too=True)
        if readable_too:
            return values
        instance = self.table.value_map()
        named = {
            v: n
            for v, n in values.items()
            if written_as_name(v, self.request) or (carried(n) and dictated(v, self.request))
        }
        return {**named, **instance}

    def _widen_to_returned(self) -> None:
        """Each value the user named stands for the longer one a tool returned around it, as the user wrote it
        (once for each new value or result: ``value_map`` is asked several times per task)."""
        state = (len(self.table.by_value), len(self.sources.results))
        if state == self._widened:
            return
        self._results += [(c, c.lower()) for _, c in self.sources.results[len(self._results) :]]
        for binding in list(self.table.by_value.values()):
            if binding.source == REQUEST:
                for span in returned_spans(binding.value, self.request, self._results):
                    self.table.alias(span, "{" + binding.name + "}")
        self._widened = (len(self.table.by_value), len(self.sources.results))

    def _value(self, tool: str, key: str, value: Any) -> Any:
        if isinstance(value, str) and is_written_query(key, value):
            return self.commands.query(value)  # "from:{email} offsite": the query's syntax is the know-how
        if key.lower() in COMMAND_KEYS:
            if isinstance(value, str) and not value.strip().isdigit():  # "code": "306842" is a code the user read out
                return self.commands.command(value)
            if isinstance(value, list) and all(isinstance(item, str) for item in value):
                return [self.commands.command(item) for item in value]
        if isinstance(value, dict):
            pair = name_value_pair(value)
            if pair is not None:
                return self._pair(tool, value, *pair)
            return {self._key(tool, key, str(k)): self._value(tool, str(k), v) for k, v in value.items()}
        if isinstance(value, list):
            return self._list(tool, key, value)
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, int | float):
            return self._number(tool, key, value)
        if isinstance(value, str):
            return self._string(tool, key, value)
        return value

    def _key(self, tool: str, parent: str, key: str) -> str:
        """An object keyed by a record's id (``"components": {"tfbpsdomcbb6": "degraded"}``) names the record
        in its key: the key is the run's value, like any id."""
        known = self.table.get(key)
        if known:
            return "{" + known.name + "}"
        source = self.sources.source_of(key)
        id_shaped = "_" not in key and ID_TOKEN.fullmatch(key) is not None and source != AGENT
        if not id_shaped and not (key.isalnum() and self._returned(key)):
            return key
        return self.table.bind(f"{_singular(parent)}_id" if parent else "id", key, "id", source)

    def _returned(self, value: str) -> bool:
        """A tool gave ``value`` as a value (``"id": "khlvloulessv"``), not only as a key of its own."""
        return any(f'": "{value}"' in content for _, content in self.sources.results)

    def _pair(self, tool: str, pair: dict[str, Any], name_key: str, value_key: str) -> dict[str, Any]:
        """``{"name": "service", "value": "edge-proxy"}``: the name is the how (a label, a tag, a field), and the
        value is named by it: ``{"name": "service", "value": "{service}"}``."""
        named = snake_name(str(pair[name_key])) or value_key
        generalized: dict[str, Any] = {}
        for key, value in pair.items():
            if key == name_key:
                generalized[key] = value
            elif key == value_key:
                generalized[key] = self._pair_value(tool, named, value)
            else:
                generalized[key] = self._value(tool, key, value)
        return generalized

    def _pair_value(self, tool: str, named: str, value: Any) -> Any:
        """The pair's value, its placeholder named by the pair's name; its kind read as a value's (a label
        "instance-state-name" does not make "running" a person's name). A value a naming label holds
        ("service": "edge-proxy") is the name of one thing, like an id."""
        if isinstance(value, list):
            return [self._pair_value(tool, named, item) for item in value]
        if not isinstance(value, str):
            return self._value(tool, "value", value)
        text = value.strip()
        if named in NAMING_LABELS and text and not self.table.get(text) and kind_of(text, "value") is None:
            source = self.sources.source_of(text)
            return value if source == AGENT else self.table.bind(named, text, "id", source)
        return self._string(tool, "value", value, name=named)

    def _list(self, tool: str, key: str, items: list[Any]) -> list[Any]:
        item_key = _singular(key)
        same_shape = len(items) > 1 and all(isinstance(i, dict) for i in items)
        if same_shape and all(name_value_pair(i) for i in items):
            return [self._value(tool, item_key, item) for item in items]  # each pair names a different thing
        if same_shape and len({tuple(sorted(i)) for i in items}) == 1:
            template = self._value(tool, item_key, items[0])
            for item in items[1:]:
                self.alias(item, template)
            return [template, "…"]
        if self._options_chosen_together(items, item_key):
            return [
                item if kind_of(item.strip(), item_key) is None else self._value(tool, item_key, item) for item in items
            ]
        return [self._value(tool, item_key, item) for item in items]

    def _options_chosen_together(self, items: list[Any], key: str) -> bool:
        """ "status": ["new", "open", "pending"]: a set of options the agent picked, one of which the user's
        "keeps opening new tickets" happens to say, is the agent's choice, every word of it."""
        chosen = [i.strip() for i in items if isinstance(i, str) and kind_of(i.strip(), key) is None]
        given = sum(self.sources.source_of(option) == REQUEST for option in chosen)
        return len(chosen) >= 2 and given < len(chosen) - given  # most of them the agent's

    def _number(self, tool: str, key: str, value: float) -> Any:
        if _OPTION_KEYS.match(key.lower()):
            return value
        text = number_text(value)
        known = self.table.get(text)
        if known:
            return "{" + known.name + "}"
        source = self.sources.source_of(text)
        is_amount = bool(_AMOUNT_KEYS.search(key.lower()))
        if source == AGENT and not is_amount:
            return value
        return self.table.bind(_name_for(tool, key), text, "amount" if is_amount else "number", source)

    def _string(self, tool: str, key: str, value: str, name: str | None = None) -> Any:
        text = value.strip()
        known = self.table.get(text)
        if known:
            return "{" + known.name + "}"
        if self.commands.in_project(text):
            return self.commands.project_paths(text)
        kind = kind_of(text, key)
        source = self.sources.source_of(text)
        if kind is None and source != REQUEST and _QUALIFIED.fullmatch(text):
            return self._segments(tool, key, text)  # "acme-dw.events.app_sessions" built from what was said
        if kind is None:
            if source != REQUEST or len(text) < 3 or is_operation_word(text):
                return value  # "decision": "approve" is what was done, even when the user said "approve"
            # A proper name the user wrote ("Springfield") is free text: its example must not show it.
            kind = "id" if _named_thing(text) else "text" if written_as_name(text, self.request) else "option"
        placeholder = self.table.bind(name or self._named_by_result(tool, key, text), text, kind, source)
        if source != REQUEST and (named := self._name_written(text)):
            self.table.alias(named, placeholder)  # the user's "Halcyon Robotics" for the agent's "…, Inc."
        return placeholder

    def _named_by_result(self, tool: str, key: str, text: str) -> str:
        """A value passed as a bare ``id`` is named as the result that gave it named it: ``get_details_by_id(id=…)``
        of a customer's ``line_ids`` takes a {line_id}."""
        named = _name_for(tool, key)
        if snake_name(key) not in _GENERIC_KEYS:
            return named
        given = self.sources.key_holding(text)
        given_name = _singular(snake_name(given)) if given else ""
        return given_name if given_name and given_name not in _GENERIC_KEYS else named

    def _name_written(self, text: str) -> str | None:
        """The longest first words of ``text`` the user wrote as a name (capitalized, two words or more), when
        the agent added to them."""
        words_ = text.split()
        if len(words_) > _MAX_NAME_WORDS:  # a message the agent wrote is no name
            return None
        for count in range(len(words_) - 1, 1, -1):
            head = " ".join(words_[:count]).rstrip(",;:")
            if written_as_name(head, self.request) and not self.table.get(head):
                return head
        return None

    def _segments(self, tool: str, key: str, text: str) -> str:
        """A qualified name the agent put together from what the user said ("the app_sessions table, the one in
        events"): each part the user named as an identifier ("app_sessions", not the words of
        "payments.request.timeout"), or a value bound before, is its placeholder; the rest stays."""
        parts = text.split(".")
        out: list[str] = []
        for n, part in enumerate(parts):
            known = self.table.get(part) if len(part) >= 3 else None
            if known:
                out.append("{" + known.name + "}")
            elif _IDENTIFIER.fullmatch(part) and self.sources.source_of(part) == REQUEST:
                base = _name_for(tool, key) if n == len(parts) - 1 else f"{snake_name(key) or 'value'}_part"
                out.append(self.table.bind(base, part, "id", REQUEST))
            else:
                out.append(part)
        return ".".join(out)


def _named_thing(text: str) -> bool:
    """A slug or a qualified name names one thing ("fix-login-redirect", "analytics.fct_orders"), unlike an
    option ("economy", "read-only")."""
    return bool(_SLUG.fullmatch(text)) or (bool(_QUALIFIED.fullmatch(text)) and any(c in text for c in "_-"))


def carried(name: str) -> bool:
    """A placeholder for text a tool carries (a message, a note, a comment), which a user may dictate."""
    return _CARRIED.search(name) is not None


# Labels whose value is the name of the thing they select (Kubernetes' conventions: app, app.kubernetes.io/name).
NAMING_LABELS = frozenset({"app", "name", "service", "component", "deployment", "release", "k8s_app", "instance"})
# A name/value pair: an Alertmanager matcher, an AWS tag ({"Key": "env", "Value": "prod"}), a header, a filter.
_PAIR_NAMES = frozenset({"name", "key", "field", "label", "tag", "attribute", "header", "property", "parameter"})


def name_value_pair(value: dict[Any, Any]) -> tuple[str, str] | None:
    """The keys of the name and of the value when ``value`` is a name/value pair, else None."""
    keys = {str(k).lower(): str(k) for k in value}
    name_key = next((keys[k] for k in keys if k in _PAIR_NAMES and isinstance(value[keys[k]], str)), None)
    value_key = keys.get("value", keys.get("values"))
    if name_key is None or value_key is None or not re.fullmatch(r"[\w.:/-]{1,64}", value[name_key]):
        return None
    record = {"type", "ttl"} & set(keys)  # a DNS record: {"name": "shop.acme.com", "type": "A", "value": ...}
    if isinstance(value[value_key], bool) or (record and _HOST.fullmatch(value[name_key])):
        return None  # {"key": "new-checkout-flow", "value": true}, a DNS record's name: the name is the thing
    return name_key, value_key


_HOST = re.compile(r"(?:[\w-]+\.)+[a-z]{2,}", re.IGNORECASE)


def _name_for(tool: str, key: str) -> str:
    base = snake_name(key) or "value"
    if base in _GENERIC_KEYS:
        noun = [w for w in words(tool)[1:] if w not in _NOT_THE_THING and w != base]  # get_details_by_id: no "by"
        base = f"{noun[0]}_{base}" if noun else base
    return base


_NOT_THE_THING = frozenset({"details", "info", "data", "by", "for", "of", "with", "from", "to", "in"})


def snake_name(key: str) -> str:
    """A placeholder name from a key or identifier: ``startTime`` -> start_time, ``due-date`` -> due_date."""
    key = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", key)
    return re.sub(r"[^a-z0-9]+", "_", key.lower()).strip("_")


def _singular(key: str) -> str:
    if key in _SINGULAR_IN_S:
        return key
    if key.endswith("es") and key[:-2] in _SINGULAR_IN_S:
        return key[:-2]  # statuses
    if key.endswith("ies"):
        return key[:-3] + "y"
    if key.endswith(("sses", "xes")):
        return key[:-2]  # addresses, boxes
    if key.endswith("s") and not key.endswith("ss"):
        return key[:-1]
    return key


_SINGULAR_IN_S = frozenset(
    {"status", "analysis", "basis", "axis", "bonus", "corpus", "campus", "virus", "alias", "canvas"}
)
