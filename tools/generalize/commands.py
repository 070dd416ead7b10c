"""Command lines stay readable; the instance values inside them (emails, URLs, paths, versions) become placeholders."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from deftly.tools.extract.tools_kind import is_generic, is_read_only, is_read_word
from deftly.tools.extract.vocabulary import group_of, is_operation_word
from deftly.tools.generalize.bindings import READABLE_KINDS, BindingTable
from deftly.tools.generalize.command_values import CommandValues
from deftly.tools.generalize.provenance import AGENT, REQUEST, ValueSources, written_as_name
from deftly.tools.values import (
    COMMAND_KEYS,
    EMAIL,
    FILE_NAME,
    IP_ADDRESS,
    ISO_DATE,
    PATH,
    PLACEHOLDER,
    RELATIVE_PATH,
    TEST_ID,
    URL,
    UUID,
    VERSION,
    replace_values,
)

_MAX_COMMAND_CHARS = 240
_COMMIT = re.compile(r"(?<![\w{])(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{7,40}(?![\w}])")
# Inside a command only unmistakable shapes count: "python3", "utf-8" or a bare number must stay as written.
# A project directory three levels deep or more (``infra/envs/prod``): a file path without the file.
_DIRECTORY = re.compile(r"(?<![\w./{:+@-])[A-Za-z_][\w.\-]*(?:/[\w.\-]+){2,}/?(?![\w/}])")
_COMMAND_SHAPES = (
    (EMAIL, "email", "email"),
    (URL, "url", "url"),
    (UUID, "id", "id"),
    (ISO_DATE, "date", "date"),
    (IP_ADDRESS, "ip", "ip_address"),
    (VERSION, "version", "version"),
    (PATH, "path", "path"),
    (TEST_ID, "path", "test_id"),
    (RELATIVE_PATH, "path", "path"),
    (_DIRECTORY, "path", "path"),
    (FILE_NAME, "file", "file_name"),
    (_COMMIT, "id", "commit"),
)
_QUOTED = re.compile(r"(?P<quote>['\"])(?P<value>[^'\"{}\n]{2,40})(?P=quote)")
_SQL_WORDS = frozenset({"SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "IN", "LIKE", "IS", "ON", "AS", "BY", "VALUES"})
_SUBCOMMAND = re.compile(r"[a-z][a-z0-9_\-]*")
_SYSTEM_PATH = re.compile(r"^/(?:dev|usr|bin|sbin|etc|proc|sys|lib|lib64|opt)(?:/|$)")


# A search qualifier and its value ("label:security", 'label:"priority: high"'); the qualifiers that pick an
# option of the search itself (GitHub's, Gmail's, Slack's "is:open", "in:inbox", "sort:created") are how.
_QUALIFIER = re.compile(r'(?<![\w{./:-])(?P<key>[a-z_]+):(?:"(?P<quoted>[^"{}]+)"|(?P<bare>[^\s"{}()]+))')
_DECORATED = re.compile(r"([*'%]*)(.+?)([*'%]*)")
_OPTION_QUALIFIERS = frozenset({"is", "in", "sort", "type", "state", "has", "no", "order", "archived", "draft"})


@dataclass
class CommandGeneralizer:
    """Generalizes command lines and workspace paths into the task's shared binding table."""

    table: BindingTable
    sources: ValueSources
    cwd: str | None = None

    def command(self, value: str) -> str:
        text = _shorten(value.strip())
        known = self.table.get(text)
        if known and known.kind not in READABLE_KINDS:
            return "{" + known.name + "}"
        text = replace_values(self.project_paths(text), self.table.value_map())
        text = CommandValues(self.table, self.sources, _shaped).generalize(text)
        for pattern, kind, name in _COMMAND_SHAPES:
            text = pattern.sub(functools.partial(self._embedded, kind=kind, name=name), text)
        return _QUOTED.sub(self._quoted, text)

    def query(self, value: str) -> str:
        """A written search ("repo:acme/api is:open label:security"): a command, whose qualifiers the user or a
        tool gave are the run's values ("repo:{repo} is:open label:{label}"); "is:", "in:", "sort:" stay."""
        return _QUALIFIER.sub(self._qualifier, self.command(value))

    def _qualifier(self, match: re.Match[str]) -> str:
        key, quote, written = (
            match.group("key"),
            '"' if match.group("quoted") else "",
            match.group("quoted") or match.group("bare"),
        )
        # "hostname:*'WS-HR-01*'": the wildcards and quotes of a filter language are the how, the host the value
        decorated = _DECORATED.fullmatch(written)
        before, value, after = decorated.group(1, 2, 3) if decorated else ("", written, "")
        given = any(self.sources.source_of(part) != AGENT for part in {value, *value.split("/")} if part)
        if key.lower() in _OPTION_QUALIFIERS or PLACEHOLDER.search(value) or not given:
            return match.group(0)  # "repo:acme/route-planner" is given when the user said "route-planner"
        known = self.table.get(value)
        placeholder = (
            "{" + known.name + "}"
            if known
            else self.table.bind(key.lower(), value, "id" if "/" in value else "text", REQUEST)
        )
        return f"{key}:{quote}{before}{placeholder}{after}{quote}"

    def _quoted(self, match: re.Match[str]) -> str:
        """A quoted literal the user named (``country = 'Germany'``, ``--label "ops"``) is the run's value,
        named by the identifier before it; one the agent chose (``'week'``) is the how."""
        quote, value = match.group("quote"), match.group("value")
        named = written_as_name(value, self.sources.request) or any(c.isdigit() for c in value)
        if PLACEHOLDER.search(value) or not named or self.sources.source_of(value) != REQUEST:
            return match.group(0)
        known = self.table.get(value)
        name = known.name if known else None
        if name is None:
            before = re.findall(r"[A-Za-z_]\w*", match.string[: match.start()])
            base = before[-1].lower() if before and before[-1].upper() not in _SQL_WORDS else "value"
            name = self.table.bind(base, value, "text", REQUEST)[1:-1]  # "text": its example never shows it
        return f"{quote}{{{name}}}{quote}"

    def in_project(self, text: str) -> bool:
        return bool(self.cwd) and (text == self.cwd or text.startswith(f"{self.cwd}/"))

    def project_paths(self, text: str) -> str:
        """Paths inside the session's working directory read ``{project_dir}/relative/path``."""
        cwd = (self.cwd or "").rstrip("/")
        if len(cwd) < 2 or cwd not in text:
            return text
        pattern = re.compile(rf"(?<![\w/.\-]){re.escape(cwd)}(?=/|\b|$)")
        if not pattern.search(text):
            return text
        known = self.table.get(cwd)
        placeholder = "{" + known.name + "}" if known else self.table.bind("project_dir", cwd, "path", "workspace")
        return pattern.sub(lambda _: placeholder, text)

    def _embedded(self, match: re.Match[str], kind: str, name: str) -> str:
        prefix, value = "", match.group(0)
        if kind == "version" and value[:1] in "vV" and value[1:2].isdigit():
            prefix, value = value[0], value[1:]  # v2.4.0 is the version 2.4.0
        known = self.table.get(value)
        if known:
            return prefix + "{" + known.name + "}"
        source = self.sources.source_of(value)
        if kind == "path" and _SYSTEM_PATH.match(value):
            return value
        # manage.py or package.json belong to the procedure; a file the user named or a dated one does not.
        if kind == "file" and source == AGENT and not any(c.isdigit() for c in value):
            return value
        if kind == "version" and source.startswith("step "):
            name = "current_version"
        return prefix + self.table.bind(name, value, kind, source)


def _shaped(value: str) -> bool:
    """A value of a kind of its own (an email, a date, a version, a path), which keeps its kind's name."""
    return any(pattern.fullmatch(value) for pattern, _, _ in _COMMAND_SHAPES)


def command_head(arguments: dict[str, Any]) -> tuple[str, ...]:
    """The program and subcommand of a call's command line (``("git", "commit")``, ``("rm",)``); empty if none."""
    for key, value in arguments.items():
        if key.lower() in COMMAND_KEYS and key.lower() != "description":
            tokens = _without_setup([str(t) for t in (value if isinstance(value, list) else str(value).split())])
            if not tokens:
                return ()
            program = _PROGRAM.match(tokens[0])
            if program is None:
                return ()
            subcommand = _first_word(tokens[1:]) or _script_verb(tokens[1:])
            return (program.group(0), subcommand) if subcommand else (program.group(0),)
    return ()


# A program, or in code the name called (``df.to_csv("/data/x.csv")`` -> df.to_csv), not its arguments.
_PROGRAM = re.compile(r"[^\s(=\"'`,]+")


def _script_verb(arguments: list[str]) -> str | None:
    """What a statement passed to a client does: ``psql -d db -c "DROP TABLE t"`` -> drop, ``-c "\\dt+ t"`` ->
    \\dt, ``mysql -e 'SELECT …'`` -> select. Without it a look and a drop through one client are one step."""
    for index, argument in enumerate(arguments):
        option, _, inline = argument.partition("=")
        if option not in _SCRIPT_OPTIONS:
            continue
        script = inline or (arguments[index + 1] if index + 1 < len(arguments) else "")
        verb = _SCRIPT_VERB.match(script.lstrip("\"'"))
        return verb.group(0).lower() if verb else None
    return None


_SCRIPT_OPTIONS = frozenset({"-c", "-e", "-q", "--command", "--execute", "--query"})
_SCRIPT_VERB = re.compile(r"\\?[A-Za-z][A-Za-z_]*")


def command_options(arguments: dict[str, Any]) -> tuple[str, ...]:
    """The options and the piped programs of a call's command line (``aws s3 ls X --recursive | tail`` ->
    ``("--recursive", "|tail")``): what stays the same when one command runs again on other values."""
    for key, value in arguments.items():
        if key.lower() in COMMAND_KEYS and key.lower() != "description" and isinstance(value, str):
            first, *piped = value.split("|")
            options = sorted({t.split("=", 1)[0] for t in first.split() if t.startswith("-")})
            return (*options, *(f"|{part.split()[0]}" for part in piped if part.split()))
    return ()


def without_setup(command: str) -> str:
    """The command line without what only sets the scene (``cd infra/prod && ``, ``AWS_REGION=x ``)."""
    return " ".join(_without_setup(command.split()))


def _without_setup(tokens: list[str]) -> list[str]:
    """The command after what only sets the scene: ``cd infra/prod && terraform plan`` is ``terraform plan``,
    ``AWS_REGION=eu-west-1 aws s3 ls`` is ``aws s3 ls`` (else every ``cd X && ...`` is one step, ``cd``)."""
    while tokens:
        if _ASSIGNMENT.match(tokens[0]):
            tokens = tokens[1:]
        elif tokens[0] in _SETUP_PROGRAMS and any(t in ("&&", ";") for t in tokens):
            tokens = tokens[next(n for n, t in enumerate(tokens) if t in ("&&", ";")) + 1 :]
        else:
            return tokens
    return tokens


_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_SETUP_PROGRAMS = frozenset({"cd", "pushd", "export", "source", ".", "set", "unset", "ulimit", "umask"})


def only_looks(tool: str, arguments: dict[str, Any]) -> bool:
    """A call that changes nothing: a shell command or a SQL statement that only looks (``kubectl logs``,
    ``SELECT …``), whatever the runner's name says (a ``query`` tool runs ``DELETE`` as well); else a read-only
    tool (a ``query`` tool given a search, PromQL or GraphQL read, which is no statement)."""
    if is_generic(tool):
        command = _command_line(arguments)
        if command and (_STATEMENT.match(_SQL_COMMENT.sub(" ", command)) or not is_read_only(tool)):
            return is_read_command(arguments)
    return is_read_only(tool)


def _command_line(arguments: dict[str, Any]) -> str:
    return next((v for k, v in arguments.items() if k.lower() in _COMMAND_LINE_KEYS and isinstance(v, str)), "")


def is_read_command(arguments: dict[str, Any]) -> bool:
    """A command line that only looks (``kubectl -n prod logs …``, ``git log --oneline | head``, ``cat a.txt``):
    the exploring one run of a task does and another skips, alone or chained with other looks (``cd repo &&
    git status``). Redirected or substituted commands do more than look."""
    command = _QUIET.sub(" ", _command_line(arguments))
    statement = _SQL_COMMENT.sub(" ", command)
    if _SQL_READ.match(statement):  # a statement, not a command line: "SELECT …" reads, "WITH … DELETE" does not
        return not _SQL_WRITE.search(_SQL_LITERAL.sub(" ", statement))  # not "… WHERE action = 'update'"
    if (
        not command.strip()
        or _DOES_MORE.search(_QUOTED_TEXT.sub(" ", command))
        or _SUBSTITUTES.search(_SINGLE.sub(" ", command))
    ):
        return False
    parts = [part for part in _CHAIN.split(command) if re.search(r"\w", part)]  # not the quote after "…;"
    return (
        bool(parts) and all(_only_looks(part) or _is_setup(part) for part in parts) and not all(map(_is_setup, parts))
    )


def _only_looks(command: str) -> bool:
    first, *filters = command.split("|")
    head = command_head({"command": first})
    looks = bool(head) and (
        _looks(head[0], _LOOKING_PROGRAMS)
        or (len(head) > 1 and _looks(head[1], _LOOKING_SUBCOMMANDS))
        or (len(head) > 1 and _looks_in_group(first, head[1]))
    )
    return looks and all(_filters(command_head({"command": f})) for f in filters)


def _filters(head: tuple[str, ...]) -> bool:
    return head[:1] in _FILTERS or head[:2] in _CERTIFICATE_LOOKS


def _looks_in_group(command: str, group: str) -> bool:
    """``gh run list``, ``aws s3 ls``, ``gh pr view``: a command group (no verb) and a subcommand that looks."""
    if group_of(group) is not None or (len(group) > 2 and is_operation_word(group)):
        return False  # "git checkout main", "kubectl rollout restart": the second word is already the action
    words_ = [w for w in command.split() if not w.startswith("-")]
    after = words_[words_.index(group) + 1 :] if group in words_ else []
    return bool(after) and _SUBCOMMAND.fullmatch(after[0]) is not None and _looks(after[0], _LOOKING_SUBCOMMANDS)


def _is_setup(command: str) -> bool:
    tokens = command.split()
    return bool(tokens) and (tokens[0] in _SETUP_PROGRAMS or all(_ASSIGNMENT.match(t) for t in tokens))


_COMMAND_LINE_KEYS = (COMMAND_KEYS - {"description", "pattern", "regex", "glob"}) | {"query", "statement"}
_SQL_READ = re.compile(r"^\s*\(?\s*(?:select|with|show|explain|describe)\b", re.IGNORECASE)
_STATEMENT = re.compile(
    r"^\s*\(?\s*(?:select|with|show|explain|describe|insert|update|delete|drop|alter|create|truncate|merge|grant"
    r"|revoke|copy|call|vacuum|analyze|upsert|replace)\b",
    re.IGNORECASE,
)
_SQL_COMMENT = re.compile(r"/\*.*?\*/|--[^\n]*", re.DOTALL)
_SQL_LITERAL = re.compile(r"'(?:[^']|'')*'")
_SQL_WRITE = re.compile(r"\b(?:insert|update|delete|drop|alter|create|truncate|merge|grant|revoke)\b", re.IGNORECASE)
# A chain of looks (``ls infra && git log -3``, ``cd repo; git status``) still only looks; ``||`` runs one part
# only if another failed, and redirection, substitution and in-place flags write.
# Inside quotes, ">=" and "||" are a query's, not the shell's ("psql -c \"... WHERE created_at >= ...\""); a
# substitution still runs inside double quotes.
_DOES_MORE = re.compile(r"\|\||>|\s-(?:delete|exec|i|out|keyout)\b|\s--(?:fix|write|in-place)\b")
_CERTIFICATE_LOOKS = frozenset({("openssl", "x509"), ("openssl", "verify"), ("openssl", "s_client")})
# Output thrown away or merged is no file written: "2>/dev/null", ">/dev/null", "2>&1".
_QUIET = re.compile(r"(?<!\S)(?:[12&]?>{1,2}\s*/dev/null|[12]?>&[12])(?!\S)")
_SUBSTITUTES = re.compile(r"`|\$\(")
_QUOTED_TEXT = re.compile(r"'[^']*'|\"(?:[^\"\\]|\\.)*\"")
_SINGLE = re.compile(r"'[^']*'")
_CHAIN = re.compile(r"&&|;")


def _looks(word: str, shell_words: frozenset[str]) -> bool:
    """A program or subcommand named by a read verb (``cat``, ``get``, ``status``: as for tools), or one a
    shell knows only looks."""
    return is_read_word(word) or word in shell_words


_LOOKING_PROGRAMS = frozenset(
    {"less", "rg", "wc", "df", "du", "ps", "pwd", "which", "tree", "jq", "echo", "dig", "nslookup", "whois", "ping"}
)
# A client's statement that only reads counts too: "select", psql's "\\dt" and the other describe commands.
_LOOKING_SUBCOMMANDS = frozenset(
    {"logs", "log", "top", "blame", "select", "checks", "ls", "\\d", "\\dt", "\\di", "\\dn", "\\dv", "\\du", "\\l"}
    | {"s_client", "x509", "verify"}  # openssl's looks at a certificate (writing one takes -out)
)
_FILTERS = frozenset(
    (program,) for program in ("grep", "rg", "head", "tail", "sort", "uniq", "wc", "jq", "less", "cut")
)


def _first_word(arguments: list[str]) -> str | None:
    """The subcommand after global options: ``kubectl -n prod get pods`` -> get, ``git -C repo log`` -> log."""
    index = 0
    while index < len(arguments) and arguments[index].startswith("-"):
        short_with_value = len(arguments[index]) == 2 and index + 1 < len(arguments)
        index += 2 if short_with_value and not arguments[index + 1].startswith("-") else 1
    if index < len(arguments) and _SUBCOMMAND.fullmatch(arguments[index]):
        return arguments[index]
    return None


_CONTINUED = re.compile(r"[ \t]*\\\r?\n[ \t]*")


def _shorten(command: str) -> str:
    """A long or multi-line command (a heredoc, a script) keeps its first line: that is the how. Lines a
    backslash continues are one line (``curl -sS URL \\`` then its ``-H`` and ``-d``)."""
    lines = _CONTINUED.sub(" ", command).splitlines() or [""]
    first = lines[0]
    if len(first) > _MAX_COMMAND_CHARS:
        return first[: _MAX_COMMAND_CHARS - 2].rstrip() + " …"
    return first + (" …" if len(lines) > 1 else "")
