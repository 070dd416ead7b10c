"""Labelled agent sessions in a third set of domains, written blind: software engineering (GitHub/GitLab, CI,
releases, dependency bumps), data analysis (warehouse SQL, pandas, charts, CSV exports), office work (mail,
calendar, drive, Slack, Notion), customer support (helpdesk triage, merges, macros, escalations), Kubernetes and
incident response, and finance/procurement. A held-out-style check for ``deftly bench --jsonl DIR/sessions.jsonl``.

The generator was written without reading deftly's extraction, matching or ranking code, and is not tuned to it.
It has 30 task types, each run 6 times with other people, ids, dates, amounts, paths and wordings (terse, chatty,
typo'd, with background, split over two user turns, a clarifying question and its answer). Agents behave like
different models: some narrate each call, some call silently, some look things up first, some ask before a
destructive step, some hit a recoverable error (a 404, a validation error, a wrong flag) and fix it. 5 runs of a
type succeed and 1 fails: visibly (an unrecovered tool error, the user saying it did not work, a wrong refusal)
for half the types, silently (a wrong call or a wrong answer, and the user says thanks) for the other half. Some
types are read-only, some end in "checked, nothing to do", two are hand-offs (the right move is to escalate or
decline), several branch on what a lookup returns. Tool names mix snake_case, dotted.names, camelCase,
mcp__server__tool and generic bash/python tools. A few runs carry realistic secrets (listed in the manifest).

Traces are spread over six formats deftly reads: OpenAI chat-completions, Anthropic Messages, OpenAI Responses
items, Vercel AI SDK v5 (UI messages and model messages), Claude Code JSONL and Codex CLI rollouts. Each task
type gets 3 unseen queries worded unlike its runs, and 10 novel queries ask for task types that were never run.
Standard library only; deterministic for a given --seed.

    python bench/third_domains.py --out /tmp/td && deftly bench --jsonl /tmp/td/sessions.jsonl --verbose

    python bench/third_domains.py --out DIR [--seed N]

Writes into DIR:
  run_XXXX.json(l)   one trace per run (.jsonl for Claude Code and Codex transcripts)
  sessions.jsonl     {"trace_file","task","success"} lines (runs), then {"query","task"} lines
  meta/manifest.json per-run details (format, model, failure kind and description, secrets) -- NOT for ingestion
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import string
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# ----------------------------------------------------------------------------------------------
# vocabulary
# ----------------------------------------------------------------------------------------------
FIRST_NAMES = [
    "Ayodele", "Birgit", "Cormac", "Dagny", "Eitan", "Fenna", "Giulia", "Harlan", "Ilse", "Jasper", "Kirra",
    "Lucian", "Marisol", "Niamh", "Orla", "Pietro", "Radu", "Saoirse", "Thandiwe", "Ugo", "Vikram", "Wiebke",
    "Xochitl", "Yannick", "Zainab", "Anouk", "Bjorn", "Callum", "Delphine", "Emre", "Florin", "Gwen", "Hatice",
    "Idris", "Jorunn", "Kwame", "Linnea", "Matteo", "Nkechi", "Oisin", "Petra", "Rashid", "Sunniva", "Tobias",
    "Ursula", "Valeria", "Wendell", "Yasmin", "Zeynep", "Aurelio", "Brigid", "Cyrus", "Dilnoza", "Eamon", "Faisal",
    "Hedda", "Ilan", "Josefine", "Kenji", "Lorcan", "Mirela", "Nuno", "Ottilie", "Quincy", "Rhiannon", "Stellan",
    "Talia", "Viggo", "Wilhelmina", "Agnieszka", "Bertrand", "Chidi", "Danae", "Ezra", "Fiadh", "Gaspard",
]  # fmt: skip
LAST_NAMES = [
    "Achterberg", "Bellamy", "Cardoso", "Dimitriou", "Ekwueme", "Fairbanks", "Galloway", "Hasegawa", "Ishikawa",
    "Jablonski", "Kariuki", "Lindgren", "Marchetti", "Nordahl", "Okonkwo", "Pellegrini", "Quarshie", "Rautio",
    "Sandoval", "Tiwari", "Vandenberg", "Wojcik", "Yamamoto", "Zapata", "Albescu", "Brandt", "Ceballos",
    "Drummond", "Elgin", "Fitzgerald", "Gallagher", "Halvorsen", "Iqbal", "Juarez", "Kellerman", "Lachance",
    "Mwangi", "Nakashima", "Oduya", "Prakash", "Rinaldi", "Strand", "Trujillo", "Vesely", "Whitfield", "Aldana",
    "Bergstrom", "Chowdhury", "Dupont", "Engstrom", "Falconer", "Grunewald", "Hollis", "Ivanova", "Kapoor",
]  # fmt: skip

# (display name, e-mail domain, GitHub/GitLab org, Slack workspace)
ORGS = [
    ("Pinecrest Robotics", "pinecrest.io", "pinecrest-robotics"),
    ("Lumen & Vale", "lumenvale.com", "lumenvale"),
    ("Greywater Analytics", "greywater.ai", "greywater-ai"),
    ("Solstice Health", "solstice-health.org", "solstice-health"),
    ("Fernhill Games", "fernhill.games", "fernhillgames"),
    ("Atlas Freight", "atlasfreight.net", "atlas-freight"),
    ("Mossbank Bio", "mossbank.bio", "mossbank"),
    ("Cobalt Learning", "cobaltlearning.com", "cobalt-learning"),
    ("Tidewater Energy", "tidewater-energy.com", "tidewater"),
    ("Orchard Street Media", "orchardstreet.media", "orchard-st"),
]
REPOS = [
    "api-gateway", "web-dashboard", "ingest-worker", "mobile-app", "search-indexer", "auth-service", "notifier",
    "data-pipeline", "design-system", "infra-charts", "route-planner", "media-transcoder", "scheduler",
    "telemetry-agent", "docs-site", "feature-flags",
]  # fmt: skip
FEATURES = [
    ("retry-backoff", "Add exponential backoff to webhook retries"),
    ("dark-mode-toggle", "Dark mode toggle in settings"),
    ("csv-export-timezone", "Fix timezone in CSV export"),
    ("rate-limit-headers", "Return RateLimit headers on 429"),
    ("cursor-pagination", "Cursor-based pagination for /v2/items"),
    ("oauth-pkce", "Support PKCE in the OAuth flow"),
    ("null-avatar-crash", "Fix crash when avatar_url is null"),
    ("bulk-archive", "Bulk archive endpoint"),
    ("metrics-labels", "Add tenant label to request metrics"),
    ("upload-resume", "Resumable uploads for large files"),
    ("locale-fallback", "Fall back to en-US when locale is missing"),
    ("graceful-shutdown", "Drain connections on SIGTERM"),
]
K8S_SERVICES = [
    "route-planner", "media-transcoder", "ingest-worker", "geo-lookup", "pricing-engine", "session-broker",
    "thumbnailer", "event-router", "quote-service", "ledger-sync",
]  # fmt: skip
K8S_NAMESPACES = ["routing", "media", "ingest", "platform", "pricing", "edge", "core", "streaming"]
K8S_CONTEXTS = ["prod-eu-west-1", "prod-us-east-2", "prod-ap-south-1", "gke_prod_europe-west4_main"]
# (legal name, domain, country, what they supply, [(PO line item, unit price)])
VENDORS = [
    (
        "Brightpath Logistics LLC",
        "brightpathlogistics.com",
        "US",
        "freight and courier services",
        [("pallet shipments to the Reno warehouse", 184.0), ("same-day courier runs", 46.5)],
    ),
    (
        "Kiln & Co Print Ltd",
        "kilnandco.co.uk",
        "GB",
        "print and event signage",
        [("roll-up banners", 95.0), ("A5 brochures (boxes of 500)", 210.0)],
    ),
    (
        "Nordlicht Software GmbH",
        "nordlicht-software.de",
        "DE",
        "software licences",
        [("annual licence seats", 420.0), ("premium support add-on", 3900.0)],
    ),
    (
        "Harbor Office Supply Inc",
        "harborofficesupply.com",
        "US",
        "office supplies",
        [('27" monitors', 289.0), ("ergonomic chairs", 640.0)],
    ),
    (
        "Quarry Cloud Ltd",
        "quarrycloud.io",
        "IE",
        "cloud hosting",
        [("reserved compute nodes (1 yr)", 2300.0), ("managed backup TB-months", 38.0)],
    ),
    (
        "Sable Ridge Catering",
        "sableridgecatering.com",
        "US",
        "event catering",
        [("catered lunches", 24.0), ("all-hands dinner covers", 85.0)],
    ),
    (
        "Vireo Translation Services",
        "vireo-translate.com",
        "CA",
        "translation services",
        [("hours of help-centre translation", 62.0), ("certified document translations", 140.0)],
    ),
    (
        "Moravia Lab Instruments s.r.o.",
        "moravialab.cz",
        "CZ",
        "lab equipment",
        [("lab pipette kits", 1150.0), ("centrifuge service visits", 780.0)],
    ),
    (
        "Corsair Security Consulting",
        "corsairsec.com",
        "US",
        "security consulting",
        [("penetration-test days", 1850.0), ("phishing simulation campaigns", 2600.0)],
    ),
    (
        "Meridian Furniture BV",
        "meridianfurniture.nl",
        "NL",
        "office furniture",
        [("sit-stand desks", 720.0), ("meeting-room tables", 1340.0)],
    ),
]
GREETS = ["hey", "hi there", "morning", "hello!", "hey, quick thing", "hiya", "good afternoon"]
THANKS = ["thanks!", "great, thank you", "perfect", "ty", "cheers!", "nice one, thanks", "awesome", "thx 🙏"]
WELCOME = ["You're welcome!", "Anytime.", "Glad to help.", "No problem — ping me if anything else comes up."]
YES = ["yes", "yep go ahead", "yes please", "do it", "confirmed", "sure, go", "y", "Yes, proceed."]

# Which models each format's runs come from, and how each tends to behave (narrate, extra lookup, confirm).
MODELS = {
    "openai": [("gpt-4o", 0.2, 0.3, 0.4), ("gpt-4.1", 0.4, 0.5, 0.4), ("gpt-4.1-mini", 0.1, 0.2, 0.2)],
    "anthropic": [
        ("claude-sonnet-4-5", 0.8, 0.5, 0.6),
        ("claude-opus-4-1", 0.9, 0.7, 0.7),
        ("claude-haiku-4-5", 0.4, 0.2, 0.3),
    ],
    "openai-responses": [("gpt-5", 0.3, 0.7, 0.5), ("o3", 0.2, 0.6, 0.4), ("gpt-4.1", 0.4, 0.4, 0.3)],
    "vercel-ui": [
        ("gpt-4o", 0.3, 0.3, 0.3),
        ("gemini-2.5-pro", 0.6, 0.5, 0.4),
        ("mistral-large-latest", 0.5, 0.3, 0.3),
    ],
    "vercel-model": [("claude-sonnet-4-5", 0.7, 0.4, 0.5), ("gemini-2.5-flash", 0.3, 0.3, 0.3)],
    "claude-code": [("claude-sonnet-4-5-20250929", 0.8, 0.6, 0.6), ("claude-opus-4-1-20250805", 0.9, 0.7, 0.7)],
    "codex": [("gpt-5-codex", 0.3, 0.6, 0.4), ("gpt-5", 0.2, 0.5, 0.3)],
}

SYSTEM_PROMPTS = {
    "eng": [
        "You are a coding assistant with access to the team's GitHub and a shell. Be concise. Today is {today}.",
        "You help the {org} engineering team with repository chores. Prefer small, reversible steps.",
    ],
    "data": [
        "You are a data analyst assistant for {org}. You can query the warehouse and run Python. Today is {today}.",
        "Answer data questions for {org}. Show the numbers you used. Warehouse is Snowflake; timezone UTC.",
    ],
    "office": [
        "You are {org}'s workplace assistant with access to mail, calendar, drive and chat. Today is {today}.",
        "You are a helpful executive assistant. Use the tools; confirm before sending anything on the user's behalf"
        " only if something is ambiguous.",
    ],
    "support": [
        "You are a support operations copilot for {org}'s helpdesk. Follow the support playbook. Today is {today}.",
        "You assist {org} support agents. Never promise refunds, deletions or legal outcomes yourself — route them.",
    ],
    "ops": [
        "You are an SRE assistant for {org}. You have kubectl through a bash tool, PagerDuty and Statuspage.",
        "On-call helper for {org}. Be careful with production; say what you changed. Today is {today}.",
    ],
    "fin": [
        "You are a finance operations assistant for {org}: expenses, purchasing and vendors. Today is {today}.",
        "You help {org}'s AP and procurement team. Follow the finance policy; bank detail changes need callback"
        " verification.",
    ],
}


# ----------------------------------------------------------------------------------------------
# small helpers
# ----------------------------------------------------------------------------------------------
def alnum(rng: random.Random, n: int, chars: str = string.ascii_letters + string.digits) -> str:
    return "".join(rng.choice(chars) for _ in range(n))


def hexs(rng: random.Random, n: int) -> str:
    return alnum(rng, n, "0123456789abcdef")


def iso(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def money(x: float, cur: str = "USD") -> str:
    sym = {"USD": "$", "EUR": "€", "GBP": "£"}.get(cur)
    return f"{sym}{x:,.2f}" if sym else f"{x:,.2f} {cur}"


def weekday(d: dt.date) -> dt.date:
    while d.weekday() >= 5:
        d += dt.timedelta(days=1)
    return d


def table(rows: list[list[str]], sep: str = "   ") -> str:
    """Column-aligned text, like kubectl or gh print for a terminal."""
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    return "\n".join(sep.join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows)


class Ctx:
    """Entity factory shared by all task types (one rng, so the whole set is deterministic)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def pick(self, seq: Any) -> Any:
        return self.rng.choice(list(seq))

    def sample(self, seq: Any, k: int) -> list[Any]:
        return self.rng.sample(list(seq), k)

    def org(self) -> dict[str, str]:
        name, domain, gh = self.pick(ORGS)
        return {"org_name": name, "domain": domain, "gh_org": gh}

    def person(self, domain: str) -> dict[str, str]:
        first, last = self.pick(FIRST_NAMES), self.pick(LAST_NAMES)
        style = self.rng.randrange(3)
        local = [f"{first}.{last}", f"{first[0]}{last}", f"{first}"][style].lower()
        login = self.pick(
            [f"{first}{last[0]}", f"{first[0]}{last}", f"{first}-{last}", f"{first}{self.rng.randint(7, 99)}"]
        )
        return {
            "first": first,
            "last": last,
            "name": f"{first} {last}",
            "email": f"{local}@{domain}",
            "login": login.lower(),
        }

    def when(self) -> dt.datetime:
        day = dt.date(2026, 1, 5) + dt.timedelta(days=self.rng.randrange(320))
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        return dt.datetime(
            day.year, day.month, day.day, self.rng.randint(7, 17), self.rng.randrange(60), self.rng.randrange(60)
        )

    def semver(self) -> tuple[int, int, int]:
        return (self.rng.choice([0, 1, 1, 2, 3, 4]), self.rng.randint(0, 24), self.rng.randint(0, 12))

    def secret(self, kind: str) -> str:
        r = self.rng
        if kind == "github":
            return "ghp_" + alnum(r, 36)
        if kind == "npm":
            return "npm_" + alnum(r, 36)
        if kind == "slack_webhook":
            return f"https://hooks.slack.com/services/T0{alnum(r, 8).upper()}/B0{alnum(r, 8).upper()}/{alnum(r, 24)}"
        if kind == "jwt":
            head = "eyJhbGciOiJSUzI1NiIsImtpZCI6I" + alnum(r, 22)
            body = "eyJpc3MiOiJrdWJlcm5ldGVzL3NlcnZpY2VhY2NvdW50Ii" + alnum(r, 60)
            return f"{head}.{body}.{alnum(r, 86, string.ascii_letters + string.digits + '-_')}"
        if kind == "statuspage":
            return hexs(r, 8) + "-" + hexs(r, 4) + "-" + hexs(r, 4) + "-" + hexs(r, 4) + "-" + hexs(r, 12)
        if kind == "password":
            return (
                r.choice(["Harbour", "Quill", "Marble", "Juniper", "Falcon"])
                + alnum(r, 3, string.digits)
                + r.choice("!#$%&*")
                + alnum(r, 5)
            )
        if kind == "pypi_index":
            return f"https://__token__:pypi-AgEIcHlwaS5vcmc{alnum(r, 40)}@pypi.internal.example/simple"
        raise ValueError(kind)


# ----------------------------------------------------------------------------------------------
# a run, before it is written in some format
# ----------------------------------------------------------------------------------------------
@dataclass
class Call:
    name: str
    args: dict[str, Any]
    result: Any  # str, or a JSON-able object
    error: bool = False
    kind: str = "tool"  # tool | bash | python
    exit_code: int = 0
    stderr: str = ""
    parallel: bool = False
    cid: str = ""


@dataclass
class Style:
    model: str
    narrate: float
    extra: bool
    confirm: bool
    verify: bool
    pretty: bool
    bash_json: bool
    sdk_errors: bool  # Responses runs: errors wrapped the Agents SDK way


class Run:
    """Collects one session as events: user text, assistant text, tool calls with results."""

    def __init__(self, rng: random.Random, role: str, style: Style, want_secret: bool) -> None:
        self.rng = rng
        self.role = role  # ok | fail | recover | noop
        self.style = style
        self.want_secret = want_secret
        self.ev: list[tuple[str, Any]] = []
        self.secrets: list[dict[str, str]] = []
        self.ncalls = 0

    @property
    def extra(self) -> bool:
        return self.style.extra

    @property
    def confirm(self) -> bool:
        return self.style.confirm

    @property
    def verify(self) -> bool:
        return self.style.verify

    def pick(self, *options: Any) -> Any:
        return self.rng.choice(options)

    def user(self, text: str) -> None:
        self.ev.append(("user", text))

    def say(self, text: str) -> None:
        self.ev.append(("text", text))

    def note(self, text: str) -> None:
        """Narration before a call; only talkative models say it."""
        if self.rng.random() < self.style.narrate:
            self.ev.append(("text", text))

    def call(self, name: str, args: dict[str, Any], result: Any, error: bool = False, parallel: bool = False) -> Any:
        self.ncalls += 1
        self.ev.append(("call", Call(name, args, result, error=error, parallel=parallel)))
        return result

    def sh(self, cmd: str, out: str = "", code: int = 0, err: str = "") -> str:
        self.ncalls += 1
        self.ev.append(
            ("call", Call("bash", {"command": cmd}, out, error=code != 0, kind="bash", exit_code=code, stderr=err))
        )
        return out

    def py(self, code: str, out: str, error: bool = False) -> str:
        self.ncalls += 1
        self.ev.append(("call", Call("python", {"code": code}, out, error=error, kind="python")))
        return out

    def secret(self, value: str, where: str) -> str:
        self.secrets.append({"value": value, "where": where})
        return value

    def ask_confirm(self, question: str) -> None:
        if self.confirm:
            self.say(question)
            self.user(self.pick(*YES))

    def thanks(self, p: float = 0.6, reply: float = 0.4) -> None:
        if self.rng.random() < p:
            self.user(self.pick(*THANKS))
            if self.rng.random() < reply:
                self.say(self.pick(*WELCOME))

    def silent_thanks(self) -> None:
        """A silent failure: the user is satisfied."""
        self.user(self.pick(*THANKS))
        if self.rng.random() < 0.4:
            self.say(self.pick(*WELCOME))


def ask(req: Any, v: dict[str, Any], r: Run) -> None:
    """Open the session with the request: a string, (first turn, second turn) sent back to back, or
    (first turn, agent reply, second turn)."""
    if isinstance(req, str):
        if r.rng.random() < 0.12:
            r.user(r.pick(*GREETS))
            r.say(r.pick("Hi! What can I do for you?", "Hey — what do you need?", "Hello! How can I help?"))
        r.user(req.format_map(v))
        return
    if len(req) == 2:
        r.user(req[0].format_map(v))
        r.user(req[1].format_map(v))
        return
    first, reply, second = req
    r.user(first.format_map(v))
    r.say(reply.format_map(v))
    r.user(second.format_map(v))


# ----------------------------------------------------------------------------------------------
# formats: a run's events as OpenAI chat, Anthropic Messages, Responses items, Vercel v5, Claude Code, Codex
# ----------------------------------------------------------------------------------------------
def turns(ev: list[tuple[str, Any]]) -> list[dict[str, Any]]:
    """Group events into user turns and assistant turns; an assistant turn is steps of (text, calls)."""
    out: list[dict[str, Any]] = []
    for kind, item in ev:
        if kind == "user":
            out.append({"role": "user", "text": item})
            continue
        if not out or out[-1]["role"] != "assistant":
            out.append({"role": "assistant", "steps": []})
        steps = out[-1]["steps"]
        if kind == "text":
            if steps and not steps[-1]["calls"]:
                steps[-1]["text"] += "\n\n" + item
            else:
                steps.append({"text": item, "calls": []})
        elif steps and (not steps[-1]["calls"] or item.parallel):
            steps[-1]["calls"].append(item)
        else:
            steps.append({"text": None, "calls": [item]})
    return out


class Clock:
    def __init__(self, start: dt.datetime, rng: random.Random) -> None:
        self.t, self.rng = start, rng

    def tick(self, lo: float = 0.4, hi: float = 9.0) -> str:
        self.t += dt.timedelta(seconds=self.rng.uniform(lo, hi))
        return self.t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{self.t.microsecond // 1000:03d}Z"


def as_text(obj: Any, pretty: bool) -> str:
    return obj if isinstance(obj, str) else json.dumps(obj, indent=2 if pretty else None, ensure_ascii=False)


def result_text(c: Call, st: Style) -> str:
    """What a generic harness hands back to the model for a call."""
    if c.kind == "bash":
        if st.bash_json:
            return json.dumps({"exit_code": c.exit_code, "stdout": c.result, "stderr": c.stderr})
        text = "\n".join(p for p in (c.result, c.stderr) if p)
        return f"{text}\n[exit code: {c.exit_code}]" if c.exit_code else (text or "(no output)")
    return as_text(c.result, st.pretty)


def assign_ids(run: Run, fmt: str) -> None:
    rng = run.rng
    if fmt in ("anthropic", "claude-code") or (fmt == "vercel-model" and "claude" in run.style.model):
        style = "toolu"
    elif fmt.startswith("vercel"):
        style = rng.choice(["call", "short"])
    else:
        style = "call"
    n = 0
    for kind, item in run.ev:
        if kind != "call":
            continue
        n += 1
        if style == "toolu":
            item.cid = "toolu_01" + alnum(rng, 22)
        elif style == "short":
            item.cid = f"tool_{n}_{hexs(rng, 8)}"
        else:
            item.cid = "call_" + alnum(rng, 24)


def w_openai(run: Run, meta: dict[str, Any]) -> Any:
    msgs: list[dict[str, Any]] = []
    if meta["system"]:
        msgs.append({"role": "system", "content": meta["system"]})
    for tn in turns(run.ev):
        if tn["role"] == "user":
            msgs.append({"role": "user", "content": tn["text"]})
            continue
        for step in tn["steps"]:
            m: dict[str, Any] = {"role": "assistant", "content": step["text"]}
            if step["calls"]:
                m["tool_calls"] = [
                    {"id": c.cid, "type": "function", "function": {"name": c.name, "arguments": json.dumps(c.args)}}
                    for c in step["calls"]
                ]
            msgs.append(m)
            msgs += [
                {"role": "tool", "tool_call_id": c.cid, "name": c.name, "content": result_text(c, run.style)}
                for c in step["calls"]
            ]
    return msgs


def w_anthropic(run: Run, meta: dict[str, Any]) -> Any:
    msgs: list[dict[str, Any]] = []

    def add(role: str, blocks: list[dict[str, Any]]) -> None:
        if msgs and msgs[-1]["role"] == role:
            prev = msgs[-1]["content"]
            if isinstance(prev, str):
                prev = [{"type": "text", "text": prev}]
            msgs[-1]["content"] = prev + blocks
        else:
            msgs.append({"role": role, "content": blocks})

    for tn in turns(run.ev):
        if tn["role"] == "user":
            if msgs and msgs[-1]["role"] == "user":
                add("user", [{"type": "text", "text": tn["text"]}])
            else:
                msgs.append({"role": "user", "content": tn["text"]})
            continue
        for step in tn["steps"]:
            blocks: list[dict[str, Any]] = []
            if step["text"]:
                blocks.append({"type": "text", "text": step["text"]})
            blocks += [{"type": "tool_use", "id": c.cid, "name": c.name, "input": c.args} for c in step["calls"]]
            add("assistant", blocks)
            results = []
            for c in step["calls"]:
                text = result_text(c, run.style)
                res: dict[str, Any] = {"type": "tool_result", "tool_use_id": c.cid}
                res["content"] = [{"type": "text", "text": text}] if run.rng.random() < 0.3 else text
                if c.error:
                    res["is_error"] = True
                results.append(res)
            if results:
                add("user", results)
    out: dict[str, Any] = {"model": meta["model"]}
    if meta["system"]:
        out["system"] = meta["system"]
    out["max_tokens"] = run.rng.choice([4096, 8192, 16000])
    out["messages"] = msgs
    return out


def w_responses(run: Run, meta: dict[str, Any]) -> Any:
    rng = run.rng
    items: list[dict[str, Any]] = []
    for tn in turns(run.ev):
        if tn["role"] == "user":
            if rng.random() < 0.5:
                items.append({"role": "user", "content": tn["text"]})
            else:
                items.append(
                    {"type": "message", "role": "user", "content": [{"type": "input_text", "text": tn["text"]}]}
                )
            continue
        for step in tn["steps"]:
            if meta["model"] in ("gpt-5", "o3") and rng.random() < 0.6:
                items.append({"type": "reasoning", "id": "rs_" + hexs(rng, 48), "summary": []})
            if step["text"]:
                items.append(
                    {
                        "type": "message",
                        "id": "msg_" + hexs(rng, 48),
                        "role": "assistant",
                        "status": "completed",
                        "content": [{"type": "output_text", "text": step["text"], "annotations": []}],
                    }
                )
            items += [
                {
                    "type": "function_call",
                    "id": "fc_" + hexs(rng, 48),
                    "call_id": c.cid,
                    "name": c.name,
                    "arguments": json.dumps(c.args, separators=(",", ":")),
                    "status": "completed",
                }
                for c in step["calls"]
            ]
            for c in step["calls"]:
                text = result_text(c, run.style)
                if c.error and c.kind == "tool" and run.style.sdk_errors:
                    text = "An error occurred while running the tool. Please try again. Error: " + text
                items.append({"type": "function_call_output", "call_id": c.cid, "output": text})
    return items


def _vercel_tool_part(c: Call, st: Style) -> dict[str, Any]:
    mcp = c.name.startswith("mcp__")
    part: dict[str, Any] = {"type": "dynamic-tool", "toolName": c.name} if mcp else {"type": f"tool-{c.name}"}
    part["toolCallId"] = c.cid
    if c.error:
        part.update(state="output-error", input=c.args, errorText=result_text(c, st))
    else:
        out: Any = c.result
        if c.kind == "bash":
            out = {"stdout": c.result, "stderr": c.stderr, "exitCode": c.exit_code}
        elif c.kind == "python":
            out = {"output": c.result}
        part.update(state="output-available", input=c.args, output=out)
    return part


def w_vercel_ui(run: Run, meta: dict[str, Any]) -> Any:
    rng = run.rng
    msgs: list[dict[str, Any]] = []
    for tn in turns(run.ev):
        mid = alnum(rng, 16)
        if tn["role"] == "user":
            msgs.append({"id": mid, "role": "user", "parts": [{"type": "text", "text": tn["text"]}]})
            continue
        parts: list[dict[str, Any]] = []
        for step in tn["steps"]:
            parts.append({"type": "step-start"})
            if step["text"]:
                parts.append({"type": "text", "text": step["text"], "state": "done"})
            parts += [_vercel_tool_part(c, run.style) for c in step["calls"]]
        msgs.append({"id": mid, "role": "assistant", "metadata": {"model": meta["model"]}, "parts": parts})
    return msgs


def w_vercel_model(run: Run, meta: dict[str, Any]) -> Any:
    msgs: list[dict[str, Any]] = []
    if meta["system"]:
        msgs.append({"role": "system", "content": meta["system"]})
    for tn in turns(run.ev):
        if tn["role"] == "user":
            msgs.append({"role": "user", "content": [{"type": "text", "text": tn["text"]}]})
            continue
        for step in tn["steps"]:
            content: list[dict[str, Any]] = []
            if step["text"]:
                content.append({"type": "text", "text": step["text"]})
            content += [
                {"type": "tool-call", "toolCallId": c.cid, "toolName": c.name, "input": c.args} for c in step["calls"]
            ]
            msgs.append({"role": "assistant", "content": content})
            if step["calls"]:
                results = []
                for c in step["calls"]:
                    if c.error:
                        output = {"type": "error-text", "value": result_text(c, run.style)}
                    elif isinstance(c.result, str) or c.kind != "tool":
                        output = {"type": "text", "value": result_text(c, run.style)}
                    else:
                        output = {"type": "json", "value": c.result}
                    results.append({"type": "tool-result", "toolCallId": c.cid, "toolName": c.name, "output": output})
                msgs.append({"role": "tool", "content": results})
    return msgs


# Claude Code's Bash tool carries a short description written by the model.
BASH_DESCRIPTIONS = [
    ("gh pr checks", "Check PR status checks"),
    ("gh run list", "List recent workflow runs"),
    ("--log-failed", "Show logs of failed jobs"),
    ("gh run rerun", "Rerun failed jobs"),
    ("gh run view", "Check run status"),
    ("gh release", "Create GitHub release"),
    ("gh pr create", "Open pull request"),
    ("git describe --tags --abbrev", "Find latest tag"),
    ("git describe", "Check whether HEAD is tagged"),
    ("git log", "List commits since last tag"),
    ("git tag -a", "Create annotated tag"),
    ("git tag -d", "Delete local tag"),
    ("git push", "Push to origin"),
    ("git checkout", "Switch branch"),
    ("git commit", "Commit changes"),
    ("npm ls", "Check installed version"),
    ("npm view", "Look up package version"),
    ("npm install", "Install new version"),
    ("npm test", "Run test suite"),
    ("pytest", "Run test suite"),
    ("grep", "Find pinned version"),
    ("sed -i", "Update pin and install"),
    ("pip", "Check pip configuration"),
    ("cat .npmrc", "Show npm config"),
    ("config current-context", "Show current kube context"),
    ("config view", "Show kubeconfig user"),
    ("logs", "Show previous container logs"),
    ("rollout status", "Wait for rollout"),
    ("rollout restart", "Restart deployment"),
    ("set resources", "Raise memory limit"),
    ("scale", "Scale deployment"),
    ("describe", "Describe pod"),
    ("jsonpath", "Get last termination reason"),
    ("get hpa", "Check for autoscaler"),
    ("get endpoints", "Check dependency endpoints"),
    ("get deploy", "Check deployment"),
    ("get pods", "List pods"),
]


def _cc_tool(c: Call) -> tuple[str, dict[str, Any]]:
    if c.kind == "bash":
        cmd = c.args["command"]
        desc = next((d for key, d in BASH_DESCRIPTIONS if key in cmd), " ".join(cmd.split()[:4]))
        return "Bash", {"command": cmd, "description": desc}
    return c.name, c.args


def w_claude_code(run: Run, meta: dict[str, Any]) -> Any:
    rng = run.rng
    clock = Clock(meta["start"], rng)
    lines: list[dict[str, Any]] = []
    base = {
        "isSidechain": False,
        "userType": "external",
        "cwd": meta["cwd"],
        "sessionId": meta["session_id"],
        "version": meta["cc_version"],
        "gitBranch": meta["git_branch"],
    }
    parent: list[str | None] = [None]

    def emit(kind: str, message: Any, **extra: Any) -> str:
        uid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        line = {
            "parentUuid": parent[0],
            **base,
            "type": kind,
            "message": message,
            "uuid": uid,
            "timestamp": clock.tick(),
        }
        line.update(extra)
        lines.append(line)
        parent[0] = uid
        return uid

    for tn in turns(run.ev):
        if tn["role"] == "user":
            emit("user", {"role": "user", "content": tn["text"]}, permissionMode="default")
            continue
        for i, step in enumerate(tn["steps"]):
            content: list[dict[str, Any]] = []
            if step["text"]:
                content.append({"type": "text", "text": step["text"]})
            for c in step["calls"]:
                name, args = _cc_tool(c)
                content.append({"type": "tool_use", "id": c.cid, "name": name, "input": args})
            last = i == len(tn["steps"]) - 1 and not step["calls"]
            message = {
                "model": meta["model"],
                "id": "msg_01" + alnum(rng, 22),
                "type": "message",
                "role": "assistant",
                "content": content,
                "stop_reason": "end_turn" if last else "tool_use",
                "stop_sequence": None,
                "usage": {
                    "input_tokens": rng.randint(3, 12),
                    "output_tokens": rng.randint(20, 400),
                    "cache_read_input_tokens": rng.randint(8000, 40000),
                },
            }
            a_uid = emit("assistant", message, requestId="req_011C" + alnum(rng, 18))
            for c in step["calls"]:
                text = (
                    result_text(c, run.style) if c.kind != "bash" else "\n".join(p for p in (c.result, c.stderr) if p)
                )
                res: dict[str, Any] = {"tool_use_id": c.cid, "type": "tool_result"}
                if c.kind == "bash" and c.exit_code:
                    text = f"Exit code {c.exit_code}\n{text}"
                res["content"] = text
                res["is_error"] = bool(c.error)
                if c.error:
                    tur: Any = "Error: " + text
                elif c.kind == "bash":
                    tur = {"stdout": c.result, "stderr": c.stderr, "interrupted": False, "isImage": False}
                else:
                    tur = [{"type": "text", "text": text}]
                emit(
                    "user",
                    {"role": "user", "content": [res]},
                    toolUseResult=tur,
                    sourceToolAssistantUUID=a_uid,
                )
    if meta.get("title"):
        lines.insert(0, {"type": "summary", "summary": meta["title"], "leafUuid": parent[0]})
    return lines


def w_codex(run: Run, meta: dict[str, Any]) -> Any:
    rng = run.rng
    clock = Clock(meta["start"], rng)
    sid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    start = clock.tick()
    lines: list[dict[str, Any]] = [
        {
            "timestamp": start,
            "type": "session_meta",
            "payload": {
                "id": sid,
                "timestamp": start,
                "cwd": meta["cwd"],
                "originator": "codex_cli_rs",
                "cli_version": meta["codex_version"],
                "model_provider": "openai",
                "git": {"branch": meta["git_branch"]},
            },
        }
    ]
    first = True
    for tn in turns(run.ev):
        if tn["role"] == "user":
            ctx = {
                "cwd": meta["cwd"],
                "approval_policy": "on-request",
                "sandbox_policy": {"mode": "workspace-write"},
                "model": meta["model"],
            }
            lines.append({"timestamp": clock.tick(), "type": "turn_context", "payload": ctx})
            if first:
                env = (
                    f"<environment_context>\n  <cwd>{meta['cwd']}</cwd>\n  "
                    "<approval_policy>on-request</approval_policy>"
                    "\n  <sandbox_mode>workspace-write</sandbox_mode>\n  <network_access>enabled</network_access>"
                    "\n  <shell>bash</shell>\n</environment_context>"
                )
                lines.append(
                    {
                        "timestamp": clock.tick(0.0, 0.1),
                        "type": "response_item",
                        "payload": {
                            "type": "message",
                            "role": "user",
                            "content": [{"type": "input_text", "text": env}],
                        },
                    }
                )
                first = False
            lines.append(
                {
                    "timestamp": clock.tick(0.0, 0.2),
                    "type": "response_item",
                    "payload": {
                        "type": "message",
                        "role": "user",
                        "content": [{"type": "input_text", "text": tn["text"]}],
                    },
                }
            )
            continue
        for step in tn["steps"]:
            if step["text"]:
                lines.append(
                    {
                        "timestamp": clock.tick(),
                        "type": "response_item",
                        "payload": {
                            "type": "message",
                            "role": "assistant",
                            "content": [{"type": "output_text", "text": step["text"]}],
                        },
                    }
                )
            for c in step["calls"]:
                args = {"command": ["bash", "-lc", c.args["command"]], "workdir": meta["cwd"], "timeout_ms": 120000}
                lines.append(
                    {
                        "timestamp": clock.tick(),
                        "type": "response_item",
                        "payload": {
                            "type": "function_call",
                            "name": "shell",
                            "arguments": json.dumps(args),
                            "call_id": c.cid,
                        },
                    }
                )
                output = "\n".join(p for p in (c.result, c.stderr) if p)
                took = round(rng.uniform(0.05, 14.0), 1)
                lines.append(
                    {
                        "timestamp": clock.tick(0.1, took + 0.2),
                        "type": "event_msg",
                        "payload": {
                            "type": "exec_command_end",
                            "call_id": c.cid,
                            "exit_code": c.exit_code,
                            "aggregated_output": output,
                        },
                    }
                )
                body = {"output": output, "metadata": {"exit_code": c.exit_code, "duration_seconds": took}}
                lines.append(
                    {
                        "timestamp": clock.tick(0.0, 0.01),
                        "type": "response_item",
                        "payload": {"type": "function_call_output", "call_id": c.cid, "output": json.dumps(body)},
                    }
                )
    return lines


WRITERS: dict[str, tuple[Callable[[Run, dict[str, Any]], Any], str]] = {
    "openai": (w_openai, "json"),
    "anthropic": (w_anthropic, "json"),
    "openai-responses": (w_responses, "json"),
    "vercel-ui": (w_vercel_ui, "json"),
    "vercel-model": (w_vercel_model, "json"),
    "claude-code": (w_claude_code, "jsonl"),
    "codex": (w_codex, "jsonl"),
}


# ----------------------------------------------------------------------------------------------
# task types
# ----------------------------------------------------------------------------------------------
@dataclass
class Task:
    id: str
    domain: str
    desc: str
    formats: list[str]
    fail_kind: str  # visible | silent
    fail_desc: str
    vals: Callable[[Ctx, int], dict[str, Any]]
    build: Callable[[Run, dict[str, Any]], None]
    requests: list[Any]
    queries: list[str]
    roles: tuple[str, ...] = ()  # besides ok/fail: "recover" (error fixed, success), "noop" (nothing to do)
    secret: bool = False
    tools: list[str] = field(default_factory=list)


TASKS: list[Task] = []


def base(c: Ctx) -> dict[str, Any]:
    v: dict[str, Any] = c.org()
    v["me"] = c.person(v["domain"])
    v["when"] = c.when()
    v["today"] = v["when"].date().isoformat()
    return v


def asked(v: dict[str, Any], key: str) -> bool:
    """Whether the request template used for this run mentions {key}."""
    return "{" + key + "}" in str(v.get("_req", ""))


# ---- software engineering -------------------------------------------------------------------------------
def repo_vals(c: Ctx) -> dict[str, Any]:
    v = base(c)
    v["repo"] = c.pick(REPOS)
    v["owner"] = v["gh_org"]
    v["repo_full"] = f"{v['owner']}/{v['repo']}"
    slug, title = c.pick(FEATURES)
    v["slug"], v["title"] = slug, title
    v["feature"] = slug.replace("-", " ")
    return v


def gh_pr(v: dict[str, Any], number: int, head: str, base_ref: str, title: str, author: str, t: dt.datetime) -> dict:
    return {
        "number": number,
        "title": title,
        "state": "open",
        "draft": False,
        "html_url": f"https://github.com/{v['repo_full']}/pull/{number}",
        "user": {"login": author},
        "head": {"ref": head, "sha": hexs(random.Random(number), 40)},
        "base": {"ref": base_ref},
        "created_at": iso(t),
        "mergeable_state": "unknown",
    }


def v_open_pr(c: Ctx, i: int) -> dict[str, Any]:
    v = repo_vals(c)
    kind = "fix" if v["title"].startswith("Fix") else "feat"
    v["branch"] = c.pick([f"{kind}/{v['slug']}", f"{v['me']['login']}/{v['slug']}", f"{kind}-{v['slug']}"])
    v["base"] = c.pick(["main", "main", "main", "develop"])
    r1, r2 = c.person(v["domain"]), c.person(v["domain"])
    v["rev1"], v["rev2"], v["rev1_name"], v["rev2_name"] = r1["login"], r2["login"], r1["first"], r2["first"]
    v["pr"] = c.rng.randint(120, 4200)
    v["shas"] = [hexs(c.rng, 40) for _ in range(3)]
    return v


def b_open_pr(r: Run, v: dict[str, Any]) -> None:
    o, repo, head, base_ref = v["owner"], v["repo"], v["branch"], v["base"]
    me = v["me"]["login"]
    reviewers = [v["rev1"], v["rev2"]] if asked(v, "rev2") else [v["rev1"]]
    msgs = [v["title"], "Address review nits", "Add tests"]
    if r.extra:
        r.note(f"Checking what is on `{head}` first.")
        commits = [
            {"sha": s, "commit": {"message": m, "author": {"name": v["me"]["name"], "date": iso(v["when"])}}}
            for s, m in zip(v["shas"], msgs[::-1], strict=True)
        ]
        r.call("mcp__github__list_commits", {"owner": o, "repo": repo, "sha": head, "perPage": 5}, commits)
    body = r.pick(
        f"## Summary\n{v['title']}.\n\n## Testing\n- unit tests pass locally\n- CI",
        f"{v['title']}.\n\nCloses the {v['feature']} work.",
        f"### What\n{v['title']}\n\n### Why\nRequested by @{me}.",
    )
    args = {"owner": o, "repo": repo, "title": v["title"], "head": head, "base": base_ref, "body": body}
    url = f"https://api.github.com/repos/{o}/{repo}/pulls"
    if r.role == "recover":
        wrong = head.split("/")[-1] if "/" in head else "feature/" + head
        r.call(
            "mcp__github__create_pull_request",
            {**args, "head": wrong},
            f"failed to create pull request: POST {url}: 422 Validation Failed "
            "[{Resource:PullRequest Field:head Code:invalid Message:}]",
            error=True,
        )
        r.say(
            r.pick(
                "GitHub rejected the head ref — let me look up the exact branch name.",
                "Wrong branch name; listing branches.",
            )
        )
        branches = [
            {"name": b, "protected": b in ("main", "develop")} for b in ("main", "develop", head, "renovate/configure")
        ]
        r.call("mcp__github__list_branches", {"owner": o, "repo": repo, "perPage": 50}, branches)
    if r.role == "fail":
        err = f"failed to create pull request: POST {url}: 403 Resource not accessible by integration []"
        r.note("Opening the pull request.")
        r.call("mcp__github__create_pull_request", args, err, error=True)
        if r.rng.random() < 0.5:
            r.call("mcp__github__create_pull_request", args, err, error=True)
        r.say(
            r.pick(
                f"I couldn't open the PR: GitHub answers 403 'Resource not accessible by integration', so the token I "
                f"use has no pull-request write access on {v['repo_full']}. You'll have to open it from the web UI "
                "or ask an org admin to grant the app that permission.",
                f"Sorry — creating the PR fails with a 403 on {v['repo_full']} (the integration isn't allowed to "
                "write pull requests there). Nothing was created.",
            )
        )
        if r.rng.random() < 0.5:
            r.user(r.pick("annoying. ok I'll do it myself", "hm ok"))
        return
    r.note(r.pick("Opening the PR now.", f"Creating the pull request {head} → {base_ref}."))
    pr = gh_pr(v, v["pr"], head, base_ref, v["title"], me, v["when"])
    r.call("mcp__github__create_pull_request", args, pr)
    pr_rev = {**pr, "requested_reviewers": [{"login": x, "type": "User"} for x in reviewers]}
    r.call(
        "mcp__github__update_pull_request",
        {"owner": o, "repo": repo, "pullNumber": v["pr"], "reviewers": reviewers},
        pr_rev,
    )
    who = " and ".join("@" + x for x in reviewers)
    r.say(
        r.pick(
            f"Done — opened #{v['pr']} ({head} → {base_ref}): {pr['html_url']}\nReview requested from {who}.",
            f'PR is up: {pr["html_url"]}. Title "{v["title"]}", targeting `{base_ref}`, reviewers: {who}.',
        )
    )
    r.thanks()


TASKS.append(
    Task(
        id="gh_open_pr",
        domain="eng",
        desc="Open a GitHub pull request from a branch and request reviewers (GitHub MCP)",
        formats=["claude-code", "anthropic", "openai"],
        fail_kind="visible",
        fail_desc="create_pull_request returns 403 'Resource not accessible by integration'; the agent gives up",
        vals=v_open_pr,
        build=b_open_pr,
        roles=("recover",),
        requests=[
            'open a PR from {branch} into {base} on {repo_full}, title "{title}", ask @{rev1} to review',
            "Hey! Could you put up a pull request for my branch `{branch}` in {repo_full}? It should target {base}. "
            'Title can be "{title}". {rev1_name} and {rev2_name} should review it (@{rev1}, @{rev2}).',
            "pr pls: {repo_full} {branch} -> {base}, reviewer @{rev1}",
            "can u opne a pull reqest for {branch} (repo {repo_full}) against {base}? title '{title}'. reviewr: {rev1}",
            "I just finished the {feature} work and pushed it to `{branch}`. CI was green on my fork. Please open the "
            'PR against {base} in {repo_full} with the title "{title}" and a short description; add @{rev1} as '
            "reviewer.",
            (
                "I need a PR opened on GitHub",
                "Sure — which repository and branch, and which branch should it target?",
                'it\'s {repo_full}, branch {branch} into {base}. call it "{title}" and request a review from @{rev1}',
            ),
            (
                "can you open the pull request for the {feature} change",
                "Happy to. Which repo is it in, and who should review it?",
                "{repo_full}, branch is {branch} → {base}. @{rev1} please. title: {title}",
            ),
        ],
        queries=[
            "Create a merge request on GitHub for branch {branch} of {repo_full} so {rev1_name} can look at it",
            "raise a pull request {branch}→{base} in {repo}",
            "Please submit my {feature} branch for code review — repo {repo_full}, base {base}, with @{rev2} as the "
            "reviewer and a title along the lines of '{title}'.",
        ],
        tools=["mcp__github__list_commits", "mcp__github__create_pull_request", "mcp__github__update_pull_request"],
    )
)


# ---- CI rerun -------------------------------------------------------------------------------------------
FLAKY_LOGS = [
    "Error: connect ETIMEDOUT 140.82.112.4:443\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1595:16)",
    "playwright._impl._errors.TimeoutError: Page.goto: Timeout 30000ms exceeded.\nCall log:\n  - navigating to "
    '"http://localhost:4173/login", waiting until "load"',
    "fatal: unable to access 'https://github.com/actions/cache/': The requested URL returned error: 502",
    'Error response from daemon: Get "https://registry-1.docker.io/v2/": net/http: request canceled while waiting '
    "for connection (Client.Timeout exceeded while awaiting headers)",
]
REAL_LOGS = [
    "FAILED tests/test_orders.py::test_total_includes_discount - AssertionError: assert 90.0 == 81.0",
    '  ● CartSummary › renders currency symbol\n\n    expect(received).toBe(expected)\n\n    Expected: "€12.00"\n'
    '    Received: "EUR 12.00"',
    "--- FAIL: TestParseCursor (0.00s)\n    cursor_test.go:41: got offset 20, want 0",
    "error[E0308]: mismatched types\n  --> src/planner.rs:212:24\n   |\n212 |         Some(route) => route.eta,\n"
    "   |                        ^^^^^^^^^ expected `Duration`, found `u64`",
]
CI_JOBS = [
    "integration-tests (3.11)",
    "e2e (chromium)",
    "unit",
    "build (ubuntu-latest)",
    "test (node 20)",
    "docker-build",
]


def v_ci(c: Ctx, i: int) -> dict[str, Any]:
    v = repo_vals(c)
    v["pr"] = c.rng.randint(300, 5200)
    v["branch"] = f"{c.pick(['feat', 'fix', 'chore'])}/{v['slug']}"
    v["run_id"] = c.rng.randint(10**10, 2 * 10**10)
    v["other_run"] = v["run_id"] - c.rng.randint(5, 60)
    v["job"] = c.pick(CI_JOBS)
    v["job_id"] = c.rng.randint(3 * 10**10, 4 * 10**10)
    v["workflow"] = c.pick(["CI", "ci", "Test & Build", "checks"])
    v["flaky"] = i % 2 == 0
    v["log"] = c.pick(FLAKY_LOGS if v["flaky"] else REAL_LOGS)
    return v


def _checks(v: dict[str, Any], failing: bool) -> str:
    runs = f"https://github.com/{v['repo_full']}/actions/runs/{v['run_id']}/job"
    rows = [
        (v["job"], "fail" if failing else "pass", "6m41s", f"{runs}/{v['job_id']}"),
        ("lint", "pass", "38s", f"{runs}/{v['job_id'] + 3}"),
        ("typecheck", "pass", "1m12s", f"{runs}/{v['job_id'] + 5}"),
        ("build", "pass", "2m55s", f"{runs}/{v['job_id'] + 8}"),
    ]
    return "\n".join("\t".join(row) + "\t" for row in rows)


def b_ci(r: Run, v: dict[str, Any]) -> None:
    repo, pr, rid = v["repo_full"], v["pr"], v["run_id"]
    r.note(r.pick(f"Looking at the checks on #{pr}.", "Let me see which checks failed."))
    if r.role == "noop":
        r.sh(f"gh pr checks {pr} --repo {repo}", _checks(v, failing=False))
        r.say(
            r.pick(
                f"All checks on #{pr} are passing now (the {v['job']} job is green too) — nothing to rerun.",
                f"Nothing to do: every check on #{pr} is green. Maybe someone re-ran it already.",
            )
        )
        r.thanks(0.4)
        return
    r.sh(f"gh pr checks {pr} --repo {repo}", _checks(v, failing=True), code=1)
    run_id = rid
    if r.extra or r.role == "fail":
        listing = table(
            [
                ["STATUS", "TITLE", "WORKFLOW", "BRANCH", "EVENT", "ID", "ELAPSED", "AGE"],
                ["X", v["title"], v["workflow"], v["branch"], "pull_request", str(rid), "6m58s", "about 2 hours ago"],
                ["✓", v["title"], v["workflow"], v["branch"], "pull_request", str(v["other_run"]), "7m2s", "1 day ago"],
            ]
        )
        if r.role == "fail":
            listing = table(
                [
                    ["STATUS", "TITLE", "WORKFLOW", "BRANCH", "EVENT", "ID", "ELAPSED", "AGE"],
                    [
                        "X",
                        "nightly",
                        v["workflow"],
                        "main",
                        "schedule",
                        str(v["other_run"]),
                        "9m40s",
                        "about 1 hour ago",
                    ],
                    [
                        "X",
                        v["title"],
                        v["workflow"],
                        v["branch"],
                        "pull_request",
                        str(rid),
                        "6m58s",
                        "about 2 hours ago",
                    ],
                ]
            )
            r.sh(f"gh run list --repo {repo} --workflow '{v['workflow']}' --limit 5", listing)
            run_id = v["other_run"]
        else:
            r.sh(f"gh run list --repo {repo} --branch {v['branch']} --limit 3", listing)
    log = (
        f"{v['job']}\tRun tests\t{iso(v['when'])} {v['log']}\n{v['job']}\tRun tests\t##[error]Process completed with "
        "exit code 1."
    )
    r.sh(f"gh run view {run_id} --repo {repo} --log-failed | tail -n 25", log)
    if not v["flaky"] and r.role != "fail":
        r.say(
            r.pick(
                f"I didn't rerun it: `{v['job']}` fails on a real assertion, not infrastructure —\n\n```\n"
                f"{v['log'].splitlines()[0]}\n```\nA rerun would fail the same way; the change on `{v['branch']}` "
                "needs a fix.",
                f"This one isn't flaky. The failure in {v['job']} is a genuine test failure "
                f"({v['log'].splitlines()[0]}), "
                "so rerunning won't help. Want me to look at the test?",
            )
        )
        r.thanks(0.5)
        return
    r.note("That's an infrastructure hiccup — rerunning only the failed jobs.")
    r.sh(f"gh run rerun {run_id} --failed --repo {repo}", f"✓ Requested rerun (failed jobs) of run {run_id}")
    if r.verify:
        r.sh(
            f"gh run view {run_id} --repo {repo} --json status,conclusion",
            json.dumps({"conclusion": "", "status": "in_progress"}),
        )
    if r.role == "fail":
        r.say(
            f"Re-ran the failed jobs of run {run_id}; it's in progress now. #{pr} should go green if it was just the "
            "flake."
        )
        r.silent_thanks()
        return
    r.say(
        r.pick(
            f"It was a flake ({v['log'].splitlines()[0][:70]}…). Re-ran the failed job of run {run_id}; it's running "
            "now.",
            f"Rerun requested for the failed jobs in run {run_id} on #{pr}.",
        )
    )
    r.thanks()


TASKS.append(
    Task(
        id="ci_rerun_failed",
        domain="eng",
        desc="Rerun a PR's failed CI jobs when the failure is flaky infrastructure; report real test failures instead",
        formats=["claude-code", "codex", "openai"],
        fail_kind="silent",
        fail_desc="picks the first failed run in `gh run list` (a nightly on main) and reruns that instead of the "
        "PR's run",
        vals=v_ci,
        build=b_ci,
        roles=("noop",),
        requests=[
            "CI on #{pr} in {repo_full} failed again, probably flaky. rerun the failed jobs?",
            "rerun failed checks on {repo_full}#{pr}",
            "Hi — my PR #{pr} ({repo_full}) has a red {job} job. If it's just a flake, could you kick off a re-run of "
            "the failed jobs? If it's a real failure tell me what broke.",
            "the {workflow} workflow on pr {pr} is red, can u retrigger it. repo is {repo}",
            "Context: we've had network timeouts on the runners all week. {repo_full} PR #{pr} just failed {job}. "
            "Please rerun only what failed, unless it's an actual test failure.",
            (
                "can you look at a failing CI run for me?",
                "Sure — which repo and PR?",
                "{repo_full}, #{pr}. rerun it if it's flaky",
            ),
            "pls retry ci for #{pr} ({repo}) - {job} died",
            (
                "can you rerun the failed jobs on {repo_full}#{pr}",
                "only if it's a flake tho, if a test is actually broken just tell me",
            ),
        ],
        queries=[
            "The GitHub Actions build for pull request {pr} on {repo} timed out — restart just the failed jobs",
            "retrigger failing workflow {workflow} on {repo_full} PR {pr}",
            "is the red check on my PR a flake? if so re-run it",
        ],
        tools=["bash"],
    )
)


# ---- release tagging ------------------------------------------------------------------------------------
def v_release(c: Ctx, i: int) -> dict[str, Any]:
    v = repo_vals(c)
    ma, mi, pa = c.semver()
    v["prev"] = f"v{ma}.{mi}.{pa}"
    v["bump"] = c.pick(["patch", "minor"])
    v["next"] = f"v{ma}.{mi}.{pa + 1}" if v["bump"] == "patch" else f"v{ma}.{mi + 1}.0"
    v["head"] = hexs(c.rng, 40)
    v["cwd"] = f"/home/{v['me']['first'].lower()}/src/{v['repo']}"
    v["commits"] = [(hexs(c.rng, 7), t) for _, t in c.sample(FEATURES, c.rng.randint(2, 5))]
    v["token"] = c.secret("github")
    return v


def b_release(r: Run, v: dict[str, Any]) -> None:
    prev, nxt, head = v["prev"], v["next"], v["head"]
    r.note(r.pick("First, the latest tag.", "Fetching tags to see where we are."))
    r.sh("git fetch --tags origin && git describe --tags --abbrev=0", f"From github.com:{v['repo_full']}\n{prev}")
    if r.role == "noop":
        r.sh("git describe --tags --exact-match HEAD", prev)
        r.sh(
            f"gh release view {prev} --json tagName,publishedAt",
            json.dumps({"publishedAt": iso(v["when"]), "tagName": prev}),
        )
        r.say(
            r.pick(
                f"Nothing to release: HEAD is already tagged {prev} and that release is published. No commits since.",
                f"{prev} already points at the current HEAD and the GitHub release exists, so there's nothing new to "
                "tag.",
            )
        )
        r.thanks(0.5)
        return
    r.sh("git describe --tags --exact-match HEAD", "", code=128, err=f"fatal: no tag exactly matches '{head}'")
    if r.extra:
        log = "\n".join(f"{s} {t}" for s, t in v["commits"])
        r.sh(f"git log {prev}..HEAD --oneline", log)
    r.ask_confirm(f"{len(v['commits'])} commits since {prev}. I'll tag HEAD ({head[:7]}) as {nxt} and push it — ok?")
    r.sh(f'git tag -a {nxt} -m "Release {nxt}"', "")
    if r.role == "fail":
        err = (
            f"remote: error: GH013: Repository rule violations found for refs/tags/{nxt}.\nremote: Review all "
            f"repository rules at https://github.com/{v['repo_full']}/rules?ref=refs%2Ftags%2F{nxt}\nremote: \n"
            "remote: - Cannot create ref due to creations being restricted.\nremote: \n"
            f"To github.com:{v['repo_full']}.git\n ! [remote rejected] {nxt} -> {nxt} (push declined due to repository "
            f"rule violations)\nerror: failed to push some refs to 'github.com:{v['repo_full']}.git'"
        )
        r.sh(f"git push origin {nxt}", "", code=1, err=err)
        r.sh(f"git tag -d {nxt}", f"Deleted tag '{nxt}' (was {hexs(r.rng, 7)})")
        r.say(
            f"The push was rejected: a repository ruleset on {v['repo_full']} restricts who can create tags, and my "
            f"credentials aren't on the bypass list. I deleted the local {nxt} tag so nothing is half-done. Someone "
            "with release permissions needs to push the tag."
        )
        return
    push = f"To github.com:{v['repo_full']}.git\n * [new tag]         {nxt} -> {nxt}"
    r.sh(f"git push origin {nxt}", "", err=push)
    cmd = f'gh release create {nxt} --title "{nxt}" --generate-notes --verify-tag'
    if r.want_secret:
        cmd = f"GH_TOKEN={r.secret(v['token'], 'GitHub token in a shell command')} " + cmd
    r.sh(cmd, f"https://github.com/{v['repo_full']}/releases/tag/{nxt}")
    r.say(
        r.pick(
            f"Released {nxt}: tag pushed and release created with generated notes — "
            f"https://github.com/{v['repo_full']}/releases/tag/{nxt}",
            f"Tagged {head[:7]} as {nxt} ({v['bump']} bump from {prev}), pushed, and published the GitHub release.",
        )
    )
    r.thanks()


TASKS.append(
    Task(
        id="release_tag",
        domain="eng",
        desc="Cut a release: find the last tag, create and push the next semver tag, publish a GitHub release",
        formats=["claude-code", "codex", "anthropic"],
        fail_kind="visible",
        fail_desc="`git push` of the tag is rejected by a repository ruleset; the agent deletes the local tag and "
        "stops",
        vals=v_release,
        build=b_release,
        roles=("noop",),
        secret=True,
        requests=[
            "tag a new {bump} release of {repo} and publish it on github",
            "Can you cut {next} for {repo_full}? Tag current main and create the GitHub release with auto-generated "
            "notes.",
            "release time 🎉 — {bump} bump please, repo {repo}",
            "plz make a relase {next}, pushd everything to main already",
            "We're shipping the {feature} fix to customers today. I'm in the {repo} checkout. Please create the "
            "next {bump} version tag, push it, and make the GitHub release.",
            ("can you do a release for me", "Sure — which repo, and is it a patch or a minor?", "{repo}, {bump}"),
        ],
        queries=[
            "publish version {next} of {repo_full}: git tag + GitHub release notes",
            "bump the {bump} version and ship a release of {repo}",
            "create release {next}",
        ],
        tools=["bash"],
    )
)


# ---- code review comments -------------------------------------------------------------------------------
REVIEW_ISSUES = [
    (
        "src/handlers/upload.py",
        88,
        "This swallows every exception — catch `TimeoutError` only and re-raise the rest.",
        "the swallowed exceptions",
    ),
    (
        "src/api/items.ts",
        142,
        "`cursor` is never validated; a malformed value throws a 500 instead of a 400.",
        "the unvalidated cursor",
    ),
    (
        "internal/retry/backoff.go",
        37,
        "Backoff has no upper bound; cap it (e.g. 30s) or retries can sleep for hours.",
        "the unbounded retry backoff",
    ),
    ("app/models/session.rb", 54, "N+1 query here: preload `user` in the scope.", "an N+1 query"),
    (
        "lib/export/csv.ts",
        19,
        "Dates are formatted in local time; the issue asked for UTC.",
        "export dates in local time instead of UTC",
    ),
    (
        "src/auth/pkce.py",
        63,
        "Use `secrets.token_urlsafe` instead of `random` for the code verifier.",
        "a non-cryptographic PKCE verifier",
    ),
]


def v_review(c: Ctx, i: int) -> dict[str, Any]:
    v = repo_vals(c)
    v["pr"] = c.rng.randint(200, 6000)
    author = c.person(v["domain"])
    v["author"], v["author_first"] = author["login"], author["first"]
    picked = c.sample(REVIEW_ISSUES, 2)
    v["path1"], v["line1"], v["c1"], v["issue1"] = picked[0]
    v["path2"], v["line2"], v["c2"], _ = picked[1]
    v["event"] = "REQUEST_CHANGES" if i % 2 == 0 else "COMMENT"
    v["verdict"] = "request changes" if v["event"] == "REQUEST_CHANGES" else "just comment, don't block it"
    return v


def b_review(r: Run, v: dict[str, Any]) -> None:
    o, repo, n = v["owner"], v["repo"], v["pr"]
    if r.extra:
        r.note(f"Pulling up #{n} first.")
        pr = gh_pr(v, n, f"feat/{v['slug']}", "main", v["title"], v["author"], v["when"])
        r.call("mcp__github__get_pull_request", {"owner": o, "repo": repo, "pullNumber": n}, pr)
    files = [
        {
            "filename": p,
            "status": "modified",
            "additions": r.rng.randint(4, 90),
            "deletions": r.rng.randint(0, 30),
            "patch": f"@@ -{ln - 6},8 +{ln - 6},14 @@\n ...\n+    # changed near line {ln}\n ...",
        }
        for p, ln in ((v["path1"], v["line1"]), (v["path2"], v["line2"]))
    ]
    r.note("Reading the diff.")
    r.call("mcp__github__get_pull_request_files", {"owner": o, "repo": repo, "pullNumber": n}, files)
    event = "APPROVE" if r.role == "fail" else v["event"]
    comments = [
        {"path": v["path1"], "line": v["line1"], "side": "RIGHT", "body": v["c1"]},
        {"path": v["path2"], "line": v["line2"], "side": "RIGHT", "body": v["c2"]},
    ]
    body = r.pick(
        "Thanks for this! A couple of things inline.",
        "Left two comments inline; the first one is the important one.",
        f"Nice work on the {v['feature']} change — two notes below.",
    )
    args = {"owner": o, "repo": repo, "pullNumber": n, "event": event, "body": body, "comments": comments}
    state = {"REQUEST_CHANGES": "CHANGES_REQUESTED", "COMMENT": "COMMENTED", "APPROVE": "APPROVED"}[event]
    res = {
        "id": r.rng.randint(10**9, 3 * 10**9),
        "state": state,
        "html_url": f"https://github.com/{v['repo_full']}/pull/{n}#pullrequestreview-{r.rng.randint(10**9, 3 * 10**9)}",
        "user": {"login": v["me"]["login"]},
        "submitted_at": iso(v["when"]),
    }
    r.call("mcp__github__create_pull_request_review", args, res)
    if r.role == "fail":
        r.say(f"Review posted on #{n} with both comments ({v['path1']}:{v['line1']} and {v['path2']}:{v['line2']}).")
        r.silent_thanks()
        return
    verdict = "requested changes" if event == "REQUEST_CHANGES" else "left a non-blocking review"
    r.say(
        r.pick(
            f"Done — {verdict} on #{n} with two inline comments:\n- {v['path1']}:{v['line1']}: {v['c1']}\n"
            f"- {v['path2']}:{v['line2']}: {v['c2']}",
            f"I {verdict} on {v['repo_full']}#{n} ({v['path1']} L{v['line1']}, {v['path2']} L{v['line2']}).",
        )
    )
    r.thanks()


TASKS.append(
    Task(
        id="pr_review_comments",
        domain="eng",
        desc="Submit a pull-request review with inline comments (request changes or comment only) via GitHub MCP",
        formats=["claude-code", "anthropic", "vercel-ui"],
        fail_kind="silent",
        fail_desc="submits the review with event APPROVE although the user asked to request changes / only comment",
        vals=v_review,
        build=b_review,
        requests=[
            "review #{pr} in {repo_full} and {verdict}: on {path1} line {line1} — {c1} Also {path2}:{line2}: {c2}",
            "Can you leave review comments on {author_first}'s PR {repo}#{pr}? Two things: in {path1} (around line "
            "{line1}) {c1} And in {path2} line {line2}: {c2} Please {verdict}.",
            "pr {pr} ({repo_full}): {verdict}. comments -> {path1}:{line1} '{c1}' / {path2}:{line2} '{c2}'",
            "I went through #{pr} on my phone and can't comment from here. Could you post my review for me? "
            "{verdict}. Notes: {path1} L{line1}: {c1} {path2} L{line2}: {c2}",
            (
                "need to post a code review on github",
                "Sure — which PR, what comments, and should it block the merge?",
                "{repo_full}#{pr}. {path1}:{line1} {c1} / {path2}:{line2} {c2}. {verdict}",
            ),
            "revew pr #{pr} in {repo} pls, {verdict}. {path1} line {line1}: {c1} {path2} line {line2}: {c2}",
        ],
        queries=[
            "leave inline feedback on pull request {pr} in {repo}: {path1} line {line1} has a problem — {c1}",
            "block {author_first}'s PR #{pr} with a changes-requested review about {issue1}",
            "post my code review comments to the GitHub PR",
        ],
        tools=["mcp__github__get_pull_request_files", "mcp__github__create_pull_request_review"],
    )
)


# ---- dependency bump ------------------------------------------------------------------------------------
NPM_PKGS = [
    ("axios", "1.6.8", "1.7.9"),
    ("express", "4.18.2", "4.21.2"),
    ("zod", "3.22.4", "3.24.1"),
    ("vite", "5.2.11", "5.4.14"),
    ("date-fns", "2.30.0", "3.6.0"),
]
PIP_PKGS = [
    ("requests", "2.31.0", "2.32.3"),
    ("pydantic", "2.6.4", "2.10.4"),
    ("sqlalchemy", "2.0.25", "2.0.36"),
    ("urllib3", "2.0.7", "2.2.3"),
    ("jinja2", "3.1.3", "3.1.5"),
]


def v_bump(c: Ctx, i: int) -> dict[str, Any]:
    v = repo_vals(c)
    v["eco"] = "npm" if i % 2 == 0 else "pip"
    v["pkg"], v["old"], v["new"] = c.pick(NPM_PKGS if v["eco"] == "npm" else PIP_PKGS)
    v["bbranch"] = f"chore/bump-{v['pkg']}-{v['new']}"
    v["cwd"] = f"/home/{v['me']['first'].lower()}/code/{v['repo']}"
    v["pr"] = c.rng.randint(200, 6000)
    v["npm_token"] = c.secret("npm")
    v["pypi_url"] = c.secret("pypi_index")
    v["pver"] = f"2.{c.rng.randint(0, 9)}.{c.rng.randint(0, 9)}"
    v["reason"] = c.pick(["a CVE", "the security advisory", "dependabot nagging", "the new API we need"])
    return v


def b_bump(r: Run, v: dict[str, Any]) -> None:
    pkg, old, new, br = v["pkg"], v["old"], v["new"], v["bbranch"]
    npm = v["eco"] == "npm"
    current = new if r.role == "noop" else old
    r.note(f"Checking the current {pkg} version.")
    if npm:
        r.sh(f"npm ls {pkg}", f"{v['repo']}@{v['pver']} {v['cwd']}\n└── {pkg}@{current}")
    else:
        r.sh(f"grep -in '^{pkg}' requirements.txt", f"14:{pkg}=={current}")
    if r.role == "noop":
        r.say(f"{pkg} is already at {new} in {v['repo']} — nothing to bump.")
        r.thanks(0.5)
        return
    if r.want_secret:
        if npm:
            tok = r.secret(v["npm_token"], "npm auth token in .npmrc (tool result)")
            r.sh(
                "cat .npmrc",
                f"@{v['owner']}:registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken={tok}",
            )
        else:
            url = r.secret(v["pypi_url"], "private index URL with token (tool result)")
            r.sh("pip config list", f"global.index-url='{url}'\nglobal.timeout='60'")
    elif r.extra:
        r.sh(
            f"npm view {pkg} version" if npm else f"pip index versions {pkg} | head -1",
            new if npm else f"{pkg} ({new})",
        )
    r.sh(f"git checkout -b {br}", "", err=f"Switched to a new branch '{br}'")
    if npm:
        if r.role == "fail":
            err = (
                "npm ERR! code ERESOLVE\nnpm ERR! ERESOLVE unable to resolve dependency tree\nnpm ERR! \n"
                f"npm ERR! While resolving: {v['repo']}@{v['pver']}\nnpm ERR! Found: typescript@4.9.5\nnpm ERR! \n"
                f'npm ERR! Could not resolve dependency:\nnpm ERR! peer typescript@">=5.0.2" from {pkg}@{new}\n'
                "npm ERR! \nnpm ERR! Fix the upstream dependency conflict, or retry\nnpm ERR! this command with "
                "--force or --legacy-peer-deps"
            )
            r.sh(f"npm install {pkg}@{new}", "", code=1, err=err)
        else:
            r.sh(
                f"npm install {pkg}@{new}",
                f"\nchanged 3 packages, and audited {r.rng.randint(600, 1400)} packages in {r.rng.randint(3, 14)}s\n\n"
                f"{r.rng.randint(80, 200)} packages are looking for funding\n  run `npm fund` for details\n\nfound 0 "
                "vulnerabilities",
            )
            r.sh(
                "npm test -- --silent",
                f"Test Suites: {r.rng.randint(20, 80)} passed\nTests:       {r.rng.randint(150, 900)} passed\nTime:  "
                f"      {r.rng.randint(8, 60)}.2 s",
            )
    else:
        r.sh(f"sed -i 's/^{pkg}==.*/{pkg}=={new}/' requirements.txt && pip install -q -r requirements.txt", "")
        if r.role == "fail":
            err = (
                f"ERROR: Cannot install -r requirements.txt (line 14) and {pkg}=={new} because these package versions "
                f"have conflicting dependencies.\n\nThe conflict is caused by:\n    The user requested {pkg}=={new}\n"
                f"    legacy-sdk 1.4.2 depends on {pkg}<{new.split('.')[0]}.{int(new.split('.')[1])}\n\n"
                "ERROR: ResolutionImpossible: for help visit "
                "https://pip.pypa.io/en/latest/topics/dependency-resolution/"
            )
            r.sh("pip check", "", code=1, err=err)
        else:
            r.sh(
                "python -m pytest -q",
                f"{'.' * 40}\n{r.rng.randint(120, 700)} passed, 3 skipped in {r.rng.randint(5, 90)}.41s",
            )
    if r.role == "fail":
        r.sh(
            f"git checkout - && git branch -D {br}",
            f"Deleted branch {br} (was {hexs(r.rng, 7)}).",
            err="Switched to branch 'main'",
        )
        r.say(
            f"I stopped: {pkg} {new} conflicts with another dependency in {v['repo']} (see the resolver error above), "
            "so the bump needs that one upgraded first. I removed the branch; nothing was pushed."
        )
        return
    subject = f"chore(deps): bump {pkg} from {old} to {new}"
    files = "package.json package-lock.json" if npm else "requirements.txt"
    r.sh(
        f'git commit -am "{subject}"',
        f"[{br} {hexs(r.rng, 7)}] {subject}\n 2 files changed, 9 insertions(+), 9 deletions(-)"
        if npm
        else f"[{br} {hexs(r.rng, 7)}] {subject}\n 1 file changed, 1 insertion(+), 1 deletion(-)",
    )
    pr_url = f"https://github.com/{v['repo_full']}/pull/{v['pr']}"
    gh_cmd = f'gh pr create --base main --title "{subject}" --body "Bumps {pkg} to {new}. Tests pass locally."'
    if r.role == "recover":
        r.sh(
            gh_cmd,
            "",
            code=1,
            err="aborted: you must first push the current branch to a remote, or use the --head flag",
        )
        r.say("Need to push the branch first.")
    r.sh(
        f"git push -u origin {br}",
        f"branch '{br}' set up to track 'origin/{br}'.",
        err=f"remote: \nremote: Create a pull request for '{br}' on GitHub by visiting:\nremote:      "
        f"https://github.com/{v['repo_full']}/pull/new/{br}\nremote: \nTo github.com:{v['repo_full']}.git\n"
        f" * [new branch]      {br} -> {br}",
    )
    r.sh(gh_cmd, f"\nCreating pull request for {br} into main in {v['repo_full']}\n\n{pr_url}")
    r.say(
        r.pick(
            f"Bumped {pkg} {old} → {new} ({files}), tests pass, PR: {pr_url}",
            f"Done. `{pkg}` is now {new} on branch `{br}`; test suite green; opened {pr_url}.",
        )
    )
    r.thanks()


TASKS.append(
    Task(
        id="dep_bump",
        domain="eng",
        desc="Bump one npm or pip dependency on a branch, run the tests, push and open a PR (shell)",
        formats=["claude-code", "codex", "openai"],
        fail_kind="visible",
        fail_desc="the install hits a dependency-resolution conflict (ERESOLVE / ResolutionImpossible); the agent "
        "deletes the branch and gives up",
        vals=v_bump,
        build=b_bump,
        roles=("noop", "recover"),
        secret=True,
        requests=[
            "bump {pkg} to {new} in {repo} and open a PR",
            "Hey, can you upgrade {pkg} from {old} to {new}? We need it because of {reason}. Run the tests before "
            "you push, and open a pull request please.",
            "{pkg} -> {new} pls (repo: {repo_full})",
            "upgade {pkg} to {new}, run tests, make a pr",
            ("bump {pkg} in {repo} to {new} pls", "and open a PR when the tests pass"),
            (
                "got a dependency chore for you",
                "Sure, which package and version?",
                "{pkg}, to {new}. we're in {repo}. PR it when green",
            ),
            "Security flagged {pkg} {old}. I'm in the {repo} checkout; please bump it to {new}, make sure the tests "
            "still pass, commit on a branch and raise a PR against main.",
        ],
        queries=[
            "update the {pkg} package to version {new} and create a pull request with the change",
            "upgrade a pinned python requirement and PR it once tests are green",
            "{repo}: move {pkg} off {old}",
        ],
        tools=["bash"],
    )
)


# ---- GitLab merge request merge ------------------------------------------------------------------------
def v_mr(c: Ctx, i: int) -> dict[str, Any]:
    v = repo_vals(c)
    v["project"] = f"{v['gh_org']}/{c.pick(['platform', 'apps', 'services'])}/{v['repo']}"
    v["iid"] = c.rng.randint(40, 2500)
    v["pipeline"] = c.rng.randint(900000, 1900000)
    v["green"] = i % 2 == 1
    v["approvers"] = [c.person(v["domain"])["login"] for _ in range(2)]
    v["source"] = f"{c.pick(['feature', 'fix'])}/{v['slug']}"
    v["failed_job"] = c.pick(["test:unit", "test:integration", "lint", "sast"])
    return v


def b_mr(r: Run, v: dict[str, Any]) -> None:
    pid, iid = v["project"], v["iid"]
    passed = v["green"] and r.role != "fail"
    status = "success" if passed else "failed"
    mr = {
        "iid": iid,
        "title": v["title"],
        "state": "opened",
        "source_branch": v["source"],
        "target_branch": "main",
        "author": {"username": v["me"]["login"]},
        "detailed_merge_status": "mergeable" if passed else "ci_must_pass",
        "has_conflicts": False,
        "head_pipeline": {"id": v["pipeline"], "status": status},
        "web_url": f"https://gitlab.com/{pid}/-/merge_requests/{iid}",
    }
    if r.role == "fail":
        mr["detailed_merge_status"] = "mergeable"  # the project does not enforce "pipelines must succeed"
    r.note(f"Checking MR !{iid}.")
    r.call("gitlab.get_merge_request", {"project_id": pid, "merge_request_iid": iid}, mr)
    if r.extra or not passed:
        jobs = [
            {
                "id": v["pipeline"] * 10 + k,
                "name": n,
                "stage": s,
                "status": "failed" if (n == v["failed_job"] and not passed) else "success",
            }
            for k, (n, s) in enumerate(
                [
                    ("build", "build"),
                    ("lint", "test"),
                    ("test:unit", "test"),
                    ("test:integration", "test"),
                    ("sast", "test"),
                ]
            )
        ]
        r.call("gitlab.list_pipeline_jobs", {"project_id": pid, "pipeline_id": v["pipeline"]}, jobs)
    approvals = {
        "approved": True,
        "approvals_required": 2,
        "approvals_left": 0,
        "approved_by": [{"user": {"username": u}} for u in v["approvers"]],
    }
    r.call("gitlab.get_mr_approvals", {"project_id": pid, "merge_request_iid": iid}, approvals)
    if not passed and r.role != "fail":
        note = (
            f"Not merging yet: pipeline #{v['pipeline']} failed in `{v['failed_job']}`. Please fix and re-run; "
            "approvals are in place."
        )
        r.call(
            "gitlab.create_mr_note",
            {"project_id": pid, "merge_request_iid": iid, "body": note},
            {"id": r.rng.randint(10**8, 10**9), "body": note, "system": False},
        )
        r.say(
            r.pick(
                f"Didn't merge !{iid}: the latest pipeline (#{v['pipeline']}) failed at `{v['failed_job']}`. I left "
                "a note on the MR.",
                f"!{iid} has both approvals but its pipeline is red ({v['failed_job']}), so I held off and commented "
                "on the MR.",
            )
        )
        r.thanks(0.4)
        return
    r.ask_confirm(
        f"Pipeline #{v['pipeline']} passed and it has 2/2 approvals. Merge !{iid} into main (squash, delete source "
        "branch)?"
    )
    merged = {**mr, "state": "merged", "merged_at": iso(v["when"]), "merge_commit_sha": hexs(r.rng, 40)}
    r.call(
        "gitlab.merge_merge_request",
        {"project_id": pid, "merge_request_iid": iid, "squash": True, "should_remove_source_branch": True},
        merged,
    )
    if r.role == "fail":
        r.say(f"Merged !{iid} into main ✅ (squashed, source branch removed).")
        r.silent_thanks()
        return
    r.say(
        r.pick(
            f"Merged !{iid} — pipeline green, 2 approvals. {mr['web_url']}",
            f"!{iid} is merged into main (squash) and `{v['source']}` was deleted.",
        )
    )
    r.thanks()


TASKS.append(
    Task(
        id="gitlab_mr_merge",
        domain="eng",
        desc="Merge a GitLab merge request if its pipeline passed and it is approved; otherwise comment why not",
        formats=["openai", "openai-responses", "anthropic"],
        fail_kind="silent",
        fail_desc="the head pipeline failed but the agent merges anyway (the project does not block it) and reports "
        "success",
        vals=v_mr,
        build=b_mr,
        requests=[
            "merge !{iid} in {project} if it's green",
            "Could you check MR !{iid} ({project}) and merge it if the pipeline passed and it has its approvals? "
            "If not, leave a comment on it saying what's missing.",
            "mr {iid} good to go? merge if so. project {project}",
            "Pls merge the {feature} MR (!{iid}, {project}) - only if ci passes tho",
            (
                "can you take care of a merge request",
                "Sure — which project and MR number?",
                "{project} !{iid}, merge when pipeline + approvals ok",
            ),
            "I'm heading into a meeting; {project}!{iid} should be ready. Merge it (squash) if the pipeline's green, "
            "otherwise tell the author on the MR.",
        ],
        queries=[
            "land merge request {iid} on GitLab once CI is passing",
            "check whether {project}!{iid} can be merged and do it",
            "squash-merge the approved MR for {feature}",
        ],
        tools=[
            "gitlab.get_merge_request",
            "gitlab.get_mr_approvals",
            "gitlab.merge_merge_request",
            "gitlab.create_mr_note",
        ],
    )
)


# ---- count issues (read-only) --------------------------------------------------------------------------
LABELS = ["bug", "good first issue", "priority: high", "needs-triage", "regression", "security"]


def v_issues(c: Ctx, i: int) -> dict[str, Any]:
    v = repo_vals(c)
    v["label"] = c.pick(LABELS)
    v["count"] = c.rng.randint(3, 60)
    v["prs"] = c.rng.randint(2, 15)
    v["oldest"] = c.rng.randint(10, 400)
    v["oldest_date"] = (v["when"] - dt.timedelta(days=c.rng.randint(90, 700))).date().isoformat()
    return v


def b_issues(r: Run, v: dict[str, Any]) -> None:
    label = v["label"]
    ql = f'label:"{label}"' if " " in label else f"label:{label}"
    q = f"repo:{v['repo_full']} is:issue is:open {ql}"
    if r.role == "fail":
        q = f"repo:{v['repo_full']} is:open {ql}"
    if r.role == "recover" and " " in label:
        bad = f"repo:{v['repo_full']} is:issue is:open label:{label}"
        r.call(
            "mcp__github__search_issues",
            {"query": bad, "perPage": 5},
            "failed to search issues: GET https://api.github.com/search/issues: 422 Validation Failed "
            "[{Resource:Search Field:q Code:invalid Message:The listed users and repositories cannot be searched}]",
            error=True,
        )
        r.say("The label has spaces; quoting it.")
    elif r.role == "recover":
        r.call("mcp__github__search_issues", {"q": q, "per_page": 5}, "missing required parameter: query", error=True)
        r.say(r.pick("Wrong parameter name — retrying.", "The tool wants `query`, not `q`."))
    total = v["count"] + (v["prs"] if r.role == "fail" else 0)
    items = [
        {
            "number": v["oldest"] + k * r.rng.randint(3, 40),
            "title": r.pick(
                "Crash on empty payload",
                "Docs: wrong flag name",
                "Timeout on large exports",
                "Flaky login test",
                "Memory grows under load",
            ),
            "created_at": v["oldest_date"] + "T10:12:00Z"
            if k == 0
            else iso(v["when"] - dt.timedelta(days=r.rng.randint(1, 80))),
            "labels": [{"name": label}],
            "assignee": None if k % 2 else {"login": v["me"]["login"]},
            "pull_request": {"url": "…"} if (r.role == "fail" and k == 1) else None,
        }
        for k in range(3)
    ]
    if r.extra:
        r.note(f"Searching {v['repo_full']} for open issues labelled `{label}`.")
    r.call(
        "mcp__github__search_issues",
        {"query": q, "perPage": 5, "sort": "created", "order": "asc"},
        {"total_count": total, "incomplete_results": False, "items": items},
    )
    ans = r.pick(
        f"There are {total} open issues labelled `{label}` in {v['repo_full']}. The oldest is #{v['oldest']} (opened "
        f"{v['oldest_date']}).",
        f"{total} open `{label}` issues right now; oldest one is #{v['oldest']} from {v['oldest_date']}.",
    )
    r.say(ans)
    if r.role == "fail":
        r.silent_thanks()
    else:
        r.thanks(0.5)


TASKS.append(
    Task(
        id="repo_issue_count",
        domain="eng",
        desc="Read-only: count a repository's open issues with a given label and name the oldest",
        formats=["claude-code", "vercel-ui", "anthropic"],
        fail_kind="silent",
        fail_desc="search query omits is:issue, so open pull requests with the label are counted too; wrong number "
        "reported",
        vals=v_issues,
        build=b_issues,
        roles=("recover",),
        requests=[
            "how many open '{label}' issues does {repo_full} have?",
            'Quick question for a planning doc: how many issues labelled "{label}" are still open in {repo_full}, '
            "and which is the oldest?",
            "count open {label} issues in {repo} pls",
            "hw many {label} isues open on {repo_full}",
            (
                "can you check something on github",
                "Sure — what do you need?",
                "number of open issues tagged {label} in {repo_full}, and the oldest one",
            ),
            "our backlog review is tomorrow. Number of open `{label}` tickets in {repo_full}?",
        ],
        queries=[
            "what's the total of unresolved GitHub issues carrying the {label} label in {repo}",
            "oldest open {label} issue in {repo_full}?",
            "tally open issues by a label",
        ],
        tools=["mcp__github__search_issues"],
    )
)


# ---- data analysis: a metric from the warehouse (read-only) ---------------------------------------------
METRICS = [
    {
        "q": "weekly active users by platform for the week starting {start}",
        "table": "analytics.fct_sessions",
        "ts": "session_start",
        "bad": "started_at",
        "cols": ["session_id", "user_id", "platform", "session_start", "duration_s", "app_version"],
        "select": "platform, COUNT(DISTINCT user_id) AS active_users",
        "where": "",
        "out": ["PLATFORM", "ACTIVE_USERS"],
        "keys": ["ios", "android", "web"],
        "period": 7,
        "row": lambda rng, k: [k, rng.randint(4000, 90000)],
    },
    {
        "q": "average order value per currency for orders placed between {start} and {end}",
        "table": "analytics.fct_orders",
        "ts": "created_at",
        "bad": "order_date",
        "cols": ["order_id", "customer_id", "order_total", "currency", "status", "created_at", "channel"],
        "select": "currency, ROUND(AVG(order_total), 2) AS aov, COUNT(*) AS orders",
        "where": " AND status = 'completed'",
        "out": ["CURRENCY", "AOV", "ORDERS"],
        "keys": ["USD", "EUR", "GBP"],
        "period": 30,
        "row": lambda rng, k: [k, round(rng.uniform(38, 190), 2), rng.randint(800, 30000)],
    },
    {
        "q": "p95 API latency per endpoint on {start}",
        "table": "observability.api_requests",
        "ts": "requested_at",
        "bad": "ts",
        "cols": ["request_id", "endpoint", "method", "status_code", "latency_ms", "requested_at", "region"],
        "select": "endpoint, APPROX_PERCENTILE(latency_ms, 0.95) AS p95_ms, COUNT(*) AS requests",
        "where": "",
        "out": ["ENDPOINT", "P95_MS", "REQUESTS"],
        "keys": ["/v2/items", "/v2/search", "/v1/auth/token", "/v2/uploads"],
        "period": 1,
        "row": lambda rng, k: [k, rng.randint(60, 1800), rng.randint(10**4, 10**6)],
    },
    {
        "q": "trial-to-paid conversion by plan for trials that started between {start} and {end}",
        "table": "analytics.fct_subscriptions",
        "ts": "trial_started_at",
        "bad": "trial_start",
        "cols": ["account_id", "plan", "trial_started_at", "converted_at", "mrr", "country"],
        "select": "plan, COUNT(*) AS trials, COUNT(converted_at) AS converted, "
        "ROUND(100 * COUNT(converted_at) / COUNT(*), 1) AS conversion_pct",
        "where": "",
        "out": ["PLAN", "TRIALS", "CONVERTED", "CONVERSION_PCT"],
        "keys": ["starter", "team", "business"],
        "period": 30,
        "row": lambda rng, k: (lambda t, cv: [k, t, cv, round(100 * cv / t, 1)])(
            rng.randint(200, 3000), rng.randint(20, 190)
        ),
    },
]


def v_metric(c: Ctx, i: int) -> dict[str, Any]:
    v = base(c)
    m = METRICS[(i + c.rng.randrange(4)) % 4]
    v["m"] = m
    start = v["when"].date() - dt.timedelta(days=m["period"] + c.rng.randint(0, 20))
    if m["period"] == 7:
        start -= dt.timedelta(days=start.weekday())
    v["start"], v["end"] = start, start + dt.timedelta(days=m["period"])
    v["metric_q"] = m["q"].format(start=start.isoformat(), end=(v["end"] - dt.timedelta(days=1)).isoformat())
    v["schema"] = m["table"].split(".")[0]
    return v


def _sql(m: dict[str, Any], start: dt.date, end: dt.date, ts: str | None = None) -> str:
    ts = ts or m["ts"]
    return (
        f"SELECT {m['select']}\nFROM {m['table']}\nWHERE {ts} >= '{start}' AND {ts} < '{end}'{m['where']}\n"
        "GROUP BY 1\nORDER BY 2 DESC"
    )


def describe(m: dict[str, Any]) -> dict[str, Any]:
    def kind(col: str) -> str:
        if col.endswith(("_at", "start")):
            return "TIMESTAMP_NTZ(9)"
        return (
            "NUMBER(38,2)"
            if col in ("order_total", "latency_ms", "duration_s", "mrr", "status_code")
            else "VARCHAR(16777216)"
        )

    return {
        "table": m["table"],
        "columns": [{"name": col.upper(), "type": kind(col), "nullable": col != m["cols"][0]} for col in m["cols"]],
    }


def b_metric(r: Run, v: dict[str, Any]) -> None:
    m = v["m"]
    start, end = v["start"], v["end"]
    if r.role == "fail":  # off by one period: the window the agent computed is the one before
        start, end = start - dt.timedelta(days=m["period"]), start
    if r.extra:
        r.note("Let me find the right table.")
        tables = [
            {"name": t, "rows": r.rng.randint(10**5, 10**9), "last_altered": iso(v["when"])}
            for t in (m["table"].split(".")[1], "dim_users", "stg_events")
        ]
        r.call("list_tables", {"schema": v["schema"]}, {"schema": v["schema"], "tables": tables})
        r.call("describe_table", {"table": m["table"]}, describe(m))
    if r.role == "recover":
        r.call(
            "run_query",
            {"sql": _sql(m, start, end, m["bad"]), "warehouse": "ANALYTICS_WH"},
            {
                "error": {
                    "code": "000904",
                    "sqlstate": "42000",
                    "message": "SQL compilation error: error line 3 at position 6\ninvalid identifier "
                    f"'{m['bad'].upper()}'",
                }
            },
            error=True,
        )
        r.say(
            r.pick("Wrong column name — checking the schema.", "That column doesn't exist; let me look at the table.")
        )
        r.call("describe_table", {"table": m["table"]}, describe(m))
    r.note("Running the query.")
    rows = [m["row"](r.rng, k) for k in m["keys"]]
    rows.sort(key=lambda row: -row[1])
    res = {
        "columns": m["out"],
        "rows": rows,
        "row_count": len(rows),
        "elapsed_ms": r.rng.randint(300, 9000),
        "query_id": f"01b{hexs(r.rng, 5)}-0000-{hexs(r.rng, 4)}-0000-{hexs(r.rng, 12)}",
    }
    r.call("run_query", {"sql": _sql(m, start, end), "warehouse": "ANALYTICS_WH"}, res)
    lines = "\n".join("| " + " | ".join(str(x) for x in row) + " |" for row in rows)
    head = "| " + " | ".join(c_.lower() for c_ in m["out"]) + " |\n|" + "---|" * len(m["out"])
    r.say(
        r.pick(
            f"Here's the {v['metric_q']}:\n\n{head}\n{lines}\n\nSource: `{m['table']}`, window {start} to {end} "
            "(exclusive).",
            f"{v['metric_q'].capitalize()}:\n"
            + "\n".join(
                f"- {row[0]}: {row[1]:,}" if isinstance(row[1], int) else f"- {row[0]}: {row[1]}" for row in rows
            ),
        )
    )
    if r.role == "fail":
        r.silent_thanks()
    else:
        r.thanks(0.5)


TASKS.append(
    Task(
        id="sql_metric_report",
        domain="data",
        desc="Read-only: answer a business metric question by querying the warehouse (list/describe tables, run_query)",
        formats=["openai", "openai-responses", "anthropic", "vercel-model"],
        fail_kind="silent",
        fail_desc="the query's date window is shifted one period back; the wrong numbers are reported and the user "
        "thanks",
        vals=v_metric,
        build=b_metric,
        roles=("recover",),
        requests=[
            "what's the {metric_q}?",
            "Can you pull the {metric_q} from the warehouse? I need it for the Monday business review.",
            "need {metric_q} asap",
            "pls get me {metric_q}, table shuold be in {schema}",
            ("quick data question", "Sure — what would you like to know?", "{metric_q}"),
            "Leadership asked why the numbers looked odd last period. Before I dig in, could you give me the "
            "{metric_q}? Just the table is fine.",
        ],
        queries=[
            "query Snowflake for the {metric_q}",
            "how many distinct users were active per platform last week",
            "pull a KPI breakdown from the analytics schema",
        ],
        tools=["list_tables", "describe_table", "run_query"],
    )
)


# ---- pandas cleanup and export -------------------------------------------------------------------------
CLEAN_FILES = [
    ("webinar_registrations", "registration_id", "company"),
    ("survey_responses_q2", "response_id", "nps_score"),
    ("course_enrollments", "enrollment_id", "course_code"),
    ("field_sensor_readings", "reading_id", "station_id"),
    ("volunteer_signup_sheet", "row_id", "shift"),
    ("conference_badges", "badge_id", "ticket_type"),
]


def v_clean(c: Ctx, i: int) -> dict[str, Any]:
    v = base(c)
    name, key, req = c.pick(CLEAN_FILES)
    folder = c.pick(
        ["/data/raw", "/mnt/shared/exports", f"/home/{v['me']['first'].lower()}/Downloads", "/workspace/data"]
    )
    v["src"] = f"{folder}/{name}.csv"
    v["dst"] = c.pick([f"{folder}/{name}_clean.csv", f"/data/clean/{name}.csv", f"{folder}/{name}-deduped.csv"])
    v["key"], v["req"], v["name"] = key, req, name
    v["n"] = c.rng.randint(900, 40000)
    v["dupes"] = c.rng.randint(12, v["n"] // 20)
    v["missing"] = c.rng.randint(3, 200)
    return v


def b_clean(r: Run, v: dict[str, Any]) -> None:
    src, dst, n, dupes, miss = v["src"], v["dst"], v["n"], v["dupes"], v["missing"]
    cols = [v["key"], "email", "full_name", v["req"], "created_at", "notes"]
    r.note(f"Loading {src} to see what we're working with.")
    head = "\n".join(
        f"{k}  {v['key'][:3]}-{r.rng.randint(10000, 99999)}  {r.pick(' ana@x.org', 'LEE.K@Y.COM ', 'raj@z.net')}  "
        f"{r.pick('Ana P', 'K Lee', 'Raj S')}  "
        f"{r.pick('A', 'B', 'NaN')}  2026-0{r.rng.randint(1, 9)}-1{r.rng.randint(0, 9)}  NaN"
        for k in range(3)
    )
    r.py(
        "import pandas as pd\ndf = "
        f'pd.read_csv("{src}")\nprint(df.shape)\nprint(df.head(3).to_string())\nprint(df.isna().sum())',
        f"({n}, {len(cols)})\n   {'  '.join(cols)}\n{head}\n"
        + "\n".join(f"{c_:<14}{x}" for c_, x in zip(cols, [0, 4, 0, miss, 0, n - r.rng.randint(5, 40)], strict=True))
        + "\ndtype: int64",
    )
    if r.role == "recover":
        r.py(
            'df["Email"] = df["Email"].str.strip().str.lower()',
            'Traceback (most recent call last):\n  File "<stdin>", line 1, in <module>\n  File '
            '"/usr/lib/python3.11/site-packages/pandas/core/frame.py", line 4102, in __getitem__\n'
            "    indexer = self.columns.get_loc(key)\nKeyError: 'Email'",
            error=True,
        )
        r.say(r.pick("Column is lowercase `email`.", "KeyError — the header is `email`, fixing."))
    bad = r.role == "fail"
    drop = "df = df.dropna()" if bad else f'df = df.dropna(subset=["{v["req"]}"])'
    code = (
        f'before = len(df)\ndf["email"] = df["email"].str.strip().str.lower()\n'
        f'df = df.drop_duplicates(subset=["{v["key"]}"]).drop_duplicates(subset=["email"])\n{drop}\n'
        'print(before, "->", len(df))'
    )
    final = r.rng.randint(8, 40) if bad else n - dupes - miss
    r.py(code, f"{n} -> {final}")
    r.py(
        f'df.to_csv("{dst}", index=False)\nprint("wrote", len(df), "rows to", "{dst}")', f"wrote {final} rows to {dst}"
    )
    if r.verify and not bad:
        r.py(f'print(pd.read_csv("{dst}").shape)', f"({final}, {len(cols)})")
    if bad:
        r.say(f"Cleaned and saved to {dst} ({final} rows).")
        r.user(
            r.pick(
                f"wait, {final} rows? there were like {n} in the original, that can't be right",
                "the clean file is basically empty, something went wrong",
            )
        )
        r.say(
            "You're right, sorry — I used `dropna()` with no subset, so every row with any blank field was removed, "
            "and the `notes` column is almost always empty. The saved file is wrong."
        )
        return
    r.say(
        r.pick(
            f"Done. {n:,} rows in → {final:,} out: removed {dupes} duplicates (by {v['key']} / email) and {miss} rows "
            f"with no {v['req']}; emails trimmed and lower-cased. Saved to `{dst}`.",
            f"Saved {final:,} clean rows to {dst}.",
        )
    )
    r.thanks()


TASKS.append(
    Task(
        id="pandas_clean_export",
        domain="data",
        desc="Clean a CSV with pandas (normalise emails, drop duplicates and rows missing a field) and save it",
        formats=["openai", "anthropic", "openai-responses"],
        fail_kind="visible",
        fail_desc="dropna() without a subset removes almost every row; the user points out the file is nearly empty",
        vals=v_clean,
        build=b_clean,
        roles=("recover",),
        requests=[
            "clean up {src}: dedupe on {key} and email, lowercase emails, drop rows without {req}, save to {dst}",
            "Hi! I've got a messy export at {src}. Could you remove duplicate rows, tidy the email addresses and "
            "throw away anything missing a {req}? Save the result as {dst}.",
            "dedupe {src} -> {dst} (key {key}), drop empty {req}",
            "can you clen {name}.csv? dupes + blank {req} rows out, emails lowercase. its in {src}",
            (
                "I need a csv cleaned up",
                "Sure — where's the file, and what should happen to it?",
                "{src}. remove dupes, drop rows missing {req}, normalise email. write to {dst}",
            ),
            "The {name} sheet we exported has duplicate people in it (same {key} or email) and some rows missing "
            "{req}. Use pandas on {src} and write a clean copy to {dst}.",
        ],
        queries=[
            "remove duplicate records from a CSV file and save a cleaned version",
            "normalise the email column in {src} and drop blank {req}",
            "dedupe the {name} export",
        ],
        tools=["python"],
    )
)


# ---- chart ---------------------------------------------------------------------------------------------
CHARTS = [
    {
        "what": "monthly revenue by region for {year}",
        "sql": "SELECT DATE_TRUNC('month', invoiced_at)::date AS month, region, ROUND(SUM(amount_usd)) AS revenue,"
        " COUNT(*) AS invoices\nFROM finance.fct_invoice_lines\nWHERE YEAR(invoiced_at) = {year}\nGROUP BY 1, "
        "2\nORDER BY 1, 2",
        "cols": ["month", "region", "revenue", "invoices"],
        "segments": ["AMER", "APAC", "EMEA"],
        "steps": 12,
        "kind": "bar",
        "ranges": ((80_000, 900_000), (40, 600)),
    },
    {
        "what": "daily active devices over the last 30 days",
        "sql": "SELECT DATE(last_seen_at) AS day, COUNT(DISTINCT device_id) AS active_devices, COUNT(*) AS heartbeats"
        "\nFROM iot.device_heartbeats\nWHERE last_seen_at >= DATEADD(day, -30, CURRENT_DATE)\nGROUP BY 1\nORDER BY 1",
        "cols": ["day", "active_devices", "heartbeats"],
        "segments": None,
        "steps": 30,
        "kind": "line",
        "ranges": ((11_000, 14_500), (900_000, 2_400_000)),
    },
    {
        "what": "tickets closed per week by team this quarter",
        "sql": "SELECT DATE_TRUNC('week', solved_at)::date AS week, team, COUNT(*) AS closed, ROUND(AVG(reopens), 2)"
        " AS avg_reopens\nFROM support.fct_tickets\nWHERE solved_at >= DATE_TRUNC('quarter', CURRENT_DATE)\n"
        "GROUP BY 1, 2\nORDER BY 1, 2",
        "cols": ["week", "team", "closed", "avg_reopens"],
        "segments": ["Billing", "Platform", "Tier 1"],
        "steps": 8,
        "kind": "bar",
        "ranges": ((60, 420), (0.05, 0.6)),
    },
]


def chart_rows(rng: random.Random, spec: dict[str, Any], when: dt.datetime) -> list[list[Any]]:
    """The query result a chart is drawn from: one row per x step (and segment)."""
    (lo, hi), (lo2, hi2) = spec["ranges"]
    rows = []
    for k in range(spec["steps"]):
        if spec["cols"][0] == "month":
            x = dt.date(when.year - 1, k + 1, 1).isoformat()
        elif spec["cols"][0] == "day":
            x = (when.date() - dt.timedelta(days=spec["steps"] - k)).isoformat()
        else:
            monday = when.date() - dt.timedelta(days=when.weekday())
            x = (monday - dt.timedelta(weeks=spec["steps"] - k)).isoformat()
        for seg in spec["segments"] or [None]:
            second = round(rng.uniform(lo2, hi2), 2) if isinstance(lo2, float) else rng.randint(lo2, hi2)
            rows.append([x, *([seg] if seg else []), rng.randint(lo, hi), second])
    return rows


def v_chart(c: Ctx, i: int) -> dict[str, Any]:
    v = base(c)
    spec = CHARTS[(i + c.rng.randrange(3)) % 3]
    v["spec"] = spec
    v["what"] = spec["what"].format(year=v["when"].year - 1)
    v["sql"] = spec["sql"].format(year=v["when"].year - 1)
    v["kind"] = spec["kind"]
    v["folder"] = c.pick(["Quarterly Review", "Team Charts", "Board deck 2026", "Ops weekly"])
    v["png"] = "/tmp/" + v["what"].split(" over ")[0].split(" this ")[0].split(" for ")[0].replace(" ", "_") + ".png"
    return v


def b_chart(r: Run, v: dict[str, Any]) -> None:
    spec = v["spec"]
    cols = spec["cols"]
    rows = chart_rows(r.rng, spec, v["when"])
    r.note("Pulling the data first.")
    r.call(
        "run_query",
        {"sql": v["sql"], "max_rows": 5000},
        {"columns": [c_.upper() for c_ in cols], "rows": rows, "row_count": len(rows)},
    )
    measure = cols[-1] if r.role == "fail" else cols[-2]
    if spec["segments"]:
        plot = (
            f"df.pivot(index='{cols[0]}', columns='{cols[1]}', values='{measure}').plot(kind='{spec['kind']}', ax=ax)"
        )
    else:
        plot = f"df.plot(x='{cols[0]}', y='{measure}', kind='{spec['kind']}', ax=ax, legend=False)"
    code = (
        "import pandas as pd\nimport matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n\n"
        f"rows = {json.dumps(rows)}\ndf = pd.DataFrame(rows, columns={cols})\nfig, ax = plt.subplots(figsize=(10, 5))\n"
        f"{plot}\nax.set_title('{v['what'].capitalize()}')\nax.set_xlabel('')\nfig.autofmt_xdate()\nfig.tight_layout()\n"
        f"fig.savefig('{v['png']}', dpi=150)\nprint('saved', '{v['png']}')"
    )
    r.py(code, f"saved {v['png']}")
    up = {
        "id": alnum(r.rng, 33),
        "name": v["png"].split("/")[-1],
        "mimeType": "image/png",
        "webViewLink": f"https://drive.google.com/file/d/{alnum(r.rng, 33)}/view",
        "parents": [v["folder"]],
    }
    r.call("upload_file", {"path": v["png"], "folder": v["folder"]}, up)
    r.say(
        r.pick(
            f"Chart of {v['what']} is in '{v['folder']}': {up['webViewLink']}",
            f"Made a {v['kind']} chart ({v['what']}, {len(rows)} data points) and uploaded it to {v['folder']} → "
            f"{up['webViewLink']}",
        )
    )
    if r.role == "fail":
        r.silent_thanks()
    else:
        r.thanks()


TASKS.append(
    Task(
        id="build_chart",
        domain="data",
        desc="Query the warehouse, plot the result with matplotlib and upload the PNG to a shared folder",
        formats=["openai", "openai-responses", "vercel-ui"],
        fail_kind="silent",
        fail_desc="plots the wrong measure column (e.g. invoice count instead of revenue) under the requested title",
        vals=v_chart,
        build=b_chart,
        requests=[
            "make a chart of {what} and drop it in the '{folder}' folder",
            "Could you build me a {kind} chart showing {what}? Upload the PNG to our {folder} folder on Drive.",
            "chart: {what} -> {folder}",
            "i need a graph of {what} for the deck, pls put it in {folder}",
            (
                "can you make a chart for me",
                "Sure — what should it show, and where should I put it?",
                "{what}. upload to '{folder}'",
            ),
            "For Thursday's review I want a visual of {what}. Pull it from the warehouse, plot it, and save the "
            "image in '{folder}'.",
        ],
        queries=[
            "plot {what} and share the image",
            "visualise weekly ticket closures per support team as a bar graph",
            "generate a line graph from a warehouse query and upload it to Google Drive",
        ],
        tools=["run_query", "python", "upload_file"],
    )
)


# ---- export a query to CSV and share it ---------------------------------------------------------------
EXPORTS = [
    (
        "accounts whose contract renews in Q{q} {year}",
        "SELECT account_id, account_name, owner_email, renewal_date, arr_usd\nFROM analytics.dim_accounts\nWHERE "
        "renewal_date BETWEEN '{a}' AND '{b}'\nORDER BY renewal_date",
        "accounts_renewing_q{q}_{year}.csv",
        "ANALYTICS",
    ),
    (
        "devices that haven't reported for 7+ days",
        "SELECT device_id, site_id, firmware, last_seen_at\nFROM iot.devices\nWHERE last_seen_at < DATEADD(day, -7, "
        "CURRENT_TIMESTAMP)\nORDER BY last_seen_at",
        "stale_devices_{day}.csv",
        "IOT",
    ),
    (
        "open purchase orders older than 60 days",
        "SELECT po_number, vendor_name, total, currency, created_at, requester\nFROM finance.purchase_orders\nWHERE "
        "status = 'open' AND created_at < DATEADD(day, -60, CURRENT_DATE)",
        "open_pos_over_60d_{day}.csv",
        "FINANCE",
    ),
    (
        "customers who churned last month with their plan and MRR",
        "SELECT account_id, plan, mrr_usd, churned_at, churn_reason\nFROM analytics.fct_churn\nWHERE churned_at >= "
        "DATE_TRUNC('month', DATEADD(month, -1, CURRENT_DATE))\n  AND churned_at < DATE_TRUNC('month', CURRENT_DATE)",
        "churned_last_month_{day}.csv",
        "ANALYTICS",
    ),
]


def v_export(c: Ctx, i: int) -> dict[str, Any]:
    v = base(c)
    what, sql, fname, schema = EXPORTS[(i + c.rng.randrange(4)) % 4]
    q, year = c.rng.randint(1, 4), v["when"].year
    a = dt.date(year, 3 * q - 2, 1)
    b = dt.date(year + (q == 4), (3 * q) % 12 + 1, 1) - dt.timedelta(days=1)
    fmt = {"q": q, "year": year, "a": a, "b": b, "day": v["today"]}
    v["what"], v["sql"], v["fname"], v["schema"] = what.format(**fmt), sql.format(**fmt), fname.format(**fmt), schema
    v["rows"] = c.rng.randint(40, 9000)
    return v


def b_export(r: Run, v: dict[str, Any]) -> None:
    if r.extra:
        r.note("Checking how many rows that is first.")
        count_sql = "SELECT COUNT(*) AS n FROM (\n" + v["sql"] + "\n)"
        r.call(
            "run_query",
            {"sql": count_sql},
            {"columns": ["N"], "rows": [[v["rows"]]], "row_count": 1, "elapsed_ms": r.rng.randint(200, 4000)},
        )
    r.note("Exporting to CSV.")
    if r.role == "fail":
        err = {
            "error": {
                "code": "PERMISSION_DENIED",
                "message": f"Role ANALYST_RO lacks EXPORT privilege on schema {v['schema']}",
                "request_id": hexs(r.rng, 16),
            }
        }
        r.call("export_query_results", {"sql": v["sql"], "format": "csv", "filename": v["fname"]}, err, error=True)
        r.say(
            r.pick(
                f"The export is blocked: my warehouse role (ANALYST_RO) isn't allowed to export from {v['schema']}. "
                "You'd need someone with export rights, or a data-platform ticket to grant it.",
                f"Sorry, I can't export that — PERMISSION_DENIED on schema {v['schema']} for my role.",
            )
        )
        if r.rng.random() < 0.5:
            r.user("ugh. ok")
        return
    exp = {
        "export_id": "exp_" + alnum(r.rng, 12),
        "status": "SUCCEEDED",
        "row_count": v["rows"],
        "bytes": v["rows"] * r.rng.randint(60, 140),
        "file": f"exports/{v['today']}/{v['fname']}",
    }
    r.call("export_query_results", {"sql": v["sql"], "format": "csv", "filename": v["fname"]}, exp)
    exp_at = iso(v["when"] + dt.timedelta(hours=72))
    link = {"url": f"https://warehouse.{v['domain']}/exports/dl/{alnum(r.rng, 28)}", "expires_at": exp_at}
    r.call("create_share_link", {"export_id": exp["export_id"], "expires_in_hours": 72}, link)
    r.say(
        r.pick(
            f"Exported {v['rows']:,} rows ({v['what']}) to `{v['fname']}`. Download link (valid 72h): {link['url']}",
            f"Here you go: {link['url']} — {v['fname']}, {v['rows']:,} rows. Link expires {exp_at[:10]}.",
        )
    )
    r.thanks()


TASKS.append(
    Task(
        id="export_query_csv",
        domain="data",
        desc="Export a warehouse query's result to a CSV file and return a time-limited download link",
        formats=["anthropic", "openai", "vercel-model"],
        fail_kind="visible",
        fail_desc="export_query_results fails with PERMISSION_DENIED for the agent's role; the agent gives up",
        vals=v_export,
        build=b_export,
        requests=[
            "export the {what} to csv and send me a link",
            "Could you get me a CSV of {what}? A download link is fine.",
            "csv of {what} pls",
            "need a spredsheet export of {what} (csv ok), link me",
            ("I need a data export", "Sure — what data?", "{what}, as a csv"),
            "Finance asked for a list of {what}. Please export it from the warehouse as CSV and share a link I can "
            "forward.",
        ],
        queries=[
            "download {what} as a CSV file",
            "give me a spreadsheet of devices offline for more than a week",
            "send a shareable link to a query export",
        ],
        tools=["run_query", "export_query_results", "create_share_link"],
    )
)


# ---- data freshness check ------------------------------------------------------------------------------
PIPELINES = [
    ("marts.daily_revenue", "dbt_marts_daily"),
    ("analytics.fct_sessions", "load_sessions_hourly"),
    ("finance.gl_entries", "erp_gl_extract"),
    ("support.fct_tickets", "helpdesk_to_snowflake"),
    ("iot.device_heartbeats", "iot_heartbeat_ingest"),
]


def v_fresh(c: Ctx, i: int) -> dict[str, Any]:
    v = base(c)
    v["table"], v["dag"] = c.pick(PIPELINES)
    v["stale"] = i % 2 == 0
    v["ds"] = v["today"]
    v["yday"] = (v["when"].date() - dt.timedelta(days=1)).isoformat()
    v["rows"] = c.rng.randint(20000, 4_000_000)
    return v


def b_fresh(r: Run, v: dict[str, Any]) -> None:
    stale = (v["stale"] or r.role == "fail") and r.role != "noop"
    day = v["yday"] if r.role == "fail" else v["ds"]
    sql = f"SELECT MAX(_loaded_at) AS loaded_at, COUNT(*) AS n\nFROM {v['table']}\nWHERE ds = '{day}'"
    r.note(f"Checking whether {v['table']} has the {day} partition.")
    if stale and r.role != "fail":
        res = {"columns": ["LOADED_AT", "N"], "rows": [[None, 0]]}
    else:
        res = {"columns": ["LOADED_AT", "N"], "rows": [[f"{day} 05:{r.rng.randint(10, 59)}:07.412", v["rows"]]]}
    r.call("warehouse.query", {"sql": sql}, res)
    if not stale or r.role == "fail":
        r.say(
            r.pick(
                f"{v['table']} is up to date: {v['rows']:,} rows for ds={day}, loaded at {res['rows'][0][0][11:16]} "
                "UTC. Nothing to re-run.",
                f"It's fresh — the {day} partition landed this morning ({v['rows']:,} rows). No action needed.",
            )
        )
        if r.role == "fail":
            r.silent_thanks()
        else:
            r.thanks(0.5)
        return
    if not asked(v, "dag"):
        dags = {
            "dags": [
                {
                    "dag_id": v["dag"],
                    "description": f"Loads {v['table']}",
                    "schedule_interval": "0 4 * * *",
                    "is_paused": False,
                }
            ],
            "total_entries": 1,
        }
        r.call("airflow.list_dags", {"search": v["table"].split(".")[1]}, dags)
    runs = [
        {
            "dag_run_id": f"scheduled__{v['ds']}T04:00:00+00:00",
            "state": "failed",
            "logical_date": f"{v['ds']}T04:00:00+00:00",
            "end_date": f"{v['ds']}T04:{r.rng.randint(10, 59)}:31+00:00",
        },
        {
            "dag_run_id": f"scheduled__{v['yday']}T04:00:00+00:00",
            "state": "success",
            "logical_date": f"{v['yday']}T04:00:00+00:00",
        },
    ]
    r.call(
        "airflow.list_dag_runs",
        {"dag_id": v["dag"], "limit": 2, "order_by": "-logical_date"},
        {"dag_runs": runs, "total_entries": 2},
    )
    if r.extra:
        tasks = [
            {"task_id": t, "state": s}
            for t, s in (("extract", "success"), ("load", "failed"), ("test", "upstream_failed"))
        ]
        r.call(
            "airflow.list_task_instances",
            {"dag_id": v["dag"], "dag_run_id": runs[0]["dag_run_id"]},
            {"task_instances": tasks},
        )
    r.ask_confirm(f"Today's {v['dag']} run failed, so ds={v['ds']} is missing. Trigger a new run for {v['ds']}?")
    rid = f"manual__{v['ds']}T{r.rng.randint(10, 17)}:{r.rng.randint(10, 59)}:00+00:00"
    r.call(
        "airflow.trigger_dag_run",
        {"dag_id": v["dag"], "conf": {"ds": v["ds"]}, "note": "re-run: partition missing"},
        {"dag_run_id": rid, "state": "queued", "logical_date": f"{v['ds']}T00:00:00+00:00"},
    )
    r.say(
        r.pick(
            f"{v['table']} was stale: no rows for {v['ds']} because today's `{v['dag']}` run failed. I triggered a "
            f"manual run ({rid}); it's queued.",
            f"Not fresh — the {v['ds']} load failed. Re-triggered `{v['dag']}` for {v['ds']} (run {rid}).",
        )
    )
    r.thanks()


TASKS.append(
    Task(
        id="data_freshness_check",
        domain="data",
        desc="Check whether a warehouse table has today's partition; if not, find the failed Airflow run and "
        "re-trigger it",
        formats=["openai", "openai-responses", "anthropic"],
        fail_kind="silent",
        fail_desc="queries yesterday's partition instead of today's, declares the table fresh and triggers nothing",
        vals=v_fresh,
        build=b_fresh,
        roles=("noop",),
        requests=[
            "is {table} up to date for today? if not rerun the load",
            "Morning! Dashboards look off. Can you check that {table} has today's data, and kick the {dag} DAG if it "
            "doesn't?",
            "{table} fresh?",
            "did todays load of {table} land? retrigger if its missing pls",
            (
                "can you check a table for me",
                "Sure — which table, and what should I check?",
                "{table}, whether today's partition loaded. rerun the dag if not",
            ),
            "Before I send the daily report: please verify {table} loaded for {ds}. If it's missing, re-run the "
            "pipeline.",
        ],
        queries=[
            "has today's partition of {table} been loaded",
            "check the {dag} airflow dag succeeded today and re-run it if needed",
            "why is the daily revenue mart empty this morning",
        ],
        tools=["warehouse.query", "airflow.list_dag_runs", "airflow.trigger_dag_run"],
    )
)


# ---- office: schedule a meeting ------------------------------------------------------------------------
TOPICS = [
    "Q3 roadmap sync",
    "vendor renewal",
    "onboarding plan for the new analyst",
    "incident retro",
    "launch checklist",
    "budget review",
    "design crit",
]
TZS = [
    ("Europe/Berlin", "CET"),
    ("America/New_York", "EST"),
    ("Europe/London", "GMT"),
    ("America/Los_Angeles", "PST"),
    ("Asia/Kolkata", "IST"),
]


def v_meet(c: Ctx, i: int) -> dict[str, Any]:
    v = base(c)
    p1, p2 = c.person(v["domain"]), c.person(v["domain"])
    v["p1"], v["p2"] = p1, p2
    v["p1n"], v["p2n"] = p1["name"], p2["first"]
    v["topic"] = c.pick(TOPICS)
    v["mins"] = c.pick([30, 30, 45, 60])
    day = weekday(v["when"].date() + dt.timedelta(days=c.rng.randint(1, 6)))
    v["day"] = day
    v["dayname"] = day.strftime("%A")
    v["tz"], v["tzabbr"] = c.pick(TZS)
    return v


def b_meet(r: Run, v: dict[str, Any]) -> None:
    p1, p2, day, mins = v["p1"], v["p2"], v["day"], v["mins"]
    emails = [p1["email"], p2["email"]]
    if r.extra:
        r.note(f"Checking your calendar on {day} first.")
        mine = [
            {
                "summary": r.pick("Focus time", "1:1", "Team standup"),
                "start": f"{day}T{h:02d}:00:00",
                "end": f"{day}T{h:02d}:30:00",
            }
            for h in (9, 13)
        ]
        r.call(
            "listEvents",
            {"calendarId": "primary", "timeMin": f"{day}T00:00:00", "timeMax": f"{day}T23:59:59", "timeZone": v["tz"]},
            {"items": mine},
        )
    r.note("Looking up their addresses.")
    for k, p in enumerate((p1, p2)):
        hit = {
            "displayName": p["name"],
            "email": p["email"],
            "title": r.pick("Product Manager", "Staff Engineer", "Finance Lead", "Designer"),
        }
        r.call("lookupContact", {"query": p["name"] if k == 0 else p["first"]}, {"results": [hit]}, parallel=k == 1)
    window = {
        "attendees": [v["me"]["email"], *emails],
        "durationMinutes": mins,
        "windowStart": f"{day}T09:00:00",
        "windowEnd": f"{day}T17:30:00",
        "timeZone": v["tz"],
    }
    h = r.rng.choice([10, 11, 14, 15])
    slots = [
        {
            "start": f"{day}T{x:02d}:00:00",
            "end": f"{day}T{x:02d}:{mins % 60:02d}:00" if mins < 60 else f"{day}T{x + 1:02d}:00:00",
        }
        for x in (h, h + 1, 16)
    ]
    r.call("findMeetingTimes", window, {"timeZone": v["tz"], "suggestions": slots})
    start, end = slots[0]["start"], slots[0]["end"]
    event = {
        "summary": v["topic"].capitalize(),
        "start": {"dateTime": start, "timeZone": v["tz"]},
        "end": {"dateTime": end, "timeZone": v["tz"]},
        "attendees": [{"email": e} for e in emails],
        "conferenceData": {"createRequest": {"requestId": hexs(r.rng, 12)}},
    }
    if r.role == "recover":
        bad = {
            **event,
            "start": {"dateTime": start, "timeZone": v["tzabbr"]},
            "end": {"dateTime": end, "timeZone": v["tzabbr"]},
        }
        r.call(
            "createEvent",
            bad,
            {
                "error": {
                    "code": 400,
                    "message": f"Invalid time zone definition for start time: {v['tzabbr']}",
                    "status": "INVALID_ARGUMENT",
                }
            },
            error=True,
        )
        r.say(r.pick(f"It wants an IANA zone — using {v['tz']}.", "Timezone format rejected, retrying."))
    if r.role == "fail":
        event["attendees"] = [{"email": p1["email"]}]
    created = {
        "id": alnum(r.rng, 26).lower(),
        "status": "confirmed",
        "htmlLink": f"https://calendar.google.com/calendar/event?eid={alnum(r.rng, 40)}",
        "hangoutLink": "https://meet.google.com/"
        + "-".join(alnum(r.rng, k, string.ascii_lowercase) for k in (3, 4, 3)),
        **event,
    }
    r.call("createEvent", event, created)
    hh = start[11:16]
    r.say(
        r.pick(
            f'Booked "{event["summary"]}" on {v["dayname"]} {day} at {hh} ({v["tz"]}) for {mins} min with '
            f"{p1['first']} and {p2['first']}. Meet link: {created['hangoutLink']}",
            f"Done — {mins}-minute meeting on {day} {hh}, invites sent to {p1['name']} and {p2['name']}, with a "
            "Google Meet link.",
        )
    )
    if r.role == "fail":
        r.silent_thanks()
    else:
        r.thanks()


TASKS.append(
    Task(
        id="schedule_meeting",
        domain="office",
        desc="Find a common free slot for several people on a given day and create a calendar event with a video link",
        formats=["vercel-ui", "openai", "anthropic"],
        fail_kind="silent",
        fail_desc="the created event invites only the first attendee while the agent reports inviting both",
        vals=v_meet,
        build=b_meet,
        roles=("recover",),
        requests=[
            "set up {mins} min with {p1n} and {p2n} on {dayname} about {topic}, add a meet link",
            "Could you find a time on {dayname} ({day}) when {p1n}, {p2n} and I are all free and send an invite for "
            "{mins} minutes? It's about the {topic}. Video call please.",
            "book {topic} w/ {p1n} + {p2n}, {dayname}, {mins}m",
            ("need a {topic} meeting with {p1n} and {p2n} on {dayname}", "{mins} minutes, with a video link"),
            "pls scedule a meeting {dayname} with {p1n} and {p2n} re {topic}, {mins} mins, google meet",
            (
                "can you get a meeting on the calendar",
                "Of course — who with, when, and what's it about?",
                "{p1n} and {p2n}, {dayname}, {mins} minutes, {topic}",
            ),
            (
                "set up a call with {p1n} and {p2n} on {dayname} about the {topic}",
                "Sure. How long should it be?",
                "{mins} min",
            ),
        ],
        queries=[
            "find a slot when {p1n} and {p2n} are both free next week and invite them",
            "put a {mins}-minute video call about the {topic} in everyone's calendar",
            "arrange a meeting with two colleagues on {dayname}",
        ],
        tools=["lookupContact", "findMeetingTimes", "createEvent"],
    )
)


# ---- office: reply to an email with an attachment -----------------------------------------------------
DOCS = [
    ("Q2 board pack", "pdf"),
    ("signed MSA", "pdf"),
    ("pricing sheet 2026", "xlsx"),
    ("security questionnaire", "docx"),
    ("onboarding checklist", "docx"),
    ("travel itinerary", "pdf"),
]


def v_mail(c: Ctx, i: int) -> dict[str, Any]:
    v = base(c)
    ext = c.person(c.pick(["harborline.com", "quintet.io", "ellisgrove.co", "marrowbank.org", v["domain"]]))
    v["them"], v["them_first"], v["them_email"] = ext["name"], ext["first"], ext["email"]
    v["doc"], v["ext"] = c.pick(DOCS)
    v["subject"] = c.pick(
        [f"Re: {v['doc']}", f"{v['doc'].capitalize()} request", f"Following up: {v['doc']}", "Quick question"]
    )
    v["note"] = c.pick(
        ["say sorry for the delay", "mention we can talk Thursday", "keep it short", "cc nobody, just reply"]
    )
    return v


def b_mail(r: Run, v: dict[str, Any]) -> None:
    q = f"from:{v['them_email'] if asked(v, 'them_email') else v['them_first'].lower()} newer_than:30d"
    thread = "18f" + hexs(r.rng, 13)
    msgs = [
        {
            "id": "18f" + hexs(r.rng, 13),
            "threadId": thread,
            "from": f"{v['them']} <{v['them_email']}>",
            "subject": v["subject"],
            "snippet": f"Hi {v['me']['first']}, could you send over the {v['doc']} when you get a chance?",
            "date": iso(v["when"] - dt.timedelta(days=2)),
        }
    ]
    r.note(f"Finding {v['them_first']}'s email.")
    r.call("gmail.search", {"q": q, "maxResults": 5}, {"messages": msgs, "resultSizeEstimate": 1})
    if r.extra:
        r.call(
            "gmail.get_thread",
            {"threadId": thread},
            {
                "id": thread,
                "messages": [
                    {
                        **msgs[0],
                        "body": f"Hi {v['me']['first']},\n\nCould you send over the {v['doc']} when you get a "
                        f"chance? Need it for our review.\n\nThanks,\n{v['them_first']}",
                    }
                ],
            },
        )
    fid = alnum(r.rng, 33)
    fname = v["doc"].replace(" ", "_") + "." + v["ext"]
    r.call(
        "drive.search",
        {"query": f"name contains '{v['doc']}'", "pageSize": 5},
        {
            "files": [
                {
                    "id": fid,
                    "name": fname,
                    "mimeType": f"application/{v['ext']}",
                    "size": str(r.rng.randint(40_000, 9_000_000)),
                    "modifiedTime": iso(v["when"] - dt.timedelta(days=9)),
                }
            ]
        },
    )
    body = r.pick(
        f"Hi {v['them_first']},\n\nApologies for the delay — the {v['doc']} is attached.\n\nBest,\n{v['me']['first']}",
        f"Hi {v['them_first']},\n\nAttached is the {v['doc']}. Happy to talk it through "
        f"Thursday.\n\n{v['me']['first']}",
        f"Hi {v['them_first']}, here you go — {v['doc']} attached.\n{v['me']['first']}",
    )
    args: dict[str, Any] = {
        "to": [v["them_email"]],
        "subject": "Re: " + v["subject"].removeprefix("Re: "),
        "threadId": thread,
        "body": body,
        "attachments": [{"driveFileId": fid}],
    }
    if r.role == "fail":
        del args["attachments"]
    r.call("gmail.send", args, {"id": "18f" + hexs(r.rng, 13), "threadId": thread, "labelIds": ["SENT"]})
    r.say(
        r.pick(
            f"Replied to {v['them_first']} in the thread with {fname} attached.",
            f'Sent! Reply to "{v["subject"]}" with the {v["doc"]} ({fname}).',
        )
    )
    if r.role == "fail":
        r.user(
            r.pick(
                f"{v['them_first']} says there was no attachment??", "hm, they replied saying the file wasn't attached"
            )
        )
        r.say(
            f"Sorry — you're right, my send call didn't include the attachment, so {v['them_first']} only got the text."
        )
        return
    r.thanks()


TASKS.append(
    Task(
        id="email_reply_attachment",
        domain="office",
        desc="Find a person's email, find the requested document in Drive, and reply in the thread with it attached",
        formats=["openai", "openai-responses", "anthropic"],
        fail_kind="visible",
        fail_desc="the gmail.send call omits the attachment; the user reports the recipient got no file",
        vals=v_mail,
        build=b_mail,
        requests=[
            "reply to {them_first}'s email and attach the {doc}, {note}",
            "{them} ({them_email}) asked me for the {doc} a couple of days ago. Can you reply on that thread with the "
            "file from Drive? {note}.",
            "send {them_first} the {doc} (reply to their mail)",
            "can u answr {them_first}s email w/ the {doc} attached pls",
            (
                "I owe someone a document",
                "Happy to help — who, and which document?",
                "{them} — the {doc}. reply to their last email, {note}",
            ),
            "I'm travelling and can't get to my laptop. {them_first} at {them_email} is waiting on the {doc}; please "
            "find it in Drive and reply to their email with it attached.",
        ],
        queries=[
            "respond to {them_first}'s message with the {doc} file",
            "email the signed contract from Drive back to the person who asked for it",
            "attach a drive document to a reply",
        ],
        tools=["gmail.search", "gmail.get_thread", "drive.search", "gmail.send"],
    )
)


# ---- office: share a drive document -------------------------------------------------------------------
SHARE_DOCS = [
    "2026 Hiring Plan",
    "Campaign Tracker",
    "Vendor Scorecard",
    "Roadmap H2",
    "Offsite Agenda",
    "Pricing Experiments",
    "Support Playbook",
]
ROLES = {"viewer": "reader", "commenter": "commenter", "editor": "writer"}


def v_share(c: Ctx, i: int) -> dict[str, Any]:
    v = base(c)
    who = c.person(c.pick([v["domain"], v["domain"], "contractor-hub.io"]))
    v["who"], v["who_email"], v["who_first"] = who["name"], who["email"], who["first"]
    v["doc"] = c.pick(SHARE_DOCS)
    v["role"] = c.pick(["viewer", "viewer", "commenter", "editor"])
    v["kind"] = c.pick(["doc", "sheet", "slides"])
    return v


def b_share(r: Run, v: dict[str, Any]) -> None:
    fid = alnum(r.rng, 44)
    mime = {"doc": "document", "sheet": "spreadsheet", "slides": "presentation"}[v["kind"]]
    r.note(f"Finding '{v['doc']}'.")
    r.call(
        "drive_search_files",
        {"query": v["doc"], "page_size": 5},
        {
            "files": [
                {
                    "id": fid,
                    "name": v["doc"],
                    "mimeType": f"application/vnd.google-apps.{mime}",
                    "owners": [v["me"]["email"]],
                },
                {
                    "id": alnum(r.rng, 44),
                    "name": v["doc"] + " (old)",
                    "mimeType": f"application/vnd.google-apps.{mime}",
                },
            ]
        },
    )
    perms = [
        {"id": str(r.rng.randint(10**19, 10**20)), "type": "user", "emailAddress": v["me"]["email"], "role": "owner"}
    ]
    if r.role == "noop":
        perms.append(
            {
                "id": str(r.rng.randint(10**19, 10**20)),
                "type": "user",
                "emailAddress": v["who_email"],
                "role": ROLES[v["role"]],
            }
        )
    if r.extra or r.role == "noop":
        r.call("drive_list_permissions", {"file_id": fid}, {"permissions": perms})
    if r.role == "noop":
        r.say(
            r.pick(
                f"{v['who_first']} already has {v['role']} access to '{v['doc']}' — nothing to change.",
                f"No change needed: {v['who_email']} is already a {v['role']} on that {v['kind']}.",
            )
        )
        r.thanks(0.5)
        return
    role = "writer" if r.role == "fail" else ROLES[v["role"]]
    args = {"file_id": fid, "email": v["who_email"], "role": role, "send_notification": True}
    r.call(
        "drive_share_file",
        args,
        {"id": str(r.rng.randint(10**19, 10**20)), "type": "user", "emailAddress": v["who_email"], "role": role},
    )
    r.say(
        r.pick(
            f"Shared '{v['doc']}' with {v['who']} as {v['role']}; they got an email notification.",
            f"{v['who_email']} now has {v['role']} access to the {v['kind']}.",
        )
    )
    if r.role == "fail":
        r.silent_thanks()
    else:
        r.thanks()


TASKS.append(
    Task(
        id="share_drive_doc",
        domain="office",
        desc="Share a Drive document with a person at a given access level (skip if they already have it)",
        formats=["vercel-ui", "openai", "vercel-model"],
        fail_kind="silent",
        fail_desc="grants editor (writer) access when viewer/commenter was asked, and reports the requested role",
        vals=v_share,
        build=b_share,
        roles=("noop",),
        requests=[
            "give {who_email} {role} access to the {doc} {kind}",
            "Hi, could you share the '{doc}' {kind} with {who}? {role} rights are enough.",
            "share {doc} w/ {who_first} ({who_email}) - {role}",
            ("share the {doc} {kind} with {who_email}", "{role} access"),
            "pls let {who_first} see the {doc} file, {role} only",
            ("need to share a file", "Sure — which file, with whom, and what access?", "'{doc}', {who_email}, {role}"),
            "{who} is joining the project next week and needs {role} access to our {doc} {kind}. Can you sort that "
            "out?",
        ],
        queries=[
            "grant {who_first} read-only access to the {doc} spreadsheet",
            "add a collaborator to a google doc as commenter",
            "make sure {who_email} can edit '{doc}'",
        ],
        tools=["drive_search_files", "drive_list_permissions", "drive_share_file"],
    )
)


# ---- office: post an announcement to Slack ------------------------------------------------------------
ANNOUNCEMENTS = [
    (
        "eng-announcements",
        "Code freeze starts Thursday 18:00 UTC for the {month} release. Only release-blocker fixes after that.",
    ),
    (
        "office-london",
        "The office is closed on {day} for the building's electrical maintenance. Please work from home.",
    ),
    ("release-train", "Release {ver} is rolling out to 10% of users now; full rollout tomorrow if metrics hold."),
    ("ops", "Planned DB maintenance {day} 06:00-06:30 UTC. Expect ~2 min of read-only mode."),
    ("general-product", "The new onboarding flow ships today 🎉 — feedback in the thread please."),
]


def v_slack(c: Ctx, i: int) -> dict[str, Any]:
    v = base(c)
    ch, text = c.pick(ANNOUNCEMENTS)
    v["channel"] = ch
    day = weekday(v["when"].date() + dt.timedelta(days=c.rng.randint(2, 9)))
    v["msg"] = text.format(
        month=day.strftime("%B"), day=day.strftime("%A %-d %B"), ver=f"{c.rng.randint(3, 9)}.{c.rng.randint(0, 30)}"
    )
    v["cid"] = "C0" + alnum(c.rng, 9, string.ascii_uppercase + string.digits)
    v["hook"] = c.secret("slack_webhook")
    return v


def b_slack(r: Run, v: dict[str, Any]) -> None:
    ch, cid = v["channel"], v["cid"]
    channels = {
        "ok": True,
        "channels": [
            {"id": cid, "name": ch, "is_member": True, "num_members": r.rng.randint(20, 900)},
            {
                "id": "C0" + alnum(r.rng, 9, string.ascii_uppercase + string.digits),
                "name": "random",
                "is_member": True,
                "num_members": 1200,
            },
        ],
    }
    target = "#" + ch
    if r.role == "recover":
        typo = "#" + ch[:-1] if ch[-1] == "s" else "#" + ch.replace("-", "_", 1)
        r.call(
            "mcp__slack__slack_post_message",
            {"channel_id": typo, "text": v["msg"]},
            {"ok": False, "error": "channel_not_found"},
            error=True,
        )
        r.say(r.pick(f"{typo} doesn't exist — looking up the right channel.", "channel_not_found; I'll get the ID."))
        r.call("mcp__slack__slack_list_channels", {"limit": 200}, channels)
        target = cid
    elif r.extra:
        r.note(f"Finding the ID for #{ch}.")
        r.call("mcp__slack__slack_list_channels", {"limit": 200}, channels)
        target = cid
    if r.role == "fail":
        err = {
            "ok": False,
            "error": "restricted_action",
            "warning": "missing_charset",
            "response_metadata": {"messages": [f"Posting to #{ch} is restricted to workspace admins"]},
        }
        r.call("mcp__slack__slack_post_message", {"channel_id": target, "text": v["msg"]}, err, error=True)
        r.say(
            f"I can't post in #{ch}: Slack says posting there is restricted to admins (restricted_action). Someone "
            "with admin rights has to post it, or I can put it in another channel."
        )
        if r.rng.random() < 0.5:
            r.user("no leave it, I'll ask IT")
        return
    ts = f"{int(v['when'].timestamp())}.{r.rng.randint(100000, 999999)}"
    r.call(
        "mcp__slack__slack_post_message",
        {"channel_id": target, "text": v["msg"]},
        {
            "ok": True,
            "channel": cid,
            "ts": ts,
            "message": {"text": v["msg"], "user": "U0" + alnum(r.rng, 9).upper(), "ts": ts},
        },
    )
    if r.verify:
        r.call("mcp__slack__slack_add_reaction", {"channel_id": cid, "timestamp": ts, "reaction": "mega"}, {"ok": True})
    r.say(r.pick(f"Posted in #{ch}.", f'Announcement is up in #{ch}: "{v["msg"][:60]}…"'))
    r.thanks()


TASKS.append(
    Task(
        id="slack_announcement",
        domain="office",
        desc="Post an announcement message to a named Slack channel (resolving the channel id)",
        formats=["claude-code", "anthropic", "vercel-ui"],
        fail_kind="visible",
        fail_desc="posting fails with Slack restricted_action (admins only); the agent gives up",
        vals=v_slack,
        build=b_slack,
        roles=("recover",),
        secret=True,
        requests=[
            "post in #{channel}: {msg}",
            'Can you put this in #{channel} for me? "{msg}"',
            "slack #{channel} -> {msg}",
            "pls anounce in #{channel}: {msg}",
            (
                "can you post something on slack for me",
                "Sure — which channel, and what should it say?",
                "#{channel}: {msg}",
            ),
            "Heads-up needs to go out to the team. Channel is #{channel}, message: {msg} (if the Slack tool gives you "
            "trouble, the incoming webhook is {hook})",
        ],
        queries=[
            "send a message to the #{channel} channel on Slack",
            "announce the maintenance window to the team in slack",
            "broadcast '{msg}' in slack",
        ],
        tools=["mcp__slack__slack_list_channels", "mcp__slack__slack_post_message"],
    )
)


# ---- office: meeting notes into Notion ----------------------------------------------------------------
NOTION_DBS = ["Meeting Notes", "Team Syncs", "Decision Log", "Project Journal"]


def v_notion(c: Ctx, i: int) -> dict[str, Any]:
    v = base(c)
    v["db"] = c.pick(NOTION_DBS)
    v["meeting"] = c.pick(
        ["weekly product sync", "platform standup", "partner kickoff", "hiring debrief", "Q3 planning"]
    )
    people = [c.person(v["domain"])["first"] for _ in range(3)]
    v["people"] = ", ".join(people)
    v["decision"] = c.pick(
        [
            "ship the beta to 5 design partners",
            "drop the Android tablet layout",
            "move the launch by one week",
            "hire a second SRE",
        ]
    )
    todo = c.pick(["draft the rollout plan", "update the pricing page", "send the recap to partners", "book the venue"])
    v["action"] = f"{people[0]} to {todo} by {c.pick(['Friday', 'Tuesday', 'end of month'])}"
    return v


def b_notion(r: Run, v: dict[str, Any]) -> None:
    db_id = str(uuid.UUID(int=r.rng.getrandbits(128)))
    old_id = str(uuid.UUID(int=r.rng.getrandbits(128)))
    found = {
        "results": [
            {
                "id": db_id,
                "object": "database",
                "title": v["db"],
                "url": f"https://www.notion.so/{db_id.replace('-', '')}",
            },
            {
                "id": old_id,
                "object": "page",
                "title": f"{v['db']} (old)",
                "url": f"https://www.notion.so/{old_id.replace('-', '')}",
            },
        ]
    }
    if r.role == "fail":
        found["results"].reverse()
    r.note(f"Finding the {v['db']} database in Notion.")
    r.call("mcp__notion__notion-search", {"query": v["db"]}, found)
    if r.extra:
        r.call(
            "mcp__notion__notion-fetch",
            {"id": db_id},
            {
                "id": db_id,
                "object": "database",
                "properties": {
                    "Name": {"type": "title"},
                    "Date": {"type": "date"},
                    "Attendees": {"type": "multi_select"},
                    "Type": {"type": "select"},
                },
            },
        )
    content = f"## Attendees\n{v['people']}\n\n## Decisions\n- {v['decision']}\n\n## Action items\n- [ ] {v['action']}"
    title = f"{v['meeting'].capitalize()} — {v['today']}"
    parent = {"page_id": old_id} if r.role == "fail" else {"database_id": db_id}
    props: dict[str, Any] = (
        {"title": title}
        if r.role == "fail"
        else {"Name": title, "Date": v["today"], "Attendees": v["people"].split(", ")}
    )
    page_id = str(uuid.UUID(int=r.rng.getrandbits(128)))
    res = {
        "pages": [
            {
                "id": page_id,
                "url": f"https://www.notion.so/{title.replace(' ', '-').replace('—', '')}-{page_id.replace('-', '')}",
            }
        ]
    }
    r.call(
        "mcp__notion__notion-create-pages",
        {"parent": parent, "pages": [{"properties": props, "content": content}]},
        res,
    )
    r.say(
        r.pick(
            f"Notes are in Notion: {res['pages'][0]['url']}",
            f'Created "{title}" in {v["db"]} with attendees, the decision and the action item.',
        )
    )
    if r.role == "fail":
        r.user(
            r.pick(
                f"I don't see it in the {v['db']} database though",
                "it's not showing up in the database, where did it go?",
            )
        )
        r.say(
            f'Sorry — I created it under the old page "{v["db"]} (old)" instead of the {v["db"]} database, so it '
            "isn't in the database view."
        )
        return
    r.thanks()


TASKS.append(
    Task(
        id="notion_meeting_notes",
        domain="office",
        desc="Write meeting notes (attendees, decisions, action items) as a new page in a Notion database",
        formats=["claude-code", "anthropic", "openai"],
        fail_kind="visible",
        fail_desc="the page is created under an old look-alike page instead of the database; the user can't find it",
        vals=v_notion,
        build=b_notion,
        requests=[
            "add notes from today's {meeting} to {db} in notion. attendees {people}. decided: {decision}. action: "
            "{action}",
            "Could you write up the {meeting} in our Notion {db}? We had {people}. We agreed to {decision}, and the "
            "action item is {action}.",
            "notion -> {db}: {meeting}, {people}; decision {decision}; AI: {action}",
            "plz put the notes for {meeting} into notoin ({db}): ppl {people}, we decided to {decision}, {action}",
            (
                "can you log a meeting in notion",
                "Sure — which meeting, who attended, and what was decided?",
                "{meeting} today w/ {people}. decision: {decision}. action item: {action}. database is {db}",
            ),
            "Before I forget: today's {meeting} needs to go into Notion ({db}). Present: {people}. Outcome — "
            "{decision}. Follow-up: {action}.",
        ],
        queries=[
            "create a notion page summarising today's {meeting}",
            "record the decisions from a meeting in our notion decision log",
            "write minutes for the sync into Notion",
        ],
        tools=["mcp__notion__notion-search", "mcp__notion__notion-create-pages"],
    )
)


# ---- office: summarise the inbox (read-only) -----------------------------------------------------------
INBOX = [
    (
        "Finance Ops",
        "Reminder: expense reports due Friday",
        "Please submit outstanding expense reports by Friday noon.",
    ),
    ("{p}", "Draft contract v3", "Attached the redlined v3 — main change is the liability cap."),
    ("GitHub", "[{repo}] CI failed on main", "Run failed: test (node 20). 1 job failed."),
    ("{p}", "Can we move our 1:1?", "Something came up Thursday, would Friday 10am work?"),
    ("IT Helpdesk", "Your laptop refresh is ready", "Pick up your new laptop at the 3rd floor desk."),
    ("{p}", "Customer escalation — need input", "The customer is threatening to churn over the export bug."),
]


def v_inbox(c: Ctx, i: int) -> dict[str, Any]:
    v = base(c)
    v["scope"] = c.pick(["today", "this morning", "since yesterday"])
    v["sender"] = c.person(v["domain"])
    v["items"] = c.sample(INBOX, 4)
    v["repo"] = c.pick(REPOS)
    return v


def b_inbox(r: Run, v: dict[str, Any]) -> None:
    q = "is:unread newer_than:7d" if r.role == "fail" else "is:unread newer_than:1d"
    msgs = []
    for k, (frm, subj, body) in enumerate(v["items"]):
        frm = frm.format(p=v["sender"]["name"])
        age = dt.timedelta(days=r.rng.randint(3, 6)) if r.role == "fail" else dt.timedelta(hours=r.rng.randint(1, 9))
        msgs.append(
            {
                "id": "18e" + hexs(r.rng, 13),
                "from": frm,
                "subject": subj.format(repo=v["repo"]),
                "snippet": body,
                "date": iso(v["when"] - age),
                "labelIds": ["UNREAD", "INBOX"],
                "_k": k,
            }
        )
    r.note("Checking unread mail.")
    r.call(
        "gmail.search",
        {"q": q, "maxResults": 20},
        {"messages": [{k_: x for k_, x in m.items() if k_ != "_k"} for m in msgs], "resultSizeEstimate": len(msgs)},
    )
    for m in msgs[: 2 if r.extra else 1]:
        r.call(
            "gmail.get_message",
            {"id": m["id"], "format": "full"},
            {
                "id": m["id"],
                "from": m["from"],
                "subject": m["subject"],
                "body": m["snippet"] + "\n\nThanks!",
                "date": m["date"],
            },
        )
    summary = "\n".join(f"- **{m['from']}** — {m['subject']}: {m['snippet']}" for m in msgs)
    r.say(
        r.pick(
            f"You have {len(msgs)} unread:\n{summary}",
            f"{len(msgs)} unread emails {v['scope']}:\n{summary}\n\nThe one from {v['sender']['first']} probably "
            "needs a reply first.",
        )
    )
    if r.role == "fail":
        r.user(
            r.pick(
                "those are from last week, I asked about " + v["scope"], "hm no, that's old stuff. nothing new came in?"
            )
        )
        r.say("Sorry — I searched the last 7 days instead of just today, so that list mixes in older mail.")
        return
    r.thanks(0.5)


TASKS.append(
    Task(
        id="inbox_summary",
        domain="office",
        desc="Read-only: list and summarise the user's recent unread email",
        formats=["openai", "openai-responses", "vercel-model"],
        fail_kind="visible",
        fail_desc="searches a 7-day window instead of today; the user says these are last week's emails",
        vals=v_inbox,
        build=b_inbox,
        requests=[
            "what's new in my inbox {scope}?",
            "Can you give me a quick rundown of the unread emails I got {scope}? I've been in workshops all day.",
            "summarize unread mail",
            "anything importnat in my email {scope}?",
            (
                "can you check my email",
                "Sure — anything specific, or a summary of what's unread?",
                "just a summary of unread {scope}",
            ),
            "I'm about to jump on a call — skim my unread messages from {scope} and tell me what matters.",
        ],
        queries=[
            "give me a digest of today's unread emails",
            "did {sender[first]} email me {scope}",
            "what do I need to reply to in my inbox",
        ],
        tools=["gmail.search", "gmail.get_message"],
    )
)


# ---- customer support -----------------------------------------------------------------------------------
CUSTOMERS = [
    "Halden Clinics",
    "Brookvale Schools",
    "Okra Kitchens",
    "Peregrine Air Charter",
    "Lantern Legal LLP",
    "Sunmill Bakeries",
    "Driftwood Hostels",
    "Kestrel Point Marinas",
]
URGENT_ISSUES = [
    (
        "Nobody on our team can log in — SSO returns error 500",
        "All 40 users get 'Internal error' after the Okta redirect since 08:10.",
    ),
    (
        "Possible data exposure: we can see another company's invoices",
        "When I open Reports > Invoices I see invoices for a company that isn't ours.",
    ),
    (
        "API returning 503 for all requests",
        "Our integration has been failing for 30 minutes, every call returns 503 Service Unavailable.",
    ),
]
NORMAL_ISSUES = [
    (
        "How do I change the billing contact?",
        "Our accountant changed, who do I update so invoices go to the right person?",
    ),
    ("Export to CSV misses the Notes column", "When I export the contacts list the notes field isn't in the file."),
    ("Request: dark mode", "Any plans for a dark mode? Our night shift would love it."),
]


def ticket(v: dict[str, Any], tid: int, subject: str, body: str, t: dt.datetime, **kw: Any) -> dict[str, Any]:
    rec = {
        "id": tid,
        "subject": subject,
        "description": body,
        "status": "new",
        "priority": None,
        "group": None,
        "requester": {
            "name": v["cust_person"]["name"],
            "email": v["cust_person"]["email"],
            "organization": v["customer"],
        },
        "channel": "email",
        "created_at": iso(t),
        "tags": [],
    }
    rec.update(kw)
    return rec


def v_support(c: Ctx, i: int) -> dict[str, Any]:
    v = base(c)
    v["customer"] = c.pick(CUSTOMERS)
    dom = v["customer"].split()[0].lower() + ".com"
    v["cust_person"] = c.person(dom)
    v["cust"] = v["cust_person"]["name"]
    v["tid"] = c.rng.randint(40000, 99999)
    v["urgent"] = i % 2 == 0
    v["subj"], v["body"] = c.pick(URGENT_ISSUES if v["urgent"] else NORMAL_ISSUES)
    return v


def b_triage(r: Run, v: dict[str, Any]) -> None:
    tid = v["tid"]
    t = ticket(v, tid, v["subj"], v["body"], v["when"] - dt.timedelta(minutes=r.rng.randint(3, 50)))
    r.note(f"Reading #{tid}.")
    r.call("helpdesk.get_ticket", {"ticket_id": tid}, t)
    if r.extra:
        others = [
            {
                "id": tid - r.rng.randint(50, 900),
                "subject": "Invoice copy",
                "status": "solved",
                "created_at": iso(v["when"] - dt.timedelta(days=40)),
            }
        ]
        r.call(
            "helpdesk.search_tickets",
            {"query": f'organization:"{v["customer"]}" created>30d'},
            {"results": others, "count": len(others)},
        )
    urgent = v["urgent"]
    if urgent and r.role != "fail":
        upd = {
            "priority": "urgent",
            "group": "Tier 2 - Platform",
            "type": "incident",
            "tags": ["sev-candidate", "triaged"],
        }
    elif urgent:
        upd = {"priority": "low", "group": "Tier 1", "type": "question", "tags": ["triaged"]}
    else:
        grp = "Billing" if "billing" in v["subj"].lower() else "Tier 1"
        upd = {
            "priority": "normal",
            "group": grp,
            "type": "question" if "?" in v["subj"] else "problem",
            "tags": ["triaged"],
        }
        if "dark mode" in v["subj"].lower():
            upd.update(type="feature_request", tags=["triaged", "feature-request"])
    r.call(
        "helpdesk.update_ticket",
        {"ticket_id": tid, **upd},
        {**t, **upd, "status": "open", "updated_at": iso(v["when"])},
    )
    if urgent and r.role != "fail":
        note = f"Triage: {v['subj']}. Affects whole org ({v['customer']}). Routed to Tier 2 as incident candidate."
        r.call(
            "helpdesk.add_note",
            {"ticket_id": tid, "body": note, "public": False},
            {"id": r.rng.randint(10**6, 10**7), "public": False, "created_at": iso(v["when"])},
        )
    r.say(
        r.pick(
            f"Triaged #{tid}: priority {upd['priority']}, group {upd['group']}, type {upd['type']}.",
            f"#{tid} ({v['customer']}) → {upd['group']} at {upd['priority']} priority.",
        )
    )
    if r.role == "fail":
        r.silent_thanks()
    else:
        r.thanks(0.5)


TASKS.append(
    Task(
        id="ticket_triage",
        domain="support",
        desc="Triage a new helpdesk ticket: outage/security reports go urgent to Tier 2 with a note; others normal "
        "to the right queue",
        formats=["openai", "anthropic", "openai-responses"],
        fail_kind="silent",
        fail_desc="an outage/security ticket is set to low priority in Tier 1; the agent reports it triaged",
        vals=v_support,
        build=b_triage,
        requests=[
            "triage ticket {tid}",
            "New ticket #{tid} from {customer} just came in — can you triage it (priority, group, type)?",
            "pls triage #{tid}",
            ("ticket {tid} just landed", "can you triage it? prio + group + type"),
            "can u sort out the new tikcet {tid}, set prio and queue",
            ("got a minute for some triage?", "Sure — which ticket?", "#{tid}, from {cust} at {customer}"),
            "I'm on queue duty but stuck in a call. Ticket {tid} arrived a few minutes ago; please set priority, type "
            "and group per the playbook.",
        ],
        queries=[
            "set priority and route the incoming helpdesk ticket {tid}",
            "classify the new support request from {customer}",
            "a customer says they can see another company's invoices — handle the ticket",
        ],
        tools=["helpdesk.get_ticket", "helpdesk.update_ticket", "helpdesk.add_note"],
    )
)


# ---- merge duplicate tickets ----------------------------------------------------------------------------
def v_dupes(c: Ctx, i: int) -> dict[str, Any]:
    v = v_support(c, 1)
    v["n"] = c.rng.randint(2, 4)
    v["issue"] = c.pick(
        ["the CSV export", "login problems", "a double charge", "the broken webhook", "missing notifications"]
    )
    return v


def b_dupes(r: Run, v: dict[str, Any]) -> None:
    n = 1 if r.role == "noop" else v["n"]
    ids = sorted(v["tid"] + k * r.rng.randint(3, 60) for k in range(n))
    rows = [
        {
            "id": x,
            "subject": r.pick(
                f"Re: {v['issue']}", f"{v['issue'].capitalize()} still broken", f"URGENT {v['issue']}", f"{v['issue']}?"
            ),
            "status": "open",
            "requesterEmail": v["cust_person"]["email"],
            "createdAt": iso(v["when"] - dt.timedelta(hours=(n - k) * r.rng.randint(2, 20))),
        }
        for k, x in enumerate(ids)
    ]
    r.note(f"Searching {v['cust']}'s open tickets.")
    who = {"requesterEmail": v["cust_person"]["email"]} if asked(v, "cust_person[email]") else {"requester": v["cust"]}
    r.call("searchTickets", {**who, "status": ["new", "open", "pending"]}, {"tickets": rows, "count": n})
    if n == 1:
        r.say(
            r.pick(
                f"{v['cust']} only has one open ticket (#{ids[0]}), so there's nothing to merge.",
                f"Nothing to merge — just #{ids[0]} is open for {v['cust_person']['email']}.",
            )
        )
        r.thanks(0.5)
        return
    target, sources = ids[0], ids[1:]
    if r.extra:
        for x in sources[:1]:
            r.call(
                "getTicket",
                {"ticketId": x},
                {**rows[ids.index(x)], "description": f"Writing again about {v['issue']}, no reply yet."},
            )
    r.ask_confirm(
        f"I'll merge {', '.join('#' + str(s) for s in sources)} into the oldest, #{target}. The merged ones get "
        "closed. OK?"
    )
    comment = f"Merged into #{target} — same issue ({v['issue']}). We'll follow up there."
    if r.role == "fail":
        err = {
            "error": {
                "code": "MERGE_NOT_ALLOWED",
                "message": f"Ticket {sources[-1]} has an active SLA breach escalation and cannot be merged",
                "details": {"ticketId": sources[-1]},
            }
        }
        r.call("mergeTickets", {"targetId": target, "sourceIds": sources, "comment": comment}, err, error=True)
        r.say(
            f"The merge failed: the helpdesk refuses because #{sources[-1]} has an active SLA-breach escalation. "
            "Nothing was merged; someone on the escalation team has to clear it first."
        )
        return
    r.call(
        "mergeTickets",
        {"targetId": target, "sourceIds": sources, "comment": comment},
        {"targetId": target, "merged": sources, "status": "ok"},
    )
    r.say(
        r.pick(
            f"Merged {len(sources)} duplicate(s) into #{target}.",
            f"Done: {', '.join('#' + str(s) for s in sources)} → #{target} (oldest). The customer got a note on each.",
        )
    )
    r.thanks()


TASKS.append(
    Task(
        id="merge_duplicate_tickets",
        domain="support",
        desc="Find a customer's duplicate open tickets about one issue and merge them into the oldest",
        formats=["vercel-ui", "openai", "anthropic"],
        fail_kind="visible",
        fail_desc="mergeTickets fails with MERGE_NOT_ALLOWED (SLA escalation on one ticket); the agent stops",
        vals=v_dupes,
        build=b_dupes,
        roles=("noop",),
        requests=[
            "{cust} opened several tickets about {issue}, merge them into the oldest",
            "Could you clean up the duplicates from {cust_person[email]}? They've written in multiple times about "
            "{issue}. Keep the oldest ticket.",
            "merge dupes for {cust} ({customer})",
            "{cust} keeps opening new tikets for {issue}, pls merge em",
            ("can you merge some tickets", "Sure — for which customer?", "{cust} from {customer}, all about {issue}"),
            "Our queue is cluttered: {cust} from {customer} has complained about {issue} in several separate "
            "tickets. Please fold them into the earliest one so we answer once.",
        ],
        queries=[
            "combine the repeated support requests from {cust} into one",
            "dedupe tickets for a requester",
            "customer {customer} filed the same complaint three times — consolidate",
        ],
        tools=["searchTickets", "getTicket", "mergeTickets"],
    )
)


# ---- apply a macro ---------------------------------------------------------------------------------------
# (macro title, how people call it, the kind of ticket it answers: subject, description)
MACROS = [
    (
        "Shipping delay apology",
        "shipping delay",
        "Where is my order?",
        "Order was due last Tuesday and tracking hasn't moved since.",
    ),
    (
        "Password reset instructions",
        "password reset",
        "Can't log in",
        "I forgot my password and the reset link says expired.",
    ),
    (
        "Refund issued confirmation",
        "refund confirmation",
        "Refund status?",
        "You said you'd refund the duplicate charge — has it gone through?",
    ),
    (
        "Request more info: logs",
        "ask for logs",
        "Sync keeps failing",
        "The desktop app sync fails every night around 2am.",
    ),
    (
        "Feature request acknowledged",
        "feature request",
        "Idea: bulk edit",
        "It would save us hours if we could edit tags on many records at once.",
    ),
]


def v_macro(c: Ctx, i: int) -> dict[str, Any]:
    v = v_support(c, 1)
    k = c.rng.randrange(len(MACROS))
    v["macro"], v["mtopic"], v["msubj"], v["mbody"] = MACROS[k]
    v["wrong"] = MACROS[(k + 2) % len(MACROS)][0]
    v["mids"] = [c.rng.randint(3000, 9000) for _ in MACROS]
    return v


def b_macro(r: Run, v: dict[str, Any]) -> None:
    tid = v["tid"]
    macros = [{"id": mid, "title": title, "active": True} for mid, (title, *_) in zip(v["mids"], MACROS, strict=True)]
    want = next(m for m in macros if m["title"] == v["macro"])
    use = next(m for m in macros if m["title"] == v["wrong"]) if r.role == "fail" else want
    if r.extra:
        r.call(
            "get_ticket",
            {"ticket_id": tid},
            ticket(v, tid, v["msubj"], v["mbody"], v["when"] - dt.timedelta(hours=3), status="open"),
        )
    if r.role == "recover":
        r.call(
            "apply_macro",
            {"ticket_id": tid, "macro_id": want["id"] + 1},
            {"error": "MacroNotFound", "message": f"macro {want['id'] + 1} does not exist", "status": 404},
            error=True,
        )
        r.say("That macro id was wrong; listing macros.")
    r.note("Looking up the macro.")
    r.call(
        "list_macros",
        {"query": v["mtopic"] if r.role != "fail" else "", "active": True},
        {"macros": macros if r.role == "fail" else [want]},
    )
    comment = f"Hi {v['cust_person']['first']},\n\n[{use['title']}] …\n\nBest,\n{v['me']['first']}"
    r.call(
        "apply_macro",
        {"ticket_id": tid, "macro_id": use["id"]},
        {"ticket_id": tid, "macro_id": use["id"], "comment": {"public": True, "body": comment}, "status": "open"},
    )
    r.call(
        "update_ticket",
        {"ticket_id": tid, "status": "pending"},
        {"ticket_id": tid, "status": "pending", "updated_at": iso(v["when"])},
    )
    r.say(
        r.pick(
            f'Applied "{v["macro"]}" to #{tid} and set it to pending.',
            f"#{tid}: macro sent to {v['cust_person']['first']}, status pending.",
        )
    )
    if r.role == "fail":
        r.silent_thanks()
    else:
        r.thanks()


TASKS.append(
    Task(
        id="apply_macro_reply",
        domain="support",
        desc="Reply to a ticket with a named canned-response macro and set the ticket to pending",
        formats=["openai", "openai-responses", "vercel-model"],
        fail_kind="silent",
        fail_desc="applies a different macro (wrong canned reply) than the one requested",
        vals=v_macro,
        build=b_macro,
        roles=("recover",),
        requests=[
            "send the '{macro}' macro on {tid} and set pending",
            "Can you reply to ticket #{tid} using our {mtopic} macro? Then mark it pending.",
            "macro '{macro}' -> #{tid}, pending",
            "pls use the {mtopic} macro on tiket {tid}",
            (
                "can you answer a ticket with a macro",
                "Sure — which ticket and which macro?",
                "{tid}, the {macro} one. pending after",
            ),
            "Customer on #{tid} needs the standard {mtopic} answer. Please apply the '{macro}' macro and set the "
            "ticket to pending while we wait on them.",
        ],
        queries=[
            "respond to ticket {tid} with the canned {mtopic} answer",
            "use a saved reply on a support ticket and mark it waiting on customer",
            "apply macro to the {customer} ticket",
        ],
        tools=["list_macros", "apply_macro", "update_ticket"],
    )
)


# ---- escalate instead of handling (hand-off) ----------------------------------------------------------
# (what the customer wants, owning queue, short name, why Tier 1 can't act, the customer's subject line)
ESCALATIONS = [
    (
        "deletion of all their personal data under GDPR",
        "Privacy",
        "data-deletion request",
        "GDPR Art. 17 erasure request",
        "Delete all our data",
    ),
    (
        "a refund of {amt} for the whole year",
        "Billing Escalations",
        "refund above agent limit",
        "refund request above the $500 agent limit",
        "Refund for this year",
    ),
    (
        "a transfer of account ownership to a new email address",
        "Trust & Safety",
        "ownership transfer",
        "account ownership transfer (identity verification required)",
        "Change account owner",
    ),
    (
        "written confirmation that we'll pay damages for the outage",
        "Legal",
        "legal claim",
        "damages/liability claim",
        "Compensation for last week's outage",
    ),
]


def v_escalate(c: Ctx, i: int) -> dict[str, Any]:
    v = v_support(c, 1)
    want, queue, short, why, v["esubj"] = c.pick(ESCALATIONS)
    v["amt"] = money(c.rng.randint(900, 14000))
    v["want"], v["queue"], v["short"], v["why"] = want.format(amt=v["amt"]), queue, short, why
    return v


def b_escalate(r: Run, v: dict[str, Any]) -> None:
    tid = v["tid"]
    t = ticket(
        v,
        tid,
        v["esubj"],
        f"Hello, we're requesting {v['want']}. Please confirm asap.",
        v["when"] - dt.timedelta(hours=5),
        status="open",
        priority="normal",
    )
    r.note(f"Reading #{tid}.")
    r.call("helpdesk.get_ticket", {"ticket_id": tid}, t)
    if r.role == "fail":
        reply = (
            f"Hi {v['cust_person']['first']}, thanks for reaching out — we've taken care of this: {v['want']}. Let "
            "us know if you need anything else!"
        )
        r.call(
            "helpdesk.reply",
            {"ticket_id": tid, "body": reply, "public": True},
            {"id": r.rng.randint(10**6, 10**7), "public": True},
        )
        r.call("helpdesk.update_ticket", {"ticket_id": tid, "status": "solved"}, {**t, "status": "solved"})
        r.say(f"Replied to {v['cust_person']['first']} confirming the request and marked #{tid} solved.")
        r.silent_thanks()
        return
    if r.extra:
        r.call(
            "helpdesk.get_policy",
            {"topic": v["short"]},
            {"topic": v["short"], "handled_by": v["queue"], "agent_may_action": False, "sla_hours": r.pick(24, 48, 72)},
        )
    note = (
        f"Escalating: {v['why']}. Customer {v['cust']} ({v['customer']}) asks for {v['want']}. Not actionable at "
        "Tier 1."
    )
    r.call(
        "helpdesk.escalate",
        {"ticket_id": tid, "queue": v["queue"], "reason": v["why"], "note": note},
        {"ticket_id": tid, "group": v["queue"], "status": "open", "escalated": True},
    )
    ack = (
        f"Hi {v['cust_person']['first']}, thanks — I've passed your request to our {v['queue']} team, who handle "
        "this. They'll reply directly."
    )
    r.call(
        "helpdesk.reply",
        {"ticket_id": tid, "body": ack, "public": True},
        {"id": r.rng.randint(10**6, 10**7), "public": True},
    )
    r.say(
        r.pick(
            f"This isn't something I can action from support: it's a {v['why']}. I escalated #{tid} to {v['queue']} "
            "with a note and told the customer.",
            f"I didn't process it myself — {v['short']} has to go to {v['queue']}. #{tid} is escalated and the "
            "customer has an acknowledgement.",
        )
    )
    r.thanks(0.5)


TASKS.append(
    Task(
        id="escalate_ticket",
        domain="support",
        desc="Hand-off: a ticket asks for something Tier 1 may not do (erasure, big refund, ownership, legal); "
        "escalate it to the owning queue and acknowledge",
        formats=["anthropic", "openai", "openai-responses"],
        fail_kind="silent",
        fail_desc="the agent tells the customer the request is done and solves the ticket instead of escalating",
        vals=v_escalate,
        build=b_escalate,
        requests=[
            "ticket {tid}: {cust} wants {want}. can you handle it?",
            "Hi! #{tid} from {customer} — they're asking for {want}. Could you take care of that ticket?",
            "deal with #{tid} pls ({short})",
            "cust on {tid} wants {want}, can u sort it",
            ("can you take a ticket off my plate", "Sure — which one?", "{tid}. {cust} is asking for {want}"),
            "I'm covering the queue today. #{tid} ({customer}) is asking for {want} and is getting impatient — can "
            "you just take care of it?",
        ],
        queries=[
            "a customer is demanding {want} on ticket {tid} — what do we do",
            "route a GDPR erasure request that came in through support",
            "handle the {customer} ticket, it's a {short}",
        ],
        tools=["helpdesk.get_ticket", "helpdesk.escalate", "helpdesk.reply"],
    )
)


# ---- Kubernetes and incident response -----------------------------------------------------------------
def v_k8s(c: Ctx, i: int) -> dict[str, Any]:
    v = base(c)
    v["svc"] = c.pick(K8S_SERVICES)
    v["ns"] = c.pick(K8S_NAMESPACES)
    v["ctx"] = c.pick(K8S_CONTEXTS)
    v["cluster"] = "prod-" + v["ctx"].split("_")[2] if v["ctx"].startswith("gke_") else v["ctx"]
    v["rs"] = hexs(c.rng, 10)
    v["pods"] = [f"{v['svc']}-{v['rs']}-{alnum(c.rng, 5, string.ascii_lowercase + string.digits)}" for _ in range(3)]
    v["oom"] = i % 2 == 0
    v["mem"], v["mem2"] = c.pick([("512Mi", "1Gi"), ("256Mi", "512Mi"), ("1Gi", "2Gi")])
    v["cwd"] = f"/home/{v['me']['first'].lower()}/ops"
    v["jwt"] = c.secret("jwt")
    return v


def _pods(v: dict[str, Any], states: list[tuple[str, str, int]]) -> str:
    rows = [["NAME", "READY", "STATUS", "RESTARTS", "AGE"]]
    for pod, (ready, status, restarts) in zip(v["pods"], states, strict=False):
        rows.append([pod, ready, status, f"{restarts} ({restarts * 2 + 1}m ago)" if restarts else "0", "3h12m"])
    return table(rows)


def b_crash(r: Run, v: dict[str, Any]) -> None:
    ns, svc, p0 = v["ns"], v["svc"], v["pods"][0]
    sel = f"-l app.kubernetes.io/name={svc}"
    crash = [("0/1", "CrashLoopBackOff", 14), ("0/1", "CrashLoopBackOff", 13), ("1/1", "Running", 0)]
    r.note(f"Looking at the {svc} pods.")
    if r.role == "recover":
        r.sh(f"kubectl get pods {sel}", "", err="No resources found in default namespace.")
        r.say(r.pick("Wrong namespace — searching all of them.", "Nothing in default; let me find where it runs."))
        r.sh(
            f"kubectl get pods -A {sel} --no-headers | head",
            "\n".join(f"{ns}   {line}" for line in _pods(v, crash).splitlines()[1:]),
        )
    r.sh(f"kubectl -n {ns} get pods {sel}", _pods(v, crash))
    reason = "OOMKilled" if v["oom"] else "Error"
    r.sh(
        f"kubectl -n {ns} get pod {p0} -o jsonpath='{{.status.containerStatuses[0].lastState.terminated.reason}}'",
        reason,
    )
    if not v["oom"] or r.extra:
        logs = f"{iso(v['when'])} INFO  starting {svc} v2.{r.rng.randint(1, 30)}.0\n" + (
            f"{iso(v['when'])} INFO  warming cache: 1.8M entries\n"
            if v["oom"]
            else f"{iso(v['when'])} ERROR dial tcp 10.40.3.17:6379: connect: connection refused "
            f"(redis-primary.{ns}.svc)\n{iso(v['when'])} FATAL cannot reach cache, exiting\n"
        )
        r.sh(f"kubectl -n {ns} logs {p0} --previous --tail=40", logs)
    if r.role == "fail":
        err = (
            f'Error from server (Forbidden): deployments.apps "{svc}" is forbidden: User '
            '"system:serviceaccount:ops:agent-bot" cannot patch resource "deployments" in API group "apps" in the '
            f'namespace "{ns}"'
        )
        cmd = (
            f"kubectl -n {ns} set resources deployment/{svc} --limits=memory={v['mem2']}"
            if v["oom"]
            else f"kubectl -n {ns} rollout restart deployment/{svc}"
        )
        r.sh(cmd, "", code=1, err=err)
        r.say(
            "I can see the problem "
            f"({'OOMKilled at the ' + v['mem'] + ' limit' if v['oom'] else 'it exits when the cache is unreachable'}) "
            f"but I can't change the deployment: my service account is forbidden to patch deployments in {ns}. "
            "Someone with write access needs to apply the fix."
        )
        return
    if v["oom"]:
        r.ask_confirm(
            f"The pods are OOMKilled at the {v['mem']} memory limit. I'd raise the limit to {v['mem2']} on "
            f"deployment/{svc} in {ns} ({v['cluster']}). Go ahead?"
        )
        r.sh(
            f"kubectl -n {ns} set resources deployment/{svc} --limits=memory={v['mem2']}",
            f"deployment.apps/{svc} resource requirements updated",
        )
    else:
        r.ask_confirm(
            f"redis-primary looks back now; the pods just gave up while it was down. Restart deployment/{svc} in {ns}?"
        )
        r.sh(
            f"kubectl -n {ns} get endpoints redis-primary",
            table([["NAME", "ENDPOINTS", "AGE"], ["redis-primary", "10.40.3.17:6379", "41d"]]),
        )
        r.sh(f"kubectl -n {ns} rollout restart deployment/{svc}", f"deployment.apps/{svc} restarted")
    r.sh(
        f"kubectl -n {ns} rollout status deployment/{svc} --timeout=180s",
        f'Waiting for deployment "{svc}" rollout to finish: 1 of 3 updated replicas are available...\nWaiting for '
        f'deployment "{svc}" rollout to finish: 2 of 3 updated replicas are available...\ndeployment "{svc}" '
        "successfully rolled out",
    )
    if v["oom"]:
        r.say(
            r.pick(
                f"Fixed: {svc} was OOMKilled at {v['mem']}. Limit raised to {v['mem2']}, rollout finished, 3/3 ready.",
                f"Memory limit on {svc} bumped {v['mem']} → {v['mem2']} (it was OOMKilled); all pods healthy now. "
                "Worth checking why the cache warm-up grew.",
            )
        )
    else:
        r.say(
            r.pick(
                f"{svc} crashed because redis-primary was unreachable; it's back, so I restarted the deployment. "
                "Rolled out fine.",
                f"Restarted {svc} in {ns} — the crash loop was from a redis outage that has cleared. All replicas "
                "are up.",
            )
        )
    r.thanks()


TASKS.append(
    Task(
        id="k8s_crashloop_fix",
        domain="ops",
        desc="Diagnose a CrashLoopBackOff deployment with kubectl; raise the memory limit if OOMKilled, otherwise "
        "restart it once the dependency is back",
        formats=["claude-code", "codex", "openai", "anthropic"],
        fail_kind="visible",
        fail_desc="kubectl patch/restart is Forbidden for the agent's service account (RBAC); the agent stops",
        vals=v_k8s,
        build=b_crash,
        roles=("recover",),
        requests=[
            "{svc} is crashlooping on {cluster}, can you sort it out",
            "Hey, {svc} in {ns} has been in CrashLoopBackOff for 20 minutes on {cluster}. Can you figure out why and "
            "fix it?",
            "{svc} pods keep restarting. fix pls",
            "crashloop on {svc} ({ns}) - pls lok into it and fix",
            ("got a k8s fire", "On it — which service and cluster?", "{svc} in {ns}, {cluster}. crashloopbackoff"),
            "Pager went off: {svc} restarts every couple of minutes in the {ns} namespace. I'm on my phone — "
            "diagnose it "
            "and apply the fix if it's obvious.",
        ],
        queries=[
            "pods of {svc} keep getting OOMKilled — bump its memory limit",
            "why is my deployment in CrashLoopBackOff and how do I fix it",
            "restart the {svc} deployment in {ns}",
        ],
        tools=["bash"],
    )
)


def v_scale(c: Ctx, i: int) -> dict[str, Any]:
    v = v_k8s(c, i)
    v["cur"] = c.pick([2, 3, 4])
    v["want"] = v["cur"] + c.pick([2, 3, 4, 6])
    v["why"] = c.pick(["the marketing push at noon", "Black Friday traffic", "the partner launch", "a load test"])
    return v


def b_scale(r: Run, v: dict[str, Any]) -> None:
    ns, svc, want = v["ns"], v["svc"], v["want"]
    cur = want if r.role == "noop" else v["cur"]
    if r.extra or r.role == "fail":
        cur_ctx = "staging-eu-west-1" if r.role == "fail" else v["ctx"]
        r.sh("kubectl config current-context", cur_ctx)

    def deploy(n: int, ready: int) -> str:
        return table(
            [["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"], [svc, f"{ready}/{n}", str(n), str(ready), "92d"]]
        )

    r.note(f"Checking {svc}.")
    r.sh(f"kubectl -n {ns} get deploy {svc}", deploy(cur, cur))
    if r.role == "noop":
        r.say(
            r.pick(
                f"{svc} is already at {want}/{want} replicas in {ns} — nothing to do.",
                f"Already scaled: {svc} runs {want} ready replicas.",
            )
        )
        r.thanks(0.5)
        return
    if r.extra:
        r.sh(f"kubectl -n {ns} get hpa", "No resources found in " + ns + " namespace.")
    r.ask_confirm(f"Scale deployment/{svc} in {ns} from {cur} to {want} replicas on {v['cluster']}?")
    r.sh(f"kubectl -n {ns} scale deployment/{svc} --replicas={want}", f"deployment.apps/{svc} scaled")
    r.sh(
        f"kubectl -n {ns} rollout status deployment/{svc} --timeout=120s", f'deployment "{svc}" successfully rolled out'
    )
    if r.verify:
        r.sh(f"kubectl -n {ns} get deploy {svc}", deploy(want, want))
    r.say(
        r.pick(
            f"Scaled {svc} to {want} replicas; all ready.", f"{svc} in {ns}: {cur} → {want} replicas, rollout complete."
        )
    )
    if r.role == "fail":
        r.silent_thanks()
    else:
        r.thanks()


TASKS.append(
    Task(
        id="k8s_scale_deployment",
        domain="ops",
        desc="Scale a Kubernetes deployment to a given replica count (nothing to do if already there)",
        formats=["codex", "claude-code", "anthropic"],
        fail_kind="silent",
        fail_desc="the kube context is staging and the agent never switches to the production cluster; it scales "
        "staging",
        vals=v_scale,
        build=b_scale,
        roles=("noop",),
        requests=[
            "scale {svc} in {ns} to {want} replicas on {cluster}",
            "We're expecting extra load from {why}. Could you bump {svc} ({ns}, {cluster}) to {want} pods?",
            "{svc} -> {want} replicas pls ({cluster})",
            ("scale {svc} to {want} replicas", "it's in {ns} on {cluster}"),
            "pls scael {svc} up to {want} in {ns}, prod ({cluster})",
            (
                "need a quick scale-up",
                "Sure — which deployment, how many replicas, which cluster?",
                "{svc} in {ns} on {cluster}, {want}",
            ),
            "Capacity request from the product team for {why}: {svc} should run {want} replicas in {ns} on the "
            "{cluster} cluster. Can you do it?",
        ],
        queries=[
            "increase replica count for the {svc} deployment to {want}",
            "scale down a deployment after the traffic spike",
            "add more pods to {svc} ahead of {why}",
        ],
        tools=["bash"],
    )
)


# ---- page on-call and update the status page ---------------------------------------------------------
def v_incident(c: Ctx, i: int) -> dict[str, Any]:
    v = base(c)
    v["svc"] = c.pick(["Checkout API", "Mobile login", "Report exports", "Webhooks delivery", "Search", "File uploads"])
    v["symptom"] = c.pick(
        ["returning 5xx for ~30% of requests", "timing out in EU", "completely down", "delayed by 20+ minutes"]
    )
    v["impact"] = "major_outage" if "down" in v["symptom"] else "degraded_performance"
    v["pd_svc"] = "P" + alnum(c.rng, 6, string.ascii_uppercase + string.digits)
    v["oncall"] = c.person(v["domain"])
    v["page_id"] = alnum(c.rng, 12, string.ascii_lowercase + string.digits)
    v["sp_key"] = c.secret("statuspage")
    v["public"] = c.pick(
        ["We're investigating elevated errors", "Some customers may see failures", "We are looking into an issue"]
    )
    return v


def b_incident(r: Run, v: dict[str, Any]) -> None:
    svc, oc = v["svc"], v["oncall"]
    r.note("Finding the PagerDuty service.")
    pol = "P" + alnum(r.rng, 6).upper()
    r.call(
        "pagerduty.list_services",
        {"query": svc.split()[0]},
        {"services": [{"id": v["pd_svc"], "name": svc, "escalation_policy": {"id": pol, "summary": f"{svc} primary"}}]},
    )
    if r.extra:
        r.call(
            "pagerduty.list_oncalls",
            {"escalation_policy_ids": [pol]},
            {
                "oncalls": [
                    {
                        "user": {"summary": oc["name"], "email": oc["email"]},
                        "escalation_level": 1,
                        "end": iso(v["when"] + dt.timedelta(hours=r.rng.randint(2, 30))),
                    }
                ]
            },
        )
    title = f"{svc} {v['symptom']}"
    inc = {
        "id": "Q" + alnum(r.rng, 13).upper(),
        "incident_number": r.rng.randint(1000, 9999),
        "status": "triggered",
        "urgency": "high",
        "title": title,
        "assignments": [{"assignee": {"summary": oc["name"], "type": "user_reference"}}],
        "html_url": f"https://{v['gh_org']}.pagerduty.com/incidents/Q{alnum(r.rng, 13).upper()}",
    }
    r.call(
        "pagerduty.create_incident",
        {
            "service_id": v["pd_svc"],
            "title": title,
            "urgency": "high",
            "body": f"Reported by {v['me']['name']}: {svc} {v['symptom']}.",
        },
        inc,
    )
    comps = [
        {"id": alnum(r.rng, 12).lower(), "name": n, "status": "operational"} for n in (svc, "Dashboard", "API docs")
    ]
    r.call("statuspage.list_components", {"page_id": v["page_id"]}, comps)
    body = f"{v['public']} affecting {svc}. Next update in 30 minutes."
    args: dict[str, Any] = {
        "page_id": v["page_id"],
        "name": f"{svc} issues",
        "status": "investigating",
        "body": body,
        "components": {comps[0]["id"]: v["impact"]},
    }
    if r.want_secret:
        args["api_key"] = r.secret(v["sp_key"], "Statuspage API key pasted by the user, used as a tool argument")
    if r.role == "fail":
        r.call(
            "statuspage.create_incident",
            args,
            {"error": "Unauthorized", "message": "Invalid or expired API key", "status": 401},
            error=True,
        )
        r.say(
            f"Paged {oc['first']} (PagerDuty #{inc['incident_number']}), but the status page update failed: "
            "Statuspage rejects my API key (401). The public status page is NOT updated — someone needs to post it "
            "manually."
        )
        return
    sp = {
        "id": alnum(r.rng, 12).lower(),
        "name": f"{svc} issues",
        "status": "investigating",
        "shortlink": f"https://stspg.io/{alnum(r.rng, 5).lower()}",
        "impact": "major" if v["impact"] == "major_outage" else "minor",
    }
    r.call("statuspage.create_incident", args, sp)
    r.say(
        r.pick(
            f"Paged on-call ({oc['name']}, PD #{inc['incident_number']}) and posted a status page incident marking "
            f"{svc} as {v['impact'].replace('_', ' ')}: {sp['shortlink']}",
            f"Done: PagerDuty incident #{inc['incident_number']} triggered (high urgency, assigned to "
            f'{oc["first"]}); status page says "{body}"',
        )
    )
    r.thanks(0.4)


TASKS.append(
    Task(
        id="incident_page_status",
        domain="ops",
        desc="Open an incident: page the service's on-call in PagerDuty and post an 'investigating' notice on the "
        "status page",
        formats=["openai", "anthropic", "openai-responses"],
        fail_kind="visible",
        fail_desc="statuspage.create_incident returns 401 (bad API key); the page went out but the status page is "
        "not updated",
        vals=v_incident,
        build=b_incident,
        secret=True,
        requests=[
            "{svc} is {symptom}. page on-call and put up a status page notice",
            "We have an incident: {svc} {symptom}. Please page whoever is on call for it and post '{public}' on the "
            "status page.",
            "incident! {svc} {symptom} — page + statuspage",
            "{svc} is {symptom}, pls page oncall & update status page. statuspage key is {sp_key} if u need it",
            (
                "need to declare an incident",
                "Understood — what's affected, and what's the symptom?",
                "{svc}, {symptom}. page oncall and update the status page",
            ),
            "Customers are reporting that {svc} is {symptom}. I've confirmed it on our side. Get the on-call "
            "engineer paged and let customers know on the status page that we're investigating.",
        ],
        queries=[
            "trigger a PagerDuty incident for {svc} and tell customers on the status page",
            "post an investigating update to statuspage for an outage",
            "wake up the on-call engineer, {svc} is broken",
        ],
        tools=["pagerduty.create_incident", "statuspage.list_components", "statuspage.create_incident"],
    )
)


# ---- pod health report (read-only) ----------------------------------------------------------------------
def b_podreport(r: Run, v: dict[str, Any]) -> None:
    ns = v["ns"]
    svcs = r.rng.sample(K8S_SERVICES, 4)
    pods = [f"{s}-{hexs(r.rng, 10)}-{alnum(r.rng, 5, string.ascii_lowercase + string.digits)}" for s in svcs]
    states = [("1/1", "Running", 0), ("0/1", "CrashLoopBackOff", 27), ("0/1", "Pending", 0), ("2/2", "Running", 1)]
    r.rng.shuffle(states)
    if r.want_secret:
        tok = r.secret(v["jwt"], "service-account bearer token in `kubectl config view --raw` output")
        r.sh("kubectl config view --minify --raw | tail -6", f"users:\n- name: agent-bot\n  user:\n    token: {tok}")
    if r.role == "fail":
        err = (
            f"Unable to connect to the server: dial tcp 10.{r.rng.randint(0, 255)}.{r.rng.randint(0, 255)}.4:443: "
            "i/o timeout"
        )
        r.sh(f"kubectl --context {v['ctx']} -n {ns} get pods", "", code=1, err=err)
        r.sh(f"kubectl --context {v['ctx']} -n {ns} get pods --request-timeout=60s", "", code=1, err=err)
        r.say(
            f"I can't reach the {v['cluster']} API server (i/o timeout twice) — probably the VPN or the API "
            "endpoint. I couldn't check the pods."
        )
        return
    rows = [["NAME", "READY", "STATUS", "RESTARTS", "AGE", "NODE"]] + [
        [
            p,
            s[0],
            s[1],
            str(s[2]),
            f"{r.rng.randint(1, 20)}d",
            f"ip-10-2-{r.rng.randint(0, 99)}-{r.rng.randint(1, 250)}",
        ]
        for p, s in zip(pods, states, strict=True)
    ]
    r.note(f"Listing pods in {ns}.")
    r.sh(f"kubectl --context {v['ctx']} -n {ns} get pods -o wide", table(rows))
    bad = [(p, s) for p, s in zip(pods, states, strict=True) if s[1] != "Running"]
    pend = next(p for p, s in bad if s[1] == "Pending")
    crash = next(p for p, s in bad if s[1] == "CrashLoopBackOff")
    if r.extra or r.verify:
        r.sh(
            f"kubectl --context {v['ctx']} -n {ns} describe pod {pend} | tail -5",
            "Events:\n  Type     Reason            Age   From               Message\n  ----     ------            "
            "----  ----               -------\n  Warning  FailedScheduling  4m    default-scheduler  0/12 nodes are "
            "available: 12 Insufficient cpu. preemption: 0/12 nodes are available: 12 No preemption victims found "
            "for incoming pod.",
        )
    r.say(
        r.pick(
            f"In {ns} on {v['cluster']}, 2 of 4 pods are unhealthy:\n- `{crash}` — CrashLoopBackOff, 27 restarts\n- "
            f"`{pend}` — Pending"
            + (" (FailedScheduling: insufficient CPU on all 12 nodes)" if (r.extra or r.verify) else "")
            + "\nThe other two are Running.",
            f"Unhealthy: {crash} (CrashLoopBackOff, 27 restarts) and {pend} (Pending). Everything else in {ns} is "
            "fine.",
        )
    )
    r.thanks(0.5)


TASKS.append(
    Task(
        id="k8s_pod_health_report",
        domain="ops",
        desc="Read-only: report which pods in a namespace are not healthy (and why, if cheap to find out)",
        formats=["claude-code", "codex", "vercel-ui"],
        fail_kind="visible",
        fail_desc="kubectl cannot reach the API server (i/o timeout) twice; the agent gives up",
        vals=v_k8s,
        build=b_podreport,
        secret=True,
        requests=[
            "which pods are unhealthy in {ns} on {cluster}?",
            "Can you give me a quick health check of the {ns} namespace on {cluster}? Anything not running properly?",
            "pod status {ns}?",
            "anythng broken in {ns} rn?",
            (
                "can you check the cluster for me",
                "Sure — which cluster and namespace?",
                "{cluster}, {ns}. just tell me what's not healthy",
            ),
            "Before the release window I want to know if anything in {ns} ({cluster}) is already unhealthy. "
            "Read-only please, don't change anything.",
        ],
        queries=[
            "list pods that aren't ready in the {ns} namespace",
            "are there any crashlooping or pending pods on {cluster}",
            "kubernetes health summary",
        ],
        tools=["bash"],
    )
)


# ---- finance and procurement ---------------------------------------------------------------------------
POLICY = {"meals": 75.0, "lodging": 240.0, "taxi": 120.0, "airfare": 900.0, "conference": 1500.0}
CITIES = ["Lisbon", "Chicago", "Singapore", "Toronto", "Munich", "Austin", "Dublin", "Osaka"]


def v_expense(c: Ctx, i: int) -> dict[str, Any]:
    v = base(c)
    v["emp"] = c.person(v["domain"])
    v["eid"] = f"ER-{v['when'].year}-{c.rng.randint(1000, 9999)}"
    v["city"] = c.pick(CITIES)
    v["within"] = i % 2 == 1
    trip = v["when"].date() - dt.timedelta(days=c.rng.randint(5, 25))
    lines = [
        ("airfare", round(c.rng.uniform(280, 850), 2), "Lufthansa" if c.rng.random() < 0.5 else "United", True),
        (
            "lodging",
            round(c.rng.uniform(150, 230), 2),
            f"Hotel {c.pick(['Ameron', 'Motel One', 'Hyatt Place', 'citizenM'])} {v['city']}",
            True,
        ),
        ("meals", round(c.rng.uniform(18, 70), 2), c.pick(["Nando's", "Café Lumen", "Sushi Zen", "Pret"]), True),
        ("taxi", round(c.rng.uniform(14, 60), 2), c.pick(["Uber", "FreeNow", "Bolt"]), c.rng.random() < 0.8),
    ]
    if not v["within"]:
        k = c.rng.randrange(2)
        if k == 0:
            lines[1] = ("lodging", round(c.rng.uniform(310, 520), 2), lines[1][2], True)
            v["breach"] = f"lodging {money(lines[1][1])} per night is over the {money(POLICY['lodging'])} cap"
        else:
            lines[2] = ("meals", round(c.rng.uniform(95, 260), 2), "Steakhouse " + v["city"], False)
            v["breach"] = (
                f"a {money(lines[2][1])} dinner has no receipt and is over the {money(POLICY['meals'])} daily meal "
                "limit"
            )
    v["lines"] = [
        {
            "lineId": f"L{k + 1}",
            "date": (trip + dt.timedelta(days=k // 2)).isoformat(),
            "category": cat,
            "amount": amt,
            "currency": "USD",
            "merchant": m,
            "receiptAttached": rc,
        }
        for k, (cat, amt, m, rc) in enumerate(lines)
    ]
    v["total"] = round(sum(x["amount"] for x in v["lines"]), 2)
    return v


def b_expense(r: Run, v: dict[str, Any]) -> None:
    emp = v["emp"]
    rep = {
        "reportId": v["eid"],
        "employee": {"name": emp["name"], "email": emp["email"]},
        "purpose": f"Customer visit, {v['city']}",
        "status": "submitted",
        "total": v["total"],
        "currency": "USD",
        "lines": v["lines"],
    }
    r.note(f"Pulling up {v['eid']}.")
    r.call("getExpenseReport", {"reportId": v["eid"]}, rep)
    pol = {
        "region": "default",
        "limits": {k: {"perDay" if k in ("meals", "lodging") else "perItem": x} for k, x in POLICY.items()},
        "receiptRequiredAbove": 25.0,
    }
    if r.role != "fail" or r.extra:
        r.call("getExpensePolicy", {"category": "travel"}, pol)
    ok = v["within"] or r.role == "fail"
    if ok:
        r.call(
            "approveExpenseReport",
            {"reportId": v["eid"], "comment": "Within policy."},
            {"reportId": v["eid"], "status": "approved", "approvedAt": iso(v["when"])},
        )
        r.say(
            r.pick(
                f"Approved {v['eid']} ({emp['name']}, {money(v['total'])}) — every line is within policy and has a "
                "receipt.",
                f"{v['eid']} approved: {money(v['total'])}, all within limits.",
            )
        )
        if r.role == "fail":
            r.silent_thanks()
        else:
            r.thanks(0.5)
        return
    reason = f"Returned: {v['breach']}. Please correct the line or add a justification/receipt and resubmit."
    bad = [
        x["lineId"]
        for x in v["lines"]
        if (x["category"] == "lodging" and x["amount"] > POLICY["lodging"])
        or (x["category"] == "meals" and x["amount"] > POLICY["meals"])
    ]
    r.call(
        "rejectExpenseReport",
        {"reportId": v["eid"], "reason": reason, "lineIds": bad},
        {"reportId": v["eid"], "status": "returned", "returnedAt": iso(v["when"])},
    )
    r.say(
        r.pick(
            f"Didn't approve {v['eid']}: {v['breach']}. I sent it back to {emp['first']} with the reason.",
            f"{v['eid']} is out of policy ({v['breach']}), so I returned it to {emp['name']} for correction.",
        )
    )
    r.thanks(0.5)


TASKS.append(
    Task(
        id="expense_approval",
        domain="fin",
        desc="Review a submitted expense report against the travel policy; approve it if compliant, otherwise return "
        "it with the reason",
        formats=["vercel-ui", "openai", "anthropic"],
        fail_kind="silent",
        fail_desc="approves a report with an over-cap hotel or a receipt-less over-limit meal without checking policy",
        vals=v_expense,
        build=b_expense,
        requests=[
            "review {eid} and approve if it's within policy",
            "Could you look at {emp[name]}'s expense report {eid} from the {city} trip? Approve it if everything's "
            "within policy; otherwise send it back with the reason.",
            "approve {eid} if ok",
            ("can you look at expense report {eid}", "approve it if it's within policy, otherwise send it back"),
            "pls chek {emp[first]}'s expences ({eid}), approve or reject",
            (
                "I've got expense reports to approve",
                "I can help — which report?",
                "{eid}, {emp[first]}'s {city} trip. approve if in policy",
            ),
            "{emp[name]} submitted {eid} for the {city} customer visit and I'm the approver. Check it against the "
            "travel policy — approve if clean, otherwise return it with the reason.",
        ],
        queries=[
            "check {emp[first]}'s travel claim against the expense policy and sign it off",
            "reject the expense report if the hotel is over the cap",
            "process pending expense approvals",
        ],
        tools=["getExpenseReport", "getExpensePolicy", "approveExpenseReport", "rejectExpenseReport"],
    )
)


# ---- purchase order --------------------------------------------------------------------------------------


def v_po(c: Ctx, i: int) -> dict[str, Any]:
    v = base(c)
    v["vendor"], v["vdomain"], v["country"], _, items = c.pick(VENDORS)
    v["item"], price = c.pick(items)
    big = i % 2 == 0
    v["qty"] = max(1, int((c.rng.randint(11000, 40000) if big else c.rng.randint(900, 9000)) / price))
    if not big and v["qty"] * price > 10000:
        v["qty"] = max(1, int(9000 / price))
    v["price"] = price
    v["unit"] = f"{price:,.2f}"
    v["total"] = round(v["qty"] * price, 2)
    v["cc"] = f"CC-{c.pick([4100, 4200, 5300, 6100, 7200])}"
    v["cc_name"] = {
        "CC-4100": "Engineering",
        "CC-4200": "IT",
        "CC-5300": "Marketing",
        "CC-6100": "Lab Ops",
        "CC-7200": "Support",
    }[v["cc"]]
    v["vid"] = f"V-{c.rng.randint(10000, 99999)}"
    v["po"] = f"PO-{v['when'].year}-{c.rng.randint(10000, 99999)}"
    return v


def b_po(r: Run, v: dict[str, Any]) -> None:
    total, cc = v["total"], v["cc"]
    r.note(f"Looking up {v['vendor']}.")
    r.call(
        "find_vendor",
        {"name": v["vendor"].split()[0]},
        {
            "vendors": [
                {
                    "vendor_id": v["vid"],
                    "legal_name": v["vendor"],
                    "status": "active",
                    "currency": "USD",
                    "payment_terms": "NET30",
                    "country": v["country"],
                }
            ]
        },
    )
    if r.extra:
        r.call(
            "check_budget",
            {"cost_center": cc, "amount": total, "currency": "USD"},
            {
                "cost_center": cc,
                "name": v["cc_name"],
                "fiscal_period": f"FY{v['when'].year % 100}-Q{(v['when'].month - 1) // 3 + 1}",
                "available": round(total * r.rng.uniform(1.3, 6), 2),
                "currency": "USD",
            },
        )
    if r.role == "fail":
        r.say(
            f"I can't raise this one: at {money(total)} it's over the $10,000 threshold, and purchases that large are "
            "outside what I'm allowed to do. Please raise it yourself in the ERP."
            if total > 10000
            else f"I'm not able to create purchase orders for {v['vendor']} on your behalf. Please submit it through "
            "the ERP directly."
        )
        r.user(r.pick("huh? you did POs for me last week", "that's literally what the tool is for..."))
        r.say("Sorry, I'm going to leave this one for you to submit — I don't want to commit company spend here.")
        return
    lines = [{"description": v["item"], "quantity": v["qty"], "unit_price": v["price"]}]
    args = {"vendor_id": v["vid"], "cost_center": cc, "currency": "USD", "lines": lines, "ship_to": "HQ receiving"}
    if r.role == "recover":
        r.call(
            "create_purchase_order",
            {**args, "cost_center": v["cc_name"]},
            {
                "errors": [{"field": "cost_center", "code": "invalid_format", "message": "must match CC-####"}],
                "status": 422,
            },
            error=True,
        )
        r.say(r.pick(f"It needs the code, not the name — using {cc}.", "Validation error on cost_center; fixing."))
    r.call(
        "create_purchase_order",
        args,
        {"po_number": v["po"], "status": "draft", "total": total, "currency": "USD", "vendor_id": v["vid"]},
    )
    if total > 10000:
        res = {
            "po_number": v["po"],
            "status": "pending_approval",
            "approvers": [r.pick("VP Finance", "CFO"), f"{v['cc_name']} budget owner"],
        }
        r.call(
            "submit_for_approval", {"po_number": v["po"], "note": f"{v['qty']} x {v['item']} for {v['cc_name']}"}, res
        )
        r.say(
            r.pick(
                f"Created {v['po']} for {money(total)} to {v['vendor']}. It's over $10k, so it went to approval "
                f"({', '.join(res['approvers'])}).",
                f"{v['po']} drafted ({money(total)}) and submitted for approval since it's above the $10k limit.",
            )
        )
    else:
        r.call(
            "issue_purchase_order",
            {"po_number": v["po"], "send_to_vendor": True},
            {"po_number": v["po"], "status": "issued", "sent_to": f"orders@{v['vdomain']}"},
        )
        r.say(
            r.pick(
                f"Issued {v['po']} to {v['vendor']}: {v['qty']} × {v['item']} = {money(total)}, charged to {cc}.",
                f"PO {v['po']} ({money(total)}) is issued and emailed to the vendor.",
            )
        )
    r.thanks()


TASKS.append(
    Task(
        id="create_purchase_order",
        domain="fin",
        desc="Raise a purchase order to a vendor; issue it directly under $10k, otherwise submit it for approval",
        formats=["openai", "openai-responses", "vercel-model"],
        fail_kind="visible",
        fail_desc="the agent wrongly refuses to create the PO (claims it is not allowed); the user objects",
        vals=v_po,
        build=b_po,
        roles=("recover",),
        requests=[
            "raise a PO to {vendor} for {qty} x {item} at ${unit} each, cost center {cc}",
            "Hi, can you create a purchase order with {vendor}? {qty} {item}, ${unit} per unit, charge it to "
            "{cc_name} ({cc}).",
            "PO: {vendor}, {qty}x {item} @ {unit}, {cc}",
            "need a purchse order for {qty} {item} from {vendor}, {cc}",
            (
                "I need to buy something through procurement",
                "Sure — from which vendor, what, and which cost center?",
                "{vendor}, {qty} x {item} at ${unit}, {cc}",
            ),
            "The {cc_name} team needs {qty} {item}. We agreed ${unit} a unit with {vendor}. Please get a purchase "
            "order going on {cc}.",
        ],
        queries=[
            "order {qty} {item} from {vendor} through a purchase order",
            "create a PO and route it for approval if it's over the limit",
            "buy {item} for {cc_name}",
        ],
        tools=["find_vendor", "check_budget", "create_purchase_order", "submit_for_approval", "issue_purchase_order"],
    )
)


# ---- vendor onboarding ----------------------------------------------------------------------------------
def v_vendor(c: Ctx, i: int) -> dict[str, Any]:
    v = base(c)
    v["vendor"], v["vdomain"], v["country"], v["cat"], _ = c.pick(VENDORS)
    contact = c.person(v["vdomain"])
    v["contact"], v["contact_email"] = contact["name"], contact["email"]
    v["tax"] = (
        f"{c.rng.randint(10, 99)}-{c.rng.randint(1000000, 9999999)}"
        if v["country"] == "US"
        else f"{v['country']}{c.rng.randint(10**8, 10**9)}"
    )
    v["terms"] = c.pick(["NET30", "NET45", "NET60"])
    v["portal_user"] = f"ap@{v['domain']}"
    v["portal_pw"] = c.secret("password")
    return v


def b_vendor(r: Run, v: dict[str, Any]) -> None:
    if r.role == "fail":
        r.say(
            "I'm not able to help onboard this vendor: setting up suppliers involves tax identifiers and payment "
            "terms, which I shouldn't handle. Please go through procurement."
        )
        r.user(
            r.pick(
                "?? this is procurement. that's my job and you have the tool", "you onboarded a vendor for me yesterday"
            )
        )
        r.say("Understood, but I'd still rather not create supplier records. Sorry about that.")
        return
    doc = "W-9" if v["country"] == "US" else "W-8BEN-E"
    r.note("Checking we don't already have them.")
    r.call("procure.search_vendors", {"query": v["tax"]}, {"results": [], "total": 0})
    if r.extra:
        r.call("procure.search_vendors", {"query": v["vendor"].split()[0]}, {"results": [], "total": 0})
    vid = f"V-{r.rng.randint(10000, 99999)}"
    rec = {
        "legal_name": v["vendor"],
        "tax_id": v["tax"],
        "country": v["country"],
        "category": v["cat"],
        "primary_contact": {"name": v["contact"], "email": v["contact_email"]},
    }
    r.call("procure.create_vendor", rec, {"vendor_id": vid, "status": "pending_documents", **rec})
    r.call(
        "procure.request_document",
        {"vendor_id": vid, "doc_type": doc, "recipient": v["contact_email"]},
        {
            "request_id": "DR-" + alnum(r.rng, 8).upper(),
            "doc_type": doc,
            "sent_to": v["contact_email"],
            "due": (v["when"].date() + dt.timedelta(days=10)).isoformat(),
        },
    )
    r.call(
        "procure.set_payment_terms",
        {"vendor_id": vid, "terms": v["terms"]},
        {"vendor_id": vid, "payment_terms": v["terms"]},
    )
    r.say(
        r.pick(
            f"{v['vendor']} is set up as {vid} (pending documents). I requested the {doc} from {v['contact']} and "
            f"set {v['terms']} terms.",
            f"Onboarded {v['vendor']} → {vid}. {doc} request sent to {v['contact_email']}; terms {v['terms']}. It "
            "goes active once the form is back.",
        )
    )
    r.thanks()


TASKS.append(
    Task(
        id="vendor_onboarding",
        domain="fin",
        desc="Onboard a new supplier: check for duplicates, create the vendor record, request the tax form, set "
        "payment terms",
        formats=["anthropic", "openai", "openai-responses"],
        fail_kind="visible",
        fail_desc="the agent wrongly refuses to create the supplier record; the user objects and nothing is done",
        vals=v_vendor,
        build=b_vendor,
        secret=True,
        requests=[
            "onboard {vendor} as a supplier ({cat}). contact {contact} {contact_email}, tax id {tax}, {terms}",
            "We've picked {vendor} for {cat}. Could you set them up as a new vendor? Contact is {contact} "
            "({contact_email}), tax ID {tax}, payment terms {terms}.",
            "new vendor: {vendor} / {tax} / {contact_email} / {terms}",
            "pls add {vendor} as a vendr, tax {tax}, contact {contact_email}, terms {terms}. fyi their supplier "
            "portal login for us is {portal_user} / {portal_pw}",
            (
                "need a new supplier set up",
                "Sure — what's the company, their tax ID, contact and payment terms?",
                "{vendor}, {tax}, {contact} <{contact_email}>, {terms}. they do {cat}",
            ),
            "Procurement approved {vendor} for {cat} after the RFP. Please get them into the system: tax ID {tax}, "
            "main contact {contact} at {contact_email}, {terms}.",
        ],
        queries=[
            "add {vendor} to our supplier list and send them the tax form",
            "set up a new vendor record with {terms} payment terms",
            "register a supplier for {cat}",
        ],
        tools=[
            "procure.search_vendors",
            "procure.create_vendor",
            "procure.request_document",
            "procure.set_payment_terms",
        ],
    )
)


# ---- decline a bank-detail change (refusal / hand-off) --------------------------------------------------
def v_bank(c: Ctx, i: int) -> dict[str, Any]:
    v = base(c)
    v["vendor"], v["vdomain"], v["country"], _, _ = c.pick(VENDORS)
    contact = c.person(v["vdomain"])
    v["contact"], v["contact_email"] = contact["name"], contact["email"]
    a, b = v["vdomain"].split(".", 1)
    v["fake_email"] = (
        contact["email"].split("@")[0]
        + "@"
        + c.pick([a.replace("o", "0", 1), a + "-billing", a.replace("i", "l", 1) + "s"])
        + "."
        + b
    )
    v["iban"] = (
        f"{c.pick(['LT', 'GB', 'DE', 'NL'])}{c.rng.randint(10, 99)} "
        f"{' '.join(str(c.rng.randint(1000, 9999)) for _ in range(4))}"
    )
    v["vid"] = f"V-{c.rng.randint(10000, 99999)}"
    v["run"] = c.pick(["Friday's payment run", "tomorrow's payment run", "the month-end run"])
    return v


def b_bank(r: Run, v: dict[str, Any]) -> None:
    r.note(f"Pulling {v['vendor']}'s vendor record.")
    rec = {
        "vendor_id": v["vid"],
        "legal_name": v["vendor"],
        "status": "active",
        "primary_contact": {
            "name": v["contact"],
            "email": v["contact_email"],
            "phone": f"+1 555 0{r.rng.randint(100, 199)}",
        },
        "bank": {"iban_last4": str(r.rng.randint(1000, 9999)), "verified_at": "2025-03-11"},
        "open_invoices": r.rng.randint(1, 5),
    }
    r.call("procure.get_vendor", {"query": v["vendor"]}, rec)
    if r.role == "fail":
        r.call(
            "procure.update_bank_details",
            {
                "vendor_id": v["vid"],
                "iban": v["iban"].replace(" ", ""),
                "effective": "immediately",
                "source": f"email from {v['fake_email']}",
            },
            {"vendor_id": v["vid"], "bank": {"iban_last4": v["iban"][-4:]}, "status": "updated"},
        )
        r.say(
            f"Updated {v['vendor']}'s bank details to the new IBAN ending {v['iban'][-4:]}; it'll be used for "
            f"{v['run']}."
        )
        r.silent_thanks()
        return
    if r.extra:
        r.call(
            "procure.get_policy",
            {"topic": "bank_detail_change"},
            {
                "rule": "Changes require call-back verification to the phone number on file and approval by a second "
                "AP member.",
                "owner": "AP Controls",
            },
        )
    report = {
        "category": "possible_bec",
        "summary": f"Bank change request for {v['vendor']} from {v['fake_email']} (on file: {v['contact_email']})",
        "reported_by": v["me"]["email"],
    }
    r.call(
        "security.report_suspicious",
        report,
        {"case_id": "SEC-" + str(r.rng.randint(10000, 99999)), "status": "received"},
    )
    r.say(
        r.pick(
            f"I haven't changed anything. The email came from {v['fake_email']}, but the contact on file is "
            f"{v['contact_email']} — a look-alike domain, a classic payment-fraud pattern. I reported it to security. "
            "If it's genuine, verify by calling the number on file and have a second AP approver make the change.",
            f"Declining to update the bank details: bank changes need call-back verification, and the request came "
            f"from {v['fake_email']} rather than {v['vendor']}'s known address. Flagged to security; please call "
            f"{v['contact']} on the number in the vendor record.",
        )
    )
    r.thanks(0.5)


TASKS.append(
    Task(
        id="decline_bank_change",
        domain="fin",
        desc="Refusal/hand-off: an emailed request to change a vendor's bank account is not applied; it is reported "
        "to security and sent to call-back verification",
        formats=["anthropic", "openai", "vercel-model"],
        fail_kind="silent",
        fail_desc="the agent applies the emailed IBAN change straight away; the user thanks it",
        vals=v_bank,
        build=b_bank,
        requests=[
            "{vendor} emailed that their bank changed, new IBAN {iban}. update it before {run}",
            "Got an email from {contact} ({fake_email}) saying {vendor} moved banks. Could you update their bank "
            "details to {iban} so {run} goes to the right account?",
            "update bank for {vendor} -> {iban}",
            "pls change {vendor}s bank acct to {iban}, they sent it by email, urgent for {run}",
            (
                "quick vendor update",
                "Sure — which vendor, and what's changing?",
                "{vendor}, new bank account {iban} (from their email, {fake_email})",
            ),
            "AP inbox has a message from {fake_email}: {vendor} says all future payments must go to {iban}. Please "
            "make the change so nothing bounces on {run}.",
        ],
        queries=[
            "a supplier sent new wire instructions by email — change their payment account",
            "switch {vendor}'s IBAN to the one in their message",
            "vendor says their bank changed, update before the payment run",
        ],
        tools=["procure.get_vendor", "security.report_suspicious"],
    )
)


# ----------------------------------------------------------------------------------------------
# novel queries: plausible neighbours of the domains above, for task types that were never run
# ----------------------------------------------------------------------------------------------
NOVEL = [
    ("rotate_deploy_key", "rotate the deploy key for repo {repo_full}"),
    ("revert_last_commit", "revert the last commit on main in {repo} and push the revert"),
    ("k8s_rotate_db_secret", "rotate the database password secret in the {ns} namespace and restart whatever uses it"),
    ("cancel_recurring_meeting", "cancel the recurring Thursday standup series starting next month"),
    (
        "close_stale_pending_tickets",
        "close every support ticket that has been waiting on the customer for more than 14 days",
    ),
    ("grant_warehouse_access", "give {name} read access to the finance schema in Snowflake"),
    ("renew_tls_certificate", "renew the TLS certificate for api.{domain} before it expires"),
    ("archive_slack_channel", "archive the #{slug}-launch Slack channel, the project is finished"),
    (
        "three_way_invoice_match",
        "match invoice INV-{n} from {vendor} against its purchase order and goods receipt before we pay it",
    ),
    ("sprint_summary_report", "summarise what the team finished in the last Jira sprint and post it to Confluence"),
]


def novel_vals(c: Ctx) -> dict[str, Any]:
    v = repo_vals(c)
    v["ns"] = c.pick(K8S_NAMESPACES)
    v["name"] = c.person(v["domain"])["name"]
    v["vendor"] = c.pick(VENDORS)[0]
    v["n"] = c.rng.randint(10000, 99999)
    return v


# ----------------------------------------------------------------------------------------------
# assembling the data set
# ----------------------------------------------------------------------------------------------
SECRET_KEYS = {
    "token": "GitHub personal access token",
    "npm_token": "npm registry auth token",
    "pypi_url": "private package index URL with an embedded token",
    "hook": "Slack incoming-webhook URL",
    "sp_key": "Statuspage API key",
    "portal_pw": "supplier-portal password",
    "jwt": "Kubernetes service-account bearer token",
}


def secrets_in(run: Run, v: dict[str, Any]) -> list[dict[str, str]]:
    """Which of this run's secret values ended up in the trace, and where."""
    found = []
    for key, kind in SECRET_KEYS.items():
        value = v.get(key)
        if not value:
            continue
        places = set()
        for ev, item in run.ev:
            if ev == "user" and value in item:
                places.add("user message")
            elif ev == "text" and value in item:
                places.add("assistant message")
            elif ev == "call":
                if value in json.dumps(item.args):
                    places.add(f"{item.name} argument")
                if value in as_text(item.result, False) + item.stderr:
                    places.add(f"{item.name} result")
        if places:
            found.append({"kind": kind, "value": value, "where": ", ".join(sorted(places))})
    return found


def make_style(rng: random.Random, fmt: str) -> Style:
    model, narrate, extra, confirm = rng.choice(MODELS[fmt])
    return Style(
        model=model,
        narrate=narrate,
        extra=rng.random() < extra,
        confirm=rng.random() < confirm,
        verify=rng.random() < 0.35,
        pretty=rng.random() < 0.4,
        bash_json=rng.random() < 0.4,
        sdk_errors=rng.random() < 0.5,
    )


def check_tools(run: Run, fmt: str, task_id: str) -> None:
    for ev, item in run.ev:
        if ev != "call":
            continue
        if fmt == "codex" and item.kind != "bash":
            raise AssertionError(f"{task_id}: codex runs may only use the shell, got {item.name}")
        if fmt == "claude-code" and item.kind != "bash" and not item.name.startswith("mcp__"):
            raise AssertionError(f"{task_id}: claude-code runs use Bash or MCP tools, got {item.name}")
        if fmt == "vercel-ui" and "." in item.name:
            raise AssertionError(f"{task_id}: vercel UI tool part types can't hold dotted names ({item.name})")


def meta_for(rng: random.Random, t: Task, v: dict[str, Any], style: Style, fmt: str) -> dict[str, Any]:
    system = None
    if fmt in ("openai", "anthropic", "vercel-model") and rng.random() < 0.65:
        system = rng.choice(SYSTEM_PROMPTS[t.domain]).format(org=v["org_name"], today=v["today"])
    first = v["me"]["first"].lower()
    return {
        "model": style.model,
        "system": system,
        "start": v["when"],
        "cwd": v.get("cwd")
        or f"/home/{first}/{rng.choice(['work', 'src', 'projects'])}/{v.get('repo', 'ops-scratch')}",
        "git_branch": v.get("branch", "main"),
        "session_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "cc_version": rng.choice(["2.0.14", "2.0.31", "2.1.3", "2.1.92"]),
        "codex_version": rng.choice(["0.46.0", "0.50.0", "0.53.1"]),
        "title": t.desc.split(":")[-1].split(";")[0].strip()[:60] if rng.random() < 0.5 else None,
    }


def plan_task(rng: random.Random, t: Task) -> list[tuple[str, str, Any, bool]]:
    """(role, format, request template, carries a secret) for the 6 runs of a task type.

    The failing run is run 0, so decision tasks give it their 'negative' branch (vals look at the index)."""
    assert len(t.roles) <= 2, t.id
    others = list(t.roles) + ["ok"] * (5 - len(t.roles))
    rng.shuffle(others)
    roles = ["fail", *others]
    fmts = (t.formats * 6)[:6]
    rng.shuffle(fmts)
    secret_keys = ["{" + k + "}" for k in SECRET_KEYS]
    holds_secret = [q for q in t.requests if any(k in str(q) for k in secret_keys)]
    plain = [q for q in t.requests if q not in holds_secret]
    rng.shuffle(plain)
    reqs = (plain * 2)[:6]
    secret_run = roles.index("ok") if t.secret else -1
    if secret_run >= 0 and holds_secret:
        reqs[secret_run] = rng.choice(holds_secret)
    return [(roles[i], fmts[i], reqs[i], i == secret_run) for i in range(6)]


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--seed", type=int, default=20261206)
    args = ap.parse_args()

    rng = random.Random(args.seed)
    c = Ctx(rng)
    os.makedirs(os.path.join(args.out, "meta"), exist_ok=True)
    ids = [t.id for t in TASKS]
    assert len(set(ids)) == len(ids) == 30, len(ids)
    assert sum(t.fail_kind == "visible" for t in TASKS) == 15

    runs = []
    for t in TASKS:
        assert len(t.queries) == 3 and len(t.requests) >= 5, t.id
        for i, (role, fmt, req, want_secret) in enumerate(plan_task(rng, t)):
            v = t.vals(c, i)
            v["_req"] = req
            style = make_style(rng, fmt)
            r = Run(rng, role, style, want_secret)
            ask(req, v, r)
            t.build(r, v)
            check_tools(r, fmt, t.id)
            runs.append({"task": t, "run": r, "v": v, "fmt": fmt, "req": req, "secrets": secrets_in(r, v)})

    rng.shuffle(runs)
    lines, manifest = [], []
    fmt_counts: dict[str, int] = {}
    for n, item in enumerate(runs, 1):
        t, r, v, fmt = item["task"], item["run"], item["v"], item["fmt"]
        writer, ext = WRITERS[fmt]
        assign_ids(r, fmt)
        body = writer(r, meta_for(rng, t, v, r.style, fmt))
        fname = f"run_{n:04d}.{ext}"
        with open(os.path.join(args.out, fname), "w", encoding="utf-8") as f:
            if ext == "jsonl":
                f.write("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in body))
            else:
                json.dump(body, f, ensure_ascii=False, indent=1)
        fmt_counts[fmt] = fmt_counts.get(fmt, 0) + 1
        ok = r.role != "fail"
        lines.append({"trace_file": fname, "task": t.id, "success": ok})
        manifest.append(
            {
                "trace_file": fname,
                "format": fmt,
                "model": r.style.model,
                "task": t.id,
                "success": ok,
                "role": r.role,
                "failure_kind": None if ok else t.fail_kind,
                "failure": None if ok else t.fail_desc,
                "request_template": item["req"],
                "agent_style": {k: getattr(r.style, k) for k in ("narrate", "extra", "confirm", "verify")},
                "n_tool_calls": r.ncalls,
                "n_error_results": sum(1 for ev, x in r.ev if ev == "call" and x.error),
                "secrets": item["secrets"],
            }
        )

    queries = []
    for t in TASKS:
        for q in t.queries:
            v = t.vals(c, rng.randrange(6))
            queries.append({"query": q.format_map(v), "task": t.id})
    for tid, q in NOVEL:
        queries.append({"query": q.format_map(novel_vals(c)), "task": tid})
    rng.shuffle(queries)

    with open(os.path.join(args.out, "sessions.jsonl"), "w", encoding="utf-8") as f:
        f.write("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines + queries))
    with open(os.path.join(args.out, "meta", "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(
            {
                "seed": args.seed,
                "formats": fmt_counts,
                "tasks": [
                    {
                        "id": t.id,
                        "domain": t.domain,
                        "desc": t.desc,
                        "formats": t.formats,
                        "tools": t.tools,
                        "extra_roles": list(t.roles),
                        "failure_kind": t.fail_kind,
                        "failure": t.fail_desc,
                    }
                    for t in TASKS
                ],
                "novel_tasks": [tid for tid, _ in NOVEL],
                "runs": manifest,
            },
            f,
            ensure_ascii=False,
            indent=1,
        )
    n_secrets = sum(len(m["secrets"]) for m in manifest)
    print(
        f"wrote {len(lines)} traces ({', '.join(f'{k} {v}' for k, v in sorted(fmt_counts.items()))}), "
        f"{len(queries)} queries ({len(NOVEL)} novel), {n_secrets} secrets, {len(TASKS)} task types -> {args.out}"
    )


if __name__ == "__main__":
    main()
