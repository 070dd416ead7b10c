"""What a tool's name says about it: a scratchpad (not a step at all), read-only, or acting on the world."""

from __future__ import annotations

import re
from functools import lru_cache

_SCRATCHPAD = re.compile(r"^(?:think|thinking|reason|reasoning|scratchpad|plan|note|reflect|todo_?write)$", re.I)
_READ_VERBS = (
    "get",
    "list",
    "search",
    "find",
    "read",
    "fetch",
    "lookup",
    "look",
    "query",
    "show",
    "view",
    "describe",
    "check",
    "calculate",
    "compute",
    "count",
    "grep",
    "glob",
    "ls",
    "cat",
    "head",
    "tail",
    "inspect",
    "browse",
    "retrieve",
    "load",
    "open",
    "stat",
    "status",
    "validate",
    "verify",
    "preview",
    "diff",
    "explain",
    "estimate",
    "websearch",
    "webfetch",
    "navigate",
    "screenshot",
    "snapshot",
)
_ONLY_READ_VERBS = frozenset({"get", "list", "search", "find", "fetch", "lookup", "show", "view", "describe", "read"})
_VERBS_ONLY = frozenset({"write", "edit", "update", "create", "delete", "remove", "cancel"})  # not "post", "book"
_WRITE_WORDS = ("write", "edit", "update", "create", "delete", "remove", "send", "post", "put", "book", "cancel")


@lru_cache(maxsize=4096)  # a handful of tool names, asked about thousands of times per import
def base_name(tool: str) -> str:
    """The tool's own name without its server or namespace: ``mcp__crm__lookup``, ``crm.lookup``,
    ``crm/lookup`` and ``crm:lookup`` are all ``lookup``."""
    return _name_parts(tool)[-1] or tool


def words(tool: str) -> list[str]:
    """``get_reservation_details`` / ``getReservation`` / ``calendar.search_events`` -> lower-case words."""
    return list(_words(tool))


@lru_cache(maxsize=4096)
def _words(tool: str) -> tuple[str, ...]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", base_name(tool))
    found = tuple(w for w in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if w)
    # "mcp__slack__slack_post_message": the server's name said again is no word of what the tool does
    server = [part.lower() for part in _name_parts(tool)[:-1]]
    if len(found) > 1 and server and found[0] in server and not _names_an_action(found[0]):
        return found[1:]
    return found  # "mcp__search__search_docs": a server named after what its tools do keeps the verb


def is_verb_word(word: str) -> bool:
    """A word tools' names open with for what they do (``get``, ``update``, ``export``, ``ship``): a verb,
    whatever else it may be ("Export", "Commit", "Log", "Text" open a request as verbs)."""
    return _names_an_action(word) or word in _NOUN_VERBS


def _names_an_action(word: str) -> bool:
    return word in _READ_VERBS or word in _WRITE_WORDS or word in _ACTION_WORDS


def all_words(tool: str) -> list[str]:
    """Every word of the name, its namespace included: ``sync.create_rule`` -> sync, create, rule."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", tool.replace("__", " "))
    return [w for w in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if w and w != "mcp"]


def is_scratchpad(tool: str) -> bool:
    return bool(_SCRATCHPAD.match(base_name(tool)))


@lru_cache(maxsize=8192)  # a handful of tool names, asked about tens of thousands of times per import
def is_read_only(tool: str) -> bool:
    ui_action = ui_driver_action(tool)
    if ui_action is not None:
        # a page opened or read ("get_visible_text", "list_tabs"); a click or a keystroke may change anything
        return ui_action in _UI_LOOKS or ui_action.split("_")[0] in _ONLY_READ_VERBS
    return _only_reads(tool, thing_first=2)


# A browser driven step by step (Playwright's and Puppeteer's MCP servers, browser-use): ``browser_click``,
# ``puppeteer_fill``. Like a shell, its tools are every web task's; what they did is in their arguments.
_UI_DRIVER = re.compile(r"^(?:browser|puppeteer|playwright)_(?P<action>[a-z_]+)$|^page_(?P<page_action>[a-z_]+)$")
_UI_VERBS = frozenset(
    {
        "navigate", "goto", "go", "click", "dblclick", "type", "fill", "input", "select", "press", "hover", "drag",
        "scroll", "snapshot", "screenshot", "take", "wait", "evaluate", "file", "upload", "tab", "tabs", "close",
        "resize", "handle", "console", "network", "get", "find", "list", "extract", "switch", "open", "back",
        "forward", "check", "uncheck", "mouse", "keyboard", "send", "pdf", "save", "install", "search", "done",
    }
)  # fmt: skip
# ``page_get`` (a CMS's page) is no browser: only a page's clicks, keystrokes and visits are
_PAGE_VERBS = frozenset({"goto", "click", "dblclick", "type", "fill", "press", "hover", "select", "screenshot"})
_UI_LOOKS = frozenset(
    {
        "navigate", "goto", "go_back", "go_forward", "navigate_back", "navigate_forward", "back", "forward",
        "snapshot", "screenshot", "take_screenshot", "wait", "wait_for", "console_messages", "network_requests",
        "tabs", "tab_list", "scroll", "hover", "extract", "extract_content",
    }
)  # fmt: skip


@lru_cache(maxsize=4096)  # asked by is_read_only and is_generic, thousands of times per import
def ui_driver_action(tool: str) -> str | None:
    """What a browser-driving tool does ("click" of ``mcp__playwright__browser_click``); None for other tools."""
    match = _UI_DRIVER.match(base_name(tool).lower().replace("-", "_"))
    if match is None:
        return None
    action = match.group("action") or match.group("page_action")
    verbs = _UI_VERBS if match.group("action") else _PAGE_VERBS
    return action if action.split("_")[0] in verbs else None  # not browser_history_search: a browser's data


def is_read_word(word: str) -> bool:
    """A shell's program or subcommand that only looks (``get``, ``describe-instances``); ``apt-get`` and
    ``git-fetch`` are no thing and a read verb, as a tool's ``tickets_get`` is."""
    return _only_reads(word, thing_first=3)


def _only_reads(tool: str, thing_first: int) -> bool:
    tokens = words(tool)
    if not tokens:
        return False
    if tokens[0] in _ONLY_READ_VERBS and tokens[-1] not in _VERBS_ONLY and not {"and", "or", "then"} & set(tokens):
        # "get_send_checklist", "list_delete_requests": a write word between a read verb and a noun names a thing;
        # "list_item_delete" deletes an item of a list
        return True
    if tokens[0] in _ASKS_WHETHER and len(tokens) > 1:
        return True  # "can_send_mms", "is_eligible": a question about the thing, answered
    if any(w in _WRITE_WORDS for w in tokens):
        return False
    if tokens[0] == "run" and tokens[-1] in _TRIALS and not _ACTING_TRIALS & set(tokens[1:-1]):
        # "run_speed_test", "run_health_check", "run_diagnostics" measure; a failover test or a background check
        # acts, and a test suite's failure ("run_tests") is evidence the work failed
        return True
    if tokens[0] == "open" and len(tokens) > 1:
        return bool(set(tokens[1:]) & _OPENED_TO_READ)  # open_url reads; open_billing_dispute opens a case
    if tokens[0] in _READ_VERBS:
        return True
    # "drive_search_files", "google_drive_search", "tickets_get": a product or a thing before a verb that only
    # reads; not "export_query_results", whose first word is what it does, nor "postgres_query", which runs
    # whatever statement it is given
    verb = next((n for n in (1, 2) if n < len(tokens) and tokens[n] in _PLAIN_READS), None)
    return (
        verb is not None
        and len(tokens) >= thing_first
        and not (verb == len(tokens) - 1 and tokens[verb] == "query")
        and all(t not in _ACTION_WORDS or t in _THINGS_TOO for t in tokens[:verb])
        and not is_generic(tool)
    )


_ASKS_WHETHER = frozenset({"can", "is", "has", "does", "are"})
_TRIALS = frozenset({"test", "check", "diagnostic", "diagnostics", "ping", "traceroute", "benchmark"})
_ACTING_TRIALS = frozenset({
    "failover", "dr", "chaos", "ab", "background", "credit", "reference", "load", "stress", "penetration", "pen",
    "drill", "fire",
})  # fmt: skip
_OPENED_TO_READ = frozenset({
    "file", "files", "url", "page", "tab", "link", "document", "doc", "browser", "image", "folder", "path", "site",
    "website", "pdf", "notebook", "editor", "window", "app", "view", "preview", "in",
})  # fmt: skip
_PLAIN_READS = frozenset({"get", "list", "search", "find", "fetch", "read", "lookup", "query", "retrieve", "describe"})
# Verbs a tool's name opens with that act (beyond ``_WRITE_WORDS``): the first word of "export_query_results".
_ACTION_WORDS = frozenset({
    "add", "set", "change", "move", "share", "invite", "approve", "reject", "merge", "close", "start", "stop",
    "restart", "run", "exec", "export", "import", "apply", "deploy", "scale", "trigger", "upload", "download",
    "assign", "tag", "label", "archive", "publish", "submit", "refund", "issue", "reply", "forward", "escalate",
    "transfer", "grant", "revoke", "enable", "disable", "reset", "rotate", "restore", "backup", "sync", "build",
    "release", "rerun", "retry", "mark", "resolve", "comment", "schedule", "reschedule", "upgrade", "downgrade",
    "install", "uninstall", "rename", "copy", "patch", "modify", "kill", "pause", "resume", "lock", "unlock",
    "block", "unblock", "notify", "email", "message", "invoice", "bill", "pay", "charge", "cut", "bump", "clean",
    "clear", "convert", "format", "register", "launch", "purchase", "buy", "reserve", "rebook", "switch",
    "terminate", "void", "abort", "drop", "halt", "shutdown", "suspend", "reboot", "reload", "commit", "push",
    "pull", "rebase", "revert", "rollback", "rollout", "truncate", "insert", "alter", "destroy", "unassign",
    "activate", "deactivate", "withdraw", "unpublish", "reopen", "generate", "process", "execute", "save",
    "store", "sign", "attach", "link", "unlink", "map", "upsert", "replace", "append", "toggle", "request",
    "fork", "retrigger", "redeploy", "migrate", "onboard", "offboard", "renew", "extend", "purge", "prune",
})  # fmt: skip
# Verbs that name the thing too, so a tool whose name opens with one may only look ("order_get_status",
# "log_search_events"); a request opening with one asks ("Ship order 1182", "Log the call", "Text Maria").
_NOUN_VERBS = frozenset({"ship", "log", "text", "order", "query", "snapshot"})
# Action words that also name a thing a server serves: "email_get_thread" reads an email, as "mcp__email__get_thread"
_THINGS_TOO = _NOUN_VERBS | {
    "email", "message", "invoice", "bill", "tag", "label", "comment", "build", "release", "request", "schedule",
    "map", "link", "store", "backup", "patch", "issue", "transfer", "charge",
}  # fmt: skip


_HANDOFF_VERBS = {"transfer", "escalate", "handoff", "hand", "handover", "forward", "route"}
_HANDOFF_TARGETS = {"human", "humans", "agent", "agents", "support", "operator", "staff", "person", "representative"}


def is_handoff(tool: str) -> bool:
    """A tool that passes the task to a person (``transfer_to_human_agents``): the agent did not finish it."""
    tokens = set(words(tool))
    return bool(tokens & _HANDOFF_VERBS) and bool(tokens & _HANDOFF_TARGETS)


_GENERIC = frozenset(
    {
        "bash", "shell", "sh", "exec", "execute", "run", "run_command", "run_shell_command", "terminal", "python",
        "edit", "multiedit", "write", "write_file", "edit_file", "apply_patch", "str_replace_editor",
        "str_replace_based_edit_tool", "notebookedit", "computer", "task", "agent", "read", "read_file",
    }
)  # fmt: skip


_EXECUTOR = re.compile(r"^(?:run|exec|execute|eval)_(?:sql|query|queries|command|cmd|script|code|shell|python|bash)$")


_SHELLS = frozenset({"bash", "shell", "sh", "zsh", "exec", "execute", "run_command", "run_shell_command", "terminal"})


@lru_cache(maxsize=4096)  # asked for every step of every candidate a run is compared with
def as_compared(tool: str) -> str:
    """The name runs are compared by: every harness's shell ("Bash", "bash", Codex's "shell") is one shell, and
    one server's tool is one tool however a harness spells it (``mcp__wms__post_adjustment`` in Claude Code,
    ``wms__post_adjustment``, ``WMS.post_adjustment`` elsewhere are ``wms.post_adjustment``; ``prod.k8s.delete_pod``
    is not ``staging.k8s.delete_pod``). The namespace stays apart: a tool's words are read from its own name
    (``mcp__deploy__get_status`` only looks). A harness that flattens it (``wms_post_adjustment``) is matched
    run against run: ``tool_spelling.spelled_like``."""
    base = base_name(tool)
    if base.lower().replace("-", "_") in _SHELLS:
        return "shell"
    *spaces, own = [part for part in _name_parts(tool) if part.lower() != "mcp"] or [base]
    namespace = [space.lower() for space in spaces]  # the own name keeps its case: its words are read from it
    if namespace and own.lower().startswith((namespace[-1] + "_", namespace[-1] + "-")):
        # mcp__slack__slack_post_message is the slack_post_message of a harness without servers (and
        # mcp__notion__notion-search its notion-search)
        namespace = namespace[:-1]
    return ".".join([*namespace, own])


def _name_parts(tool: str) -> list[str]:
    """``mcp__crm__lookup``, ``crm.lookup``, ``crm/lookup``, ``crm:lookup`` -> its namespaces and its own name."""
    return re.split(r"__|[./:]", tool.strip(" ./:_"))


@lru_cache(maxsize=8192)
def is_generic(tool: str) -> bool:
    """A general-purpose tool (a shell, a file editor, ``run_sql``): its name says nothing about the task."""
    name = base_name(tool).lower().replace("-", "_")
    parts = set(name.split("_"))
    executor = parts <= _EXECUTOR_WORDS and bool(parts & _RUNS_WHAT)  # remote_shell, ssh_exec, sql_query
    return name in _GENERIC or bool(_EXECUTOR.match(name)) or executor or ui_driver_action(tool) is not None


_RUNS_WHAT = frozenset(
    {"shell", "bash", "sh", "ssh", "command", "cmd", "script", "code", "python", "sql", "query", "cell"}
)
# A database's name with "query" runs whatever statement it is given: postgres_query, snowflake_query, db_query
_ENGINES = frozenset({
    "postgres", "postgresql", "pg", "mysql", "sqlite", "snowflake", "bigquery", "redshift", "athena", "clickhouse",
    "duckdb", "db", "database", "warehouse", "mssql", "trino", "presto", "databricks",
})  # fmt: skip
_EXECUTOR_WORDS = (
    _RUNS_WHAT | _ENGINES | {"run", "exec", "execute", "eval", "remote", "ssh", "terminal", "notebook", "jupyter"}
)


def object_phrase(tool: str) -> str:
    """ "exchange_delivered_order_items" -> "the delivered order items": what a tool acts on, or ""."""
    tool_words = words(tool)
    return "the " + " ".join(tool_words[1:]) if len(tool_words) >= 2 else ""
