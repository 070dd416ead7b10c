"""Labelled agent sessions in a fourth set of domains, written blind: telecom support (usage, roaming, data
add-ons, no-data troubleshooting with device steps, SIM swap, bill disputes, cancellation hand-off), retail
banking (card freeze, charge disputes, transfers between own accounts, limits, fraud hand-off), a clinic front
desk (reschedule, cancel, refill routing), insurance claims (file, status, documents), hotels (modify a stay,
late checkout), food delivery (missing item), utilities (meter readings, payment plans), and internal ops (LMS
deadline extensions, IT MFA resets, warehouse cycle-count adjustments, courier reassignment). A held-out-style
check for ``deftly bench --jsonl DIR/sessions.jsonl``.

The generator was written without reading deftly's extraction, matching or ranking code, and is not tuned to it.
Most types are tau-bench-like customer-service chats: a policy in the system prompt, a user who may give details
piecemeal, an agent that looks the customer up, confirms before writes (or not), and sometimes walks the user
through steps on their device. Each of the 27 task types is run 8 times with other people, ids, dates, amounts
and wordings (terse, chatty, typo'd, with backstory, non-native English, the goal revealed only when the agent
asks, the request split over two turns). Agents behave like different models: some authenticate first, some
narrate, some call silently, some confirm ("Shall I proceed? (yes/no)"), some verify after a write, some hit a
recoverable tool error and fix it. 1 or 2 runs of a type fail, visibly (an unrecovered error, the user saying it
did not work, a wrong refusal, giving up and transferring) or silently (a wrong argument or option, and the user
says thanks). Some types are read-only, some end in "checked, nothing to do", some branch on a lookup, three are
policy hand-offs. About a fifth of the sessions hold a second, different request from the same customer (the run
is labelled with its first request; the manifest names the second). Tool names are snake_case in the customer
chats and dotted / mcp__server__tool / server__tool in the internal-ops types, depending on the harness. A few
runs carry realistic secrets (listed in the manifest).

Traces: about 60% OpenAI chat-completions, the rest Anthropic Messages, OpenAI Responses items, Vercel AI SDK v5
(UI messages and model messages), Claude Code JSONL and Codex CLI rollouts (the last two for internal ops only).
Each task type gets 3 unseen queries worded unlike its runs, and 10 novel queries ask for task types that were
never run. Standard library only; deterministic for a given --seed.

    python bench/fourth_domains.py --out DIR [--seed N]
    deftly bench --jsonl DIR/sessions.jsonl --verbose

Writes into DIR:
  run_XXXX.json(l)   one trace per run (.jsonl for Claude Code and Codex transcripts)
  sessions.jsonl     {"trace_file","task","success"[,"also"]} lines (runs), then {"query","task"} lines
  meta/manifest.json per-run details (format, model, style, failure kind and description, second request,
                     secrets) -- NOT for ingestion
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
from dataclasses import dataclass
from typing import Any

# ----------------------------------------------------------------------------------------------
# vocabulary
# ----------------------------------------------------------------------------------------------
FIRST_NAMES = [
    "Maria", "James", "Aisha", "Tomasz", "Priya", "Daniel", "Mei", "Oluwaseun", "Sofia", "Kenji", "Fatima",
    "Liam", "Chloe", "Mateo", "Ingrid", "Rahul", "Grace", "Youssef", "Hannah", "Diego", "Nadia", "Patrick",
    "Yuki", "Amara", "Lucas", "Zanele", "Erik", "Camila", "Tariq", "Rosa", "Dmitri", "Leila", "Owen", "Ana",
]  # fmt: skip
LAST_NAMES = [
    "Okafor", "Nguyen", "Kowalski", "Fernandes", "Schmidt", "Haddad", "Sato", "Murphy", "Patel", "Lindqvist",
    "Romero", "Adeyemi", "Cohen", "Moreau", "Brennan", "Castillo", "Ivanova", "Chen", "Mensah", "O'Neill",
    "Rossi", "Yilmaz", "Kim", "Dubois", "Walsh", "Novak", "Bianchi", "Garcia", "Tanaka", "Hughes",
]  # fmt: skip
STREETS = [
    "Maple Ave", "Harbor St", "Linden Rd", "Quarry Ln", "Birchwood Dr", "Elm Ct", "Prospect Pl", "Ridge Rd",
    "Mill St", "Kingsley Way", "Orchard Blvd", "Cedar Hollow", "Bayview Ter", "Foundry Row",
]  # fmt: skip
CITIES = [
    ("Portland", "OR", "972"), ("Columbus", "OH", "432"), ("Raleigh", "NC", "276"), ("Tucson", "AZ", "857"),
    ("Madison", "WI", "537"), ("Albany", "NY", "122"), ("Boise", "ID", "837"), ("Richmond", "VA", "232"),
    ("Spokane", "WA", "992"), ("Savannah", "GA", "314"),
]  # fmt: skip
AREA = {"OR": "503", "OH": "614", "NC": "919", "AZ": "520", "WI": "608", "NY": "518", "ID": "208", "VA": "804",
        "WA": "509", "GA": "912"}  # fmt: skip

GREETS = ["hi", "hello", "hey there", "good morning", "hi, hoping you can help", "hello?"]
THANKS = ["thanks!", "great, thank you", "perfect, thanks", "ty", "thank you so much", "ok cool thanks", "awesome"]
WELCOME = [
    "You're welcome! Anything else I can help with?",
    "Happy to help. Have a great day!",
    "Glad I could help.",
    "You're all set. Take care!",
]
YES = ["yes", "yes please", "yep", "go ahead", "confirm", "yes, proceed", "y", "ok do it", "sounds good, yes"]
HANDOFF_LINES = [
    "I've transferred you to a specialist; they'll pick up this conversation shortly.",
    "I'm handing this over to a human agent now — please stay in the chat.",
    "You're being transferred to our team; someone will be with you in a few minutes.",
]

# Which models each format's runs come from, and how each tends to behave:
# (model, narrate, auth_first, confirm, verify)
MODELS = {
    "openai": [
        ("gpt-4o", 0.25, 0.6, 0.5, 0.2),
        ("gpt-4o-mini", 0.1, 0.3, 0.3, 0.1),
        ("gpt-4.1", 0.35, 0.7, 0.7, 0.4),
        ("gpt-4.1-mini", 0.15, 0.4, 0.4, 0.15),
        ("qwen2.5-72b-instruct", 0.5, 0.5, 0.4, 0.2),
        ("llama-3.3-70b-instruct", 0.4, 0.4, 0.3, 0.1),
    ],
    "anthropic": [
        ("claude-sonnet-4-5", 0.8, 0.8, 0.8, 0.5),
        ("claude-3-5-haiku-latest", 0.5, 0.5, 0.5, 0.2),
        ("claude-opus-4-1", 0.9, 0.9, 0.8, 0.6),
    ],
    "openai-responses": [
        ("gpt-5", 0.3, 0.8, 0.6, 0.5),
        ("o4-mini", 0.2, 0.6, 0.5, 0.3),
        ("gpt-4.1", 0.4, 0.6, 0.6, 0.3),
    ],
    "vercel-ui": [
        ("gpt-4o", 0.3, 0.5, 0.4, 0.2),
        ("gemini-2.5-flash", 0.5, 0.4, 0.3, 0.2),
        ("mistral-large-latest", 0.6, 0.5, 0.4, 0.2),
    ],
    "vercel-model": [("claude-sonnet-4-5", 0.7, 0.7, 0.7, 0.4), ("gemini-2.5-pro", 0.5, 0.6, 0.5, 0.3)],
    "claude-code": [
        ("claude-sonnet-4-5-20250929", 0.8, 0.5, 0.6, 0.5),
        ("claude-opus-4-1-20250805", 0.9, 0.6, 0.7, 0.6),
    ],
    "codex": [("gpt-5-codex", 0.3, 0.4, 0.4, 0.4), ("gpt-5", 0.2, 0.5, 0.3, 0.3)],
}

# Format weights: customer-service chats come from chat apps; internal ops also from coding-agent harnesses.
CS_FORMATS = {"openai": 69, "anthropic": 11, "openai-responses": 9, "vercel-ui": 8, "vercel-model": 8}
OPS_FORMATS = {"openai": 25, "openai-responses": 15, "anthropic": 8, "claude-code": 30, "codex": 22}

COMPANIES = {
    "telecom": "Brightwave Mobile",
    "bank": "Northgate Federal Bank",
    "clinic": "Cedar Grove Family Health",
    "insurance": "Meridian Mutual Insurance",
    "hotel": "Harbourline Hotels",
    "food": "Forkful",
    "utility": "Tri-County Power & Water",
    "lms": "Westbrook Community College",
    "it": "Halvorsen Freight",
    "warehouse": "Halvorsen Freight",
    "dispatch": "Forkful",
}

SYSTEM_PROMPTS = {
    "telecom": [
        "# Brightwave Mobile customer support policy\n\nYou are a customer service agent for Brightwave Mobile. "
        "The current time is {now}.\n\n- Before any account action, identify the customer by the mobile number on "
        "the account and confirm one of: billing ZIP code, account PIN or full name.\n- Before any action that "
        "changes the account (plan, add-ons, roaming, SIM, credits) you must list the action details and obtain "
        "explicit user confirmation (yes) to proceed.\n- You may issue bill credits of up to $50 per bill on your "
        "own; larger amounts or repeat disputes go to a billing dispute case.\n- SIM swaps and eSIM transfers "
        "require a one-time code sent to the account email or an alternate number, never to the line being "
        "swapped.\n- Cancellations, port-out and contract buyouts must be transferred to the retention team with "
        "transfer_to_human_agents.\n- You should not make up information or give subjective recommendations. "
        "Make one tool call at a time.",
        "You are Wave, the Brightwave Mobile support assistant. Today is {today}. Help customers with usage, "
        "plans, add-ons, roaming, SIMs and bills using the tools. Authenticate the customer first (mobile number "
        "plus ZIP or PIN). Confirm before charging the customer or changing their service. Transfer cancellation "
        "requests to a human agent. If the customer has a technical issue, check the line and network before "
        "troubleshooting the device with them step by step.",
    ],
    "bank": [
        "# Northgate Federal Bank — digital assistant policy\n\nCurrent time: {now}.\n\n- Authenticate the "
        "customer with their customer number or email plus date of birth before discussing any account.\n- Never "
        "ask for or repeat a full card number, PIN, password or one-time passcode. If a customer shares one, do "
        "not store it and tell them not to share it.\n- Confirm the details of any money movement, card status "
        "change, limit change or dispute and get an explicit yes before acting.\n- Transfers between the "
        "customer's own accounts only; external transfers are out of scope.\n- Daily card limits may be raised up "
        "to the maximum for the customer's tier.\n- Suspected fraud or account takeover: lock online access, "
        "freeze affected cards, and transfer to the fraud team with transfer_to_human_agents. Do not reverse "
        "transactions yourself.",
        "You are a helpful banking assistant for Northgate Federal Bank. Today is {today}. Verify identity "
        "first. Be precise with amounts and account numbers (use the masked forms). Pending transactions cannot be "
        "disputed until they post. Ask for confirmation before any change.",
    ],
    "clinic": [
        "You are the virtual front desk for Cedar Grove Family Health. Today is {today}.\n\nRules:\n1. Verify the "
        "patient with full name and date of birth before looking at or changing appointments.\n2. Cancellations "
        "less than 24 hours before the visit incur a $40 late-cancellation fee; tell the patient before "
        "cancelling.\n3. Never give medical advice. Refill requests are routed to the prescriber's pool; "
        "controlled substances (Schedule II-V) cannot be refilled through the front desk — transfer to the nurse "
        "line.\n4. Confirm the new date, time and provider before rebooking.",
        "# Cedar Grove Family Health scheduling assistant\nCurrent time {now}. Identify the patient (name + DOB). "
        "Offer at most three slots at a time. Keep the same provider unless the patient asks otherwise. Route "
        "clinical questions and controlled-medication refills to staff with transfer_to_human_agents.",
    ],
    "insurance": [
        "You are a claims assistant for Meridian Mutual Insurance. The current time is {now}.\n\n- Verify the "
        "policyholder by policy number and date of birth.\n- Only file a claim under an active policy whose "
        "coverage includes the loss type; otherwise explain why.\n- Read back the claim details (date of loss, "
        "type, description, estimate) and get a yes before submitting.\n- Documents are attached to an existing "
        "claim; never create a second claim for the same loss.\n- Do not promise payout amounts or timelines "
        "beyond what the claim record says.",
        "Meridian Mutual claims help desk. Today is {today}. Authenticate, then help with new claims, claim "
        "status and document uploads. Confirm before submitting anything.",
    ],
    "hotel": [
        "You are the reservations assistant for Harbourline Hotels. Today is {today}. Identify the guest by "
        "confirmation number and last name. Changes to a stay must be repriced and confirmed with the guest before "
        "you commit them. Late checkout: free until 1pm for Gold and Platinum members, otherwise $30 until 1pm or "
        "$60 until 3pm, subject to availability.",
    ],
    "food": [
        "You are Forkful's customer support agent. The current time is {now}. Look the order up before anything "
        "else. Missing or wrong items: refund the item (with its share of tax) to the original payment method; if "
        "the order was paid with Forkful credit or a gift card, refund as Forkful credit. Do not refund the "
        "delivery fee or tip unless the whole order failed. Confirm the refund amount with the customer first.",
    ],
    "utility": [
        "You are the Tri-County Power & Water account assistant. Today is {today}.\n- Identify the customer by "
        "account number or service address plus last name.\n- Meter readings must be at least the last actual "
        "reading; if lower, ask the customer to re-check the dial.\n- Payment plans: overdue balances of $100 or "
        "more, 3, 6 or 9 monthly installments, one active plan per account. Confirm the installment amount before "
        "creating the plan.",
    ],
    "lms": [
        "You are an admin assistant for Westbrook Community College's LMS. Today is {today}. You can look up "
        "courses, students and assignments and change due dates or enrolments. Extensions need an approved "
        "accommodation or instructor approval; record the reason.",
    ],
    "it": [
        "You are Halvorsen Freight's IT helpdesk copilot. Today is {today}. MFA resets require the ticket to carry "
        "manager approval and the employee's identity to be verified by a call-back. Log every action on the "
        "ticket.",
    ],
    "warehouse": [
        "You are an inventory-control assistant for Halvorsen Freight DC-3. Today is {today}. Adjustments over "
        "25 units or $500 need a supervisor approval id. Always use a reason code.",
    ],
    "dispatch": [
        "You are a dispatch operations assistant for Forkful. Today is {today}. Only reassign orders whose courier "
        "is idle or unreachable for more than 10 minutes. Prefer couriers within 2 km of the restaurant.",
    ],
}


# ----------------------------------------------------------------------------------------------
# small helpers
# ----------------------------------------------------------------------------------------------
def alnum(rng: random.Random, n: int, chars: str = string.ascii_uppercase + string.digits) -> str:
    return "".join(rng.choice(chars) for _ in range(n))


def digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def hexs(rng: random.Random, n: int) -> str:
    return alnum(rng, n, "0123456789abcdef")


def iso(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def usd(x: float) -> str:
    return f"${x:,.2f}"


def nice_date(d: dt.date) -> str:
    return d.strftime("%A, %B ") + str(d.day)


def short_date(d: dt.date) -> str:
    return d.strftime("%b ") + str(d.day)


def hhmm(t: dt.datetime) -> str:
    h = t.hour % 12 or 12
    return f"{h}:{t.minute:02d} {'AM' if t.hour < 12 else 'PM'}"


def luhn_complete(prefix: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(prefix)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return prefix + str((10 - total % 10) % 10)


class Ctx:
    """Entity factory shared by all task types (one rng, so the whole set is deterministic)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def pick(self, seq: Any) -> Any:
        return self.rng.choice(list(seq))

    def person(self) -> dict[str, Any]:
        r = self.rng
        first, last = self.pick(FIRST_NAMES), self.pick(LAST_NAMES)
        city, state, zip3 = self.pick(CITIES)
        area = AREA[state]
        num = f"{r.randint(201, 989)}{r.randint(1000, 9999)}"
        mail = self.pick(["gmail.com", "outlook.com", "yahoo.com", "icloud.com", "proton.me", "fastmail.com"])
        local = self.pick([f"{first}.{last}", f"{first[0]}{last}", f"{first}{r.randint(1, 99)}", f"{last}.{first}"])
        dob = dt.date(r.randint(1952, 2003), r.randint(1, 12), r.randint(1, 28))
        return {
            "first": first,
            "last": last,
            "name": f"{first} {last}",
            "email": local.lower().replace("'", "") + "@" + mail,
            "msisdn": f"+1{area}{num}",
            "phone_nat": f"({area}) {num[:3]}-{num[3:]}",
            "phone_plain": f"{area}{num}",
            "zip": f"{zip3}{r.randint(10, 99)}",
            "street": f"{r.randint(12, 9800)} {self.pick(STREETS)}",
            "city": city,
            "state": state,
            "dob": dob.isoformat(),
            "dob_us": dob.strftime("%m/%d/%Y"),
            "dob_words": dob.strftime("%B ") + f"{dob.day}, {dob.year}",
        }

    def when(self) -> dt.datetime:
        day = dt.date(2026, 1, 7) + dt.timedelta(days=self.rng.randrange(300))
        return dt.datetime(day.year, day.month, day.day, self.rng.randint(8, 20), self.rng.randrange(60))

    def secret(self, kind: str) -> str:
        r = self.rng
        if kind == "otp":
            return digits(r, 6)
        if kind == "visa":
            return luhn_complete("4" + digits(r, 14))
        if kind == "mc":
            return luhn_complete("5" + str(r.randint(1, 5)) + digits(r, 13))
        if kind == "stripe":
            return (
                "sk_live_51"
                + alnum(r, 22, string.ascii_letters + string.digits)
                + alnum(r, 40, string.ascii_letters + string.digits)
            )
        if kind == "dispatch_key":
            return "fkd_live_" + hexs(r, 32)
        if kind == "aws_presign":
            return (
                "X-Amz-Credential=AKIA"
                + alnum(r, 16)
                + "%2F20260214%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature="
                + hexs(r, 64)
            )
        if kind == "temp_password":
            return (
                r.choice(["Tundra", "Pylon", "Saffron", "Cobalt", "Kestrel"])
                + digits(r, 4)
                + r.choice("!#%@")
                + alnum(r, 4, string.ascii_lowercase)
            )
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
    kind: str = "tool"  # tool | bash
    exit_code: int = 0
    stderr: str = ""
    parallel: bool = False
    cid: str = ""


@dataclass
class Style:
    model: str
    narrate: float
    auth_first: bool
    confirm: bool
    verify: bool
    pretty: bool
    sdk_errors: bool  # Responses runs: errors wrapped the Agents SDK way
    naming: str = "dotted"  # how internal tool names are exposed: dotted | mcp | codex | snake


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
        self.authed = False
        self.closed = False  # the build already ended the chat (complaint, hand-off)
        self.pending_second: str | None = None  # a second request the user already made in the first message

    @property
    def fail(self) -> bool:
        return self.role == "fail"

    @property
    def recover(self) -> bool:
        return self.role == "recover"

    def pick(self, *options: Any) -> Any:
        return self.rng.choice(options)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

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

    def err(self, name: str, args: dict[str, Any], text: str) -> None:
        self.call(name, args, text, error=True)

    def sh(self, cmd: str, out: str = "", code: int = 0, err: str = "") -> str:
        self.ncalls += 1
        self.ev.append(
            ("call", Call("bash", {"command": cmd}, out, error=code != 0, kind="bash", exit_code=code, stderr=err))
        )
        return out

    def secret(self, value: str, where: str) -> str:
        self.secrets.append({"value": value, "where": where})
        return value

    def confirm(self, summary: str) -> None:
        """Models that follow the 'explicit yes' rule list the action and wait."""
        if self.style.confirm:
            tail = self.pick(
                " Shall I proceed? (yes/no)",
                " Do you want me to go ahead?",
                " Can you confirm (yes/no)?",
                "\n\nPlease reply yes to confirm.",
            )
            self.say(summary + tail)
            self.user(self.pick(*YES))

    def thanks(self, p: float = 0.65) -> None:
        if self.rng.random() < p:
            self.user(self.pick(*THANKS))
            if self.rng.random() < 0.5:
                self.say(self.pick(*WELCOME))

    def handoff(self, summary: str, reason: str) -> None:
        self.call(
            "transfer_to_human_agents",
            {"summary": summary},
            {"status": "transferred", "queue": reason, "estimated_wait_minutes": self.rng.randint(2, 14)},
        )
        self.say(self.pick(*HANDOFF_LINES))
        self.closed = True


def ask(req: Any, v: dict[str, Any], r: Run) -> None:
    """Open the session with the request: a string, (first turn, second turn) sent back to back, or
    (first turn, agent reply, second turn)."""
    if isinstance(req, str):
        if r.rng.random() < 0.15:
            r.user(r.pick(*GREETS))
            r.say(
                r.pick("Hi! How can I help you today?", "Hello — what can I do for you?", "Hi there, how can I help?")
            )
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


def gave(v: dict[str, Any], *keys: str) -> bool:
    """Did the opening request already carry one of these values?"""
    req = str(v.get("_req", ""))
    return any("{" + k + "}" in req for k in keys)


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
    if c.kind == "bash":
        text = "\n".join(p for p in (c.result, c.stderr) if p)
        return f"{text}\n[exit code: {c.exit_code}]" if c.exit_code else (text or "(no output)")
    return as_text(c.result, st.pretty)


def expose_names(run: Run, fmt: str) -> None:
    """Internal-ops tools are written `server.tool`; each harness exposes them its own way."""
    for kind, item in run.ev:
        if kind != "call" or "." not in item.name:
            continue
        server, tool = item.name.split(".", 1)
        if fmt == "claude-code" or run.style.naming == "mcp":
            item.name = f"mcp__{server}__{tool}"
        elif fmt == "codex" or run.style.naming == "codex":
            item.name = f"{server}__{tool}"
        elif run.style.naming == "snake":
            item.name = f"{server}_{tool}"


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
            item.cid = "toolu_01" + alnum(rng, 22, string.ascii_letters + string.digits)
        elif style == "short":
            item.cid = f"tool_{n}_{hexs(rng, 8)}"
        else:
            item.cid = "call_" + alnum(rng, 24, string.ascii_letters + string.digits)


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
    out["max_tokens"] = run.rng.choice([1024, 4096, 8192])
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
            if meta["model"] in ("gpt-5", "o4-mini") and rng.random() < 0.6:
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
                if c.error and run.style.sdk_errors:
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
        part.update(state="output-available", input=c.args, output=c.result)
    return part


def w_vercel_ui(run: Run, meta: dict[str, Any]) -> Any:
    rng = run.rng
    msgs: list[dict[str, Any]] = []
    for tn in turns(run.ev):
        mid = alnum(rng, 16, string.ascii_letters + string.digits)
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
        "gitBranch": "",
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
                if c.kind == "bash":
                    args = {"command": c.args["command"], "description": " ".join(c.args["command"].split()[:3])}
                    content.append({"type": "tool_use", "id": c.cid, "name": "Bash", "input": args})
                else:
                    content.append({"type": "tool_use", "id": c.cid, "name": c.name, "input": c.args})
            last = i == len(tn["steps"]) - 1 and not step["calls"]
            message = {
                "model": meta["model"],
                "id": "msg_01" + alnum(rng, 22, string.ascii_letters + string.digits),
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
            a_uid = emit(
                "assistant", message, requestId="req_011C" + alnum(rng, 18, string.ascii_letters + string.digits)
            )
            for c in step["calls"]:
                text = (
                    result_text(c, run.style) if c.kind != "bash" else "\n".join(p for p in (c.result, c.stderr) if p)
                )
                res: dict[str, Any] = {"tool_use_id": c.cid, "type": "tool_result", "content": text}
                res["is_error"] = bool(c.error)
                if c.error:
                    tur: Any = "Error: " + text
                elif c.kind == "bash":
                    tur = {"stdout": c.result, "stderr": c.stderr, "interrupted": False, "isImage": False}
                else:
                    tur = [{"type": "text", "text": text}]
                emit("user", {"role": "user", "content": [res]}, toolUseResult=tur, sourceToolAssistantUUID=a_uid)
    if meta.get("title"):
        lines.insert(0, {"type": "summary", "summary": meta["title"], "leafUuid": parent[0]})
    return lines


def w_codex(run: Run, meta: dict[str, Any]) -> Any:
    """Codex CLI rollout; MCP tools appear as `server__tool` function calls, the shell as `shell`."""
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
                    f"<environment_context>\n  <cwd>{meta['cwd']}</cwd>\n  <approval_policy>on-request"
                    "</approval_policy>\n  <sandbox_mode>workspace-write</sandbox_mode>\n  <network_access>enabled"
                    "</network_access>\n  <shell>bash</shell>\n</environment_context>"
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
                if c.kind == "bash":
                    args = {"command": ["bash", "-lc", c.args["command"]], "workdir": meta["cwd"], "timeout_ms": 120000}
                    name = "shell"
                else:
                    args, name = c.args, c.name
                lines.append(
                    {
                        "timestamp": clock.tick(),
                        "type": "response_item",
                        "payload": {
                            "type": "function_call",
                            "name": name,
                            "arguments": json.dumps(args),
                            "call_id": c.cid,
                        },
                    }
                )
                took = round(rng.uniform(0.05, 4.0), 2)
                if c.kind == "bash":
                    output = "\n".join(p for p in (c.result, c.stderr) if p)
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
                    body = json.dumps(
                        {"output": output, "metadata": {"exit_code": c.exit_code, "duration_seconds": took}}
                    )
                else:
                    server, _, tool = c.name.partition("__")
                    text = result_text(c, run.style)
                    result: dict[str, Any] = (
                        {"Err": text}
                        if c.error
                        else {"Ok": {"content": [{"type": "text", "text": text}], "isError": False}}
                    )
                    lines.append(
                        {
                            "timestamp": clock.tick(0.1, took + 0.2),
                            "type": "event_msg",
                            "payload": {
                                "type": "mcp_tool_call_end",
                                "call_id": c.cid,
                                "invocation": {"server": server, "tool": tool, "arguments": c.args},
                                "duration": {"secs": int(took), "nanos": int((took % 1) * 1e9)},
                                "result": result,
                            },
                        }
                    )
                    body = text if not c.error else f"tool call error: {text}"
                lines.append(
                    {
                        "timestamp": clock.tick(0.0, 0.01),
                        "type": "response_item",
                        "payload": {"type": "function_call_output", "call_id": c.cid, "output": body},
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
    vals: Callable[[Ctx, int], dict[str, Any]]
    build: Callable[[Run, dict[str, Any]], None]
    requests: list[Any]  # templates: str | (turn, turn) | (turn, agent reply, turn)
    queries: list[str]  # 3 unseen requests, formatted with fresh vals
    fail_kind: str  # visible | silent
    fail_desc: str
    tools: list[str]
    n_fail: int = 1
    roles: tuple[str, ...] = ()  # extra roles among the successful runs: recover, noop
    ops: bool = False  # internal ops (other harnesses, dotted/MCP tool names)
    secret: bool = False  # one successful run carries a secret (a request template or want_secret)
    follow: str = ""  # how this task is asked as a second request in a session ("{...}" placeholders)


TASKS: list[Task] = []


def base(c: Ctx, domain: str, ident: dict[str, Any] | None, **extra: Any) -> dict[str, Any]:
    """Identity fields (shared when one customer asks for two things in a session) plus time and company."""
    if ident is None:
        ident = {**c.person(), **extra}
        ident["_idkeys"] = [k for k in ident if not k.startswith("_")]
    v = dict(ident)
    w = ident.get("_when") or c.when()
    v.update(
        when=w,
        today=w.date().isoformat(),
        now=w.strftime("%Y-%m-%d %H:%M:%S EST"),
        company=COMPANIES[domain],
        domain=domain,
    )
    return v


def ident_of(v: dict[str, Any]) -> dict[str, Any]:
    out = {k: v[k] for k in v["_idkeys"]}
    out["_idkeys"] = v["_idkeys"]
    out["_when"] = v["when"] + dt.timedelta(minutes=3)
    return out


# ==============================================================================================
# telecom
# ==============================================================================================
TEL_PLANS = [
    # name, monthly, GB cap (None = unlimited), premium GB before deprioritisation
    ("Unlimited Plus", 85.0, None, 100),
    ("Unlimited Essentials", 65.0, None, 50),
    ("Flex 15GB", 45.0, 15, None),
    ("Flex 5GB", 30.0, 5, None),
    ("Connect 25GB", 50.0, 25, None),
]
DEVICES = [
    ("iPhone 15", "ios"), ("iPhone 13 mini", "ios"), ("iPhone SE (3rd gen)", "ios"), ("Galaxy S24", "android"),
    ("Galaxy A54", "android"), ("Pixel 8", "android"), ("Moto G Power", "android"),
]  # fmt: skip
OTHER_LINE_NAMES = ["Sam", "Lucy", "Dad", "Mom", "Theo", "Ava's phone", "Work", "Iris", "Jonah"]


def tel_vals(c: Ctx, i: int, ident: dict[str, Any] | None = None, multi: bool | None = None) -> dict[str, Any]:
    if ident is None:
        r = c.rng
        p = c.person()
        plan = c.pick(TEL_PLANS)
        n_other = (r.choice([1, 2, 3]) if multi else 0) if multi is not None else r.choice([0, 0, 1, 2])
        dev, os_ = c.pick(DEVICES)
        mine = {"line_id": "LN-" + digits(r, 7), "msisdn": p["msisdn"], "nickname": p["first"], "device": dev}
        lines = [mine]
        for _ in range(n_other):
            num = f"+1{p['msisdn'][2:5]}{r.randint(201, 989)}{r.randint(1000, 9999)}"
            lines.append(
                {
                    "line_id": "LN-" + digits(r, 7),
                    "msisdn": num,
                    "nickname": c.pick(OTHER_LINE_NAMES),
                    "device": c.pick(DEVICES)[0],
                }
            )
        if multi and len(lines) > 1:  # the caller's line is not the primary one
            lines[0], lines[1] = lines[1], lines[0]
        ident = {
            **p,
            "account_id": "BW-" + digits(r, 7),
            "plan": plan[0],
            "plan_price": plan[1],
            "cap_gb": plan[2],
            "priority_gb": plan[3],
            "lines": lines,
            "line_id": mine["line_id"],
            "device": dev,
            "os": os_,
            "pin": digits(r, 4),
        }
        ident["_idkeys"] = [k for k in ident if not k.startswith("_")]
    return base(c, "telecom", ident)


def tel_account(v: dict[str, Any], status: str = "active") -> dict[str, Any]:
    cycle_end = v["when"].date().replace(day=1) + dt.timedelta(days=32)
    return {
        "account_id": v["account_id"],
        "holder": {"name": v["name"], "email": v["email"], "billing_zip": v["zip"]},
        "status": status,
        "plan": {
            "name": v["plan"],
            "monthly_price": v["plan_price"],
            "data_cap_gb": v["cap_gb"],
            "premium_data_gb": v["priority_gb"],
        },
        "billing_cycle_end": cycle_end.replace(day=min(cycle_end.day, 28)).isoformat(),
        "autopay": True,
        "lines": [
            {
                "line_id": ln["line_id"],
                "msisdn": ln["msisdn"],
                "nickname": ln["nickname"],
                "device": ln["device"],
                "status": "active",
            }
            for ln in v["lines"]
        ],
    }


def tel_identify(r: Run, v: dict[str, Any]) -> None:
    if r.authed:
        return
    if not gave(v, "phone_nat", "phone_plain", "msisdn"):
        r.say(
            r.pick(
                "I can help with that. What's the mobile number on the account?",
                "Sure! Could you share the Brightwave number this is about?",
                "Happy to look into it. First, which phone number is the account under?",
            )
        )
        r.user(r.pick(v["phone_nat"], f"its {v['phone_plain']}", f"{v['phone_nat']} — account is under {v['name']}"))
    if r.style.auth_first:
        r.say(
            r.pick(
                "Thanks. For security, can you confirm the billing ZIP code on the account?",
                "Thank you. Before I make any changes I need to verify you — what's the account PIN or billing ZIP?",
            )
        )
        r.user(r.pick(v["zip"], f"zip is {v['zip']}", f"pin {v['pin']}"))
    r.note(r.pick("Let me pull up your account.", "One moment while I find the account."))
    r.call("lookup_subscriber", {"phone_number": v["msisdn"]}, tel_account(v))
    r.authed = True


def tel_usage(r: Run, v: dict[str, Any], ln: dict[str, Any], used: float) -> dict[str, Any]:
    cap = v["cap_gb"]
    return {
        "line_id": ln["line_id"],
        "msisdn": ln["msisdn"],
        "cycle": {"start": (v["when"].date().replace(day=1)).isoformat(), "days_left": 30 - v["when"].day % 30},
        "data": {
            "used_gb": used,
            "cap_gb": cap,
            "remaining_gb": None if cap is None else round(max(cap - used, 0), 2),
            "premium_threshold_gb": v["priority_gb"],
            "throttled": cap is not None and used >= cap,
            "addons": [],
        },
        "voice_minutes": r.rng.randint(20, 900),
        "sms": r.rng.randint(3, 600),
        "hotspot_gb": round(r.rng.uniform(0, 4), 2),
    }


def v_usage(c: Ctx, i: int, ident: dict[str, Any] | None = None) -> dict[str, Any]:
    v = tel_vals(c, i, ident, multi=True if i in (0, 1) else None)
    v["used"] = round(c.rng.uniform(0.4, (v["cap_gb"] or 60) * 0.95), 2)
    return v


def b_usage(r: Run, v: dict[str, Any]) -> None:
    tel_identify(r, v)
    mine = next(ln for ln in v["lines"] if ln["line_id"] == v["line_id"])
    ln = v["lines"][0] if r.fail else mine  # silent failure: reads the primary line, not the caller's
    if r.recover:
        r.err(
            "get_line_usage",
            {"line_id": ln["msisdn"]},
            "Error: invalid line_id '" + ln["msisdn"] + "'. Expected format LN-XXXXXXX.",
        )
    used = v["used"] if ln is mine else round(r.rng.uniform(0.5, 9.0), 2)
    u = r.call("get_line_usage", {"line_id": ln["line_id"], "cycle": "current"}, tel_usage(r, v, ln, used))
    d = u["data"]
    if d["cap_gb"] is None:
        r.say(
            f"So far this cycle the line ending {ln['msisdn'][-4:]} has used {d['used_gb']} GB. You're on "
            f"{v['plan']}, which is unlimited — speeds may slow in busy areas after {d['premium_threshold_gb']} GB. "
            f"The cycle resets in {u['cycle']['days_left']} days."
        )
    else:
        r.say(
            f"You've used {d['used_gb']} GB of your {d['cap_gb']} GB on the line ending {ln['msisdn'][-4:]}, "
            f"so {d['remaining_gb']} GB is left, with {u['cycle']['days_left']} days to go in the cycle."
        )
    if r.fail:
        r.user(r.pick(*THANKS))
        r.closed = True


TASKS.append(
    Task(
        id="tel_data_usage",
        domain="telecom",
        desc="Telecom: tell the customer how much mobile data their line has used this cycle (read-only)",
        vals=v_usage,
        build=b_usage,
        requests=[
            "how much data have i used this month? number is {phone_nat}",
            "Hi, I'd like to know how much of my data allowance is left on my Brightwave line.",
            "hey my phone keeps warning me about data. how much have I actually used?? {phone_plain}",
            ("Hello.", "Hi! How can I help you today?", "I want check my data usage please, I think I use too much"),
            "quick one — remaining data on {phone_nat}?",
            (
                "My daughter says I'm using all our data streaming in the car lol",
                "can you tell me how much I've used so far this cycle",
            ),
        ],
        queries=[
            "Is there any way to see how many gigs are left before my Brightwave plan slows me down? "
            "my line is {phone_nat}",
            "customer on {plan} wants their current-cycle data consumption",
            "how close am I to my monthly data cap",
        ],
        fail_kind="silent",
        fail_desc="on a multi-line account reads the usage of the primary line instead of the caller's line; the "
        "user thanks",
        tools=["lookup_subscriber", "get_line_usage"],
        roles=("recover",),
        follow="oh and while I have you, how much data have I used so far this month?",
    )
)


ROAM_PATH = {
    "ios": "Settings > Cellular > Cellular Data Options",
    "android": "Settings > Connections > Mobile networks",
}
ROAM = [
    ("Mexico", "MX", "included", 0.0), ("Canada", "CA", "included", 0.0), ("Portugal", "PT", "TravelPass", 10.0),
    ("Japan", "JP", "TravelPass", 10.0), ("Italy", "IT", "TravelPass", 10.0), ("Colombia", "CO", "TravelPass", 10.0),
    ("United Kingdom", "GB", "TravelPass", 10.0), ("Vietnam", "VN", "pay-per-use", 2.05),
]  # fmt: skip


def v_roam(c: Ctx, i: int, ident: dict[str, Any] | None = None) -> dict[str, Any]:
    v = tel_vals(c, i, ident)
    v["country"], v["cc"], v["roam_kind"], v["roam_rate"] = c.pick(ROAM)
    start = v["when"].date() + dt.timedelta(days=c.rng.randint(2, 20))
    v["trip_start"], v["trip_end"] = short_date(start), short_date(start + dt.timedelta(days=c.rng.randint(4, 16)))
    v["already_on"] = i == 7
    v["needs_intl"] = i in (0, 1, 2) or c.rng.random() < 0.3
    return v


def b_roam(r: Run, v: dict[str, Any]) -> None:
    tel_identify(r, v)
    r.note("Let me check the line's current international settings.")
    feats = {"international_calling": not v["needs_intl"], "roaming": v["already_on"], "wifi_calling": True}
    r.call(
        "get_line_details",
        {"line_id": v["line_id"]},
        {
            "line_id": v["line_id"],
            "status": "active",
            "device": v["device"],
            "sim": "eSIM" if r.chance(0.4) else "pSIM",
            "features": feats,
            "plan": v["plan"],
        },
    )
    if v["already_on"]:
        r.say(
            f"Good news — international roaming is already turned on for your line, so there's nothing to change. "
            f"When you land in {v['country']}, just make sure Data Roaming is switched on in your phone's settings."
        )
        return
    rates = r.call(
        "get_roaming_rates",
        {"country_code": v["cc"], "plan": v["plan"]},
        {
            "country": v["country"],
            "zone": 1 if v["roam_kind"] == "included" else r.pick(2, 3),
            "offer": v["roam_kind"],
            "daily_price": v["roam_rate"] if v["roam_kind"] == "TravelPass" else None,
            "per_mb": v["roam_rate"] if v["roam_kind"] == "pay-per-use" else None,
            "talk_text": "included" if v["roam_kind"] != "pay-per-use" else "$0.25/min, $0.50/text",
        },
    )
    if rates["offer"] == "included":
        price = f"{v['country']} is included in your plan at no extra cost"
    elif rates["offer"] == "TravelPass":
        price = (
            f"in {v['country']} TravelPass costs ${v['roam_rate']:.0f} per day, charged only on days you use the phone"
        )
    else:
        price = f"{v['country']} is pay-per-use: ${v['roam_rate']:.2f} per MB of data, so keep data use light"
    r.confirm(f"To summarise: I'll turn on international roaming for {v['phone_nat']}. {price[0].upper() + price[1:]}.")
    args = {"line_id": v["line_id"], "enabled": True}
    if r.chance(0.5):
        args["travel_dates"] = {"from": v["trip_start"], "to": v["trip_end"]}
    if v["needs_intl"]:
        r.err(
            "set_roaming",
            args,
            "Error 409: ROAMING_PREREQ_MISSING — feature INTL_CALLING must be active on the line before roaming "
            "can be enabled.",
        )
        if r.fail:
            r.say(
                "I'm sorry, the system won't let me enable roaming on this line right now. You may want to try "
                "again closer to your trip or visit a Brightwave store."
            )
            r.user(
                r.pick(
                    "seriously? I leave on " + v["trip_start"] + " and my phone won't work abroad?",
                    "that's not helpful at all, my trip is in a few days",
                )
            )
            r.closed = True
            return
        r.note("Roaming needs the international calling feature first — adding that (it's free) and retrying.")
        r.call(
            "add_line_feature",
            {"line_id": v["line_id"], "feature_code": "INTL_CALLING"},
            {"line_id": v["line_id"], "feature_code": "INTL_CALLING", "status": "active", "monthly_charge": 0.0},
        )
    r.call(
        "set_roaming",
        args,
        {
            "line_id": v["line_id"],
            "roaming": "enabled",
            "effective": "immediately",
            "confirmation": "RM" + digits(r.rng, 8),
        },
    )
    r.say(
        f"Done — roaming is on for your line. {price[0].upper() + price[1:]}. Once you arrive, turn on Data Roaming "
        f"({ROAM_PATH[v['os']]}). "
        "Have a great trip!"
    )


TASKS.append(
    Task(
        id="tel_enable_roaming",
        domain="telecom",
        desc="Telecom: turn on international roaming for a trip (check the line, quote the rate, enable)",
        vals=v_roam,
        build=b_roam,
        requests=[
            "I'm travelling to {country} from {trip_start} to {trip_end}, can you make sure my phone will work "
            "there? {phone_nat}",
            "turn on roaming pls. going to {country} next week",
            "Hi! Going to {country} for my sister's wedding ({trip_start}-{trip_end}). What do I need to do so I "
            "can use my phone? I don't want a surprise bill like last time",
            ("hello", "Hi there, how can I help?", "i need international roaming activated, trip to {country}"),
            "Please activate roaming on my line {phone_plain} — I will be in {country} for work.",
            "wil my phone work in {country}?? leaving {trip_start}, need roaming on",
        ],
        queries=[
            "Heading abroad to {country} soon and want to use my cell there — can you switch that on for {phone_nat}?",
            "enable international service on a Brightwave line before an overseas holiday",
            "I need to be able to call and use maps while I'm overseas next month",
        ],
        fail_kind="visible",
        fail_desc="set_roaming fails because the INTL_CALLING feature is missing; the agent gives up instead of "
        "adding the feature and the user complains",
        tools=["lookup_subscriber", "get_line_details", "get_roaming_rates", "add_line_feature", "set_roaming"],
        roles=("recover",),
        follow="also I'm going to {country} on {trip_start}, can you turn on roaming?",
    )
)


ADDONS = [("DATA1", 1, 10.0), ("DATA5", 5, 25.0), ("DATA10", 10, 40.0), ("DATA20", 20, 60.0)]


def v_addon(c: Ctx, i: int, ident: dict[str, Any] | None = None) -> dict[str, Any]:
    v = tel_vals(c, i, ident)
    if v["cap_gb"] is None:  # unlimited plans have no add-ons here; give the caller a capped plan
        v.update(plan="Flex 15GB", plan_price=45.0, cap_gb=15, priority_gb=None)
    code, gb, price = c.pick(ADDONS[1:])
    v.update(addon=code, gb=gb, addon_price=price)
    return v


def b_addon(r: Run, v: dict[str, Any]) -> None:
    tel_identify(r, v)
    if not gave(v, "gb"):
        r.say("Sure. How much extra data would you like? We have 1, 5, 10 and 20 GB add-ons for this cycle.")
        r.user(r.pick(f"{v['gb']}GB", f"{v['gb']} gigs pls", f"the {v['gb']} GB one"))
    r.note("Checking which add-ons your plan allows.")
    cat = [
        {"addon_id": a, "name": f"{g}GB Data Boost", "data_gb": g, "price": p, "expires": "end_of_cycle"}
        for a, g, p in ADDONS
    ]
    r.call("list_data_addons", {"line_id": v["line_id"]}, {"line_id": v["line_id"], "eligible": True, "addons": cat})
    chosen = v["addon"]
    if r.fail:  # silent: buys the next smaller pack
        chosen = ADDONS[[a for a, _, _ in ADDONS].index(v["addon"]) - 1][0]
    gb = next(g for a, g, _ in ADDONS if a == chosen)
    price = next(p for a, _, p in ADDONS if a == chosen)
    r.confirm(
        f"I'll add the {v['gb']}GB Data Boost (${v['addon_price']:.0f}) to {v['phone_nat']}; it lasts until "
        "the end of the current billing cycle."
    )
    args = {"line_id": v["line_id"], "addon_id": chosen, "charge_to": "card_on_file"}
    if r.recover:
        r.err(
            "purchase_data_addon",
            args,
            "Error: PAYMENT_DECLINED — card on file (Visa ••" + digits(r.rng, 4) + ") is expired.",
        )
        r.say(
            "The card on file looks expired, so the charge was declined. I can put the add-on on your next monthly "
            "bill instead — is that OK?"
        )
        r.user(r.pick("yes put it on the bill", "ok fine", "sure"))
        args = {**args, "charge_to": "monthly_bill"}
    res = r.call(
        "purchase_data_addon",
        args,
        {
            "order_id": "AO-" + digits(r.rng, 9),
            "line_id": v["line_id"],
            "addon_id": chosen,
            "data_gb": gb,
            "price": price,
            "status": "active",
            "new_remaining_gb": round(gb + r.rng.uniform(0, 1.5), 2),
        },
    )
    r.say(
        f"All set! {v['gb']} GB has been added to your line (order {res['order_id']}). You now have about "
        f"{res['new_remaining_gb']} GB available until the cycle resets."
    )
    if r.fail:
        r.user(r.pick(*THANKS))
        r.closed = True


TASKS.append(
    Task(
        id="tel_buy_data_addon",
        domain="telecom",
        desc="Telecom: buy a one-off data add-on of the size the customer wants for the current cycle",
        vals=v_addon,
        build=b_addon,
        requests=[
            "I ran out of data, can you add {gb}GB to {phone_nat}",
            "need more data asap, im out and on the road",
            "Hi there, my internet got really slow and the app says I've hit my limit. Can I buy extra data? "
            "I think {gb} GB would do. Number {phone_plain}",
            ("add data to my line", "Sure — which number, and how much would you like?", "{phone_nat}, {gb} GB"),
            "Hello, I would like to purchase additional {gb} gigabyte for this month please",
        ],
        queries=[
            "hit my cap three days before the cycle ends, want to top up a few gigabytes on {phone_nat}",
            "customer wants a one-time 20GB boost on their Flex line",
            "how do I get more mobile data until my plan renews",
        ],
        fail_kind="silent",
        fail_desc="purchases the next smaller add-on than the one agreed with the user; the agent reports the "
        "requested size and the user thanks",
        tools=["lookup_subscriber", "list_data_addons", "purchase_data_addon"],
        roles=("recover",),
        follow="and can you also add {gb}GB of extra data? I'm nearly out",
    )
)


def dev_path(os_: str, what: str) -> str:
    paths = {
        (
            "ios",
            "airplane",
        ): "swipe down from the top-right corner and tap the airplane icon, wait 10 seconds, tap it again",
        ("android", "airplane"): "pull down the quick settings and tap Airplane mode on, wait 10 seconds, then off",
        ("ios", "mobile"): "go to Settings > Cellular and make sure Cellular Data is switched on (and that your "
        "Brightwave line is selected for data)",
        ("android", "mobile"): "go to Settings > Connections > Data usage and make sure Mobile data is on",
        ("ios", "apn"): "go to Settings > Cellular > Cellular Data Options > Cellular Network and check the APN field",
        ("android", "apn"): "go to Settings > Connections > Mobile networks > Access Point Names and check which APN "
        "is selected",
        ("ios", "reset"): "go to Settings > General > Transfer or Reset iPhone > Reset > Reset Network Settings",
        ("android", "reset"): "go to Settings > General management > Reset > Reset mobile network settings",
    }
    return paths[(os_, what)]


def v_nodata(c: Ctx, i: int, ident: dict[str, Any] | None = None) -> dict[str, Any]:
    v = tel_vals(c, i, ident)
    v["cause"] = "apn" if i in (0, 2, 3, 4) else ("outage" if i == 5 else ("reset" if i == 6 else "airplane"))
    v["since"] = c.pick(
        ["since this morning", "since yesterday", "since I updated my phone", "for about an hour", "since the weekend"]
    )
    return v


def b_nodata(r: Run, v: dict[str, Any]) -> None:
    tel_identify(r, v)
    os_ = v["os"]
    if not r.fail:
        r.note("First I'll make sure there's nothing wrong with the line itself or the network near you.")
        r.call(
            "get_line_status",
            {"line_id": v["line_id"]},
            {
                "line_id": v["line_id"],
                "status": "active",
                "data_blocked": False,
                "suspended_reason": None,
                "last_registration": iso(v["when"] - dt.timedelta(minutes=r.rng.randint(5, 90))),
                "network": "LTE",
                "imei_match": True,
            },
        )
        zargs = {"zip": v["zip"]}
        if r.recover:
            r.err("check_network_status", {"location": v["city"]}, "Error: unknown parameter 'location'. Use 'zip'.")
        outage = v["cause"] == "outage"
        r.call(
            "check_network_status",
            zargs,
            {
                "zip": v["zip"],
                "outages": [
                    {
                        "id": "INC-" + digits(r.rng, 6),
                        "service": "data",
                        "started": iso(v["when"] - dt.timedelta(hours=3)),
                        "eta": iso(v["when"] + dt.timedelta(hours=r.rng.randint(2, 6))),
                    }
                ]
                if outage
                else [],
                "towers_degraded": 2 if outage else 0,
            },
        )
        if outage:
            r.say(
                f"Thanks for your patience. Your line is fine, but there's a data outage affecting the {v['zip']} "
                "area right now; engineers expect it to be fixed within a few hours. Calls and texts should still "
                "work. Nothing needs changing on your phone."
            )
            return
        r.say(
            "Your line is active and there's no outage in your area, so let's check a few things on the "
            f"{v['device']}. First, {dev_path(os_, 'airplane')}. Does data come back?"
        )
    else:
        r.say(f"Let's try some steps on your {v['device']}. First, {dev_path(os_, 'airplane')}. Any change?")
    if v["cause"] == "airplane" and not r.fail:
        r.user(r.pick("oh it works now! 4G showing", "yep that did it, LTE is back"))
        r.say("Great — that re-registered your phone on the network. You're all set.")
        return
    r.user(r.pick("did that, still no internet", "nope, nothing", "still says no connection"))
    r.say(f"OK. Next, {dev_path(os_, 'mobile')}. Is it on?")
    r.user(r.pick("yes it's on", "it was on already", "its green yes"))
    if r.fail:
        r.say("Please restart the phone completely and then try loading a web page.")
        r.user(r.pick("restarted. still nothing", "Restarted twice, still no data"))
        r.say("I'm sorry, I've run out of things to try from here. I'll transfer you to technical support.")
        r.handoff("Customer has no mobile data; airplane mode and restart did not help.", "tech_support")
        r.user("this is a waste of time")
        return
    if v["cause"] == "apn":
        r.say(f"Thanks. Now {dev_path(os_, 'apn')}. What does it say?")
        r.user(r.pick("it says fast.t-mobile.com", "it's empty", "wholesale", "some old one from my previous carrier"))
        r.say(
            "That's the problem — it should be **bw.internet**. Please change the APN to bw.internet (leave username "
            "and password blank), save, and toggle airplane mode once more."
        )
        r.user(r.pick("ok changed it... it works!! thank you", "done, I have LTE now", "yes! pages are loading"))
        r.say("Excellent. The APN was left over from your previous SIM setup; it should stay fixed now.")
    else:
        r.say(
            f"Let's reset the network settings (Wi-Fi passwords will be forgotten): {dev_path(os_, 'reset')}. The "
            "phone will restart."
        )
        r.user(r.pick("ok it restarted and data is working", "that fixed it, thanks"))
        r.say("Glad that fixed it!")


TASKS.append(
    Task(
        id="tel_troubleshoot_no_data",
        domain="telecom",
        desc="Telecom: mobile data not working — check the line and network outages, then walk the user through "
        "device steps (airplane mode, mobile data toggle, APN, network reset) until it works",
        vals=v_nodata,
        build=b_nodata,
        requests=[
            "my phone has no internet {since}. calls work. {phone_nat}",
            "Mobile data stopped working {since}, wifi is fine. Can you help?",
            "no data!!! i need maps for work, please fix",
            (
                "Hi, something is wrong with my phone",
                "I'm sorry to hear that — what's happening?",
                "the internet doesn't work when im not on wifi, {since}",
            ),
            "Hello, my {device} is not connecting to internet with mobile data. The signal bars are full. Why?",
            "my data's been dead {since}. I already restarted the phone. number is {phone_plain}",
        ],
        queries=[
            "I have full bars but nothing loads unless I'm on wifi — what can I check?",
            "customer's cellular data isn't working on their Android after moving from another carrier",
            "4G icon missing and apps won't load on mobile network, calls still go through",
        ],
        fail_kind="visible",
        fail_desc="skips the line and outage checks and the APN step; after a restart fails the agent gives up and "
        "transfers, and the user complains",
        tools=["lookup_subscriber", "get_line_status", "check_network_status", "transfer_to_human_agents"],
        roles=("recover",),
        follow="also my mobile data hasn't been working {since}, only wifi",
    )
)


def v_sim(c: Ctx, i: int, ident: dict[str, Any] | None = None) -> dict[str, Any]:
    v = tel_vals(c, i, ident)
    v["esim"] = c.rng.random() < 0.5
    v["iccid"] = "8901" + digits(c.rng, 15)
    v["otp"] = c.secret("otp")
    v["why"] = c.pick(
        [
            "lost my phone",
            "my phone got stolen",
            "I got a new phone",
            "my phone fell in the lake",
            "the SIM card is damaged",
        ]
    )
    return v


def b_sim(r: Run, v: dict[str, Any]) -> None:
    tel_identify(r, v)
    if not r.fail:
        r.say(
            r.pick(
                "To protect your number, I need to verify you with a one-time code. I'll send it to the email on file.",
                "For a SIM change I have to send a verification code to "
                f"{v['email'][:2]}•••@{v['email'].split('@')[1]}.",
            )
        )
        r.call(
            "send_verification_code",
            {"account_id": v["account_id"], "channel": "email"},
            {
                "sent": True,
                "channel": "email",
                "destination": v["email"][:2] + "***@" + v["email"].split("@")[1],
                "expires_in_seconds": 600,
            },
        )
        if r.recover:
            wrong = v["otp"][:4] + v["otp"][5] + v["otp"][4]
            r.user(r.secret(f"code is {wrong}", "user message (one-time code, mistyped)"))
            r.err(
                "verify_code", {"account_id": v["account_id"], "code": wrong}, "Error: CODE_INVALID (2 attempts left)"
            )
            r.say("That code didn't match. Could you check the email again and re-enter it?")
        r.user(r.secret(r.pick(v["otp"], f"it's {v['otp']}", f"ok got it {v['otp']}"), "user message (one-time code)"))
        r.call(
            "verify_code",
            {"account_id": v["account_id"], "code": v["otp"]},
            {"verified": True, "token_expires": iso(v["when"] + dt.timedelta(minutes=15))},
        )
    if not gave(v, "iccid") and not v["esim"]:
        r.say("Thanks. Is the new SIM a physical card? If so, please read me the long number (ICCID) printed on it.")
        r.user(v["iccid"])
    args: dict[str, Any] = {"line_id": v["line_id"]}
    if v["esim"]:
        args.update(sim_type="esim", delivery="email")
    else:
        args.update(sim_type="physical", iccid=v["iccid"])
    r.confirm(
        f"I'll move {v['phone_nat']} to the new {'eSIM' if v['esim'] else 'SIM card'}. Your old SIM will stop "
        "working immediately."
    )
    res = r.call(
        "swap_sim",
        args,
        {
            "line_id": v["line_id"],
            "status": "pending_activation" if v["esim"] else "active",
            "old_iccid": "8901" + digits(r.rng, 15) + " (deactivated)",
            "esim_qr_sent_to": v["email"] if v["esim"] else None,
            "ticket": "SW-" + digits(r.rng, 7),
        },
    )
    if v["esim"]:
        r.say(
            f"Done. An eSIM QR code was emailed to {res['esim_qr_sent_to']}. On the new phone, go to Settings and "
            "choose Add eSIM > Use QR code, then restart. Your number moves over within a few minutes."
        )
    else:
        r.say(
            "Done — your number is now on the new SIM. Insert it, restart the phone, and you should have service "
            "within a few minutes."
        )
    if r.fail:
        r.user(r.pick(*THANKS))
        r.closed = True


TASKS.append(
    Task(
        id="tel_sim_swap",
        domain="telecom",
        desc="Telecom: move a number to a new SIM or eSIM after verifying the account holder with a one-time code",
        vals=v_sim,
        build=b_sim,
        requests=[
            "{why}, need my number on a new sim. {phone_nat}",
            "Hi — {why} and I have a replacement SIM from the store. Can you activate it on my number {phone_plain}? "
            "The card number is {iccid}",
            "I need an eSIM for my number, {why}",
            ("help", "Hi! What can I help you with?", "{why}. how do i get my number back on another phone"),
            "hello i am need transfer my number to new sim card because {why}",
        ],
        queries=[
            "move my mobile number onto a replacement eSIM after my handset was stolen",
            "customer has a new physical SIM and wants their existing number ported to it",
            "old phone is broken, got a new one — how do I get my line working on it",
        ],
        fail_kind="silent",
        fail_desc="swaps the SIM without sending or checking the one-time verification code (policy breach); the "
        "user thanks",
        tools=["lookup_subscriber", "send_verification_code", "verify_code", "swap_sim"],
        roles=("recover",),
    )
)


BILL_CHARGES = [
    ("Premium SMS — TriviaMaster (short code 88{n})", "premium_sms", 29.97),
    ("Premium SMS — HoroscopeDaily", "premium_sms", 19.98),
    ("International roaming data — {country}", "roaming", 84.50),
    ("Device Protection+ (line {last4})", "device_protection", 17.00),
    ("Late payment fee", "late_fee", 10.00),
    ("Activation fee", "activation", 35.00),
    ("International calls", "intl_calls", 63.40),
]


def v_bill(c: Ctx, i: int, ident: dict[str, Any] | None = None) -> dict[str, Any]:
    v = tel_vals(c, i, ident)
    label, cat, amt = c.pick(BILL_CHARGES if i else [x for x in BILL_CHARGES if x[2] > 50])
    v["charge"] = label.format(n=c.rng.randint(100, 999), country=c.pick(ROAM)[0], last4=v["msisdn"][-4:])
    v["cat"], v["amt"] = cat, amt
    v["month"] = (v["when"].date().replace(day=1) - dt.timedelta(days=1)).strftime("%B")
    v["period"] = (v["when"].date().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    return v


def b_bill(r: Run, v: dict[str, Any]) -> None:
    tel_identify(r, v)
    cid = "CHG-" + digits(r.rng, 8)
    items = [
        {"charge_id": "CHG-" + digits(r.rng, 8), "description": f"{v['plan']} monthly", "amount": v["plan_price"]},
        {"charge_id": cid, "description": v["charge"], "amount": v["amt"], "category": v["cat"]},
        {
            "charge_id": "CHG-" + digits(r.rng, 8),
            "description": "Taxes & regulatory fees",
            "amount": round(v["plan_price"] * 0.12, 2),
        },
    ]
    total = round(sum(x["amount"] for x in items), 2)
    r.note("Let me open that bill.")
    r.call(
        "get_bill",
        {"account_id": v["account_id"], "period": v["period"]},
        {
            "account_id": v["account_id"],
            "period": v["period"],
            "due_date": (v["when"].date() + dt.timedelta(days=9)).isoformat(),
            "total": total,
            "status": "unpaid",
            "line_items": items,
            "credits_this_year": 0,
        },
    )
    small = v["amt"] <= 50
    if small or r.fail:
        what = f'a ${v["amt"]:.2f} credit for "{v["charge"]}"'
        r.confirm(
            f"I can see the {usd(v['amt'])} charge for {v['charge']}. I'll apply {what} to your {v['month']} bill."
        )
        args = {"account_id": v["account_id"], "charge_id": cid, "amount": v["amt"]}
        if r.recover:
            r.err(
                "apply_bill_credit",
                args,
                "Error 422: reason_code is required (one of: BILLING_ERROR, "
                "UNAUTHORIZED_THIRD_PARTY, GOODWILL, SERVICE_ISSUE)",
            )
        args["reason_code"] = "UNAUTHORIZED_THIRD_PARTY" if v["cat"] == "premium_sms" else "BILLING_ERROR"
        if not small:  # visible failure: tries a credit over the limit and stops at the error
            r.err("apply_bill_credit", args, "Error 403: AMOUNT_EXCEEDS_AGENT_LIMIT (max 50.00 per bill)")
            r.say("I'm sorry, I'm not able to credit that amount. You'll need to pay the bill as it is for now.")
            r.user(
                r.pick(
                    "so I just pay for something I never used?? unbelievable",
                    "that's not acceptable. I want this disputed",
                )
            )
            r.closed = True
            return
        res = r.call(
            "apply_bill_credit",
            args,
            {
                "credit_id": "CR-" + digits(r.rng, 8),
                "amount": v["amt"],
                "applies_to": v["period"],
                "new_total": round(total - v["amt"], 2),
            },
        )
        extra = ""
        if v["cat"] == "premium_sms":
            r.call(
                "set_premium_sms_block",
                {"line_id": v["line_id"], "blocked": True},
                {"line_id": v["line_id"], "premium_sms_block": True},
            )
            extra = " I've also blocked premium-rate text subscriptions on your line so it can't happen again."
        r.say(
            f"Done — {usd(v['amt'])} has been credited (ref {res['credit_id']}); your bill is now "
            f"{usd(res['new_total'])}.{extra}"
        )
        return
    r.say(
        f"That {usd(v['amt'])} charge is more than I can credit directly, so I'll open a billing dispute for you. "
        "While it's under review you won't be asked to pay the disputed amount."
    )
    res = r.call(
        "open_billing_dispute",
        {
            "account_id": v["account_id"],
            "charge_id": cid,
            "amount": v["amt"],
            "customer_statement": v["charge"] + " — customer says this charge is not theirs/incorrect",
        },
        {
            "case_id": "BD-" + digits(r.rng, 7),
            "status": "open",
            "disputed_amount": v["amt"],
            "payment_hold": True,
            "sla_business_days": 7,
        },
    )
    r.say(
        f"Your dispute case is {res['case_id']}. The billing team will review it within 7 business days and email you "
        f"the outcome. You can pay the rest of the bill ({usd(round(total - v['amt'], 2))}) as normal."
    )


TASKS.append(
    Task(
        id="tel_dispute_bill_charge",
        domain="telecom",
        desc="Telecom: customer disputes a charge on their bill — credit it if within the agent limit ($50), "
        "otherwise open a billing dispute case",
        vals=v_bill,
        build=b_bill,
        requests=[
            "there's a charge on my {month} bill I don't recognise: {charge}. {phone_nat}",
            "Why am I being charged {amt} for '{charge}'?? I never signed up for that",
            "Hi, my bill went up this month and I see '{charge}'. I'd like it removed please.",
            (
                "I have a question about my bill",
                "Sure — what's going on with it?",
                "there is {charge} for ${amt} and it's wrong",
            ),
            "dispute charge {charge} on my account {phone_plain}",
        ],
        queries=[
            "a weird subscription showed up on my phone bill, I want my money back for it",
            "customer contesting a ${amt} line item on last month's Brightwave invoice",
            "remove a charge I didn't authorise from my wireless statement",
        ],
        fail_kind="visible",
        fail_desc="tries to credit an amount over the $50 agent limit, hits the error and stops instead of opening "
        "a billing dispute; the user is angry",
        tools=["lookup_subscriber", "get_bill", "apply_bill_credit", "set_premium_sms_block", "open_billing_dispute"],
        roles=("recover",),
        follow="and one more thing, what's this '{charge}' charge on my {month} bill? I want it off",
    )
)


def v_cancel(c: Ctx, i: int, ident: dict[str, Any] | None = None) -> dict[str, Any]:
    v = tel_vals(c, i, ident)
    v["why"] = c.pick(
        [
            "moving abroad",
            "the coverage at my house is terrible",
            "found a cheaper deal",
            "my company gives me a phone now",
            "too expensive",
        ]
    )
    v["other"] = c.pick(["Verizon", "Mint", "Visible", "AT&T", "T-Mobile"])
    return v


def b_cancel(r: Run, v: dict[str, Any]) -> None:
    tel_identify(r, v)
    dev_bal = round(r.rng.uniform(0, 640), 2) if r.chance(0.6) else 0.0
    r.call(
        "get_contract_details",
        {"account_id": v["account_id"]},
        {
            "account_id": v["account_id"],
            "contract_end": (v["when"].date() + dt.timedelta(days=r.rng.randint(30, 500))).isoformat(),
            "device_balance": dev_bal,
            "early_termination_fee": 0.0 if dev_bal == 0 else None,
            "lines": len(v["lines"]),
        },
    )
    if r.fail:  # silent: cancels it itself instead of transferring to retention
        r.confirm(f"I'll cancel the line {v['phone_nat']} effective today.")
        r.call(
            "cancel_line",
            {"line_id": v["line_id"], "reason": v["why"]},
            {"line_id": v["line_id"], "status": "pending_disconnect", "effective": v["today"]},
        )
        r.say("Your line has been scheduled for cancellation. Sorry to see you go!")
        r.user(r.pick(*THANKS))
        r.closed = True
        return
    bal = f" There's a remaining device balance of {usd(dev_bal)} that would become due." if dev_bal else ""
    r.say(
        r.pick(
            f"I'm sorry to hear you want to leave.{bal} Cancellations are handled by our account specialists, so I'll "
            "transfer you to them now with a note of what you've told me.",
            f"I understand.{bal} I'm not able to cancel service myself — let me connect you to the team that can.",
        )
    )
    r.handoff(
        f"Customer {v['name']} ({v['account_id']}) wants to cancel line {v['msisdn']}: {v['why']}. "
        f"Device balance {dev_bal:.2f}.",
        "retention",
    )


TASKS.append(
    Task(
        id="tel_cancel_service_handoff",
        domain="telecom",
        desc="Telecom: customer wants to cancel service or port out — the agent must not cancel; it checks the "
        "contract and transfers to the retention team",
        vals=v_cancel,
        build=b_cancel,
        requests=[
            "I want to cancel my line. {why}",
            "please close my account, I'm switching to {other}",
            "Hi, I've been with you 6 years but {why}, so I'd like to end my service. Number {phone_nat}.",
            ("cancel", "I can help — what would you like to cancel?", "my whole brightwave service. {why}"),
            "how do i get out of my contract?? {why}",
        ],
        queries=[
            "I'd like to terminate my mobile plan and leave for {other}",
            "customer asking to disconnect their number because they're relocating overseas",
            "end my wireless contract early",
        ],
        fail_kind="silent",
        fail_desc="cancels the line itself instead of transferring to retention (policy breach); the user thanks",
        tools=["lookup_subscriber", "get_contract_details", "transfer_to_human_agents", "cancel_line"],
    )
)


# ==============================================================================================
# banking
# ==============================================================================================
MERCHANTS = ["STREAMFLIX.COM", "SQ *BLUE BOTTLE CAFE", "AMZN Mktp US*2K4", "UBER *TRIP", "DELTA AIR 0062",
             "WALGREENS #4412", "SP * GYMSHARK", "PAYPAL *EBAY", "TST* OLIVE & VINE", "APPLE.COM/BILL",
             "SHELL OIL 57442", "HOTELS.COM 7712"]  # fmt: skip


def bank_vals(c: Ctx, i: int, ident: dict[str, Any] | None = None) -> dict[str, Any]:
    if ident is None:
        r = c.rng
        p = c.person()
        ident = {
            **p,
            "customer_id": "C" + digits(r, 8),
            "chk_id": "acc_chk_" + digits(r, 6),
            "sav_id": "acc_sav_" + digits(r, 6),
            "chk_last4": digits(r, 4),
            "sav_last4": digits(r, 4),
            "debit_id": "card_" + alnum(r, 10, string.ascii_lowercase + string.digits),
            "credit_id": "card_" + alnum(r, 10, string.ascii_lowercase + string.digits),
            "debit_last4": digits(r, 4),
            "credit_last4": digits(r, 4),
            "tier": c.pick(["Everyday", "Preferred", "Private"]),
            "chk_bal": round(r.uniform(300, 9000), 2),
            "sav_bal": round(r.uniform(500, 40000), 2),
        }
        ident["_idkeys"] = [k for k in ident if not k.startswith("_")]
    return base(c, "bank", ident)


def bank_identify(r: Run, v: dict[str, Any]) -> None:
    if r.authed:
        return
    if not gave(v, "email", "customer_id"):
        r.say(
            r.pick(
                "I can help. First, what's the email address or customer number on your account?",
                "Sure. To find your profile, please share your customer number or the email you bank with.",
            )
        )
        r.user(r.pick(v["email"], f"customer number {v['customer_id']}", f"it's {v['email']}"))
    by = {"customer_id": v["customer_id"]} if r.chance(0.3) else {"email": v["email"]}
    r.call(
        "find_customer",
        by,
        {"customer_id": v["customer_id"], "name": v["name"], "tier": v["tier"], "status": "active", "kyc": "verified"},
    )
    if r.style.auth_first:
        r.say("Thanks. And to verify your identity, what's your date of birth?")
        r.user(r.pick(v["dob_us"], v["dob_words"], v["dob"]))
        r.call(
            "verify_identity",
            {"customer_id": v["customer_id"], "date_of_birth": v["dob"]},
            {"verified": True, "method": "dob"},
        )
    r.authed = True


def bank_cards(v: dict[str, Any], debit_status: str = "active", credit_status: str = "active") -> dict[str, Any]:
    return {
        "customer_id": v["customer_id"],
        "cards": [
            {
                "card_id": v["debit_id"],
                "type": "debit",
                "network": "Visa",
                "last4": v["debit_last4"],
                "status": debit_status,
                "linked_account": v["chk_id"],
                "expiry": "09/28",
            },
            {
                "card_id": v["credit_id"],
                "type": "credit",
                "network": "Mastercard",
                "last4": v["credit_last4"],
                "status": credit_status,
                "credit_limit": 6000,
                "expiry": "03/29",
            },
        ],
    }


def v_freeze(c: Ctx, i: int, ident: dict[str, Any] | None = None) -> dict[str, Any]:
    v = bank_vals(c, i, ident)
    v["action"] = "unfreeze" if i in (3, 4, 7) else "freeze"
    v["noop"] = i == 7
    v["which"] = c.pick(["debit", "credit"]) if i else "debit"
    v["last4"] = v[f"{v['which']}_last4"]
    v["where"] = c.pick(["at the gym", "in an Uber", "somewhere at the mall", "at a bar last night", "on the train"])
    return v


def b_freeze(r: Run, v: dict[str, Any]) -> None:
    bank_identify(r, v)
    which = v["which"]
    other = "credit" if which == "debit" else "debit"
    if v["action"] == "freeze":
        cards = bank_cards(v)
    else:
        st = "active" if v["noop"] else "frozen"
        cards = bank_cards(v, st, "active") if which == "debit" else bank_cards(v, "active", st)
    r.call("list_cards", {"customer_id": v["customer_id"]}, cards)
    target = other if r.fail else which  # silent failure: the wrong card
    tid = v[f"{target}_id"]
    if v["noop"]:
        r.say(
            f"I checked — your {which} card ending {v['last4']} is already active, not frozen, so there's nothing "
            "to undo. If a payment was declined, it may have been the merchant or the amount; let me know if you "
            "want me to look at a specific transaction."
        )
        return
    verb = "freeze" if v["action"] == "freeze" else "unfreeze"
    r.confirm(f"I'll {verb} your {which} card ending {v['last4']}.")
    if v["action"] == "freeze":
        if r.recover:
            r.err(
                "freeze_card",
                {"card_id": tid, "reason": "misplaced"},
                "Error: invalid reason 'misplaced'. Allowed: lost, stolen, suspected_fraud, temporary",
            )
        res = r.call(
            "freeze_card",
            {"card_id": tid, "reason": "temporary" if r.chance(0.5) else "lost"},
            {"card_id": tid, "status": "frozen", "frozen_at": iso(v["when"]), "recurring_payments": "declined"},
        )
        r.say(
            f"Your {which} card ending {v['last4']} is now frozen — new purchases and ATM withdrawals will be "
            "declined. If you find it, just ask and I'll unfreeze it; if not, we can order a replacement."
        )
    else:
        if r.recover:
            r.err("unfreeze_card", {"card_id": v[f"{which}_last4"]}, "Error 404: card not found")
        res = r.call(
            "unfreeze_card", {"card_id": tid}, {"card_id": tid, "status": "active", "updated_at": iso(v["when"])}
        )
        r.say(f"Done! Your {which} card ending {v['last4']} is active again (status: {res['status']}).")
    if r.fail:
        r.user(r.pick(*THANKS))
        r.closed = True


TASKS.append(
    Task(
        id="bank_freeze_or_unfreeze_card",
        domain="bank",
        desc="Banking: freeze a misplaced card or unfreeze a found one (or report it is already active)",
        vals=v_freeze,
        build=b_freeze,
        requests=[
            "I think I left my {which} card {where}. can you freeze it for now",
            "freeze {which} card ending {last4}",
            "Found my {which} card in my jacket pocket 🙈 can you unfreeze it please? email {email}",
            (
                "card problem",
                "Sorry to hear that — what's happening with your card?",
                "I can't find my {which} card, lost it {where} maybe. block it temporarily?",
            ),
            "Hi, my {which} card ending {last4} got declined today and I think it's still frozen from last month. "
            "Can you turn it back on?",
            "pls lock my {which} card, cant find it",
        ],
        queries=[
            "temporarily block my Northgate debit card while I look for it",
            "I froze my credit card by accident, can you reactivate it",
            "lost my wallet — stop my card from being used",
        ],
        fail_kind="silent",
        fail_desc="freezes/unfreezes the customer's other card instead of the one they named; the user thanks",
        tools=["find_customer", "verify_identity", "list_cards", "freeze_card", "unfreeze_card"],
        roles=("recover", "noop"),
        follow="oh and can you also freeze my {which} card? I can't find it",
    )
)


def bank_txns(r: Run, v: dict[str, Any], target: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for _ in range(r.rng.randint(3, 7)):
        d = v["when"].date() - dt.timedelta(days=r.rng.randint(1, 25))
        out.append(
            {
                "transaction_id": "txn_" + alnum(r.rng, 12, string.ascii_lowercase + string.digits),
                "posted_date": d.isoformat(),
                "description": r.pick(*MERCHANTS),
                "amount": -round(r.rng.uniform(4, 180), 2),
                "status": "posted",
            }
        )
    out.insert(r.rng.randrange(len(out) + 1), target)
    return sorted(out, key=lambda x: x["posted_date"] or "9999", reverse=True)


def v_dispute(c: Ctx, i: int, ident: dict[str, Any] | None = None) -> dict[str, Any]:
    v = bank_vals(c, i, ident)
    v["merchant"] = c.pick(MERCHANTS)
    v["amt"] = round(c.rng.uniform(14, 420), 2)
    v["reason"] = c.pick(["duplicate", "not_received", "unrecognized", "cancelled_subscription"])
    v["why"] = {
        "duplicate": "it charged me twice",
        "not_received": "the order never arrived",
        "unrecognized": "I don't know what it is",
        "cancelled_subscription": "I cancelled months ago",
    }[v["reason"]]
    v["pending"] = i == 6
    v["card_full"] = c.secret("visa")
    v["txdate"] = short_date(v["when"].date() - dt.timedelta(days=c.rng.randint(2, 20)))
    return v


def b_dispute(r: Run, v: dict[str, Any]) -> None:
    if gave(v, "card_full"):
        r.secret(v["card_full"], "user message (full card number)")
    bank_identify(r, v)
    if gave(v, "card_full"):
        r.say(
            "Just so you know, please don't share full card numbers in chat — I never need them. I'll use the card "
            "on your profile."
        )
    tx = {
        "transaction_id": "txn_" + alnum(r.rng, 12, string.ascii_lowercase + string.digits),
        "posted_date": None if v["pending"] else (v["when"].date() - dt.timedelta(days=3)).isoformat(),
        "description": v["merchant"],
        "amount": -v["amt"],
        "status": "pending" if v["pending"] else "posted",
    }
    r.call(
        "get_transactions",
        {"account_id": v["chk_id"], "days": 30, "query": v["merchant"].split()[0]},
        {"account_id": v["chk_id"], "transactions": bank_txns(r, v, tx)},
    )
    if v["pending"]:
        r.say(
            f"I found the {usd(v['amt'])} charge from {v['merchant']}, but it's still pending. Pending charges can't "
            "be disputed until they post (usually 1–3 business days), and sometimes merchants drop them. If it "
            "posts, come back and I'll open the dispute right away."
        )
        return
    r.confirm(
        f"I'll open a dispute for {usd(v['amt'])} from {v['merchant']} ({tx['posted_date']}), reason: "
        f"{v['reason'].replace('_', ' ')}."
    )
    args = {
        "transaction_id": tx["transaction_id"],
        "reason_code": v["reason"],
        "amount": v["amt"],
        "customer_statement": v["why"],
    }
    if r.fail or r.recover:
        bad = {**args, "reason_code": v["reason"].upper().replace("_", " ")}
        r.err(
            "create_dispute",
            bad,
            "Error 400: reason_code must be one of ['duplicate', 'not_received', "
            "'unrecognized', 'cancelled_subscription', 'wrong_amount']",
        )
        if r.fail:
            r.say(
                "I'm sorry, our dispute system is returning an error right now. Please call the number on the back "
                "of your card to dispute this charge."
            )
            r.user(r.pick("are you kidding me. that's why I used the chat", "ugh. fine, it didn't work"))
            r.closed = True
            return
    res = r.call(
        "create_dispute",
        args,
        {
            "dispute_id": "DSP-" + digits(r.rng, 8),
            "status": "submitted",
            "provisional_credit": v["amt"] if v["amt"] < 250 else None,
            "decision_due": (v["when"].date() + dt.timedelta(days=45)).isoformat(),
        },
    )
    pc = (
        f" A provisional credit of {usd(v['amt'])} will show in your account within 2 business days."
        if res["provisional_credit"]
        else ""
    )
    r.say(f"Your dispute {res['dispute_id']} is submitted.{pc} We'll have a decision by {res['decision_due']}.")


TASKS.append(
    Task(
        id="bank_dispute_card_charge",
        domain="bank",
        desc="Banking: dispute a card charge — find the transaction, open a dispute with the right reason code "
        "(pending charges cannot be disputed yet)",
        vals=v_dispute,
        build=b_dispute,
        requests=[
            "I want to dispute a charge from {merchant} for ${amt}, {why}",
            "There's a {merchant} charge on my account on {txdate} that {why}. Can I get it back?",
            "dispute {merchant} {amt}",
            (
                "Hi I need help with a transaction",
                "Of course — what's going on with it?",
                "{merchant} took ${amt} and {why}",
            ),
            "hello, my card is {card_full}, there is charge {merchant} ${amt} i did not agree. {why}",
        ],
        queries=[
            "I was billed twice by the same online store, how do I get one refunded through the bank",
            "file a chargeback on a card payment for a package that never showed up",
            "what's the process to contest a debit card transaction I don't recognize",
        ],
        fail_kind="visible",
        fail_desc="create_dispute fails on a badly formatted reason code; the agent does not retry with a valid "
        "code, tells the user to call, and the user says it didn't work",
        tools=["find_customer", "verify_identity", "get_transactions", "create_dispute"],
        roles=("recover",),
        follow="separately, I want to dispute a {merchant} charge of ${amt} — {why}",
    )
)


def bank_accounts(v: dict[str, Any]) -> dict[str, Any]:
    return {
        "customer_id": v["customer_id"],
        "accounts": [
            {
                "account_id": v["chk_id"],
                "type": "checking",
                "nickname": "Everyday Checking",
                "mask": "••" + v["chk_last4"],
                "available_balance": v["chk_bal"],
                "currency": "USD",
            },
            {
                "account_id": v["sav_id"],
                "type": "savings",
                "nickname": "High Yield Savings",
                "mask": "••" + v["sav_last4"],
                "available_balance": v["sav_bal"],
                "currency": "USD",
                "withdrawals_this_month": 1,
                "withdrawal_limit": 6,
            },
        ],
    }


def v_xfer(c: Ctx, i: int, ident: dict[str, Any] | None = None) -> dict[str, Any]:
    v = bank_vals(c, i, ident)
    v["to_sav"] = c.rng.random() < 0.55
    src = v["chk_bal"] if v["to_sav"] else v["sav_bal"]
    v["amt"] = float(c.rng.choice([50, 100, 150, 200, 250, 300, 400, 500, 750, 1000, 1200]))
    v["amt"] = min(v["amt"], float(int(src * 0.8)))
    v["amt_s"] = f"{v['amt']:,.0f}"
    v["src"], v["dst"] = ("checking", "savings") if v["to_sav"] else ("savings", "checking")
    v["why"] = c.pick(["rent is due", "saving for a trip", "my paycheck came in", "to cover a bill", "emergency fund"])
    return v


def b_xfer(r: Run, v: dict[str, Any]) -> None:
    bank_identify(r, v)
    r.call("list_accounts", {"customer_id": v["customer_id"]}, bank_accounts(v))
    src, dst = (v["chk_id"], v["sav_id"]) if v["to_sav"] else (v["sav_id"], v["chk_id"])
    if r.fail:
        src, dst = dst, src  # silent: wrong direction
    r.confirm(f"Transfer {usd(v['amt'])} from your {v['src']} to your {v['dst']}, effective today.")
    args = {"from_account_id": src, "to_account_id": dst, "amount": v["amt"], "currency": "USD"}
    if r.chance(0.4):
        args["memo"] = v["why"]
    if r.recover:
        r.err(
            "create_internal_transfer",
            {**args, "from_account_id": "••" + (v["chk_last4"] if v["to_sav"] else v["sav_last4"])},
            "Error 404: from_account_id not found. Use the account_id from list_accounts.",
        )
    res = r.call(
        "create_internal_transfer",
        args,
        {
            "transfer_id": "TRF-" + digits(r.rng, 10),
            "status": "completed",
            "amount": v["amt"],
            "from": src,
            "to": dst,
            "posted": iso(v["when"]),
        },
    )
    if r.style.verify:
        bal = bank_accounts(v)
        for a in bal["accounts"]:
            a["available_balance"] = round(
                a["available_balance"] + (v["amt"] if a["account_id"] == dst else -v["amt"]), 2
            )
        r.call("list_accounts", {"customer_id": v["customer_id"]}, bal)
    r.say(
        f"Done — {usd(v['amt'])} moved from {v['src']} to {v['dst']} (ref {res['transfer_id']}). It's available "
        "immediately."
    )
    if r.fail:
        r.user(r.pick(*THANKS))
        r.closed = True


TASKS.append(
    Task(
        id="bank_transfer_own_accounts",
        domain="bank",
        desc="Banking: move money between the customer's own checking and savings accounts",
        vals=v_xfer,
        build=b_xfer,
        requests=[
            "move ${amt_s} from {src} to {dst}",
            "Hi, can you transfer {amt_s} dollars from my {src} account into {dst}? {why}",
            "I need ${amt_s} in my {dst} today, take it from {src} pls",
            ("Hello", "Hi! How can I help you today?", "transfer between my accounts. {amt_s} from {src} to {dst}"),
            "plz send {amt_s}$ from {src} to my {dst}, {why}",
        ],
        queries=[
            "shift some money out of my savings so my checking doesn't go negative",
            "put $300 aside into my high-yield account from checking",
            "internal transfer between two accounts I own at Northgate",
        ],
        fail_kind="silent",
        fail_desc="swaps source and destination accounts (money moves the wrong way); the agent reports the "
        "requested direction and the user thanks",
        tools=["find_customer", "verify_identity", "list_accounts", "create_internal_transfer"],
        roles=("recover",),
        follow="also please move ${amt_s} from {src} to {dst}",
    )
)

TIER_MAX = {"Everyday": 2500, "Preferred": 5000, "Private": 10000}


def v_limit(c: Ctx, i: int, ident: dict[str, Any] | None = None) -> dict[str, Any]:
    v = bank_vals(c, i, ident)
    mx = TIER_MAX[v["tier"]]
    v["cur"] = c.pick([500, 1000, 1500]) if mx > 1500 else 500
    v["want"] = (
        mx + c.pick([1000, 2500])
        if i in (2, 5)
        else c.pick([x for x in (1500, 2000, 2500, 3000, 5000) if v["cur"] < x <= mx])
    )
    v["kind"] = c.pick(["purchase", "atm"]) if v["want"] <= 1500 else "purchase"
    v["why"] = c.pick(
        ["buying a used car", "paying a contractor", "new laptop", "furniture for the new flat", "a vet bill"]
    )
    return v


def b_limit(r: Run, v: dict[str, Any]) -> None:
    bank_identify(r, v)
    mx = TIER_MAX[v["tier"]]
    lim = {
        "card_id": v["debit_id"],
        "last4": v["debit_last4"],
        "daily_purchase_limit": v["cur"] * 2,
        "daily_atm_limit": v["cur"],
        "tier": v["tier"],
        "tier_max_purchase": mx,
        "tier_max_atm": min(mx, 1500),
    }
    key = "daily_atm_limit" if v["kind"] == "atm" else "daily_purchase_limit"
    r.call("get_card_limits", {"card_id": v["debit_id"]}, lim)
    if r.fail:  # visible: wrong refusal
        r.say(
            "I'm sorry, but card limits can't be changed through this chat for security reasons. Please visit a "
            "branch with photo ID."
        )
        r.user(
            r.pick(
                "your app literally told me to ask the assistant. this is useless",
                "what? I raised it here last year. not helpful",
            )
        )
        r.closed = True
        return
    new = v["want"]
    cap = lim["tier_max_atm"] if v["kind"] == "atm" else mx
    if new > cap:
        r.say(
            f"Your {v['tier']} account allows a daily {v['kind']} limit of up to {usd(cap)}, so I can't go to "
            f"{usd(new)}. Would you like me to raise it to the maximum, {usd(cap)}?"
        )
        r.user(r.pick("ok do the max", "fine, max then", "yes that's ok"))
        new = cap
    else:
        r.confirm(f"I'll raise the daily {v['kind']} limit on your debit card ending {v['debit_last4']} to {usd(new)}.")
    res = r.call(
        "update_card_limit",
        {"card_id": v["debit_id"], "limit_type": key, "amount": new},
        {"card_id": v["debit_id"], key: new, "effective": "immediately", "reverts_on": None},
    )
    r.say(f"Your daily {v['kind']} limit is now {usd(res[key])}, effective immediately.")


TASKS.append(
    Task(
        id="bank_raise_card_limit",
        domain="bank",
        desc="Banking: raise a debit card's daily purchase/ATM limit up to the tier maximum",
        vals=v_limit,
        build=b_limit,
        requests=[
            "can you raise my daily card limit to ${want}? {why}",
            "I need to spend {want} on my debit card tomorrow but the limit is too low",
            "increase daily {kind} limit to {want} please",
            (
                "Hi, I have a question about my debit card",
                "Sure, what would you like to know?",
                "the daily limit is too small, I need {want} for {why}",
            ),
            "Hello! Im {why} and card declined because limit. Please make it {want} dollars",
        ],
        queries=[
            "my debit card keeps hitting its daily spending cap, can it go higher",
            "I need to withdraw more cash than the ATM allows in one day",
            "bump the per-day purchase limit on my Northgate card for a big purchase",
        ],
        fail_kind="visible",
        fail_desc="wrongly refuses to change the limit (says it can't be done in chat); the user complains",
        tools=["find_customer", "verify_identity", "get_card_limits", "update_card_limit"],
        follow="and also can my debit limit go up to ${want}? {why}",
    )
)


def v_fraud(c: Ctx, i: int, ident: dict[str, Any] | None = None) -> dict[str, Any]:
    v = bank_vals(c, i, ident)
    v["otp_given"] = c.secret("otp")
    v["lost"] = round(c.rng.uniform(300, 4800), 2)
    v["story"] = c.pick(
        [
            "someone called saying they were from your fraud department and I read them the code you texted me",
            "I got a text about a suspicious payment, clicked the link and logged in",
            "a guy pretending to be from Northgate asked me to move my money to a 'safe account'",
        ]
    )
    return v


def b_fraud(r: Run, v: dict[str, Any]) -> None:
    if gave(v, "otp_given"):
        r.secret(v["otp_given"], "user message (one-time passcode given to a scammer)")
    bank_identify(r, v)
    r.say(
        r.pick(
            "I'm sorry this happened. First I'm going to secure your account.",
            "Thank you for telling us quickly. Let me lock things down right away.",
        )
    )
    r.call(
        "get_transactions",
        {"account_id": v["chk_id"], "days": 2},
        {
            "account_id": v["chk_id"],
            "transactions": [
                {
                    "transaction_id": "txn_" + alnum(r.rng, 12, string.ascii_lowercase + string.digits),
                    "posted_date": v["today"],
                    "description": "ZELLE TO " + r.pick("J MORALES", "KEVIN T", "A. BROOKS"),
                    "amount": -v["lost"],
                    "status": "posted",
                }
            ],
        },
    )
    if r.fail:  # silent: tries to claw the money back itself and never escalates
        r.call(
            "create_dispute",
            {"transaction_id": "latest", "reason_code": "unrecognized", "amount": v["lost"]},
            {"dispute_id": "DSP-" + digits(r.rng, 8), "status": "submitted"},
        )
        r.say(f"I've opened a dispute for the {usd(v['lost'])} payment; you'll hear back in 45 days.")
        r.user(r.pick(*THANKS))
        r.closed = True
        return
    r.call(
        "lock_online_banking",
        {"customer_id": v["customer_id"], "reason": "account_takeover"},
        {"customer_id": v["customer_id"], "online_banking": "locked", "sessions_revoked": r.rng.randint(1, 4)},
    )
    r.call(
        "freeze_card",
        {"card_id": v["debit_id"], "reason": "suspected_fraud"},
        {"card_id": v["debit_id"], "status": "frozen"},
    )
    r.say(
        f"Online banking is locked and your debit card is frozen. I can see a {usd(v['lost'])} transfer today. "
        "Reversing fraud isn't something I can do, so I'm transferring you to our fraud team now — they'll "
        "verify you and work on recovering the money. Please never share a code with anyone who calls you."
    )
    r.handoff(
        f"Suspected scam/account takeover for {v['customer_id']}; outgoing transfer {v['lost']:.2f} today. "
        "Online banking locked, debit card frozen.",
        "fraud",
    )


TASKS.append(
    Task(
        id="bank_fraud_report_handoff",
        domain="bank",
        desc="Banking: customer reports a scam / account takeover — lock online access, freeze the card and "
        "transfer to the fraud team (do not reverse transactions yourself)",
        vals=v_fraud,
        build=b_fraud,
        requests=[
            "I think I've been scammed. {story}",
            "HELP. money gone from my checking. {story}",
            "Hi, {story}. They said the code was {otp_given}. Now ${lost} is missing",
            ("urgent please", "I'm here — what's happening?", "{story} and now there's a transfer I didn't make"),
            "my account hacked i think, {story}, what to do",
        ],
        queries=[
            "someone tricked me into reading out my bank verification code and drained my account",
            "I clicked a phishing link and now there's a transfer I didn't authorise",
            "report account takeover on my Northgate checking",
        ],
        fail_kind="silent",
        fail_desc="opens an ordinary dispute itself instead of locking access and transferring to the fraud team; "
        "the user thanks",
        tools=[
            "find_customer",
            "verify_identity",
            "get_transactions",
            "lock_online_banking",
            "freeze_card",
            "transfer_to_human_agents",
        ],
    )
)


# ==============================================================================================
# clinic front desk
# ==============================================================================================
PROVIDERS = [("prv_118", "Dr. Helen Ortiz", "Family Medicine"), ("prv_204", "Dr. Samuel Achebe", "Family Medicine"),
             ("prv_311", "Dr. Rina Takahashi", "Pediatrics"), ("prv_092", "Jordan Lee, NP", "Family Medicine"),
             ("prv_415", "Dr. Claire Dumont", "Dermatology")]  # fmt: skip
VISITS = ["annual physical", "follow-up", "skin check", "blood pressure check", "sick visit", "well-child visit"]


def clinic_vals(c: Ctx, i: int, ident: dict[str, Any] | None = None) -> dict[str, Any]:
    if ident is None:
        p = c.person()
        prov = c.pick(PROVIDERS)
        ident = {
            **p,
            "patient_id": "PT" + digits(c.rng, 7),
            "prov_id": prov[0],
            "prov": prov[1],
            "dept": prov[2],
            "pharmacy": c.pick(["CVS #2231", "Walgreens #0987", "Rite Aid #551", "Costco Pharmacy #118"]),
            "new_pharmacy": c.pick(["Safeway Pharmacy #1720", "Kroger Pharmacy #404", "Target CVS #2990"]),
        }
        ident["_idkeys"] = [k for k in ident if not k.startswith("_")]
    v = base(c, "clinic", ident)
    appt = dt.datetime.combine(
        v["when"].date() + dt.timedelta(days=c.rng.randint(1, 12)),
        dt.time(c.rng.choice([8, 9, 10, 13, 14, 15]), c.rng.choice([0, 20, 40])),
    )
    v.update(
        appt=appt,
        appt_id="APT-" + digits(c.rng, 8),
        visit=c.pick(VISITS),
        appt_day=nice_date(appt.date()),
        appt_time=hhmm(appt),
    )
    return v


def clinic_identify(r: Run, v: dict[str, Any]) -> None:
    if r.authed:
        return
    if not gave(v, "dob_us", "dob_words", "dob"):
        r.say(
            r.pick(
                "I can help with that. Please give me the patient's full name and date of birth.",
                "Sure — first I need to verify the patient. Full name and date of birth?",
            )
        )
        r.user(
            r.pick(
                f"{v['name']}, {v['dob_us']}",
                f"{v['name']} born {v['dob_words']}",
                f"{v['first']} {v['last']} {v['dob']}",
            )
        )
    r.call(
        "find_patient",
        {"name": v["name"], "date_of_birth": v["dob"]},
        {
            "matches": [
                {
                    "patient_id": v["patient_id"],
                    "name": v["name"],
                    "date_of_birth": v["dob"],
                    "primary_provider": v["prov_id"],
                    "phone": v["phone_nat"],
                }
            ]
        },
    )
    r.authed = True


def appt_rec(v: dict[str, Any], status: str = "booked") -> dict[str, Any]:
    return {
        "appointment_id": v["appt_id"],
        "start": v["appt"].strftime("%Y-%m-%dT%H:%M:00"),
        "duration_min": 20,
        "provider_id": v["prov_id"],
        "provider": v["prov"],
        "visit_type": v["visit"],
        "status": status,
        "location": "Cedar Grove — Main St",
    }


def v_resched(c: Ctx, i: int, ident: dict[str, Any] | None = None) -> dict[str, Any]:
    v = clinic_vals(c, i, ident)
    d = v["appt"].date() + dt.timedelta(days=c.rng.randint(3, 14))
    while d.weekday() >= 5:
        d += dt.timedelta(days=1)
    v["pref_date"] = d
    v["pref"] = c.pick([f"{nice_date(d)}", f"sometime the week of {short_date(d)}", f"{d.strftime('%A')} afternoon"])
    v["why"] = c.pick(
        ["I have a work trip", "my kid's school play is that day", "I can't get off work", "my car is in the shop"]
    )
    return v


def b_resched(r: Run, v: dict[str, Any]) -> None:
    clinic_identify(r, v)
    r.call(
        "list_appointments",
        {"patient_id": v["patient_id"], "status": "upcoming"},
        {"patient_id": v["patient_id"], "appointments": [appt_rec(v)]},
    )
    if not gave(v, "pref"):
        r.say(
            f"I see your {v['visit']} with {v['prov']} on {v['appt_day']} at {v['appt_time']}. When would you like "
            "to move it to?"
        )
        r.user(r.pick(f"{v['pref']} if possible", f"{v['pref']}", f"anything {v['pref']}"))
    d = v["pref_date"]
    slots = [
        {
            "slot_id": "SL-" + digits(r.rng, 6),
            "provider_id": v["prov_id"],
            "start": f"{d.isoformat()}T{h:02d}:{m:02d}:00",
        }
        for h, m in sorted(r.rng.sample([(8, 40), (9, 20), (11, 0), (13, 40), (14, 20), (15, 0), (16, 20)], 3))
    ]
    rng_args = {
        "provider_id": v["prov_id"],
        "from": d.isoformat(),
        "to": (d + dt.timedelta(days=2)).isoformat(),
        "visit_type": v["visit"],
    }
    r.call("get_available_slots", rng_args, {"slots": slots})
    times = [hhmm(dt.datetime.fromisoformat(s["start"])) for s in slots]
    r.say(f"{v['prov']} has these openings on {nice_date(d)}: {', '.join(times)}. Which works best?")
    k = r.rng.randrange(3)
    r.user(r.pick(f"{times[k]} please", f"the {times[k]} one", f"{times[k]}"))
    chosen = slots[(k + 1) % 3] if r.fail else slots[k]  # silent: books the neighbouring slot
    r.confirm(f"Moving your {v['visit']} to {nice_date(d)} at {times[k]} with {v['prov']}.")
    args = {"appointment_id": v["appt_id"], "new_slot_id": chosen["slot_id"]}
    if r.recover:
        r.err(
            "reschedule_appointment",
            args,
            f"Error 409: SLOT_TAKEN — slot {chosen['slot_id']} was booked by another patient",
        )
        alt = {"slot_id": "SL-" + digits(r.rng, 6), "provider_id": v["prov_id"], "start": f"{d.isoformat()}T16:40:00"}
        r.call("get_available_slots", rng_args, {"slots": [s for s in slots if s is not chosen] + [alt]})
        r.say(
            f"Sorry — someone just took {times[k]}. Still open: "
            f"{', '.join(t for j, t in enumerate(times) if j != k)} or 4:40 PM. Which would you like?"
        )
        r.user("4:40 is fine")
        chosen, times[k] = alt, "4:40 PM"
        args = {"appointment_id": v["appt_id"], "new_slot_id": alt["slot_id"]}
    res = r.call(
        "reschedule_appointment",
        args,
        {
            "appointment_id": v["appt_id"],
            "status": "booked",
            "start": chosen["start"],
            "provider": v["prov"],
            "confirmation_sms": True,
        },
    )
    r.say(
        f"You're all set: {v['visit']} with {v['prov']} on {nice_date(d)} at {times[k]}. A confirmation text is on "
        f"its way (appointment {res['appointment_id']})."
    )
    if r.fail:
        r.user(r.pick(*THANKS))
        r.closed = True


TASKS.append(
    Task(
        id="clinic_reschedule_appointment",
        domain="clinic",
        desc="Clinic: move a patient's upcoming appointment to a new slot with the same provider",
        vals=v_resched,
        build=b_resched,
        requests=[
            "need to reschedule my appointment on {appt_day}, {why}. can we do {pref}?",
            "Hi, this is {name}, DOB {dob_us}. I have to move my {visit}.",
            ("Hello", "Hi, how can I help?", "I want to change the day of my appointment with {prov}"),
            "can i move my appt to {pref}",
            "Good morning! Unfortunately {why} on {appt_day}, so I need a different time for my {visit}. Thank you!",
        ],
        queries=[
            "push my checkup with the doctor to next week, something in the afternoon",
            "patient wants to change the date of their dermatology visit",
            "I can't make my clinic visit on Thursday, what other times are there",
        ],
        fail_kind="silent",
        fail_desc="books the slot next to the one the patient chose and tells them the chosen time; the user thanks",
        tools=["find_patient", "list_appointments", "get_available_slots", "reschedule_appointment"],
        roles=("recover",),
        follow="also I need to move my {visit} to {pref}",
    )
)


def v_ccancel(c: Ctx, i: int, ident: dict[str, Any] | None = None) -> dict[str, Any]:
    v = clinic_vals(c, i, ident)
    if i in (2, 3):  # late cancellation: tomorrow morning
        v["appt"] = dt.datetime.combine(v["when"].date() + dt.timedelta(days=1), dt.time(8, 40))
        v["appt_day"], v["appt_time"] = nice_date(v["appt"].date()), hhmm(v["appt"])
    v["none"] = i == 7
    v["why"] = c.pick(
        [
            "I'm feeling better",
            "I found a closer clinic",
            "scheduling conflict",
            "I'm travelling",
            "got covid, staying home",
        ]
    )
    return v


def b_ccancel(r: Run, v: dict[str, Any]) -> None:
    clinic_identify(r, v)
    appts = [] if v["none"] else [appt_rec(v)]
    r.call(
        "list_appointments",
        {"patient_id": v["patient_id"], "status": "upcoming"},
        {"patient_id": v["patient_id"], "appointments": appts},
    )
    if v["none"]:
        r.say(
            "I don't see any upcoming appointments under your name — it looks like it was already cancelled "
            "(or never booked), so there's nothing to cancel. Is there anything else?"
        )
        return
    hours = (v["appt"] - v["when"]).total_seconds() / 3600
    fee = hours < 24
    if fee:
        r.say(
            f"Your {v['visit']} is {v['appt_day']} at {v['appt_time']}, less than 24 hours away, so cancelling now "
            "carries a $40 late-cancellation fee. Do you still want to cancel?"
        )
        r.user(r.pick("yes, cancel it anyway", "ugh ok yes", "yes"))
    else:
        r.confirm(f"Cancel your {v['visit']} with {v['prov']} on {v['appt_day']} at {v['appt_time']}?")
    args = {"appointment_id": v["appt_id"], "reason": v["why"], "late_cancel_fee": fee}
    if r.fail:
        r.err("cancel_appointment", args, "Error 503: scheduling service unavailable (upstream timeout after 30000ms)")
        r.say("I'm having trouble cancelling it on my end. Please call the front desk at (555) 014-2200.")
        r.user(r.pick("so it's still booked? I'll get charged a no-show fee", "that didn't work then."))
        r.closed = True
        return
    if r.recover:
        r.err("cancel_appointment", args, "Error 503: scheduling service unavailable (upstream timeout after 30000ms)")
        r.note("That timed out; trying again.")
    r.call(
        "cancel_appointment",
        args,
        {
            "appointment_id": v["appt_id"],
            "status": "cancelled",
            "fee_charged": 40.0 if fee else 0.0,
            "waitlist_notified": True,
        },
    )
    r.say(
        f"Your appointment on {v['appt_day']} is cancelled."
        + (" The $40 fee will appear on your next statement." if fee else " No fee applies.")
    )


TASKS.append(
    Task(
        id="clinic_cancel_appointment",
        domain="clinic",
        desc="Clinic: cancel an upcoming appointment, warning about the late-cancellation fee inside 24 hours "
        "(or report there is none)",
        vals=v_ccancel,
        build=b_ccancel,
        requests=[
            "please cancel my appointment on {appt_day}. {why}",
            "cancel appt for {name} dob {dob_us}",
            "Hi there, I won't be able to make it to see {prov} — {why}. Can you cancel it?",
            ("hi", "Hello! How can I help?", "i need to cancel my {visit}"),
            "Hello, I want to cancel the doctor visit, {why}",
        ],
        queries=[
            "I'm not going to make my doctor's appointment tomorrow morning",
            "patient asks to drop their upcoming visit, is there a charge",
            "call off my physical next week",
        ],
        fail_kind="visible",
        fail_desc="cancel_appointment times out; the agent does not retry, tells the patient to call, and the "
        "patient says it did not work",
        tools=["find_patient", "list_appointments", "cancel_appointment"],
        roles=("recover", "noop"),
        follow="actually also cancel my {visit} on {appt_day}, {why}",
    )
)

MEDS = [("lisinopril 10 mg", False), ("atorvastatin 20 mg", False), ("levothyroxine 75 mcg", False),
        ("sertraline 50 mg", False), ("metformin 500 mg", False), ("albuterol inhaler", False),
        ("zolpidem 10 mg", True), ("alprazolam 0.5 mg", True), ("Adderall XR 20 mg", True)]  # fmt: skip


def v_refill(c: Ctx, i: int, ident: dict[str, Any] | None = None) -> dict[str, Any]:
    v = clinic_vals(c, i, ident)
    pool = [m for m in MEDS if m[1]] if i in (4, 5) else [m for m in MEDS if not m[1]]
    v["med"], v["controlled"] = c.pick(pool)
    v["med_id"] = "RX-" + digits(c.rng, 7)
    v["switch"] = i in (0, 1, 6)
    return v


def b_refill(r: Run, v: dict[str, Any]) -> None:
    clinic_identify(r, v)
    meds = [
        {
            "medication_id": v["med_id"],
            "name": v["med"],
            "controlled": v["controlled"],
            "schedule": "IV" if v["controlled"] and "Adderall" not in v["med"] else ("II" if v["controlled"] else None),
            "prescriber_id": v["prov_id"],
            "refills_remaining": 0,
            "last_filled": (v["when"].date() - dt.timedelta(days=28)).isoformat(),
            "pharmacy": v["pharmacy"],
        },
        {
            "medication_id": "RX-" + digits(r.rng, 7),
            "name": r.pick("vitamin D 2000 IU", "fluticasone nasal", "omeprazole 20 mg"),
            "controlled": False,
            "prescriber_id": v["prov_id"],
            "refills_remaining": 2,
            "pharmacy": v["pharmacy"],
        },
    ]
    r.call("get_medications", {"patient_id": v["patient_id"]}, {"patient_id": v["patient_id"], "medications": meds})
    if v["controlled"]:
        r.say(
            f"{v['med'].split()[0].capitalize()} is a controlled medication, so I can't send the refill request from "
            "the front desk. I'm transferring you to the nurse line, who can review it with the prescriber."
        )
        r.handoff(
            f"Refill request for controlled medication {v['med']} ({v['med_id']}), patient {v['patient_id']}.",
            "nurse_line",
        )
        return
    if v["switch"] and not gave(v, "new_pharmacy"):
        r.say(f"Should it go to {v['pharmacy']} as before?")
        r.user(r.pick(f"no, to {v['new_pharmacy']} now please", f"actually I use {v['new_pharmacy']} now"))
    pharm = v["new_pharmacy"] if v["switch"] and not r.fail else v["pharmacy"]  # silent: old pharmacy
    said = v["new_pharmacy"] if v["switch"] else v["pharmacy"]
    r.confirm(f"I'll send a refill request for {v['med']} to {v['prov']}'s team, to be filled at {said}.")
    res = r.call(
        "create_refill_request",
        {
            "patient_id": v["patient_id"],
            "medication_id": v["med_id"],
            "route_to": f"pool:{v['prov_id']}",
            "pharmacy": pharm,
        },
        {
            "request_id": "RF-" + digits(r.rng, 7),
            "status": "queued",
            "route": f"pool:{v['prov_id']}",
            "expected_turnaround_business_days": 2,
        },
    )
    r.say(
        f"Done — refill request {res['request_id']} is with {v['prov']}'s team. Allow up to 2 business days; "
        f"{said} will text you when it's ready."
    )
    if r.fail:
        r.user(r.pick(*THANKS))
        r.closed = True


TASKS.append(
    Task(
        id="clinic_route_refill_request",
        domain="clinic",
        desc="Clinic: route a prescription refill request to the prescriber's pool (right pharmacy); controlled "
        "medications go to the nurse line instead",
        vals=v_refill,
        build=b_refill,
        requests=[
            "I need a refill on my {med}",
            "hi, out of {med} tomorrow, can you send a refill to the pharmacy? {name} {dob_us}",
            "Can {prov} refill my {med}? Please send it to {new_pharmacy}, I changed pharmacies.",
            ("Hello", "Hi! How can I help you today?", "refill request for {med}"),
            "refill {med} pls, running low",
        ],
        queries=[
            "my blood pressure pills are almost gone, can the doctor renew them",
            "patient requesting more of their sleeping medication",
            "send my prescription renewal to a different drugstore",
        ],
        fail_kind="silent",
        fail_desc="sends the refill to the patient's old pharmacy after they asked for the new one; the user thanks",
        tools=["find_patient", "get_medications", "create_refill_request", "transfer_to_human_agents"],
        follow="also can you request a refill of my {med}?",
    )
)


# ==============================================================================================
# insurance claims
# ==============================================================================================
LOSSES = [
    ("auto", "glass", "a rock cracked my windshield on the highway", 480.0),
    ("auto", "collision", "someone backed into my car in a parking lot", 2350.0),
    ("home", "water", "a pipe burst under the kitchen sink and flooded the floor", 6200.0),
    ("home", "theft", "my bike was stolen from the garage", 1150.0),
    ("home", "wind", "a storm tore shingles off the roof", 3900.0),
    ("renters", "theft", "my laptop was stolen from my apartment", 1600.0),
]


def ins_vals(c: Ctx, i: int, ident: dict[str, Any] | None = None) -> dict[str, Any]:
    if ident is None:
        p = c.person()
        line, peril, story, est = c.pick(LOSSES)
        ident = {
            **p,
            "policy_no": f"MM-{line[:2].upper()}-{digits(c.rng, 7)}",
            "line": line,
            "peril": peril,
            "story": story,
            "est": round(est * c.rng.uniform(0.7, 1.4), -1),
            "claim_id": "CLM-" + digits(c.rng, 8),
            "old_claim": "CLM-" + digits(c.rng, 8),
        }
        ident["_idkeys"] = [k for k in ident if not k.startswith("_")]
    v = base(c, "insurance", ident)
    v["loss_date"] = v["when"].date() - dt.timedelta(days=c.rng.randint(1, 12))
    v["loss_day"] = short_date(v["loss_date"])
    v["est_s"] = f"{v['est']:,.0f}"
    return v


def ins_identify(r: Run, v: dict[str, Any], covered: bool = True) -> None:
    if r.authed:
        return
    if not gave(v, "policy_no"):
        r.say(
            r.pick(
                "I can help with that. What's your policy number, and your date of birth for verification?",
                "Sure. Please share the policy number and the policyholder's date of birth.",
            )
        )
        r.user(r.pick(f"{v['policy_no']}, {v['dob_us']}", f"policy {v['policy_no']} dob {v['dob_words']}"))
    elif r.style.auth_first:
        r.say("Thanks. Can you confirm the policyholder's date of birth?")
        r.user(v["dob_us"])
    perils = {
        "auto": ["collision", "comprehensive", "glass"],
        "home": ["water", "theft", "wind", "fire"],
        "renters": ["theft", "fire", "water"],
    }[v["line"]]
    if not covered:
        perils = [p for p in perils if p != v["peril"]]
    r.call(
        "get_policy",
        {"policy_number": v["policy_no"]},
        {
            "policy_number": v["policy_no"],
            "holder": v["name"],
            "date_of_birth": v["dob"],
            "line": v["line"],
            "status": "active",
            "term": {"start": f"{v['when'].year}-01-01", "end": f"{v['when'].year}-12-31"},
            "coverages": [{"peril": p, "deductible": 500 if p != "glass" else 0} for p in perils],
        },
    )
    r.authed = True


def v_file(c: Ctx, i: int, ident: dict[str, Any] | None = None) -> dict[str, Any]:
    v = ins_vals(c, i, ident)
    v["covered"] = i != 6
    return v


def b_file(r: Run, v: dict[str, Any]) -> None:
    ins_identify(r, v, covered=v["covered"])
    if not v["covered"]:
        r.say(
            f"I've checked your {v['line']} policy and unfortunately it doesn't include {v['peril']} coverage, so a "
            "claim for this loss wouldn't be accepted. I haven't filed anything. If you'd like, an agent can review "
            "adding that coverage going forward."
        )
        return
    if not gave(v, "loss_day"):
        r.say("I'm sorry that happened. When did it happen, and roughly what do you think repairs will cost?")
        r.user(r.pick(f"on {v['loss_day']}, maybe ${v['est_s']}", f"{v['loss_day']}. quote was {v['est_s']}"))
    date = v["when"].date() if r.fail else v["loss_date"]  # visible: files today's date
    r.confirm(
        f'Here\'s the claim: {v["peril"]} loss on {short_date(v["loss_date"])} — "{v["story"]}", estimate '
        f"{usd(v['est'])}."
    )
    args = {
        "policy_number": v["policy_no"],
        "loss_type": v["peril"],
        "date_of_loss": date.isoformat(),
        "description": v["story"],
        "estimated_amount": v["est"],
    }
    if r.recover:
        r.err(
            "create_claim",
            {**args, "date_of_loss": date.strftime("%m/%d/%Y")},
            "Error 422: date_of_loss: value is not a valid date (expected YYYY-MM-DD)",
        )
    res = r.call(
        "create_claim",
        args,
        {
            "claim_id": v["claim_id"],
            "status": "submitted",
            "date_of_loss": date.isoformat(),
            "adjuster": {"name": r.pick("Dana Whitfield", "Marco Ruiz", "Priya Natarajan"), "phone": "(800) 555-0148"},
            "deductible": 0 if v["peril"] == "glass" else 500,
            "next_steps": ["upload photos", "upload estimate"],
        },
    )
    r.say(
        f"Your claim {res['claim_id']} is submitted. {res['adjuster']['name']} is your adjuster and will contact you "
        "within 2 business days. Next, please upload photos and the repair estimate."
    )
    if r.fail:
        r.user(f"wait, it says date of loss {date.isoformat()}? it happened on {v['loss_day']}, not today")
        r.say("I'm sorry — I'm not able to edit a claim once it's submitted. Your adjuster can correct it.")
        r.user(r.pick("great, so it's wrong now.", "this is a mess"))
        r.closed = True


TASKS.append(
    Task(
        id="ins_file_new_claim",
        domain="insurance",
        desc="Insurance: file a new claim under an active policy after checking the loss type is covered",
        vals=v_file,
        build=b_file,
        requests=[
            "I need to file a claim, {story}. policy {policy_no}",
            "Hi — {story} on {loss_day}. How do I make a claim? Repair estimate is about ${est_s}.",
            ("hello", "Hi, how can I help you today?", "{story}, i want to claim on my insurance"),
            "file claim: {peril}, {loss_day}, est {est_s}",
            "Good evening, unfortunately {story}. I have Meridian {line} insurance. What should I do?",
        ],
        queries=[
            "open an insurance claim for hail damage to my roof",
            "report a car accident to my insurer and start a claim",
            "my apartment got broken into, I want to claim the stolen stuff",
        ],
        fail_kind="visible",
        fail_desc="files the claim with today's date as the date of loss; the user notices and says it is wrong",
        tools=["get_policy", "create_claim"],
        roles=("recover",),
        follow="and while I'm here, I also need to file a claim — {story} on {loss_day}",
    )
)


def v_status(c: Ctx, i: int, ident: dict[str, Any] | None = None) -> dict[str, Any]:
    v = ins_vals(c, i, ident)
    v["cstatus"] = c.pick(["under_review", "awaiting_documents", "approved", "payment_issued"])
    return v


def b_status(r: Run, v: dict[str, Any]) -> None:
    ins_identify(r, v)
    r.call(
        "list_claims",
        {"policy_number": v["policy_no"]},
        {
            "claims": [
                {
                    "claim_id": v["claim_id"],
                    "date_of_loss": v["loss_date"].isoformat(),
                    "loss_type": v["peril"],
                    "status": v["cstatus"],
                },
                {
                    "claim_id": v["old_claim"],
                    "date_of_loss": f"{v['when'].year - 1}-0{r.rng.randint(1, 9)}-1{r.rng.randint(0, 9)}",
                    "loss_type": r.pick("glass", "water", "theft"),
                    "status": "closed_paid",
                },
            ]
        },
    )
    cid = v["old_claim"] if r.fail else v["claim_id"]  # silent: reads the old closed claim
    st = "closed_paid" if r.fail else v["cstatus"]
    out = {"awaiting_documents": ["repair estimate", "photos of damage"]}.get(st, [])
    paid = round(v["est"] - 500, 2) if st in ("payment_issued", "closed_paid") else None
    res = r.call(
        "get_claim",
        {"claim_id": cid},
        {
            "claim_id": cid,
            "status": st,
            "adjuster": "Dana Whitfield",
            "outstanding_items": out,
            "payments": [{"amount": paid, "method": "direct_deposit", "date": v["today"]}] if paid else [],
            "notes": [{"at": iso(v["when"] - dt.timedelta(days=2)), "text": "Inspection complete."}],
        },
    )
    msg = {
        "under_review": "is under review by your adjuster; no action is needed from you right now",
        "awaiting_documents": f"is waiting on documents from you: {', '.join(out)}",
        "approved": "has been approved — payment is being prepared",
        "payment_issued": f"is paid: {usd(paid or 0)} was sent by direct deposit",
        "closed_paid": f"is closed and was paid ({usd(paid or 0)})",
    }[res["status"]]
    r.say(f"Your claim {cid} {msg}.")
    if r.fail:
        r.user(r.pick(*THANKS))
        r.closed = True


TASKS.append(
    Task(
        id="ins_check_claim_status",
        domain="insurance",
        desc="Insurance: report the status and outstanding items of the customer's open claim (read-only)",
        vals=v_status,
        build=b_status,
        requests=[
            "what's the status of my claim? policy {policy_no}",
            "any update on the {peril} claim I filed?",
            "Hi, I filed a claim after {story} and haven't heard anything. Where is it at?",
            ("hello", "Hello! What can I help with?", "checking on claim {claim_id}"),
            "did my claim got approve? i am waiting long time",
        ],
        queries=[
            "has the insurance paid out for my burst pipe yet",
            "is anything still needed from me to move my claim along",
            "where does my windshield claim stand",
        ],
        fail_kind="silent",
        fail_desc="reports the status of the customer's old closed claim instead of the open one; the user thanks",
        tools=["get_policy", "list_claims", "get_claim"],
        follow="also what's happening with my {peril} claim?",
    )
)


def v_docs(c: Ctx, i: int, ident: dict[str, Any] | None = None) -> dict[str, Any]:
    v = ins_vals(c, i, ident)
    v["doc"] = c.pick(["repair estimate", "photos", "police report", "receipts", "invoice from the plumber"])
    v["dtype"] = {
        "repair estimate": "estimate",
        "photos": "photo",
        "police report": "police_report",
        "receipts": "receipt",
        "invoice from the plumber": "invoice",
    }[v["doc"]]
    v["presign"] = c.secret("aws_presign")
    return v


def b_docs(r: Run, v: dict[str, Any]) -> None:
    ins_identify(r, v)
    r.call(
        "list_claims",
        {"policy_number": v["policy_no"]},
        {"claims": [{"claim_id": v["claim_id"], "status": "awaiting_documents", "loss_type": v["peril"]}]},
    )
    args = {"claim_id": v["claim_id"], "document_type": v["dtype"]}
    if r.fail:
        r.err("create_upload_link", args, "Error 403: uploads disabled — claim is assigned to special investigations")
        r.say("I wasn't able to create an upload link. Please try again tomorrow.")
        r.user(r.pick("this is the third time I'm trying. it's not working", "that doesn't help me at all"))
        r.closed = True
        return
    if r.recover:
        r.err(
            "create_upload_link",
            {**args, "document_type": v["doc"]},
            "Error 422: document_type must be one of "
            "['photo', 'estimate', 'invoice', 'receipt', 'police_report', 'medical', 'other']",
        )
    url = f"https://uploads.meridianmutual.example/claims/{v['claim_id']}?{v['presign']}"
    if r.want_secret:
        r.secret(v["presign"], "tool result (pre-signed upload URL)")
    res = r.call(
        "create_upload_link",
        args,
        {
            "upload_url": url if r.want_secret else f"https://mm.example/u/{alnum(r.rng, 10)}",
            "expires_in_minutes": 30,
            "max_files": 10,
        },
    )
    r.say(
        f"Here's a secure link to upload your {v['doc']} (valid for 30 minutes): {res['upload_url']}\nLet me know "
        "once you've uploaded and I'll check they came through."
    )
    r.user(r.pick("ok done", "uploaded them", "done, 3 files"))
    n = r.rng.randint(1, 3)
    docs = [
        {
            "document_id": "DOC-" + digits(r.rng, 7),
            "type": v["dtype"],
            "filename": f"{v['dtype']}_{j + 1}.pdf",
            "status": "received",
        }
        for j in range(n)
    ]
    r.call("list_claim_documents", {"claim_id": v["claim_id"]}, {"claim_id": v["claim_id"], "documents": docs})
    r.say(f"Got them — {n} file(s) are attached to claim {v['claim_id']} and your adjuster has been notified.")


TASKS.append(
    Task(
        id="ins_add_claim_documents",
        domain="insurance",
        desc="Insurance: attach documents to an existing claim via a secure upload link, then confirm receipt",
        vals=v_docs,
        build=b_docs,
        requests=[
            "how do I send the {doc} for my claim?",
            "I have the {doc} for claim {claim_id}, where do I upload it",
            ("Hi", "Hi! How can I help?", "adjuster asked me for {doc}. policy {policy_no}"),
            "need to add {doc} to my {peril} claim",
            "Hello, my adjuster want more document ({doc}). How I can give?",
        ],
        queries=[
            "I've got pictures of the damage, how do I get them onto my claim file",
            "submit the contractor's quote to my open insurance claim",
            "where do I attach a police report for a theft claim",
        ],
        fail_kind="visible",
        fail_desc="create_upload_link is refused (claim with special investigations); the agent tells the user to "
        "try tomorrow instead of routing it, and the user says it is not working",
        tools=["get_policy", "list_claims", "create_upload_link", "list_claim_documents"],
        roles=("recover",),
    )
)


# ==============================================================================================
# hotel, food delivery, utilities
# ==============================================================================================
HOTELS = [("HL-SEA1", "Harbourline Seattle Waterfront"), ("HL-CHI2", "Harbourline Chicago River North"),
          ("HL-MIA1", "Harbourline Miami Beach"), ("HL-BOS3", "Harbourline Boston Seaport"),
          ("HL-DEN1", "Harbourline Denver Union Station")]  # fmt: skip
ROOMS = [("KNG", "King Deluxe"), ("QQ", "Two Queens"), ("KSTE", "King Suite"), ("KNGV", "King Harbour View")]


def hotel_vals(c: Ctx, i: int, ident: dict[str, Any] | None = None) -> dict[str, Any]:
    if ident is None:
        p = c.person()
        h = c.pick(HOTELS)
        room = c.pick(ROOMS)
        ident = {
            **p,
            "conf": "H" + alnum(c.rng, 7),
            "hotel_id": h[0],
            "hotel": h[1],
            "room_code": room[0],
            "room": room[1],
            "tier": c.pick(["Member", "Member", "Silver", "Gold", "Platinum"]),
            "rate": float(c.rng.randint(149, 389)),
            "member_no": "HX" + digits(c.rng, 9),
        }
        ident["_idkeys"] = [k for k in ident if not k.startswith("_")]
    v = base(c, "hotel", ident)
    if "ci" not in v:  # the stay is part of the guest's identity when a session asks for two things
        ci = v["when"].date() + dt.timedelta(days=c.rng.randint(0, 20))
        v["ci"], v["co"] = ci, ci + dt.timedelta(days=c.rng.randint(1, 4))
        v["_idkeys"] = [*v["_idkeys"], "ci", "co"]
    v["ci_s"], v["co_s"] = short_date(v["ci"]), short_date(v["co"])
    return v


def hotel_identify(r: Run, v: dict[str, Any]) -> None:
    if r.authed:
        return
    if not gave(v, "conf"):
        r.say(
            r.pick(
                "Happy to help. What's your confirmation number and the last name on the booking?",
                "Sure! Could I have the confirmation number and last name?",
            )
        )
        r.user(r.pick(f"{v['conf']}, {v['last']}", f"conf {v['conf']} last name {v['last']}"))
    r.call(
        "find_reservation",
        {"confirmation_number": v["conf"], "last_name": v["last"]},
        {
            "confirmation_number": v["conf"],
            "guest": {"name": v["name"], "loyalty_number": v["member_no"], "tier": v["tier"]},
            "hotel_id": v["hotel_id"],
            "hotel": v["hotel"],
            "room_type": v["room_code"],
            "room_name": v["room"],
            "check_in": v["ci"].isoformat(),
            "check_out": v["co"].isoformat(),
            "rate_code": "BAR-FLEX",
            "nightly_rate": v["rate"],
            "status": "confirmed",
            "addons": [],
        },
    )
    r.authed = True


def v_modify(c: Ctx, i: int, ident: dict[str, Any] | None = None) -> dict[str, Any]:
    v = hotel_vals(c, i, ident)
    v["extra"] = c.rng.randint(1, 2)
    v["new_co"] = v["co"] + dt.timedelta(days=v["extra"])
    v["new_co_s"] = short_date(v["new_co"])
    v["nights"] = "one more night" if v["extra"] == 1 else "two more nights"
    return v


def b_modify(r: Run, v: dict[str, Any]) -> None:
    hotel_identify(r, v)
    if not gave(v, "new_co_s", "nights"):
        r.say(f"I see your stay at {v['hotel']}, {v['ci_s']}–{v['co_s']}. What would you like to change?")
        r.user(r.pick(f"stay until {v['new_co_s']} instead", f"add {v['nights']} at the end"))
    new_rate = v["rate"] + r.rng.choice([0, 0, 20, 35])
    r.call(
        "check_availability",
        {
            "hotel_id": v["hotel_id"],
            "room_type": v["room_code"],
            "check_in": v["co"].isoformat(),
            "check_out": v["new_co"].isoformat(),
        },
        {
            "available": True,
            "rates": [
                {"rate_code": "BAR-FLEX2", "nightly": new_rate, "refundable": True},
                {"rate_code": "ADV-NR", "nightly": round(new_rate * 0.85), "refundable": False},
            ],
        },
    )
    add = new_rate * v["extra"]
    r.confirm(
        f"Extending to check out on {v['new_co_s']} adds {v['extra']} night(s) at {usd(new_rate)} "
        f"({usd(add)} plus tax), same room."
    )
    args = {
        "confirmation_number": v["conf"],
        "check_in": v["ci"].isoformat(),
        "check_out": v["new_co"].isoformat(),
        "rate_code": "BAR-FLEX2",
    }
    if r.fail:  # silent: moves the check-in instead of extending
        args.update(check_in=(v["ci"] + dt.timedelta(days=v["extra"])).isoformat(), check_out=v["new_co"].isoformat())
    if r.recover:
        r.err(
            "modify_reservation",
            {**args, "rate_code": "BAR-FLEX"},
            "Error: rate BAR-FLEX is not bookable for 1+ of the requested nights; use a rate from check_availability",
        )
    res = r.call(
        "modify_reservation",
        args,
        {
            "confirmation_number": v["conf"],
            "status": "confirmed",
            "check_in": args["check_in"],
            "check_out": args["check_out"],
            "total_before_tax": round(v["rate"] * (v["co"] - v["ci"]).days + add, 2),
        },
    )
    r.say(
        f"Done! You now check out on {v['new_co_s']}. New total before tax: {usd(res['total_before_tax'])}; the "
        "confirmation number stays the same."
    )
    if r.fail:
        r.user(r.pick(*THANKS))
        r.closed = True


TASKS.append(
    Task(
        id="hotel_extend_stay",
        domain="hotel",
        desc="Hotel: extend a reservation by changing the check-out date after checking availability and price",
        vals=v_modify,
        build=b_modify,
        requests=[
            "can I extend my stay to {new_co_s}? conf {conf}",
            "I'd like to add {nights} to my reservation at {hotel}",
            ("Hi", "Hello! How can I help with your stay?", "i want to stay longer, {nights}"),
            "Hello, my meetings got extended so I need the room until {new_co_s}. Booking {conf}, {last}.",
            "extend booking pls, {nights}",
        ],
        queries=[
            "my conference runs a day longer, keep my hotel room an extra night",
            "guest wants to push their check-out back two days",
            "change my departure date to later in the week",
        ],
        fail_kind="silent",
        fail_desc="shifts the check-in date instead of only extending the check-out (stay length unchanged); the "
        "user thanks",
        tools=["find_reservation", "check_availability", "modify_reservation"],
        roles=("recover",),
        follow="also can I stay {nights}?",
    )
)


def v_late(c: Ctx, i: int, ident: dict[str, Any] | None = None) -> dict[str, Any]:
    v = hotel_vals(c, i, ident)
    v["until"] = c.pick(["1pm", "2pm", "3pm"])
    v["has_it"] = i == 7
    return v


def b_late(r: Run, v: dict[str, Any]) -> None:
    hotel_identify(r, v)
    if v["has_it"]:
        r.call(
            "get_reservation_addons",
            {"confirmation_number": v["conf"]},
            {"addons": [{"code": "LCO", "description": "Late checkout 2:00 PM", "price": 0.0}]},
        )
        r.say(f"You already have late checkout until 2:00 PM on {v['co_s']} on the booking, so there's nothing to add.")
        return
    if r.fail:  # visible: wrong refusal
        r.say("I'm sorry, late checkout can only be requested at the front desk on the day of departure.")
        r.user(r.pick("the website says I can ask here... whatever", "that's not what your app says. useless"))
        r.closed = True
        return
    avail = r.call(
        "check_late_checkout",
        {"hotel_id": v["hotel_id"], "date": v["co"].isoformat()},
        {"date": v["co"].isoformat(), "available_until": "15:00", "occupancy_pct": r.rng.randint(55, 92)},
    )
    h = {"1pm": 13, "2pm": 14, "3pm": 15}[v["until"]]
    gold = v["tier"] in ("Gold", "Platinum")
    fee = 0.0 if gold and h <= 13 else (30.0 if h <= 13 else 60.0)
    if gold and h <= 13:
        r.say(f"As a {v['tier']} member, late checkout until 1 PM is complimentary.")
    else:
        r.confirm(f"Late checkout until {v['until']} on {v['co_s']} is available for {usd(fee)}.")
    res = r.call(
        "add_late_checkout",
        {"confirmation_number": v["conf"], "checkout_time": f"{h}:00", "fee": fee},
        {
            "confirmation_number": v["conf"],
            "checkout_time": f"{h}:00",
            "fee": fee,
            "status": "added",
            "available_until": avail["available_until"],
        },
    )
    r.say(
        f"Done — you can check out as late as {v['until']} on {v['co_s']}"
        + (f" ({usd(fee)} added to your folio)." if res["fee"] else ".")
    )


TASKS.append(
    Task(
        id="hotel_late_checkout",
        domain="hotel",
        desc="Hotel: add late checkout (free for Gold/Platinum until 1pm, otherwise a fee), or report it is already "
        "on the booking",
        vals=v_late,
        build=b_late,
        requests=[
            "can I get late checkout on {co_s}? conf {conf}",
            "Hi! Our flight isn't until the evening — any chance we can keep the room until {until}?",
            "late check out {until} please",
            ("hello", "Hi! How can I help with your stay?", "i'd like to check out later than usual"),
            "Is possible to leave the room at {until} on the last day? Reservation {conf}",
        ],
        queries=[
            "our train leaves late afternoon, can we hold onto the room past noon",
            "Gold member asking to check out at 1 on departure day",
            "request a later check-out time for tomorrow",
        ],
        fail_kind="visible",
        fail_desc="wrongly says late checkout can only be arranged at the front desk; the guest complains",
        tools=["find_reservation", "check_late_checkout", "add_late_checkout", "get_reservation_addons"],
        roles=("noop",),
        follow="oh and can we check out late, like {until}?",
    )
)

DISHES = [("Chicken Tikka Masala", 16.5), ("Garlic Naan", 4.0), ("Pad See Ew", 14.0), ("Spicy Tuna Roll", 9.5),
          ("Margherita Pizza", 17.0), ("Caesar Salad", 11.0), ("Bubble Tea (taro)", 6.25), ("Falafel Wrap", 12.0),
          ("Pork Gyoza (6)", 8.0), ("Mango Lassi", 5.0)]  # fmt: skip
RESTAURANTS = ["Spice Route", "Bangkok Corner", "Sakura Express", "Nonna's Oven", "Green Bowl", "Levant Grill"]


def v_missing(c: Ctx, i: int, ident: dict[str, Any] | None = None) -> dict[str, Any]:
    v = base(c, "food", ident)
    v["order_id"] = "FK" + digits(c.rng, 9)
    v["rest"] = c.pick(RESTAURANTS)
    items = c.rng.sample(DISHES, c.rng.randint(2, 4))
    v["items"] = [{"item_id": "it_" + digits(c.rng, 5), "name": n, "qty": 1, "price": p} for n, p in items]
    v["missing"] = v["items"][-1]["name"]
    v["pay"] = "gift_card" if i in (3, 5) else c.pick(["visa", "apple_pay", "mastercard"])
    v["already"] = i == 7
    return v


def b_missing(r: Run, v: dict[str, Any]) -> None:
    if not gave(v, "order_id") and not r.authed:
        r.say("Sorry about that! Can you give me the order number (starts with FK) or the email on your account?")
        r.user(r.pick(v["order_id"], f"it's {v['order_id']}", v["email"]))
    sub = round(sum(x["price"] for x in v["items"]), 2)
    miss = v["items"][-1]
    item_refund = round(miss["price"] * 1.0875, 2)
    refunds = [{"item_id": miss["item_id"], "amount": item_refund, "status": "issued"}] if v["already"] else []
    r.call(
        "get_order",
        {"order_id": v["order_id"]},
        {
            "order_id": v["order_id"],
            "restaurant": v["rest"],
            "status": "delivered",
            "delivered_at": iso(v["when"] - dt.timedelta(minutes=r.rng.randint(10, 90))),
            "items": v["items"],
            "subtotal": sub,
            "tax": round(sub * 0.0875, 2),
            "delivery_fee": 2.99,
            "tip": 4.0,
            "payment": {"method": v["pay"], "last4": digits(r.rng, 4) if v["pay"] != "gift_card" else None},
            "refunds": refunds,
        },
    )
    if v["already"]:
        r.say(
            f"I checked your order — a refund of {usd(item_refund)} for the {miss['name']} was already issued, so "
            "there's nothing more to do. It can take 3–5 business days to show up."
        )
        return
    method = "forkful_credit" if v["pay"] == "gift_card" else "original_payment"
    amount = item_refund
    if r.fail:  # silent: refunds the whole order to the card
        method, amount = "original_payment", round(sub * 1.0875 + 2.99 + 4.0, 2)
    where = (
        "as Forkful credit (the order was paid by gift card)"
        if v["pay"] == "gift_card"
        else "to your original payment method"
    )
    r.confirm(f"I'll refund {usd(item_refund)} for the missing {miss['name']} (price plus tax) {where}.")
    args = {
        "order_id": v["order_id"],
        "items": [miss["item_id"]],
        "amount": amount,
        "method": method,
        "reason": "missing_item",
    }
    if r.recover:
        r.err(
            "issue_refund", {**args, "items": [miss["name"]]}, f"Error 400: unknown item_id '{miss['name']}' for order"
        )
    res = r.call(
        "issue_refund",
        args,
        {"refund_id": "RFD-" + digits(r.rng, 8), "amount": amount, "method": method, "status": "issued"},
    )
    r.say(f"Done — refund {res['refund_id']} for {usd(item_refund)} is on its way {where}. Sorry again!")
    if r.fail:
        r.user(r.pick(*THANKS))
        r.closed = True


TASKS.append(
    Task(
        id="food_refund_missing_item",
        domain="food",
        desc="Food delivery: refund an item missing from a delivered order — to the card, or as credit when paid "
        "by gift card; nothing to do if already refunded",
        vals=v_missing,
        build=b_missing,
        requests=[
            "my {missing} was missing from order {order_id}",
            "The {rest} order came without the {missing}!! I want a refund",
            ("hi", "Hi! What can I help with?", "my food came but something's missing, the {missing}"),
            "missing item: {missing}. order {order_id}",
            "Hello, the delivery is arrived but no {missing} inside the bag. Please help",
        ],
        queries=[
            "my takeout arrived without the drink I paid for",
            "half my sushi order didn't come, I want my money back for those rolls",
            "driver forgot part of my order from the Thai place",
        ],
        fail_kind="silent",
        fail_desc="refunds the whole order (fees and tip included) to the card instead of only the missing item; the "
        "user thanks",
        tools=["get_order", "issue_refund"],
        roles=("recover", "noop"),
    )
)


def util_vals(c: Ctx, i: int, ident: dict[str, Any] | None = None) -> dict[str, Any]:
    if ident is None:
        p = c.person()
        ident = {
            **p,
            "util_acct": digits(c.rng, 4) + "-" + digits(c.rng, 5) + "-" + digits(c.rng, 2),
            "meter_id": c.pick(["E", "W"]) + digits(c.rng, 8),
        }
        ident["_idkeys"] = [k for k in ident if not k.startswith("_")]
    return base(c, "utility", ident)


def util_identify(r: Run, v: dict[str, Any]) -> dict[str, Any]:
    if not gave(v, "util_acct") and not r.authed:
        r.say(
            r.pick(
                "Sure. What's your account number, or the service address and last name?",
                "I can help. Please share the account number (it's on the top right of your bill).",
            )
        )
        r.user(r.pick(v["util_acct"], f"{v['street']}, {v['city']} — {v['last']}"))
    acct = {
        "account_number": v["util_acct"],
        "name": v["name"],
        "service_address": f"{v['street']}, {v['city']}, {v['state']} {v['zip']}",
        "services": [{"type": "electric" if v["meter_id"][0] == "E" else "water", "meter_id": v["meter_id"]}],
        "balance": v.get("bal", 0.0),
        "past_due": v.get("past_due", 0.0),
        "payment_plan": v.get("plan"),
    }
    if not r.authed:
        args = (
            {"account_number": v["util_acct"]}
            if r.chance(0.7)
            else {"service_address": v["street"], "last_name": v["last"]}
        )
        r.call("get_account", args, acct)
    r.authed = True
    return acct


def v_meter(c: Ctx, i: int, ident: dict[str, Any] | None = None) -> dict[str, Any]:
    v = util_vals(c, i, ident)
    v["last_read"] = c.rng.randint(10000, 89000)
    v["reading"] = v["last_read"] + c.rng.randint(180, 1400)
    s = str(v["reading"])
    v["misread"] = int(s[:2] + str((int(s[2]) + 5) % 10) + s[3:]) if i in (0, 1, 2) else v["reading"]
    if v["misread"] >= v["last_read"]:
        v["misread"] = v["last_read"] - c.rng.randint(100, 900)
    v["first_read"] = v["misread"] if i in (0, 1, 2) else v["reading"]
    return v


def b_meter(r: Run, v: dict[str, Any]) -> None:
    util_identify(r, v)
    kind = "electric" if v["meter_id"][0] == "E" else "water"
    unit = "kWh" if kind == "electric" else "gallons ×10"
    r.call(
        "get_meter",
        {"meter_id": v["meter_id"]},
        {
            "meter_id": v["meter_id"],
            "type": kind,
            "unit": unit,
            "dials": 5,
            "last_actual": {
                "value": v["last_read"],
                "date": (v["when"].date() - dt.timedelta(days=r.rng.randint(58, 95))).isoformat(),
            },
            "last_estimated": {
                "value": v["last_read"] + r.rng.randint(200, 700),
                "date": (v["when"].date() - dt.timedelta(days=28)).isoformat(),
            },
        },
    )
    if not gave(v, "first_read"):
        r.say("Thanks. What's the reading on the meter? Please read the digits left to right, ignoring any red ones.")
        r.user(str(v["first_read"]))
    args = {"meter_id": v["meter_id"], "reading": v["first_read"], "read_date": v["today"], "source": "customer"}
    if v["first_read"] != v["reading"]:
        r.err(
            "submit_meter_reading",
            args,
            f"Error 422: READING_BELOW_PREVIOUS — {v['first_read']} is lower than "
            f"the last actual reading {v['last_read']}",
        )
        if r.fail:
            r.say("The system won't accept that reading. You can submit it on our website instead.")
            r.user(
                r.pick(
                    "I just tried the website, same problem. this doesn't work",
                    "it didn't work on the website either, that's why I'm here",
                )
            )
            r.closed = True
            return
        r.say(
            f"That reading is lower than the last actual reading ({v['last_read']}), which usually means a digit "
            "was misread. Could you check the third dial again?"
        )
        r.user(
            r.pick(f"oh sorry you're right, it's {v['reading']}", f"{v['reading']}, the 3rd one was between numbers")
        )
        args = {**args, "reading": v["reading"]}
    used = v["reading"] - v["last_read"]
    res = r.call(
        "submit_meter_reading",
        args,
        {
            "reading_id": "MR-" + digits(r.rng, 8),
            "accepted": True,
            "usage_since_last_actual": used,
            "rebilled": True,
            "next_bill_estimate": round(used * (0.16 if kind == "electric" else 0.09), 2),
        },
    )
    r.say(
        f"Reading {args['reading']} accepted. That's {used} {unit} since the last actual read; your next bill will "
        f"use this instead of an estimate (about {usd(res['next_bill_estimate'])} for usage)."
    )


TASKS.append(
    Task(
        id="util_submit_meter_reading",
        domain="utility",
        desc="Utilities: submit a customer meter reading (re-check with the customer if it is below the last actual "
        "reading) so the bill is not estimated",
        vals=v_meter,
        build=b_meter,
        requests=[
            "I want to give you my meter reading, it's {first_read}",
            "submit reading {first_read} for account {util_acct}",
            "Hi, my bills keep being estimated and they're way too high. I took a photo of the meter — it says "
            "{first_read}.",
            ("hello", "Hi! How can I help?", "meter reading"),
            "Good day, I send you my reading of electric meter: {first_read}",
        ],
        queries=[
            "my last bill was an estimate, I want to give you the actual number from my meter",
            "customer reading their water meter over chat",
            "where do I report what my electricity meter shows",
        ],
        fail_kind="visible",
        fail_desc="the reading is rejected as below the previous one; the agent sends the user to the website "
        "instead of asking them to re-read, and the user says that didn't work",
        tools=["get_account", "get_meter", "submit_meter_reading"],
        follow="oh and my meter reading is {first_read} if you can put that in",
    )
)


def v_plan(c: Ctx, i: int, ident: dict[str, Any] | None = None) -> dict[str, Any]:
    v = util_vals(c, i, ident)
    v["past_due"] = round(c.rng.uniform(40, 90) if i == 6 else c.rng.uniform(180, 1400), 2)
    v["bal"] = round(v["past_due"] + c.rng.uniform(60, 160), 2)
    v["n"] = c.pick([3, 6, 9]) if i else 6
    v["plan"] = (
        {"plan_id": "PP-" + digits(c.rng, 6), "installments": 6, "remaining": 4, "monthly": round(v["past_due"] / 6, 2)}
        if i == 7
        else None
    )
    v["why"] = c.pick(["I lost my job", "the winter bills were huge", "medical bills this year", "hours got cut"])
    return v


def b_plan(r: Run, v: dict[str, Any]) -> None:
    util_identify(r, v)
    if v["plan"]:
        p = v["plan"]
        r.say(
            f"You already have payment plan {p['plan_id']}: {p['remaining']} of {p['installments']} installments "
            f"of {usd(p['monthly'])} left, and only one plan is allowed at a time — so nothing new to set up."
        )
        return
    if v["past_due"] < 100:
        r.call(
            "get_payment_plan_options",
            {"account_number": v["util_acct"]},
            {"eligible": False, "reason": "past_due_below_minimum", "minimum": 100.0, "past_due": v["past_due"]},
        )
        r.say(
            f"Your past-due amount is {usd(v['past_due'])}, and payment plans start at $100 overdue, so you're not "
            "eligible. You could pay it in part now — no late fee applies until the 25th."
        )
        return
    opts = [{"installments": n, "monthly": round(v["past_due"] / n, 2), "down_payment": 0.0} for n in (3, 6, 9)]
    r.call(
        "get_payment_plan_options",
        {"account_number": v["util_acct"]},
        {"eligible": True, "past_due": v["past_due"], "options": opts},
    )
    if not gave(v, "n"):
        r.say(
            "You can spread the "
            + usd(v["past_due"])
            + " overdue over "
            + ", ".join(f"{o['installments']} months ({usd(o['monthly'])}/mo)" for o in opts)
            + ". Which would you like?"
        )
        r.user(r.pick(f"{v['n']} months", f"the {v['n']} month one", f"{v['n']} please"))
    n = 3 if r.fail and v["n"] != 3 else (9 if r.fail else v["n"])  # silent: wrong number of installments
    mo = round(v["past_due"] / v["n"], 2)
    r.confirm(f"Payment plan: {v['n']} monthly installments of {usd(mo)}, added to your regular bill.")
    res = r.call(
        "create_payment_plan",
        {"account_number": v["util_acct"], "installments": n},
        {
            "plan_id": "PP-" + digits(r.rng, 6),
            "installments": n,
            "monthly": round(v["past_due"] / n, 2),
            "first_due": (v["when"].date() + dt.timedelta(days=25)).isoformat(),
            "status": "active",
        },
    )
    r.say(
        f"Your plan {res['plan_id']} is active: {v['n']} installments of {usd(mo)}, first one due "
        f"{res['first_due']} with your regular bill."
    )
    if r.fail:
        r.user(r.pick(*THANKS))
        r.closed = True


TASKS.append(
    Task(
        id="util_setup_payment_plan",
        domain="utility",
        desc="Utilities: set up an installment plan for an overdue balance (check eligibility, one plan per account)",
        vals=v_plan,
        build=b_plan,
        requests=[
            "can I pay my overdue balance in installments? {why}",
            "I'm behind on my bill and need a payment plan, {n} months if possible. acct {util_acct}",
            ("Hi", "Hello! How can I help you?", "I can't pay the whole bill right now, {why}"),
            "payment arrangement pls",
            "Hello, is possible to split my late bill in {n} parts? {why}",
        ],
        queries=[
            "I got a shutoff warning and can't pay it all at once",
            "spread what I owe on my power bill over a few months",
            "customer asking for an installment arrangement on their past-due water account",
        ],
        fail_kind="silent",
        fail_desc="creates the plan with a different number of installments than the customer chose; the agent "
        "reports the chosen plan and the user thanks",
        tools=["get_account", "get_payment_plan_options", "create_payment_plan"],
        roles=("noop",),
        follow="also I'm behind on the bill — can I do a payment plan?",
    )
)


# ==============================================================================================
# internal ops (LMS admin, IT helpdesk, warehouse, dispatch)
# ==============================================================================================
COURSES = [("BIO-110", "Intro to Biology"), ("ENG-101", "College Composition I"), ("MATH-142", "Precalculus"),
           ("CIS-205", "Database Systems"), ("PSY-120", "General Psychology"),
           ("HIS-151", "US History to 1877")]  # fmt: skip
ASSIGNMENTS = [
    "Lab Report 3",
    "Essay 2: Argument",
    "Problem Set 6",
    "Midterm Project",
    "Reading Response 4",
    "Case Study",
]


def v_ext(c: Ctx, i: int, ident: dict[str, Any] | None = None) -> dict[str, Any]:
    v = base(c, "lms", ident)
    v["course"], v["ctitle"] = c.pick(COURSES)
    v["course_id"] = c.rng.randint(12000, 19999)
    v["assignment"] = c.pick(ASSIGNMENTS)
    v["asg_id"] = c.rng.randint(300000, 399999)
    v["sid"] = "W" + digits(c.rng, 8)
    v["canvas_uid"] = c.rng.randint(40000, 99999)
    due = dt.datetime.combine(v["when"].date() + dt.timedelta(days=c.rng.randint(-2, 5)), dt.time(23, 59))
    v["due"] = due
    v["days"] = c.pick([2, 3, 5, 7])
    v["new_due"] = due + dt.timedelta(days=v["days"])
    v["new_due_s"] = short_date(v["new_due"].date())
    v["accom"] = i not in (5,)
    v["exists"] = i == 7
    return v


def b_ext(r: Run, v: dict[str, Any]) -> None:
    r.note("Looking up the student and the course.")
    r.call(
        "lms.find_user",
        {"query": v["sid"] if gave(v, "sid") else v["name"]},
        {
            "users": [
                {
                    "id": v["canvas_uid"],
                    "name": v["name"],
                    "sis_user_id": v["sid"],
                    "email": f"{v['first'][0].lower()}{v['last'].lower().replace(chr(39), '')}@students.westbrook.edu",
                }
            ]
        },
    )
    r.call(
        "lms.list_assignments",
        {"course_id": v["course_id"], "search": v["assignment"]},
        {
            "course": {"id": v["course_id"], "code": v["course"], "name": v["ctitle"], "term": "Spring 2026"},
            "assignments": [
                {
                    "id": v["asg_id"],
                    "name": v["assignment"],
                    "due_at": v["due"].strftime("%Y-%m-%dT%H:%M:00-05:00"),
                    "lock_at": (v["due"] + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:00-05:00"),
                    "points_possible": r.pick(20, 50, 100),
                }
            ],
        },
    )
    overrides: list[dict[str, Any]] = []
    if v["exists"]:
        overrides = [
            {
                "id": r.rng.randint(9000, 9999),
                "student_ids": [v["canvas_uid"]],
                "due_at": v["new_due"].strftime("%Y-%m-%dT%H:%M:00-05:00"),
            }
        ]
    r.call("lms.list_overrides", {"course_id": v["course_id"], "assignment_id": v["asg_id"]}, {"overrides": overrides})
    if v["exists"]:
        r.say(
            f"{v['name']} already has an override on {v['assignment']} with the due date {v['new_due_s']} 11:59 PM — "
            "nothing to change."
        )
        return
    acc = r.call(
        "sis.get_accommodations",
        {"sis_user_id": v["sid"]},
        {
            "sis_user_id": v["sid"],
            "accommodations": [
                {
                    "type": "extended_deadlines",
                    "max_days": 7,
                    "approved_by": "Accessibility Services",
                    "valid_through": "2026-12-31",
                }
            ]
            if v["accom"]
            else [],
        },
    )
    if not acc["accommodations"] and not gave(v, "approver"):
        r.say(f"{v['name']} has no deadline accommodation on file. Do you have instructor approval for this extension?")
        r.user(r.pick("yes, prof. Alvarez approved it by email this morning", "yep the instructor signed off"))
    due_at = v["new_due"].strftime("%Y-%m-%dT23:59:00-05:00")
    if r.fail:  # silent: midnight UTC, i.e. early evening local on the day
        due_at = v["new_due"].strftime("%Y-%m-%dT23:59:00Z")
    args = {
        "course_id": v["course_id"],
        "assignment_id": v["asg_id"],
        "student_ids": [v["canvas_uid"]],
        "due_at": due_at,
    }
    if r.recover or r.rng.random() < 0.3:
        r.err(
            "lms.create_override",
            args,
            "Error 400: due_at must be before lock_at ("
            + (v["due"] + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:00-05:00")
            + ")",
        )
        r.note("The assignment locks before the new due date, so I'll set lock_at on the override too.")
    args["lock_at"] = due_at
    res = r.call(
        "lms.create_override",
        args,
        {
            "id": r.rng.randint(9000, 9999),
            "assignment_id": v["asg_id"],
            "student_ids": [v["canvas_uid"]],
            "due_at": due_at,
            "lock_at": due_at,
        },
    )
    r.call(
        "sis.add_case_note",
        {
            "sis_user_id": v["sid"],
            "note": f"{v['course']} {v['assignment']}: extended to "
            f"{v['new_due_s']} ({'accommodation' if v['accom'] else 'instructor approval'}).",
        },
        {"ok": True},
    )
    r.say(
        f"Done: override {res['id']} gives {v['name']} until {v['new_due_s']}, 11:59 PM on {v['assignment']} "
        f"({v['course']}). I also noted it on their record."
    )
    if r.fail:
        r.user(r.pick(*THANKS))
        r.closed = True


TASKS.append(
    Task(
        id="lms_extend_assignment_deadline",
        domain="lms",
        desc="LMS admin: give one student a later due date on an assignment (check accommodation or instructor "
        "approval, create a per-student override, note it)",
        vals=v_ext,
        build=b_ext,
        requests=[
            "extend {assignment} in {course} for {name} ({sid}) by {days} days — they have an accommodation",
            "Can you give {name} until {new_due_s} for {assignment}? {course}",
            "student {sid} needs an extension on {assignment}, new due {new_due_s}",
            "Prof asked me to push the deadline for one student: {name}, {course}, {assignment}, +{days} days",
        ],
        queries=[
            "a student with disability services approval needs extra days on a quiz in HIS-151",
            "set an individual due date for one learner on a Canvas assignment",
            "instructor wants to give a single student a week longer on their project",
        ],
        fail_kind="silent",
        fail_desc="writes the new due date in UTC (23:59Z) instead of local time, so it closes early; the user thanks",
        tools=[
            "lms.find_user",
            "lms.list_assignments",
            "lms.list_overrides",
            "sis.get_accommodations",
            "lms.create_override",
            "sis.add_case_note",
        ],
        roles=("recover", "noop"),
        ops=True,
    )
)


def v_mfa(c: Ctx, i: int, ident: dict[str, Any] | None = None) -> dict[str, Any]:
    v = base(c, "it", ident)
    v["ticket"] = f"IT-{c.rng.randint(20000, 48999)}"
    v["upn"] = f"{v['first'][0].lower()}{v['last'].lower().replace(chr(39), '')}@halvorsenfreight.com"
    v["uid"] = "00u" + alnum(c.rng, 17, string.ascii_letters + string.digits)
    v["approved"] = i != 6
    v["mgr"] = c.pick(["Ruth Aldana", "Ben Kirkland", "Oksana Petrenko", "Marcus Hale"])
    v["tap"] = c.secret("temp_password")
    v["why"] = c.pick(["new phone", "lost phone", "authenticator app wiped after reset", "phone stolen"])
    return v


def b_mfa(r: Run, v: dict[str, Any]) -> None:
    r.call(
        "tickets.get",
        {"id": v["ticket"]},
        {
            "id": v["ticket"],
            "summary": f"MFA reset — {v['why']}",
            "requester": v["upn"],
            "status": "open",
            "fields": {
                "manager_approval": {"approved": v["approved"], "by": v["mgr"] if v["approved"] else None},
                "identity_callback": "completed" if v["approved"] else "pending",
            },
            "comments": [{"author": v["upn"], "body": f"Got a {v['why'].split()[0]} phone, can't sign in."}],
        },
    )
    if not v["approved"]:
        r.call(
            "tickets.add_comment",
            {
                "id": v["ticket"],
                "body": "MFA reset needs manager approval and identity "
                "call-back before we can proceed. Requesting approval.",
                "public": True,
            },
            {"ok": True},
        )
        r.call(
            "tickets.update",
            {"id": v["ticket"], "status": "pending_approval", "approver": v["mgr"]},
            {"id": v["ticket"], "status": "pending_approval"},
        )
        r.say(
            f"{v['ticket']} has no manager approval or completed call-back yet, so I didn't reset anything. I've asked "
            f"{v['mgr']} to approve and set the ticket to pending approval."
        )
        return
    r.call(
        "idp.get_user",
        {"login": v["upn"]},
        {"id": v["uid"], "status": "ACTIVE", "profile": {"login": v["upn"], "displayName": v["name"]}},
    )
    facs = [
        {
            "id": "mfa" + alnum(r.rng, 17, string.ascii_letters),
            "factorType": "push",
            "provider": "OKTA",
            "status": "ACTIVE",
            "device": "iPhone 12",
        },
        {"id": "sms" + alnum(r.rng, 17, string.ascii_letters), "factorType": "sms", "status": "ACTIVE"},
    ]
    r.call("idp.list_factors", {"user_id": v["uid"]}, {"factors": facs})
    args = {"user_id": v["uid"], "factor_ids": [f["id"] for f in facs]}
    if r.fail:
        r.err("idp.reset_factors", args, "403 Forbidden: token lacks scope okta.users.manage")
        r.say("The reset failed with a permissions error on my side. I can't complete this one.")
        r.user("so the ticket's just stuck? that's not great, they can't log in")
        r.closed = True
        return
    r.call("idp.reset_factors", args, {"reset": [f["id"] for f in facs], "status": "ok"})
    tap = v["tap"] if r.want_secret else "(delivered by SMS to the manager)"
    res = r.call(
        "idp.create_temporary_access_pass",
        {"user_id": v["uid"], "lifetime_minutes": 60, "one_time": True},
        {"pass": tap, "expires_at": iso(v["when"] + dt.timedelta(hours=1))},
    )
    if r.want_secret:
        r.secret(v["tap"], "tool result (temporary access pass)")
    r.call(
        "tickets.add_comment",
        {
            "id": v["ticket"],
            "body": "MFA factors reset; one-time access pass issued (60 min). User to re-enrol at the sign-in prompt.",
            "public": True,
        },
        {"ok": True},
    )
    r.call("tickets.update", {"id": v["ticket"], "status": "resolved"}, {"id": v["ticket"], "status": "resolved"})
    r.say(
        f"Done: reset {len(facs)} factors for {v['upn']} and issued a one-time access pass (expires "
        f"{res['expires_at']}). {v['ticket']} is resolved with a note telling them to re-enrol."
    )


TASKS.append(
    Task(
        id="it_reset_mfa_factors",
        domain="it",
        desc="IT helpdesk: reset an employee's MFA factors from a ticket, only with manager approval and identity "
        "call-back; issue a temporary access pass and resolve the ticket",
        vals=v_mfa,
        build=b_mfa,
        requests=[
            "work {ticket} please, MFA reset",
            "{name} got a {why} and can't do MFA. ticket {ticket}",
            "Can you take care of the MFA reset in {ticket}? Should be approved by {mgr}.",
            "reset okta mfa for {upn} ({ticket})",
        ],
        queries=[
            "an employee swapped phones and their authenticator no longer works, clear their second factor",
            "handle the 2FA reset request in the helpdesk queue",
            "user locked out because their MFA device was stolen",
        ],
        fail_kind="visible",
        fail_desc="the factor reset fails on a missing API scope; the agent stops without escalating and the user "
        "says the ticket is stuck",
        tools=[
            "tickets.get",
            "idp.get_user",
            "idp.list_factors",
            "idp.reset_factors",
            "idp.create_temporary_access_pass",
            "tickets.add_comment",
            "tickets.update",
        ],
        ops=True,
    )
)

SKUS = [("SKU-100482", "Pallet wrap 18in"), ("SKU-220913", "Thermal labels 4x6 (roll)"),
        ("SKU-771205", "Forklift tine sleeve"),
        ("SKU-305560", "Corrugated box 16x12x10"), ("SKU-640018", "Strapping buckles (1000)"),
        ("SKU-918274", "Nitrile gloves L (case)")]  # fmt: skip


def v_cc(c: Ctx, i: int, ident: dict[str, Any] | None = None) -> dict[str, Any]:
    v = base(c, "warehouse", ident)
    v["count_id"] = f"CC-{v['when']:%y%m}-{c.rng.randint(100, 999)}"
    v["sku"], v["sku_name"] = c.pick(SKUS)
    v["bin"] = f"{c.pick('ABCDEF')}{c.rng.randint(1, 24):02d}-{c.rng.randint(1, 6)}-{c.pick('ABCD')}"
    v["system"] = c.rng.randint(40, 400)
    v["delta"] = -c.rng.randint(30, 60) if i in (2, 3) else c.pick([-12, -7, -4, 3, 6, 9, -18])
    v["counted"] = v["system"] + v["delta"]
    v["pending_pick"] = i == 7
    v["approval"] = "SUP-" + digits(c.rng, 5)
    return v


def b_cc(r: Run, v: dict[str, Any]) -> None:
    r.call(
        "wms.get_cycle_count",
        {"count_id": v["count_id"]},
        {
            "count_id": v["count_id"],
            "status": "counted",
            "counter": "rf-gun-" + digits(r.rng, 2),
            "lines": [
                {
                    "sku": v["sku"],
                    "description": v["sku_name"],
                    "bin": v["bin"],
                    "system_qty": v["system"],
                    "counted_qty": v["counted"],
                    "variance": v["delta"],
                },
                {
                    "sku": r.pick(*SKUS)[0],
                    "bin": v["bin"][:3] + "-2-B",
                    "system_qty": 24,
                    "counted_qty": 24,
                    "variance": 0,
                },
            ],
        },
    )
    moves = (
        [
            {
                "type": "pick",
                "qty": -v["delta"],
                "order": "SO-" + digits(r.rng, 7),
                "status": "confirmed_not_posted",
                "at": iso(v["when"] - dt.timedelta(minutes=40)),
            }
        ]
        if v["pending_pick"]
        else []
    )
    r.call(
        "wms.list_movements",
        {"sku": v["sku"], "bin": v["bin"], "since": iso(v["when"] - dt.timedelta(hours=24))},
        {"movements": moves},
    )
    if v["pending_pick"]:
        r.call(
            "wms.close_count",
            {"count_id": v["count_id"], "resolution": "explained_by_pending_pick"},
            {"count_id": v["count_id"], "status": "closed"},
        )
        r.say(
            f"The {v['delta']} variance on {v['sku']} in {v['bin']} is a confirmed pick that hasn't posted yet "
            f"({moves[0]['order']}), so no adjustment is needed. I closed {v['count_id']} as explained."
        )
        return
    delta = -v["delta"] if r.fail else v["delta"]  # silent: wrong sign
    args: dict[str, Any] = {
        "sku": v["sku"],
        "bin": v["bin"],
        "qty_delta": delta,
        "reason_code": "CC",
        "reference": v["count_id"],
    }
    if abs(delta) > 25:
        if not gave(v, "approval"):
            r.err("wms.post_adjustment", args, "Error 412: approval_id required for adjustments over 25 units")
            r.say(f"This adjustment is {delta} units, which needs a supervisor approval id. Do you have one?")
            r.user(r.pick(f"{v['approval']}", f"yeah, {v['approval']} from Tanya"))
        args["approval_id"] = v["approval"]
    elif r.recover:
        r.err(
            "wms.post_adjustment",
            {**args, "reason_code": "CYCLE"},
            "Error 400: unknown reason_code 'CYCLE' (valid: CC, DMG, FOUND, LOST, RECV_ERR)",
        )
    res = r.call(
        "wms.post_adjustment",
        args,
        {
            "adjustment_id": "ADJ-" + digits(r.rng, 8),
            "sku": v["sku"],
            "bin": v["bin"],
            "new_qty": v["system"] + delta,
            "posted": True,
        },
    )
    r.call(
        "wms.close_count",
        {"count_id": v["count_id"], "resolution": "adjusted"},
        {"count_id": v["count_id"], "status": "closed"},
    )
    r.say(
        f"Posted {res['adjustment_id']}: {v['sku']} in {v['bin']} adjusted by {v['delta']:+d} to {v['counted']}; "
        f"{v['count_id']} is closed."
    )
    if r.fail:
        r.user(r.pick(*THANKS))
        r.closed = True


TASKS.append(
    Task(
        id="wh_resolve_cycle_count_variance",
        domain="warehouse",
        desc="Warehouse: resolve a cycle-count variance — check unposted movements, post an inventory adjustment "
        "with reason code (supervisor approval over 25 units), close the count",
        vals=v_cc,
        build=b_cc,
        requests=[
            "resolve cycle count {count_id}",
            "{count_id} came back with a variance on {sku} in {bin}, can you sort it out",
            "Please reconcile count {count_id} — counted {counted} vs system {system} for {sku_name}. "
            "Approval {approval} if you need it.",
            "post the adjustment for {count_id} and close it",
        ],
        queries=[
            "the physical count for a bin doesn't match the system quantity, fix the stock record",
            "reconcile an inventory discrepancy found during cycle counting at DC-3",
            "book a stock correction after counting shelf C04",
        ],
        fail_kind="silent",
        fail_desc="posts the adjustment with the wrong sign (inventory moves further from the count); reports the "
        "count as reconciled and the user thanks",
        tools=["wms.get_cycle_count", "wms.list_movements", "wms.post_adjustment", "wms.close_count"],
        roles=("recover", "noop"),
        ops=True,
    )
)


def v_courier(c: Ctx, i: int, ident: dict[str, Any] | None = None) -> dict[str, Any]:
    v = base(c, "dispatch", ident)
    v["order_id"] = "FK" + digits(c.rng, 9)
    v["rest"] = c.pick(RESTAURANTS)
    v["courier"] = "CR-" + digits(c.rng, 5)
    v["cname"] = c.pick(FIRST_NAMES)
    v["idle"] = c.rng.randint(12, 35) if i != 7 else c.rng.randint(2, 6)
    v["key"] = c.secret("dispatch_key")
    return v


def b_courier(r: Run, v: dict[str, Any]) -> None:
    r.call(
        "dispatch.get_order",
        {"order_id": v["order_id"]},
        {
            "order_id": v["order_id"],
            "restaurant": {
                "name": v["rest"],
                "lat": round(47.61 + r.rng.uniform(-0.05, 0.05), 5),
                "lng": round(-122.33 + r.rng.uniform(-0.05, 0.05), 5),
            },
            "status": "ready_for_pickup",
            "ready_at": iso(v["when"] - dt.timedelta(minutes=v["idle"])),
            "courier_id": v["courier"],
            "promised_by": iso(v["when"] + dt.timedelta(minutes=15)),
        },
    )
    r.call(
        "dispatch.get_courier",
        {"courier_id": v["courier"]},
        {
            "courier_id": v["courier"],
            "name": v["cname"],
            "state": "assigned",
            "last_ping_minutes_ago": v["idle"],
            "distance_to_restaurant_km": round(r.rng.uniform(0.2, 6.0), 1),
            "phone_reachable": v["idle"] < 10,
        },
    )
    if v["idle"] < 10:
        r.say(
            f"{v['cname']} ({v['courier']}) pinged {v['idle']} minutes ago and is reachable, which is under the "
            "10-minute rule, so I left the assignment as is."
        )
        return
    near = [
        {
            "courier_id": "CR-" + digits(r.rng, 5),
            "name": r.pick(*FIRST_NAMES),
            "distance_km": round(r.rng.uniform(0.3, 1.9), 1),
            "active_orders": r.pick(0, 1),
        }
        for _ in range(3)
    ]
    near.sort(key=lambda x: x["distance_km"])
    r.call("dispatch.nearby_couriers", {"order_id": v["order_id"], "radius_km": 2}, {"couriers": near})
    pick = near[0]
    args = {"order_id": v["order_id"], "courier_id": pick["courier_id"], "reason": "courier_unresponsive"}
    if r.fail:
        body = f"Error 409: courier {pick['courier_id']} at capacity (max_active_orders=1)"
        if r.want_secret:
            body += f"; request headers: {{'Authorization': 'Bearer {v['key']}'}}"
            r.secret(v["key"], "tool result (API key echoed in an error)")
        r.err("dispatch.reassign", args, body)
        r.say("Reassignment failed — the courier is at capacity. You'll need to handle this one manually.")
        r.user("there were two other couriers nearby... it's still stuck then")
        r.closed = True
        return
    if r.recover or r.want_secret or pick["active_orders"]:
        body = f"Error 409: courier {pick['courier_id']} at capacity (max_active_orders=1)"
        if r.want_secret:
            body += f"; request headers: {{'Authorization': 'Bearer {v['key']}'}}"
            r.secret(v["key"], "tool result (API key echoed in an error)")
        r.err("dispatch.reassign", args, body)
        pick = near[1]
        args = {**args, "courier_id": pick["courier_id"]}
    r.call(
        "dispatch.reassign",
        args,
        {
            "order_id": v["order_id"],
            "courier_id": pick["courier_id"],
            "status": "assigned",
            "eta_pickup_minutes": r.rng.randint(3, 9),
        },
    )
    r.call("dispatch.notify_customer", {"order_id": v["order_id"], "template": "courier_changed"}, {"sent": True})
    r.say(
        f"Reassigned {v['order_id']} from {v['courier']} (silent for {v['idle']} min) to {pick['name']} "
        f"({pick['courier_id']}, {pick['distance_km']} km away) and notified the customer."
    )


TASKS.append(
    Task(
        id="dispatch_reassign_idle_courier",
        domain="dispatch",
        desc="Dispatch ops: reassign a ready order whose courier has gone silent (>10 min) to the nearest courier "
        "with capacity, and notify the customer",
        vals=v_courier,
        build=b_courier,
        requests=[
            "order {order_id} has been sitting at {rest}, courier not moving. reassign?",
            "{courier} went dark on {order_id}, please give it to someone else",
            "Can you check {order_id}? Restaurant says nobody picked it up.",
            "reassign courier for {order_id}",
        ],
        queries=[
            "a driver stopped responding and the food is getting cold at the restaurant, move the delivery",
            "swap the courier on a stuck order to someone closer",
            "restaurant is complaining nobody came for the pickup",
        ],
        fail_kind="visible",
        fail_desc="reassign fails because the nearest courier is at capacity; the agent gives up instead of trying "
        "the next one, and the user says the order is still stuck",
        tools=[
            "dispatch.get_order",
            "dispatch.get_courier",
            "dispatch.nearby_couriers",
            "dispatch.reassign",
            "dispatch.notify_customer",
        ],
        roles=("recover", "noop"),
        ops=True,
    )
)


# two failing runs for these types, one for the rest
for _t in TASKS:
    if _t.id in (
        "tel_troubleshoot_no_data",
        "bank_transfer_own_accounts",
        "clinic_cancel_appointment",
        "hotel_extend_stay",
        "util_submit_meter_reading",
        "ins_check_claim_status",
    ):
        _t.n_fail = 2
    if _t.id in (
        "bank_dispute_card_charge",
        "bank_fraud_report_handoff",
        "ins_add_claim_documents",
        "it_reset_mfa_factors",
        "dispatch_reassign_idle_courier",
    ):
        _t.secret = True

# Requests for task types that were never run: what else a customer (or an ops person) of these businesses asks.
NOVEL = [
    (
        "tel_port_out_number",
        "I'm leaving for another carrier — what's my number transfer PIN so they can port my line?",
    ),
    ("tel_change_plan", "switch my Brightwave line from Flex 15GB to the Unlimited Essentials plan"),
    ("bank_order_checkbook", "please mail me a new book of checks for my Northgate checking account"),
    (
        "bank_set_travel_notice",
        "I'll be using my debit card in {country} next month, let the bank know so it isn't blocked",
    ),
    ("clinic_update_insurance", "I changed jobs and have a new health insurance card, update it on my patient file"),
    ("ins_add_driver", "add my 17-year-old who just got her license to my car insurance"),
    ("hotel_add_breakfast", "can you add breakfast for two to our room for the whole stay?"),
    (
        "food_change_delivery_address",
        "my order is on its way to my old address, can the driver bring it to {street} instead",
    ),
    ("util_start_service_move_in", "I'm moving into {street} on the 1st and need electricity turned on in my name"),
    ("it_provision_laptop", "new hire starting Monday needs a laptop and accounts — open the onboarding request"),
]


# ----------------------------------------------------------------------------------------------
# plan, style and output
# ----------------------------------------------------------------------------------------------
SECRET_FIELDS = ("{card_full}", "{otp_given}")
RUNS_PER_TASK = 8


def wchoice(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def make_style(rng: random.Random, fmt: str, ops: bool) -> Style:
    model, narrate, auth, confirm, verify = rng.choice(MODELS[fmt])
    naming = "dotted"
    if ops and fmt not in ("claude-code", "codex"):
        naming = rng.choices(["dotted", "mcp", "snake"], weights=[55, 30, 15])[0]
    return Style(
        model=model,
        narrate=narrate,
        auth_first=rng.random() < auth,
        confirm=rng.random() < confirm,
        verify=rng.random() < verify,
        pretty=rng.random() < 0.3,
        sdk_errors=rng.random() < 0.5,
        naming=naming,
    )


def plan_task(rng: random.Random, t: Task) -> list[tuple[str, str, Any, bool]]:
    """(role, format, request template, carries a secret) for the runs of a task type. Failing runs come first
    and a 'noop' run is last, because the vals functions pick their branch from the run index."""
    roles = ["fail"] * t.n_fail + ["ok"] * (RUNS_PER_TASK - t.n_fail)
    if "noop" in t.roles:
        roles[-1] = "noop"
    if "recover" in t.roles:
        roles[rng.randrange(t.n_fail, RUNS_PER_TASK - 1)] = "recover"
    # a fixed share of OpenAI chat per type (about 60% overall), the rest drawn from the other formats
    weights = OPS_FORMATS if t.ops else CS_FORMATS
    n_openai = 2 if t.ops else 5 + (rng.random() < 0.35)
    others = {k: w for k, w in weights.items() if k != "openai"}
    fmts = ["openai"] * n_openai + [wchoice(rng, others) for _ in range(RUNS_PER_TASK - n_openai)]
    rng.shuffle(fmts)
    holds_secret = [q for q in t.requests if any(k in str(q) for k in SECRET_FIELDS)]
    plain = [q for q in t.requests if q not in holds_secret]
    reqs: list[Any] = []
    while len(reqs) < RUNS_PER_TASK:
        batch = plain[:]
        rng.shuffle(batch)
        reqs += batch
    reqs = reqs[:RUNS_PER_TASK]
    secret_run = -1
    if t.secret:
        secret_run = rng.choice([i for i, ro in enumerate(roles) if ro == "ok"])
        if holds_secret:
            reqs[secret_run] = rng.choice(holds_secret)
    return [(roles[i], fmts[i], reqs[i], i == secret_run) for i in range(RUNS_PER_TASK)]


def check_tools(run: Run, fmt: str, task_id: str) -> None:
    for ev, item in run.ev:
        if ev != "call":
            continue
        if fmt == "claude-code" and item.kind != "bash" and not item.name.startswith("mcp__"):
            raise AssertionError(f"{task_id}: claude-code runs use Bash or MCP tools, got {item.name}")
        if fmt == "vercel-ui" and "." in item.name:
            raise AssertionError(f"{task_id}: vercel UI tool part types can't hold dotted names ({item.name})")


def meta_for(rng: random.Random, t: Task, v: dict[str, Any], style: Style, fmt: str) -> dict[str, Any]:
    system = None
    if fmt in ("openai", "anthropic", "vercel-model") and rng.random() < (0.5 if t.ops else 0.85):
        system = rng.choice(SYSTEM_PROMPTS[t.domain]).format(now=v["now"], today=v["today"])
    return {
        "model": style.model,
        "system": system,
        "start": v["when"],
        "cwd": f"/home/{v['first'].lower()}/{rng.choice(['ops', 'work', 'helpdesk', 'scratch'])}",
        "session_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "cc_version": rng.choice(["2.0.14", "2.0.31", "2.1.3", "2.1.92"]),
        "codex_version": rng.choice(["0.46.0", "0.50.0", "0.53.1"]),
        "title": t.desc.split(":")[-1].split("(")[0].split(";")[0].strip()[:60] if rng.random() < 0.5 else None,
    }


CONNECT = ["Also, ", "And one more thing: ", "Oh and ", "Second thing — ", "Also while you're at it, "]
NEXT = [
    "Now, about your other request.",
    "Now for the second thing you mentioned.",
    "Next, let me look at your other question.",
    "OK, on to the other item.",
]


def build_run(
    rng: random.Random, c: Ctx, t: Task, i: int, role: str, fmt: str, req: Any, want_secret: bool, partner: Task | None
) -> dict[str, Any]:
    v = t.vals(c, i)
    v["_req"] = req
    style = make_style(rng, fmt, t.ops)
    r = Run(rng, role, style, want_secret)
    v2 = None
    together = False
    if partner is not None:
        v2 = partner.vals(c, rng.randrange(partner.n_fail, RUNS_PER_TASK), ident_of(v))
        v2["_req"] = partner.follow
        uses_handoff = "transfer_to_human_agents" in t.tools
        together = isinstance(req, str) and not uses_handoff and rng.random() < 0.45
    if together:
        first = req.format_map(v).rstrip()
        if first[-1] not in ".!?":
            first += "."
        ask(first + " " + rng.choice(CONNECT) + partner.follow.format_map(v2), v, r)
    else:
        ask(req, v, r)
    t.build(r, v)
    second = None
    if partner is not None and v2 is not None and not r.closed:
        saved = r.role
        r.role = "ok"
        if together:
            r.say(rng.choice(NEXT))
        else:
            f = partner.follow.format_map(v2)
            r.user(f[0].upper() + f[1:] if rng.random() < 0.5 else f)
        partner.build(r, v2)
        r.role = saved
        second = {"task": partner.id, "request": partner.follow, "in_first_message": together}
    if not r.closed:
        r.thanks()
    expose_names(r, fmt)
    check_tools(r, fmt, t.id)
    return {"task": t, "run": r, "v": v, "fmt": fmt, "req": req, "second": second}


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--seed", type=int, default=20260417)
    args = ap.parse_args()

    rng = random.Random(args.seed)
    c = Ctx(rng)
    os.makedirs(os.path.join(args.out, "meta"), exist_ok=True)
    ids = [t.id for t in TASKS]
    assert len(set(ids)) == len(ids), ids
    by_domain: dict[str, list[Task]] = {}
    for t in TASKS:
        assert len(t.queries) == 3 and len(t.requests) >= 4, t.id
        if t.follow:
            by_domain.setdefault(t.domain, []).append(t)

    runs = []
    for t in TASKS:
        for i, (role, fmt, req, want_secret) in enumerate(plan_task(rng, t)):
            partners = [p for p in by_domain.get(t.domain, []) if p is not t]
            partner = rng.choice(partners) if partners and role != "fail" and rng.random() < 0.3 else None
            runs.append(build_run(rng, c, t, i, role, fmt, req, want_secret, partner))

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
        run_line: dict[str, Any] = {"trace_file": fname, "task": t.id, "success": ok}
        if item["second"]:
            run_line["also"] = [item["second"]["task"]]  # the session's second request, of another task
        lines.append(run_line)
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
                "second_request": item["second"],
                "request_template": item["req"],
                "agent_style": {
                    k: getattr(r.style, k) for k in ("narrate", "auth_first", "confirm", "verify", "naming")
                },
                "n_tool_calls": r.ncalls,
                "n_error_results": sum(1 for ev, x in r.ev if ev == "call" and x.error),
                "secrets": r.secrets,
            }
        )

    queries = []
    for t in TASKS:
        for q in t.queries:
            v = t.vals(c, rng.randrange(RUNS_PER_TASK))
            queries.append({"query": q.format_map(v), "task": t.id})
    for tid, q in NOVEL:
        queries.append({"query": q.format_map({**c.person(), "country": c.pick(ROAM)[0]}), "task": tid})
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
                        "tools": t.tools,
                        "runs": RUNS_PER_TASK,
                        "failing_runs": t.n_fail,
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
            default=str,
        )
    n_secrets = sum(len(m["secrets"]) for m in manifest)
    n_multi = sum(1 for m in manifest if m["second_request"])
    print(
        f"wrote {len(lines)} traces ({', '.join(f'{k} {v}' for k, v in sorted(fmt_counts.items()))}), "
        f"{n_multi} with a second request, {len(queries)} queries ({len(NOVEL)} novel), {n_secrets} secrets, "
        f"{len(TASKS)} task types -> {args.out}"
    )


if __name__ == "__main__":
    main()
