"""Labelled agent sessions in an eighth set of domains, written blind: guided support where the USER acts with their
own tools, in the style of tau2-bench's telecom domain. The agent diagnoses with its back-office tools and tells the
user what to do on their device; the user calls device tools (or, in some runs, only says in prose what they did)
and reports back. Domains: mobile telecom tech support (no data because airplane mode is on; no data because the
allowance is used up -> refuel; no data abroad -> enable roaming on the line and on the phone; MMS fails because of
a bad APN -> reset APN and reboot; MMS fails because the messaging app lacks a permission; no service because the
line is suspended for an unpaid bill -> payment request, the user pays, resume the line; slow data because the
phone is set to 2G only), home broadband support (router stuck -> the user reboots it; a self-installed modem that
must be provisioned; slow Wi-Fi from a crowded channel) and an IT help desk (re-register MFA on a new phone with a
temporary access pass). Agent-only types in the same domains: a read-only data-usage lookup, suspending a lost
phone's line, booking a technician after a line test, unlocking a directory account. A held-out-style check for
``deftly bench --jsonl DIR/sessions.jsonl``.

Written without reading deftly's extraction, matching or ranking code, and not tuned to it. Each of the 15 task types
is run 7 to 9 times (1 or 2 of them failing) with other customers, phone numbers, line/bill/account ids, amounts and
dates, in a different wording each time (terse, polite and long, non-native English, typos, split over several
messages, the agent asking for the phone number first). Several telecom types share an opening complaint ("my data
doesn't work", "I can't send pictures"), as in tau2; only the diagnosis tells them apart. Agents behave like
different models: some read every line and plan before acting, some narrate, some confirm before writes, some
verify the fix with the user, some hit a recoverable error (a phone number without dashes, an invalid network mode,
a MAC in the wrong format) and fix it. Diagnostic dead ends are normal (the status bar shows nothing wrong, a reboot
changes nothing, the line test is clean). Failures are visible (an unrecovered tool error, a transfer to a human, the
user saying it still does not work and giving up) or silent (the wrong fix, the wrong line, enabling roaming without
checking which line, unlocking an account that should have gone to security -- and the user says thanks). Eight
sessions carry a second, different request from the same domain (labelled in ``also``). A few users paste secrets
(an account PIN, a card number, a password, a router admin password; a temporary access pass also appears in tool
results) -- all listed in the manifest.

Trace formats (written here; the shared generator modules have no user-side tool calls):
  tau2        tau2-bench simulation messages: a list, {"messages": [...]} or a whole simulation record; tool calls
              {"id","name","arguments":{...},"requestor"} on assistant AND user messages, tool results
              {"role":"tool","id" (or "tool_call_id"),"content","requestor","error"}; turn_idx and timestamps; the
              simulated user ends with ###STOP### (or ###TRANSFER###)
  openai      OpenAI Chat Completions as tau2_retail's converter writes them (system prompt first, arguments as a JSON
              string, tool messages with name); the user's device calls are role "user" messages with tool_calls,
              followed by their role "tool" results
  anthropic   Anthropic Messages (bench/fourth_domains.py's writer) -- prose-only and agent-only runs
Guided runs are "tools" (user device calls present) or "prose" (the user only describes what they did).

    python bench/eighth_domains.py --out DIR [--seed N]
    deftly bench --jsonl DIR/sessions.jsonl --verbose

Writes into DIR:
  run_XXXX.json      one trace per run
  sessions.jsonl     {"trace_file","task","success"[,"also"]} lines (runs), then {"query","task"} lines
  meta/manifest.json per-run details (format, user-action mode, model, agent habits, wording, failure kind, second
                     request, secrets) -- NOT for ingestion
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import os
import random
import string
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fourth_domains
from fifth_domains import an, dg, hx, uid, usd

BASE = dt.datetime(2025, 5, 12, 8, 5)
ALNUM = string.ascii_letters + string.digits

FIRST = [
    "Amara",
    "Benedikt",
    "Carolina",
    "Dmitri",
    "Efua",
    "Florian",
    "Giulia",
    "Hiroshi",
    "Isabela",
    "Jakub",
    "Keiko",
    "Lorenzo",
    "Mbali",
    "Nathaniel",
    "Olusegun",
    "Pilar",
    "Qiang",
    "Rukmini",
    "Soren",
    "Teodora",
    "Umar",
    "Vesna",
    "Wanjiru",
    "Yannick",
    "Zainab",
    "Agnieszka",
    "Bao",
    "Cillian",
    "Dagny",
    "Emre",
    "Fatou",
    "Gaspard",
    "Halima",
    "Ignacio",
    "Joelle",
    "Kenji",
    "Lucinda",
    "Marek",
    "Nkechi",
    "Oona",
    "Pradeep",
    "Rosalie",
    "Santiago",
    "Tuula",
]
LAST = [
    "Adeyemi",
    "Bachmann",
    "Cardoso",
    "Dimitrov",
    "Engström",
    "Ferreira",
    "Gonzaga",
    "Hallorann",
    "Ilunga",
    "Jablonski",
    "Kiplagat",
    "Lindgren",
    "Marchetti",
    "Nordin",
    "Obi",
    "Pacheco",
    "Quispe",
    "Reinholt",
    "Saarinen",
    "Tsang",
    "Ulloa",
    "Vogel",
    "Wainwright",
    "Yeboah",
    "Zapata",
    "Albescu",
    "Brodsky",
    "Chaudhary",
    "Delacroix-Rey",
    "Espinoza",
    "Furlan",
    "Grabowski",
    "Huerta",
    "Iwasaki",
    "Juarez",
    "Kowalski",
    "Lachance",
    "Mendoza",
    "Nakamura",
]
STREETS = [
    "Maple Ave",
    "Birchwood Dr",
    "Harbor St",
    "Linden Ct",
    "Quarry Rd",
    "Orchard Ln",
    "Sutter Blvd",
    "Willow Way",
    "Cedar Ridge Rd",
    "Pinecrest Ave",
    "Mill Pond Rd",
    "Larkspur St",
]
CITIES = [
    ("Spokane", "WA", "992"),
    ("Dayton", "OH", "454"),
    ("Tucson", "AZ", "857"),
    ("Raleigh", "NC", "276"),
    ("Madison", "WI", "537"),
    ("Boise", "ID", "837"),
    ("Albany", "NY", "122"),
    ("Richmond", "VA", "232"),
    ("Eugene", "OR", "974"),
    ("Lansing", "MI", "489"),
    ("Fresno", "CA", "937"),
    ("Knoxville", "TN", "379"),
]
AREAS = ["509", "937", "520", "919", "608", "208", "518", "804", "541", "517", "559", "865"]
THANKS = [
    "thanks!",
    "great, thank you",
    "perfect, thanks",
    "ty",
    "thank you so much",
    "ok cool thanks",
    "awesome, appreciate it",
    "thx",
    "Thank you very much for your help.",
]
WELCOME = [
    "You're welcome! Anything else I can help with?",
    "Glad I could help — have a great day!",
    "Happy to help. Take care!",
    "You're all set.",
]
YES = ["yes", "yes please", "yep", "go ahead", "ok do it", "sure", "yes, that's fine", "Yes, please proceed."]
GREETING = "Hi! How can I help you today?"
GREET_REPLIES = ["Hi! How can I help you today?", "Hello — what can I do for you?", "Hi there, how can I help?"]
HANDOFF_LINES = [
    "I'm transferring you to a human agent who can look into this further. Please hold on.",
    "I've escalated this to our technical team; a specialist will pick up this conversation shortly.",
    "I'm handing this over to a human agent now — please stay in the chat.",
]


# small helpers -----------------------------------------------------------------------------------------------------
def nice(d: dt.date) -> str:
    return d.strftime("%B ") + str(d.day)


def luhn(prefix: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(prefix)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return prefix + str((10 - total % 10) % 10)


def person(rng: random.Random, dom: str = "") -> dict[str, Any]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    dom = dom or rng.choice(["gmail.com", "outlook.com", "yahoo.com", "icloud.com", "proton.me", "aol.com"])
    local = rng.choice([f"{first}.{last}", f"{first[0]}{last}", f"{first}{rng.randint(1, 99)}", f"{last}.{first}"])
    local = local.lower().replace("ö", "o").replace("-", "").replace("'", "")
    city, state, zip3 = rng.choice(CITIES)
    dob = dt.date(rng.randint(1955, 2004), rng.randint(1, 12), rng.randint(1, 28))
    return {
        "first": first,
        "last": last,
        "name": f"{first} {last}",
        "email": f"{local}@{dom}",
        "city": city,
        "state": state,
        "zip": f"{zip3}{rng.randint(10, 99)}",
        "street": f"{rng.randint(12, 9800)} {rng.choice(STREETS)}",
        "dob": dob.isoformat(),
        "dob_us": dob.strftime("%m/%d/%Y"),
    }


def phone_forms(rng: random.Random, area: str = "") -> dict[str, str]:
    area = area or rng.choice(AREAS)
    a, b = rng.randint(201, 989), rng.randint(1000, 9999)
    return {"phone": f"{area}-{a}-{b}", "phone_plain": f"{area}{a}{b}", "phone_paren": f"({area}) {a}-{b}"}


def gave(v: dict[str, Any], *keys: str) -> bool:
    """Did the request (any of its turns) carry one of these values?"""
    req = str(v.get("_req", ""))
    return any("{" + k + "}" in req for k in keys)


# a session, before it is written in some format ---------------------------------------------------------------------
@dataclass
class Call:
    name: str
    args: dict[str, Any]
    result: Any  # str or a JSON-able object
    error: bool = False
    by: str = "assistant"  # assistant | user (the user's own device tools)
    parallel: bool = False
    cid: str = ""


@dataclass
class Agent:
    model: str
    narrate: float
    read_all: bool  # looks everything up before acting
    confirm: bool  # asks for a yes before writes
    verify: bool  # has the user test the fix
    slip: bool  # makes a recoverable mistake and fixes it
    pretty: bool  # tool results pretty-printed


# (model, narrate, read_all, confirm, verify, slip) per harness
MODELS = {
    "tau2": [
        ("gpt-4.1-2025-04-14", 0.15, 0.6, 0.8, 0.6, 0.15),
        ("gpt-4.1-mini-2025-04-14", 0.1, 0.3, 0.5, 0.3, 0.3),
        ("o4-mini-2025-04-16", 0.05, 0.5, 0.5, 0.6, 0.35),
        ("claude-sonnet-4-20250514", 0.7, 0.7, 0.8, 0.8, 0.1),
        ("claude-3-7-sonnet-20250219", 0.5, 0.5, 0.7, 0.6, 0.2),
        ("qwen3-235b-a22b", 0.4, 0.3, 0.5, 0.3, 0.35),
        ("gemini-2.5-flash", 0.3, 0.4, 0.4, 0.4, 0.25),
        ("ft:gpt-4.1-2025-04-14:sierra-style:support-sft:C8kq2Rz1", 0.1, 0.5, 0.9, 0.7, 0.1),
    ],
    "chat": [
        ("gpt-4o", 0.3, 0.4, 0.6, 0.4, 0.15),
        ("gpt-4o-mini", 0.1, 0.2, 0.3, 0.2, 0.25),
        ("gpt-4.1", 0.2, 0.6, 0.7, 0.5, 0.15),
        ("llama-3.3-70b-instruct", 0.5, 0.3, 0.4, 0.3, 0.3),
    ],
    "anthropic": [
        ("claude-sonnet-4-5", 0.8, 0.7, 0.8, 0.7, 0.1),
        ("claude-3-5-haiku-latest", 0.5, 0.4, 0.5, 0.4, 0.25),
        ("claude-opus-4-1", 0.9, 0.8, 0.8, 0.8, 0.05),
    ],
}
PERSONAS = ["plain", "plain", "terse", "terse", "typo", "polite"]


class Run:
    """One session as events: user text, agent text (said or narrated), agent tool calls and user device calls."""

    def __init__(self, rng: random.Random, agent: Agent, mode: str, kind: str | None) -> None:
        self.rng = rng
        self.agent = agent
        self.mode = mode  # tools | prose | none (agent-only task)
        self.fk = kind.split(":")[0] if kind else None  # None | visible | silent
        self.ev: list[tuple[str, Any]] = []
        self.secrets: list[dict[str, str]] = []
        self.pasted = False  # the user pasted a secret the agent has not yet remarked on
        self.known: dict[str, Any] = {}  # who is already identified in this session
        self.persona = rng.choice(PERSONAS)
        self.transferred = False
        self.gave_up = False

    # choices
    def pick(self, *options: Any) -> Any:
        return self.rng.choice(options)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    # the user
    def user(self, text: str) -> None:
        self.ev.append(("user", text))

    def u(self, text: str) -> None:
        """A reply in the user's own manner (terse, typos, polite)."""
        g = self.rng
        if self.persona == "terse":
            text = text[0].lower() + text[1:]
            text = text.rstrip(".!")
        elif self.persona == "typo" and g.random() < 0.7:
            words = text.split(" ")
            cand = [i for i, w in enumerate(words) if w.isalpha() and len(w) >= 5]
            if cand:
                i = g.choice(cand)
                w, j = words[i], g.randrange(1, len(words[i]) - 2)
                words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
            text = " ".join(words).lower()
        elif self.persona == "polite" and g.random() < 0.4:
            text += g.choice([" Thank you.", " Thanks for your patience.", " Thanks!"])
        self.ev.append(("user", text))

    def dev(self, calls: list[tuple[str, dict[str, Any], str]], said: str, prose: str | None = None) -> None:
        """The user does something on their device: tool calls then a report, or (prose runs) only the report."""
        if self.mode == "tools":
            par = len(calls) > 1 and self.rng.random() < 0.3
            for i, (name, args, res) in enumerate(calls):
                err = isinstance(res, str) and res.startswith("Error")
                self.ev.append(("ucall", Call(name, args, res, error=err, by="user", parallel=par and i > 0)))
            self.u(said)
        else:
            self.u(prose or said)

    # the agent
    def say(self, text: str) -> None:
        self.ev.append(("say", text))

    def note(self, text: str) -> None:
        """Narration right before a call; only talkative models say it."""
        if self.rng.random() < self.agent.narrate:
            self.ev.append(("note", text))

    def call(self, name: str, args: dict[str, Any], result: Any, error: bool = False, parallel: bool = False) -> Any:
        self.ev.append(("acall", Call(name, args, result, error=error, parallel=parallel)))
        return result

    def err(self, name: str, args: dict[str, Any], text: str) -> None:
        self.call(name, args, text, error=True)

    def confirm(self, summary: str) -> None:
        if self.agent.confirm:
            tail = self.pick(
                " Shall I go ahead?",
                " Do you want me to proceed? (yes/no)",
                " Is that OK?",
                "\n\nPlease confirm (yes/no).",
            )
            self.say(summary + tail)
            self.u(self.pick(*YES))

    def secret(self, value: str, where: str) -> str:
        self.secrets.append({"value": value, "where": where})
        return value

    def handoff(self, summary: str) -> None:
        self.call("transfer_to_human_agents", {"summary": summary}, "Transfer successful")
        self.say(self.pick(*HANDOFF_LINES))
        self.transferred = True

    def close(self, text: str, note: str = "") -> None:
        """The agent's closing message; one that was handed a pasted secret says so."""
        if self.pasted:
            text += "\n\n" + (
                note
                or "One more thing: please don't share PINs, passwords or card numbers in chat — "
                "I never need them here. You may want to change it since it's now in this "
                "conversation."
            )
            self.pasted = False
        self.say(text)


def ask(req: Any, v: dict[str, Any], r: Run, greeted: bool) -> None:
    """Open the session with the request: a string, (turn, turn) sent back to back, or (turn, agent reply, turn)."""
    if isinstance(req, str):
        if not greeted and r.chance(0.12):
            r.user(r.pick("hi", "hello", "hey", "good morning"))
            r.say(r.pick(*GREET_REPLIES))
        r.user(req.format_map(v))
    elif len(req) == 2:
        r.user(req[0].format_map(v))
        r.user(req[1].format_map(v))
    else:
        first, reply, second = req
        r.user(first.format_map(v))
        if not (greeted and reply == GREETING):
            r.say(reply.format_map(v))
        r.user(second.format_map(v))


# writers -----------------------------------------------------------------------------------------------------------
def messages(ev: list[tuple[str, Any]]) -> list[dict[str, Any]]:
    """Events grouped into messages {role, text, calls}: narration joins the call that follows it, parallel calls
    share a message, each user device call is its own user message."""
    out: list[dict[str, Any]] = []
    for kind, x in ev:
        last = out[-1] if out else None
        if kind == "user":
            out.append({"role": "user", "text": x, "calls": []})
        elif kind in ("say", "note"):
            if last and last["role"] == "assistant" and not last["calls"] and last["text"]:
                last["text"] += "\n\n" + x
                last["note"] = kind == "note"
            else:
                out.append({"role": "assistant", "text": x, "calls": [], "note": kind == "note"})
        elif kind == "acall":
            if (
                last
                and last["role"] == "assistant"
                and ((not last["calls"] and last.get("note")) or (last["calls"] and x.parallel))
            ):
                last["calls"].append(x)
            else:
                out.append({"role": "assistant", "text": None, "calls": [x]})
        else:  # ucall
            if last and last["role"] == "user" and last["calls"] and x.parallel:
                last["calls"].append(x)
            else:
                out.append({"role": "user", "text": None, "calls": [x]})
    return out


def rtext(c: Call, pretty: bool) -> str:
    return c.result if isinstance(c.result, str) else json.dumps(c.result, indent=2 if pretty else None)


class Clock:
    def __init__(self, start: dt.datetime, rng: random.Random) -> None:
        self.t, self.rng = start, rng

    def tick(self, lo: float = 0.5, hi: float = 12.0) -> str:
        self.t += dt.timedelta(seconds=self.rng.uniform(lo, hi))
        return self.t.isoformat(timespec="microseconds")


def w_tau2(run: Run, meta: dict[str, Any]) -> Any:
    clock = Clock(meta["start"], run.rng)
    out: list[dict[str, Any]] = []
    if meta["system"] and meta["tau2_system"]:
        out.append({"role": "system", "content": meta["system"], "turn_idx": None, "timestamp": clock.tick(0, 0.1)})
    for m in messages(run.ev):
        calls = [{"id": c.cid, "name": c.name, "arguments": c.args, "requestor": c.by} for c in m["calls"]]
        msg: dict[str, Any] = {"role": m["role"], "content": m["text"], "tool_calls": calls or None}
        msg |= {"turn_idx": len(out), "timestamp": clock.tick()}
        out.append(msg)
        for c in m["calls"]:
            res = {meta["id_key"]: c.cid, "role": "tool", "content": rtext(c, run.agent.pretty), "requestor": c.by}
            res |= {"error": c.error, "turn_idx": len(out), "timestamp": clock.tick(0.05, 1.5)}
            out.append(res)
    if meta["wrap"] == "list":
        return out
    if meta["wrap"] == "messages":
        return {"messages": out}
    return {
        "id": meta["session_id"],
        "task_id": meta["task_ref"],
        "trial": run.rng.choice([0, 0, 1, 2, 3]),
        "start_time": meta["start"].isoformat(),
        "end_time": clock.tick(),
        "duration": round((clock.t - meta["start"]).total_seconds(), 3),
        "termination_reason": "user_stop" if not run.transferred else "agent_stop",
        "agent_cost": round(run.rng.uniform(0.004, 0.09), 6),
        "user_cost": round(run.rng.uniform(0.002, 0.03), 6),
        "messages": out,
        "seed": run.rng.randint(1, 10**9),
    }


def w_openai(run: Run, meta: dict[str, Any]) -> Any:
    out: list[dict[str, Any]] = []
    if meta["system"]:
        out.append({"role": "system", "content": meta["system"]})
    for m in messages(run.ev):
        msg: dict[str, Any] = {"role": m["role"], "content": m["text"]}
        if m["calls"]:
            msg["tool_calls"] = [
                {
                    "id": c.cid,
                    "type": "function",
                    "function": {"name": c.name, "arguments": json.dumps(c.args, ensure_ascii=False)},
                }
                for c in m["calls"]
            ]
        out.append(msg)
        out += [
            {"role": "tool", "tool_call_id": c.cid, "name": c.name, "content": rtext(c, run.agent.pretty)}
            for c in m["calls"]
        ]
    return out if meta["wrap"] == "list" else {"model": meta["model"], "messages": out}


def w_anthropic(run: Run, meta: dict[str, Any]) -> Any:
    """Prose-only and agent-only runs through bench/fourth_domains.py's Anthropic Messages writer."""
    a = run.agent
    style = fourth_domains.Style(a.model, a.narrate, a.read_all, a.confirm, a.verify, a.pretty, False)
    fr = fourth_domains.Run(run.rng, "ok", style, False)
    for kind, x in run.ev:
        assert kind != "ucall", "no user tool calls in Anthropic runs"
        if kind == "user":
            fr.user(x)
        elif kind in ("say", "note"):
            fr.say(x)
        else:
            fr.ev.append(("call", fourth_domains.Call(x.name, x.args, x.result, error=x.error, parallel=x.parallel)))
    fourth_domains.assign_ids(fr, "anthropic")
    return fourth_domains.w_anthropic(fr, {"model": meta["model"], "system": meta["system"]})


WRITERS: dict[str, Callable[[Run, dict[str, Any]], Any]] = {
    "tau2": w_tau2,
    "openai": w_openai,
    "anthropic": w_anthropic,
}


def assign_ids(run: Run, fmt: str) -> None:
    g = run.rng
    style = "toolu" if "claude" in run.agent.model else g.choice(["call", "call", "call", "fc"])
    for kind, x in run.ev:
        if kind not in ("acall", "ucall"):
            continue
        if x.by == "user":  # the simulated user's own model names its calls
            x.cid = "call_" + an(g, 24, ALNUM)
        elif style == "toolu":
            x.cid = "toolu_01" + an(g, 22, ALNUM)
        elif style == "fc":
            x.cid = "fc_" + hx(g, 32)
        else:
            x.cid = "call_" + an(g, 24, ALNUM)


# policies (system prompts) -----------------------------------------------------------------------------------------
TAU2_INSTRUCTIONS = (
    "You are a customer support agent. Help the user by following the <policy> below.\n"
    "In each turn you may either send one message to the user or make one tool call, not both.\n"
    "Some actions can only be done by the user on their own device: tell them exactly what to do, one step at a "
    "time, and wait for them to report back.\nOnly output valid JSON in tool calls."
)
POLICIES = {
    "telecom": """# Northwind Mobile technical support policy
The current time is {now}.
- Identify the customer first: look them up by the phone number of the line (or customer id, or full name and date
  of birth). Work only on the line the customer is asking about.
- You cannot act on the user's phone. Device steps (airplane mode, mobile data, data roaming, network mode, APN,
  app permissions, SIM, restart) are done by the user; ask for one step at a time and ask what they see.
- Before any charge (data refuel, roaming), state the price and get an explicit yes. Refuel at most 2 GB at once.
- A line suspended for non-payment may only be resumed after the overdue bill is paid: send a payment request for
  that bill, wait for the customer to pay, check the bill, then resume the line.
- Roaming must be enabled on the line by you AND data roaming switched on on the device by the user.
- If you cannot resolve the issue, transfer to a human agent with a short summary.""",
    "broadband": """# Brightlane Broadband home support policy
Today is {now}.
- Find the account by the account number or the phone number on file; confirm the service address.
- Run a line test before sending anyone to the customer's home. Check for area outages.
- Equipment steps (router lights, reboots, labels, Wi-Fi settings) are done by the customer; guide them one step at
  a time.
- Customer-owned modems must be provisioned with the cable-modem (CM) MAC printed on the label, not the Wi-Fi MAC.
- Plan changes need an explicit yes. Technician visits are booked only in a slot the customer picked.
- Escalate to a human agent if the issue is not resolved after the standard steps.""",
    "it": """# Ardent Labs IT service desk policy
Today is {now}.
- Verify the employee by their work email or UPN and confirm their department before changing anything.
- MFA re-registration: remove the old methods, issue a one-time Temporary Access Pass (TAP, 60 minutes max) and walk
  the employee through enrolling the new device at https://aka.ms/mysecurityinfo. Never ask for passwords.
- Unlock an account only if the failed sign-ins come from the employee's usual location and device; if they come
  from elsewhere, do not unlock and escalate to Security.
- Privileged accounts (admins) cannot be unlocked by tier 1: transfer to a human agent.""",
}
CHAT_PROMPTS = {
    "telecom": "You are Northwind Mobile's support assistant. Troubleshoot customers' phone and line issues. Today is "
    "{now}.",
    "broadband": "You are a support assistant for Brightlane Broadband. Help customers with their home internet.",
    "it": "You are the Ardent Labs IT help desk assistant. Today is {now}.",
}


# mobile telecom (Northwind Mobile) ---------------------------------------------------------------------------------
PLANS = {
    "P1001": ("Essential 5GB", 5.0, 30.0, 6.0),  # name, data limit (GB), price per month, refuel price per GB
    "P1002": ("Everyday 15GB", 15.0, 45.0, 4.0),
    "P1003": ("Plus 30GB", 30.0, 60.0, 3.0),
    "P1004": ("Traveler 50GB", 50.0, 75.0, 2.5),
}
DEVICES = [
    ("iPhone 13", "ios"),
    ("iPhone 15", "ios"),
    ("iPhone 14 Pro", "ios"),
    ("Pixel 8", "android"),
    ("Pixel 7a", "android"),
    ("Galaxy S23", "android"),
    ("Galaxy A54", "android"),
    ("Moto G Power", "android"),
    ("OnePlus 12", "android"),
]
COUNTRIES = [
    ("France", "Lyon", "Orange F", 12.0),
    ("Japan", "Osaka", "NTT DOCOMO", 10.0),
    ("Mexico", "Guadalajara", "Telcel", 5.0),
    ("Italy", "Bologna", "TIM", 12.0),
    ("Germany", "Hamburg", "Telekom.de", 12.0),
    ("Portugal", "Porto", "MEO", 12.0),
    ("Spain", "Valencia", "Movistar", 12.0),
    ("Canada", "Calgary", "Rogers", 5.0),
    ("Thailand", "Chiang Mai", "AIS", 10.0),
    ("United Kingdom", "Manchester", "EE", 12.0),
    ("Brazil", "Recife", "Vivo", 10.0),
    ("South Korea", "Busan", "SK Telecom", 10.0),
]


def plan_json(pid: str) -> dict[str, Any]:
    name, lim, price, refuel = PLANS[pid]
    return {
        "plan_id": pid,
        "name": name,
        "data_limit_gb": lim,
        "price_per_month": price,
        "data_refueling_price_per_gb": refuel,
    }


def tel_vals(rng: random.Random, who: dict[str, Any] | None = None, multi: bool = False) -> dict[str, Any]:
    """A Northwind customer with 1-3 lines; `me` is the line this user is asking about (never the first line
    when `multi`, so a run that just takes the first line gets the wrong one)."""
    if who is not None and who.get("dom") == "telecom":
        v = copy.deepcopy({k: x for k, x in who.items() if not k.startswith("_")})
        return v
    p = person(rng)
    now = BASE + dt.timedelta(days=rng.randint(0, 200), minutes=rng.randint(0, 700))
    ph = phone_forms(rng)
    nl = rng.choice([2, 3]) if multi else rng.choice([1, 1, 2, 2, 3])
    me = rng.randrange(1, nl) if multi else rng.randrange(nl)
    start = rng.randint(1001, 9800)
    ids = [start + i * rng.randint(1, 3) + i for i in range(nl)]
    cycle_end = (now + dt.timedelta(days=rng.randint(3, 26))).date()
    lines = []
    for i in range(nl):
        pid = rng.choice(list(PLANS))
        lim = PLANS[pid][1]
        lines.append(
            {
                "line_id": f"L{ids[i]}",
                "phone_number": ph["phone"] if i == me else phone_forms(rng, ph["phone"][:3])["phone"],
                "status": "Active",
                "plan_id": pid,
                "device_id": f"D{rng.randint(1000, 9999)}",
                "data_used_gb": round(rng.uniform(0.3, lim * 0.75), 1),
                "data_refueling_gb": 0.0,
                "roaming_enabled": False,
                "contract_end_date": (now + dt.timedelta(days=rng.randint(40, 700))).date().isoformat(),
                "last_plan_change_date": (now - dt.timedelta(days=rng.randint(30, 600))).date().isoformat(),
                "last_sim_replacement_date": None,
                "suspension_start_date": None,
            }
        )
    bills = []
    b0 = rng.randint(1001, 9700)
    for k in range(3):
        issued = (now - dt.timedelta(days=30 * (3 - k) + rng.randint(0, 4))).date()
        bills.append(
            {
                "bill_id": f"B{b0 + k * rng.randint(1, 9)}",
                "customer_id": "",
                "issue_date": issued.isoformat(),
                "total_due": round(sum(PLANS[ln["plan_id"]][2] for ln in lines) + rng.uniform(0, 14), 2),
                "due_date": (issued + dt.timedelta(days=21)).isoformat(),
                "status": "Paid",
            }
        )
    cid = f"C{rng.randint(1000, 9899)}"
    for b in bills:
        b["customer_id"] = cid
    dev, os_ = rng.choice(DEVICES)
    exp = f"{rng.randint(1, 12):02d}/{rng.randint(2026, 2030)}"
    prefix = rng.choice(["4", "4", "51", "53"])
    card = luhn(prefix + dg(rng, 15 - len(prefix)))
    return {
        **p,
        **ph,
        "dom": "telecom",
        "now": now,
        "today": now.date().isoformat(),
        "cid": cid,
        "lines": lines,
        "me": me,
        "bills": bills,
        "device": dev,
        "os": os_,
        "cycle_end": cycle_end.isoformat(),
        "cycle_end_nice": nice(cycle_end),
        "last4": dg(rng, 4),
        "exp": exp,
        "pm_id": f"PM{rng.randint(100, 999)}",
        "pin": dg(rng, rng.choice([4, 6])),
        "card": card,
        "battery": rng.randint(9, 96),
    }


def customer_json(v: dict[str, Any]) -> dict[str, Any]:
    return {
        "customer_id": v["cid"],
        "full_name": v["name"],
        "date_of_birth": v["dob"],
        "email": v["email"],
        "phone_number": v["lines"][0]["phone_number"],
        "address": {"street": v["street"], "city": v["city"], "state": v["state"], "zip_code": v["zip"]},
        "account_status": "Active",
        "payment_methods": [
            {
                "payment_method_id": v["pm_id"],
                "method_type": "Credit Card",
                "account_number_last_4": v["last4"],
                "expiration_date": v["exp"],
            }
        ],
        "line_ids": [ln["line_id"] for ln in v["lines"]],
        "bill_ids": [b["bill_id"] for b in v["bills"]],
        "created_at": f"{2016 + int(v['cid'][1:]) % 8}-0{1 + int(v['cid'][1:]) % 9}-14T10:22:05",
    }


def mine(v: dict[str, Any]) -> dict[str, Any]:
    return v["lines"][v["me"]]


def tel_identify(r: Run, v: dict[str, Any]) -> None:
    if r.known.get("tel") == v["cid"]:
        return
    if not gave(v, "phone", "phone_plain", "phone_paren"):
        r.say(
            r.pick(
                "I can help with that. Could you give me the phone number of the line that has the problem?",
                "Sorry to hear that! To look up your account, what's the mobile number in question?",
                "Sure. First, which phone number is this about?",
                "I'd be glad to help. Can you share the phone number on your account so I can find it?",
            )
        )
        r.u(
            r.pick(
                v["phone"],
                f"it's {v['phone_paren']}",
                v["phone_plain"],
                f"{v['phone']}, account is under {v['name']}",
                f"sure, {v['phone_paren']}",
            )
        )
    r.note(
        r.pick("Let me pull up your account.", "Looking up your account now.", "One moment while I find your account.")
    )
    if r.agent.slip and r.chance(0.5):
        r.err(
            "get_customer_by_phone",
            {"phone_number": v["phone_plain"]},
            f"Error: Customer with phone number {v['phone_plain']} not found",
        )
    r.call("get_customer_by_phone", {"phone_number": v["phone"]}, customer_json(v))
    r.known["tel"] = v["cid"]


def tel_line(r: Run, v: dict[str, Any], first_only: bool = False) -> dict[str, Any]:
    """Read the account's lines until the user's one (all of them for agents that read everything first)."""
    lines = v["lines"]
    if first_only:
        r.call("get_details_by_id", {"id": lines[0]["line_id"]}, dict(lines[0]))
        return lines[0]
    if r.agent.read_all and len(lines) > 1:
        for i, ln in enumerate(lines):
            r.call("get_details_by_id", {"id": ln["line_id"]}, dict(ln), parallel=i > 0)
    else:
        for ln in lines:
            r.call("get_details_by_id", {"id": ln["line_id"]}, dict(ln))
            if ln is mine(v):
                break
    return mine(v)


def usage_json(v: dict[str, Any], ln: dict[str, Any]) -> dict[str, Any]:
    return {
        "line_id": ln["line_id"],
        "data_used_gb": ln["data_used_gb"],
        "data_limit_gb": PLANS[ln["plan_id"]][1],
        "data_refueling_gb": ln["data_refueling_gb"],
        "cycle_end_date": v["cycle_end"],
    }


def sbar(v: dict[str, Any], state: str = "ok", net: str = "LTE", signal: str = "Good", data: bool = True) -> str:
    bat = f"🔋 {v['battery']}%"
    if state == "airplane":
        return f"Status Bar: ✈️ Airplane Mode | {bat}"
    if state == "noservice":
        return f"Status Bar: 📵 No Service (SOS only) | {bat}"
    parts = [f"📶 Signal: {signal}", net, "📱 Data Enabled" if data else "📵 Data Disabled"]
    if state == "roaming":
        parts.append("R")
    return "Status Bar: " + " | ".join([*parts, bat])


def netstat(
    airplane: bool = False,
    conn: str = "connected",
    nettype: str = "4G (LTE)",
    operator: str = "Northwind",
    data: bool = True,
    roaming: bool = False,
    signal: str = "good",
) -> str:
    rows = [
        ("Airplane Mode", "ON" if airplane else "OFF"),
        ("SIM Card Status", "active"),
        ("Cellular Connection", "no_service" if airplane else conn),
        ("Cellular Signal", "none" if airplane else signal),
        ("Cellular Network Type", "none" if airplane else nettype),
        ("Network Operator", "" if airplane else operator),
        ("Mobile Data Enabled", "Yes" if data else "No"),
        ("Data Roaming Enabled", "Yes" if roaming else "No"),
        ("Wi-Fi Connected", "No"),
    ]
    return "\n".join(f"{k}: {x}" for k, x in rows)


def speed(g: random.Random, quality: str = "good") -> tuple[str, float]:
    if quality == "none":
        return "Speed test failed: no internet connection available.", 0.0
    if quality == "slow":
        down = round(g.uniform(0.08, 0.45), 2)
        up, lat, q = round(down / g.uniform(2, 4), 2), g.randint(380, 1400), "Very Poor"
    else:
        down = round(g.uniform(22, 240), 1)
        up, lat, q = round(down / g.uniform(3, 8), 1), g.randint(18, 60), g.choice(["Good", "Excellent"])
    return f"Download Speed: {down} Mbps\nUpload Speed: {up} Mbps\nLatency: {lat} ms\nConnection Quality: {q}", down


def speed_said(r: Run, down: float) -> str:
    return r.pick(
        f"speed test says {down} Mbps download",
        f"ran it: {down} mbps down",
        f"{down} Mbps, looks good",
        f"it says download {down} Mbps, connection quality good",
    )


# no data: airplane mode on
def v_airplane(rng: random.Random, kind: str | None, who: dict[str, Any] | None = None) -> dict[str, Any]:
    return tel_vals(rng, who)


def b_airplane(r: Run, v: dict[str, Any]) -> None:
    g = r.rng
    tel_identify(r, v)
    ln = tel_line(r, v)
    if r.agent.read_all:
        r.call("get_details_by_id", {"id": ln["plan_id"]}, plan_json(ln["plan_id"]))
    lead = r.pick(
        f"Thanks, {v['first']}. Your line {ln['phone_number']} is active and still has data left this cycle, "
        "so the problem is most likely on the phone itself. ",
        "I've checked your account: the line is active and not over its limit. ",
        "Your line looks fine. ",
    )
    if r.fk == "silent":
        r.say(
            lead + "This sounds like the phone's APN settings are off. Please reset your APN settings to default "
            "(in your mobile network settings) and tell me when it's done."
        )
        r.dev(
            [("reset_apn_settings", {}, "APN settings will be reset to default after the device restarts.")],
            r.pick("ok done, it says it will reset after restart", "done"),
            "I reset the APN thing",
        )
        r.say("Now please restart the phone.")
        r.dev(
            [("reboot_device", {}, "Device restarted successfully.\n" + sbar(v, "airplane"))],
            r.pick("ok it restarted", "restarted"),
            "ok turned it off and on",
        )
        r.close(
            "Your APN settings are back to the defaults. Mobile data should come back within a few minutes once "
            "the phone re-registers on the network."
        )
        return
    if r.fk == "visible":
        r.say(lead + "Let's start by restarting your phone. Let me know once it's back on.")
        r.dev(
            [("reboot_device", {}, "Device restarted successfully.\n" + sbar(v, "airplane"))],
            r.pick("restarted, still no internet", "ok rebooted. nothing"),
            "I restarted it, still nothing",
        )
        r.say("Please make sure mobile data is switched on.")
        r.dev(
            [("toggle_data", {}, "Mobile Data is now OFF.")],
            "uh it says mobile data is now OFF?",
            "I went to the setting and switched mobile data off and on again, no change",
        )
        if r.mode == "tools":
            r.say("Sorry, it was already on — please toggle it once more to switch it back on.")
            r.dev([("toggle_data", {}, "Mobile Data is now ON.")], "ok it's on again. still no internet")
        r.say("I'm sorry, I couldn't find the cause from here.")
        r.handoff(
            f"Customer {v['cid']} line {ln['line_id']}: no mobile data. Line active, under data limit; reboot "
            "and mobile data toggle did not help."
        )
        return
    path = g.random()
    if path < 0.35:
        r.say(lead + "Let's try the simplest thing first: could you restart your phone and tell me if data comes back?")
        r.dev(
            [("reboot_device", {}, "Device restarted successfully.\n" + sbar(v, "airplane"))],
            r.pick("restarted, still no data", "ok rebooted, same thing, nothing loads"),
            r.pick("I restarted it. still no internet", "turned it off and on again, nothing changed"),
        )
        lead = "OK. "
    elif path < 0.6:
        res, _ = speed(g, "none")
        r.say(lead + "Could you run a speed test on the phone so we can see what it gets?")
        r.dev(
            [("run_speed_test", {}, res)],
            "it says no internet connection available",
            "the speed test app just says no connection",
        )
        lead = "Thanks. "
    if r.chance(0.5):
        r.say(
            lead
            + r.pick(
                "Could you check the status bar at the top of your screen and tell me what you see?",
                "Please look at the status bar — which icons do you see (signal bars, network type, any symbols)?",
            )
        )
        r.dev(
            [("check_status_bar", {}, sbar(v, "airplane"))],
            r.pick("it shows an airplane icon and the battery", "Status bar: airplane mode and battery, no bars"),
            r.pick("there's a little plane icon next to the battery, no bars", "hmm I see an airplane symbol up top"),
        )
    else:
        r.say(lead + "Could you check your phone's network status for me?")
        r.dev(
            [("check_network_status", {}, netstat(airplane=True))],
            r.pick("it says airplane mode ON, no service", "Airplane Mode: ON, cellular connection no_service"),
            "it says airplane mode is on?? I didn't know",
        )
    r.say(
        r.pick(
            "That's the cause — airplane mode is on, which switches off the cellular radio. Please turn airplane "
            "mode off.",
            "Found it: your phone is in airplane mode. Please switch airplane mode off and tell me what happens.",
        )
    )
    r.dev(
        [("toggle_airplane_mode", {}, "Airplane Mode is now OFF.\n" + sbar(v, "ok", g.choice(["LTE", "5G"])))],
        r.pick("ok it's off, I have bars again!", "done, LTE is showing now", "turned it off, signal is back"),
        r.pick("omg it was on airplane mode. turned it off, bars are back", "ok switched it off and I have signal"),
    )
    if r.agent.verify:
        res, down = speed(g)
        r.say("Great! Could you run a quick speed test to confirm data works?")
        r.dev([("run_speed_test", {}, res)], speed_said(r, down), "yes pages load now, speed test is fast")
    r.close(
        r.pick(
            "You're back online — airplane mode had been switched on, which turns off calls and data. If it "
            "happens again, check for the plane icon first.",
            "All fixed: airplane mode was on. Anything else?",
        )
    )


# no data: allowance used up -> refuel
def v_refuel(rng: random.Random, kind: str | None, who: dict[str, Any] | None = None) -> dict[str, Any]:
    v = tel_vals(rng, who, multi=kind == "silent:wrong-line")
    ln = mine(v)
    if kind == "visible:error":
        ln["plan_id"] = "P1001"
    ln["data_used_gb"] = PLANS[ln["plan_id"]][1] + rng.choice([0.0, 0.0, 0.1, 0.3])
    v["gb"] = rng.choice([1, 1, 2, 2, 1.5])
    return v


def b_refuel(r: Run, v: dict[str, Any]) -> None:
    g = r.rng
    tel_identify(r, v)
    ln = tel_line(r, v)
    pid = ln["plan_id"]
    name, lim, _, price = PLANS[pid]
    if r.fk != "silent" and g.random() < 0.4:
        r.say("Your line is active. Could you check the status bar on your phone and tell me what it shows?")
        r.dev(
            [("check_status_bar", {}, sbar(v, "ok", "5G", "Excellent"))],
            r.pick("full bars, 5G, data enabled", "it shows 5G and excellent signal, data on"),
            "I have full bars and it says 5G, mobile data is on",
        )
        r.say("That all looks normal, so let me check your usage.")
    r.note("Let me check how much data you've used this cycle.")
    r.call("get_data_usage", {"customer_id": v["cid"], "line_id": ln["line_id"]}, usage_json(v, ln))
    if r.agent.read_all:
        r.call("get_details_by_id", {"id": pid}, plan_json(pid))
    gb = v["gb"]
    r.say(
        f"Found it: you've used all {lim:g} GB of your {name} allowance, so data is paused until your cycle resets "
        f"on {v['cycle_end_nice']}. I can add extra data now at {usd(price)} per GB (up to 2 GB). How much would "
        "you like?"
    )
    r.u(r.pick(f"{gb:g} GB please", f"ok {gb:g} gb", f"let's do {gb:g}", f"{gb:g} is enough"))
    r.confirm(f"I'll add {gb:g} GB to {ln['phone_number']} for {usd(gb * price)}, billed on your next statement.")
    target = v["lines"][0] if r.fk == "silent" else ln
    args = {"customer_id": v["cid"], "line_id": target["line_id"], "gb_amount": gb}
    if r.fk == "visible":
        r.err(
            "refuel_data",
            args,
            f"Error: Data refueling is not available for line {ln['line_id']}: plan {pid} does not support refueling",
        )
        r.say(
            "I'm sorry — the system won't let me add data to this plan. Let me get someone who can look at other "
            "options for you."
        )
        r.handoff(f"Customer {v['cid']} line {ln['line_id']} out of data on {pid}; refuel rejected by the system.")
        return
    if r.agent.slip and r.chance(0.6):
        r.err("refuel_data", {**args, "gb_amount": f"{gb:g}GB"}, "Error: gb_amount must be a number")
    r.call(
        "refuel_data",
        args,
        {
            "line_id": target["line_id"],
            "data_refueling_gb": gb,
            "charge": round(gb * price, 2),
            "message": f"Successfully added {gb:g} GB of data",
        },
    )
    target["data_refueling_gb"] = gb
    if r.fk == "silent":
        r.close(f"Done — {gb:g} GB has been added. You should be back online in a minute or two.")
        return
    if r.agent.read_all or r.agent.verify:
        r.call("get_details_by_id", {"id": ln["line_id"]}, dict(ln))
    r.say(
        f"Done, {gb:g} GB added. Please toggle airplane mode on and then off so the phone reconnects, then try "
        "loading a page."
    )
    res, down = speed(g)
    r.dev(
        [
            ("toggle_airplane_mode", {}, "Airplane Mode is now ON.\n" + sbar(v, "airplane")),
            ("toggle_airplane_mode", {}, "Airplane Mode is now OFF.\n" + sbar(v, "ok", "5G")),
            ("run_speed_test", {}, res),
        ],
        r.pick(f"works now, {down} mbps", "data's back, thank you!", f"yes! speed test {down} Mbps"),
        "did the airplane thing, internet works again",
    )
    r.close(f"Great. You now have {gb:g} GB extra until {v['cycle_end_nice']}; the allowance resets then.")


# no data abroad -> enable roaming on the line + data roaming on the phone
def v_roam(rng: random.Random, kind: str | None, who: dict[str, Any] | None = None) -> dict[str, Any]:
    v = tel_vals(rng, who, multi=kind == "silent:wrong-line")
    country, city, partner, rate = rng.choice(COUNTRIES)
    v.update(country=country, city=city, partner=partner, rate=rate)
    return v


def b_roam(r: Run, v: dict[str, Any]) -> None:
    g = r.rng
    tel_identify(r, v)
    roam_stat = netstat(
        operator=f"{v['partner']} (roaming)",
        data=True,
        roaming=False,
        conn="connected",
        nettype=g.choice(["4G (LTE)", "3G"]),
    )
    if r.fk == "silent":
        first = v["lines"][0]
        r.say(
            f"No problem, I'll turn on international roaming for you. It costs {usd(v['rate'])} per day in "
            f"{v['country']}."
        )
        r.call(
            "enable_roaming",
            {"customer_id": v["cid"], "line_id": first["line_id"]},
            {"line_id": first["line_id"], "roaming_enabled": True, "message": "Roaming enabled successfully"},
        )
        first["roaming_enabled"] = True
        r.say("Roaming is on. Now switch on Data Roaming in your phone's mobile network settings and you're set.")
        r.u(r.pick("ok will do when im back at the hotel", "ok, I'll do it later, in a meeting now"))
        r.close("Perfect. Enjoy your trip!")
        return
    ln = tel_line(r, v)
    if g.random() < 0.4:
        r.say(
            f"Your line is active. While I look further, could you toggle airplane mode on and off? Sometimes the "
            f"phone needs to re-register on {v['partner']}."
        )
        r.dev(
            [
                ("toggle_airplane_mode", {}, "Airplane Mode is now ON.\n" + sbar(v, "airplane")),
                ("toggle_airplane_mode", {}, "Airplane Mode is now OFF.\n" + sbar(v, "roaming", "LTE", "Fair")),
            ],
            f"did it, it says {v['partner']} again but still no internet",
            f"switched airplane on and off, still no data. it shows {v['partner']}",
        )
    r.say("Could you check your network status and tell me what it shows?")
    r.dev(
        [("check_network_status", {}, roam_stat)],
        r.pick(
            f"connected to {v['partner']} roaming, mobile data yes, data roaming no", "it says data roaming enabled: No"
        ),
        f"it says connected to {v['partner']}, but data roaming is off I think",
    )
    r.say(
        f"Two things are needed abroad: roaming on your line (my side) and Data Roaming on the phone (your side). "
        f"Roaming isn't enabled on your line yet. In {v['country']} it costs {usd(v['rate'])} per day you use it."
    )
    r.confirm(f"I'll enable roaming on {ln['phone_number']}.")
    args = {"customer_id": v["cid"], "line_id": ln["line_id"]}
    if r.fk == "visible":
        r.err(
            "enable_roaming",
            args,
            "Error: Cannot enable roaming: international services are blocked on this account pending a credit review",
        )
        r.say("I'm sorry, I can't enable roaming on your account myself — it needs a review by our accounts team.")
        r.handoff(
            f"Customer {v['cid']} in {v['country']}, needs roaming on {ln['line_id']}; enable_roaming blocked "
            "(international services block)."
        )
        return
    r.call(
        "enable_roaming",
        args,
        {"line_id": ln["line_id"], "roaming_enabled": True, "message": "Roaming enabled successfully"},
    )
    ln["roaming_enabled"] = True
    if r.agent.verify or r.agent.read_all:
        r.call("get_details_by_id", {"id": ln["line_id"]}, dict(ln))
    r.say(
        "Roaming is now on for your line. Now please turn on Data Roaming on the phone "
        + (
            "(Settings > Cellular > Cellular Data Options > Data Roaming)."
            if v["os"] == "ios"
            else "(Settings > Network & internet > SIMs > Roaming)."
        )
        + " Then try loading a page."
    )
    res, down = speed(g)
    calls = [("toggle_roaming", {}, "Data Roaming is now ON.\n" + sbar(v, "roaming", "LTE"))]
    if r.agent.verify:
        calls.append(("run_speed_test", {}, res))
    r.dev(
        calls,
        r.pick(
            f"roaming on, speed test {down} Mbps. works!",
            "done, internet works now :)",
            "turned it on, maps is loading now",
        ),
        "I switched data roaming on and now it works!",
    )
    r.close(
        f"You're all set for {v['country']}. Roaming stays enabled on the line; remember to switch Data Roaming "
        "off when you're back if you like."
    )


# MMS fails: bad APN -> reset APN + reboot
def v_apn(rng: random.Random, kind: str | None, who: dict[str, Any] | None = None) -> dict[str, Any]:
    v = tel_vals(rng, who)
    v["bad_apn"] = rng.choice(["wholesale", "fast.t-mobile.com", "ereseller", "nwm.internet"])
    v["apn_issue"] = rng.choice(["mmsc", "apn"])
    return v


def apn_text(v: dict[str, Any], good: bool) -> str:
    if good:
        rows = [
            ("APN Name", "Northwind Internet"),
            ("APN", "nw.internet"),
            ("MMSC URL", "http://mms.northwind.net"),
            ("MMS Proxy", "10.64.1.10"),
            ("MMS Port", "8080"),
            ("APN Type", "default,supl,mms"),
        ]
    elif v["apn_issue"] == "mmsc":
        rows = [
            ("APN Name", "Northwind Internet"),
            ("APN", "nw.internet"),
            ("MMSC URL", "(not set)"),
            ("MMS Proxy", "(not set)"),
            ("MMS Port", "(not set)"),
            ("APN Type", "default,supl"),
        ]
    else:
        rows = [
            ("APN Name", "Custom"),
            ("APN", v["bad_apn"]),
            ("MMSC URL", "http://mms.msg.eng.t-mobile.com/mms/wapenc"),
            ("MMS Proxy", "(not set)"),
            ("MMS Port", "(not set)"),
            ("APN Type", "default,mms"),
        ]
    return "Current APN Settings:\n" + "\n".join(f"  {k}: {x}" for k, x in rows)


MMS_FAIL = "Your messaging app cannot send MMS messages."
MMS_OK = "Your messaging app can send MMS messages."


def mms_first(r: Run, v: dict[str, Any]) -> dict[str, Any]:
    tel_identify(r, v)
    ln = tel_line(r, v)
    r.say(
        r.pick(
            "Your line is active and MMS is included in your plan. Could you try sending a picture message and "
            "tell me what happens?",
            "The account looks fine. Let's test on the phone first: please check whether you can send an MMS.",
        )
    )
    r.dev(
        [("can_send_mms", {}, MMS_FAIL)],
        r.pick("nope, it says it can't send MMS", "failed again"),
        r.pick("tried again, 'message not sent'", "still fails"),
    )
    return ln


def b_apn(r: Run, v: dict[str, Any]) -> None:
    g = r.rng
    mms_first(r, v)
    if r.fk == "silent":
        r.say("This is often caused by Wi-Fi Calling interfering with MMS. Please turn Wi-Fi Calling off.")
        r.dev(
            [("toggle_wifi_calling", {}, "Wi-Fi Calling is now OFF.")],
            "ok wifi calling is off now",
            "turned off wifi calling",
        )
        r.close(
            "That should sort out picture messages — MMS goes over mobile data, and Wi-Fi Calling can get in the "
            "way. Try again in a bit."
        )
        return
    if g.random() < 0.5:
        r.say("MMS needs mobile data. Could you check your network status?")
        r.dev(
            [("check_network_status", {}, netstat())],
            "connected, LTE, mobile data yes",
            "it says connected, 4G, mobile data on",
        )
        r.say("Data is fine, so let's look at the APN settings.")
    else:
        r.say("Could you check the APN settings on the phone and tell me what they show?")
    r.dev(
        [("check_apn_settings", {}, apn_text(v, False))],
        "MMSC URL says not set" if v["apn_issue"] == "mmsc" else f"APN is {v['bad_apn']}, name Custom",
        "the MMSC field is empty"
        if v["apn_issue"] == "mmsc"
        else f"it says APN {v['bad_apn']}, I think from my old carrier",
    )
    r.say(
        r.pick(
            "That's the problem — the APN isn't set up for our MMS service. Please reset your APN settings to default.",
            "Found it: the APN settings are wrong for MMS. Please reset them to the default.",
        )
    )
    r.dev(
        [("reset_apn_settings", {}, "APN settings will be reset to default after the device restarts.")],
        "done, it says it resets after restart",
        "ok I pressed reset to default",
    )
    if r.fk == "visible" or (r.agent.slip and r.chance(0.6)):
        r.say("Now please try sending a picture message again.")
        r.dev([("can_send_mms", {}, MMS_FAIL)], "still can't send", "nope still fails")
        if r.fk == "visible":
            r.say("I'm sorry, the APN reset didn't fix it and I've run out of steps I can try from here.")
            r.handoff(f"Customer {v['cid']}: MMS fails. APN reset to default, MMS still failing.")
            return
        r.say("Right — the reset only takes effect after a restart. Please restart your phone.")
    else:
        r.say("Now please restart your phone so the new settings take effect.")
    r.dev(
        [("reboot_device", {}, "Device restarted successfully.\n" + sbar(v, "ok", "LTE"))],
        "restarted",
        "ok it's back on",
    )
    if r.agent.read_all and r.chance(0.6):
        r.say("Could you check the APN settings once more?")
        r.dev(
            [("check_apn_settings", {}, apn_text(v, True))],
            "apn is nw.internet now, MMSC filled in",
            "the settings show nw.internet now",
        )
    r.say("Please try sending a picture message once more.")
    r.dev(
        [("can_send_mms", {}, MMS_OK)],
        r.pick("it worked!!", "yes it sent", "MMS works now"),
        r.pick("it went through!", "yes the photo sent"),
    )
    r.close("Picture messages work again — the APN settings were wrong for MMS and are back to the defaults now.")


# MMS fails: messaging app lacks a permission
def v_perm(rng: random.Random, kind: str | None, who: dict[str, Any] | None = None) -> dict[str, Any]:
    v = tel_vals(rng, who)
    v["missing"] = rng.choice(["storage", "storage", "sms"])
    return v


def perms_text(missing: str | None) -> str:
    rows = [
        ("sms", "granted"),
        ("storage", "granted"),
        ("phone", "granted"),
        ("contacts", "granted"),
        ("camera", "not granted"),
    ]
    rows = [(k, "not granted" if k == missing else s) for k, s in rows]
    return "App: messaging\nPermissions:\n" + "\n".join(f"  {k}: {s}" for k, s in rows)


def b_perm(r: Run, v: dict[str, Any]) -> None:
    g = r.rng
    mms_first(r, v)
    if r.fk == "silent":
        r.say("It's probably the APN settings. Please reset your APN settings to default.")
        r.dev(
            [("reset_apn_settings", {}, "APN settings will be reset to default after the device restarts.")],
            "ok done",
            "I reset it",
        )
        r.say("Now restart your phone please.")
        r.dev(
            [("reboot_device", {}, "Device restarted successfully.\n" + sbar(v, "ok", "LTE"))],
            "restarted",
            "ok restarted",
        )
        r.close("Your APN settings are back to the defaults, so picture messages should work now.")
        return
    dead = g.random()
    if dead < 0.6:
        r.say("Let's check the APN settings first — could you read them to me?")
        r.dev(
            [("check_apn_settings", {}, apn_text({"apn_issue": "mmsc"}, True))],
            "APN nw.internet, MMSC http://mms.northwind.net",
            "apn says nw.internet and there's an mms url",
        )
        r.say("Those are correct, so it isn't the APN.")
    if dead < 0.3 or dead > 0.85:
        r.say("Is mobile data on? Please check your network status.")
        r.dev([("check_network_status", {}, netstat())], "connected, data yes", "yes data is on, 4G")
    r.say("Let's check the messaging app's permissions — it needs them to attach and send media.")
    r.dev(
        [("check_app_permissions", {"app_name": "messaging"}, perms_text(v["missing"]))],
        f"{v['missing']} is not granted",
        f"it says {v['missing']}: not granted",
    )
    perm = v["missing"]
    if r.fk == "visible":
        r.say("Please grant the messaging app the photos permission.")
        r.dev(
            [
                (
                    "grant_app_permission",
                    {"app_name": "messaging", "permission": "photos"},
                    "Error: Unknown permission 'photos' for app 'messaging'",
                )
            ],
            "it says unknown permission photos",
            "there's no photos permission in the list",
        )
        r.say("Try the 'media' permission then.")
        r.dev(
            [
                (
                    "grant_app_permission",
                    {"app_name": "messaging", "permission": "media"},
                    "Error: Unknown permission 'media' for app 'messaging'",
                )
            ],
            "unknown permission again. forget it",
            "not there either. forget it, I'll just use whatsapp",
        )
        r.gave_up = True
        r.say("I'm sorry I couldn't get it working. If you change your mind, we can try again anytime.")
        return
    lead = f"That's it: the messaging app doesn't have the {perm} permission, which it needs to send pictures. "
    if r.agent.slip and r.chance(0.6):
        r.say(lead + f"Please grant the {perm} permission to the Messages app.")
        r.dev(
            [
                (
                    "grant_app_permission",
                    {"app_name": "Messages", "permission": perm},
                    "Error: App 'Messages' not found. Installed apps: messaging, browser, camera, settings",
                )
            ],
            "it says app Messages not found?",
            "hmm I can't find an app called Messages",
        )
        r.say("Sorry, the app is called 'messaging' on your phone. Please grant it there.")
    else:
        r.say(lead + "Please grant it.")
    r.dev(
        [
            (
                "grant_app_permission",
                {"app_name": "messaging", "permission": perm},
                f"Permission '{perm}' granted to app 'messaging'.",
            )
        ],
        "done, granted",
        f"ok I allowed {perm}",
    )
    r.say("Now please try sending a picture message again.")
    r.dev(
        [("can_send_mms", {}, MMS_OK)],
        r.pick("it works now!", "sent!!", "yes it went through"),
        r.pick("it sent! thank you", "works now"),
    )
    r.close(
        f"Fixed — the messaging app was missing the {perm} permission. It's granted now, so picture messages go "
        "through."
    )


# no service: line suspended for an unpaid bill -> payment request, the user pays, resume the line
def v_susp(rng: random.Random, kind: str | None, who: dict[str, Any] | None = None) -> dict[str, Any]:
    v = tel_vals(rng, who)
    ln = mine(v)
    overdue = v["bills"][-2]
    overdue["status"] = "Overdue"
    overdue["total_due"] = round(overdue["total_due"] + rng.choice([0, 0, 12.5, 25.0]), 2)
    v["bills"][-1]["status"] = "Issued"
    since = dt.date.fromisoformat(overdue["due_date"]) + dt.timedelta(days=rng.randint(8, 20))
    if since >= v["now"].date():
        since = v["now"].date() - dt.timedelta(days=rng.randint(1, 3))
    ln["status"] = "Suspended"
    ln["suspension_start_date"] = since.isoformat()
    v["overdue"] = overdue
    return v


def b_susp(r: Run, v: dict[str, Any]) -> None:
    g = r.rng
    tel_identify(r, v)
    if r.fk == "silent" or g.random() < 0.4:
        r.say("Let's look at the phone first. What does the status bar show?")
        r.dev(
            [("check_status_bar", {}, sbar(v, "noservice"))],
            r.pick("no service, SOS only", "says No Service"),
            "it just says SOS in the corner",
        )
        r.say("Please take the SIM card out and put it back in (reseat it).")
        r.dev(
            [("reseat_sim_card", {}, "SIM card re-seated successfully.\n" + sbar(v, "noservice"))],
            "did it, still no service",
            "I took the sim out and back in, still SOS",
        )
        if r.fk == "silent":
            r.say("Thanks. Please restart the phone as well.")
            r.dev(
                [("reboot_device", {}, "Device restarted successfully.\n" + sbar(v, "noservice"))],
                "restarted",
                "restarted it",
            )
            r.close(
                "Thanks for doing that. After a SIM reseat the network can take a while to re-register your "
                "phone — service should come back within a few hours. If not, contact us again."
            )
            return
        r.say("That didn't help, so let me check your line on our side.")
    ln = tel_line(r, v)
    b = v["overdue"]
    if r.fk == "visible":
        r.say(f"Your line is suspended (since {ln['suspension_start_date']}). Let me reactivate it.")
        r.err(
            "resume_line",
            {"customer_id": v["cid"], "line_id": ln["line_id"]},
            f"Error: Cannot resume line {ln['line_id']}: customer has an overdue bill {b['bill_id']}",
        )
        r.say("I'm sorry, I'm not able to reactivate the line from here.")
        r.handoff(f"Customer {v['cid']}: line {ln['line_id']} suspended; resume_line rejected (overdue bill).")
        return
    r.note("The line is suspended; let me look at your bills.")
    r.call("get_bills_for_customer", {"customer_id": v["cid"], "limit": 3}, {"bills": list(reversed(v["bills"]))})
    if r.agent.read_all:
        r.call("get_details_by_id", {"id": b["bill_id"]}, dict(b))
    r.say(
        f"I see what happened: your line was suspended on {ln['suspension_start_date']} because bill {b['bill_id']} "
        f"({usd(b['total_due'])}, due {b['due_date']}) is overdue. Once it's paid I can reactivate the line. I can "
        "send you a payment request for it — would you like that?"
    )
    r.u(r.pick("yes please", "ok send it", "yes, I'll pay now", "Yes. Sorry, I forgot to pay."))
    r.call(
        "send_payment_request",
        {"customer_id": v["cid"], "bill_id": b["bill_id"]},
        f"Payment request sent to the customer for bill {b['bill_id']}.",
    )
    r.say("I've sent the payment request. Please check your payment requests and pay it, then tell me when it's done.")
    r.dev(
        [
            (
                "check_payment_request",
                {},
                f"Pending payment request: bill {b['bill_id']}, amount due {usd(b['total_due'])}.",
            ),
            (
                "make_payment",
                {"bill_id": b["bill_id"], "payment_method_id": v["pm_id"], "amount": b["total_due"]},
                f"Payment of {usd(b['total_due'])} for bill {b['bill_id']} completed.",
            ),
        ],
        r.pick("paid it", f"ok payment done, {usd(b['total_due'])}", "Done, it says payment completed."),
        r.pick("ok I paid it with my card ending " + v["last4"], "just paid in the app"),
    )
    b["status"] = "Paid"
    r.call("get_details_by_id", {"id": b["bill_id"]}, dict(b))
    r.confirm(f"The payment is in. I'll now reactivate line {ln['phone_number']}.")
    r.call(
        "resume_line",
        {"customer_id": v["cid"], "line_id": ln["line_id"]},
        {"line_id": ln["line_id"], "status": "Active", "message": "Line resumed successfully"},
    )
    ln["status"], ln["suspension_start_date"] = "Active", None
    r.say("Your line is active again. Please restart your phone so it reconnects to the network.")
    r.dev(
        [("reboot_device", {}, "Device restarted successfully.\n" + sbar(v, "ok", g.choice(["LTE", "5G"])))],
        r.pick("restarted, I have bars now!", "signal is back"),
        "restarted and I have signal again",
    )
    r.close("Service is restored. To avoid this in future you can turn on autopay on your account.")


# slow data: network mode 2G only
def v_slow(rng: random.Random, kind: str | None, who: dict[str, Any] | None = None) -> dict[str, Any]:
    v = tel_vals(rng, who)
    v["mode"] = rng.choice(["2g_only", "2g_only", "3g_only"])
    return v


def b_slow(r: Run, v: dict[str, Any]) -> None:
    g = r.rng
    tel_identify(r, v)
    ln = tel_line(r, v)
    net = "2G (EDGE)" if v["mode"] == "2g_only" else "3G (UMTS)"
    if r.agent.read_all or r.fk == "silent":
        r.call("get_data_usage", {"customer_id": v["cid"], "line_id": ln["line_id"]}, usage_json(v, ln))
    res, down = speed(g, "slow")
    r.say(
        r.pick(
            "Your line is active and well within its data limit. Let's measure the speed: could you run a speed test?",
            "Thanks. Could you run a speed test on your phone and tell me the result?",
        )
    )
    r.dev(
        [("run_speed_test", {}, res)],
        r.pick(f"{down} Mbps download, very poor", f"it says {down} mbps lol"),
        f"speed test says {down} Mbps, very poor",
    )
    if r.fk == "silent":
        r.say("That's very slow. It looks like your line might be throttled, so I'll add 1 GB of high-speed data.")
        price = PLANS[ln["plan_id"]][3]
        r.call(
            "refuel_data",
            {"customer_id": v["cid"], "line_id": ln["line_id"], "gb_amount": 1},
            {
                "line_id": ln["line_id"],
                "data_refueling_gb": 1,
                "charge": price,
                "message": "Successfully added 1 GB of data",
            },
        )
        r.close(f"I've added 1 GB of high-speed data ({usd(price)}), so speeds should be back to normal.")
        return
    if r.fk == "visible" or g.random() < 0.4:
        r.say("Please toggle airplane mode on and off so the phone reconnects, then run the speed test again.")
        res2, d2 = speed(g, "slow")
        r.dev(
            [
                ("toggle_airplane_mode", {}, "Airplane Mode is now ON.\n" + sbar(v, "airplane")),
                ("toggle_airplane_mode", {}, "Airplane Mode is now OFF.\n" + sbar(v, "ok", net.split()[0])),
                ("run_speed_test", {}, res2),
            ],
            f"still slow, {d2} Mbps",
            "did that, still super slow",
        )
        if r.fk == "visible":
            r.say("Could you also restart the phone?")
            r.dev(
                [("reboot_device", {}, "Device restarted successfully.\n" + sbar(v, "ok", net.split()[0]))],
                "restarted. still slow. this is useless",
                "restarted, same. honestly I give up",
            )
            r.say("I'm sorry it's still slow. I'll pass this on to our network team.")
            r.handoff(
                f"Customer {v['cid']} line {ln['line_id']}: very slow data ({d2} Mbps); airplane toggle and "
                "reboot did not help."
            )
            return
    r.say("Could you check your network status — especially the network type?")
    r.dev([("check_network_status", {}, netstat(nettype=net))], f"network type {net}", f"it says {net}, is that bad?")
    r.say(f"That explains it: you're on {net.split()[0]}. Could you check your network mode preference?")
    r.dev(
        [("check_network_mode_preference", {}, f"Network Mode Preference: {v['mode']}")],
        f"it says {v['mode']}",
        f"preferred network is set to {v['mode'].split('_')[0].upper()} only",
    )
    lead = "Your phone is set to use only the old network, which is very slow. "
    if r.agent.slip and r.chance(0.7):
        r.say(lead + "Please set the preferred network mode to LTE.")
        r.dev(
            [
                (
                    "set_network_mode_preference",
                    {"mode": "LTE"},
                    "Error: Invalid network mode 'LTE'. Valid options: 2g_only, 3g_only, 4g_only, 4g_5g_preferred",
                )
            ],
            "it says invalid mode LTE?",
            "there's no LTE option, only 2G, 3G, 4G only and 4G/5G preferred",
        )
        r.say("Sorry — please choose '4g_5g_preferred' (4G/5G preferred).")
    else:
        r.say(lead + "Please set the preferred network mode to 4G/5G preferred.")
    r.dev(
        [
            (
                "set_network_mode_preference",
                {"mode": "4g_5g_preferred"},
                "Network mode preference set to 4g_5g_preferred.\n" + sbar(v, "ok", "5G", "Excellent"),
            )
        ],
        "ok set, it shows 5G now",
        "changed it to 4G/5G, it shows 5G now",
    )
    res3, d3 = speed(g)
    r.say("Please run the speed test once more.")
    r.dev([("run_speed_test", {}, res3)], speed_said(r, d3), f"wow {d3} Mbps now")
    r.close(
        "Fixed. The phone was locked to an old network mode (maybe from a battery-saving setting). Keep it on "
        "4G/5G preferred."
    )


# read only: how much data have I used
def v_usage(rng: random.Random, kind: str | None, who: dict[str, Any] | None = None) -> dict[str, Any]:
    v = tel_vals(rng, who, multi=kind == "silent:wrong-line")
    for ln in v["lines"]:
        ln["data_used_gb"] = round(rng.uniform(0.4, PLANS[ln["plan_id"]][1] * 0.95), 1)
    return v


def b_usage(r: Run, v: dict[str, Any]) -> None:
    tel_identify(r, v)
    ln = tel_line(r, v, first_only=r.fk == "silent")
    args = {"customer_id": v["cid"], "line_id": ln["line_id"]}
    r.note("Let me pull this cycle's usage for the line.")
    if r.fk == "visible":
        r.err("get_data_usage", args, "Error: usage service temporarily unavailable (timeout after 30s)")
        r.err("get_data_usage", args, "Error: usage service temporarily unavailable (timeout after 30s)")
        r.say(
            "I'm sorry, the usage system isn't responding right now, so I can't see your data usage. Please try "
            "again later, or check the Northwind app."
        )
        r.gave_up = True
        return
    u = r.call("get_data_usage", args, usage_json(v, ln))
    if r.agent.read_all:
        r.call("get_details_by_id", {"id": ln["plan_id"]}, plan_json(ln["plan_id"]))
    lim, used = u["data_limit_gb"], u["data_used_gb"]
    r.close(
        f"On {ln['phone_number']} you've used {used:g} GB of your {lim:g} GB this cycle ({used / lim:.0%}), so "
        f"{lim - used:.1f} GB is left. Your allowance resets on {v['cycle_end_nice']}."
    )


# agent only: suspend the line of a lost or stolen phone
def v_lost(rng: random.Random, kind: str | None, who: dict[str, Any] | None = None) -> dict[str, Any]:
    return tel_vals(rng, who, multi=kind == "silent:wrong-line")


def b_lost(r: Run, v: dict[str, Any]) -> None:
    tel_identify(r, v)
    if not gave(v, "dob", "dob_us"):
        r.say(
            "I'm sorry about your phone. Since you're not writing from that phone, could you confirm the account "
            "holder's full name and date of birth?"
        )
        r.u(
            r.pick(
                f"{v['name']}, {v['dob_us']}", f"{v['name']} born {v['dob']}", f"it's {v['name']}, dob {v['dob_us']}"
            )
        )
    ln = tel_line(r, v, first_only=r.fk == "silent")
    dev = v["device"]
    r.confirm(
        f"I'll suspend {ln['phone_number']} ({dev}) as lost/stolen: calls, texts and data stop until you ask "
        "us to resume it. There's no charge."
    )
    args = {"customer_id": v["cid"], "line_id": ln["line_id"], "reason": "lost_or_stolen"}
    if r.fk == "visible":
        r.err(
            "suspend_line", args, f"Error: Line {ln['line_id']} has a pending port-out request and cannot be suspended"
        )
        r.say(
            "The system won't let me suspend this line because there's a pending request to move the number to "
            "another carrier — that needs our fraud team."
        )
        r.handoff(f"Customer {v['cid']}: lost phone, line {ln['line_id']}; suspend blocked by pending port-out.")
        return
    r.call(
        "suspend_line",
        args,
        {
            "line_id": ln["line_id"],
            "status": "Suspended",
            "suspension_start_date": v["today"],
            "message": "Line suspended successfully",
        },
    )
    ln["status"] = "Suspended"
    if r.agent.verify:
        r.call("get_details_by_id", {"id": ln["line_id"]}, dict(ln))
    r.close(
        f"Done — {ln['phone_number']} is suspended as of today, so nobody can use it. When you have a "
        "replacement phone or SIM, contact us and we'll resume the line on it."
    )


# home broadband (Brightlane Broadband) -----------------------------------------------------------------------------
BB_PLANS = [("Fiber 300", 300), ("Fiber 500", 500), ("Gig", 1000), ("Cable 200", 200), ("Cable 400", 400)]
OWN_MODEMS = [
    "Arris SURFboard SB8200",
    "Netgear CM1000",
    "Motorola MB8611",
    "Netgear CM2000",
    "Arris S33",
    "TP-Link TC-7650",
]
RENTED = ["Brightlane BG-7 Gateway", "Brightlane BG-6 Gateway", "Brightlane XG2 Gateway"]


def mac(rng: random.Random) -> str:
    oui = rng.choice(["A4:2B:B0", "9C:3D:CF", "38:94:ED", "E4:F4:C6", "D4:05:98", "B0:7F:B9"])
    return oui + ":" + ":".join(f"{rng.randrange(256):02X}" for _ in range(3))


def bb_vals(rng: random.Random, who: dict[str, Any] | None = None) -> dict[str, Any]:
    if who is not None and who.get("dom") == "broadband":
        return copy.deepcopy({k: x for k, x in who.items() if not k.startswith("_")})
    p = person(rng)
    now = BASE + dt.timedelta(days=rng.randint(0, 200), minutes=rng.randint(0, 700))
    plan, mbps = rng.choice(BB_PLANS)
    gw = rng.choice(RENTED)
    ssid = rng.choice(
        [f"{p['last']}-Home", f"Brightlane-{an(rng, 4)}", f"{p['first']}sWiFi", "TheLAN", f"BL_{dg(rng, 4)}_5G"]
    )
    return {
        **p,
        **phone_forms(rng),
        "dom": "broadband",
        "now": now,
        "today": now.date().isoformat(),
        "acct": "BL" + dg(rng, 9),
        "plan": plan,
        "mbps": mbps,
        "gw": gw,
        "gw_mac": mac(rng),
        "ssid": ssid,
        "address": f"{p['street']}, {p['city']}",
        "secret": rng.choice(["admin", "Brightlane", "Home"])
        + dg(rng, 3)
        + rng.choice("!#$@")
        + an(rng, 3, string.ascii_lowercase),
    }


def account_json(v: dict[str, Any]) -> dict[str, Any]:
    return {
        "account_number": v["acct"],
        "name": v["name"],
        "phone_number": v["phone"],
        "email": v["email"],
        "service_address": {"street": v["street"], "city": v["city"], "state": v["state"], "zip": v["zip"]},
        "plan": {"name": v["plan"], "download_mbps": v["mbps"], "upload_mbps": v["mbps"] // 10 or 20},
        "status": "active",
        "equipment": [{"type": "gateway", "model": v["gw"], "cm_mac": v["gw_mac"], "owner": "Brightlane (rented)"}],
    }


def bb_identify(r: Run, v: dict[str, Any]) -> None:
    if r.known.get("bb") == v["acct"]:
        return
    if gave(v, "acct"):
        args = {"account_number": v["acct"]}
    else:
        if not gave(v, "phone", "phone_plain", "phone_paren"):
            r.say(
                r.pick(
                    "I can help. What's your account number, or the phone number on the account?",
                    "Sorry about that! Could you give me the account number or the phone number we have on file?",
                )
            )
            r.u(r.pick(f"phone is {v['phone']}", v["phone_paren"], f"{v['phone_plain']}, it's under {v['name']}"))
        args = {"phone_number": v["phone"]}
    if r.agent.slip and r.chance(0.4):
        bad = {"account_number": v["acct"][2:]} if "account_number" in args else {"phone_number": v["phone_plain"]}
        r.err("lookup_account", bad, "Error: no account matches the given identifier")
    r.call("lookup_account", args, account_json(v))
    if r.agent.read_all or r.chance(0.3):
        r.say(f"Thanks — I found the account for {v['address']}. Is that the address with the problem?")
        r.u(r.pick("yes", "yep that's it", "Yes, that's our house."))
    r.known["bb"] = v["acct"]


def line_test(
    v: dict[str, Any], ok: bool = True, gateway: bool = True, noisy: bool = False, cm_mac: str = ""
) -> dict[str, Any]:
    res = {
        "account_number": v["acct"],
        "modem_online": True,
        "cm_mac": cm_mac or v["gw_mac"],
        "sync_status": "in_sync",
        "downstream_power_dbmv": 2.4,
        "downstream_snr_db": 38.6,
        "upstream_power_dbmv": 44.0,
        "uncorrectable_codewords": 12,
        "gateway_ip_session": "up" if gateway else "down",
        "provisioned_speed_mbps": v["mbps"],
        "result": "PASS" if ok else "FAIL",
    }
    if not gateway:
        res["notes"] = "Modem in sync but the gateway has no IP session (no DHCP lease renewal in 47 min)"
    if noisy:
        res |= {
            "downstream_snr_db": 24.1,
            "uncorrectable_codewords": 184233,
            "sync_status": "unstable",
            "notes": "Noise ingress on the drop; 37 resyncs in 24h. Likely physical line damage at premises.",
        }
    return res


def lights(state: str) -> str:
    internet = {"red": "blinking amber", "ok": "solid white", "prov": "blinking green", "own_ok": "solid white"}[state]
    return (
        f"Power: solid green\nInternet: {internet}\nWi-Fi 2.4 GHz: solid green\nWi-Fi 5 GHz: solid green\n"
        "Ethernet 1: off\nEthernet 2: solid green"
    )


# internet down: the router is stuck -> the user reboots it
def v_router(rng: random.Random, kind: str | None, who: dict[str, Any] | None = None) -> dict[str, Any]:
    return bb_vals(rng, who)


def b_router(r: Run, v: dict[str, Any]) -> None:
    g = r.rng
    bb_identify(r, v)
    if r.agent.read_all or g.random() < 0.5:
        r.note("First let me check for outages in your area.")
        r.call("check_area_outages", {"zip_code": v["zip"]}, {"zip_code": v["zip"], "outages": []})
    if r.fk == "silent":
        r.say("There's no outage near you. I'll reset your connection from our side.")
        r.call(
            "reset_network_port",
            {"account_number": v["acct"]},
            {"account_number": v["acct"], "status": "port reset queued", "eta_minutes": 10},
        )
        r.close(
            "I've reset your connection on our network. Please give it about 10 minutes and your internet "
            "should come back on its own."
        )
        return
    r.call("run_line_test", {"account_number": v["acct"]}, line_test(v, ok=False, gateway=False))
    r.say(
        r.pick(
            "No outage in your area, and the line into your home is fine — but your router isn't getting a "
            "connection. Could you look at the router and tell me what the lights are doing?",
            "The line test shows the signal reaching your home is good, but the gateway has no session. What do "
            "the lights on the front of the router show?",
        )
    )
    r.dev(
        [("check_router_lights", {}, lights("red"))],
        r.pick("power is green, internet light blinking orange", "internet light is blinking amber"),
        "the power light is green but the internet one is blinking orange",
    )
    r.say(
        "Please restart the router: unplug its power cable for 30 seconds, plug it back in and wait about 3 minutes "
        "for the lights to settle. Then tell me what the internet light does."
    )
    after = lights("red" if r.fk == "visible" else "ok")
    r.dev(
        [
            ("reboot_router", {}, f"Router restarting... boot completed after {g.randint(2, 4)}m{g.randint(0, 59)}s."),
            ("check_router_lights", {}, after),
        ],
        "rebooted, internet still blinking amber"
        if r.fk == "visible"
        else r.pick("internet light is solid white now", "rebooted and it's white now, internet works!"),
        "unplugged it and waited, the internet light is still blinking"
        if r.fk == "visible"
        else "ok did the unplug thing, the light is white now and wifi works",
    )
    if r.fk == "visible":
        r.call("run_line_test", {"account_number": v["acct"]}, line_test(v, ok=False, gateway=False))
        r.say("The gateway still has no session after the restart. I'll escalate this to our technical team.")
        r.handoff(f"Account {v['acct']}: no internet. Line in sync, gateway has no IP session; reboot did not help.")
        return
    if r.agent.verify or r.agent.read_all:
        r.call("run_line_test", {"account_number": v["acct"]}, line_test(v))
        if r.chance(0.5):
            res, down = speed(g)
            r.say("The line test passes now. Could you run a speed test over Wi-Fi to be sure?")
            r.dev([("run_speed_test", {"connection": "wifi"}, res)], speed_said(r, down), "speed test looks good")
    r.close(
        "You're back online — the router had lost its session and the restart fixed it. If the internet light "
        "blinks amber again, a restart is the first thing to try."
    )


# new customer-owned modem -> read the label, provision the CM MAC, power-cycle
def v_modem(rng: random.Random, kind: str | None, who: dict[str, Any] | None = None) -> dict[str, Any]:
    v = bb_vals(rng, who)
    v.update(model=rng.choice(OWN_MODEMS), cm_mac=mac(rng), wifi_mac=mac(rng), sn=an(rng, 12))
    return v


def b_modem(r: Run, v: dict[str, Any]) -> None:
    g = r.rng
    bb_identify(r, v)
    if r.agent.read_all:
        r.call(
            "run_line_test",
            {"account_number": v["acct"]},
            {
                **line_test(v, ok=False),
                "modem_online": False,
                "notes": f"Registered device {v['gw_mac']} not "
                "seen on the network; an unknown device is requesting a config",
            },
        )
    r.say(
        f"Your account still has the rented {v['gw']} registered, so the new modem needs to be activated. Could "
        "you read me the label on the bottom or back of the new modem?"
    )
    label = (
        f"Model: {v['model']}\nS/N: {v['sn']}\nCM MAC: {v['cm_mac']}\nWi-Fi MAC: {v['wifi_mac']}\n"
        "HW Rev: 4.0  FW: 1.2.3.1"
    )
    r.dev(
        [("read_device_label", {}, label)],
        r.pick(
            f"model {v['model']}, CM MAC {v['cm_mac']}", f"it says CM MAC {v['cm_mac']} and wifi mac {v['wifi_mac']}"
        ),
        f"ok the sticker says {v['model']}, S/N {v['sn']}, CM MAC {v['cm_mac']}, and a Wi-Fi MAC {v['wifi_mac']}",
    )
    use = v["wifi_mac"] if r.fk == "silent" else v["cm_mac"]
    args = {"account_number": v["acct"], "mac_address": use, "model": v["model"]}
    r.confirm(f"I'll register the {v['model']} ({use}) on your account and retire the rented gateway.")
    if r.fk == "visible":
        r.err(
            "provision_modem",
            args,
            f"Error: device model '{v['model']}' is not on the approved device list for plan {v['plan']}",
        )
        r.say(
            f"I'm sorry — the {v['model']} isn't approved for the {v['plan']} plan, so I can't activate it. You "
            "would need an approved modem or to reconnect the rented gateway."
        )
        r.u(r.pick("seriously? I just bought it. forget it", "ugh ok, I'll return it I guess"))
        r.gave_up = True
        return
    if r.agent.slip and r.chance(0.7):
        r.err(
            "provision_modem",
            {**args, "mac_address": use.replace(":", "").lower()},
            "Error: invalid mac_address format; expected XX:XX:XX:XX:XX:XX",
        )
    r.call(
        "provision_modem",
        args,
        {
            "account_number": v["acct"],
            "status": "provisioned",
            "mac_address": use,
            "config_file": f"bl_{v['plan'].lower().replace(' ', '_')}_v3.cfg",
            "previous_device": v["gw_mac"],
        },
    )
    if r.fk == "silent":
        r.close("Your modem is registered on the account now. Just power-cycle it and it should come online.")
        return
    r.say(
        "Done — the modem is registered. Please power-cycle it (unplug 30 seconds, plug back in) and tell me what "
        "the lights show after a few minutes."
    )
    r.dev(
        [
            ("reboot_router", {}, f"Modem restarting... online after {g.randint(3, 6)}m{g.randint(0, 59)}s."),
            ("check_router_lights", {}, "Power: solid\nReceive: solid\nSend: solid\nOnline: solid white"),
        ],
        r.pick("online light is solid now", "all lights solid, internet works!"),
        "I unplugged it, now the online light stays on and I'm connected",
    )
    if r.agent.verify or r.agent.read_all:
        r.call("run_line_test", {"account_number": v["acct"]}, line_test(v, cm_mac=v["cm_mac"]))
    r.close(
        f"Your {v['model']} is online with your {v['plan']} configuration. Please return the rented gateway "
        "within 30 days so it stops being billed."
    )


# slow Wi-Fi: crowded channel -> change channel
def v_wifi(rng: random.Random, kind: str | None, who: dict[str, Any] | None = None) -> dict[str, Any]:
    v = bb_vals(rng, who)
    band = rng.choice(["2.4GHz", "2.4GHz", "5GHz"])
    cur, new = (rng.choice([6, 11]), 1) if band == "2.4GHz" else (rng.choice([36, 44]), rng.choice([149, 157]))
    if band == "2.4GHz" and cur == 6:
        new = rng.choice([1, 11])
    others = [1, 6, 11] if band == "2.4GHz" else [36, 40, 44, 48]
    names = [
        "NETGEAR47",
        "xfinitywifi",
        "DIRECT-3F-HP Printer",
        "Apt4B",
        "MySpectrumWiFi9c",
        "TELUS2291",
        "linksys",
        "Verizon_7QX",
        "FBI Van 3",
        "Pretty Fly for a WiFi",
        "ATT8vW2",
        "eero-home",
        "Bell512",
        "Hansen_Guest",
    ]
    scan = [
        (rng.choice(names), cur if rng.random() < 0.7 else rng.choice(others), -rng.randint(52, 88))
        for _ in range(rng.randint(10, 24))
    ]
    v.update(band=band, chan=cur, new_chan=new, scan=scan, neighbors=sum(1 for _, ch, _ in scan if ch == cur))
    return v


def scan_text(v: dict[str, Any]) -> str:
    rows = [f"{v['ssid']}  ch {v['chan']}  {v['band']}  -48 dBm  (connected)"]
    rows += [f"{name}  ch {ch}  {v['band']}  {dbm} dBm" for name, ch, dbm in v["scan"]]
    return f"{len(rows)} networks found:\n" + "\n".join(rows)


def b_wifi(r: Run, v: dict[str, Any]) -> None:
    g = r.rng
    bb_identify(r, v)
    r.call("run_line_test", {"account_number": v["acct"]}, line_test(v))
    wifi_down = round(v["mbps"] * g.uniform(0.01, 0.06), 1)
    slow = (
        f"Connection: Wi-Fi ({v['band']}, ch {v['chan']})\nDownload Speed: {wifi_down} Mbps\nUpload Speed: "
        f"{round(wifi_down / 3, 1)} Mbps\nLatency: {g.randint(60, 240)} ms\nJitter: {g.randint(30, 120)} ms"
    )
    r.say(
        f"The line test is clean — your {v['plan']} service is arriving at full speed. Let's check the Wi-Fi: "
        "could you run a speed test over Wi-Fi?"
    )
    r.dev(
        [("run_speed_test", {"connection": "wifi"}, slow)],
        f"{wifi_down} Mbps down, ping is bad",
        f"speedtest says {wifi_down} mbps on wifi",
    )
    if r.fk == "silent":
        r.say(
            "That's slow. The best fix is more bandwidth: upgrading to Gig would give you up to 1000 Mbps for "
            "$25 more per month."
        )
        r.confirm("I'll switch your plan to Gig starting today.")
        r.call(
            "change_plan",
            {"account_number": v["acct"], "new_plan": "Gig", "effective": "immediate"},
            {"account_number": v["acct"], "plan": "Gig", "monthly_change": 25.0, "status": "changed"},
        )
        r.close("Your plan is now Gig. You should see much better speeds from today.")
        return
    if g.random() < 0.45:
        wired = (
            f"Connection: Ethernet\nDownload Speed: {round(v['mbps'] * g.uniform(0.88, 0.97), 1)} Mbps\n"
            f"Upload Speed: {round(v['mbps'] / 10 * g.uniform(0.9, 1.0), 1)} Mbps\nLatency: {g.randint(6, 14)} ms"
        )
        r.say(
            "Do you have a computer you can plug into the router with a cable? A wired test would tell us whether "
            "it's the Wi-Fi."
        )
        r.dev(
            [("run_speed_test", {"connection": "ethernet"}, wired)],
            "plugged in the laptop, wired is fast",
            "with the cable it's way faster, like full speed",
        )
    r.say(
        "Let's see how crowded the airwaves are. Could you scan for nearby Wi-Fi networks and check your router's "
        "Wi-Fi settings?"
    )
    r.dev(
        [
            ("scan_wifi_networks", {}, scan_text(v)),
            (
                "get_wifi_settings",
                {},
                f"SSID: {v['ssid']}\nBand: {v['band']}\nChannel: {v['chan']} (fixed)\n"
                "Channel width: 20 MHz\nSecurity: WPA2-Personal",
            ),
        ],
        f"like {v['neighbors']} networks on channel {v['chan']}, mine is on {v['chan']} too",
        f"I see a lot of networks, most on channel {v['chan']}. my router says channel {v['chan']}, fixed",
    )
    r.say(
        f"That's the cause: your router shares channel {v['chan']} with {v['neighbors']} neighbours' networks. "
        f"Please switch the {v['band']} band to channel {v['new_chan']}."
    )
    r.dev(
        [
            (
                "set_wifi_channel",
                {"band": v["band"], "channel": v["new_chan"]},
                f"{v['band']} channel set to {v['new_chan']}. Wi-Fi clients will reconnect.",
            )
        ],
        "done, changed it",
        f"ok changed to {v['new_chan']}",
    )
    if r.fk == "visible":
        still = slow.replace(f"ch {v['chan']}", f"ch {v['new_chan']}")
        r.say("Please run the Wi-Fi speed test again.")
        r.dev(
            [("run_speed_test", {"connection": "wifi"}, still)],
            "still slow. same as before",
            "no difference, still slow",
        )
        r.say("Hmm. Could you restart the router and test once more?")
        r.dev(
            [
                ("reboot_router", {}, "Router restarting... boot completed after 3m02s."),
                ("run_speed_test", {"connection": "wifi"}, still),
            ],
            "still garbage. I'll just call tomorrow, bye",
            "nope. I give up for tonight",
        )
        r.gave_up = True
        r.say("I'm sorry we couldn't fix it tonight. You can reach us anytime to continue.")
        return
    fast = round(v["mbps"] * g.uniform(0.45, 0.8), 1)
    r.say("Now run the Wi-Fi speed test again, please.")
    r.dev(
        [
            (
                "run_speed_test",
                {"connection": "wifi"},
                f"Connection: Wi-Fi ({v['band']}, ch {v['new_chan']})\nDownload Speed: {fast} Mbps\nUpload Speed: "
                f"{round(fast / 8, 1)} Mbps\nLatency: {g.randint(9, 25)} ms",
            )
        ],
        f"{fast} Mbps now!! huge difference",
        f"wow, {fast} mbps now",
    )
    r.close(
        f"Your Wi-Fi is now on channel {v['new_chan']}, away from the crowd. Leave it fixed there; if things slow "
        "down again, a new scan will show whether the neighbours moved too."
    )


# agent only: line fault -> book a technician
def v_tech(rng: random.Random, kind: str | None, who: dict[str, Any] | None = None) -> dict[str, Any]:
    v = bb_vals(rng, who)
    day0 = v["now"].date() + dt.timedelta(days=1)
    slots = []
    for i in range(rng.randint(3, 5)):
        d = day0 + dt.timedelta(days=i + rng.randint(0, 1))
        win = rng.choice(["08:00-12:00", "12:00-16:00", "16:00-20:00"])
        slots.append(
            {
                "slot_id": f"SL-{d:%m%d}-{win[:2]}{rng.randint(10, 99)}",
                "date": d.isoformat(),
                "window": win,
                "label": f"{d:%A %b} {d.day}, {win}",
            }
        )
    v["slots"] = slots
    v["choice"] = rng.randrange(1, len(slots))
    return v


def b_tech(r: Run, v: dict[str, Any]) -> None:
    bb_identify(r, v)
    if r.fk != "silent":
        if r.agent.read_all:
            r.call("check_area_outages", {"zip_code": v["zip"]}, {"zip_code": v["zip"], "outages": []})
        r.note("Let me run a line test first.")
        r.call("run_line_test", {"account_number": v["acct"]}, line_test(v, ok=False, noisy=True))
    r.call("get_appointment_slots", {"account_number": v["acct"], "from_date": v["today"]}, {"slots": v["slots"]})
    pick = v["slots"][0] if r.fk == "silent" else v["slots"][v["choice"]]
    if r.fk != "silent":
        opts = "\n".join(f"- {s['label']}" for s in v["slots"])
        r.say(
            f"The line test shows a physical fault on the cable into your home (lots of noise and errors), which "
            f"needs a technician. Available times:\n{opts}\nWhich works for you?"
        )
        r.u(r.pick(f"{pick['label'].split(',')[0]} please", f"the {pick['label']} one", f"{pick['label']}"))
        r.confirm(f"Booking a technician for {pick['label']} at {v['address']}.")
    args = {
        "account_number": v["acct"],
        "slot_id": pick["slot_id"],
        "issue_summary": "Intermittent drops; line test shows noise ingress / physical damage on drop",
    }
    if r.fk == "visible":
        r.err("book_technician_visit", args, "Error: 503 Service Unavailable — dispatch system not responding")
        r.say(
            "I'm sorry, our dispatch system isn't responding, so I can't book the visit right now. Please try again "
            "later or call us."
        )
        r.u(r.pick("great. ok.", "fine, I'll call."))
        r.gave_up = True
        return
    r.call(
        "book_technician_visit",
        args,
        {
            "appointment_id": "APT-" + dg(r.rng, 7),
            "date": pick["date"],
            "window": pick["window"],
            "status": "confirmed",
        },
    )
    r.close(
        f"You're booked: a technician will come on {pick['label']}. They'll call 30 minutes before arriving. "
        "Someone over 18 needs to be home."
    )


# IT help desk (Ardent Labs) ----------------------------------------------------------------------------------------
DEPTS = ["Finance", "Marketing", "Engineering", "Legal", "Sales", "People Ops", "Customer Success", "Procurement"]
OFFICES = [
    ("Denver", "US", "73.14"),
    ("Austin", "US", "98.201"),
    ("Toronto", "CA", "142.114"),
    ("Dublin", "IE", "86.42"),
    ("Boston", "US", "108.7"),
]
FOREIGN = [
    ("Lagos", "NG", "102.89"),
    ("Bucharest", "RO", "188.214"),
    ("Ho Chi Minh City", "VN", "113.161"),
    ("São Paulo", "BR", "177.37"),
]


def it_vals(rng: random.Random, who: dict[str, Any] | None = None) -> dict[str, Any]:
    if who is not None and who.get("dom") == "it":
        return copy.deepcopy({k: x for k, x in who.items() if not k.startswith("_")})
    p = person(rng, "ardentlabs.com")
    now = BASE + dt.timedelta(days=rng.randint(0, 200), minutes=rng.randint(0, 600))
    city, cc, ip = rng.choice(OFFICES)
    return {
        **p,
        "dom": "it",
        "now": now,
        "today": now.date().isoformat(),
        "upn": p["email"],
        "oid": uid(rng),
        "dept": rng.choice(DEPTS),
        "title": rng.choice(["Analyst", "Senior Manager", "Associate", "Engineer II", "Coordinator", "Director"]),
        "office": city,
        "cc": cc,
        "ip": f"{ip}.{rng.randint(1, 254)}.{rng.randint(1, 254)}",
        "old_phone": rng.choice(["iPhone 12", "Pixel 6", "Galaxy S21", "iPhone XR"]),
        "new_phone": rng.choice(["iPhone 16", "Pixel 9", "Galaxy S25", "iPhone 15"]),
        "laptop": f"ARD-{rng.choice(['LT', 'MB'])}-{rng.randint(1000, 9999)}",
        "secret": rng.choice(["Summer", "Falcon", "Maple", "Orion", "Quartz"])
        + dg(rng, 4)
        + rng.choice("!#$%?")
        + an(rng, 2, string.ascii_lowercase),
    }


def it_user(v: dict[str, Any], admin: bool = False) -> dict[str, Any]:
    return {
        "id": v["oid"],
        "displayName": v["name"],
        "userPrincipalName": v["upn"],
        "department": v["dept"],
        "jobTitle": "IT Administrator" if admin else v["title"],
        "officeLocation": v["office"],
        "accountEnabled": True,
        "memberOf": ["All Staff", v["dept"]] + (["Tier0-Admins"] if admin else []),
    }


def it_identify(r: Run, v: dict[str, Any], admin: bool = False) -> None:
    if r.known.get("it") == v["oid"]:
        return
    if not gave(v, "email", "upn"):
        r.say(
            r.pick(
                "I can help with that. What's your work email address?",
                "Sure — could you give me your work email (UPN) so I can find your account?",
            )
        )
        r.u(r.pick(v["email"], f"it's {v['email']}", f"{v['email']} ({v['dept']})"))
    r.call("find_user", {"query": v["upn"]}, {"users": [it_user(v, admin)]})
    if r.agent.confirm and r.chance(0.6):
        r.say(f"Thanks, I found {v['name']}. To verify, which department are you in?")
        r.u(r.pick(v["dept"], f"{v['dept']}, I'm the {v['title'].lower()}", f"{v['dept']} team"))
    r.known["it"] = v["oid"]


# MFA on a new phone -> remove the old method, TAP, the user enrolls the new phone
def v_mfa(rng: random.Random, kind: str | None, who: dict[str, Any] | None = None) -> dict[str, Any]:
    v = it_vals(rng, who)
    v["tap"] = (
        an(rng, 4, "ABCDEFGHJKLMNPQRSTUVWXYZ") + rng.choice("@#%&") + an(rng, 3, "abcdefghjkmnpqrstuvwxyz23456789")
    )
    v["num"] = rng.randint(10, 99)
    return v


def b_mfa(r: Run, v: dict[str, Any]) -> None:
    it_identify(r, v)
    oid = v["oid"]
    mid = uid(r.rng)
    methods = [
        {
            "id": mid,
            "type": "microsoftAuthenticator",
            "displayName": v["old_phone"],
            "createdDateTime": f"{r.rng.randint(2021, 2024)}-0{r.rng.randint(1, 9)}-1{r.rng.randint(0, 9)}T09:14:00Z",
        },
        {"id": uid(r.rng), "type": "password"},
    ]
    if r.fk == "silent":
        tmp = r.secret(
            r.pick("Welcome", "Temp", "Ardent") + dg(r.rng, 4) + "!" + an(r.rng, 3, string.ascii_lowercase),
            "tool result (temporary password)",
        )
        r.call(
            "reset_password",
            {"user_id": oid, "force_change_at_next_sign_in": True},
            {"user_id": oid, "temporaryPassword": tmp, "forceChangePasswordNextSignIn": True},
        )
        r.close(
            f"I've reset your password. Sign in with the temporary password {tmp} — you'll be asked to choose a "
            "new one and then to set up your authenticator on the new phone."
        )
        return
    r.call("list_auth_methods", {"user_id": oid}, {"methods": methods})
    r.confirm(
        f"I'll remove the Authenticator registration for your {v['old_phone']} and give you a one-time pass so "
        f"you can register the {v['new_phone']}."
    )
    if r.chance(0.5):
        r.call("delete_auth_method", {"user_id": oid, "method_id": mid}, {"status": "deleted", "method_id": mid})
    else:
        r.call(
            "reset_mfa_registration",
            {"user_id": oid},
            {"user_id": oid, "status": "mfa_methods_removed", "requireReregistration": True},
        )
    tap_args = {"user_id": oid, "lifetime_minutes": 60, "is_usable_once": True}
    if r.fk == "visible":
        r.err(
            "create_temporary_access_pass",
            tap_args,
            "Error: Temporary Access Pass is not enabled for members of "
            f"group '{v['dept']}' by the authentication methods policy",
        )
        r.say(
            "I've removed the old registration, but I can't issue a one-time pass for your account — the policy "
            "doesn't allow it for your group. You'll need to come to the IT desk in person to enroll the new "
            "phone."
        )
        r.u(r.pick("so I can't log in at all today? great. never mind then", "ugh, fine, I'll come by tomorrow"))
        r.gave_up = True
        return
    if r.agent.slip and r.chance(0.6):
        r.err(
            "create_temporary_access_pass",
            {**tap_args, "lifetime_minutes": 480},
            "Error: lifetime_minutes must be between 10 and 60 for this policy",
        )
    tap = r.secret(v["tap"], "tool result and agent message (temporary access pass)")
    start = v["now"].strftime("%Y-%m-%dT%H:%M:%SZ")
    r.call(
        "create_temporary_access_pass",
        tap_args,
        {
            "temporaryAccessPass": tap,
            "startDateTime": start,
            "lifetimeInMinutes": 60,
            "isUsableOnce": True,
            "methodUsabilityReason": "EnabledByPolicy",
        },
    )
    url = "https://aka.ms/mysecurityinfo"
    r.say(
        f"Here's your one-time pass: {tap} (valid for 60 minutes, one use). On your laptop, open {url} and sign in "
        "with your work email and this pass instead of the password."
    )
    r.dev(
        [
            ("open_url", {"url": url}, "Microsoft — Sign in\nEnter your email, phone, or Skype."),
            (
                "sign_in",
                {"username": v["upn"], "credential": tap},
                "Signed in with Temporary Access Pass.\nSecurity info: Add sign-in method | No methods registered",
            ),
        ],
        r.pick("I'm in, it says add sign-in method", "signed in, it shows security info with nothing registered"),
        "ok I'm signed in with the code, it shows the security info page",
    )
    r.say(
        f"Choose Add sign-in method > Microsoft Authenticator. On the {v['new_phone']}, open the Authenticator "
        "app, tap + > Work or school account > Scan QR code, and scan the code on screen. Then approve the test "
        "notification."
    )
    r.dev(
        [
            ("authenticator_scan_qr", {}, f"Account added: Ardent Labs ({v['upn']})"),
            (
                "approve_sign_in_request",
                {"number": v["num"]},
                "Notification approved. Microsoft Authenticator registered as a sign-in method.",
            ),
        ],
        r.pick(f"scanned it and approved, number was {v['num']}", "done! it says authenticator registered"),
        "scanned the code, the test notification came through and I approved it",
    )
    if r.agent.verify:
        new = {
            "id": uid(r.rng),
            "type": "microsoftAuthenticator",
            "displayName": v["new_phone"],
            "createdDateTime": start,
        }
        r.call("list_auth_methods", {"user_id": oid}, {"methods": [new, methods[1]]})
    r.close(
        f"All set — Authenticator on your {v['new_phone']} is now your sign-in method, and the old phone is "
        "removed. The one-time pass can't be used again.",
        "Also: please never send your password in chat — IT will never ask for it. Since it's now in this "
        "conversation, change it at https://aka.ms/sspr.",
    )


# agent only: unlock a locked-out account (after checking where the failures came from)
def v_unlock(rng: random.Random, kind: str | None, who: dict[str, Any] | None = None) -> dict[str, Any]:
    v = it_vals(rng, who)
    v["foreign"] = kind == "silent:should-refuse"
    v["admin"] = kind == "visible:handoff"
    return v


def b_unlock(r: Run, v: dict[str, Any]) -> None:
    g = r.rng
    it_identify(r, v, admin=v["admin"])
    oid = v["oid"]
    t0 = v["now"] - dt.timedelta(minutes=g.randint(15, 90))
    if v["foreign"]:
        city, cc, ip = g.choice(FOREIGN)
        src = {"city": city, "countryOrRegion": cc}
        ipa, dev = f"{ip}.{g.randint(1, 254)}.{g.randint(1, 254)}", "Unknown (Python-urllib/3.11)"
    else:
        src, ipa, dev = {"city": v["office"], "countryOrRegion": v["cc"]}, v["ip"], v["laptop"]
    n = g.randint(4, 9)
    events = [
        {
            "createdDateTime": (t0 + dt.timedelta(seconds=40 * i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "status": {
                "errorCode": 50126 if i < n - 1 else 50053,
                "failureReason": "Invalid username or password."
                if i < n - 1
                else "Account is locked because the user tried to sign in too many times.",
            },
            "ipAddress": ipa,
            "location": src,
            "deviceDetail": {"displayName": dev},
            "appDisplayName": g.choice(["Windows Sign In", "Office 365 Exchange Online", "Microsoft Teams"]),
        }
        for i in range(n)
    ]
    r.note("Let me look at the recent sign-in attempts before unlocking anything.")
    r.call("get_signin_logs", {"user_id": oid, "hours": 24}, {"value": events})
    if v["foreign"]:
        r.say(f"I can see {n} failed attempts, all from {src['city']}. Unlocking now.")
    elif r.agent.narrate > 0.3:
        r.say(
            f"The {n} failed attempts all came from your own laptop ({dev}) in {v['office']}, so this is a normal "
            "lockout."
        )
    r.confirm(f"I'll unlock the account {v['upn']}.")
    if v["admin"]:
        r.err(
            "unlock_account",
            {"user_id": oid},
            "Error: Insufficient privileges to complete the operation. Target "
            "account is a member of a protected group (Tier0-Admins).",
        )
        r.say("Your account is in a protected admin group, which tier-1 support can't unlock.")
        r.handoff(f"{v['upn']} locked out (failed sign-ins from own device); account in Tier0-Admins, needs tier 2.")
        return
    r.call("unlock_account", {"user_id": oid}, {"user_id": oid, "lockedOut": False, "status": "unlocked"})
    if r.agent.verify:
        r.call("find_user", {"query": v["upn"]}, {"users": [{**it_user(v), "lockedOut": False}]})
    r.close(
        r.pick(
            "Your account is unlocked. Please wait a minute and sign in again; if you've forgotten the "
            "password, reset it at https://aka.ms/sspr.",
            "Unlocked — you can sign in again now.",
        ),
        "Also: please never send your password in chat — IT will never ask for it. Since it's now in this "
        "conversation, change it at https://aka.ms/sspr.",
    )


# task types --------------------------------------------------------------------------------------------------------
@dataclass
class Task:
    id: str
    domain: str  # telecom | broadband | it
    desc: str
    guided: bool  # the user acts on their own device
    vals: Callable[[random.Random, str | None, dict[str, Any] | None], dict[str, Any]]
    build: Callable[[Run, dict[str, Any]], None]
    requests: list[Any]  # wordings: str | (turn, turn) | (turn, agent reply, turn); each run gets another one
    queries: list[str]  # 3 unseen requests, filled with fresh values
    fails: list[tuple[str, str]]  # (kind, description) of the failing runs
    follow: str = ""  # how this task is asked as a session's second request
    secret: str = ""  # a wording carrying a pasted secret (replaces one successful run's)
    secret_keys: tuple[str, ...] = ()
    same_person: bool = True  # a second request of this type comes from the same customer
    device_gone: bool = False  # the user no longer has the device: no second request with device steps
    tools: list[str] = field(default_factory=list)


ASK = GREETING  # the agent's opening line, as the third element of a split request

TASKS = [
    Task(
        "tel_nodata_airplane_mode",
        "telecom",
        "no mobile data: airplane mode is on -> the user turns it off",
        True,
        v_airplane,
        b_airplane,
        [
            "my mobile data stopped working, nothing loads. {phone}",
            "Hello, I hope you can help me. Since this afternoon my phone has no internet at all and I can't make "
            "calls "
            "either, it just says no service. I haven't changed anything as far as I know. My number is {phone_paren}. "
            "Thank you so much in advance.",
            "hi my phone no have internet since morning, please help",
            ("no signal on my {device}", "and data not working either"),
            ("hi", ASK, "my phone lost all connection, no bars no data. number {phone_plain}"),
            "no data no calls. wifi works. why",
            "Internet on my phone quit working after my flight landed this morning. {phone}",
            "cant get online on my phone at all, tried closing apps. phone # {phone_plain}",
            "I think something is wrong with my line? Everything stopped — texts, calls, data. {name}, {phone}",
        ],
        [
            "my kid was playing with my phone and now it has no signal and no internet, can you help",
            "Phone shows no bars and apps won't load since I got off the plane yesterday",
            "customer says zero cellular connectivity (no calls, no data) but wifi is fine — what do we check?",
        ],
        [
            (
                "silent:wrong-fix",
                "never checks the status bar; has the user reset the APN and reboot, airplane mode "
                "stays on, the user says thanks",
            ),
            ("visible:handoff", "reboots and toggles mobile data, never finds airplane mode, transfers to a human"),
        ],
    ),
    Task(
        "tel_nodata_refuel",
        "telecom",
        "no mobile data: the allowance is used up -> refuel data on the line",
        True,
        v_refuel,
        b_refuel,
        [
            "my data stopped working, I think I ran out? {phone}",
            "Hi there! My mobile internet has been really unreliable since yesterday, actually now it doesn't work at "
            "all "
            "unless I'm on wifi. I've been streaming a lot this month for work travel. Could you check what's going "
            "on? "
            "Number is {phone_paren}.",
            "mobile data not working pls fix",
            ("hello", ASK, "the internet on my phone stop working, maybe data finish? how i can add more"),
            "can i buy more data? mine ran out and nothing loads. {phone_plain}",
            ("data dead since yesterday", "number {phone}"),
            "hey data's gone on my {device}, still have bars though",
            "Need more data on my line asap, used it all up. {name}, {phone}",
            "no internet on phone, calls fine. {phone}",
        ],
        [
            "I went over my monthly allowance and now nothing loads — can you top me up with a couple of gigs?",
            "Full signal but every app says no connection, and my usage widget says 100% used",
            "how do i get extra data for the rest of the month, im out",
        ],
        [
            ("visible:error", "refuel rejected (plan doesn't support refueling), agent transfers"),
            ("silent:wrong-line", "refuels a different line on the account, the user says thanks before testing"),
        ],
        secret="data ran out on {phone}. add 2GB and just charge my card {card} exp {exp}",
        secret_keys=("card",),
    ),
    Task(
        "tel_roaming_abroad",
        "telecom",
        "no data abroad -> enable roaming on the line, the user turns on data roaming",
        True,
        v_roam,
        b_roam,
        [
            "I'm in {country} and my phone has no data. {phone}",
            "Hello! I just arrived in {city} for a conference and my phone won't connect to the internet at all. It "
            "shows "
            "{partner} at the top but nothing loads. I really need maps. My number is {phone_paren}, thank you!",
            "abroad, data not working. help",
            (
                "Hi, I'm travelling",
                "Sure, how can I help?",
                "no internet in {country}. calls ok i think. number {phone_plain}",
            ),
            "Just landed in {country}, phone says {partner} but no data?? {phone}",
            "my phone dont work internet here in {city}, I have international plan i think",
            ("data not working on my trip", "{phone}"),
            "On vacation in {country} and can't get mobile data. Do I need to turn something on?",
            "roaming not working in {country} — {name}, {phone_plain}",
        ],
        [
            "I'm in {city} for a week and my cell data won't work. What do I need to do?",
            "Traveling overseas, my phone picks up a local network but the internet doesn't load",
            "need data roaming turned on, no internet on my phone since i left the country",
        ],
        [
            (
                "silent:wrong-line",
                "enables roaming on the first line of the account without checking which line is the "
                "user's; the user says they'll switch it on later",
            ),
            ("visible:error", "enable_roaming blocked (international services block), agent transfers"),
        ],
        follow="",
    ),
    Task(
        "tel_mms_bad_apn",
        "telecom",
        "MMS fails: the APN settings are wrong -> reset APN settings and reboot",
        True,
        v_apn,
        b_apn,
        [
            "can't send pictures in texts. {phone}",
            "Hello, for the past few days I can't send photos to my family in group messages. Regular texts are fine. "
            "It "
            "just says 'message not sent'. My number is {phone_paren}. Can you help please?",
            "mms not working",
            ("picture messages fail", "number {phone_plain}"),
            (
                "Hi, quick question",
                "Of course — what can I help with?",
                "why i cannot send photo by message? text only work",
            ),
            "my {device} won't send MMS since I switched to you guys last week. {phone}",
            "group texts with pics keep failing 'not delivered'",
            "Hi, I can't send or receive picture messages. {name}, {phone}",
            "pics won't go through by text, says MMS failed. {phone_plain}",
        ],
        [
            "Sending a photo by text gives 'Message failed', plain SMS goes through",
            "I moved my number over from another carrier and now picture messages don't work",
            "mms broken on my phone since i put the new sim in",
        ],
        [
            ("visible:handoff", "resets the APN but never has the user reboot; MMS still fails, agent transfers"),
            ("silent:wrong-fix", "has the user turn off Wi-Fi calling instead; the user says thanks without testing"),
        ],
        follow="oh and picture messages haven't worked since I got the new SIM either",
    ),
    Task(
        "tel_mms_app_permission",
        "telecom",
        "MMS fails: the messaging app lacks a permission -> the user grants it",
        True,
        v_perm,
        b_perm,
        [
            "I can't send pictures by text. {phone}",
            "Good evening. Since I reinstalled my messaging app I'm unable to send photos in text messages. Normal "
            "texts "
            "work. My number is {phone_paren}. Thanks for your help!",
            "cant send mms",
            ("photo messages not going thru", "{phone}"),
            "my messages app won't send pictures, says failed. {phone_plain}",
            "hi, mms fail on my {device}. sms ok.",
            ("Hello", ASK, "picture text not sending, only text work. my number {phone_plain}"),
            "Can't send photos to my group chat since I updated the phone. {name}, {phone}",
            "MMS failing, already restarted phone twice. {phone}",
        ],
        [
            "After I reset my phone I can't send pictures in messages anymore, regular texts are ok",
            "text with an image attached won't send on my android",
            "the messaging app keeps failing to send photos even though my data works",
        ],
        [
            (
                "silent:wrong-fix",
                "resets the APN and reboots without checking the app's permissions; the user says thanks "
                "without testing",
            ),
            ("visible:error", "asks the user to grant permissions that don't exist (errors); the user gives up"),
        ],
        follow="also, I can't send photos by text, only normal texts work",
    ),
    Task(
        "tel_suspended_unpaid_bill",
        "telecom",
        "no service: the line is suspended for an unpaid bill -> payment "
        "request, the user pays, resume the line, the user reboots",
        True,
        v_susp,
        b_susp,
        [
            "my phone says no service. {phone}",
            "Hi, my phone suddenly stopped working this morning — I can't call anyone and the internet doesn't work "
            "either. I'm wondering if there is a problem with my account. Number {phone_paren}. Thank you.",
            "no service on my phone since yesterday??",
            ("Hello", ASK, "phone is not working at all, no calls. maybe i forgot pay the bill?"),
            "line not working, emergency calls only. {phone_plain}",
            ("phone cut off", "{phone}, please help I need it for work"),
            "Why did my line get disconnected? I can't make calls. {name}",
            "hey all my bars are gone and it says SOS only. number is {phone}",
            "Service stopped on my line. I can pay whatever is owed, just turn it back on. {phone}",
        ],
        [
            "I missed a payment and now my phone can only make emergency calls — how do I get it back?",
            "My phone shows No Service everywhere, my husband's phone on the same network works fine",
            "reconnect my line please, I'll pay the overdue bill",
        ],
        [
            ("visible:error", "tries to resume the line before any payment, error, transfers"),
            (
                "silent:wrong-fix",
                "has the user reseat the SIM and reboot, says service will come back; never checks the "
                "line; the user says thanks",
            ),
        ],
        secret="no service on {phone}. my account pin is {pin} if you need it",
        secret_keys=("pin",),
    ),
    Task(
        "tel_slow_data_network_mode",
        "telecom",
        "slow data: the phone is set to 2G/3G only -> the user sets 4G/5G preferred",
        True,
        v_slow,
        b_slow,
        [
            "data super slow. {phone}",
            "Hello, my mobile internet has become extremely slow. Web pages take minutes to load and videos won't play "
            "at "
            "all, even though I have full signal. My number is {phone_paren}. Could you look into it?",
            "internet on phone very slow, like 2005",
            ("my data is crawling", "number {phone_plain}"),
            "phone shows E instead of LTE and everything loads sooo slow. {phone}",
            ("Hi", ASK, "mobile data is so slow i cant even load whatsapp. {phone}"),
            "Hi, slow internet on my {device} since I changed some settings to save battery. {phone_plain}",
            "why is my data so slow?? i pay for 5G",
            "Speeds on my line are awful, under 1 Mbps. {name}, {phone}",
        ],
        [
            "My phone only shows 'E' or 'G' next to the bars and pages barely load",
            "I turned on some battery-saving network option and now my cell internet is unbearably slow",
            "very slow mobile data even with full bars, speed test under 1 mbps",
        ],
        [
            ("silent:wrong-fix", "sells a 1 GB data refuel thinking the line is throttled; the user says thanks"),
            ("visible:handoff", "only toggles airplane mode and reboots, still slow, transfers"),
        ],
    ),
    Task(
        "tel_data_usage_lookup",
        "telecom",
        "read only: report the line's data usage this cycle",
        False,
        v_usage,
        b_usage,
        [
            "how much data have I used this month? {phone}",
            "Hi! Could you tell me how much mobile data I've used so far in this billing cycle and how much I have "
            "left? "
            "My number is {phone_paren}. Thanks!",
            "data usage?",
            ("quick question about my plan", "how many GB left this month, {phone_plain}"),
            "how much data i have left. number {phone}",
            "Am I close to my data limit? Don't want to get cut off. {phone}",
            "check my data usage pls {phone_plain}",
            "When does my data reset and how much have I used? {name}",
        ],
        [
            "What's my remaining data allowance for this billing cycle?",
            "Could you look up how many gigabytes my line has used since the bill date?",
            "am i about to run out of data",
        ],
        [
            ("silent:wrong-line", "reports the usage of another line on the account"),
            ("visible:error", "usage service times out twice, agent can't answer"),
        ],
        follow="also how much data have I used this month?",
    ),
    Task(
        "tel_suspend_lost_phone",
        "telecom",
        "agent only: suspend the line of a lost or stolen phone",
        False,
        v_lost,
        b_lost,
        [
            "I lost my phone, please block my line. It's {phone}.",
            "Hello, my phone was stolen on the train this morning. I'm writing from my wife's laptop. Could you please "
            "suspend my line right away so nobody can use it? Number is {phone_paren}, name {name}, DOB {dob_us}.",
            "phone stolen suspend line asap {phone_plain}",
            ("I need to suspend my number", "Sure — what's the number?", "{phone}. phone got stolen"),
            "lost my {device} at the airport, pls stop the service on it. {phone}",
            ("my phone is lost", "can you disable my sim? {phone_plain}"),
            "Please put a hold on my line, phone is missing. {name} {phone}",
            "someone took my phone at the gym. need the number blocked. {phone}",
        ],
        [
            "Someone stole my mobile, I need the line blocked before they run up charges",
            "left my phone in a taxi — can you temporarily shut off the number?",
            "suspend service on my phone, it was lost at the concert last night",
        ],
        [
            ("silent:wrong-line", "suspends another line on the family account"),
            ("visible:error", "suspend rejected (pending port-out), agent transfers"),
        ],
        device_gone=True,
        secret="Hi, I cannot find my phone anywhere, I think someone took it. Please suspend {phone}. My account PIN "
        "is "
        "{pin} if you need it.",
        secret_keys=("pin",),
    ),
    Task(
        "bb_router_reboot",
        "broadband",
        "home internet down: line OK but the gateway has no session -> the user reboots the router",
        True,
        v_router,
        b_router,
        [
            "internet is down at home. account {acct}",
            "Hi, our home internet stopped working about an hour ago. All devices say connected to Wi-Fi but no "
            "internet. "
            "I work from home so this is urgent! Phone on the account is {phone_paren}.",
            "no internet at house since morning",
            ("wifi connected but no internet", "{phone}"),
            (
                "Hello",
                ASK,
                "the internet not working in my apartment, the router has orange light. account number {acct}",
            ),
            "Router light is orange and nothing works.",
            "our wifi says no internet connection on every device. {phone_plain}",
            "Internet outage?? nothing loads at home. {name}, {phone}",
            "modem lost connection again, help. acct {acct}",
        ],
        [
            "Every device in the house shows Wi-Fi but 'no internet', started tonight",
            "The internet light on my Brightlane router keeps blinking amber, what should I do?",
            "home broadband dropped out completely, is there anything I can try before you send someone?",
        ],
        [
            ("visible:handoff", "the reboot doesn't help, the line test still fails, agent escalates"),
            (
                "silent:wrong-fix",
                "resets the network port remotely instead of a router reboot, says wait 10 minutes; the "
                "user says thanks",
            ),
        ],
    ),
    Task(
        "bb_provision_own_modem",
        "broadband",
        "a customer-owned modem -> read its label, provision the CM MAC, the user power-cycles",
        True,
        v_modem,
        b_modem,
        [
            "I replaced my modem and now there's no internet. {phone}",
            "Hello! I bought a new {model} to replace the rented gateway and hooked it up, but it won't connect. The "
            "lights keep blinking. Account {acct}. What do I need to do?",
            "new modem not working",
            ("just swapped my modem", "no internet since, acct {acct}"),
            "got my own modem, how do i activate it on my account? {phone_plain}",
            "Unplugged the old gateway and plugged in a {model}, online light just flashes. {name}, {phone}",
            ("Hi", ASK, "i change modem because old one broke. new one no internet. account {acct}"),
            "need to register a new cable modem on my service, {phone}",
        ],
        [
            "I bought a modem at Best Buy, how do I get it working on my Brightlane account?",
            "activate my new cable modem please, the rented one died",
            "just installed my own modem and the online light keeps blinking",
        ],
        [
            ("visible:error", "provisioning rejected (model not approved); the user gives up"),
            (
                "silent:wrong-record",
                "registers the Wi-Fi MAC instead of the CM MAC; the user says thanks before testing",
            ),
        ],
        secret="my new modem won't come online. acct {acct}. the admin password I set on it is {secret}",
        secret_keys=("secret",),
    ),
    Task(
        "bb_slow_wifi_channel",
        "broadband",
        "slow Wi-Fi: crowded channel -> scan, the user switches channel",
        True,
        v_wifi,
        b_wifi,
        [
            "wifi super slow in the evenings. {phone}",
            "Hi, our Wi-Fi has been really slow lately, especially at night — video calls freeze and Netflix buffers. "
            "We "
            "pay for {plan} but get a fraction of it. Account {acct}. Can you help?",
            "slow wifi",
            ("internet slow", "only on wifi, wired seems ok. {phone_plain}"),
            "wifi keeps lagging in my apartment building, lots of networks around. acct {acct}",
            ("Hello", ASK, "wifi is very slow since few weeks. {phone}"),
            "Paying for {plan} but getting like 8 Mbps on wifi. {name}, {phone}",
            "my wifi is slow and drops, maybe interference? {phone_plain}",
            "speed is horrible on wifi every night, fix pls. acct {acct}",
        ],
        [
            "Wi-Fi crawls in my flat every evening, there are dozens of neighbours' networks",
            "wired speed is fine but wireless gets a fraction of my plan",
            "how do I fix slow home wifi caused by interference",
        ],
        [
            ("silent:wrong-fix", "sells a plan upgrade instead; the user says thanks"),
            ("visible:gave-up", "changes the channel but it's still slow after a reboot; the user gives up"),
        ],
        follow="also while I have you — the wifi has been really slow in the evenings",
    ),
    Task(
        "bb_book_technician",
        "broadband",
        "agent only: line test shows a physical fault -> book a technician",
        False,
        v_tech,
        b_tech,
        [
            "internet keeps dropping every few minutes, need someone to come check the line. {phone}",
            "Hello, a storm last night knocked a branch onto the cable going to our house and since then the "
            "connection "
            "drops constantly. Could you send a technician? Account {acct}, address {address}.",
            "need a tech visit, connection unstable",
            ("book a technician please", "line keeps disconnecting. acct {acct}"),
            "cable outside damaged by construction, internet cuts out. {phone_plain}",
            ("Hi", ASK, "please send somebody to fix my internet line, it drop every hour. account {acct}"),
            "Can I schedule a repair appointment? Connection has been flaky for a week. {name}, {phone}",
            "internet drops all day long, I've rebooted everything. need a tech. {phone}",
        ],
        [
            "squirrels chewed the line outside our house, can someone come fix it",
            "schedule a repair visit, my home connection drops every hour",
            "I need a technician appointment for an unstable broadband line",
        ],
        [
            ("visible:error", "the dispatch system is down (503), nothing booked"),
            ("silent:skipped-step", "skips the line test and books the first slot, not one the user picked"),
        ],
    ),
    Task(
        "it_mfa_new_phone",
        "it",
        "MFA on a new phone -> remove the old method, issue a TAP, the user enrolls the new phone",
        True,
        v_mfa,
        b_mfa,
        [
            "got a new phone, authenticator codes don't work anymore. {email}",
            "Hi IT, I upgraded my phone over the weekend and didn't move Microsoft Authenticator. Now I can't approve "
            "sign-ins and I'm locked out of Outlook and Teams. My email is {email}. Could you help me set it up again?",
            "mfa not working on new phone",
            ("can't log in", "my authenticator app is on my old phone which I traded in. {email}"),
            ("Hello", ASK, "I need reset my MFA, new telephone. user {upn}"),
            "lost my phone, need to re-register MFA. {name}, {dept}",
            "Authenticator broke after phone reset, pls reset my mfa {email}",
            "new phone. no authenticator. cant sign in to anything. {email}",
        ],
        [
            "Broke my phone and now I can't approve the Microsoft sign-in prompts",
            "an employee needs their authenticator moved to a new device",
            "re-enroll multifactor after switching from android to iphone",
        ],
        [
            ("visible:error", "the TAP can't be issued (policy), the user gives up"),
            ("silent:wrong-action", "resets the password instead of the MFA registration; the user says thanks"),
        ],
        secret="can you clear my MFA so I can enroll my new phone? {upn}. my password is {secret} if you need it",
        secret_keys=("secret",),
    ),
    Task(
        "it_unlock_account",
        "it",
        "agent only: unlock a locked-out account after checking where the failed sign-ins came from",
        False,
        v_unlock,
        b_unlock,
        [
            "my account is locked. {email}",
            "Hi, I typed my password wrong a few times this morning and now it says my account is locked. Could you "
            "unlock "
            "it? I'm {name} in {dept}, email {email}.",
            "locked out",
            ("hi IT", ASK, "my user is locked, too many wrong password. {upn}"),
            "can u unlock {upn}? locked after password change",
            ("I can't sign in", "it says account locked. {email}"),
            "Account lockout on {upn}, please unlock",
            "Got 'your account has been locked' on my laptop, need it unlocked before a 10am meeting. {email}",
        ],
        [
            "Too many failed sign-ins and now I'm locked out of Windows",
            "unlock the directory account for a user who mistyped their password",
            "my work login says the account is locked, can you release it",
        ],
        [
            (
                "silent:should-refuse",
                "unlocks although the failed sign-ins came from an unfamiliar country (should have "
                "gone to Security); the user says thanks",
            ),
            ("visible:handoff", "the account is a protected admin; unlock denied, transfers"),
        ],
        follow="oh and my colleague {name} ({email}) is locked out too, can you unlock them?",
        same_person=False,
    ),
]

NOVEL = [
    ("tel_sim_not_detected", "My phone says 'No SIM card' ever since I dropped it this morning."),
    ("tel_wifi_calling_indoors", "I have zero signal in my basement office — can I make calls over wifi instead?"),
    ("tel_port_out_number", "I'm switching carriers, what's my account number and transfer PIN to port my number?"),
    ("tel_vpn_blocks_data", "Whenever my work VPN app is on, my mobile data stops working completely."),
    ("bb_move_service", "We're moving to {street}, {city} on the 15th — can you move our internet service there?"),
    ("bb_parental_controls", "How do I block some websites for my kids on the Brightlane router?"),
    ("it_printer_setup", "Help me add the 3rd floor printer to my laptop, it doesn't show up in the list."),
    ("it_vpn_cert_expired", "GlobalProtect says my certificate expired and won't connect from home."),
]


# runs --------------------------------------------------------------------------------------------------------------
def plan(rng: random.Random, t: Task) -> list[tuple[str | None, tuple[str, str], Any]]:
    """(failure kind, (format, user-action mode), wording) of each of a task type's 7-9 runs."""
    n = rng.randint(7, min(9, len(t.requests)))
    fails = [k for k, _ in t.fails]
    if len(fails) > 1 and rng.random() < 0.3:
        fails = [rng.choice(fails)]
    kinds: list[str | None] = [None] * (n - len(fails)) + fails
    reqs = rng.sample(t.requests, n)
    if t.secret:
        reqs[rng.randrange(n - len(fails))] = t.secret
    if t.guided:
        prose = rng.sample([("tau2", "prose"), ("openai", "prose"), ("anthropic", "prose")], 2 if n < 9 else 3)
        fmts = prose + [("tau2", "tools") if i % 2 == 0 else ("openai", "tools") for i in range(n - len(prose))]
    else:
        fmts = ([("tau2", "none"), ("openai", "none"), ("anthropic", "none")] * 3)[:n]
    rng.shuffle(fmts)
    return list(zip(kinds, fmts, reqs, strict=True))


def harness(fmt: str, mode: str) -> bool:
    """Does the run come from a tau2-style simulation (a simulated user that ends with ###STOP###)?"""
    return fmt == "tau2" or (fmt == "openai" and mode == "tools")


def make_agent(rng: random.Random, fmt: str, mode: str) -> Agent:
    pool = MODELS["anthropic"] if fmt == "anthropic" else MODELS["tau2"] if harness(fmt, mode) else MODELS["chat"]
    model, narrate, read_all, confirm, verify, slip = rng.choice(pool)
    return Agent(
        model,
        narrate,
        rng.random() < read_all,
        rng.random() < confirm,
        rng.random() < verify,
        rng.random() < slip,
        rng.random() < 0.3,
    )


def build_run(
    rng: random.Random, t: Task, kind: str | None, fm: tuple[str, str], req: Any, partner: Task | None
) -> dict[str, Any]:
    fmt, mode = fm
    r = Run(rng, make_agent(rng, fmt, mode), mode, kind)
    v = t.vals(rng, kind, None)
    v["_req"] = req
    if req == t.secret:
        r.pasted = True
        for k in t.secret_keys:
            r.secret(str(v[k]), "user message")
    tau = harness(fmt, mode)
    greeted = tau or (fmt == "openai" and rng.random() < 0.4)
    if greeted:
        r.say(GREETING)
    ask(req, v, r, greeted)
    t.build(r, v)
    second = None
    if partner is not None:
        v2 = partner.vals(rng, None, v if partner.same_person else None)
        v2["_req"] = partner.follow
        text = partner.follow.format_map(v2)
        r.user(text[0].upper() + text[1:] if rng.random() < 0.5 else text)
        partner.build(r, v2)
        second = {"task": partner.id, "request": text}
    if r.transferred:
        if tau:
            r.user("###TRANSFER###")
        elif rng.random() < 0.5:
            r.u(r.pick("ok", "fine", "ok thanks I guess"))
    elif not r.gave_up:
        if kind:  # a silent failure: the user is none the wiser
            r.u(r.pick(*THANKS))
        elif rng.random() < 0.75:
            r.u(r.pick(*THANKS))
            if rng.random() < 0.4 and not tau:
                r.say(r.pick(*WELCOME))
    if tau and not r.transferred:
        if r.ev[-1][0] == "user":
            r.ev[-1] = ("user", r.ev[-1][1] + " ###STOP###")
        else:
            r.user("###STOP###")
    return {"task": t, "run": r, "v": v, "fmt": fmt, "mode": mode, "req": req, "kind": kind, "second": second}


def meta_for(rng: random.Random, t: Task, v: dict[str, Any], r: Run, fmt: str, mode: str) -> dict[str, Any]:
    now = v["now"].strftime("%Y-%m-%d %H:%M")
    policy = POLICIES[t.domain].format(now=now)
    if harness(fmt, mode):
        system: str | None = f"<instructions>\n{TAU2_INSTRUCTIONS}\n</instructions>\n<policy>\n{policy}\n</policy>"
    else:
        x = rng.random()
        system = policy if x < 0.3 else CHAT_PROMPTS[t.domain].format(now=now) if x < 0.7 else None
    return {
        "model": r.agent.model,
        "system": system,
        "start": v["now"],
        "session_id": uid(rng),
        "tau2_system": rng.random() < 0.35,
        "wrap": rng.choice(["list", "messages", "simulation"])
        if fmt == "tau2"
        else rng.choice(["list", "list", "list", "dict"]),
        "id_key": "id" if rng.random() < 0.75 else "tool_call_id",
        "task_ref": str(rng.randint(0, 399)),
    }


def write(out: str, runs: list[dict[str, Any]], rng: random.Random) -> tuple[list[dict], list[dict], dict]:
    lines, manifest, counts = [], [], {}
    for n, item in enumerate(runs, 1):
        t, r, fmt, mode, kind = item["task"], item["run"], item["fmt"], item["mode"], item["kind"]
        assign_ids(r, fmt)
        meta = meta_for(rng, t, item["v"], r, fmt, mode)
        body = WRITERS[fmt](r, meta)
        fname = f"run_{n:04d}.json"
        with open(os.path.join(out, fname), "w", encoding="utf-8") as f:
            json.dump(body, f, ensure_ascii=False, indent=1)
        key = f"{fmt}/{mode}"
        counts[key] = counts.get(key, 0) + 1
        line: dict[str, Any] = {"trace_file": fname, "task": t.id, "success": kind is None}
        if item["second"]:
            line["also"] = [item["second"]["task"]]
        lines.append(line)
        calls = [x for ev, x in r.ev if ev in ("acall", "ucall")]
        a = r.agent
        manifest.append(
            {
                "trace_file": fname,
                "format": fmt,
                "user_actions": mode,
                "wrapper": meta["wrap"] if fmt != "anthropic" else None,
                "model": a.model,
                "task": t.id,
                "domain": t.domain,
                "success": kind is None,
                "failure_kind": kind,
                "failure": dict(t.fails).get(kind) if kind else None,
                "ended": "transfer" if r.transferred else "user gave up" if r.gave_up else "normal",
                "second_request": item["second"],
                "request_template": item["req"],
                "agent_habits": {
                    "narrate": a.narrate,
                    "read_all": a.read_all,
                    "confirm": a.confirm,
                    "verify": a.verify,
                    "slip": a.slip,
                },
                "user_persona": r.persona,
                "system_prompt": meta["system"] is not None and (fmt != "tau2" or meta["tau2_system"]),
                "n_agent_tool_calls": sum(1 for x in calls if x.by == "assistant"),
                "n_user_tool_calls": sum(1 for x in calls if x.by == "user"),
                "n_error_results": sum(1 for x in calls if x.error),
                "secrets": r.secrets,
            }
        )
    return lines, manifest, counts


def novel_vals(rng: random.Random) -> dict[str, Any]:
    return person(rng)


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--seed", type=int, default=20260812)
    args = ap.parse_args()

    rng = random.Random(args.seed)
    os.makedirs(os.path.join(args.out, "meta"), exist_ok=True)
    assert len({t.id for t in TASKS}) == len(TASKS)
    assert not {tid for tid, _ in NOVEL} & {t.id for t in TASKS}
    for t in TASKS:
        assert len(t.requests) >= 7 and len(t.queries) == 3 and 1 <= len(t.fails) <= 2, t.id
    plans = {t.id: plan(rng, t) for t in TASKS}
    partners = {
        t.id: [
            o for o in TASKS if o.follow and o.domain == t.domain and o is not t and not (t.device_gone and o.guided)
        ]
        for t in TASKS
    }
    slots = [
        (t.id, i)
        for t in TASKS
        for i, (k, _, q) in enumerate(plans[t.id])
        if k is None and q != t.secret and partners[t.id]
    ]
    chosen = set(rng.sample(slots, 8))
    runs = []
    for t in TASKS:
        for i, (kind, fm, req) in enumerate(plans[t.id]):
            partner = rng.choice(partners[t.id]) if (t.id, i) in chosen else None
            runs.append(build_run(rng, t, kind, fm, req, partner))
    rng.shuffle(runs)
    lines, manifest, counts = write(args.out, runs, rng)

    queries = [{"query": q.format_map(t.vals(rng, None, None)), "task": t.id} for t in TASKS for q in t.queries]
    queries += [{"query": q.format_map(novel_vals(rng)), "task": tid} for tid, q in NOVEL]
    rng.shuffle(queries)
    with open(os.path.join(args.out, "sessions.jsonl"), "w", encoding="utf-8") as f:
        f.write("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines + queries))
    described = [
        {
            "id": t.id,
            "domain": t.domain,
            "desc": t.desc,
            "user_acts": t.guided,
            "runs": sum(1 for m in manifest if m["task"] == t.id),
            "failing_runs": [
                {"kind": k, "failure": d}
                for k, d in t.fails
                if any(m["task"] == t.id and m["failure_kind"] == k for m in manifest)
            ],
        }
        for t in TASKS
    ]
    with open(os.path.join(args.out, "meta", "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(
            {
                "seed": args.seed,
                "formats": counts,
                "tasks": described,
                "novel_tasks": [tid for tid, _ in NOVEL],
                "runs": manifest,
            },
            f,
            ensure_ascii=False,
            indent=1,
            default=str,
        )
    n_fail = sum(1 for m in manifest if not m["success"])
    n_secrets = sum(len(m["secrets"]) for m in manifest)
    n_multi = sum(1 for m in manifest if m["second_request"])
    print(
        f"wrote {len(lines)} traces ({', '.join(f'{k} {c}' for k, c in sorted(counts.items()))}), {n_fail} failed, "
        f"{n_multi} with a second request, {len(queries)} queries ({len(NOVEL)} novel), {n_secrets} secrets, "
        f"{len(TASKS)} task types in {len({t.domain for t in TASKS})} domains -> {args.out}"
    )


if __name__ == "__main__":
    main()
