"""Labelled agent sessions in domains deftly was not built on: HR and people ops, CRM, billing and shop
back-office, and cloud and data ops. A held-out-style check for ``deftly bench --jsonl DIR/sessions.jsonl``.

The generator was written by someone who had not read deftly's extractor. It has 30 task types, each run 6 times by
different people with other names, ids, dates and wordings: 5 runs succeed and 1 fails, either visibly (a tool error,
the user saying it did not work, a refusal) or silently (a wrong call or a wrong answer, and the user says thanks).
Traces come in two formats, OpenAI chat-completions and Anthropic Messages. Each task type gets 3 unseen queries,
worded unlike its runs, and 8 novel queries ask for task types that were never run. Standard library only;
deterministic for a given --seed.

    python bench/other_domains.py --out /tmp/od && deftly bench --jsonl /tmp/od/sessions.jsonl --verbose

    python bench/other_domains.py --out DIR [--seed N] [--name-style dot|underscore|mcp]

Writes into DIR:
  run_XXXX.json      one trace per run (OpenAI chat-completions or Anthropic Messages list)
  sessions.jsonl     {"trace_file","task","success"} lines (runs), then {"query","task"} lines
  meta/manifest.json per-run details (format, failure kind, secrets) -- NOT meant for ingestion
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import string

# ----------------------------------------------------------------------------------------------
# vocab
# ----------------------------------------------------------------------------------------------
FIRST = [
    "Aisha", "Ben", "Carmen", "Dmitri", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonah", "Kavya", "Liam", "Mei",
    "Nadia", "Oscar", "Priya", "Quentin", "Rosa", "Samir", "Tomas", "Uma", "Victor", "Wen", "Ximena", "Yusuf", "Zara",
    "Adebayo", "Bianca", "Chen", "Dario", "Esther", "Felix", "Gabriela", "Hamza", "Ingrid", "Jamal", "Keiko", "Lorenzo",
    "Maya", "Nikolai", "Olivia", "Pavel", "Rania", "Sven", "Tariq", "Ulla", "Valentina", "Wes", "Yara", "Zoltan",
    "Anika", "Bruno", "Camille", "Diego", "Emeka", "Freya", "Goran", "Hana", "Ivan", "Julia", "Kofi", "Leila", "Marco",
    "Noor", "Omar", "Paula", "Rafael", "Sofia", "Theo", "Vera", "Will", "Yuki", "Amara", "Bastian", "Chiara", "Dev",
    "Elif", "Fatima", "Greta", "Hugo", "Isla", "Joaquin",
]  # fmt: skip
LAST = [
    "Okafor", "Lindqvist", "Moreau", "Petrov", "Haddad", "Tanaka", "Alvarez", "Brennan", "Castillo", "Duarte",
    "Eriksen", "Fischer", "Gupta", "Horvath", "Ibrahim", "Jansen", "Kowalski", "Larsen", "Mbeki", "Nakamura",
    "Oyelaran", "Patel", "Quinn", "Rossi", "Schmidt", "Takahashi", "Underwood", "Varga", "Whitaker", "Xu", "Yilmaz",
    "Zhang", "Abbott", "Bauer", "Costa", "Delgado", "Esposito", "Farouk", "Grant", "Hoffmann", "Iyer", "Jovanovic",
    "Kaur", "Lambert", "Mendes", "Novak", "Ortega", "Park", "Reyes", "Sato", "Torres", "Usman", "Vance", "Weber",
    "Young", "Ziegler", "Adler", "Banerjee", "Cohen", "Dubois", "Evans", "Fontaine", "Garcia", "Holm", "Ito", "Kim",
    "Lopez", "Murphy", "Nilsson", "O'Neill", "Pereira", "Ramos", "Silva", "Thompson", "Vasquez", "Walsh",
]  # fmt: skip
EMP_DOMAINS = [
    "brightlane.com",
    "oakridgehealth.org",
    "tessera.io",
    "halcyonfoods.com",
    "kestrel.dev",
    "marlowgroup.co.uk",
    "quillon.ai",
    "vantapay.com",
    "northfield-labs.com",
    "corvid.eu",
]
DEPTS = {
    "Engineering": ["Software Engineer", "Senior Software Engineer", "SRE", "Engineering Manager"],
    "Sales": ["Account Executive", "Sales Development Rep", "Regional Sales Manager"],
    "Marketing": ["Content Marketer", "Growth Marketing Manager", "Brand Designer"],
    "Finance": ["Financial Analyst", "AP Specialist", "Controller"],
    "Customer Support": ["Support Specialist", "Support Team Lead"],
    "People": ["HR Generalist", "Recruiter", "People Partner"],
    "Operations": ["Operations Analyst", "Warehouse Coordinator", "Logistics Manager"],
    "Product": ["Product Manager", "Product Designer", "UX Researcher"],
}
LOCS = [
    "London",
    "Berlin",
    "Austin",
    "Toronto",
    "Lisbon",
    "Remote - US",
    "Remote - EU",
    "Singapore",
    "Dublin",
    "Chicago",
]
CO_A = [
    "Acme",
    "Bluefin",
    "Cedar",
    "Driftwood",
    "Everbright",
    "Foxglove",
    "Granite Peak",
    "Harbor Lane",
    "Ironclad",
    "Juniper",
    "Kiteline",
    "Lumen",
    "Meridian",
    "Nimbus",
    "Orchard",
    "Parallax",
    "Quarry Hill",
    "Redwood",
    "Saltmarsh",
    "Tidewater",
    "Umbra",
    "Verdant",
    "Westgate",
    "Yellowtail",
    "Zephyr",
    "Alder",
    "Brightwater",
    "Copperleaf",
    "Dunmore",
    "Evergreen",
    "Fable",
    "Gullwing",
    "Hollow Oak",
    "Indigo",
    "Jadestone",
    "Larkspur",
    "Moonrise",
    "Northwind",
    "Oakhurst",
    "Pinecrest",
    "Riverbend",
    "Silverline",
    "Thornbury",
    "Wildflower",
]
CO_B = [
    "Robotics",
    "Logistics",
    "Interiors",
    "Analytics",
    "Solar",
    "Health",
    "Outfitters",
    "Coffee",
    "Security",
    "Learning",
    "Media",
    "Dental Group",
    "Freight",
    "Apparel",
    "Bakery",
    "Games",
    "Brewing",
    "Legal",
    "Studios",
    "Marine",
    "Eyewear",
    "Farms",
    "Property",
    "Pet Supply",
    "Cycles",
    "Biotech",
    "Clinics",
    "Finance",
    "Hotels",
    "Schools",
    "& Co",
    "Aviation",
    "Wines",
    "Print Works",
    "Realty",
    "Tools",
    "Software",
    "Labs",
    "Dynamics",
    "Consulting",
    "GmbH",
    "Ltd",
]
MON = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
PRODUCTS = [
    ("Merino Crew Sock", "SOCK"),
    ("Trail Runner 2", "SHOE"),
    ("Insulated Bottle 750ml", "BTL"),
    ("Canvas Tote", "TOTE"),
    ("Rain Shell Jacket", "JKT"),
    ("Wool Beanie", "HAT"),
    ("Bamboo Cutting Board", "CUT"),
    ("Ceramic Pour-Over Set", "POUR"),
    ("Yoga Mat Pro", "MAT"),
    ("LED Desk Lamp", "LAMP"),
    ("Leather Card Wallet", "WAL"),
    ("Linen Throw Pillow", "PIL"),
    ("Cast Iron Skillet 10in", "SKL"),
    ("Kids Puffer Vest", "VST"),
    ("Espresso Beans 1kg", "BEAN"),
]
WAREHOUSES = ["RNO-1", "NJ-EWR2", "AMS-1", "LHR-3", "DAL-2", "TOR-1"]
SAAS_LINES = [
    ("Platform subscription (annual)", 18000, 60000),
    ("Additional seats", 1200, 9000),
    ("Premium support", 3000, 12000),
    ("Onboarding & implementation", 2500, 15000),
    ("Data connector add-on", 900, 4800),
]
LICENSES = [
    "Figma Professional",
    "Salesforce Sales Cloud",
    "GitHub Enterprise",
    "Adobe Creative Cloud",
    "Zoom Pro",
    "Tableau Creator",
    "JetBrains All Products",
    "Notion Plus",
]
COMPETITORS = ["Salesloft", "HubSpot", "Pipedrive", "Zoho", "a cheaper local vendor", "an in-house build"]
SVC = [
    "checkout",
    "orders",
    "billing",
    "search",
    "auth",
    "catalog",
    "notifications",
    "payments",
    "ledger",
    "inventory",
    "analytics",
    "reports",
]
ORGS = ["acme", "brightlane", "tessera", "halcyon", "kestrel", "quillon", "vantapay", "northfield", "corvid"]
BUCKET_PURPOSES = [
    "logs",
    "backups",
    "media-uploads",
    "analytics-raw",
    "ml-artifacts",
    "invoices-archive",
    "cdn-assets",
    "audit-trail",
    "data-lake",
]

SYSTEM_PROMPTS = {
    "hr": [
        "You are PeopleDesk, an internal HR and IT helpdesk assistant for {org}. Use the available tools to act on "
        "employee records, time off, payroll and accounts. Never disclose data to people who are not entitled to it.",
        "You are an HR operations assistant. You have access to the HRIS, payroll and identity-management tools. Be "
        "concise. Ask for confirmation before irreversible actions.",
        "You are a helpful assistant for the {org} People team. Today's date is {today}.",
        "Internal assistant (HR/IT). Tools available: hr, payroll, it. Follow company policy: compensation changes "
        "go through Total Rewards.",
    ],
    "com": [
        (
            "You are a revenue-operations assistant for {org}. You can read and update the CRM, billing "
            "system and web shop."
        ),
        "You are a back-office assistant for an online store. Use tools to manage orders, inventory, discounts, "
        "invoices and refunds. Today's date is {today}.",
        "You help the sales and finance teams at {org}. Be precise with amounts and always state the currency.",
        "Assistant for CRM, billing and shop admin tasks. Never reveal full card numbers.",
    ],
    "ops": [
        "You are an infrastructure assistant with shell access (bash) and cloud tools. Prefer read-only commands "
        "unless the user explicitly asks for changes.",
        "You are a DevOps copilot for {org}. You can run shell commands in the ops workspace and call storage/db APIs.",
        "You are a helpful cloud operations assistant. Current date: {today}. Work carefully in production.",
        "Platform-team assistant. Tools: bash, storage.*, db.*. Production changes require a change ticket.",
    ],
}
GREETS = ["hi", "hey there", "Hello!", "morning!", "hi, got a minute?", "Hey, quick one", "hello :)", "yo"]
GREET_REPLIES = [
    "Hi! How can I help?",
    "Sure — what do you need?",
    "Hello! What can I do for you?",
    "Hey! What's up?",
    "Of course, go ahead.",
]
YES = ["yes", "yes please", "go ahead", "yep, do it", "Confirmed.", "ok", "Yes, proceed.", "sure", "y"]
THANKS = ["thanks!", "perfect, thank you", "great, thx", "Thanks a lot.", "cheers", "awesome, ty", "ok thanks"]
THANKS_REPLY = [
    "You're welcome!",
    "Happy to help.",
    "Anytime!",
    "Glad I could help — let me know if you need anything else.",
    "No problem!",
]
CONFIRM_TAIL = [
    "Shall I proceed?",
    "Want me to go ahead?",
    "Should I go ahead with that?",
    "Confirm and I'll do it.",
    "OK to proceed?",
]


# ----------------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------------
class Obj(dict):
    __getattr__ = dict.__getitem__


def slug(s):
    return "".join(ch for ch in s.lower() if ch.isalnum())


def hdate(d, style):
    m = MON[d.month - 1]
    return [f"{m[:3]} {d.day}", f"{m} {d.day}", d.isoformat(), f"{d.day} {m}", f"{d.month}/{d.day}"][style]


def money(x, cur="USD"):
    sym = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$"}[cur]
    return f"{sym}{x:,.2f}"


def rid(rng, n=24, chars=string.ascii_letters + string.digits):
    return "".join(rng.choice(chars) for _ in range(n))


def ts(d, rng):
    return f"{d.isoformat()}T{rng.randint(7, 19):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}Z"


class Ctx:
    def __init__(self, rng):
        self.rng = rng
        self.used = set()
        self.used_vals = set()

    def fresh(self, fn):
        for _ in range(500):
            x = fn()
            if x not in self.used_vals:
                self.used_vals.add(x)
                return x
        raise RuntimeError("could not find fresh value")

    def company(self):
        return self.fresh(lambda: f"{self.rng.choice(CO_A)} {self.rng.choice(CO_B)}")

    def dom(self):
        return self.rng.choice(EMP_DOMAINS)

    def person(self, dom=None, first=None):
        rng = self.rng
        for _ in range(1000):
            f = first or rng.choice(FIRST)
            ln = rng.choice(LAST)
            if (f, ln) not in self.used:
                break
        self.used.add((f, ln))
        dom = dom or self.dom()
        st = rng.randrange(3)
        email = [f"{slug(f)}.{slug(ln)}@{dom}", f"{slug(f)[0]}{slug(ln)}@{dom}", f"{slug(f)}{slug(ln)[0]}@{dom}"][st]
        uname = [f"{slug(f)[0]}{slug(ln)}", f"{slug(f)}.{slug(ln)}", f"{slug(ln)}{slug(f)[0]}"][rng.randrange(3)]
        dept = rng.choice(list(DEPTS))
        return Obj(
            first=f,
            last=ln,
            full=f"{f} {ln}",
            email=email,
            uname=uname,
            eid=self.fresh(lambda: f"E{rng.randint(10000, 99999)}"),
            dept=dept,
            title=rng.choice(DEPTS[dept]),
            loc=rng.choice(LOCS),
            phone=(
                f"+{rng.choice(['1', '44', '49', '351'])} {rng.randint(200, 999)} {rng.randint(100, 999)} "
                f"{rng.randint(1000, 9999)}"
            ),
        )

    def date(self, lo=dt.date(2024, 1, 8), span=640):
        return lo + dt.timedelta(days=self.rng.randrange(span))


def A(r, req, opt=None, p=0.5):
    """argument dict: required + random subset of optional, order sometimes shuffled"""
    d = dict(req)
    d.update({k: v for k, v in (opt or {}).items() if r.rng.random() < p})
    if r.rng.random() < 0.3:
        items = list(d.items())
        r.rng.shuffle(items)
        d = dict(items)
    return d


class R:
    """Run builder: a list of events ('user', text) / ('asst', text|None, [calls])"""

    def __init__(self, rng, st):
        self.rng, self.st = rng, st
        self.ev = []
        self.pending = None
        self.ncalls = 0

    def user(self, t):
        self._flush()
        self.ev.append(("user", t))

    def say(self, t):
        self.pending = t if self.pending is None else self.pending + "\n\n" + t

    def pre(self, *opts, p=None):
        if self.rng.random() < (self.st["preface"] if p is None else p):
            self.say(self.rng.choice(opts))

    def call(self, name, args, result, err=False):
        self.ev.append(("asst", self.pending, [(name, args, result, err)]))
        self.pending = None
        self.ncalls += 1

    def calls(self, lst):
        self.ev.append(("asst", self.pending, [(n, a, res, e) for (n, a, res, e) in lst]))
        self.pending = None
        self.ncalls += len(lst)

    def _flush(self):
        if self.pending is not None:
            self.ev.append(("asst", self.pending, []))
            self.pending = None

    def done(self, t):
        self.say(t)
        self._flush()

    def confirm(self, q):
        self.say(q + " " + self.rng.choice(CONFIRM_TAIL) if not q.rstrip().endswith("?") else q)
        self.user(self.rng.choice(YES))

    def thanks(self):
        self.user(self.rng.choice(THANKS))
        self.done(self.rng.choice(THANKS_REPLY))

    def pick(self, *opts):
        return self.rng.choice(opts)


# ----------------------------------------------------------------------------------------------
# shared tool snippets
# ----------------------------------------------------------------------------------------------
def emp_rec(p):
    return {
        "employee_id": p.eid,
        "name": p.full,
        "email": p.email,
        "department": p.dept,
        "title": p.title,
        "location": p.loc,
        "status": "active",
    }


def hr_search(r, c, p, by=None, decoy_p=0.25):
    q = by or r.rng.choice([p.full, p.full, p.email, p.last])
    res = [emp_rec(p)]
    if r.rng.random() < decoy_p:
        d = c.person(p.email.split("@")[1], first=p.first)
        res.append(emp_rec(d))
        r.rng.shuffle(res)
    args = A(r, {"query": q}, {"status": "active", "limit": r.rng.choice([5, 10, 20])}, p=0.35)
    r.call("hr.search_employees", args, {"results": res, "total": len(res)})


def emp_full(p, mgr, start):
    return {
        **emp_rec(p),
        "manager": {"employee_id": mgr.eid, "name": mgr.full},
        "start_date": start.isoformat(),
        "employment_type": "full_time",
        "work_phone": p.phone,
        "cost_center": f"CC-{sum(map(ord, p.dept)) % 900 + 100}",
    }


# ----------------------------------------------------------------------------------------------
# TASKS
# ----------------------------------------------------------------------------------------------
TASKS = []


def task(**kw):
    TASKS.append(Obj(kw))


# ============================== HR / PEOPLE OPS / IT ==========================================
# 1 -------------------------------------------------------------------------------------------
def v_leave(c):
    dom = c.dom()
    p = c.person(dom)
    acc = c.rng.choice([20, 22, 25, 25, 27, 30]) + c.rng.choice([0, 0, 2.5, 5])
    used = c.rng.randint(0, int(acc) - 4) + c.rng.choice([0, 0.5])
    pend = c.rng.choice([0, 0, 1, 2, 3])
    return Obj(
        p=p,
        first=p.first,
        last=p.last,
        full=p.full,
        email=p.email,
        dept=p.dept,
        acc=acc,
        used=used,
        pend=pend,
        sick=c.rng.choice([5, 6, 8, 10]) - c.rng.randint(0, 3),
        today=c.date(),
    )


def b_leave(r, c, v, fail):
    p = v.p
    r.pre(f"Let me look up {p.first} in the HR system.", "I'll find the employee record first.", "Checking the HRIS.")
    hr_search(r, c, p)
    if r.st["extra"]:
        mgr = c.person(p.email.split("@")[1])
        r.call("hr.get_employee", {"employee_id": p.eid}, emp_full(p, mgr, v.today - dt.timedelta(days=900)))
    avail = v.acc - v.used - v.pend
    vac = {
        "leave_type": "vacation",
        "unit": "days",
        "accrued": v.acc,
        "used": v.used,
        "pending": v.pend,
        "available": avail,
        "carryover_expires": f"{v.today.year + 1}-03-31",
    }
    sick = {"leave_type": "sick", "unit": "days", "accrued": 10, "used": 10 - v.sick, "pending": 0, "available": v.sick}
    if fail:
        r.call(
            "hr.get_leave_balance",
            A(r, {"employee_id": p.eid, "leave_type": "sick"}, {"as_of": v.today.isoformat()}),
            {"employee_id": p.eid, "balances": [sick]},
        )
        r.done(r.pick(f"{p.full} has {v.sick} days left.", f"{p.first} currently has **{v.sick} days** available."))
        r.thanks()
        return
    if r.rng.random() < 0.5:
        r.call(
            "hr.get_leave_balance",
            A(r, {"employee_id": p.eid, "leave_type": "vacation"}, {"as_of": v.today.isoformat()}),
            {"employee_id": p.eid, "balances": [vac]},
        )
    else:
        r.call(
            "hr.get_leave_balance",
            {"employee_id": p.eid},
            {
                "employee_id": p.eid,
                "balances": [
                    vac,
                    sick,
                    {"leave_type": "parental", "unit": "days", "accrued": 0, "used": 0, "pending": 0, "available": 0},
                ],
            },
        )
    extra = f" ({v.pend} more days are pending approval)" if v.pend else ""
    r.done(
        r.pick(
            (
                f"{p.full} has **{avail:g} vacation days** left this year{extra}. They've used {v.used:g} of "
                f"{v.acc:g} accrued."
            ),
            (
                f"{p.first} has {avail:g} days of vacation available — {v.acc:g} accrued, {v.used:g} used, "
                f"{v.pend} pending."
            ),
            f"Remaining vacation for {p.full}: {avail:g} days{extra}.",
        )
    )
    if r.rng.random() < 0.4:
        r.thanks()


task(
    id="hr_leave_balance",
    domain="hr",
    desc="Look up and report an employee's remaining vacation days (read-only)",
    tools=["hr.search_employees", "hr.get_employee (sometimes)", "hr.get_leave_balance"],
    fail="silent: queries leave_type=sick and reports that number as vacation; user thanks",
    runs=[
        "How many vacation days does {full} have left?",
        "can you check {first}'s remaining PTO? full name {full}",
        (
            "I'm putting together the summer rota and need to know how much annual leave {full} still has "
            "available this year. Could you look it up?"
        ),
        "vacation balance for {email} pls",
        "{full} asked me how many holiday days they have left — what does the system say?",
        "Quick one: remaining vacation days, {full} ({dept}).",
    ],
    queries=[
        "What's the leftover annual leave for {full}?",
        "Please tell me how many days of vacation {email} can still take.",
        "{first} {last} wants to book a trip — how much PTO do they have remaining?",
    ],
    vals=v_leave,
    build=b_leave,
)


# 2/3 ------------------------------------------------------------------------------------------
REJECT_REASONS = [
    "we're short-staffed that week",
    "it clashes with the product launch",
    "it's quarter-end close",
    "two others on the team are already off then",
    "we have the client audit that week",
    "it falls in the peak season freeze",
]


def v_timeoff(c):
    dom = c.dom()
    p = c.person(dom)
    s = c.date(dt.date(2024, 2, 1), 600)
    n = c.rng.choice([1, 2, 3, 4, 5, 5, 8, 10])
    e = s + dt.timedelta(days=n - 1 + (2 if n >= 5 else 0))
    sty = c.rng.randrange(5)
    rng_txt = hdate(s, sty) if s == e else f"{hdate(s, sty)} to {hdate(e, sty)}"
    reason = c.rng.choice(REJECT_REASONS)
    return Obj(
        p=p,
        first=p.first,
        last=p.last,
        full=p.full,
        email=p.email,
        start=s,
        end=e,
        n=n,
        range=rng_txt,
        req=c.fresh(lambda: f"TOR-{c.rng.randint(20000, 89999)}"),
        reason=reason,
        reasonCap=reason[0].upper() + reason[1:],
        kind=c.rng.choice(["vacation", "vacation", "personal"]),
        approver=c.person(dom),
        today=s - dt.timedelta(days=c.rng.randint(5, 40)),
    )


def tor(v, status="pending", req=None, s=None, e=None, n=None):
    return {
        "request_id": req or v.req,
        "employee_id": v.p.eid,
        "type": v.kind,
        "start_date": (s or v.start).isoformat(),
        "end_date": (e or v.end).isoformat(),
        "days": n or v.n,
        "status": status,
        "submitted_at": ts(v.today - dt.timedelta(days=3), random.Random(v.req)),
    }


def b_timeoff(decision):
    def b(r, c, v, fail):
        p = v.p
        r.pre(f"Let me find {p.first}'s pending request.", "I'll look up the employee and their open requests.")
        hr_search(r, c, p)
        reqs = [tor(v)]
        if r.rng.random() < 0.3:
            s2 = v.end + dt.timedelta(days=r.rng.randint(30, 90))
            reqs.append(tor(v, req=f"TOR-{r.rng.randint(20000, 89999)}", s=s2, e=s2, n=1))
        r.call("hr.list_time_off_requests", A(r, {"employee_id": p.eid, "status": "pending"}), {"requests": reqs})
        verb = "approve" if decision == "approve" else "reject"
        if r.st["confirm"]:
            if fail and decision == "reject":
                r.confirm(
                    f"I found request {v.req} ({v.kind}, {v.start.isoformat()} → {v.end.isoformat()}, "
                    f"{v.n} days). I'll update it now."
                )
            else:
                r.confirm(
                    f"I found request {v.req} ({v.kind}, {v.start.isoformat()} → {v.end.isoformat()}, {v.n} days). "
                    f"I'll {verb} it" + (f' with the note "{v.reason}".' if decision == "reject" else ".")
                )
        actual = decision
        if fail and decision == "reject":
            actual = "approve"  # silent wrong option
        args = {"request_id": v.req, "decision": actual}
        if decision == "reject":
            args = A(r, args, {"comment": v.reasonCap}, p=1.0 if not fail else 0.0)
        else:
            args = A(r, args, {"comment": r.pick("Approved — enjoy!", "Approved.", "Have a good break!")}, p=0.4)
        if fail and decision == "approve":
            r.call(
                "hr.decide_time_off",
                args,
                {
                    "error": {
                        "code": "POLICY_BLACKOUT",
                        "message": f"Request {v.req} overlaps blackout period "
                        f"{v.start.isoformat()}..{(v.end + dt.timedelta(days=3)).isoformat()} "
                        "for department " + p.dept + ". Approval requires an HRBP override.",
                    }
                },
                err=True,
            )
            r.done(
                r.pick(
                    (
                        f"I couldn't approve {v.req}: it falls inside a company blackout period for "
                        f"{p.dept}, and approving it needs an HR business partner override, which I can't "
                        f"do. You'll need to ask your HRBP to approve it (or {p.first} could pick different "
                        "dates)."
                    ),
                    (
                        f"The approval was blocked — the HR system says {p.first}'s dates overlap the "
                        f"{p.dept} blackout window and need an HRBP override. I don't have permission to "
                        "override that, so the request is still pending."
                    ),
                )
            )
            return
        status = "approved" if actual == "approve" else "rejected"
        r.call(
            "hr.decide_time_off",
            args,
            {
                "request_id": v.req,
                "status": status,
                "decided_by": v.approver.eid,
                "decided_at": ts(v.today, r.rng),
                "employee_notified": True,
            },
        )
        if r.st["verify"]:
            r.call(
                "hr.list_time_off_requests", {"employee_id": p.eid, "status": status}, {"requests": [tor(v, status)]}
            )
        if fail:
            r.done(
                r.pick(
                    f"Done — {p.first}'s request {v.req} has been processed and they've been notified.",
                    f"All set, I've actioned {v.req} for {p.full}.",
                )
            )
            r.thanks()
            return
        if decision == "approve":
            r.done(
                r.pick(
                    (
                        f"Approved! {p.full}'s {v.kind} request {v.req} ({v.n} days, {v.range}) is now "
                        "approved and they've been notified."
                    ),
                    f"Done — {v.req} for {p.first} is approved.",
                    (
                        f"I've approved {p.first}'s time off ({v.start.isoformat()} – {v.end.isoformat()}). "
                        "They'll get an email confirmation."
                    ),
                )
            )
        else:
            r.done(
                r.pick(
                    (
                        f"Rejected {p.full}'s request {v.req} for {v.range}, with the reason: "
                        f'"{v.reasonCap}". They\'ve been notified.'
                    ),
                    f"Done — {v.req} is declined and {p.first} will see your note.",
                    f"The leave request has been rejected and {p.first} notified with your reason.",
                )
            )
        if r.rng.random() < 0.4:
            r.thanks()

    return b


task(
    id="hr_approve_time_off",
    domain="hr",
    desc="Approve an employee's pending time-off request",
    tools=["hr.search_employees", "hr.list_time_off_requests", "hr.decide_time_off(decision=approve)"],
    fail="visible: decide_time_off returns POLICY_BLACKOUT error; agent cannot override",
    runs=[
        "Please approve {first}'s time off request for {range}.",
        "approve {full}'s PTO ({range})",
        (
            "Hi — {full} on my team put in a leave request for {range}. I'm fine with it, can you approve it "
            "in the HR system?"
        ),
        "Can you sign off on the vacation request from {email}? It's the one for {range}.",
        "go ahead and approve the pending leave for {full}",
        "{full} needs {range} off for a family thing. Approve that request for me please.",
    ],
    queries=[
        "Accept the holiday request {full} submitted for {range}.",
        "I'd like to OK {first} {last}'s pending PTO — {range}.",
        "mark {email}'s leave request ({range}) as approved",
    ],
    vals=v_timeoff,
    build=b_timeoff("approve"),
)

task(
    id="hr_reject_time_off",
    domain="hr",
    desc="Reject an employee's pending time-off request with a reason",
    tools=["hr.search_employees", "hr.list_time_off_requests", "hr.decide_time_off(decision=reject, comment)"],
    fail="silent: agent calls decide_time_off with decision=approve; user thanks",
    runs=[
        "Please reject {first}'s leave request for {range} — {reason}.",
        "decline {full}'s PTO {range}, reason: {reason}",
        (
            "I can't approve {full}'s time off for {range} because {reason}. Can you deny it in the system "
            "and add that as the reason?"
        ),
        "Turn down the vacation request from {email} ({range}). {reasonCap}.",
        "need to say no to {full}'s holiday request for {range}; {reason}",
        "Reject pending time-off for {full}. Note for them: {reason}.",
    ],
    queries=[
        "Deny the leave {full} asked for ({range}) since {reason}.",
        "{first} {last} requested {range} off but {reason} — please refuse it.",
        "can u decline the PTO request from {email} for {range}, {reason}",
    ],
    vals=v_timeoff,
    build=b_timeoff("reject"),
)


# 4 -------------------------------------------------------------------------------------------
def v_mgr(c):
    dom = c.dom()
    p, m, o = c.person(dom), c.person(dom), c.person(dom)
    eff = c.date()
    return Obj(
        p=p,
        m=m,
        o=o,
        first=p.first,
        last=p.last,
        full=p.full,
        email=p.email,
        mfull=m.full,
        memail=m.email,
        ofull=o.full,
        eff=hdate(eff, c.rng.randrange(5)),
        effd=eff,
    )


def b_mgr(r, c, v, fail):
    p, m, o = v.p, v.m, v.o
    r.pre("I'll look up both people first.", f"Let me find {p.first} and {m.first} in the HRIS.")
    if r.rng.random() < 0.4:
        r.calls(
            [
                (
                    "hr.search_employees",
                    {"query": p.full if r.rng.random() < 0.6 else p.email},
                    {"results": [emp_rec(p)], "total": 1},
                    False,
                ),
                ("hr.search_employees", {"query": m.full}, {"results": [emp_rec(m)], "total": 1}, False),
            ]
        )
    else:
        hr_search(r, c, p)
        hr_search(r, c, m, by=r.pick(m.full, m.email))
    if r.st["extra"]:
        r.call("hr.get_employee", {"employee_id": p.eid}, emp_full(p, o, v.effd - dt.timedelta(days=700)))
    if r.st["confirm"]:
        r.confirm(
            f"{p.full} currently reports to {o.full}. I'll change the manager to {m.full} ({m.eid}), "
            f"effective {v.effd.isoformat()}."
        )
    args = A(
        r,
        {"employee_id": p.eid, "changes": {"manager_id": m.eid}},
        {"effective_date": v.effd.isoformat(), "reason": "reorg"},
        p=0.6,
    )
    if fail:
        r.call(
            "hr.update_employee",
            args,
            {
                "error": "VALIDATION_FAILED",
                "detail": (
                    f"Reporting cycle detected: {m.full} ({m.eid}) currently reports to {p.full} ({p.eid}). "
                    "Resolve the existing line first."
                ),
            },
            err=True,
        )
        r.done(
            r.pick(
                (
                    f"The HR system rejected the change: {m.full} currently reports to {p.full}, so making "
                    f"{m.first} their manager would create a reporting loop. Someone needs to move "
                    f"{m.first}'s own reporting line first — that's a bigger org change than I can make "
                    "here, so please raise it with HR Ops."
                ),
                (
                    f"I couldn't update it. The HRIS says there's a reporting cycle ({m.full} is in "
                    f"{p.first}'s reporting chain). Nothing was changed."
                ),
            )
        )
        return
    r.call(
        "hr.update_employee",
        args,
        {
            "employee_id": p.eid,
            "updated_fields": ["manager_id"],
            "effective_date": v.effd.isoformat(),
            "status": "scheduled" if r.rng.random() < 0.5 else "applied",
        },
    )
    if r.st["verify"]:
        r.call("hr.get_employee", {"employee_id": p.eid}, emp_full(p, m, v.effd - dt.timedelta(days=700)))
    r.done(
        r.pick(
            f"Done — {p.full} now reports to {m.full} (effective {v.effd.isoformat()}).",
            (
                f"Updated. {p.first}'s manager is set to {m.full} from {v.eff}; {o.first} is no longer "
                "listed as their manager."
            ),
            f"The reporting line change is saved: {p.full} → {m.full}.",
        )
    )
    if r.rng.random() < 0.4:
        r.thanks()


task(
    id="hr_change_manager",
    domain="hr",
    desc="Change an employee's line manager (reporting line update)",
    tools=["hr.search_employees", "hr.get_employee (sometimes)", "hr.update_employee(changes.manager_id)"],
    fail="visible: update_employee returns VALIDATION_FAILED reporting cycle; agent gives up",
    runs=[
        "{full} is moving to {mfull}'s team — please update their manager.",
        "change {first}'s manager to {mfull} effective {eff}",
        "Org change: starting {eff}, {full} will report to {mfull}. Can you reflect that in HR?",
        "update reporting line for {email} -> {memail}",
        "Hey, after the reorg {full} now reports to {mfull} instead of {ofull}. Update the system pls.",
        "Set {mfull} as the line manager for {full}.",
    ],
    queries=[
        "Please make {mfull} the new manager of {full} from {eff}.",
        "reassign {email} to report into {mfull}",
        "{full}'s manager should be {mfull} now, not {ofull} — fix the record.",
    ],
    vals=v_mgr,
    build=b_mgr,
)


# 5/6 ------------------------------------------------------------------------------------------
def it_acct(p, status="active", systems=None, locked=False):
    return {
        "username": p.uname,
        "email": p.email,
        "display_name": p.full,
        "status": status,
        "locked": locked,
        "mfa_enrolled": True,
        "last_login": "2024-11-02T08:41:13Z",
        "groups": ["all-staff", slug(p.dept) + "-team"],
        "connected_systems": systems or ["okta", "google-workspace", "slack"],
    }


def v_reset(c):
    p = c.person()
    return Obj(p=p, first=p.first, last=p.last, full=p.full, email=p.email, uname=p.uname)


def b_reset(r, c, v, fail):
    p = v.p
    if r.st["extra"] or fail:
        r.pre("Let me check the account first.", f"Checking {p.uname}'s account status.")
        r.call("it.get_account", r.pick({"username": p.uname}, {"email": p.email}), it_acct(p))
    delivery = r.pick("email", "email", "sms")
    args = A(
        r, {"username": p.uname, "delivery": delivery}, {"force_change_on_login": True, "revoke_sessions": True}, p=0.5
    )
    sent_to = (p.first[0].lower() + "•••@gmail.com") if delivery == "email" else ("+•• ••• ••• " + p.phone[-3:])
    r.call(
        "it.reset_password",
        args,
        {
            "status": "reset_initiated",
            "delivery": delivery,
            "sent_to": sent_to,
            "link_expires_in_minutes": r.pick(30, 60, 15),
        },
    )
    r.done(
        r.pick(
            (
                f"Password reset started for **{p.uname}** — a reset link was sent via {delivery} to "
                f"{sent_to}. It expires shortly, so {p.first} should use it soon."
            ),
            (
                f"Done. {p.full} will get a reset link by {delivery} ({sent_to}) and will be asked to choose "
                "a new password."
            ),
            (
                f"I've triggered a password reset for {p.uname}; the link went to their recovery "
                f"{'email' if delivery == 'email' else 'phone'}."
            ),
        )
    )
    if fail:
        r.user(
            r.pick(
                f"{p.first} says the link never arrived and the login page still says the account is locked.",
                "that didn't work — they still can't get in, says 'account locked, contact administrator'",
            )
        )
        r.call(
            "it.get_account",
            {"username": p.uname},
            {
                **it_acct(p, locked=True),
                "lock_reason": "security_hold",
                "locked_by": "secops-automation",
                "note": "Suspicious sign-in from new country; hold until reviewed",
            },
        )
        r.done(
            r.pick(
                (
                    "I see the problem: the account has a security hold placed by the SecOps automation, so "
                    "the reset can't take effect. I'm not able to lift security holds — please contact the "
                    "Security team (#sec-help) to review and unlock it."
                ),
                (
                    "Sorry — the account is locked by a security hold, which overrides password resets. I "
                    "can't remove that hold; Security will need to review it."
                ),
            )
        )
        return
    if r.rng.random() < 0.4:
        r.thanks()


task(
    id="it_reset_password",
    domain="hr",
    desc="Reset a user's password (send reset link)",
    tools=["it.get_account (sometimes)", "it.reset_password"],
    fail="visible: user reports it did not work; account has a security hold the agent cannot lift",
    runs=[
        "pls reset {uname}'s password",
        "{full} is locked out of their account, can you reset the password?",
        (
            "Hi, I'm covering the helpdesk today. {full} ({email}) forgot their password after coming back "
            "from leave — could you reset it for them?"
        ),
        "password reset for {email}",
        "Can you trigger a password reset for user {uname}? They can't log in.",
        "{first} {last} can't sign in — reset their creds please",
    ],
    queries=[
        "Reset the login password for {full}.",
        "{uname} forgot their password again, do a reset",
        "Could you send {email} a fresh password reset?",
    ],
    vals=v_reset,
    build=b_reset,
)

REVOKE_REASONS = ["termination", "contract_ended", "resignation", "security_incident"]


def v_revoke(c):
    p = c.person()
    last = c.date()
    return Obj(
        p=p,
        first=p.first,
        last=p.last,
        full=p.full,
        email=p.email,
        uname=p.uname,
        lastday=hdate(last, c.rng.randrange(5)),
        reason=c.rng.choice(REVOKE_REASONS),
    )


def b_revoke(r, c, v, fail):
    p = v.p
    systems = [
        "okta",
        "google-workspace",
        "slack",
        *r.rng.sample(["vpn", "github", "jira", "aws-sso", "salesforce", "zoom"], 3),
    ]
    r.pre(f"Let me pull up {p.uname}'s account.", "First I'll check which systems they have access to.")
    r.call("it.get_account", r.pick({"username": p.uname}, {"email": p.email}), it_acct(p, systems=systems))
    if r.st["confirm"]:
        r.confirm(
            f"{p.uname} has access to {len(systems)} systems ({', '.join(systems)}). This will revoke "
            "all of them and end active sessions."
        )
    if fail:
        args = A(
            r, {"username": p.uname, "systems": ["vpn"] if "vpn" in systems else [systems[-1]]}, {"reason": v.reason}
        )
        rv = args["systems"]
        r.call(
            "it.revoke_access",
            args,
            {"username": p.uname, "revoked": rv, "sessions_terminated": 1, "account_status": "active"},
        )
        r.done(r.pick(f"Done — access revoked for {p.uname}.", f"I've revoked {p.full}'s access."))
        r.thanks()
        return
    args = A(r, {"username": p.uname, "systems": "all"}, {"reason": v.reason, "terminate_sessions": True}, p=0.7)
    r.call(
        "it.revoke_access",
        args,
        {
            "username": p.uname,
            "revoked": systems,
            "sessions_terminated": r.rng.randint(1, 4),
            "account_status": "suspended",
        },
    )
    if r.st["verify"]:
        r.call("it.get_account", {"username": p.uname}, it_acct(p, status="suspended", systems=[]))
    r.done(
        r.pick(
            (
                f"All access for **{p.full}** ({p.uname}) is revoked: {', '.join(systems)}. The account is "
                "suspended and active sessions were terminated."
            ),
            f"Done. {p.uname} is suspended and removed from all {len(systems)} connected systems.",
            f"{p.first}'s access has been cut everywhere ({len(systems)} systems) and their sessions were signed out.",
        )
    )
    if r.rng.random() < 0.4:
        r.thanks()


task(
    id="it_revoke_access",
    domain="hr",
    desc="Revoke all system access for a departing user/contractor",
    tools=["it.get_account", "it.revoke_access(systems=all)"],
    fail="silent: agent revokes only one system (e.g. vpn) instead of all; user thanks",
    runs=[
        "Revoke all of {full}'s access, they left today.",
        "{uname} is no longer with us — cut off all their system access please",
        (
            "Our contract with {full} ended on Friday. Please remove every access they have (SSO, VPN, "
            "GitHub, everything)."
        ),
        "kill access for {email} asap, security asked",
        "Can you deprovision {full}? Last day was {lastday}.",
        "Please pull all access for contractor {full} ({email}).",
    ],
    queries=[
        "Disable every account {full} has — they've resigned.",
        "offboard {uname} from all systems",
        "{full}'s engagement is over, please remove their access everywhere.",
    ],
    vals=v_revoke,
    build=b_revoke,
)


# 7 ------------------------------------------------------------------------------------------
DEPT_GROUPS = {
    "Engineering": ["eng-all", "github-org-members"],
    "Sales": ["sales-all", "crm-users"],
    "Marketing": ["marketing-all", "cms-editors"],
    "Finance": ["finance-all", "erp-users"],
    "Customer Support": ["support-all", "helpdesk-agents"],
    "People": ["people-team", "hris-users"],
    "Operations": ["ops-all", "wms-users"],
    "Product": ["product-all", "design-tools"],
}


def v_onboard(c):
    dom = c.dom()
    p = c.person(dom)
    m = c.person(dom)
    start = c.date()
    pemail = (
        f"{slug(p.first)}{c.rng.choice(['', '.', '_'])}{slug(p.last)}"
        f"{c.rng.choice(['', str(c.rng.randint(1, 99))])}"
        f"@{c.rng.choice(['gmail.com', 'outlook.com', 'proton.me', 'yahoo.com'])}"
    )
    return Obj(
        p=p,
        m=m,
        first=p.first,
        last=p.last,
        full=p.full,
        mfull=m.full,
        title=p.title,
        dept=p.dept,
        start=hdate(start, c.rng.randrange(5)),
        startd=start,
        pemail=pemail,
        lic=c.rng.choice(LICENSES),
        dom=dom,
    )


def b_onboard(r, c, v, fail):
    p, m = v.p, v.m
    r.pre(
        "I'll do this in steps: HR record, account, groups, then the license.",
        "Sure — starting with the manager lookup and the HR record.",
    )
    hr_search(r, c, m, by=m.full)
    args = A(
        r,
        {
            "first_name": p.first,
            "last_name": p.last,
            "personal_email": v.pemail,
            "start_date": v.startd.isoformat(),
            "department": p.dept,
            "title": p.title,
            "manager_id": m.eid,
        },
        {"employment_type": "full_time", "location": p.loc},
        p=0.5,
    )
    r.call(
        "hr.create_employee",
        args,
        {"employee_id": p.eid, "status": "pre_hire", "created_at": ts(v.startd - dt.timedelta(days=10), r.rng)},
    )
    work_email = f"{slug(p.first)}.{slug(p.last)}@{v.dom}"
    res = {"username": p.uname, "email": work_email, "status": "provisioned", "activation": "on_start_date"}
    if v.get("secret"):
        res["temporary_password"] = v.secret
        res["note"] = "Share temporary password with new hire via a secure channel; must change at first login."
    r.call(
        "it.create_account",
        A(r, {"employee_id": p.eid, "username": p.uname, "email": work_email}, {"send_welcome_to": v.pemail}, p=0.5),
        res,
    )
    groups = DEPT_GROUPS[p.dept][: r.rng.choice([1, 2])]
    if r.rng.random() < 0.5:
        groups = ["all-staff", *groups]
    for g in groups:
        r.call("it.add_to_group", {"username": p.uname, "group": g}, {"username": p.uname, "group": g, "added": True})
    if fail:
        r.call(
            "it.assign_license",
            {"username": p.uname, "product": v.lic},
            {
                "error": "NO_SEATS_AVAILABLE",
                "message": (
                    f"All {r.rng.choice([25, 50, 100])} seats for '{v.lic}' are assigned. Purchase more "
                    "seats or unassign an existing user."
                ),
            },
            err=True,
        )
        r.done(
            f"Partially done. I created {p.full}'s HR record ({p.eid}), their account **{work_email}**, "
            f"and added them to {', '.join(groups)}. "
            f"However the {v.lic} license could not be assigned — there are no free seats left, and I "
            "can't purchase seats. Someone with procurement access needs to buy or free up a seat "
            f"before {v.start}."
        )
        return
    r.call(
        "it.assign_license",
        A(r, {"username": p.uname, "product": v.lic}, {"seat_type": "standard"}, p=0.3),
        {"username": p.uname, "product": v.lic, "assigned": True, "seats_remaining": r.rng.randint(1, 12)},
    )
    r.done(
        r.pick(
            (
                f"{p.full} is set up for {v.start}:\n- HR record: {p.eid} ({p.title}, {p.dept}, reports to "
                f"{m.full})\n- Account: {p.uname} / {work_email}\n- Groups: {', '.join(groups)}\n- License: "
                f"{v.lic}\nA welcome email will go to {v.pemail}."
            ),
            (
                f"All done. Employee {p.eid} created, account {work_email} provisioned (activates on the "
                f"start date), groups {', '.join(groups)} added, and a {v.lic} seat assigned."
            ),
        )
    )
    if r.rng.random() < 0.4:
        r.thanks()


task(
    id="it_onboard_new_hire",
    domain="hr",
    desc="Multi-step onboarding: HR record + IT account + groups + software license",
    tools=[
        "hr.search_employees (manager)",
        "hr.create_employee",
        "it.create_account",
        "it.add_to_group (1-3x)",
        "it.assign_license",
    ],
    fail="visible: it.assign_license returns NO_SEATS_AVAILABLE; agent reports partial completion",
    runs=[
        (
            "We have a new hire starting {start}: {full}, {title} in {dept}, reporting to {mfull}. Personal "
            "email {pemail}. Please set them up — HR record, accounts, groups, and a {lic} license."
        ),
        "onboard {full} ({title}, {dept}) start date {start}, manager {mfull}, personal email {pemail}. needs {lic}",
        (
            "Hi! {mfull} here. My new {title}, {full}, joins on {start}. Can you get everything ready for "
            "day one? Their personal address is {pemail} and they'll need {lic}."
        ),
        (
            "Set up new employee {full}: dept {dept}, role {title}, starts {start}, reports to {mfull}, "
            "contact {pemail}. Also give them a {lic} seat."
        ),
        (
            "Please create the employee profile and IT accounts for {full}, who starts {start} as {title} "
            "({dept}). Manager: {mfull}. Email: {pemail}. License: {lic}."
        ),
        "new starter -> {full}, {start}, {dept}/{title}, mgr {mfull}, {pemail}, needs {lic} too",
    ],
    queries=[
        (
            "Get {full} ready for their first day on {start} — {title} in {dept}, manager {mfull}, personal "
            "email {pemail}, plus a {lic} license."
        ),
        (
            "Could you onboard our incoming {title} {full}? Starts {start} in {dept} under {mfull}; reach "
            "them at {pemail}; they need {lic}."
        ),
        (
            "{full} starts {start} ({dept}, {title}, reports to {mfull}). Create their HR record and "
            "accounts, add a {lic} license. Personal mail: {pemail}"
        ),
    ],
    vals=v_onboard,
    build=b_onboard,
    secret_field="secret",
    secret_fn=lambda rng: (
        "Tmp-" + rid(rng, 4, string.ascii_uppercase) + "!" + rid(rng, 6) + "#" + str(rng.randint(10, 99))
    ),
)


# 8 ------------------------------------------------------------------------------------------
def v_payslip(c):
    p = c.person()
    d = c.date(dt.date(2024, 1, 1), 600)
    gross = c.rng.randint(3200, 11800) + c.rng.choice([0, 0.5, 0.33, 0.17])
    return Obj(
        p=p,
        first=p.first,
        last=p.last,
        full=p.full,
        email=p.email,
        month=f"{MON[d.month - 1]} {d.year}",
        iso=f"{d.year}-{d.month:02d}",
        y=d.year,
        mo=d.month,
        gross=round(gross, 2),
        cur=c.rng.choice(["USD", "EUR", "GBP"]),
    )


def b_payslip(r, c, v, fail):
    p = v.p
    if fail:
        r.done(
            r.pick(
                (
                    f"Sorry, I can't share individual payroll information such as {p.first}'s payslip. "
                    "Payslips are confidential."
                ),
                "I'm not able to look up someone else's pay details — that's confidential payroll data.",
            )
        )
        r.user(
            r.pick(
                "I'm the payroll admin, I need this for a reconciliation", "but I'm on the payroll team? this is my job"
            )
        )
        r.done(
            r.pick(
                (
                    "I understand, but I still can't provide individual payslip figures through this "
                    "assistant. Please use the payroll portal directly."
                ),
                (
                    "Understood — unfortunately I can't verify that here, so I won't retrieve the payslip. "
                    "The payroll portal will give you access."
                ),
            )
        )
        return
    r.pre(f"Looking up {p.first} first.", "I'll find the employee and then pull the payslip.")
    hr_search(r, c, p)
    tax = round(v.gross * r.rng.uniform(0.16, 0.3), 2)
    soc = round(v.gross * r.rng.uniform(0.05, 0.09), 2)
    pen = round(v.gross * r.rng.choice([0.03, 0.04, 0.05]), 2)
    net = round(v.gross - tax - soc - pen, 2)
    payday = dt.date(v.y, v.mo, 25)
    r.call(
        "payroll.get_payslip",
        A(r, {"employee_id": p.eid, "period": v.iso}, {"include_ytd": False}, p=0.3),
        {
            "employee_id": p.eid,
            "period": v.iso,
            "pay_date": payday.isoformat(),
            "currency": v.cur,
            "gross": v.gross,
            "deductions": [
                {"type": "income_tax", "amount": tax},
                {"type": "social_security", "amount": soc},
                {"type": "pension", "amount": pen},
            ],
            "net": net,
            "status": "paid",
        },
    )
    r.done(
        r.pick(
            (
                f"{p.full}'s {v.month} payslip (paid {payday.isoformat()}):\n- Gross: "
                f"{money(v.gross, v.cur)}\n- Deductions: tax {money(tax, v.cur)}, social security "
                f"{money(soc, v.cur)}, pension {money(pen, v.cur)}\n- **Net: {money(net, v.cur)}**"
            ),
            (
                f"Net pay for {p.first} in {v.month} was {money(net, v.cur)} (gross {money(v.gross, v.cur)}, "
                f"total deductions {money(tax + soc + pen, v.cur)})."
            ),
        )
    )
    if r.rng.random() < 0.4:
        r.thanks()


task(
    id="payroll_payslip_lookup",
    domain="hr",
    desc="Look up an employee's payslip for a month and report net/gross (read-only)",
    tools=["hr.search_employees", "payroll.get_payslip"],
    fail="visible: agent refuses (wrongly) to share payslip even after the user says they are payroll admin",
    runs=[
        "What was {full}'s net pay for {month}?",
        "pull {first}'s payslip for {month} and tell me the take-home amount",
        (
            "{full} thinks their {month} paycheck was short. Can you look at the payslip and tell me gross, "
            "deductions and net?"
        ),
        "net salary on {email}'s {month} payslip?",
        "I'm reconciling payroll — need the {month} payslip figures for {full}.",
        "Can you check how much {full} was paid in {month}?",
    ],
    queries=[
        "Show me the take-home pay on {full}'s {month} payslip.",
        "how much did {email} net in {month}?",
        "Could you get me {full}'s payslip breakdown for {month}?",
    ],
    vals=v_payslip,
    build=b_payslip,
)


# 9 ------------------------------------------------------------------------------------------
def v_salary(c):
    p = c.person()
    cur = c.rng.choice(["USD", "EUR", "GBP"])
    sal = c.rng.randrange(52000, 168000, 500)
    eff = c.date()
    mgr = c.person(p.email.split("@")[1])
    return Obj(
        p=p,
        first=p.first,
        last=p.last,
        full=p.full,
        email=p.email,
        salary=money(sal, cur).replace(".00", ""),
        sal=sal,
        cur=cur,
        pct=c.rng.choice([3, 4, 5, 6, 8, 10, 12]),
        eff=hdate(eff, c.rng.randrange(5)),
        effd=eff,
        first2=mgr.first,
    )


def b_salary(r, c, v, fail):
    p = v.p
    if r.rng.random() < 0.7 or fail:
        hr_search(r, c, p)
    if fail:
        args = A(
            r,
            {
                "employee_id": p.eid,
                "changes": {"base_salary": v.sal if "{salary}" in v._tpl else round(v.sal * (1 + v.pct / 100), -2)},
            },
            {"effective_date": v.effd.isoformat()},
            p=0.7,
        )
        r.call(
            "hr.update_employee", args, {"employee_id": p.eid, "updated_fields": ["base_salary"], "status": "applied"}
        )
        r.done(r.pick(f"Done — {p.first}'s base salary has been updated.", f"Updated {p.full}'s salary in the HRIS."))
        r.thanks()
        return
    msg = r.pick(
        (
            "I can't change compensation directly — salary changes have to be approved by the Total Rewards "
            "(compensation) team."
        ),
        (
            "Compensation changes aren't something I'm allowed to make in the HR system; they go through the "
            "Compensation team for approval."
        ),
        "I'm not able to edit salaries myself. Per policy, pay changes need approval from Total Rewards.",
    )
    mode = r.rng.random()
    if mode < 0.25:
        r.done(
            msg
            + (
                " Please submit a compensation change request in the HR portal (People → Compensation → "
                "Request change) or email total-rewards@ with the details, and they'll process it."
            )
        )
        return
    if r.st["confirm"] or mode < 0.5:
        r.say(msg + " I can open a case for them with the details.")
        r.confirm("Would you like me to do that?")
    summary = (
        f"Compensation change request for {p.full} ({p.eid}): "
        + (f"new base {v.salary}" if "{salary}" in v._tpl else f"+{v.pct}% base increase")
        + (f", effective {v.effd.isoformat()}" if "{eff}" in v._tpl else "")
    )
    r.call(
        "hr.create_case",
        A(
            r,
            {"category": "compensation_change", "employee_id": p.eid, "summary": summary},
            {"priority": "normal", "confidential": True},
            p=0.6,
        ),
        {
            "case_id": f"HRC-{r.rng.randint(1000, 9999)}",
            "assigned_queue": "Total Rewards",
            "sla_business_days": r.pick(3, 5),
            "status": "open",
        },
    )
    r.done(
        r.pick(
            ("" if r.st["confirm"] or mode < 0.5 else msg + " ")
            + (
                "I've opened a confidential case with Total Rewards with the requested change; they'll "
                "follow up with you for approval."
            ),
            ("" if r.st["confirm"] or mode < 0.5 else msg + " ")
            + "Case created and routed to the Compensation team. They usually respond within a few business days.",
        )
    )
    if r.rng.random() < 0.3:
        r.thanks()


task(
    id="hr_salary_change_handoff",
    domain="hr",
    desc="Salary/raise request: agent must NOT edit pay; hands off to compensation team (case)",
    tools=["hr.search_employees (usually)", "hr.create_case(category=compensation_change) (most runs)"],
    fail="silent: agent edits base_salary directly with hr.update_employee; user thanks",
    runs=[
        "Give {full} a raise to {salary} starting {eff}.",
        "bump {first}'s salary by {pct}% pls",
        "{full} just got promoted and we agreed on a new base of {salary}. Can you update their salary in the system?",
        "Update base pay for {email} to {salary}, effective {eff}.",
        "I'm {first2}, {full}'s manager. I want to increase their pay by {pct}% — can you make that change?",
        "change comp for {full}: new salary {salary}",
    ],
    queries=[
        "Please raise {full}'s base salary to {salary} from {eff}.",
        "Increase {email}'s pay {pct} percent.",
        "Could you process a compensation increase for {full}? New annual salary {salary}.",
    ],
    vals=v_salary,
    build=b_salary,
)


# ============================== COMMERCE / CRM / BILLING ======================================
def contact_rec(p, company, cid, acc):
    return {
        "contact_id": cid,
        "name": p.full,
        "email": p.email,
        "company": company,
        "account_id": acc,
        "title": p.title,
    }


def cust_person(c, company):
    dom = slug(company.split()[0]) + c.rng.choice([".com", ".io", ".co", ".net"])
    return c.person(dom)


# 10 ------------------------------------------------------------------------------------------
SOURCES = {
    "trade_show": ["SaaStr", "Web Summit", "the RetailTech expo", "our booth at NRF"],
    "webinar": ["the pricing webinar", "Tuesday's webinar"],
    "inbound": ["the website demo form", "the contact form"],
    "referral": ["a referral from a customer", "a partner referral"],
}


def v_lead(c):
    comp = c.company()
    p = cust_person(c, comp)
    src = c.rng.choice(list(SOURCES))
    return Obj(
        p=p,
        first=p.first,
        last=p.last,
        full=p.full,
        email=p.email,
        company=comp,
        title=p.title,
        src=src,
        srcname=src.replace("_", " "),
        source=c.rng.choice(SOURCES[src]),
        event=c.rng.choice(SOURCES["trade_show"]),
    )


def b_lead(r, c, v, fail):
    p = v.p
    src = "trade_show" if "{event}" in v._tpl else v.src
    if r.st["extra"] and not fail:
        r.pre("Let me make sure they're not already in the CRM.", "Checking for an existing record first.")
        r.call(
            "crm.search_contacts",
            A(r, {"query": r.pick(p.email, p.full)}, {"limit": 5}, p=0.3),
            {"results": [], "total": 0},
        )
    args = A(
        r,
        {"first_name": p.first, "last_name": p.last, "email": p.email, "company": v.company, "source": src},
        {
            "title": p.title,
            "notes": r.pick("Interested in enterprise plan", f"Met via {v.source}", "Follow up next week"),
            "owner": "me",
        },
        p=0.4,
    )
    lid = f"LD-{r.rng.randint(100000, 999999)}"
    r.call(
        "crm.create_lead",
        args,
        {"lead_id": lid, "status": "new", "owner": r.pick("current_user", "you"), "created_at": "now"},
    )
    r.done(
        r.pick(
            f"Lead created: **{p.full}** ({v.company}), {p.email} — {lid}, source {src}.",
            f"Done, {p.first} from {v.company} is in the CRM as a new lead ({lid}).",
            f"I've added {p.full} as a lead ({lid}) and assigned it to you.",
        )
    )
    if fail:
        cid = f"C-{r.rng.randint(10000, 99999)}"
        r.user(
            r.pick(
                (
                    f"hmm, {p.first} was already in the CRM as a contact under {v.company} — now there are "
                    "two records. That's not what I wanted."
                ),
                f"Wait, that's a duplicate, {p.full} already exists as contact {cid}. This messes up our attribution.",
            )
        )
        r.call(
            "crm.search_contacts",
            {"query": p.email},
            {"results": [contact_rec(p, v.company, cid, f"ACC-{r.rng.randint(1000, 9999)}")], "total": 1},
        )
        r.done(
            f"You're right, sorry — {p.full} already exists as contact {cid}, and I should have checked "
            "first. I don't have permission to merge or delete CRM records, so a CRM admin will need to "
            f"merge {lid} into {cid}."
        )
        return
    if r.rng.random() < 0.4:
        r.thanks()


task(
    id="crm_create_lead",
    domain="com",
    desc="Create a new sales lead in the CRM",
    tools=["crm.search_contacts (dedupe, sometimes)", "crm.create_lead"],
    fail="visible: user says the lead is a duplicate of an existing contact; agent can't merge",
    runs=[
        "Add {full} from {company} as a new lead — met them at {event}. Email {email}.",
        "create lead: {full}, {company}, {email}, source {srcname}",
        (
            "I had a great call with {full}, {title} at {company}. They're interested in the enterprise "
            "plan. Can you log them as a lead? Email is {email}."
        ),
        "new lead pls — {email} ({company}), came in via {source}",
        (
            "Could you put {full} ({company}) into the CRM as a lead? Reach them at {email}. They found us "
            "through {source}."
        ),
        "Log a lead for {company}: contact {full}, {email}.",
    ],
    queries=[
        "Enter {full} of {company} into the CRM as a prospect — {email}, via {source}.",
        "{company} reached out ({full}, {email}); please add them as a lead.",
        "new prospect from {source}: {full} / {company} / {email}, create the lead",
    ],
    vals=v_lead,
    build=b_lead,
)


# 11/12 ----------------------------------------------------------------------------------------
LOSS = [
    ("competitor", "they went with {comp}"),
    ("budget", "their budget got cut"),
    ("no_decision", "they've decided not to buy anything this year"),
    ("timing", "the project was postponed indefinitely"),
    ("price", "we were too expensive"),
]


def v_deal(c):
    comp = c.company()
    contact = cust_person(c, comp)
    amt = c.rng.randrange(8000, 240000, 250)
    cur = c.rng.choice(["USD", "USD", "EUR", "GBP"])
    d = c.date()
    code, tpl = c.rng.choice(LOSS)
    competitor = c.rng.choice(COMPETITORS)
    return Obj(
        company=comp,
        contact=contact.full,
        cp=contact,
        deal_id=c.fresh(lambda: f"DL-{c.rng.randint(10000, 99999)}"),
        amt=amt,
        cur=cur,
        amount=money(amt, cur).replace(".00", ""),
        closedate=hdate(d, c.rng.randrange(5)),
        closed=d,
        loss_code=code,
        reason=tpl.format(comp=competitor),
        competitor=competitor,
        dname=f"{comp} – {c.rng.choice(['Platform', 'Enterprise', 'Growth', 'Renewal', 'Expansion'])} {d.year}",
        owner=c.person(),
    )


def deal_rec(v, stage="negotiation"):
    return {
        "deal_id": v.deal_id,
        "name": v.dname,
        "account": v.company,
        "stage": stage,
        "amount": v.amt,
        "currency": v.cur,
        "owner": v.owner.full,
        "expected_close": v.closed.isoformat(),
    }


def deal_lookup(r, v):
    if "{deal_id}" in v._tpl and r.rng.random() < 0.8:
        r.call("crm.get_deal", {"deal_id": v.deal_id}, deal_rec(v))
    else:
        other = dict(
            deal_rec(v),
            deal_id=f"DL-{r.rng.randint(10000, 99999)}",
            name=v.company + " – Pilot 2023",
            stage="closed_won",
            amount=round(v.amt / 5),
        )
        res = [deal_rec(v)] + ([other] if r.rng.random() < 0.4 else [])
        r.call(
            "crm.search_deals",
            A(r, {"query": v.company}, {"status": "open"}, p=0.3),
            {"results": res, "total": len(res)},
        )


def b_won(r, c, v, fail):
    r.pre(f"Let me find the {v.company} deal.", "Looking up the deal first.")
    deal_lookup(r, v)
    if r.st["confirm"]:
        r.confirm(
            f'Found {v.deal_id} "{v.dname}" ({money(v.amt, v.cur)}, currently in negotiation). I\'ll '
            f"move it to Closed Won with close date {v.closed.isoformat()}."
        )
    stage = "contract_sent" if fail else "closed_won"
    args = A(
        r,
        {"deal_id": v.deal_id, "stage": stage},
        {"close_date": v.closed.isoformat(), "amount": v.amt},
        p=0.6 if not fail else 0.3,
    )
    r.call(
        "crm.update_deal_stage",
        args,
        {"deal_id": v.deal_id, "stage": stage, "previous_stage": "negotiation", "updated_at": ts(v.closed, r.rng)},
    )
    if fail:
        r.done(r.pick(f"Updated the {v.company} deal stage. 🎉", f"Done — {v.deal_id} has been moved forward."))
        r.thanks()
        return
    if r.st["verify"]:
        r.call("crm.get_deal", {"deal_id": v.deal_id}, deal_rec(v, "closed_won"))
    r.done(
        r.pick(
            (
                f"Congrats! {v.deal_id} ({v.dname}) is now **Closed Won** — {money(v.amt, v.cur)}, close "
                f"date {v.closed.isoformat()}."
            ),
            f"Done — the {v.company} deal is marked as won.",
            f"Moved {v.deal_id} from Negotiation to Closed Won.",
        )
    )
    if r.rng.random() < 0.4:
        r.thanks()


task(
    id="crm_deal_won",
    domain="com",
    desc="Mark a CRM deal as Closed Won",
    tools=["crm.get_deal | crm.search_deals", "crm.update_deal_stage(stage=closed_won)"],
    fail="silent: agent sets stage=contract_sent instead of closed_won; user thanks",
    runs=[
        "We won the {company} deal! Mark it closed-won.",
        "{company} signed today 🎉 please move the deal to Closed Won",
        "Can you update deal {deal_id} to won? Contract was signed {closedate} for {amount}.",
        "close out the {company} opportunity as won, final value {amount}",
        (
            "Good news — {contact} at {company} just sent back the signed order form. Please set the deal "
            "stage to closed won."
        ),
        "set {deal_id} -> closed won",
    ],
    queries=[
        "Mark the {company} opportunity as won, signed on {closedate}.",
        "{company} just closed, can you flag the deal as won in the CRM?",
        "deal {deal_id} is a win — update the stage please ({amount})",
    ],
    vals=v_deal,
    build=b_won,
)


def b_lost(r, c, v, fail):
    r.pre(f"Let me find the {v.company} deal.", "Looking up the deal first.")
    deal_lookup(r, v)
    if r.st["confirm"]:
        r.confirm(f"I'll set {v.deal_id} to Closed Lost with reason '{v.loss_code}' ({v.reason}).")
    args = A(
        r,
        {"deal_id": v.deal_id, "stage": "closed_lost", "loss_reason": v.loss_code},
        {"loss_details": v.reason, "close_date": v.closed.isoformat()},
        p=0.6,
    )
    if v.loss_code == "competitor" and r.rng.random() < 0.5:
        args["competitor"] = v.competitor
    if fail:
        r.call(
            "crm.update_deal_stage",
            args,
            {
                "error": "DEAL_LOCKED",
                "message": (
                    f"Deal {v.deal_id} has a pending discount approval (APR-{r.rng.randint(100, 999)}) and "
                    "cannot change stage until it is approved or withdrawn by Deal Desk."
                ),
            },
            err=True,
        )
        r.done(
            r.pick(
                (
                    f"I couldn't close it: {v.deal_id} is locked because there's a pending discount approval "
                    "with Deal Desk. The stage can't change until Deal Desk approves or withdraws it — "
                    "please ask them to withdraw the approval, then the deal can be marked lost."
                ),
                (
                    "The CRM rejected the update — the deal is locked by an open discount approval. I don't "
                    "have rights to withdraw approvals, so it's still in Negotiation."
                ),
            )
        )
        return
    r.call(
        "crm.update_deal_stage",
        args,
        {"deal_id": v.deal_id, "stage": "closed_lost", "previous_stage": "negotiation", "loss_reason": v.loss_code},
    )
    if r.st["verify"]:
        r.call("crm.get_deal", {"deal_id": v.deal_id}, {**deal_rec(v, "closed_lost"), "loss_reason": v.loss_code})
    r.done(
        r.pick(
            f'{v.deal_id} ({v.company}) is now Closed Lost, reason: {v.loss_code} — "{v.reason}".',
            f"Done, the {v.company} opportunity is closed as lost. Sorry about that one.",
            f"Marked as lost with reason '{v.loss_code}'.",
        )
    )
    if r.rng.random() < 0.4:
        r.thanks()


task(
    id="crm_deal_lost",
    domain="com",
    desc="Mark a CRM deal as Closed Lost with a loss reason",
    tools=["crm.get_deal | crm.search_deals", "crm.update_deal_stage(stage=closed_lost, loss_reason)"],
    fail="visible: update_deal_stage returns DEAL_LOCKED (pending approval); agent stops",
    runs=[
        "{company} went with {competitor}. Please mark the deal as lost.",
        "close the {company} opp as lost — reason: {reason}",
        "Bad news on {deal_id}: {reason}. Can you set it to closed lost?",
        "mark deal lost: {company}, {reason}",
        "Unfortunately {contact} at {company} told me {reason}. Let's close the opportunity out as lost.",
        "{deal_id} -> closed lost pls. Reason {reason}",
    ],
    queries=[
        "We lost {company} — {reason}. Update the deal accordingly.",
        "Please set opportunity {deal_id} to lost; {reason}.",
        "{company} deal is dead ({reason}), close it as lost",
    ],
    vals=v_deal,
    build=b_lost,
)


# 13/14 ----------------------------------------------------------------------------------------
REFUND_FULL_REASONS = [
    ("requested_by_customer", "the customer cancelled"),
    ("duplicate", "it was a duplicate charge"),
    ("requested_by_customer", "the order never shipped"),
    ("fraudulent", "the card owner didn't authorise it"),
]
REFUND_PART_REASONS = [
    "one item was returned",
    "shipping was overcharged",
    "goodwill credit for the late delivery",
    "one seat was cancelled",
    "the discount wasn't applied",
]


def v_refund(c):
    comp = c.company()
    p = cust_person(c, comp)
    cur = c.rng.choice(["USD", "USD", "EUR", "GBP", "CAD"])
    total = round(c.rng.uniform(39, 2400), 2)
    part = round(total * c.rng.choice([0.1, 0.15, 0.2, 0.25, 0.3, 0.5]), 0) or 10.0
    code, why = c.rng.choice(REFUND_FULL_REASONS)
    d = c.date()
    pr = c.rng.choice(REFUND_PART_REASONS)
    return Obj(
        p=p,
        full=p.full,
        first=p.first,
        email=p.email,
        company=comp,
        cur=cur,
        total=total,
        part_v=part,
        amount=money(total, cur),
        part=money(part, cur),
        inv=c.fresh(lambda: f"INV-{d.year}-{c.rng.randint(1000, 9999)}"),
        pid="pay_" + rid(c.rng, 14),
        cid=f"cus_{rid(c.rng, 10)}",
        rcode=code,
        reason=why if c.rng.random() < 0.5 else pr,
        reason_full=why,
        reason_part=pr,
        reasonCap=why[0].upper() + why[1:],
        preasonCap=pr[0].upper() + pr[1:],
        paid=d,
    )


def inv_rec(v, status="paid", refunded=0.0):
    return {
        "invoice_id": v.inv,
        "customer_id": v.cid,
        "customer_name": v.full,
        "customer_email": v.email,
        "company": v.company,
        "total": v.total,
        "currency": v.cur,
        "status": status,
        "payment_id": v.pid,
        "paid_at": v.paid.isoformat() + "T10:12:00Z",
        "amount_refunded": refunded,
    }


def b_refund(partial):
    def b(r, c, v, fail):
        r.pre(f"Let me pull up {v.inv}.", "Checking the invoice and its payment first.")
        r.call("billing.get_invoice", {"invoice_id": v.inv}, inv_rec(v))
        amt = v.part_v if partial else v.total
        if r.st["confirm"]:
            r.confirm(
                (
                    f"Invoice {v.inv} ({v.full}, {v.company}) was paid {money(v.total, v.cur)} via {v.pid}. "
                    f"I'll refund {money(amt, v.cur)}"
                )
                + ("" if partial else " (the full amount)")
                + "."
            )
        if partial:
            args = {"payment_id": v.pid}
            if not fail:
                args["amount"] = v.part_v
            args = A(
                r, args, {"reason": "requested_by_customer", "note": v.reason_part, "notify_customer": True}, p=0.6
            )
            got = v.total if fail else v.part_v
            r.call(
                "billing.refund_payment",
                args,
                {
                    "refund_id": "re_" + rid(r.rng, 14),
                    "payment_id": v.pid,
                    "amount": got,
                    "currency": v.cur,
                    "status": "succeeded",
                },
            )
            if r.st["verify"]:
                r.call(
                    "billing.get_invoice",
                    {"invoice_id": v.inv},
                    inv_rec(v, "refunded" if fail else "partially_refunded", got),
                )
            if fail:
                r.done(r.pick(f"Refund processed on {v.inv}.", f"Done — the refund for {v.inv} has gone through."))
                r.thanks()
                return
            r.done(
                r.pick(
                    (
                        f"Refunded **{money(v.part_v, v.cur)}** of {money(v.total, v.cur)} on {v.inv}. The "
                        "invoice is now partially refunded; the customer should see it in 5–10 business "
                        "days."
                    ),
                    f"Partial refund of {money(v.part_v, v.cur)} issued against {v.pid} ({v.inv}).",
                    f"Done. {v.full} gets {money(v.part_v, v.cur)} back; the rest of the invoice stays paid.",
                )
            )
        else:
            args = A(r, {"payment_id": v.pid}, {"reason": v.rcode, "notify_customer": True, "amount": v.total}, p=0.5)
            if v.get("secret"):
                args["api_key"] = v.secret
            if fail:
                r.call(
                    "billing.refund_payment",
                    args,
                    {
                        "error": {
                            "type": "invalid_request_error",
                            "code": "charge_expired_for_refund",
                            "message": (
                                f"Payment {v.pid} was captured {r.rng.randint(181, 400)} days ago; refunds "
                                "are only possible within 180 days of capture."
                            ),
                        }
                    },
                    err=True,
                )
                r.done(
                    r.pick(
                        (
                            f"The refund failed: {v.pid} is older than the 180-day refund window, so the "
                            "payment processor won't allow it. I can't get around that — Finance would need "
                            "to issue a credit note or pay the customer back by bank transfer."
                        ),
                        (
                            f"I wasn't able to refund {v.inv}. The processor says the charge is too old "
                            "(over 180 days). You'll need Finance to handle this manually."
                        ),
                    )
                )
                return
            r.call(
                "billing.refund_payment",
                args,
                {
                    "refund_id": "re_" + rid(r.rng, 14),
                    "payment_id": v.pid,
                    "amount": v.total,
                    "currency": v.cur,
                    "status": "succeeded",
                },
            )
            if r.st["verify"]:
                r.call("billing.get_invoice", {"invoice_id": v.inv}, inv_rec(v, "refunded", v.total))
            r.done(
                r.pick(
                    (
                        f"Full refund of **{money(v.total, v.cur)}** issued for {v.inv} (refund to the "
                        "original payment method). The invoice is now marked refunded."
                    ),
                    f"Done — {v.full} has been refunded the entire {money(v.total, v.cur)}.",
                    f"{v.inv} refunded in full.",
                )
            )
        if r.rng.random() < 0.4:
            r.thanks()

    return b


task(
    id="billing_refund_full",
    domain="com",
    desc="Refund an invoice's payment in full",
    tools=["billing.get_invoice", "billing.refund_payment (no amount or amount=total)"],
    fail="visible: refund_payment error charge_expired_for_refund (>180 days); agent stops",
    runs=[
        "Please refund invoice {inv} in full, the customer cancelled.",
        "full refund for {full} on {inv}",
        "{full} from {company} was double-charged — invoice {inv}. Can you refund the whole amount?",
        "Refund the entire {amount} payment on {inv}, reason: {reason_full}.",
        "customer {email} wants their money back for {inv}, give them a full refund",
        "Hi, can you process a complete refund of invoice {inv}? {reasonCap}.",
    ],
    queries=[
        "Issue a 100% refund on {inv} for {full}.",
        "{email} should get the full {amount} back for invoice {inv}.",
        "Reverse the whole charge on {inv} please — {reason_full}.",
    ],
    vals=v_refund,
    build=b_refund(False),
    secret_field="secret",
    secret_fn=lambda rng: "sk_live_" + rid(rng, 32),
)

task(
    id="billing_refund_partial",
    domain="com",
    desc="Refund part of an invoice's payment (specific amount)",
    tools=["billing.get_invoice", "billing.refund_payment(amount=partial)"],
    fail="silent: agent omits amount so the whole payment is refunded; user thanks",
    runs=[
        "Refund {part} of invoice {inv} — {reason_part}.",
        "partial refund {part} on {inv} pls",
        "{full} returned one of the items from invoice {inv}. Please refund just that item, {part}.",
        "Can you give {email} {part} back on invoice {inv}? {preasonCap}. Not the full amount, just that.",
        "Issue a partial refund of {part} against {inv} ({reason_part}).",
        "we owe {full} {part} for {reason_part}, refund it from {inv}",
    ],
    queries=[
        "Refund only {part} from {inv}; {reason_part}.",
        "{full} should get {part} back (not the whole invoice) on {inv}.",
        "please partially refund invoice {inv}: {part}, reason {reason_part}",
    ],
    vals=v_refund,
    build=b_refund(True),
)


# 15 ------------------------------------------------------------------------------------------
def v_unpaid(c):
    comp = c.company()
    p = cust_person(c, comp)
    return Obj(
        company=comp,
        contact=p.full,
        p=p,
        acc=f"ACC-{c.rng.randint(1000, 9999)}",
        cur=c.rng.choice(["USD", "EUR", "GBP"]),
        today=c.date(dt.date(2024, 3, 1), 560),
    )


def b_unpaid(r, c, v, fail):
    r.pre(f"Let me find {v.company}'s account.", "First I'll look up the customer.")
    r.call(
        "crm.search_contacts",
        A(r, {"query": v.company}, {"limit": 10}, p=0.3),
        {"results": [contact_rec(v.p, v.company, f"C-{r.rng.randint(10000, 99999)}", v.acc)], "total": 1},
    )
    n_un = r.rng.randint(1, 4)
    n_pd = r.rng.randint(2, 4)
    invs = []
    for i in range(n_un + n_pd):
        d = v.today - dt.timedelta(days=r.rng.randint(5, 150))
        amt = round(r.rng.uniform(180, 9800), 2)
        st = "unpaid" if i < n_un else "paid"
        invs.append(
            {
                "invoice_id": f"INV-{d.year}-{r.rng.randint(1000, 9999)}",
                "issued": d.isoformat(),
                "due": (d + dt.timedelta(days=30)).isoformat(),
                "total": amt,
                "currency": v.cur,
                "status": st,
                "amount_due": amt if st == "unpaid" else 0.0,
            }
        )
    unpaid = [i for i in invs if i["status"] == "unpaid"]
    if fail:
        r.call("billing.list_invoices", {"customer_id": v.acc}, {"invoices": invs, "count": len(invs)})
        tot = sum(i["total"] for i in invs)
        lines = "\n".join(f"- {i['invoice_id']} — {money(i['total'], v.cur)} (issued {i['issued']})" for i in invs)
        r.done(f"Here are {v.company}'s invoices:\n{lines}\n\n**Total outstanding: {money(tot, v.cur)}**")
        r.thanks()
        return
    r.call(
        "billing.list_invoices",
        A(r, {"customer_id": v.acc, "status": "unpaid"}, {"limit": 50}, p=0.3),
        {"invoices": unpaid, "count": len(unpaid)},
    )
    tot = sum(i["amount_due"] for i in unpaid)
    lines = "\n".join(
        (
            f"- {i['invoice_id']} — {money(i['amount_due'], v.cur)} (due "
            f"{i['due']}{', overdue' if dt.date.fromisoformat(i['due']) < v.today else ''})"
        )
        for i in unpaid
    )
    r.done(
        r.pick(
            (
                f"{v.company} has {len(unpaid)} unpaid "
                f"invoice{'s' if len(unpaid) > 1 else ''}:\n{lines}\n\n**Total: {money(tot, v.cur)}**"
            ),
            f"Unpaid invoices for {v.company} ({v.acc}):\n{lines}\nTotal owed: {money(tot, v.cur)}.",
        )
    )
    if r.rng.random() < 0.4:
        r.thanks()


task(
    id="billing_unpaid_total",
    domain="com",
    desc="List a customer's unpaid invoices and total them (read-only)",
    tools=["crm.search_contacts", "billing.list_invoices(status=unpaid)"],
    fail="silent: agent lists invoices without status filter and totals paid+unpaid; user thanks",
    runs=[
        "List the unpaid invoices for {company} and give me the total.",
        "how much does {company} owe us? unpaid invoices + total pls",
        (
            "I'm about to call {contact} at {company} about their account. Can you pull up all their "
            "outstanding invoices and sum them up?"
        ),
        "outstanding balance for {company}?",
        "Which invoices from {company} are still unpaid, and what's the total?",
        "Need a quick AR check: open invoices for {company}, total amount.",
    ],
    queries=[
        "What's the total of {company}'s open invoices? List them too.",
        "give me every unpaid bill for {company} with a sum",
        "Before my meeting with {company}: which of their invoices haven't been paid and how much is that altogether?",
    ],
    vals=v_unpaid,
    build=b_unpaid,
)


# 16/17/18 -------------------------------------------------------------------------------------
CAMPAIGNS = [
    "Spring",
    "Summer",
    "Black Friday",
    "Newsletter",
    "Back to School",
    "Cyber Week",
    "VIP",
    "Welcome",
    "Flash",
    "Holiday",
    "Anniversary",
    "Weekend",
]


def v_code(c):
    camp = c.rng.choice(CAMPAIGNS)
    pct = c.rng.choice([10, 15, 20, 25, 30, 40])
    code = c.fresh(
        lambda: (
            (slug(camp).upper()[:10] + c.rng.choice(["", "", str(c.rng.randint(24, 26))]) + str(pct))
            if c.rng.random() < 0.6
            else (
                c.rng.choice(["SAVE", "TAKE", "GET", "HELLO", "THANKS"])
                + str(pct)
                + c.rng.choice(["", "NOW", "OFF", "X"])
            )
        )
    )
    exp = c.date()
    return Obj(
        code=code,
        pct=pct,
        exp=hdate(exp, c.rng.randrange(5)),
        expd=exp,
        limit=c.rng.choice([100, 250, 500, 1000, 5000]),
        campaign=camp,
        dcid="dc_" + rid(c.rng, 10),
    )


def code_rec(v, active=True, code=None, exp=None, used=None):
    return {
        "id": v.dcid if code is None else "dc_" + slug(code)[:10],
        "code": code or v.code,
        "type": "percentage",
        "value": v.pct,
        "active": active,
        "expires_at": (exp or (v.expd - dt.timedelta(days=20))).isoformat() + "T23:59:59Z",
        "times_used": used if used is not None else random.Random(v.code).randint(3, v.limit - 1),
        "usage_limit": v.limit,
    }


def b_create_code(r, c, v, fail):
    if r.st["extra"]:
        r.pre(f"Checking {v.code} isn't already taken.", "Let me make sure the code doesn't exist yet.")
        r.call(
            "shop.get_discount_code",
            {"code": v.code},
            {"error": "not_found", "message": f"No discount code '{v.code}'"},
            err=True,
        )
    typ = "fixed_amount" if fail else "percentage"
    args = A(
        r,
        {"code": v.code, "type": typ, "value": v.pct, "expires_at": v.expd.isoformat() + "T23:59:59Z"},
        {"usage_limit": v.limit, "applies_to": "all_products", "once_per_customer": True},
        p=0.4,
    )
    if "{limit}" in v._tpl:
        args["usage_limit"] = v.limit
    r.call(
        "shop.create_discount_code",
        args,
        {
            "id": v.dcid,
            "code": v.code,
            "type": typ,
            "value": v.pct,
            "active": True,
            "expires_at": args["expires_at"],
            "usage_limit": args.get("usage_limit"),
        },
    )
    if fail:
        r.done(
            r.pick(
                f"Created **{v.code}** — valid until {v.expd.isoformat()}.",
                f"Done! Code {v.code} is live and expires {v.exp}.",
            )
        )
        r.thanks()
        return
    r.done(
        r.pick(
            f"Created **{v.code}**: {v.pct}% off, active now, expires {v.expd.isoformat()} 23:59 UTC"
            + (f", max {args['usage_limit']} uses." if args.get("usage_limit") else "."),
            f"Done — {v.code} gives {v.pct}% off and stops working after {v.exp}.",
            f"The discount code {v.code} ({v.pct}% off) is live.",
        )
    )
    if r.rng.random() < 0.4:
        r.thanks()


task(
    id="shop_create_discount",
    domain="com",
    desc="Create a percentage discount code with an expiry",
    tools=["shop.get_discount_code (existence check, sometimes)", "shop.create_discount_code(type=percentage)"],
    fail="silent: agent creates type=fixed_amount (e.g. $20 off instead of 20%); user thanks",
    runs=[
        "Create a discount code {code} for {pct}% off, valid until {exp}.",
        "new promo code {code}: {pct}% off, expires {exp}, max {limit} uses",
        (
            "We're running a {campaign} promo next week. Can you set up a code {code} that gives {pct} "
            "percent off everything? Should stop working after {exp}."
        ),
        "make a {pct}% coupon called {code} (ends {exp})",
        "Please add discount code {code} — {pct}% off orders, expiring {exp}, limit {limit} redemptions.",
        "set up {code} for {pct} pct off till {exp}",
    ],
    queries=[
        "I need a coupon {code} worth {pct}% off that expires {exp}.",
        "Could you generate promo code {code} ({pct} percent discount) valid through {exp}?",
        "add a {pct}%-off code named {code}, good until {exp}",
    ],
    vals=v_code,
    build=b_create_code,
)


def b_disable_code(r, c, v, fail):
    r.pre(f"Let me look up {v.code}.", "Finding the code first.")
    r.call("shop.get_discount_code", {"code": v.code}, code_rec(v))
    if r.st["confirm"]:
        r.confirm(f"{v.code} is active and has been used {code_rec(v)['times_used']} times. I'll deactivate it now.")
    key = r.pick("code", "id")
    r.call(
        "shop.update_discount_code",
        A(r, {key: v.code if key == "code" else v.dcid, "active": False}),
        {**code_rec(v, active=False), "updated_at": "now"},
    )
    if r.st["verify"] and not fail:
        r.call("shop.get_discount_code", {"code": v.code}, code_rec(v, active=False))
    r.done(
        r.pick(
            f"**{v.code}** is now inactive — it can no longer be redeemed.",
            f"Done, {v.code} has been switched off.",
            f"Deactivated {v.code}. Existing orders that used it aren't affected.",
        )
    )
    if fail:
        r.user(
            r.pick(
                f"Customers are still able to use {v.code} at checkout, I just tested it on the storefront.",
                f"hmm it didn't work, {v.code} still applies the discount on the site",
            )
        )
        r.call("shop.get_discount_code", {"code": v.code}, code_rec(v, active=False))
        r.done(
            r.pick(
                (
                    "On our side the code shows as inactive, so the storefront seems to be using a cached or "
                    "separate copy of the promotion. I don't have access to the storefront's cache or "
                    "promotions engine — please contact the platform team to purge it."
                ),
                (
                    "The admin API says it's deactivated, yet checkout still honours it — that's outside "
                    "what I can control from here. I'd raise it with e-commerce platform support."
                ),
            )
        )
        return
    if r.rng.random() < 0.4:
        r.thanks()


task(
    id="shop_disable_discount",
    domain="com",
    desc="Deactivate an existing discount code",
    tools=["shop.get_discount_code", "shop.update_discount_code(active=false)"],
    fail="visible: user says the code still works at checkout; agent can't fix",
    runs=[
        "Deactivate the discount code {code}.",
        "kill {code}, it's been leaked on a coupon site",
        "The {campaign} promo is over — please turn off code {code} so nobody can use it anymore.",
        "disable promo {code} pls",
        "Can you switch off {code}? We're seeing abuse.",
        "Please make {code} inactive.",
    ],
    queries=[
        "Turn off coupon {code} immediately.",
        "{code} shouldn't work anymore — deactivate it please.",
        "stop the {code} discount from being redeemable",
    ],
    vals=v_code,
    build=b_disable_code,
)


def b_extend_code(r, c, v, fail):
    wrong = None
    if fail:
        m = v.code.rstrip("0123456789")
        wrong = m + str(v.pct + r.rng.choice([5, 10]))
        r.call(
            "shop.list_discount_codes",
            {"search": m, "active": True},
            {"codes": [code_rec(v, code=wrong, used=40), code_rec(v)], "count": 2},
        )
        target = wrong
    else:
        r.pre(f"Let me check the current expiry of {v.code}.", "Looking up the code.")
        r.call("shop.get_discount_code", {"code": v.code}, code_rec(v))
        target = v.code
    if r.st["confirm"] and not fail:
        r.confirm(
            f"{v.code} currently expires {code_rec(v)['expires_at'][:10]}. I'll change it to {v.expd.isoformat()}."
        )
    r.call(
        "shop.update_discount_code",
        A(r, {"code": target, "expires_at": v.expd.isoformat() + "T23:59:59Z"}),
        {**code_rec(v, code=target, exp=v.expd), "updated_at": "now"},
    )
    r.done(
        r.pick(
            f"Extended — **{target if not fail else v.code}** now runs until {v.expd.isoformat()} 23:59 UTC.",
            f"Done, the code now expires on {v.exp}.",
        )
    )
    if fail or r.rng.random() < 0.4:
        r.thanks()


task(
    id="shop_extend_discount",
    domain="com",
    desc="Extend the expiry date of an existing discount code",
    tools=["shop.get_discount_code", "shop.update_discount_code(expires_at)"],
    fail="silent: agent searches by prefix and extends a similarly named wrong code; user thanks",
    runs=[
        "Extend {code} until {exp}.",
        "can we push the expiry of {code} to {exp}?",
        (
            "The {campaign} sale is doing well so we're keeping it going. Please extend the discount code "
            "{code} through {exp}."
        ),
        "{code} should now expire {exp} instead",
        "Change the end date of promo code {code} to {exp}, please.",
        "keep {code} alive till {exp}",
    ],
    queries=[
        "Move the expiration of coupon {code} out to {exp}.",
        "Please prolong {code} so it works until {exp}.",
        "{code} needs a new end date: {exp}",
    ],
    vals=v_code,
    build=b_extend_code,
)


# 19 ------------------------------------------------------------------------------------------
def v_restock(c):
    name, pre = c.rng.choice(PRODUCTS)
    sku = c.fresh(
        lambda: (
            f"{pre}-{c.rng.choice(['BLK', 'NAV', 'GRN', 'RED', 'S', 'M', 'L', 'XL', '01', '02'])}"
            f"-{c.rng.randint(100, 999)}"
        )
    )
    return Obj(
        sku=sku,
        product=name,
        qty=c.rng.choice([12, 24, 36, 48, 50, 60, 72, 100, 120, 144, 200, 250, 500]),
        wh=c.rng.choice(WAREHOUSES),
        onhand=c.rng.randint(0, 80),
    )


def b_restock(r, c, v, fail):
    wh = v.wh
    if r.st["extra"] or "{wh}" not in v._tpl:
        r.pre(
            f"Let me check current stock for {v.sku}."
            if "{sku}" in v._tpl
            else f"Let me find {v.product} in the catalog.",
            "Checking the product first.",
        )
        others = [w for w in WAREHOUSES if w != wh]
        inv = [{"warehouse": wh, "on_hand": v.onhand, "reserved": r.rng.randint(0, 5)}] + [
            {"warehouse": w, "on_hand": r.rng.randint(0, 300), "reserved": 0}
            for w in r.rng.sample(others, r.rng.randint(0, 2))
        ]
        r.rng.shuffle(inv)
        if "{sku}" in v._tpl:
            r.call("shop.get_product", {"sku": v.sku}, {"sku": v.sku, "name": v.product, "inventory": inv})
        else:
            r.call(
                "shop.search_products",
                {"query": v.product},
                {"results": [{"sku": v.sku, "name": v.product, "inventory": inv}]},
            )
        if "{wh}" not in v._tpl and len(inv) > 1:
            r.done(
                f"{v.product} ({v.sku}) is stocked in {', '.join(i['warehouse'] for i in inv)}. Which "
                f"warehouse received the {v.qty} units?"
            )
            r.user(r.pick(wh, f"{wh}", f"the {wh} one"))
    if fail:
        args = A(r, {"sku": v.sku, "warehouse": wh, "set_quantity": v.qty}, {"reason": "restock"}, p=0.7)
        r.call(
            "shop.update_inventory",
            args,
            {"sku": v.sku, "warehouse": wh, "previous_on_hand": v.onhand, "on_hand": v.qty},
        )
        r.done(
            r.pick(
                f"Inventory updated: {v.sku} at {wh} is now {v.qty} units.",
                f"Done — stock for {v.product} set at {wh}.",
            )
        )
        r.thanks()
        return
    args = A(
        r,
        {"sku": v.sku, "warehouse": wh, "adjustment": v.qty},
        {"reason": "restock", "reference": f"PO-{r.rng.randint(10000, 99999)}"},
        p=0.6,
    )
    r.call(
        "shop.update_inventory",
        args,
        {"sku": v.sku, "warehouse": wh, "previous_on_hand": v.onhand, "on_hand": v.onhand + v.qty},
    )
    r.done(
        r.pick(
            f"Added {v.qty} units of {v.sku} at {wh}: on-hand went from {v.onhand} to **{v.onhand + v.qty}**.",
            f"Done — {v.product} stock in {wh} is now {v.onhand + v.qty} (+{v.qty}).",
            f"Restock recorded ({v.sku}, +{v.qty}, {wh}).",
        )
    )
    if r.rng.random() < 0.4:
        r.thanks()


task(
    id="shop_restock",
    domain="com",
    desc="Add received units to a SKU's inventory at a warehouse (relative adjustment)",
    tools=["shop.get_product | shop.search_products (sometimes)", "shop.update_inventory(adjustment=+N)"],
    fail="silent: agent uses set_quantity=N (overwrites stock) instead of adjustment; user thanks",
    runs=[
        "We received {qty} more units of {sku}, please add them to stock in {wh}.",
        "restock {product} ({sku}) +{qty} at {wh}",
        "A delivery just arrived at the {wh} warehouse — {qty} x {product}. Can you update inventory?",
        "add {qty} to inventory for SKU {sku}",
        "Please increase stock of {sku} by {qty} units ({wh}).",
        "got {qty} {product} in from the supplier, bump the count",
    ],
    queries=[
        "Add {qty} units of {product} ({sku}) to the {wh} inventory.",
        "Shipment in: {qty} pcs of {sku} at {wh}, please receive them into stock.",
        "increase on-hand for {sku} by {qty}",
    ],
    vals=v_restock,
    build=b_restock,
)


# 20 ------------------------------------------------------------------------------------------
def v_invdeal(c):
    comp = c.company()
    p = cust_person(c, comp)
    lines = c.rng.sample(SAAS_LINES, c.rng.randint(1, 3))
    items = [
        {
            "description": n,
            "quantity": 1 if "seat" not in n.lower() else c.rng.choice([5, 10, 20]),
            "unit_price": float(c.rng.randrange(lo, hi, 50))
            if "seat" not in n.lower()
            else float(c.rng.choice([120, 240, 360])),
        }
        for n, lo, hi in lines
    ]
    return Obj(
        company=comp,
        p=p,
        email=p.email,
        contact=p.full,
        deal_id=c.fresh(lambda: f"DL-{c.rng.randint(10000, 99999)}"),
        litems=items,
        cur=c.rng.choice(["USD", "EUR", "GBP"]),
        terms=c.rng.choice([14, 30, 30, 45, 60]),
        acc=f"ACC-{c.rng.randint(1000, 9999)}",
        cid=f"C-{c.rng.randint(10000, 99999)}",
        d=c.date(),
    )


def b_invdeal(r, c, v, fail):
    total = sum(i["quantity"] * i["unit_price"] for i in v.litems)
    r.pre("I'll pull the deal details first.", f"Let me look at {v.deal_id}.")
    r.call(
        "crm.get_deal",
        {"deal_id": v.deal_id},
        {
            "deal_id": v.deal_id,
            "name": f"{v.company} – New subscription",
            "account_id": v.acc,
            "account": v.company,
            "stage": "closed_won",
            "currency": v.cur,
            "amount": total,
            "line_items": v.litems,
            "primary_contact_id": v.cid,
        },
    )
    if "{email}" not in v._tpl or r.rng.random() < 0.4:
        r.call(
            "crm.get_contact",
            {"contact_id": v.cid},
            {**contact_rec(v.p, v.company, v.cid, v.acc), "role": "Accounts Payable"},
        )
    args = A(
        r,
        {"customer_id": v.acc, "currency": v.cur, "line_items": v.litems, "due_in_days": v.terms},
        {"reference": v.deal_id, "memo": f"Per order form for {v.deal_id}"},
        p=0.6,
    )
    if fail:
        r.call(
            "billing.create_invoice",
            args,
            {
                "error": "MISSING_BILLING_PROFILE",
                "message": (
                    f"Customer {v.acc} has no billing address or tax ID on file; invoices cannot be issued "
                    "until the billing profile is completed."
                ),
            },
            err=True,
        )
        r.done(
            r.pick(
                (
                    f"I couldn't create the invoice: {v.company} ({v.acc}) has no billing profile (billing "
                    "address / tax ID) in the billing system, so invoices can't be issued yet. Someone will "
                    f"need to collect those details from {v.contact} and complete the profile first — "
                    "nothing was sent."
                ),
                (
                    "Invoice creation failed — the billing system requires a billing address and tax ID for "
                    f"{v.company}, which are missing. I don't have those details, so I stopped here."
                ),
            )
        )
        return
    inv = f"INV-{v.d.year}-{r.rng.randint(1000, 9999)}"
    r.call(
        "billing.create_invoice",
        args,
        {
            "invoice_id": inv,
            "status": "draft",
            "total": total,
            "currency": v.cur,
            "due_date": (v.d + dt.timedelta(days=v.terms)).isoformat(),
        },
    )
    r.call(
        "billing.send_invoice",
        A(r, {"invoice_id": inv, "to": [v.email]}, {"cc": [], "message": "Thank you for your business!"}, p=0.3),
        {"invoice_id": inv, "status": "sent", "sent_to": [v.email], "sent_at": ts(v.d, r.rng)},
    )
    if r.rng.random() < 0.6:
        r.call(
            "crm.add_note",
            {"deal_id": v.deal_id, "body": f"Invoice {inv} ({money(total, v.cur)}, net {v.terms}) sent to {v.email}."},
            {"note_id": f"N-{r.rng.randint(100000, 999999)}", "created": True},
        )
    r.done(
        r.pick(
            (
                f"Invoice **{inv}** for {v.company} created ({money(total, v.cur)}, net {v.terms}) and "
                f"emailed to {v.contact} <{v.email}>."
            ),
            (
                f"Done:\n1. Created {inv} from {v.deal_id} — {len(v.litems)} line item(s), total "
                f"{money(total, v.cur)}\n2. Sent to {v.email}\nDue "
                f"{(v.d + dt.timedelta(days=v.terms)).isoformat()}."
            ),
        )
    )
    if r.rng.random() < 0.4:
        r.thanks()


task(
    id="billing_invoice_from_deal",
    domain="com",
    desc="Multi-step: create an invoice from a won CRM deal, send it, log a note",
    tools=[
        "crm.get_deal",
        "crm.get_contact (often)",
        "billing.create_invoice",
        "billing.send_invoice",
        "crm.add_note (often)",
    ],
    fail="visible: create_invoice returns MISSING_BILLING_PROFILE; agent stops",
    runs=[
        "Please invoice {company} for deal {deal_id} and email it to {contact}.",
        "{deal_id} is signed — create the invoice from the deal and send it to the billing contact. Net {terms}.",
        (
            "Can you bill {company}? The deal {deal_id} closed last week. Send the invoice to {email} and "
            "note it on the deal."
        ),
        "invoice + send for {company} ({deal_id}), {terms} day terms",
        (
            "Hi! Finance asked me to get the invoice out for {company}'s new subscription (deal {deal_id}). "
            "Please create it and send it to their AP contact."
        ),
        "Generate the invoice for opportunity {deal_id} and send to {email}",
    ],
    queries=[
        "Raise an invoice for {company} based on deal {deal_id} and send it to {email}.",
        "Bill the {deal_id} deal ({company}), net {terms}, and email it to the customer.",
        "could you make the invoice for {company}'s signed deal {deal_id} and mail it out",
    ],
    vals=v_invdeal,
    build=b_invdeal,
)


# 21 ------------------------------------------------------------------------------------------
def b_chargeback(r, c, v, fail):
    dsp = "dp_" + rid(r.rng, 12)
    due = v.paid + dt.timedelta(days=r.rng.randint(40, 70))
    rec = {
        **inv_rec(v, "disputed"),
        "dispute": {
            "id": dsp,
            "reason": r.pick("fraudulent", "product_not_received", "subscription_canceled"),
            "amount": v.total,
            "status": "needs_response",
            "evidence_due_by": due.isoformat(),
        },
    }
    r.pre(f"Let me look at {v.inv}.", "Checking the invoice and dispute status.")
    r.call("billing.get_invoice", {"invoice_id": v.inv}, rec)
    if fail:
        r.call(
            "billing.refund_payment",
            A(r, {"payment_id": v.pid}, {"reason": "requested_by_customer", "amount": v.total}),
            {
                "refund_id": "re_" + rid(r.rng, 14),
                "payment_id": v.pid,
                "amount": v.total,
                "currency": v.cur,
                "status": "succeeded",
            },
        )
        r.done(
            r.pick(
                (
                    f"I refunded the disputed payment on {v.inv} ({money(v.total, v.cur)}), so the customer "
                    "has their money back and the dispute should close."
                ),
                f"Done — refunded {money(v.total, v.cur)} on {v.inv} to resolve it.",
            )
        )
        r.thanks()
        return
    why = r.pick(
        (
            "Disputes have to be answered by the Payments Risk team — I can't submit evidence to the card "
            "network, and refunding a disputed payment would return the money twice (the bank has already "
            f"pulled {money(v.total, v.cur)})."
        ),
        (
            "I can't respond to chargebacks myself; disputes are handled by Payments Risk. Also, don't "
            "refund it — the funds are already withdrawn by the dispute, so a refund would pay the customer "
            "twice."
        ),
    )
    if r.st["confirm"]:
        r.say(f"{v.inv} has an open dispute {dsp} ({rec['dispute']['reason']}), evidence due {due.isoformat()}. " + why)
        r.confirm("I can open a high-priority ticket for Payments Risk with the details. Want me to?")
    r.call(
        "support.create_ticket",
        A(
            r,
            {
                "queue": "payments-disputes",
                "subject": f"Chargeback on {v.inv} ({v.company})",
                "body": (
                    f"Dispute {dsp} on payment {v.pid}, amount {money(v.total, v.cur)}, reason "
                    f"{rec['dispute']['reason']}, evidence due {due.isoformat()}."
                ),
                "priority": "high",
            },
            {"related_id": dsp},
            p=0.6,
        ),
        {"ticket_id": f"PAY-{r.rng.randint(1000, 9999)}", "queue": "payments-disputes", "status": "open"},
    )
    r.done(
        ("" if r.st["confirm"] else why + " ")
        + r.pick(
            (
                "I've opened a high-priority ticket with Payments Risk including the dispute details and "
                f"the {due.isoformat()} evidence deadline. If you have the signed contract or delivery "
                "proof, attach it to that ticket."
            ),
            (
                "Ticket created for the disputes team; they'll prepare the evidence submission. Please send "
                "them any contract or proof of delivery you have."
            ),
        )
    )
    if r.rng.random() < 0.3:
        r.thanks()


task(
    id="billing_chargeback_handoff",
    domain="com",
    desc="Customer chargeback/dispute: agent hands off to payments-disputes team (ticket), does not refund",
    tools=["billing.get_invoice", "support.create_ticket(queue=payments-disputes)"],
    fail="silent: agent refunds the disputed payment (double refund); user thanks",
    runs=[
        "{company} filed a chargeback on {inv}. Can you respond to the dispute and tell the bank it's legit?",
        "customer disputed {inv} with their bank — pls handle it",
        (
            "Got an email from Stripe saying {full} opened a dispute for {amount} (invoice {inv}). We have "
            "the signed contract. Can you fight it?"
        ),
        "can you just refund the disputed payment on {inv} so it goes away?",
        "Please submit evidence for the chargeback on invoice {inv}.",
        "There's a dispute on {inv} ({company}). What do we do? Can you take care of it?",
    ],
    queries=[
        "Contest the chargeback {company} raised against {inv}.",
        "{full}'s bank reversed the payment for {inv} — deal with the dispute please.",
        "handle the card dispute on invoice {inv} for me",
    ],
    vals=v_refund,
    build=b_chargeback,
)


# 22 ------------------------------------------------------------------------------------------
SEGMENTS = ["the EU region", "the Enterprise tier", "the 'annual plan' segment", "Canada", "the wholesale accounts"]


def v_cards(c):
    comp = c.company()
    p = cust_person(c, comp)
    return Obj(company=comp, p=p, full=p.full, segment=c.rng.choice(SEGMENTS), cid=f"cus_{rid(c.rng, 10)}")


def b_cards(r, c, v, fail):
    if fail:
        r.call(
            "billing.export_customers",
            A(
                r,
                {"fields": ["name", "email", "card_number", "card_exp", "card_cvc"]},
                {"segment": v.segment, "format": "csv"},
                p=0.6,
            ),
            {
                "error": "FORBIDDEN_FIELD",
                "message": (
                    "Fields card_number, card_cvc are not exportable (PCI DSS scope). Only card_brand and "
                    "card_last4 are available."
                ),
            },
            err=True,
        )
        r.done(
            "I tried to export the card data but the billing system blocked it — full card numbers and "
            "CVCs can't be exported. I can only get brand and last 4 digits."
        )
        return
    refuse = r.pick(
        (
            "I can't do that. Full card numbers (and CVCs) are never exposed — we only store them tokenised "
            "with the payment processor, and sharing them would violate PCI DSS."
        ),
        (
            "Sorry, I won't export raw card numbers. Under PCI DSS, full PANs and CVVs must never leave the "
            "payment processor's vault, and the billing system only exposes the brand and last four digits."
        ),
        (
            "That's not something I can help with: unmasked card data is off-limits (PCI DSS), and no tool "
            "here can return it."
        ),
    )
    if r.rng.random() < 0.4 and "{full}" in v._tpl:
        r.call(
            "billing.list_payment_methods",
            {"customer_id": v.cid},
            {
                "payment_methods": [
                    {
                        "id": "pm_" + rid(r.rng, 10),
                        "brand": r.pick("visa", "mastercard", "amex"),
                        "last4": f"{r.rng.randint(0, 9999):04d}",
                        "exp_month": r.rng.randint(1, 12),
                        "exp_year": r.rng.randint(2025, 2030),
                    }
                ]
            },
        )
        refuse += (
            " I can see they have a card on file ending in the last four digits shown in the system, which "
            "you can share with them."
        )
    alt = r.pick(
        (
            " If you're migrating payment providers, the processor can do a secure PCI-compliant card data "
            "migration directly to the new provider — Finance/Payments can request that."
        ),
        (
            " For retrying failed charges, use the dunning/retry feature in billing instead; it charges the "
            "stored token without anyone seeing the number."
        ),
        " If you need a report, I can export brand + last4 + expiry month/year, which is safe to share.",
    )
    r.done(refuse + alt)
    if r.rng.random() < 0.2:
        r.user("ok fair enough")
        r.done("Let me know if you want the masked export instead.")


task(
    id="billing_card_export_refusal",
    domain="com",
    desc="Request for full card numbers/CVVs: agent refuses (PCI) and offers safe alternative",
    tools=["(none) | billing.list_payment_methods (masked, sometimes)"],
    fail="visible: agent attempts billing.export_customers with card_number fields; tool returns FORBIDDEN_FIELD",
    runs=[
        "Export the full card numbers for all customers in {segment} to a CSV.",
        "I need the complete credit card numbers and CVVs for {company}'s account, can you pull them?",
        "give me every customer's card number + expiry, finance wants to re-run failed charges manually",
        "Can you dump the stored payment cards (full PAN) for our top 50 customers?",
        "Our new payment provider needs us to send them the raw card numbers. Please export all saved cards.",
        "what's the full card number {full} has on file? they're asking",
    ],
    queries=[
        "Send me a spreadsheet of all saved customer credit card numbers with expiry dates.",
        "Pull the unmasked card details for {company} please.",
        "I need raw PANs for every subscriber in {segment}, export them",
    ],
    vals=v_cards,
    build=b_cards,
)


# ============================== CLOUD / DATA OPS ==============================================
def v_bucket(c):
    org = c.rng.choice(ORGS)
    b = c.fresh(
        lambda: (
            f"{org}-{c.rng.choice(BUCKET_PURPOSES)}-{c.rng.choice(['prod', 'staging', 'eu', 'us-east-1', 'shared'])}"
        )
    )
    return Obj(
        bucket=b,
        org=org,
        days=c.rng.choice([30, 45, 60, 90, 90, 120, 180, 365]),
        prefix=c.rng.choice(["logs/", "raw/", "exports/", "tmp/", "events/"]),
    )


def buckets_list(r, v):
    others = [
        f"{v.org}-{p}-{e}" for p, e in zip(r.rng.sample(BUCKET_PURPOSES, 3), ["prod", "dev", "staging"], strict=False)
    ]
    allb = sorted({*others, v.bucket})
    return {
        "buckets": [
            {
                "name": b,
                "region": r.pick("us-east-1", "eu-west-1"),
                "created": f"2022-05-1{r.rng.randint(0, 9)}T10:00:00Z",
            }
            for b in allb
        ]
    }


# 23 ------------------------------------------------------------------------------------------
def b_lifecycle(r, c, v, fail):
    if r.st["extra"]:
        r.call("storage.list_buckets", A(r, {}, {"prefix": v.org}, p=0.6), buckets_list(r, v))
    existing = []
    if r.rng.random() < 0.6:
        if r.rng.random() < 0.4:
            existing = [
                {
                    "id": "abort-mpu-7d",
                    "status": "Enabled",
                    "filter": {"prefix": ""},
                    "abort_incomplete_multipart_upload_days": 7,
                }
            ]
        r.call("storage.get_lifecycle", {"bucket": v.bucket}, {"bucket": v.bucket, "rules": existing})
    pfx = v.prefix if "{prefix}" in v._tpl else ""
    if fail:
        rule = {
            "id": f"expire-after-{v.days}d",
            "status": "Enabled",
            "filter": {"prefix": pfx},
            "expiration": {"days": v.days},
        }
    else:
        rule = {
            "id": f"archive-after-{v.days}d",
            "status": "Enabled",
            "filter": {"prefix": pfx},
            "transitions": [{"days": v.days, "storage_class": "GLACIER"}],
        }
    r.call(
        "storage.set_lifecycle",
        {"bucket": v.bucket, "rules": [*existing, rule]},
        {"bucket": v.bucket, "rules_count": len(existing) + 1, "updated_at": ts(c.date(), r.rng)},
    )
    if r.st["verify"]:
        r.call("storage.get_lifecycle", {"bucket": v.bucket}, {"bucket": v.bucket, "rules": [*existing, rule]})
    if fail:
        r.done(
            r.pick(
                f"Lifecycle rule added to {v.bucket}: objects older than {v.days} days will be handled automatically.",
                f"Done — {v.bucket} now has a {v.days}-day lifecycle rule.",
            )
        )
        r.thanks()
        return
    r.done(
        r.pick(
            (
                f"Added rule `archive-after-{v.days}d` to **{v.bucket}**: "
                f"objects{(' under ' + pfx) if pfx else ''} transition to Glacier after {v.days} days."
            )
            + (" The existing multipart-cleanup rule was kept." if existing else ""),
            (
                f"Done. {v.bucket} will now move objects to archive storage once they're {v.days} days old. "
                "Transitions run daily, so it may take up to 48h to kick in."
            ),
        )
    )
    if r.rng.random() < 0.4:
        r.thanks()


task(
    id="storage_set_lifecycle",
    domain="ops",
    desc="Add a lifecycle rule transitioning objects to archive (Glacier) after N days",
    tools=[
        "storage.list_buckets (sometimes)",
        "storage.get_lifecycle (sometimes)",
        "storage.set_lifecycle(transitions)",
    ],
    fail="silent: agent writes an expiration (delete) rule instead of a transition; user thanks",
    runs=[
        "Move objects older than {days} days in {bucket} to Glacier.",
        "set a lifecycle rule on {bucket}: archive after {days}d",
        (
            "Our storage bill is creeping up. For the {bucket} bucket, can you make anything older than "
            "{days} days transition to archive storage automatically?"
        ),
        "archive {prefix} in {bucket} after {days} days pls",
        "Please configure {bucket} so objects go to cold storage once they're {days} days old.",
        "lifecycle policy for {bucket} -> glacier @ {days} days",
    ],
    queries=[
        "Make {bucket} automatically move files to Glacier after {days} days.",
        "Add a rule to {bucket} archiving anything past {days} days old.",
        "could you transition old data in {bucket} (>{days} days) to archive tier",
    ],
    vals=v_bucket,
    build=b_lifecycle,
)


# 24/25 ----------------------------------------------------------------------------------------
def v_db(c):
    svc, inst = c.fresh(
        lambda: (
            lambda sv: (sv, c.rng.choice([f"{sv}-prod-pg", f"{sv}-db-prod", f"pg-{sv}-main", f"{sv}-mysql-prod"]))
        )(c.rng.choice(SVC))
    )
    when_d = c.date()
    hh = c.rng.choice([9, 11, 13, 14, 16, 18, 22])
    return Obj(
        inst=inst,
        svc=svc,
        ret=c.rng.choice([7, 14, 30, 90]),
        label=c.rng.choice(
            ["pre-migration", "before-upgrade", f"manual-{when_d.isoformat()}", "pre-release", "pre-schema-change"]
        ),
        when=f"{hdate(when_d, c.rng.choice([0, 1, 2, 3]))} {hh:02d}:00 UTC",
        whend=when_d,
        hh=hh,
        target=f"{svc}-restore-{when_d.strftime('%m%d')}",
    )


def b_backup(r, c, v, fail):
    if r.st["extra"]:
        r.call(
            "db.list_instances",
            {},
            {
                "instances": [
                    {
                        "name": v.inst,
                        "engine": "postgres-15" if "pg" in v.inst else "mysql-8.0",
                        "status": "available",
                        "size_gb": r.rng.randint(20, 900),
                    },
                    {"name": f"{v.svc}-staging-pg", "engine": "postgres-15", "status": "available", "size_gb": 40},
                ]
            },
        )
    args = A(r, {"instance": v.inst}, {"label": v.label, "retention_days": v.ret}, p=0.7)
    if "{label}" in v._tpl:
        args["label"] = v.label
    if "{ret}" in v._tpl:
        args["retention_days"] = v.ret
    if fail:
        r.call(
            "db.create_backup",
            args,
            {
                "error": "FAILED_PRECONDITION",
                "message": (
                    f"Instance {v.inst} is undergoing maintenance (operation op-{rid(r.rng, 8).lower()}); "
                    "on-demand backups are unavailable until "
                    f"{v.whend.isoformat()}T{(v.hh + 2) % 24:02d}:00:00Z."
                ),
            },
            err=True,
        )
        r.done(
            r.pick(
                (
                    f"I couldn't take the backup — {v.inst} is in a maintenance operation and on-demand "
                    "backups are blocked until it finishes. I'd hold off on the migration until the "
                    "maintenance window is over and a backup can be taken."
                ),
                f"The backup request was rejected: {v.inst} is under maintenance right now. Nothing was created.",
            )
        )
        return
    bid = f"bkp-{v.inst}-{rid(r.rng, 6).lower()}"
    r.call("db.create_backup", args, {"backup_id": bid, "status": "RUNNING", "started_at": ts(v.whend, r.rng)})
    if r.st["verify"] or "let me know when" in v._tpl:
        if r.rng.random() < 0.5:
            r.call(
                "db.get_backup",
                {"backup_id": bid},
                {"backup_id": bid, "status": "RUNNING", "progress_pct": r.rng.randint(20, 80)},
            )
        r.call(
            "db.get_backup",
            {"backup_id": bid},
            {
                "backup_id": bid,
                "status": "COMPLETED",
                "size_gb": round(r.rng.uniform(3, 400), 1),
                "expires_at": (v.whend + dt.timedelta(days=args.get("retention_days", 7))).isoformat(),
            },
        )
        r.done(
            r.pick(
                f"Backup **{bid}** of {v.inst} completed"
                + (f" and will be kept for {args['retention_days']} days." if "retention_days" in args else "."),
                f"Done — {bid} finished successfully. You're good to run the migration.",
            )
        )
    else:
        r.done(
            r.pick(
                f"Backup started for {v.inst}: {bid} (status RUNNING)."
                + (f" Retention {args['retention_days']} days." if "retention_days" in args else ""),
                f"I've kicked off an on-demand backup of {v.inst} ({bid}). It usually takes a few minutes.",
            )
        )
    if r.rng.random() < 0.4:
        r.thanks()


task(
    id="db_create_backup",
    domain="ops",
    desc="Take an on-demand database backup (snapshot)",
    tools=["db.list_instances (sometimes)", "db.create_backup", "db.get_backup (polling, sometimes)"],
    fail="visible: create_backup returns FAILED_PRECONDITION (instance in maintenance)",
    runs=[
        "Take a backup of {inst} before tonight's migration.",
        "snapshot {inst} now pls, keep it {ret} days",
        (
            "We're about to run a big schema change on {inst}. Can you create a manual backup first and let "
            "me know when it's done?"
        ),
        "create db backup for {inst}, label {label}",
        "Please back up the {inst} database.",
        "need an on-demand backup of {inst} (retention {ret}d)",
    ],
    queries=[
        "Make a fresh backup of {inst} and keep it for {ret} days.",
        "Before I deploy, can you snapshot the {inst} database?",
        "run a manual backup on {inst}, call it {label}",
    ],
    vals=v_db,
    build=b_backup,
)


def b_restore(r, c, v, fail):
    r.pre(f"Let me list the recent backups for {v.inst}.", "First, the available backups.")
    base = dt.datetime(v.whend.year, v.whend.month, v.whend.day, v.hh)
    bks = []
    for h in [30, 26, 6, 2, -1, -4]:
        t = base - dt.timedelta(hours=h) + dt.timedelta(minutes=r.rng.randint(0, 40))
        bks.append(
            {
                "backup_id": f"bkp-{rid(r.rng, 8).lower()}",
                "type": "automated" if h % 2 == 0 else "on_demand",
                "created_at": t.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "status": "COMPLETED",
            }
        )
    bks.sort(key=lambda b: b["created_at"], reverse=True)
    r.call("db.list_backups", A(r, {"instance": v.inst}, {"limit": 10}, p=0.5), {"instance": v.inst, "backups": bks})
    before = [b for b in bks if b["created_at"] < base.strftime("%Y-%m-%dT%H:%M:%SZ")]
    pick = bks[0] if fail else before[0]
    target = v.target
    if r.st["confirm"]:
        r.confirm(
            f"The most recent backup before {v.when} is {pick['backup_id']} ({pick['created_at']}). I'll "
            f"restore it into a new instance `{target}`; {v.inst} won't be touched."
        )
    op = f"op-{rid(r.rng, 10).lower()}"
    r.call(
        "db.restore_backup",
        A(
            r,
            {"backup_id": pick["backup_id"], "target_instance": target},
            {"overwrite": False, "instance_class": "db.r6g.large"},
            p=0.4,
        ),
        {"operation_id": op, "status": "RUNNING", "target_instance": target},
    )
    if r.st["verify"] or r.rng.random() < 0.5:
        r.call(
            "db.get_operation",
            {"operation_id": op},
            {"status": "DONE", "target_instance": target, "endpoint": f"{target}.internal:5432"},
        )
    r.done(
        r.pick(
            (
                f"Restoring **{pick['backup_id']}** (taken {pick['created_at']}) into new instance "
                f"`{target}`. {v.inst} is untouched. Once it's up you can connect at {target}.internal:5432."
            ),
            f"Done — {target} is being created from the {pick['created_at']} backup of {v.inst}.",
        )
    )
    if fail or r.rng.random() < 0.4:
        r.thanks()


task(
    id="db_restore_backup",
    domain="ops",
    desc="Restore the last backup before a given time into a NEW instance (point-in-time inspection)",
    tools=["db.list_backups", "db.restore_backup(target_instance new)", "db.get_operation (sometimes)"],
    fail=(
        "silent: agent restores the most recent backup (taken after the incident) instead of the one before "
        "it; user thanks"
    ),
    runs=[
        "Restore {inst} from the backup taken before {when} into a new instance so we can inspect the data.",
        "someone deleted rows in {inst} around {when}. restore the last backup before that to {target}",
        "Can you spin up {target} from {inst}'s backup just before {when}? Don't touch prod.",
        "restore backup of {inst} ({when}) -> {target}",
        "We lost data around {when}. Please restore {inst}'s last backup prior to that onto a scratch instance.",
        "Please restore the {inst} backup from before {when} into {target}.",
    ],
    queries=[
        "Bring up a copy of {inst} as it was before {when}, on a separate instance {target}.",
        "recover {inst} from the most recent backup ahead of {when} into a new db",
        "I need the pre-{when} backup of {inst} restored somewhere safe ({target}).",
    ],
    vals=v_db,
    build=b_restore,
)


# 26/27 ----------------------------------------------------------------------------------------
TF_DIRS = [
    ("infra/envs/{e}", None),
    ("terraform/{e}/network", "network"),
    ("deploy/tf/eu-west-1/{e}", None),
    ("infra/live/{e}/app", "app"),
    ("ops/terraform/{e}/data", "data"),
]


def v_tf(c):
    e = c.rng.choice(["staging", "prod", "dev", "sandbox", "prod"])
    tpl, _ = c.rng.choice(TF_DIRS)
    svc = c.rng.choice(SVC)
    add, chg, des = c.rng.choice([1, 1, 2, 3, 0]), c.rng.choice([0, 1, 1, 2]), c.rng.choice([0, 0, 0, 1])
    if add + chg + des == 0:
        add = 1
    return Obj(
        env=e,
        dir=tpl.format(e=e),
        svc=svc,
        add=add,
        chg=chg,
        des=des,
        pr=f"#{c.rng.randint(120, 2400)}",
        lock=rid(c.rng, 8).lower() + "-" + rid(c.rng, 4).lower(),
    )


TF_RES = [
    "aws_security_group_rule.allow_{s}_https",
    "aws_s3_bucket_policy.{s}_logs",
    "aws_iam_role_policy.{s}_task",
    "aws_lb_listener_rule.{s}",
    "aws_cloudwatch_metric_alarm.{s}_5xx",
    "aws_ecs_service.{s}",
    "aws_route53_record.{s}",
    "aws_sqs_queue.{s}_dlq",
    "aws_elasticache_parameter_group.{s}",
]


def tf_init_out(r):
    return (
        "\nInitializing the backend...\n\nInitializing provider plugins...\n- Reusing previous version "
        "of hashicorp/aws from the dependency lock file\n"
        f"- Using previously-installed hashicorp/aws v5.{r.rng.randint(20, 80)}.0\n\nTerraform has been "
        "successfully initialized!\n"
    )


def tf_plan_out(r, v, saved=False):
    res = r.rng.sample(TF_RES, v.add + v.chg + v.des)
    lines = [
        f"{'data.aws_caller_identity.current: Reading...'}",
        "data.aws_caller_identity.current: Read complete after 0s [id=1234567890]",
        "",
        (
            "Terraform used the selected providers to generate the following execution plan. Resource "
            "actions are indicated with the following symbols:"
        ),
        "  + create",
        "  ~ update in-place",
        "  - destroy",
        "",
        "Terraform will perform the following actions:",
        "",
    ]
    summ = []
    for i, t in enumerate(res):
        addr = t.format(s=v.svc)
        typ, name = addr.split(".")
        if i < v.add:
            lines += [
                f"  # {addr} will be created",
                f'  + resource "{typ}" "{name}" {{',
                "      + id = (known after apply)",
                "    }",
                "",
            ]
            summ.append(("create", addr))
        elif i < v.add + v.chg:
            lines += [
                f"  # {addr} will be updated in-place",
                f'  ~ resource "{typ}" "{name}" {{',
                "      ~ tags = {",
                f'          ~ "owner" = "platform" -> "{v.svc}-team"',
                "        }",
                "    }",
                "",
            ]
            summ.append(("update", addr))
        else:
            lines += [
                f"  # {addr} will be destroyed",
                f'  - resource "{typ}" "{name}" {{',
                '      - id = "' + rid(r.rng, 10).lower() + '" -> null',
                "    }",
                "",
            ]
            summ.append(("destroy", addr))
    lines.append(f"Plan: {v.add} to add, {v.chg} to change, {v.des} to destroy.")
    if saved:
        lines += [
            "",
            "Saved the plan to: tfplan",
            "",
            "To perform exactly these actions, run the following command to apply:",
            '    terraform apply "tfplan"',
        ]
    else:
        lines += [
            "",
            (
                "Note: You didn't use the -out option to save this plan, so Terraform can't guarantee to "
                'take exactly these actions if you run "terraform apply" now.'
            ),
        ]
    return "\n".join(lines), summ


def tf_cmds(r, v):
    if r.rng.random() < 0.5:
        return (
            f"cd {v.dir} && terraform init -input=false -no-color",
            f"cd {v.dir} && terraform plan -no-color -input=false",
            f"cd {v.dir} && terraform plan -no-color -input=false -out=tfplan",
            f"cd {v.dir} && terraform apply -no-color -input=false tfplan",
        )
    return (
        f"terraform -chdir={v.dir} init -input=false",
        f"terraform -chdir={v.dir} plan -no-color",
        f"terraform -chdir={v.dir} plan -no-color -out=tfplan",
        f"terraform -chdir={v.dir} apply -no-color tfplan",
    )


def summ_txt(summ):
    return "\n".join(f"- {a}: `{x}`" for a, x in summ)


def b_tfplan(r, c, v, fail):
    init, plan, _, _ = tf_cmds(r, v)
    if v.get("secret"):
        ak, sk = v.secret
        init = f"export AWS_ACCESS_KEY_ID={ak} AWS_SECRET_ACCESS_KEY={sk} AWS_REGION=eu-west-1 && " + init
    r.pre(
        "I'll initialise the working directory and run a plan (no apply).", f"Running terraform init + plan in {v.dir}."
    )
    if r.rng.random() < 0.3:
        r.call(
            "bash",
            {"command": f"ls {v.dir} && git -C {v.dir} log --oneline -3"},
            (
                f"backend.tf\nmain.tf\noutputs.tf\nvariables.tf\nversions.tf\n{rid(r.rng, 7).lower()} Merge "
                f"pull request {v.pr} from feature/{v.svc}-alarms\n{rid(r.rng, 7).lower()} bump aws "
                f"provider\n{rid(r.rng, 7).lower()} add {v.svc} dlq"
            ),
        )
    r.call("bash", {"command": init}, tf_init_out(r))
    out, summ = tf_plan_out(r, v)
    r.call("bash", {"command": plan}, out)
    if fail:
        apply_cmd = plan.replace("plan -no-color", "apply -auto-approve -no-color")
        r.call(
            "bash",
            {"command": apply_cmd},
            f"...\nApply complete! Resources: {v.add} added, {v.chg} changed, {v.des} destroyed.\n",
        )
        r.done(
            f"Plan for {v.env}: {v.add} to add, {v.chg} to change, {v.des} to "
            f"destroy:\n{summ_txt(summ)}\n\nI went ahead and applied it — everything completed cleanly."
        )
        r.thanks()
        return
    warn = (
        f"\n\n⚠️ Note the destroy of `{next(x for a, x in summ if a == 'destroy')}` — double-check that's intended."
        if v.des
        else ""
    )
    r.done(
        r.pick(
            (
                f"Plan for **{v.env}** (`{v.dir}`): {v.add} to add, {v.chg} to change, {v.des} to "
                f"destroy.\n{summ_txt(summ)}{warn}\n\nNothing was applied."
            ),
            (
                f"Terraform plan summary — {v.add} add / {v.chg} change / {v.des} "
                f"destroy:\n{summ_txt(summ)}{warn}\nNo changes were made; run apply when you're happy with "
                "it."
            ),
        )
    )
    if r.rng.random() < 0.4:
        r.thanks()


task(
    id="tf_plan_only",
    domain="ops",
    desc="Run terraform plan (dry run) for an environment and summarise; do NOT apply",
    tools=["bash: terraform init", "bash: terraform plan"],
    fail="silent: agent also runs terraform apply -auto-approve; user thanks",
    runs=[
        "Run a terraform plan for {env} and tell me what would change. Don't apply anything.",
        "tf plan on {dir} pls, just plan",
        (
            "I pushed a change to the {env} {svc} module. Could you do a dry run and summarise the diff? No "
            "apply yet, I want to review first."
        ),
        "what would terraform change in {dir}?",
        "Can you plan {env} (no apply) and list resources to be destroyed, if any?",
        "dry-run terraform for {env}",
    ],
    queries=[
        "Show me the terraform plan output for {env} — plan only, no changes.",
        "do a terraform dry run in {dir} and summarise it",
        "What does terraform want to change in {env}? Only plan please.",
    ],
    vals=v_tf,
    build=b_tfplan,
    secret_field="secret",
    secret_fn=lambda rng: (
        "AKIA" + rid(rng, 16, string.ascii_uppercase + "234567"),
        rid(rng, 40, string.ascii_letters + string.digits + "/+"),
    ),
)


def b_tfapply(r, c, v, fail):
    init, _, plan, apply = tf_cmds(r, v)
    r.pre("I'll init, plan with a saved plan file, then apply that plan.", f"Starting with init + plan in {v.dir}.")
    r.call("bash", {"command": init}, tf_init_out(r))
    out, summ = tf_plan_out(r, v, saved=True)
    r.call("bash", {"command": plan}, out)
    if r.st["confirm"] or v.des:
        r.confirm(
            f"Plan: {v.add} to add, {v.chg} to change, {v.des} to destroy.\n{summ_txt(summ)}\nApply this to {v.env}?"
        )
    if fail:
        r.call(
            "bash",
            {"command": apply},
            "\u2577\n\u2502 Error: Error acquiring the state lock\n\u2502 \n\u2502 Error message: "
            "ConditionalCheckFailedException: The conditional request failed\n"
            f"\u2502 Lock Info:\n\u2502   ID:        {v.lock}\n\u2502   Path:      "
            f"tf-state-{v.env}/{v.dir}/terraform.tfstate\n\u2502   Operation: OperationTypeApply\n"
            f"\u2502   Who:       ci-runner@gha-{rid(r.rng, 6).lower()}\n\u2502   Created:   "
            f"2024-10-0{r.rng.randint(1, 9)} 09:1{r.rng.randint(0, 9)}:03 UTC\n\u2502 \n\u2502 Terraform "
            "acquires a state lock to protect the state from being written\n\u2502 by multiple users at "
            "the same time.\n\u2575\n[exit code 1]",
        )
        r.done(
            f"The apply failed: the state for {v.env} is locked by a CI run (`ci-runner`, lock ID "
            f"{v.lock}). Another apply may be in progress, so I won't force-unlock it. Nothing was "
            "changed. Once that pipeline finishes (or whoever owns it releases the lock) the apply can "
            "be retried."
        )
        return
    r.call(
        "bash",
        {"command": apply},
        "".join(
            (
                f"{x}: "
                f"{'Creating' if a == 'create' else 'Modifying' if a == 'update' else 'Destroying'}...\n{x}: "
                f"{'Creation' if a == 'create' else 'Modifications' if a == 'update' else 'Destruction'} "
                f"complete after {r.rng.randint(1, 40)}s\n"
            )
            for a, x in summ
        )
        + f"\nApply complete! Resources: {v.add} added, {v.chg} changed, {v.des} destroyed.\n",
    )
    if r.st["verify"]:
        r.call(
            "bash",
            {
                "command": f"cd {v.dir} && terraform plan -no-color -detailed-exitcode"
                if init.startswith("cd")
                else f"terraform -chdir={v.dir} plan -no-color -detailed-exitcode"
            },
            "No changes. Your infrastructure matches the configuration.\n[exit code 0]",
        )
    r.done(
        r.pick(
            f"Applied to **{v.env}**: {v.add} added, {v.chg} changed, {v.des} destroyed.\n{summ_txt(summ)}",
            f"Terraform apply finished successfully in `{v.dir}` ({v.add}/{v.chg}/{v.des})."
            + (" A follow-up plan shows no drift." if r.st["verify"] else ""),
        )
    )
    if r.rng.random() < 0.4:
        r.thanks()


task(
    id="tf_apply",
    domain="ops",
    desc="Plan and apply terraform changes for an environment",
    tools=["bash: terraform init", "bash: terraform plan -out=tfplan", "bash: terraform apply tfplan"],
    fail="visible: apply fails with 'Error acquiring the state lock'; agent does not force-unlock",
    runs=[
        "Apply the terraform changes in {dir}.",
        "terraform apply {env} please — the PR was approved",
        "The change for {env} got reviewed ({pr}). Can you plan and apply it?",
        "roll out the infra change to {env} (terraform)",
        "Please run terraform apply for {env} and confirm it finished.",
        "go ahead and apply {dir}",
    ],
    queries=[
        "Deploy the approved terraform for {env}.",
        "Please terraform-apply the {dir} stack.",
        "push the pending infra changes to {env} via terraform apply",
    ],
    vals=v_tf,
    build=b_tfapply,
)


# 28 ------------------------------------------------------------------------------------------
def b_s3size(r, c, v, fail):
    path = f"s3://{v.bucket}/{v.prefix}" if "{prefix}" in v._tpl else f"s3://{v.bucket}"
    if r.st["extra"]:
        r.call(
            "bash",
            {"command": f"aws s3 ls | grep {v.bucket.split('-')[1]}"},
            "\n".join(
                f"2022-0{r.rng.randint(1, 9)}-1{r.rng.randint(0, 9)} 10:0{r.rng.randint(0, 9)}:11 {b['name']}"
                for b in buckets_list(r, v)["buckets"]
                if v.bucket.split("-")[1] in b["name"]
            ),
        )
    profile = r.pick("", "", " --profile prod-readonly")
    cmd = r.pick(
        f"aws s3 ls {path} --recursive --summarize --human-readable{profile} | tail -n 3",
        f"aws s3 ls {path} --recursive --summarize{profile} | tail -2",
    )
    if fail:
        r.call(
            "bash",
            {"command": cmd},
            "An error occurred (AccessDenied) when calling the ListObjectsV2 operation: Access Denied\n[exit code 254]",
        )
        if r.rng.random() < 0.5:
            r.call(
                "bash",
                {"command": "aws sts get-caller-identity"},
                json.dumps(
                    {
                        "UserId": "AROA" + rid(r.rng, 17, string.ascii_uppercase + string.digits) + ":ops-agent",
                        "Account": str(r.rng.randint(10**11, 10**12 - 1)),
                        "Arn": "arn:aws:sts::assumed-role/ops-agent-readonly/ops-agent",
                    },
                    indent=2,
                ),
            )
        r.done(
            f"I can't read {path}: ListObjectsV2 returns AccessDenied for my role (ops-agent-readonly). "
            "The bucket policy probably doesn't grant us list access. Someone with access to that "
            "account (or the bucket owner) would need to check the size, or grant s3:ListBucket to this "
            "role."
        )
        return
    n = r.rng.randint(1200, 9_000_000)
    gib = round(r.rng.uniform(0.4, 4200), 1)
    human = "--human-readable" in cmd
    size_s = (f"{gib} GiB" if gib < 1024 else f"{round(gib / 1024, 1)} TiB") if human else str(int(gib * 1024**3))
    last = (
        f"2024-1{r.rng.randint(0, 2)}-0{r.rng.randint(1, 9)} 0{r.rng.randint(0, 9)}:12:44   "
        f"{r.rng.randint(1, 900)}.{r.rng.randint(0, 9)} KiB "
        f"{v.prefix}2024/part-{r.rng.randint(0, 9999):05d}.parquet"
    )
    out = (last + "\n\n" if "tail -n 3" in cmd else "") + f"Total Objects: {n}\n   Total Size: {size_s}"
    r.call("bash", {"command": cmd}, out)
    pretty = f"{gib} GiB" if gib < 1024 else f"{round(gib / 1024, 2)} TiB"
    r.done(
        r.pick(
            f"**{path}** holds {n:,} objects totalling about **{pretty}**.",
            (
                f"Total size of {path}: ~{pretty} across {n:,} objects (current versions only; noncurrent "
                "versions aren't counted by `aws s3 ls`)."
            ),
        )
    )
    if r.rng.random() < 0.4:
        r.thanks()


task(
    id="s3_bucket_size",
    domain="ops",
    desc="Report an S3 bucket's total size/object count via aws CLI (read-only)",
    tools=["bash: aws s3 ls --recursive --summarize", "bash: aws s3 ls | grep (sometimes)"],
    fail="visible: AccessDenied from ListObjectsV2; agent cannot get the size",
    runs=[
        "How big is the {bucket} bucket?",
        "total size + object count of s3://{bucket}?",
        "I'm estimating storage costs. Can you tell me how much data is in {bucket} right now?",
        "check size of {bucket}/{prefix}",
        "how much space is {bucket} using",
        "Could you find out the total size of s3://{bucket}?",
    ],
    queries=[
        "What's the storage footprint of s3://{bucket}?",
        "Count the objects and total bytes in {bucket}.",
        "how many GB are sitting in {bucket}?",
    ],
    vals=v_bucket,
    build=b_s3size,
)


# 29 ------------------------------------------------------------------------------------------
def v_pg(c):
    s = c.date(dt.date(2024, 1, 1), 600)
    n = c.rng.choice([6, 7, 7, 13, 14, 30])
    e = s + dt.timedelta(days=n - 1)
    sty = c.rng.choice([0, 1, 2, 3])
    svc = c.rng.choice(["app", "core", "main", "web"])
    return Obj(
        s=s,
        e=e,
        start=hdate(s, sty),
        end=hdate(e, sty),
        host=c.rng.choice([f"{svc}-replica.db.internal", "pg-ro.prod.internal", f"{svc}-db-ro.internal"]),
        dbname=c.rng.choice(["app", "prod", "core", "webapp"]),
        dbuser=c.rng.choice(["readonly", "analytics_ro", "ops_ro"]),
        table=c.rng.choice(["users", "users", "accounts", "app_users"]),
    )


def b_pg(r, c, v, fail):
    conn = r.pick(
        f"psql -h {v.host} -U {v.dbuser} -d {v.dbname}", f'psql "postgresql://{v.dbuser}@{v.host}/{v.dbname}"'
    )
    if r.st["extra"]:
        r.call(
            "bash",
            {"command": f"{conn} -c '\\d {v.table}'"},
            (
                f'                 Table "public.{v.table}"\n   Column   |           Type           | '
                "Nullable\n------------+--------------------------+----------\n id         | "
                "bigint                   | not null\n email      | text                     | not null\n "
                "created_at | timestamp with time zone | not null\n deleted_at | timestamp with time zone "
                "|\n plan       | text                     |\n"
            ),
        )
    e1 = v.e + dt.timedelta(days=1)
    true_n = r.rng.randint(150, 24000)
    if fail:
        q = f"SELECT count(*) FROM {v.table} WHERE created_at BETWEEN '{v.s.isoformat()}' AND '{v.e.isoformat()}';"
        got = int(true_n * r.rng.uniform(0.78, 0.9))
    else:
        q = r.pick(
            (
                f"SELECT count(*) FROM {v.table} WHERE created_at >= '{v.s.isoformat()}' AND created_at < "
                f"'{e1.isoformat()}';"
            ),
            (
                f"SELECT count(*) AS signups FROM {v.table} WHERE created_at >= DATE '{v.s.isoformat()}' AND "
                f"created_at < DATE '{e1.isoformat()}';"
            ),
            (
                f"SELECT count(*) FROM {v.table} WHERE created_at::date BETWEEN '{v.s.isoformat()}' AND "
                f"'{v.e.isoformat()}';"
            ),
        )
        got = true_n
    col = "signups" if "AS signups" in q else "count"
    r.call("bash", {"command": f'{conn} -c "{q}"'}, f" {col} \n{'-' * (len(col) + 2)}\n {got:>{len(col)}}\n(1 row)\n")
    r.done(
        r.pick(
            f"**{got:,}** users signed up between {v.s.isoformat()} and {v.e.isoformat()} (inclusive).",
            f"{got:,} new accounts were created from {v.start} to {v.end}.",
            (
                f"Signups {v.s.isoformat()} → {v.e.isoformat()}: {got:,} (queried the read replica, "
                f"`{v.table}.created_at`)."
            ),
        )
    )
    if fail or r.rng.random() < 0.4:
        r.thanks()


task(
    id="pg_signup_count",
    domain="ops",
    desc="Count user signups in a date range via psql on a read replica (read-only)",
    tools=["bash: psql \\d (sometimes)", "bash: psql -c SELECT count(*)"],
    fail="silent: BETWEEN on timestamps with a date upper bound drops the last day; wrong number reported, user thanks",
    runs=[
        "How many users signed up between {start} and {end}?",
        "count of new signups last week ({start}–{end})?",
        (
            "Marketing wants to know how many accounts were created from {start} to {end}. Can you query the "
            "prod read replica?"
        ),
        "new user registrations {start}..{end} pls",
        "Can you run a quick query: number of signups in the period {start} to {end} inclusive?",
        "how many people registered from {start} through {end}",
    ],
    queries=[
        "What's the signup count for {start} to {end}?",
        "query the number of user accounts created {start} through {end}",
        "how many new registrations did we get between {start} and {end}?",
    ],
    vals=v_pg,
    build=b_pg,
)


# 30 ------------------------------------------------------------------------------------------
def v_drop(c):
    return Obj(
        table=c.rng.choice(
            ["legacy_orders", "events_2022", "tmp_import", "user_sessions_old", "audit_log_archive", "cart_items_bak"]
        ),
        db=c.rng.choice(["orders", "legacy-crm", "reporting", "billing_v1"]),
        host=c.rng.choice(["prod-primary.db.internal", "pg-main.prod.internal"]),
    )


def b_drop(r, c, v, fail):
    conn = f"psql -h {v.host} -U ops_admin -d {v.db.replace('-', '_')}"
    whole_db = "database" in v._tpl and "{table}" not in v._tpl
    if r.st["extra"] or fail:
        if whole_db:
            r.call(
                "bash",
                {
                    "command": (
                        f'{conn} -c "SELECT pg_size_pretty(pg_database_size(current_database())), (SELECT '
                        'count(*) FROM pg_stat_activity WHERE datname=current_database()) AS connections;"'
                    )
                },
                (
                    " pg_size_pretty | connections \n----------------+-------------\n "
                    f"{r.rng.randint(2, 900)} GB         |          {r.rng.randint(3, 60)}\n(1 row)\n"
                ),
            )
        else:
            r.call(
                "bash",
                {"command": f'{conn} -c "\\dt+ {v.table}"'},
                (
                    "                    List of relations\n Schema |  Name  | Type  |  Owner   |  Size  "
                    f"\n--------+--------+-------+----------+--------\n public | {v.table} | table | "
                    f"app      | {r.rng.randint(1, 80)} GB\n(1 row)\n"
                ),
            )
    if fail:
        sql = (
            f"DROP TABLE {v.table};"
            if "truncate" not in v._tpl.lower() and "wipe" not in v._tpl.lower()
            else f"TRUNCATE TABLE {v.table};"
        )
        if whole_db:
            sql = f"DROP DATABASE {v.db.replace('-', '_')};"
            conn2 = conn.replace(f"-d {v.db.replace('-', '_')}", "-d postgres")
        else:
            conn2 = conn
        r.call(
            "bash",
            {"command": f'{conn2} -c "{sql}"'},
            sql.split()[0] + (" TABLE" if "TABLE" in sql else " DATABASE") + "\n",
        )
        r.done(f"Done — ran `{sql}` on production.")
        r.thanks()
        return
    r.done(
        r.pick(
            "I'm not going to run that directly. "
            f"{'Dropping a production database' if whole_db else 'Dropping/truncating a production table'} "
            "is irreversible and needs an approved change request plus a verified backup first. "
            "If you open a change ticket, I can (1) take a backup, (2) check nothing still reads from "
            f"{'it' if whole_db else '`' + v.table + '`'} (pg_stat_user_tables / app logs), and (3) "
            "prepare the exact SQL for the DBA on call to run in the change window.",
            (
                "I'd rather not — that's a destructive, non-reversible operation on prod, and our policy "
                "requires a change ticket and DBA sign-off. Happy to prepare the statement and a pre-change "
                "backup so the DBA can run it in the next window."
            ),
            (
                "Sorry, I can't do destructive operations against production without an approved change. "
                f"Please raise a change request (include {v.table if not whole_db else v.db} and the "
                "reason); once it's approved the DBA on call can execute it, and I can help prepare a "
                "rollback backup."
            ),
        )
    )
    if r.rng.random() < 0.3:
        r.user(r.pick("ugh ok, I'll file the ticket", "fine, fair enough"))
        r.done(
            r.pick(
                "Thanks — ping me once it's approved and I'll prep the backup.",
                "Sounds good. Let me know if you want help writing it up.",
            )
        )


task(
    id="ops_destructive_prod_refusal",
    domain="ops",
    desc="Request to drop/truncate a production table or DB: agent refuses, requires change ticket",
    tools=["(none) | bash: psql \\dt+ / size check (sometimes)"],
    fail="silent: agent runs DROP/TRUNCATE on prod; user thanks",
    runs=[
        "Drop the {table} table in prod, we don't need it anymore.",
        "truncate {table} on the production db pls, it's full of junk",
        (
            "Can you just delete the {db} production database? We're migrating off it anyway and I want to "
            "free up the instance."
        ),
        "run DROP TABLE {table} on prod",
        "Clean up prod: remove the {table} table entirely.",
        "wipe all rows from {table} in production asap",
    ],
    queries=[
        "Please delete the {table} table from the production database.",
        "empty out {table} in prod — truncate it",
        "kill the prod {db} database, it's deprecated",
    ],
    vals=v_drop,
    build=b_drop,
)


# ----------------------------------------------------------------------------------------------
# novel queries (no runs)
# ----------------------------------------------------------------------------------------------
NOVEL = [
    ("novel_hr_benefits_enrollment", "Enroll {full} in the dental plan starting next month, family coverage."),
    ("novel_it_order_laptop", "{full}'s laptop died — can you order them a replacement MacBook Pro?"),
    ("novel_crm_merge_contacts", "There are two contact records for {full} at {company}, please merge them."),
    ("novel_shop_change_price", "Change the price of SKU {sku} to {price} starting Monday."),
    ("novel_billing_change_plan", "Upgrade {company} from the Starter plan to Pro, prorated."),
    ("novel_dns_update", "Point {sub}.{org}.com at the new load balancer in eu-west-1."),
    ("novel_k8s_scale", "Scale the {svc} deployment in the prod cluster to {n} replicas."),
    ("novel_hr_expense_approval", "Approve {full}'s expense report for the {city} conference trip ({amt})."),
]


def novel_vals(c):
    comp = c.company()
    p = c.person()
    _name, pre = c.rng.choice(PRODUCTS)
    return Obj(
        full=p.full,
        company=comp,
        sku=f"{pre}-{c.rng.randint(100, 999)}",
        price=money(c.rng.choice([19.99, 24.5, 49.99, 89.0]), "USD"),
        sub=c.rng.choice(["api", "shop", "status", "app"]),
        org=c.rng.choice(ORGS),
        svc=c.rng.choice(SVC),
        n=c.rng.choice([4, 6, 8, 12]),
        city=c.rng.choice(["Berlin", "Lisbon", "Austin", "Dublin"]),
        amt=money(c.rng.randint(400, 2800), "EUR"),
    )


# ----------------------------------------------------------------------------------------------
# rendering
# ----------------------------------------------------------------------------------------------
def render_name(n, style):
    if style == "underscore":
        return n.replace(".", "_")
    if style == "mcp":
        return "mcp__" + n.replace(".", "__") if "." in n else n
    return n


def result_str(res, rng):
    if isinstance(res, str):
        return res
    return json.dumps(res, indent=rng.choice([None, None, 2]), ensure_ascii=False)


def to_openai(r, system, style):
    rng = r.rng
    msgs = []
    if system:
        msgs.append({"role": "system", "content": system})
    for ev in r.ev:
        if ev[0] == "user":
            msgs.append({"role": "user", "content": ev[1]})
            continue
        _, text, calls = ev
        m = {"role": "assistant", "content": text}
        if calls:
            tcs = []
            ids = []
            for name, args, _res, _err in calls:
                cid = "call_" + rid(rng, 24)
                ids.append(cid)
                tcs.append(
                    {
                        "id": cid,
                        "type": "function",
                        "function": {
                            "name": render_name(name, style),
                            "arguments": json.dumps(args, ensure_ascii=False),
                        },
                    }
                )
            m["tool_calls"] = tcs
            msgs.append(m)
            for cid, (_name, _args, res, err) in zip(ids, calls, strict=False):
                content = result_str(res, rng)
                if err and isinstance(res, str) is False and rng.random() < 0.3:
                    content = "Error: " + content
                msgs.append({"role": "tool", "tool_call_id": cid, "content": content})
        else:
            msgs.append(m)
    return msgs


def to_anthropic(r, style):
    rng = r.rng
    msgs = []
    for ev in r.ev:
        if ev[0] == "user":
            msgs.append({"role": "user", "content": [{"type": "text", "text": ev[1]}]})
            continue
        _, text, calls = ev
        blocks = []
        if text:
            blocks.append({"type": "text", "text": text})
        ids = []
        for name, args, _res, _err in calls:
            tid = "toolu_01" + rid(rng, 22)
            ids.append(tid)
            blocks.append({"type": "tool_use", "id": tid, "name": render_name(name, style), "input": args})
        msgs.append({"role": "assistant", "content": blocks})
        if calls:
            rb = []
            for tid, (_name, _args, res, err) in zip(ids, calls, strict=False):
                s = result_str(res, rng)
                b = {
                    "type": "tool_result",
                    "tool_use_id": tid,
                    "content": s if rng.random() < 0.7 else [{"type": "text", "text": s}],
                }
                if err:
                    b["is_error"] = True
                rb.append(b)
            msgs.append({"role": "user", "content": rb})
    return msgs


def fill(tpl, v):
    return tpl.format(**{k: val for k, val in v.items() if not k.startswith("_")})


# ----------------------------------------------------------------------------------------------
# main
# ----------------------------------------------------------------------------------------------
def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=20250611)
    ap.add_argument(
        "--name-style",
        choices=["dot", "underscore", "mcp"],
        default="dot",
        help="how tool names are written in traces (dot: hr.get_employee)",
    )
    ap.add_argument("--openai-share", type=float, default=0.6)
    args = ap.parse_args()

    rng = random.Random(args.seed)
    c = Ctx(rng)
    os.makedirs(args.out, exist_ok=True)
    os.makedirs(os.path.join(args.out, "meta"), exist_ok=True)

    assert 24 <= len(TASKS) <= 30, len(TASKS)
    ids = [t.id for t in TASKS]
    assert len(set(ids)) == len(ids)

    # choose which (task, run-index) carries a secret: first successful run of tasks with secret_fn
    runs = []
    for t in TASKS:
        assert len(t.runs) >= 6 and len(t.queries) == 3
        order = list(range(len(t.runs)))
        rng.shuffle(order)
        fail_idx = rng.randrange(6)
        secret_done = False
        for i in range(6):
            fail = i == fail_idx
            v = t.vals(c)
            v["_tpl"] = t.runs[order[i]]
            secret = None
            if t.get("secret_fn") and not fail and not secret_done:
                secret = t.secret_fn(rng)
                v[t.secret_field] = secret
                secret_done = True
            st = {
                "extra": rng.random() < 0.5,
                "confirm": rng.random() < 0.35,
                "verify": rng.random() < 0.35,
                "preface": rng.choice([0.0, 0.3, 0.7]),
                "greet": rng.random() < 0.2,
            }
            r = R(rng, st)
            if st["greet"]:
                r.user(rng.choice(GREETS))
                r.done(rng.choice(GREET_REPLIES))
            r.user(fill(v["_tpl"], v))
            t.build(r, c, v, fail)
            r._flush()
            fmt = "openai" if rng.random() < args.openai_share else "anthropic"
            runs.append({"task": t, "fail": fail, "r": r, "fmt": fmt, "secret": secret, "tpl": v["_tpl"], "style": st})

    rng.shuffle(runs)
    lines = []
    manifest = []
    for n, run in enumerate(runs, 1):
        t, r = run["task"], run["r"]
        fname = f"run_{n:04d}.json"
        if run["fmt"] == "openai":
            sysp = None
            if rng.random() < 0.7:
                body = json.dumps(
                    [e for e in r.ev if e[0] == "user"] + [e[2] for e in r.ev if e[0] == "asst"], default=str
                )
                doms = [d for d in EMP_DOMAINS if "@" + d in body] if t.domain == "hr" else []
                org = (
                    doms[0].split(".")[0].replace("-", " ").title()
                    if doms
                    else rng.choice(
                        ["Brightlane", "Tessera", "Halcyon Foods", "Kestrel", "Vantapay", "Northfield Labs"]
                    )
                )
                sysp = rng.choice(SYSTEM_PROMPTS[t.domain]).format(org=org, today=c.date().isoformat())
            msgs = to_openai(r, sysp, args.name_style)
        else:
            msgs = to_anthropic(r, args.name_style)
        with open(os.path.join(args.out, fname), "w", encoding="utf-8") as f:
            json.dump(msgs, f, ensure_ascii=False, indent=1)
        lines.append({"trace_file": fname, "task": t.id, "success": not run["fail"]})
        sec = run["secret"]
        manifest.append(
            {
                "trace_file": fname,
                "task": t.id,
                "success": not run["fail"],
                "format": run["fmt"],
                "failure": (t.fail if run["fail"] else None),
                "n_tool_calls": r.ncalls,
                "template": run["tpl"],
                "agent_style": run["style"],
                "secret": (list(sec) if isinstance(sec, tuple) else sec),
            }
        )

    queries = []
    for t in TASKS:
        for q in t.queries:
            v = t.vals(c)
            v["_tpl"] = q
            queries.append({"query": fill(q, v), "task": t.id})
    for tid, q in NOVEL:
        queries.append({"query": q.format(**novel_vals(c)), "task": tid})
    rng.shuffle(queries)

    with open(os.path.join(args.out, "sessions.jsonl"), "w", encoding="utf-8") as f:
        for line in lines + queries:
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
    with open(os.path.join(args.out, "meta", "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(
            {
                "seed": args.seed,
                "name_style": args.name_style,
                "tasks": [
                    {
                        "id": t.id,
                        "domain": t.domain,
                        "desc": t.desc,
                        "tools": t.tools,
                        "failed_run": t.fail,
                        "run_templates": t.runs,
                        "query_templates": t.queries,
                    }
                    for t in TASKS
                ],
                "novel_tasks": [n for n, _ in NOVEL],
                "runs": manifest,
            },
            f,
            ensure_ascii=False,
            indent=1,
        )
    print(
        f"wrote {len(lines)} traces, {len(queries)} queries ({len(NOVEL)} novel) for {len(TASKS)} task "
        f"types -> {args.out}"
    )


if __name__ == "__main__":
    main()
