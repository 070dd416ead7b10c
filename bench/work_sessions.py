"""A third development set that is not customer service: generated sessions of office, coding, devops and
data work, for checking that a rule tuned on the two tau-bench sets carries over.

Each task type is run several times by different people, with other names, dates, ids, paths and
wordings, through tools named the ways real agents name them (``calendar.create_event``,
``mcp__github__create_pull_request``, ``bash``, ``run_sql``), in two trace formats. Some runs fail in ways
the trace shows (an error last, the user saying it did not work). Per task, the first runs are ingested and
the last ones' requests, worded differently, are the queries; a few task types are only asked (novel).

    python bench/work_sessions.py --out /tmp/work_sessions      # writes traces + sessions.jsonl
    deftly bench --jsonl /tmp/work_sessions/sessions.jsonl --verbose

The templates were written once, before looking at what deftly makes of them; keep adding task types
rather than rewording the existing ones to suit the extractor.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PEOPLE = [
    ("Priya Sharma", "priya.sharma@northwind.io", "psharma"),
    ("Tom Baker", "tom.baker@northwind.io", "tbaker"),
    ("Ana Ruiz", "ana.ruiz@northwind.io", "aruiz"),
    ("Kenji Ito", "kenji.ito@northwind.io", "kito"),
    ("Lea Roth", "lea.roth@northwind.io", "lroth"),
    ("Marcus Obi", "marcus.obi@northwind.io", "mobi"),
    ("Sofia Rossi", "sofia.rossi@northwind.io", "srossi"),
    ("Daniel Kim", "daniel.kim@northwind.io", "dkim"),
]
TOPICS = ["the roadmap", "hiring", "the Q3 budget", "the launch plan", "onboarding", "the vendor contract"]
SERVICES = ["payments", "search", "checkout", "auth", "notifications", "billing"]
HOSTS = ["web-3", "web-7", "db-2", "worker-5", "api-1", "cache-4"]
MODULES = ["billing/invoice.py", "auth/session.py", "search/query.py", "api/routes.py", "etl/load.py"]
PACKAGES = [
    ("requests", "2.31.0", "2.32.3"),
    ("pydantic", "2.6.1", "2.9.2"),
    ("numpy", "1.26.4", "2.1.1"),
    ("fastapi", "0.110.0", "0.115.4"),
    ("sqlalchemy", "2.0.25", "2.0.36"),
]
COUNTRIES = ["Germany", "Brazil", "Japan", "Canada", "India"]
DATES = ["2026-11-03", "2026-11-10", "2026-11-17", "2026-11-24", "2026-12-01", "2026-12-08", "2026-12-15"]


@dataclass
class Run:
    request: str
    turns: list[dict[str, Any]]  # neutral turns: user / assistant / call (tool, args, result, error)
    success: bool = True


def user(text: str) -> dict[str, Any]:
    return {"role": "user", "text": text}


def say(text: str) -> dict[str, Any]:
    return {"role": "assistant", "text": text}


def call(tool: str, args: dict[str, Any], result: Any, error: bool = False) -> dict[str, Any]:
    return {"role": "call", "tool": tool, "args": args, "result": result, "error": error}


# --- task types: each returns a run for one person/variant and one wording --------------------------------


def schedule_meeting(r: random.Random, wording: str) -> Run:
    name, email, _ = r.choice(PEOPLE)
    date, topic = r.choice(DATES), r.choice(TOPICS)
    hour = r.choice(["09:30", "11:00", "14:00", "16:30"])
    request = wording.format(name=name, date=date, topic=topic, hour=hour)
    return Run(
        request,
        [
            user(request),
            call("directory.lookup", {"query": name}, {"name": name, "email": email}),
            call("calendar.find_free_slots", {"attendees": [email], "date": date}, {"free": [f"{date}T{hour}"]}),
            call(
                "calendar.create_event",
                {
                    "title": topic.replace("the ", "").title(),
                    "attendees": [email],
                    "start": f"{date}T{hour}",
                    "duration_minutes": 30,
                },
                {"id": f"evt_{r.randrange(10**6)}"},
            ),
            say(f"Booked 30 minutes with {name} on {date} at {hour}."),
        ],
    )


def cancel_meeting(r: random.Random, wording: str) -> Run:
    name, email, _ = r.choice(PEOPLE)
    date = r.choice(DATES)
    event = f"evt_{r.randrange(10**6)}"
    request = wording.format(name=name, date=date)
    return Run(
        request,
        [
            user(request),
            call(
                "calendar.list_events", {"date": date, "attendee": email}, {"events": [{"id": event, "title": "Sync"}]}
            ),
            call("calendar.delete_event", {"event_id": event, "notify_attendees": True}, {"deleted": True}),
            say(f"Cancelled the {date} meeting with {name}; they have been notified."),
        ],
    )


def summarize_emails(r: random.Random, wording: str) -> Run:
    name, email, _ = r.choice(PEOPLE)
    topic = r.choice(TOPICS)
    ids = [f"msg_{r.randrange(10**8):08d}" for _ in range(2)]
    request = wording.format(name=name, topic=topic)
    word = topic.split()[-1]
    return Run(
        request,
        [
            user(request),
            call(
                "gmail.search", {"q": f"from:{email} {word}", "max_results": 20}, {"messages": [{"id": i} for i in ids]}
            ),
            call(
                "gmail.get_message", {"id": ids[0]}, {"subject": f"Re: {topic}", "body": "We agreed to move forward."}
            ),
            call("gmail.get_message", {"id": ids[1]}, {"subject": f"{topic} numbers", "body": "Numbers attached."}),
            say(f"{name} wrote twice about {topic}: they agreed to move forward and sent the numbers."),
        ],
    )


def share_document(r: random.Random, wording: str) -> Run:
    name, email, _ = r.choice(PEOPLE)
    doc = r.choice(["Q3 forecast", "Hiring plan 2027", "Launch checklist", "Vendor scorecard"])
    file_id = f"1{r.randrange(10**9):09d}xYz"
    request = wording.format(name=name, doc=doc)
    return Run(
        request,
        [
            user(request),
            call("drive.search_files", {"query": f"name contains '{doc}'"}, {"files": [{"id": file_id, "name": doc}]}),
            call("drive.share_file", {"file_id": file_id, "email": email, "role": "writer"}, {"ok": True}),
            call(
                "gmail.send",
                {"to": email, "subject": f"Shared: {doc}", "body": f"I shared '{doc}' with you."},
                {"id": "s1"},
            ),
            say(f"Shared '{doc}' with {name} as an editor and let them know by email."),
        ],
    )


def file_bug_ticket(r: random.Random, wording: str) -> Run:
    _, _, handle = r.choice(PEOPLE)
    service = r.choice(SERVICES)
    key = f"OPS-{r.randrange(100, 999)}"
    request = wording.format(handle=handle, service=service)
    return Run(
        request,
        [
            user(request),
            call(
                "jira.search_issues",
                {"jql": f'project = OPS AND text ~ "{service} timeout" AND status != Done'},
                {"issues": []},
            ),
            call(
                "jira.create_issue",
                {"project": "OPS", "type": "Bug", "summary": f"{service} requests time out", "priority": "High"},
                {"key": key},
            ),
            call("jira.assign_issue", {"key": key, "assignee": handle}, {"ok": True}),
            say(f"No open ticket existed, so I filed {key} (High) and assigned it to {handle}."),
        ],
    )


def fix_failing_test(r: random.Random, wording: str) -> Run:
    module = r.choice(MODULES)
    test = f"tests/test_{module.split('/')[1]}"
    fn = r.choice(["test_rounding", "test_expiry", "test_empty_input", "test_unicode_names"])
    request = wording.format(test=f"{test}::{fn}", module=module)
    return Run(
        request,
        [
            user(request),
            call(
                "bash",
                {"command": f"pytest {test}::{fn} -x -q"},
                f"FAILED {test}::{fn} - AssertionError: 10.0 != 10.01",
            ),
            call("read_file", {"path": module}, "def total(items):\n    return round(sum(items), 1)\n"),
            call("edit_file", {"path": module, "old": "round(sum(items), 1)", "new": "round(sum(items), 2)"}, "ok"),
            call("bash", {"command": f"pytest {test} -q"}, "12 passed in 0.41s"),
            say(f"The test failed because totals were rounded to one decimal; fixed in {module}, all 12 tests pass."),
        ],
    )


def bump_dependency(r: random.Random, wording: str) -> Run:
    package, old, new = r.choice(PACKAGES)
    branch = f"deps/{package}-{new}"
    request = wording.format(package=package, version=new)
    return Run(
        request,
        [
            user(request),
            call("bash", {"command": f"git checkout -b {branch}"}, f"Switched to a new branch '{branch}'"),
            call("edit_file", {"path": "pyproject.toml", "old": f"{package}=={old}", "new": f"{package}=={new}"}, "ok"),
            call("bash", {"command": "pip install -e . && pytest -q"}, "148 passed in 9.80s"),
            call("bash", {"command": f"git commit -am 'Bump {package} to {new}' && git push -u origin {branch}"}, "ok"),
            call(
                "mcp__github__create_pull_request",
                {"repo": "northwind/api", "head": branch, "base": "main", "title": f"Bump {package} to {new}"},
                {"number": r.randrange(100, 999)},
            ),
            say(f"Opened a PR bumping {package} {old} -> {new}; tests pass."),
        ],
    )


def restart_deployment(r: random.Random, wording: str) -> Run:
    service = r.choice(SERVICES)
    pod = f"{service}-7d9f{r.randrange(100, 999)}-x2k"
    request = wording.format(service=service)
    return Run(
        request,
        [
            user(request),
            call(
                "bash", {"command": f"kubectl -n prod get pods -l app={service}"}, f"{pod}   0/1   CrashLoopBackOff   7"
            ),
            call("bash", {"command": f"kubectl -n prod logs {pod} --tail=50"}, "Error: connection pool exhausted"),
            call(
                "bash",
                {"command": f"kubectl -n prod rollout restart deployment/{service}"},
                f"deployment.apps/{service} restarted",
            ),
            call(
                "bash",
                {"command": f"kubectl -n prod rollout status deployment/{service} --timeout=120s"},
                "successfully rolled out",
            ),
            say(f"{service} was crash-looping (connection pool exhausted); restarted it and it is healthy."),
        ],
    )


def clean_disk(r: random.Random, wording: str) -> Run:
    host, service = r.choice(HOSTS), r.choice(SERVICES)
    days = r.choice([7, 14, 30])
    request = wording.format(host=host, service=service)
    return Run(
        request,
        [
            user(request),
            call("ssh.exec", {"host": host, "command": "df -h /var"}, "/dev/sda1  50G  47G  3G  94% /var"),
            call(
                "ssh.exec",
                {"host": host, "command": f"sudo find /var/log/{service} -name '*.gz' -mtime +{days} -delete"},
                "",
            ),
            call("ssh.exec", {"host": host, "command": "df -h /var"}, "/dev/sda1  50G  30G  20G  61% /var"),
            say(f"Removed {service} logs older than {days} days on {host}: /var went from 94% to 61%."),
        ],
    )


def add_dns_record(r: random.Random, wording: str) -> Run:
    sub = r.choice(["status", "docs", "grafana", "staging", "vpn"])
    ip = f"10.{r.randrange(256)}.{r.randrange(256)}.{r.randrange(1, 255)}"
    request = wording.format(sub=sub, ip=ip)
    return Run(
        request,
        [
            user(request),
            call(
                "cloudflare.list_dns_records", {"zone": "northwind.io", "name": f"{sub}.northwind.io"}, {"records": []}
            ),
            call(
                "cloudflare.create_dns_record",
                {"zone": "northwind.io", "type": "A", "name": sub, "content": ip, "ttl": 300, "proxied": False},
                {"id": f"rec{r.randrange(10**6)}"},
            ),
            call("bash", {"command": f"dig +short {sub}.northwind.io"}, ip),
            say(f"Added an A record {sub}.northwind.io -> {ip}; it resolves."),
        ],
    )


def signups_report(r: random.Random, wording: str) -> Run:
    country, since = r.choice(COUNTRIES), r.choice(DATES)
    request = wording.format(country=country, since=since)
    query = (
        f"SELECT date_trunc('week', created_at) AS week, count(*) FROM users WHERE country = '{country}' "
        f"AND created_at >= '{since}' GROUP BY 1 ORDER BY 1"
    )
    return Run(
        request,
        [
            user(request),
            call(
                "run_sql",
                {"database": "analytics", "query": query},
                {"rows": [["2026-11-02", 412], ["2026-11-09", 455]]},
            ),
            call(
                "python",
                {
                    "code": "import pandas as pd\ndf = pd.DataFrame(rows, columns=['week','signups'])\n"
                    "df.plot(x='week', y='signups').figure.savefig('signups.png')"
                },
                "saved signups.png",
            ),
            say(f"Weekly signups in {country} since {since}: 412, then 455. Chart saved as signups.png."),
        ],
    )


def dedupe_csv(r: random.Random, wording: str) -> Run:
    name = r.choice(["customers", "leads", "contacts", "vendors"])
    path = f"data/{name}_{r.choice(DATES)}.csv"
    key = r.choice(["email", "customer_id", "phone"])
    request = wording.format(path=path, key=key)
    out = path.replace(".csv", "_clean.csv")
    return Run(
        request,
        [
            user(request),
            call(
                "python",
                {
                    "code": f"import pandas as pd\ndf = pd.read_csv('{path}')\n"
                    f"print(len(df), df['{key}'].duplicated().sum())"
                },
                "5230 318",
            ),
            call(
                "python",
                {
                    "code": f"df = df.drop_duplicates(subset='{key}', keep='last')\ndf.to_csv('{out}', index=False)\n"
                    "print(len(df))"
                },
                "4912",
            ),
            say(f"Dropped 318 duplicate rows by {key}; wrote {out} (4,912 rows)."),
        ],
    )


def refund_charge(r: random.Random, wording: str) -> Run:
    name, email, _ = r.choice(PEOPLE)
    charge = f"ch_{r.randrange(10**10)}"
    amount = r.choice([1900, 4900, 12900])
    request = wording.format(name=name, email=email, amount=f"${amount / 100:.2f}")
    return Run(
        request,
        [
            user(request),
            call("stripe.search_customers", {"query": f"email:'{email}'"}, {"data": [{"id": "cus_" + email[:4]}]}),
            call(
                "stripe.list_charges",
                {"customer": "cus_" + email[:4], "limit": 5},
                {"data": [{"id": charge, "amount": amount}]},
            ),
            call(
                "stripe.create_refund", {"charge": charge, "reason": "requested_by_customer"}, {"status": "succeeded"}
            ),
            say(f"Refunded {amount / 100:.2f} to {name}."),
        ],
    )


def reschedule_meeting(r: random.Random, wording: str) -> Run:
    name, email, _ = r.choice(PEOPLE)
    date, new_date = r.sample(DATES, 2)
    event = f"evt_{r.randrange(10**6)}"
    request = wording.format(name=name, date=date, new_date=new_date)
    return Run(
        request,
        [
            user(request),
            call("calendar.list_events", {"date": date, "attendee": email}, {"events": [{"id": event}]}),
            call("calendar.find_free_slots", {"attendees": [email], "date": new_date}, {"free": [f"{new_date}T10:00"]}),
            call("calendar.update_event", {"event_id": event, "start": f"{new_date}T10:00"}, {"ok": True}),
            say(f"Moved the meeting with {name} from {date} to {new_date} at 10:00."),
        ],
    )


def answer_invite(status: str) -> Callable[[random.Random, str], Run]:
    def make(r: random.Random, wording: str) -> Run:
        name, email, _ = r.choice(PEOPLE)
        date = r.choice(DATES)
        event = f"evt_{r.randrange(10**6)}"
        request = wording.format(name=name, date=date)
        return Run(
            request,
            [
                user(request),
                call("calendar.list_events", {"date": date, "organizer": email}, {"events": [{"id": event}]}),
                call("calendar.respond_to_event", {"event_id": event, "response": status}, {"ok": True}),
                say(f"Done: {status} the invite from {name} for {date}."),
            ],
        )

    return make


def forward_email(r: random.Random, wording: str) -> Run:
    name, email, _ = r.choice(PEOPLE)
    other, other_email, _ = r.choice([p for p in PEOPLE if p[0] != name])
    topic = r.choice(TOPICS)
    message = f"msg_{r.randrange(10**8):08d}"
    request = wording.format(name=name, other=other, topic=topic)
    return Run(
        request,
        [
            user(request),
            call(
                "gmail.search",
                {"q": f"from:{email} {topic.split()[-1]}", "max_results": 5},
                {"messages": [{"id": message}]},
            ),
            call("gmail.forward", {"id": message, "to": other_email}, {"id": "fwd1"}),
            say(f"Forwarded {name}'s email about {topic} to {other}."),
        ],
    )


TaskMaker = Callable[[random.Random, str], Run]
# Each task type: its maker, wordings for ingested runs, and other wordings for the queries.
TASKS: dict[str, tuple[TaskMaker, list[str], list[str]]] = {
    "schedule_meeting": (
        schedule_meeting,
        [
            "Schedule a 30 minute meeting with {name} on {date} at {hour} about {topic}.",
            "Can you set up a call with {name} for {date}? Around {hour}, we need to talk about {topic}.",
            "Put 30 min on my calendar with {name} on {date} ({hour}) to discuss {topic}.",
            "I need to meet {name} on {date} at {hour} regarding {topic}, please book it.",
        ],
        [
            "Book half an hour with {name} next week to go over {topic}.",
            "Find a time with {name} on {date} and send an invite",
        ],
    ),
    "cancel_meeting": (
        cancel_meeting,
        [
            "Cancel my meeting with {name} on {date}.",
            "Something came up, please call off the {date} sync with {name}.",
            "Remove the meeting with {name} on {date} from my calendar and let them know.",
            "I can't make it to the {date} meeting with {name}, can you cancel it?",
        ],
        ["Drop my 1:1 with {name} on {date}", "Please delete the {date} event with {name}, I'm out sick"],
    ),
    "summarize_emails": (
        summarize_emails,
        [
            "Find the emails from {name} about {topic} and summarize them.",
            "What has {name} been saying about {topic}? Check my inbox.",
            "Summarize {name}'s recent emails on {topic} for me.",
            "Can you go through my mail and tell me what {name} wrote about {topic}?",
        ],
        [
            "Give me a quick digest of the messages {name} sent about {topic}",
            "Catch me up on {name}'s emails re {topic}",
        ],
    ),
    "share_document": (
        share_document,
        [
            "Share the '{doc}' doc with {name} and give them edit access.",
            "Please give {name} write access to {doc} and tell them it's shared.",
            "Can you share {doc} with {name}? They need to edit it.",
            "Send {name} the {doc} document, editor rights please.",
        ],
        ["Let {name} edit the {doc} file in Drive", "Grant {name} access to our {doc} doc"],
    ),
    "file_bug_ticket": (
        file_bug_ticket,
        [
            "{service} requests keep timing out. File a bug in Jira for it and assign it to {handle}.",
            "Open a high priority OPS ticket about the {service} timeouts and give it to {handle}.",
            "Please create a Jira bug for the {service} timeout issue, assignee {handle}, unless one exists already.",
            "Log a ticket for {service} timing out and assign {handle}.",
        ],
        [
            "We need a Jira issue for the {service} latency timeouts, assign to {handle}",
            "Raise a bug: {service} is timing out. Owner {handle}.",
        ],
    ),
    "fix_failing_test": (
        fix_failing_test,
        [
            "{test} is failing, can you fix it?",
            "Please make {test} pass again.",
            "CI is red because of {test}. Fix the code in {module}.",
            "The test {test} broke after yesterday's merge, fix it please",
        ],
        ["Figure out why {test} fails and fix it", "{test} keeps failing on main, sort it out"],
    ),
    "bump_dependency": (
        bump_dependency,
        [
            "Bump {package} to {version} and open a PR.",
            "Upgrade {package} to version {version}, run the tests and make a pull request.",
            "Can you update our {package} dependency to {version}? Open a PR when tests pass.",
            "Please move {package} to {version} in pyproject and send a PR.",
        ],
        [
            "Upgrade the {package} pin to {version} with a PR",
            "We need {package} {version}, update it and raise a pull request",
        ],
    ),
    "restart_deployment": (
        restart_deployment,
        [
            "The {service} service is crash looping in prod, restart it.",
            "{service} pods keep crashing, can you take a look and restart the deployment?",
            "Please restart the {service} deployment in prod, it's down.",
            "Check why {service} is down in production and bounce it.",
        ],
        ["{service} is in CrashLoopBackOff, fix it", "Restart {service} on the prod cluster please, it keeps dying"],
    ),
    "clean_disk": (
        clean_disk,
        [
            "Disk on {host} is almost full, clean up old {service} logs.",
            "{host} is running out of space, please delete old {service} log archives.",
            "Free up disk space on {host} by removing old {service} logs.",
            "Can you clear out the old {service} logs on {host}? /var is at 94%.",
        ],
        [
            "{host} disk usage alert, purge the stale {service} logs",
            "Make some room on {host}, old {service} logs can go",
        ],
    ),
    "add_dns_record": (
        add_dns_record,
        [
            "Add an A record for {sub}.northwind.io pointing to {ip}.",
            "Point {sub}.northwind.io at {ip} please.",
            "Create a DNS entry {sub} -> {ip} in our northwind.io zone.",
            "We need {sub}.northwind.io to resolve to {ip}, set it up.",
        ],
        [
            "Set up DNS so {sub}.northwind.io goes to {ip}",
            "New subdomain {sub} for {ip}, can you add it in Cloudflare?",
        ],
    ),
    "signups_report": (
        signups_report,
        [
            "How many signups did we get per week in {country} since {since}? Make a chart.",
            "Plot weekly new users from {country} starting {since}.",
            "Pull the weekly signup numbers for {country} since {since} and chart them.",
            "Give me a weekly signups chart for {country} from {since} on.",
        ],
        [
            "Weekly registrations in {country} since {since}, as a graph",
            "Chart how many people signed up each week in {country}",
        ],
    ),
    "dedupe_csv": (
        dedupe_csv,
        [
            "Remove duplicate rows from {path} by {key} and save a clean copy.",
            "{path} has duplicates on {key}, dedupe it please.",
            "Clean up {path}: drop rows with a repeated {key}.",
            "Deduplicate {path} on the {key} column and write it out.",
        ],
        ["There are repeated {key}s in {path}, clean that file", "Drop the duplicate {key} entries in {path}"],
    ),
    "refund_charge": (
        refund_charge,
        [
            "Refund the last charge for {email}.",
            "{name} ({email}) asked for a refund of their {amount} payment, please process it.",
            "Please refund {email}'s most recent payment in Stripe.",
            "Issue a refund to {name}, email {email}, for the last charge.",
        ],
        ["Give {email} their money back for the latest charge", "Process a refund for customer {email}"],
    ),
    "reschedule_meeting": (
        reschedule_meeting,
        [
            "Move my meeting with {name} on {date} to {new_date}.",
            "Can you push the {date} sync with {name} to {new_date}?",
            "Please reschedule {name}'s meeting from {date} to {new_date}.",
            "I need to shift my {date} call with {name} over to {new_date}.",
        ],
        [
            "Postpone the meeting I have with {name} on {date} until {new_date}",
            "Change my {date} 1:1 with {name} to {new_date}",
        ],
    ),
    "accept_invite": (
        answer_invite("accepted"),
        [
            "Accept {name}'s invite for {date}.",
            "Please say yes to the meeting {name} sent for {date}.",
            "RSVP yes to {name}'s {date} invitation.",
            "I'll attend {name}'s meeting on {date}, accept it for me.",
        ],
        ["Confirm I'm coming to {name}'s meeting on {date}", "Accept the calendar invite from {name} for {date}"],
    ),
    "decline_invite": (
        answer_invite("declined"),
        [
            "Decline {name}'s invite for {date}.",
            "Please say no to the meeting {name} sent for {date}.",
            "RSVP no to {name}'s {date} invitation, I'm busy.",
            "I can't attend {name}'s meeting on {date}, decline it for me.",
        ],
        ["Turn down the calendar invite from {name} for {date}", "Reject {name}'s meeting request on {date}"],
    ),
    "forward_email": (
        forward_email,
        [
            "Forward {name}'s email about {topic} to {other}.",
            "Can you send the message {name} wrote about {topic} on to {other}?",
            "Please pass {name}'s mail on {topic} along to {other}.",
            "Forward the {topic} email from {name} to {other}, thanks.",
        ],
        ["Share the email {name} sent me about {topic} with {other}", "Send {other} a copy of {name}'s {topic} email"],
    ),
}

# Asked but never ingested: the right answer is nothing (or only low-confidence hits).
NOVEL = [
    ("archive_slack", "Archive every Slack channel with no messages in 90 days"),
    ("create_bucket", "Create an S3 bucket for the ml team with versioning turned on"),
    ("translate_readme", "Translate the README into Spanish"),
    ("book_room", "Reserve the big conference room for Thursday afternoon"),
    ("rotate_keys", "Rotate the AWS access keys of the ci user"),
    ("merge_pdfs", "Merge these three PDFs into one file"),
]


def failed(run: Run, how: str) -> Run:
    """The same run, failing visibly: its last change errors, or the user says it did not work."""
    turns = list(run.turns)
    last_call = max(i for i, t in enumerate(turns) if t["role"] == "call")
    if how == "error":
        turns[last_call] = {**turns[last_call], "result": "Error: permission denied (403)", "error": True}
        turns = [*turns[: last_call + 1], say("That step failed with a permission error; I could not finish.")]
    else:
        turns = [*turns, user("That didn't work, it's still broken."), say("Sorry about that.")]
    return Run(run.request, turns, success=False)


# --- formats -----------------------------------------------------------------------------------------------


def openai_chat(turns: list[dict[str, Any]], ids: itertools.count[int]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [{"role": "system", "content": "You are a helpful assistant with tools."}]
    for turn in turns:
        if turn["role"] != "call":
            out.append({"role": turn["role"], "content": turn["text"]})
            continue
        cid = f"call_{next(ids)}"
        result = turn["result"] if isinstance(turn["result"], str) else json.dumps(turn["result"])
        out.append(
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": cid,
                        "type": "function",
                        "function": {"name": turn["tool"], "arguments": json.dumps(turn["args"])},
                    }
                ],
            }
        )
        out.append({"role": "tool", "tool_call_id": cid, "content": result})
    return out


def anthropic_messages(turns: list[dict[str, Any]], ids: itertools.count[int]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for turn in turns:
        if turn["role"] != "call":
            out.append({"role": turn["role"], "content": [{"type": "text", "text": turn["text"]}]})
            continue
        cid = f"toolu_{next(ids):06d}"
        result = turn["result"] if isinstance(turn["result"], str) else json.dumps(turn["result"])
        out.append(
            {
                "role": "assistant",
                "content": [{"type": "tool_use", "id": cid, "name": turn["tool"], "input": turn["args"]}],
            }
        )
        out.append(
            {
                "role": "user",
                "content": [
                    {"type": "tool_result", "tool_use_id": cid, "content": result, "is_error": bool(turn["error"])}
                ],
            }
        )
    return out


def write_set(out: Path, seed: int, ingested: int) -> Path:
    r = random.Random(seed)
    ids = itertools.count(1)
    out.mkdir(parents=True, exist_ok=True)
    lines: list[dict[str, Any]] = []
    for task, (maker, wordings, queries) in TASKS.items():
        for n in range(ingested):
            run = maker(r, wordings[n % len(wordings)])
            if n == ingested - 1:
                run = failed(run, "error" if len(task) % 2 else "user")
            fmt = anthropic_messages if n % 2 else openai_chat
            name = f"{task}-{n}.json"
            (out / name).write_text(json.dumps(fmt(run.turns, ids), indent=1))
            lines.append({"trace_file": name, "task": task, "success": run.success})
        lines.extend({"query": maker(r, wording).request, "task": task} for wording in queries)
    lines.extend({"query": query, "task": task} for task, query in NOVEL)
    index = out / "sessions.jsonl"
    index.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return index


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("/tmp/work_sessions"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=5, help="ingested runs per task type (the last one fails)")
    args = parser.parse_args()
    index = write_set(args.out, args.seed, args.runs)
    print(f"wrote {index}; now run: deftly bench --jsonl {index} --verbose")


if __name__ == "__main__":
    main()
