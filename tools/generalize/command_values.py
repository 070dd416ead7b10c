"""The run's own values among a command line's arguments: ``kubectl -n ingest scale deployment/event-router
--replicas=8`` for a user who asked to scale event-router in ingest to 8 is ``kubectl -n {namespace} scale
deployment/{deployment} --replicas={replicas}``, as the same call through a tool would be
``scale(namespace="{namespace}", name="{deployment}", replicas="{replicas}")``.

A value counts when the user gave it or a tool returned it (an id a listing printed), the way a tool's
argument does; a word the agent chose (``--timeout=120s``, ``-o wide``, ``tail -n 25``) is the how and stays.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from deftly.tools.extract.vocabulary import is_operation_word
from deftly.tools.generalize.bindings import BindingTable
from deftly.tools.generalize.provenance import AGENT, REQUEST, ValueSources
from deftly.tools.values import ID_TOKEN, PLACEHOLDER, kind_of

# A value one tool returned and a later command used is an id when it is this long a number (a run, a job,
# a pull request); a short one ("3", "25") is as likely a count the agent picked.
_RETURNED_NUMBER_DIGITS = 4
# Options whose value names one thing even when the agent wrote it itself (``--branch fix/upload-resume``);
# short options by what they mean in the commands agents run most (kubectl/helm ``-n``, git ``-b``, gh ``-R``).
_INSTANCE_OPTIONS = frozenset({"branch", "namespace", "repo", "context", "cluster", "project", "user"})
# Options naming a thing only when the user or a tool gave it: "--host host.docker.internal", "--zone us-central1-a"
# or "--database postgres" written by the agent are the how.
_GIVEN_OPTIONS = frozenset(
    {"zone", "domain", "host", "hostname", "bucket", "table", "database", "dataset", "queue", "topic", "service"}
)
_SHORT_OPTIONS = {"n": "namespace", "b": "branch", "R": "repo", "u": "user"}
# Counts and bounds an agent picks: a number given to them stays a number of the how ("--limit 3").
_COUNT_OPTIONS = re.compile(r"^(?:limit|max\w*|min\w*|top|tail|head|lines|since|timeout|retries|depth|page|per_page)$")
_ABBREVIATIONS = {"deploy": "deployment", "svc": "service", "ns": "namespace", "po": "pod", "sts": "statefulset"}
# What a cluster's or a cloud's command names next: the word after it is a name however plain ("thumbnailer").
_RESOURCES = frozenset({*_ABBREVIATIONS.values(), "daemonset", "job", "cronjob", "configmap", "secret", "node"})
# A quoted string is one argument: the words of ``psql -c "SELECT … FROM orders"`` are the query's, not the shell's.
_WORDS = re.compile(r"""(?:'[^']*'|"(?:[^"\\]|\\.)*"|[^\s'"])+""")
_SEPARATORS = frozenset({"|", "||", "&&", ";"})
_SHELL_TEXT = re.compile(r"['\"`$\\<>(){}*?\[\]:@=,]")
# A name of joined parts with a letter in it: event-router, chore/oauth-pkce, web_api.v2 (not 3.11).
_JOINED = re.compile(r"(?=[^A-Za-z]*[A-Za-z])[A-Za-z0-9]+(?:[-_./][A-Za-z0-9]+)+")
_KIND_AND_NAME = re.compile(r"(?P<kind>[a-z]+)/(?P<name>[A-Za-z0-9][\w.-]*)")
_NUMBER = re.compile(r"#?(?P<digits>\d+)")
# A label matcher or setting as one argument: alertname=ErrorRateHigh, service=search-gateway, env=prod.
_ASSIGNMENT = re.compile(r"(?P<key>[A-Za-z_][\w.]*)=(?P<value>[^=]+)")
# A label selector's key is the label's ("-l app=checkout-api"): the thing is named better where a later command
# names it by kind ("deployment/checkout-api"), which the run's names are bound from. A filter's is a field's
# ("--field-selector status.phase=Failed"): what it selects by is the how.
_SELECTORS = frozenset({"-l", "--selector", "-L", "--label", "--labels"})
_FILTERS = frozenset({"--field-selector", "--filter"})


@dataclass
class CommandValues:
    """Replaces the instance values among one task's command-line arguments, in its binding table."""

    table: BindingTable
    sources: ValueSources
    shaped: Callable[[str], bool]  # emails, dates, versions, paths: named by their kind, elsewhere

    def generalize(self, command: str) -> str:
        parts: list[str] = []
        cursor, position, previous = 0, 0, ""
        for match in _WORDS.finditer(command):
            token = match.group(0)
            parts.append(command[cursor : match.start()])
            cursor = match.end()
            if token in _SEPARATORS or token.endswith(";"):
                parts.append(token)
                position, previous = 0, ""
                continue
            parts.append(token if position == 0 else self._token(token, previous))
            position, previous = position + 1, token
        parts.append(command[cursor:])
        return "".join(parts)

    def _token(self, token: str, previous: str) -> str:
        if PLACEHOLDER.search(token):
            return token
        if token.startswith("-"):
            option, equals, value = token.partition("=")
            if not equals or not value or _SHELL_TEXT.search(value):
                return token
            return f"{option}={self._value(value, _option_name(option, value), as_option=True)}"
        assignment = _ASSIGNMENT.fullmatch(token)
        if assignment and previous not in _SELECTORS and not _SHELL_TEXT.search(assignment.group("value")):
            key, value = assignment.group("key", "value")
            if previous in _FILTERS and self._source(value) != REQUEST:
                return token  # "--field-selector status.phase=Failed": what it filters by is the how
            return f"{key}={self._assigned(value, _snake(key), flag=key.isupper())}"
        if _SHELL_TEXT.search(token):
            return token
        if previous.startswith("-") and "=" not in previous:
            # An option's value, or a flag's neighbour ("--install payments-api"): no telling them apart without
            # the program's options, so only a value that names a thing counts ("--to utf-8" is the how).
            return self._value(token, _option_name(previous, token), as_option=True)
        kind_and_name = _KIND_AND_NAME.fullmatch(token)
        if kind_and_name and not _JOINED.fullmatch(kind_and_name.group("kind")):
            kind = kind_and_name.group("kind")
            name = self._value(kind_and_name.group("name"), _ABBREVIATIONS.get(kind, kind), as_option=True)
            return f"{kind}/{name}"
        resource = _ABBREVIATIONS.get(previous.lower(), previous.lower())
        if resource in _RESOURCES:  # "get deploy thumbnailer": named as "deployment/thumbnailer" is
            return self._value(token, resource, as_option=True)
        return self._value(token, "value", as_option=False)

    def _value(self, value: str, name: str, *, as_option: bool) -> str:
        known = self.table.get(value)
        if known:
            return "{" + known.name + "}"
        if self.shaped(value):
            return value
        decided = self._kind(value, name, as_option)
        if decided is None:
            return value
        kind, source = decided
        if name == "value" and kind in ("number", "id"):
            name = kind
        return self.table.bind(name, value, kind, source)

    def _assigned(self, value: str, name: str, *, flag: bool = False) -> str:
        """A ``key=value`` argument (``alertname=ErrorRateHigh``, ``env=prod``): the key says what the value is,
        as an argument's name does, so a value the user gave or a tool returned is the run's, whatever its shape."""
        known = self.table.get(value)
        if known:
            return "{" + known.name + "}"
        number = _NUMBER.fullmatch(value)
        # "ON_ERROR_STOP=1" is a switch, whatever the request's numbers; "replicaCount=3" the user's count
        decided = self._number(number.group("digits"), name) if number and not (flag and value in ("0", "1")) else None
        if not number and not self.shaped(value) and not is_operation_word(value) and len(value) >= 2:
            source = self._source(value)
            # A value only a tool printed counts where it reads as a name ("Failed" in a pod listing is a phase)
            named = source == REQUEST or _JOINED.fullmatch(value) or ID_TOKEN.fullmatch(value)
            decided = ("id", source) if source != AGENT and named else None
        if decided is None:
            return value
        return self.table.bind(name, value, *decided)

    def _kind(self, value: str, name: str, as_option: bool) -> tuple[str, str] | None:
        """The value's kind and where it came from, or None when it is the how: an option's value counts
        where the option names a thing (``-n``, ``--repo``, ``--assignee``; not ``--to utf-8``), a bare
        argument when it reads as a name or an id (``event-router``, ``14313280509``), not a word."""
        number = _NUMBER.fullmatch(value)
        if number:
            return self._number(number.group("digits"), name)
        if is_operation_word(value) or len(value) < 2:
            return None
        source = self._source(value)
        if as_option:
            if name in _GIVEN_OPTIONS:
                return None if source == AGENT else ("id", source)
            if not _names_a_thing(name) or (source == AGENT and not _JOINED.fullmatch(value)):
                return None
            return "id", source  # "-n ingest": the namespace is the run's, however plain its name
        if source != AGENT and (_JOINED.fullmatch(value) or ID_TOKEN.fullmatch(value)):
            return "id", source
        return None

    def _number(self, digits: str, name: str) -> tuple[str, str] | None:
        if _COUNT_OPTIONS.match(name):
            return None
        if re.search(rf"(?<![\w.]){digits}(?![\w]|\.\d)", self.sources.request):  # not the 0 of "v1.7.0"
            return "number", REQUEST
        source = self.sources.source_of(digits)
        if source != AGENT and len(digits) >= _RETURNED_NUMBER_DIGITS:
            return "id", source
        return None

    def _source(self, value: str) -> str:
        """Where the value came from; ``owner/repo`` is the user's when they named the repository alone."""
        source = self.sources.source_of(value)
        if source == AGENT and "/" in value:
            parts = [self.sources.source_of(part) for part in value.split("/") if len(part) > 2]
            return REQUEST if REQUEST in parts else source
        return source


def _names_a_thing(option: str) -> bool:
    return option in _INSTANCE_OPTIONS or option in _RESOURCES or kind_of("x", option) in ("name", "id")


def _option_name(option: str, value: str) -> str:
    """``--replicas`` -> replicas; ``-n`` by what it means in the commands agents run most, unless given a
    number (``git log -n 20``: a count, named as a number)."""
    bare = option.lstrip("-")
    if len(bare) == 1:
        return "value" if _NUMBER.fullmatch(value) else _SHORT_OPTIONS.get(bare, "value")
    return _snake(bare)


def _snake(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "value"
