"""Labelled agent sessions in a sixth set of domains, written blind: school administration in a student
information system (enroll a student in a section, record a grade change), event ticketing (transfer tickets to
another fan, issue comp tickets), game live-ops (ban a cheater after checking the evidence; grant an outage
compensation and post the in-game notice -- two requests in one session), a smart building (change a zone's
thermostat schedule, investigate an offline sensor -- read only), manufacturing (put a lot on quality hold, release
a held lot), a nonprofit donor CRM (log a gift and send the tax receipt), a research lab LIMS (register a sample),
DNS and certificates (add a DNS record; check a certificate and renew only if it is close to expiry -- usually
nothing to do), a newsroom CMS (issue a correction) and observability (silence an alert). A held-out-style check
for ``deftly bench --jsonl DIR/sessions.jsonl``.

Written without reading deftly's extraction, matching or ranking code, and not tuned to it. Every one of the 16
task types is run 7 times (5 or 6 successes, 1 or 2 failures) with other people, ids, dates and amounts, in a
different wording each time (terse, polite and long, non-native English, typos, split over two messages, the agent
asking a clarifying question first) and in a different trace format each time. Agents differ: some look records up
before acting, some narrate, some confirm before writes, some re-read after a write. Failures are visible (an
unrecovered tool error, the user saying it did not work, a wrong refusal) or silent (the wrong record, a skipped
required step or a wrong action, and the user says thanks). Eight sessions carry a second, different request from
the same domain (labelled in ``also``). A few users paste secrets (listed in the manifest). Tool names mix styles
by domain (``sis.enroll_student``, ``mcp__boxoffice__transfer_tickets``, ``banPlayer``, ``bms_update_schedule``,
``create_gift``); Claude Code runs expose every tool as ``mcp__server__tool``, Codex runs as ``server__tool``, and
most DNS, certificate and alerting runs in those two harnesses use a shell CLI instead (``flarectl``, ``dig``,
``openssl``, ``amtool``).

Trace formats and their writers are those of bench/fourth_domains.py, the planning of runs, the command line and
the files written into DIR (run_XXXX.json(l), sessions.jsonl, meta/manifest.json) those of bench/fifth_domains.py.
Each task type gets 3 unseen queries worded unlike its runs; 8 novel queries ask for task types that were never
run.

    python bench/sixth_domains.py --out DIR [--seed N]
    deftly bench --jsonl DIR/sessions.jsonl --verbose
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fifth_domains
from fifth_domains import ALNUM, Task, TaskSet, an, day, dg, has, hx, iso, luhn, main, uid, usd
from fourth_domains import Run

BASE = dt.datetime(2025, 3, 10, 7, 45)

FIRST = [
    "Odalys", "Kieran", "Mireille", "Tomasz", "Priyanka", "Lukas", "Mei", "Obinna", "Renata", "Sho", "Yasmin",
    "Declan", "Luz", "Henrik", "Zanele", "Karan", "Sigrid", "Kofi", "Laleh", "Mateo", "Ilse", "Nikhil", "Freya",
    "Omar", "Tatiana", "Jamal", "Ximena", "Anders", "Min-jun", "Chiamaka", "Aurelie", "Rahul", "Dalia", "Felix",
]  # fmt: skip
LAST = [
    "Abiodun", "Bergstrom", "Cavendish", "Dumitru", "Esposito", "Fitzgerald", "Grünewald", "Haddad", "Ishikawa",
    "Jovanovic", "Kowalczyk", "Lindqvist", "Moreau", "Nwosu", "Okonkwo", "Paredes", "Quintero", "Rosenthal",
    "Sandoval", "Takahashi", "Underwood", "Valdivia", "Wojcik", "Yilmaz", "Zamora", "Ahlberg", "Brennan", "Castillo",
]  # fmt: skip
SECRETS_NOTE = (
    "One more thing: please don't paste credentials into chat — I don't need them (the integration is already "
    "authenticated), and that one should be rotated now that it's in this transcript."
)


# small helpers -----------------------------------------------------------------------------------------------------
def person(rng: random.Random, dom: str = "") -> dict[str, str]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    dom = dom or rng.choice(["gmail.com", "outlook.com", "proton.me", "yahoo.com", "icloud.com", "fastmail.com"])
    local = rng.choice([f"{first}.{last}", f"{first[0]}{last}", f"{first}{rng.randint(1, 99)}"]).lower()
    local = local.replace("ü", "ue").replace("-", "")
    return {"first": first, "last": last, "name": f"{first} {last}", "email": f"{local}@{dom}"}


def base(rng: random.Random, dom: str) -> dict[str, Any]:
    now = BASE + dt.timedelta(days=rng.randint(0, 250), minutes=rng.randint(0, 560))
    op = person(rng, dom)
    return {"now": now, "today": now.date().isoformat(), "op": op["first"], "op_email": op["email"]}


def cli(r: Run, p: float = 0.75) -> bool:
    """Does this run use a shell CLI instead of tools (only coding-agent harnesses have a shell)?"""
    return r.fmt in ("claude-code", "codex") and r.rng.random() < p


def done(r: Run, text: str) -> None:
    """The agent's closing message, with this set's note on a pasted credential."""
    fifth_domains.done(r, text, SECRETS_NOTE)


# school administration (SIS): enroll in a section; grade change ----------------------------------------------------
COURSES = [
    ("BIO 110", "Principles of Biology"), ("MATH 151", "Calculus I"), ("CHEM 121", "General Chemistry I"),
    ("HIST 204", "Modern Latin America"), ("CS 142", "Data Structures"), ("PSY 101", "Introduction to Psychology"),
    ("ENG 230", "Creative Writing: Fiction"), ("ECON 202", "Principles of Macroeconomics"),
]  # fmt: skip
TERMS = ["Fall 2025", "Spring 2026", "Summer 2025"]
DAYS = ["MWF 09:00-09:50", "TR 10:30-11:45", "MW 13:00-14:15", "TR 16:00-17:15", "MWF 11:00-11:50", "W 18:00-20:40"]
INSTRUCTORS = ["Dr. Adeyemi", "Prof. Lindgren", "Dr. Castaneda", "Prof. Whitfield", "Dr. Nakamura", "Dr. Osei"]


def student(rng: random.Random) -> dict[str, str]:
    p = person(rng, "students.halden.edu")
    return {"stu": p["name"], "stu_first": p["first"], "stu_email": p["email"], "stu_id": "H" + dg(rng, 8)}


def v_enroll(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "halden.edu")
    v.update(student(rng))
    code, title = rng.choice(COURSES)
    times = rng.sample(DAYS, 3)
    secs = [{"section_id": "SEC-" + dg(rng, 5), "section": f"{n:02d}", "meets": times[i],
             "instructor": rng.choice(INSTRUCTORS), "capacity": (cap := rng.choice([24, 30, 35, 40])),
             "enrolled": cap - rng.randint(1, 6)} for i, n in enumerate(rng.sample(range(1, 9), 3))]  # fmt: skip
    want = rng.choice(secs)
    v.update(course=code, title=title, term=rng.choice(TERMS[:2]), secs=secs, want=want, sec=want["section"],
             meets=want["meets"], advisor=person(rng, "halden.edu")["name"])  # fmt: skip
    return v


def b_enroll(r: Run, v: dict[str, Any]) -> None:
    g, sid = r.rng, v["stu_id"]
    r.call(
        "sis.find_student",
        {"query": sid if has(v, "stu_id") else v["stu"]},
        {
            "students": [
                {
                    "student_id": sid,
                    "name": v["stu"],
                    "email": v["stu_email"],
                    "program": g.choice(["BS Biology", "BA History", "Undeclared", "BS Computer Science"]),
                    "holds": [],
                    "standing": "good",
                }
            ]
        },
    )
    r.call("sis.list_sections", {"course": v["course"], "term": v["term"]},
           {"course": v["course"], "title": v["title"], "term": v["term"], "sections": v["secs"]})  # fmt: skip
    pick = v["want"] if r.fk != "silent" else next(s for s in v["secs"] if s is not v["want"])
    if r.style.auth_first:
        r.call(
            "sis.check_prerequisites",
            {"student_id": sid, "course": v["course"], "term": v["term"]},
            {"eligible": True, "prerequisites": [{"course": "placement", "status": "met"}], "conflicts": []},
        )
    r.confirm(f"I'll enroll {v['stu']} ({sid}) in {v['course']} section {pick['section']} ({pick['meets']}, "
              f"{pick['instructor']}) for {v['term']}.")  # fmt: skip
    args = {"student_id": sid, "section_id": pick["section_id"], "term": v["term"], "override_capacity": False}
    if r.fk == "visible":
        r.err("sis.enroll_student", args, f"Error: 409 SECTION_FULL — {v['course']}-{pick['section']} is at "
              f"capacity ({pick['capacity']}/{pick['capacity']}); waitlist is closed for {v['term']}")  # fmt: skip
        done(r, f"I couldn't enroll {v['stu']}: {v['course']} section {pick['section']} filled up "
                f"({pick['capacity']}/{pick['capacity']}) and the waitlist is closed. A capacity override has to "
                "come from the department chair.")  # fmt: skip
        return
    eid = "ENR-" + dg(g, 7)
    r.call("sis.enroll_student", args,
           {"enrollment_id": eid, "status": "enrolled", "credits": g.choice([3, 4]),
            "seats_remaining": pick["capacity"] - pick["enrolled"] - 1})  # fmt: skip
    if r.style.verify:
        r.call(
            "sis.get_schedule",
            {"student_id": sid, "term": v["term"]},
            {
                "student_id": sid,
                "term": v["term"],
                "courses": [
                    {"course": v["course"], "section": pick["section"], "meets": pick["meets"], "status": "enrolled"}
                ],
            },
        )
    done(r, f"{v['stu']} is enrolled in {v['course']} {v['title']}, section {pick['section']} ({pick['meets']}, "
            f"{pick['instructor']}) for {v['term']} — enrollment {eid}.")  # fmt: skip


GRADES = ["A", "A-", "B+", "B", "B-", "C+", "C", "D", "F", "I"]
GRADE_WHY = [
    ("incomplete resolved", "Incomplete resolved — final project submitted"),
    ("grading error on the final", "Calculation error on final exam score"),
    ("regrade after appeal", "Grade appeal upheld by department"),
    ("missing assignment found", "Late-posted assignment score added"),
]  # fmt: skip


def v_grade(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "halden.edu")
    v.update(student(rng))
    code, title = rng.choice(COURSES)
    old = rng.choice(GRADES[4:])
    new = rng.choice([x for x in GRADES[:6] if GRADES.index(x) < GRADES.index(old)])
    why, reason = rng.choice(GRADE_WHY)
    v.update(course=code, title=title, term="Fall 2024" if rng.random() < 0.5 else "Spring 2025", old=old, new=new,
             why=why, reason=reason, prof=rng.choice(INSTRUCTORS), eid="ENR-" + dg(rng, 7),
             retake_eid="ENR-" + dg(rng, 7), retake_grade=rng.choice(["W", "D", "F"]))  # fmt: skip
    return v


def b_grade(r: Run, v: dict[str, Any]) -> None:
    if r.fk == "visible":
        done(r, "I'm sorry, I can't change grades. Grade changes have to be entered by the instructor of record in "
                "the faculty portal — please ask them to submit it.")  # fmt: skip
        return
    g, sid = r.rng, v["stu_id"]
    r.call(
        "sis.find_student",
        {"query": v["stu"]},
        {"students": [{"student_id": sid, "name": v["stu"], "email": v["stu_email"], "status": "active"}]},
    )
    prior = "Spring 2024" if v["term"] == "Fall 2024" else "Fall 2023"
    ens = [{"enrollment_id": v["eid"], "course": v["course"], "term": v["term"], "final_grade": v["old"],
            "instructor": v["prof"]},
           {"enrollment_id": v["retake_eid"], "course": v["course"], "term": prior,
            "final_grade": v["retake_grade"], "instructor": g.choice(INSTRUCTORS)}]  # fmt: skip
    r.call("sis.get_enrollments", {"student_id": sid, "course": v["course"]}, {"enrollments": ens})
    target = ens[0] if r.fk != "silent" else ens[1]
    r.confirm(f"I'll change {v['stu']}'s {v['course']} grade for {target['term']} from {target['final_grade']} to "
              f"{v['new']} ({v['reason']}).")  # fmt: skip
    cid = "GC-" + dg(g, 6)
    r.call("sis.submit_grade_change",
           {"enrollment_id": target["enrollment_id"], "from_grade": target["final_grade"], "to_grade": v["new"],
            "reason": v["reason"], "approved_by": v["prof"]},
           {"change_id": cid, "status": "posted", "transcript_updated": True})  # fmt: skip
    if r.style.verify:
        r.call("sis.get_enrollments", {"student_id": sid, "course": v["course"]},
               {"enrollments": [{**target, "final_grade": v["new"]}]})  # fmt: skip
    done(r, f"Grade change {cid} posted: {v['stu']} ({sid}), {v['course']} {target['term']}, "
            f"{target['final_grade']} → {v['new']}. The transcript is updated.")  # fmt: skip


# event ticketing: transfer tickets; issue comps --------------------------------------------------------------------
EVENTS = [
    ("Mitski — The Land Is Inhospitable Tour", "Paramount Theatre"), ("Khruangbin", "Red Rocks Amphitheatre"),
    ("Hamilton (touring)", "Orpheum Theatre"), ("Portland Timbers vs. Seattle Sounders", "Providence Park"),
    ("Bon Iver", "The Greek Theatre"), ("Cirque du Soleil — Kooza", "Grand Chapiteau"),
    ("Jazz at the Lake: Kamasi Washington", "Lakeside Pavilion"),
]  # fmt: skip


def v_transfer(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "boxly.tickets")
    frm, to = person(rng), person(rng)
    ev, venue = rng.choice(EVENTS)
    when = v["now"] + dt.timedelta(days=rng.randint(4, 60), hours=rng.randint(8, 12))
    sec, row, seat = rng.randint(101, 224), rng.choice("ABCDEFGHJKLM"), rng.randint(1, 20)
    n = rng.randint(2, 4)
    tix = [{"ticket_id": "TKT-" + an(rng, 8), "seat": f"Sec {sec} Row {row} Seat {seat + i}",
            "price_level": "Reserved", "status": "active"} for i in range(n)]  # fmt: skip
    v.update(frm=frm["name"], frm_email=frm["email"], to=to["name"], to_email=to["email"], to_first=to["first"],
             event=ev, venue=venue, when=when, date=day(when), order="BX-" + dg(rng, 8), tix=tix, n=n,
             seats=f"Sec {sec} Row {row}")  # fmt: skip
    return v


def b_transfer(r: Run, v: dict[str, Any]) -> None:
    g = r.rng
    order = {"order_id": v["order"], "purchaser": {"name": v["frm"], "email": v["frm_email"]},
             "event": {"event_id": "EV-" + dg(g, 6), "name": v["event"], "venue": v["venue"],
                       "starts_at": iso(v["when"])}, "tickets": v["tix"], "transferable": True}  # fmt: skip
    look = {"order_id": v["order"]} if has(v, "order") else {"email": v["frm_email"], "event": v["event"]}
    r.call("boxoffice.get_order", look, order)
    ids = [t["ticket_id"] for t in v["tix"]]
    if r.fk == "silent":
        ids = ids[:1]
    r.confirm(f"I'll transfer {len(v['tix'])} tickets ({v['seats']}) for {v['event']} on {v['date']} from "
              f"{v['frm']} to {v['to']} ({v['to_email']}). The old barcodes stop working.")  # fmt: skip
    args = {"ticket_ids": ids, "recipient": {"name": v["to"], "email": v["to_email"]},
            "message": f"{v['frm'].split()[0]} sent you tickets to {v['event']}"}  # fmt: skip
    if r.fk == "visible":
        r.err("boxoffice.transfer_tickets", args, "Error: 423 TRANSFER_LOCKED — the event organizer has disabled "
              f"transfers for {v['event']} (policy: 'no transfers on resale-restricted inventory')")  # fmt: skip
        done(
            r,
            f"The transfer didn't go through: the organizer has locked transfers for {v['event']} (resale-"
            f"restricted inventory). {v['frm']} still holds the tickets; only the organizer can lift it.",
        )
        return
    tid = "TRF-" + dg(g, 7)
    r.call("boxoffice.transfer_tickets", args,
           {"transfer_id": tid, "status": "pending_acceptance", "tickets": ids,
            "expires_at": iso(v["now"] + dt.timedelta(days=3))})  # fmt: skip
    if r.style.verify:
        r.call("boxoffice.get_transfer", {"transfer_id": tid},
               {"transfer_id": tid, "status": "pending_acceptance", "recipient_email": v["to_email"],
                "email_delivered": True})  # fmt: skip
    done(r, f"Transfer {tid} is sent: {v['to']} got an email at {v['to_email']} to accept the tickets for "
            f"{v['event']} ({v['date']}, {v['seats']}). The link is valid 3 days; {v['frm']}'s barcodes are "
            "void once it's accepted.")  # fmt: skip


COMP_WHY = ["artist guest list", "sponsor hospitality", "service recovery for a refund mix-up", "press pass",
            "venue staff family night"]  # fmt: skip


def v_comp(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "boxly.tickets")
    guest = person(rng)
    ev, venue = rng.choice(EVENTS)
    d1 = v["now"].date() + dt.timedelta(days=rng.randint(5, 40))
    dates = [d1, d1 + dt.timedelta(days=1)]
    want = rng.choice([0, 1])
    v.update(guest=guest["name"], guest_email=guest["email"], event=ev, venue=venue, dates=dates, want=want,
             date=day(dates[want]), qty=rng.choice([2, 2, 4, 1]), why=rng.choice(COMP_WHY),
             area=rng.choice(["GA Floor", "Lower Bowl", "Mezzanine", "Orchestra"]), ev_ids=[
                 "EV-" + dg(rng, 6), "EV-" + dg(rng, 6)])  # fmt: skip
    return v


def b_comp(r: Run, v: dict[str, Any]) -> None:
    g = r.rng
    perfs = [
        {
            "event_id": v["ev_ids"][i],
            "name": v["event"],
            "venue": v["venue"],
            "starts_at": f"{d.isoformat()}T19:30:00",
            "status": "on_sale",
        }
        for i, d in enumerate(v["dates"])
    ]
    r.call("boxoffice.search_events", {"query": v["event"].split(" —")[0].split(" (")[0]}, {"events": perfs})
    i = v["want"] if r.fk != "silent" else 1 - v["want"]
    ev = perfs[i]
    hold = "HLD-" + an(g, 5)
    r.call(
        "boxoffice.get_holds",
        {"event_id": ev["event_id"], "type": "comp"},
        {"holds": [{"hold_id": hold, "name": "Comp / House", "area": v["area"], "available": g.randint(6, 40)}]},
    )
    r.confirm(f"I'll issue {v['qty']} comp ticket(s) in {v['area']} for {v['event']} on "
              f"{day(v['dates'][i])} to {v['guest']} ({v['guest_email']}).")  # fmt: skip
    args = {"event_id": ev["event_id"], "hold_id": hold, "quantity": v["qty"],
            "guest": {"name": v["guest"], "email": v["guest_email"]}, "reason": v["why"], "price": 0}  # fmt: skip
    if r.fk == "visible":
        r.err("boxoffice.issue_comp", args, f"Error: 403 COMP_LIMIT_EXCEEDED — your role may issue at most 0 comps "
              f"for event {ev['event_id']} (promoter approval required)")  # fmt: skip
        done(r, f"I couldn't issue the comps: the box office says my role has no comp allowance for {v['event']} "
                "and the promoter has to approve them. Nothing was issued.")  # fmt: skip
        return
    oid = "CMP-" + dg(g, 7)
    r.call("boxoffice.issue_comp", args,
           {"order_id": oid, "tickets": [{"ticket_id": "TKT-" + an(g, 8), "area": v["area"]} for _ in range(v["qty"])],
            "delivery": "email", "total": 0})  # fmt: skip
    done(r, f"Done — {v['qty']} comp ticket(s) for {v['event']} on {day(v['dates'][i])} ({v['area']}) went to "
            f"{v['guest']} at {v['guest_email']}. Order {oid}, reason logged as \"{v['why']}\".")  # fmt: skip


# game live-ops: ban a cheater after checking evidence; outage compensation + in-game notice -----------------------
TAGS = ["NightOwl", "SniperWolf", "PixelPirate", "FrostByte", "GhostRider", "LunaBlade", "ToxicTaco", "VoidWalker"]
CHEATS = [("aimbot", "AIM_SNAP_ANOMALY"), ("wallhack", "TRACE_THROUGH_WALLS"), ("speed hack", "MOVE_SPEED_DELTA"),
          ("memory editing", "CLIENT_INTEGRITY_FAIL")]  # fmt: skip
GAMES = ["Skyforge Legends", "Rift Runners", "Ironclad Arena"]


def v_ban(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "emberforge.gg")
    stem = rng.choice(TAGS)
    tag = rng.choice([f"xX{stem}Xx", f"{stem}{rng.randint(7, 99)}", f"{stem}_{rng.choice(['TTV', 'YT', 'pro'])}"])
    twin = tag.replace("o", "0", 1) if "o" in tag else tag + "_"
    cheat, code = rng.choice(CHEATS)
    v.update(tag=tag, twin=twin, pid=dg(rng, 10), twin_pid=dg(rng, 10), cheat=cheat, code=code,
             game=rng.choice(GAMES), dur=rng.choice(["permanent", "30 days", "14 days"]),
             match="m-" + hx(rng, 10), reports=rng.randint(4, 31), ticket="TS-" + dg(rng, 5),
             secret="lo_admin_" + an(rng, 32, ALNUM))  # fmt: skip
    return v


def b_ban(r: Run, v: dict[str, Any]) -> None:
    g = r.rng
    players = [
        {"player_id": v["pid"], "display_name": v["tag"], "level": g.randint(20, 180), "banned": False},
        {"player_id": v["twin_pid"], "display_name": v["twin"], "level": g.randint(3, 60), "banned": False},
    ]
    g.shuffle(players)
    r.call("liveops.search_players", {"display_name": v["tag"], "fuzzy": True}, {"players": players})
    pid = v["pid"] if r.fk != "silent" else v["twin_pid"]
    r.note(f"Checking the anti-cheat evidence for {v['tag']} before doing anything.")
    dets = [{"detection_id": "det_" + hx(g, 8), "rule": v["code"], "match_id": v["match"] if i == 0 else
             "m-" + hx(g, 10), "confidence": round(g.uniform(0.93, 0.999), 3),
             "at": iso(v["now"] - dt.timedelta(hours=g.randint(2, 90)))} for i in range(g.randint(2, 5))]  # fmt: skip
    r.call("liveops.get_anticheat_detections", {"player_id": pid, "days": 14}, {"player_id": pid, "detections": dets})
    if r.style.auth_first or r.style.verify:
        r.call("liveops.get_player_reports", {"player_id": pid, "days": 14},
               {"total": v["reports"], "by_category": {"cheating": v["reports"] - 1, "toxicity": 1}})  # fmt: skip
    r.confirm(f"{len(dets)} high-confidence {v['code']} detections. Ban {v['tag']} ({v['dur']}) for {v['cheat']}?")
    args = {"player_id": pid, "duration": v["dur"], "reason": f"Cheating: {v['cheat']}",
            "evidence": [d["detection_id"] for d in dets], "notify_player": True}  # fmt: skip
    if r.fk == "visible":
        r.err("liveops.ban_player", args, "Error: 403 Forbidden — accounts in the Creator Program require a Trust & "
              "Safety lead to approve bans (approval_required: ts_lead)")  # fmt: skip
        done(r, f"The evidence against {v['tag']} is strong ({len(dets)} {v['code']} detections), but the ban was "
                "rejected: the account is in the Creator Program and needs a Trust & Safety lead's approval. "
                "Nothing was applied.")  # fmt: skip
        return
    bid = "ban_" + hx(g, 10)
    r.call("liveops.ban_player", args, {"ban_id": bid, "player_id": pid, "status": "active", "duration": v["dur"]})
    done(r, f"Banned {v['tag']} ({v['dur']}, {v['cheat']}) — ban {bid}, with {len(dets)} anti-cheat detections "
            "attached as evidence. Their active sessions were kicked.")  # fmt: skip


COMP_ITEMS = [("gems_500", "500 Gems"), ("xp_boost_24h", "24h Double XP Booster"), ("chest_epic", "Epic Chest"),
              ("energy_refill_3", "3 Energy Refills")]  # fmt: skip
REGIONS = ["EU-West", "NA-East", "NA-West", "SEA", "BR"]


def v_outage(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "emberforge.gg")
    start = v["now"].replace(minute=rng.choice([0, 15, 30, 45]), second=0) - dt.timedelta(hours=rng.randint(3, 20))
    end = start + dt.timedelta(minutes=rng.randint(40, 200))
    sku, item = rng.choice(COMP_ITEMS)
    v.update(game=rng.choice(GAMES), region=rng.choice(REGIONS), start=start, end=end,
             window=f"{start:%H:%M}–{end:%H:%M} UTC on {day(start)}", sku=sku, item=item,
             days=rng.choice([7, 14]), players=rng.randint(8_000, 240_000),
             headline=rng.choice(["Sorry for the downtime!", "Server issues — we're making it up to you",
                                  "Thanks for your patience"]),
             locales=rng.choice([["en"], ["en", "de", "fr"], ["en", "pt-BR", "es"]]))  # fmt: skip
    return v


def b_outage(r: Run, v: dict[str, Any]) -> None:
    g = r.rng
    r.note("I'll treat these as two separate jobs: first the compensation grant, then the in-game announcement.")
    seg = "seg_" + hx(g, 8)
    r.call("liveops.query_sessions", {"region": v["region"], "from": iso(v["start"]), "to": iso(v["end"]),
           "min_minutes_disconnected": 5}, {"segment_id": seg, "player_count": v["players"]})  # fmt: skip
    gid = "grant_" + hx(g, 8)
    r.call("liveops.create_grant",
           {"segment_id": seg, "items": [{"sku": v["sku"], "quantity": 1}], "reason": f"{v['region']} outage "
            f"{v['start']:%Y-%m-%d}", "claim_expires_days": v["days"]},
           {"grant_id": gid, "recipients": v["players"], "status": "queued"})  # fmt: skip
    r.say(f"1) Compensation: grant {gid} queued — {v['item']} for {v['players']:,} players who were on "
          f"{v['region']} during the outage; claimable for {v['days']} days.")  # fmt: skip
    if r.fk == "silent":
        r.user(r.pick("ok", "great"))
        done(r, "All set — the affected players will see the compensation in their mailbox.")
        return
    body = (f"Players in {v['region']} had trouble connecting between {v['window']}. As an apology, everyone "
            f"affected gets {v['item']} — check your in-game mailbox (claim within {v['days']} days).")  # fmt: skip
    args = {"title": v["headline"], "body": body, "regions": [v["region"]], "locales": v["locales"],
            "start_at": iso(v["now"]), "end_at": iso(v["now"] + dt.timedelta(days=v["days"])),
            "placement": "news_feed"}  # fmt: skip
    if r.fk == "visible":
        miss = v["locales"][-1] if len(v["locales"]) > 1 else "de"
        r.err("liveops.create_announcement", args, f"Error: 422 Unprocessable Entity — locales: translation missing "
              f"for '{miss}' (title, body)")  # fmt: skip
        done(r, f"2) The announcement failed: the live-ops API requires a '{miss}' translation and I don't have "
                "one, so nothing is posted. The grant from step 1 is still in place.")  # fmt: skip
        return
    aid = "ann_" + hx(g, 8)
    r.call("liveops.create_announcement", args, {"announcement_id": aid, "status": "live"})
    done(r, f"2) Announcement {aid} is live in the {v['region']} news feed ({', '.join(v['locales'])}): "
            f"\"{v['headline']}\" — it runs for {v['days']} days.")  # fmt: skip


# smart building (BMS): thermostat schedule; offline sensor (read only) ---------------------------------------------
BUILDINGS = [("Harbor Point Tower", "hpt"), ("Cedar Row Labs", "crl"), ("Meridian Plaza", "mrp"),
             ("Northgate Campus B", "ngb"), ("The Foundry Offices", "fdo")]  # fmt: skip


def v_thermo(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "facilio-ops.com")
    bname, code = rng.choice(BUILDINGS)
    fl = rng.randint(2, 14)
    wing, other = rng.sample(["East", "West", "North", "South"], 2)
    on, off = rng.choice([6, 7, 8]), rng.choice([17, 18, 19])
    new_on, new_off = on + rng.choice([-1, 1]), off + rng.choice([1, 2, -1])
    v.update(bldg=bname, code=code, floor=fl, wing=wing, other=other, zone=f"Floor {fl} {wing}",
             zid=f"{code}-f{fl:02d}-{wing[0].lower()}", oid=f"{code}-f{fl:02d}-{other[0].lower()}", on=on, off=off,
             new_on=new_on, new_off=new_off, hrs=f"{new_on:02d}:00–{new_off:02d}:00",
             heat=rng.choice([68, 69, 70]), cool=rng.choice([73, 74, 75]),
             days=rng.choice(["weekdays", "Mon–Sat"]), secret=rng.choice(["Bacnet!2024", "fm-Admin#77", "HVAC4life$"]),
             when=rng.choice(["starting Monday", "from next week", "starting tomorrow"]))  # fmt: skip
    return v


def b_thermo(r: Run, v: dict[str, Any]) -> None:
    g = r.rng
    zones = [
        {"zone_id": v["zid"], "name": v["zone"], "equipment": "VAV-" + dg(g, 3)},
        {"zone_id": v["oid"], "name": f"Floor {v['floor']} {v['other']}", "equipment": "VAV-" + dg(g, 3)},
    ]
    g.shuffle(zones)
    r.call("bms.find_zones", {"building": v["bldg"], "floor": v["floor"]}, {"zones": zones})
    zid = v["zid"] if r.fk != "silent" else v["oid"]
    days = ["mon", "tue", "wed", "thu", "fri"] + (["sat"] if v["days"] == "Mon–Sat" else [])
    cur = {"occupied": {"days": ["mon", "tue", "wed", "thu", "fri"], "start": f"{v['on']:02d}:00",
                        "end": f"{v['off']:02d}:00", "heat_setpoint_f": v["heat"], "cool_setpoint_f": v["cool"]},
           "unoccupied": {"heat_setpoint_f": 60, "cool_setpoint_f": 82}}  # fmt: skip
    r.call("bms.get_schedule", {"zone_id": zid}, {"zone_id": zid, "schedule": cur, "version": g.randint(3, 40)})
    new = {**cur, "occupied": {**cur["occupied"], "days": days, "start": f"{v['new_on']:02d}:00",
                               "end": f"{v['new_off']:02d}:00"}}  # fmt: skip
    r.confirm(f"I'll change {v['zone']} occupied hours from {v['on']:02d}:00–{v['off']:02d}:00 to {v['hrs']} "
              f"({v['days']}), setpoints unchanged.")  # fmt: skip
    args = {"zone_id": zid, "schedule": new, "effective_from": (v["now"].date() + dt.timedelta(days=1)).isoformat()}
    if r.fk == "visible":
        r.err("bms.update_schedule", args, f"Error: 409 Conflict — zone {zid} is enrolled in an active demand-"
              "response event (DR-" + dg(g, 4) + "); schedule writes are locked until the event ends")  # fmt: skip
        done(r, f"The schedule change for {v['zone']} was rejected: the zone is locked by an active utility "
                "demand-response event. I couldn't apply it — facilities can retry after the event "
                "ends.")  # fmt: skip
        return
    r.call("bms.update_schedule", args, {"zone_id": zid, "version": g.randint(41, 60), "status": "applied"})
    if r.style.verify:
        r.call("bms.get_schedule", {"zone_id": zid}, {"zone_id": zid, "schedule": new})
    name = v["zone"] if r.fk != "silent" else f"Floor {v['floor']} {v['other']}"
    done(r, f"{v['bldg']} {name} now runs occupied mode {v['hrs']} ({v['days']}), heat {v['heat']}°F / cool "
            f"{v['cool']}°F, effective {args['effective_from']}.")  # fmt: skip


SENSORS = [("TH", "temperature/humidity"), ("CO2", "CO₂"), ("OCC", "occupancy"), ("LK", "water leak")]
CAUSES = ["battery", "gateway", "signal", "battery"]


def v_sensor(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "facilio-ops.com")
    bname, code = rng.choice(BUILDINGS)
    kind, label = rng.choice(SENSORS)
    fl, n = rng.randint(1, 12), rng.randint(10, 48)
    sid = f"{kind}-{fl:02d}-{n:02d}"
    v.update(bldg=bname, sensor=sid, twin=f"{kind}-{fl:02d}-{str(n)[::-1]}" if str(n)[::-1] != str(n) else
             f"{kind}-{fl + 1:02d}-{n:02d}", kind=label, floor=fl, room=f"{fl}{rng.randint(0, 3)}{rng.randint(0, 9)}",
             gw=f"GW-{code}-{fl:02d}", cause=rng.choice(CAUSES), hours=rng.randint(5, 70))  # fmt: skip
    return v


def b_sensor(r: Run, v: dict[str, Any]) -> None:
    g = r.rng
    sid = v["sensor"] if r.fk != "silent" else v["twin"]
    last = v["now"] - dt.timedelta(hours=v["hours"])
    if r.fk == "silent":
        r.call("bms.get_device", {"device_id": sid},
               {"device_id": sid, "type": v["kind"], "status": "online", "last_seen": iso(v["now"]),
                "battery_pct": 81, "gateway_id": v["gw"]})  # fmt: skip
        done(r, f"{sid} looks fine — online, last reported a minute ago, battery 81%. It may have been a temporary "
                "blip; nothing needs doing.")  # fmt: skip
        return
    bat = g.randint(0, 4) if v["cause"] == "battery" else g.randint(40, 95)
    r.call(
        "bms.get_device",
        {"device_id": sid},
        {
            "device_id": sid,
            "type": v["kind"],
            "location": f"{v['bldg']}, room {v['room']}",
            "status": "offline",
            "last_seen": iso(last),
            "battery_pct": bat,
            "gateway_id": v["gw"],
            "firmware": "3.4." + dg(g, 1),
        },
    )
    rssi = g.randint(-104, -97) if v["cause"] == "signal" else g.randint(-78, -60)
    tele = [{"ts": iso(last - dt.timedelta(minutes=15 * i)), "rssi_dbm": rssi - g.randint(0, 3),
             "battery_mv": 2100 + bat * 9} for i in range(3)]  # fmt: skip
    r.call("bms.get_telemetry", {"device_id": sid, "hours": 72, "fields": ["rssi_dbm", "battery_mv"]},
           {"device_id": sid, "points": tele})  # fmt: skip
    down = v["cause"] == "gateway"
    gw_seen = iso(last - dt.timedelta(minutes=2)) if down else iso(v["now"])
    r.call("bms.get_gateway", {"gateway_id": v["gw"]},
           {"gateway_id": v["gw"], "status": "offline" if down else "online", "last_seen": gw_seen,
            "devices": g.randint(12, 40), "devices_offline": g.randint(12, 40) if down else 1})  # fmt: skip
    if r.fk == "visible":
        r.err("bms.list_devices", {"gateway_id": v["gw"], "status": "offline"},
              "Error: 504 Gateway Timeout — upstream device registry did not respond in 30s")  # fmt: skip
        done(r, f"{sid} has been offline since {last:%b %d %H:%M} UTC, but the device registry timed out before I "
                "could finish checking the gateway's other devices, so I can't say what's wrong yet.")  # fmt: skip
        return
    cause = {
        "battery": f"the battery is dead ({bat}%) — it needs a new battery (2× AA lithium)",
        "gateway": f"its gateway {v['gw']} went offline at the same time, taking every sensor on it down; the "
                   "gateway needs power/network checked, not the sensor",
        "signal": f"the radio signal is too weak ({rssi} dBm at the last reading) — something likely blocks it "
                  f"or it was moved; the gateway {v['gw']} itself is fine",
    }[v["cause"]]  # fmt: skip
    done(r, f"{sid} ({v['kind']}, room {v['room']}) has been offline since {last:%b %d %H:%M} UTC, about "
            f"{v['hours']} hours. Cause: {cause}. I didn't change anything.")  # fmt: skip


# manufacturing (MES/QMS): quality hold; release a held lot ---------------------------------------------------------
PARTS = [("PH-220", "Pump Housing 220"), ("GV-14", "Gate Valve 14mm"), ("BRK-9A", "Bracket 9A"),
         ("SH-310", "Drive Shaft 310"), ("IMP-77", "Impeller 77")]  # fmt: skip
DEFECTS = ["porosity in castings", "bore diameter out of tolerance", "torque below spec on fasteners",
           "surface cracks after heat treat", "wrong resin lot used"]  # fmt: skip


def v_hold(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "tessaro-mfg.com")
    pn, pname = rng.choice(PARTS)
    lot = f"L{v['now']:%y%m}-{dg(rng, 4)}"
    v.update(lot=lot, pn=pn, part=pname, qty=rng.randint(120, 4800), defect=rng.choice(DEFECTS),
             line=f"Line {rng.randint(1, 6)}", kids=[f"{lot}-{c}" for c in "ABC"[: rng.randint(1, 3)]],
             inspector=person(rng, "tessaro-mfg.com")["name"], sev=rng.choice(["major", "critical"]))  # fmt: skip
    return v


def b_hold(r: Run, v: dict[str, Any]) -> None:
    g, lot = r.rng, v["lot"]
    r.call("mes.get_lot", {"lot_id": lot},
           {"lot_id": lot, "part_number": v["pn"], "description": v["part"], "quantity": v["qty"], "status": "released",
            "line": v["line"], "child_lots": v["kids"], "location": "FG-" + dg(g, 3)})  # fmt: skip
    ncr = None
    if r.fk != "silent":
        ncr = "NCR-" + dg(g, 5)
        r.call("qms.create_ncr", {"lot_id": lot, "part_number": v["pn"], "defect": v["defect"], "severity": v["sev"],
               "reported_by": v["inspector"]}, {"ncr_id": ncr, "status": "open"})  # fmt: skip
    r.confirm(f"I'll put lot {lot} ({v['qty']} × {v['part']}) and its {len(v['kids'])} child lot(s) on QA hold.")
    hid = "HLD-" + dg(g, 6)
    args = {"lot_id": lot, "hold_code": "QA_HOLD", "reason": v["defect"], "include_child_lots": True}
    if ncr:
        args["ncr_id"] = ncr
    r.call("mes.place_hold", args, {"hold_id": hid, "lots_held": [lot, *v["kids"]], "status": "on_hold"})
    ref = f" under {ncr}" if ncr else ""
    done(r, f"Lot {lot} and child lot(s) {', '.join(v['kids'])} are on QA hold ({hid}){ref} for {v['defect']}. "
            "They're blocked for consumption and shipping until QA releases them.")  # fmt: skip
    if r.fk == "visible":
        r.user("the warehouse scanner still shows the lot as available and they just picked from it. this didn't "
               "work")  # fmt: skip
        r.call("mes.get_lot_sync_status", {"lot_id": lot},
               {"lot_id": lot, "mes_status": "on_hold", "wms_status": "available",
                "last_sync_error": "WMS-API 503 Service Unavailable"})  # fmt: skip
        done(r, "You're right — the hold is in the MES, but the sync to the warehouse system failed (WMS returned "
                "503), so the scanners still see it as available. I can't push the status into the WMS from here; "
                "someone needs to block the lot in the WMS directly.")  # fmt: skip


def v_release(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "tessaro-mfg.com")
    pn, pname = rng.choice(PARTS)
    v.update(lot=f"L{v['now']:%y%m}-{dg(rng, 4)}", pn=pn, part=pname, hold="HLD-" + dg(rng, 6),
             ncr="NCR-" + dg(rng, 5), defect=rng.choice(DEFECTS), n=rng.choice([20, 32, 50, 80]),
             disp=rng.choice(["use as is", "rework complete", "re-inspected OK"]),
             approver=person(rng, "tessaro-mfg.com")["name"])  # fmt: skip
    return v


def b_release(r: Run, v: dict[str, Any]) -> None:
    g, lot = r.rng, v["lot"]
    r.call(
        "mes.get_lot",
        {"lot_id": lot},
        {
            "lot_id": lot,
            "part_number": v["pn"],
            "description": v["part"],
            "status": "on_hold",
            "holds": [{"hold_id": v["hold"], "code": "QA_HOLD", "ncr_id": v["ncr"], "reason": v["defect"]}],
        },
    )
    r.call(
        "qms.get_ncr",
        {"ncr_id": v["ncr"]},
        {"ncr_id": v["ncr"], "status": "dispositioned", "disposition": v["disp"], "approved_by": v["approver"]},
    )
    bad = g.randint(2, 5) if r.fk == "silent" else 0
    r.call("qms.get_inspection_results", {"lot_id": lot},
           {"lot_id": lot, "plan": f"AQL 1.0, n={v['n']}", "sampled": v["n"], "passed": v["n"] - bad, "failed": bad,
            "result": "REJECT" if bad else "ACCEPT"})  # fmt: skip
    r.confirm(f"NCR {v['ncr']} is dispositioned '{v['disp']}' and re-inspection passed {v['n'] - bad}/{v['n']}. "
              f"Release hold {v['hold']} on {lot}?")  # fmt: skip
    args = {"hold_id": v["hold"], "disposition": v["disp"], "approved_by": v["approver"], "note": f"per {v['ncr']}"}
    if r.fk == "visible":
        r.err("mes.release_hold", args, f"Error: 412 Precondition Failed — {v['ncr']} is not closed; hold release "
              "requires the NCR to be closed with a QA signature")  # fmt: skip
        done(r, f"I couldn't release {lot}: the MES requires {v['ncr']} to be closed with a QA signature first, and "
                "it's only dispositioned. The hold is still on.")  # fmt: skip
        return
    r.call("mes.release_hold", args, {"hold_id": v["hold"], "lot_id": lot, "status": "released",
           "released_at": iso(v["now"])})  # fmt: skip
    done(r, f"Released lot {lot} ({v['part']}) — hold {v['hold']} cleared per {v['ncr']} ({v['disp']}, approved by "
            f"{v['approver']}). It's available for production and shipping again.")  # fmt: skip


# nonprofit donor CRM: log a gift and send the tax receipt ----------------------------------------------------------
FUNDS = ["Spring Appeal 2025", "Scholarship Fund", "Capital Campaign — New Shelter", "General Operating",
         "Giving Tuesday", "Youth Literacy Program"]  # fmt: skip
METHODS = [("check", "check #{n}"), ("credit card", "credit card"), ("stock", "stock transfer"),
           ("daf", "DAF grant from Fidelity Charitable"), ("ach", "bank transfer")]  # fmt: skip


def v_gift(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "riverlightfoundation.org")
    d = person(rng)
    kind, label = rng.choice(METHODS)
    amt = rng.choice([50, 100, 250, 500, 1000, 2500, 75, 5000]) + rng.choice([0, 0, 0, 0.5])
    v.update(donor=d["name"], donor_email=d["email"], amount=amt, amt=usd(amt), fund=rng.choice(FUNDS), kind=kind,
             method=label.format(n=rng.randint(1001, 9999)), gift_date=(v["now"].date() - dt.timedelta(
                 days=rng.randint(0, 9))).isoformat(), cid="CON-" + dg(rng, 6), twin_cid="CON-" + dg(rng, 6),
             city=rng.choice(["Tacoma", "Asheville", "Duluth", "Albany", "Boise"]),
             twin_city=rng.choice(["Fresno", "Dayton", "Tulsa"]), secret=luhn("5" + dg(rng, 14)),
             exp=f"{rng.randint(1, 12):02d}/{rng.randint(26, 30)}")  # fmt: skip
    return v


def b_gift(r: Run, v: dict[str, Any]) -> None:
    g = r.rng
    if getattr(r, "pasted", False):
        r.say("I'll record this gift, but I can't charge or store card numbers here — the card should be run through "
              "the donation form or the payment terminal. I'll log it as a card gift without the number.")  # fmt: skip
        r.pasted = False
    cons = [{"constituent_id": v["cid"], "name": v["donor"], "email": v["donor_email"], "city": v["city"],
             "lifetime_giving": round(g.uniform(100, 20000), 2)},
            {"constituent_id": v["twin_cid"], "name": v["donor"], "email": None, "city": v["twin_city"],
             "lifetime_giving": round(g.uniform(20, 500), 2)}]  # fmt: skip
    g.shuffle(cons)
    r.call("donors.search_constituents", {"name": v["donor"]}, {"results": cons})
    cid = v["cid"] if r.fk != "silent" else v["twin_cid"]
    gid = "GFT-" + dg(g, 7)
    r.call("donors.create_gift",
           {"constituent_id": cid, "amount": v["amount"], "date": v["gift_date"], "fund": v["fund"],
            "payment_method": v["kind"], "reference": v["method"]},
           {"gift_id": gid, "status": "posted", "receipt_eligible": True})  # fmt: skip
    args = {"gift_id": gid, "template": "tax_receipt_2025", "channel": "email"}
    if r.fk == "visible":
        r.err("donors.send_acknowledgement", args, f"Error: 422 — constituent {cid} has no deliverable email "
              "(last message hard-bounced); choose channel 'letter'")  # fmt: skip
        done(r, f"The {v['amt']} gift is logged ({gid}), but the tax receipt didn't send — the email on "
                f"{v['donor']}'s record hard-bounced. I couldn't get a receipt out.")  # fmt: skip
        return
    rno = f"R-2025-{dg(g, 5)}"
    r.call("donors.send_acknowledgement", args, {"receipt_number": rno, "sent_to": v["donor_email"],
           "status": "sent"})  # fmt: skip
    done(r, f"Logged {v['donor']}'s {v['amt']} gift to {v['fund']} ({v['method']}, {v['gift_date']}) as {gid} and "
            f"emailed tax receipt {rno}.")  # fmt: skip


# research lab LIMS: register a sample ------------------------------------------------------------------------------
STUDIES = [
    ("STUDY-0419", "Glycan biomarkers in T2D"),
    ("STUDY-0522", "Soil microbiome — Prairie plots"),
    ("STUDY-0388", "Wastewater SARS-CoV-2 surveillance"),
    ("STUDY-0610", "Tumor organoid drug screen"),
]
STYPES = [("plasma", "EDTA tube", 0.5), ("serum", "SST tube", 1.0), ("FFPE block", "cassette", 0),
          ("soil core", "Whirl-Pak bag", 0), ("wastewater", "500 mL bottle", 500)]  # fmt: skip


def v_sample(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "kelvinlab.org")
    study, title = rng.choice(STUDIES)
    twin = study[:-2] + study[-1] + study[-2]
    stype, cont, vol = rng.choice(STYPES)
    v.update(study=study, stitle=title, twin=twin, stype=stype, cont=cont, vol=vol,
             src=rng.choice(["SUBJ-", "SITE-", "PLOT-"]) + dg(rng, 3), coll=(v["now"] - dt.timedelta(
                 hours=rng.randint(1, 40))).strftime("%Y-%m-%d %H:%M"), freezer=f"FRZ-80-{rng.randint(1, 6):02d}",
             printer=rng.choice(["zebra-bench3", "zebra-coldroom", "brady-lab2"]))  # fmt: skip
    return v


def b_sample(r: Run, v: dict[str, Any]) -> None:
    g = r.rng
    study = v["study"] if r.fk != "silent" else v["twin"]
    sid = "STD-" + dg(g, 4)
    r.call("lims.get_study", {"code": study},
           {"study_id": sid, "code": study, "title": v["stitle"] if r.fk != "silent" else "Archived pilot (closed)",
            "allowed_sample_types": [v["stype"]], "default_storage": v["freezer"]})  # fmt: skip
    smp = "SMP-" + dg(g, 7)
    r.call("lims.create_sample",
           {"study_id": sid, "sample_type": v["stype"], "source_id": v["src"], "collected_at": v["coll"],
            "container": v["cont"], **({"volume_ml": v["vol"]} if v["vol"] else {})},
           {"sample_id": smp, "barcode": "KL" + dg(g, 10), "status": "received"})  # fmt: skip
    loc = f"{v['freezer']}/R{g.randint(1, 5)}/B{g.randint(1, 20):02d}"
    if r.fk == "visible":
        r.err("lims.assign_storage", {"sample_id": smp, "location": loc},
              f"Error: 409 — box {loc} is full (81/81 positions); pick another box")  # fmt: skip
        done(r, f"Sample {smp} is registered, but the storage assignment failed — box {loc} is full. It has no "
                "storage location yet.")  # fmt: skip
        return
    pos = f"{loc}/{g.choice('ABCDEFGHI')}{g.randint(1, 9)}"
    r.call("lims.assign_storage", {"sample_id": smp, "location": loc}, {"sample_id": smp, "position": pos})
    if r.style.verify or g.random() < 0.5:
        r.call("lims.print_label", {"sample_id": smp, "printer": v["printer"]}, {"job_id": dg(g, 5), "status": "sent"})
    done(r, f"Registered {v['stype']} sample {smp} under {study} (source {v['src']}, collected {v['coll']}) and "
            f"stored it at {pos}.")  # fmt: skip


# DNS and certificates: add a record; check a cert and renew only if close to expiry ------------------------------
ZONES = ["lumora.io", "packwise.com", "tidewater.health", "brightfern.co", "quillhq.com", "orbitalpay.net"]
RECS = [
    ("CNAME", "docs", "{z2}.netlify.app", 3600, False), ("CNAME", "status", "statuspage.betteruptime.com", 300, False),
    ("A", "api-eu", "203.0.113.{n}", 300, True), ("TXT", "_dmarc", "v=DMARC1; p=quarantine; rua=mailto:dmarc@{z}", 3600,
     False), ("TXT", "@", "google-site-verification={h}", 3600, False), ("MX", "inbound", "mx.sendgrid.net", 3600,
     False), ("CNAME", "shop", "shops.myshopify.com", 3600, False),
]  # fmt: skip


def v_dns(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "lumora.io")
    z = rng.choice(ZONES)
    typ, name, content, ttl, proxied = rng.choice(RECS)
    content = content.format(z=z, z2=z.split(".")[0] + "-docs", n=rng.randint(10, 250), h=an(rng, 43, ALNUM))
    fq = z if name == "@" else f"{name}.{z}"
    v.update(zone=z, twin=z.rsplit(".", 1)[0] + ".dev", zid=hx(rng, 32), twin_zid=hx(rng, 32), typ=typ, name=name,
             fq=fq, content=content, ttl=ttl, proxied=proxied, secret=an(rng, 40, ALNUM + "_-"))  # fmt: skip
    return v


def b_dns(r: Run, v: dict[str, Any]) -> None:
    g = r.rng
    zone = v["zone"] if r.fk != "silent" else v["twin"]
    fq = v["fq"].replace(v["zone"], zone)
    rid = hx(g, 32)
    if cli(r):
        r.sh("flarectl zone list", "ID                               | NAME          | PLAN | STATUS\n"
             f"{v['zid']} | {v['zone']} | Pro  | active\n{v['twin_zid']} | {v['twin']} | Free | active")  # fmt: skip
        r.sh(f"flarectl dns list --zone {zone} --name {fq}",
             "ID | TYPE | NAME | CONTENT | PROXIED | TTL\n" if r.fk != "visible" else
             f"ID | TYPE | NAME | CONTENT | PROXIED | TTL\n{hx(g, 32)} | CNAME | {fq} | old-{v['typ'].lower()}"
             f".herokudns.com | false | 1")  # fmt: skip
        cmd = (f"flarectl dns create --zone {zone} --name {v['name']} --type {v['typ']} --content \"{v['content']}\" "
               f"--ttl {v['ttl']}" + (" --proxy" if v["proxied"] else ""))  # fmt: skip
        if r.fk == "visible":
            r.sh(cmd, "", 1, "error creating DNS record: An A, AAAA, or CNAME record with that host already exists. "
                 "(81053)")  # fmt: skip
        else:
            r.sh(cmd, f"ID | TYPE | NAME | CONTENT | PROXIED | TTL\n{rid} | {v['typ']} | {fq} | {v['content']} | "
                 f"{str(v['proxied']).lower()} | {v['ttl']}")  # fmt: skip
            if r.style.verify or g.random() < 0.6:
                r.sh(f"dig +short {v['typ']} {fq} @1.1.1.1", f'"{v["content"]}"' if v["typ"] == "TXT" else
                     (v["content"] + "." if v["typ"] != "A" else v["content"]))  # fmt: skip
    else:
        zones = [{"id": v["zid"], "name": v["zone"], "status": "active"},
                 {"id": v["twin_zid"], "name": v["twin"], "status": "active"}]  # fmt: skip
        r.call("cloudflare.list_zones", {"name": v["zone"].split(".")[0]}, {"result": zones, "success": True})
        zid = v["zid"] if r.fk != "silent" else v["twin_zid"]
        existing = [] if r.fk != "visible" else [{"id": hx(g, 32), "type": "CNAME", "name": fq,
                                                   "content": "old-target.herokudns.com"}]  # fmt: skip
        r.call("cloudflare.list_dns_records", {"zone_id": zid, "name": fq}, {"result": existing, "success": True})
        r.confirm(f"I'll add {v['typ']} {fq} → {v['content']} (TTL {v['ttl']}) in {zone}.")
        args = {"zone_id": zid, "type": v["typ"], "name": v["name"], "content": v["content"], "ttl": v["ttl"],
                "proxied": v["proxied"]}  # fmt: skip
        if v["typ"] == "MX":
            args["priority"] = 10
        if r.fk == "visible":
            r.err("cloudflare.create_dns_record", args, '{"success": false, "errors": [{"code": 81053, "message": '
                  '"An A, AAAA, or CNAME record with that host already exists."}]}')  # fmt: skip
        else:
            r.call("cloudflare.create_dns_record", args,
                   {"success": True, "result": {"id": rid, "type": v["typ"], "name": fq, "content": v["content"],
                                                "ttl": v["ttl"], "proxied": v["proxied"]}})  # fmt: skip
    if r.fk == "visible":
        done(r, f"I couldn't add the {v['typ']} record: Cloudflare says a record for {fq} already exists (81053) "
                "and I didn't want to delete it without asking. Nothing was changed.")  # fmt: skip
        return
    done(r, f"Added {v['typ']} `{fq}` → `{v['content']}` (TTL {v['ttl']}"
            + (", proxied" if v["proxied"] else "") + f") in the {zone} zone. It should resolve within a few "
            "minutes.")  # fmt: skip


ISSUERS = ["Let's Encrypt R11", "Let's Encrypt R10", "Sectigo RSA Domain Validation Secure Server CA",
           "Google Trust Services WR1"]  # fmt: skip


def v_cert(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "lumora.io")
    z = rng.choice(ZONES)
    host = rng.choice(["www", "api", "app", "auth", "cdn", "portal"]) + "." + z
    thr = rng.choice([14, 21, 30])
    left = rng.randint(thr + 9, 80)
    v.update(zone=z, host=host, thr=thr, left=left, expiry=v["now"] + dt.timedelta(days=left, hours=rng.randint(0, 20)),
             issuer=rng.choice(ISSUERS), serial=hx(rng, 36), apex_left=rng.randint(2, thr - 1))  # fmt: skip
    return v


def b_cert(r: Run, v: dict[str, Any]) -> None:
    g = r.rng
    host = v["host"] if r.fk != "silent" or g.random() < 0.5 else v["zone"]
    wrong_host = host != v["host"]
    left = v["apex_left"] if wrong_host else v["left"]
    exp = v["now"] + dt.timedelta(days=left, hours=3)
    issued = exp - dt.timedelta(days=90)
    shell = cli(r)
    if shell:
        r.sh(f"echo | openssl s_client -servername {host} -connect {host}:443 2>/dev/null | openssl x509 -noout "
             "-subject -issuer -dates -serial",
             f"subject=CN = {host}\nissuer=C = US, O = {v['issuer'].rsplit(' ', 1)[0]}, CN = "
             f"{v['issuer'].rsplit(' ', 1)[-1]}\nnotBefore={issued:%b %d %H:%M:%S %Y} GMT\n"
             f"notAfter={exp:%b %d %H:%M:%S %Y} GMT\nserial={v['serial'].upper()}")  # fmt: skip
    else:
        r.call("certs.get_certificate", {"hostname": host},
               {"hostname": host, "issuer": v["issuer"], "not_before": iso(issued), "not_after": iso(exp),
                "days_remaining": left, "san": [host], "serial": v["serial"]})  # fmt: skip
        if r.style.auth_first or r.style.verify:
            r.call("certs.get_renewal_config", {"hostname": host},
                   {"auto_renew": True, "renew_before_days": 30, "last_renewal": iso(issued),
                    "next_attempt": iso(exp - dt.timedelta(days=30))})  # fmt: skip
    if r.fk == "silent":
        if shell:
            r.sh(f"sudo certbot renew --cert-name {host} --force-renewal",
                 f"Renewing an existing certificate for {host}\n\nCongratulations, all renewals succeeded:\n  "
                 f"/etc/letsencrypt/live/{host}/fullchain.pem (success)")  # fmt: skip
        else:
            r.call("certs.renew_certificate", {"hostname": host, "force": True},
                   {"order_id": "ord_" + hx(g, 10), "status": "issued",
                    "not_after": iso(v["now"] + dt.timedelta(days=90))})  # fmt: skip
        done(r, f"Renewed the certificate for {host}; it's now valid for another 90 days.")
        return
    done(r, f"The certificate on {host} ({v['issuer']}) is valid until {exp:%Y-%m-%d} — {left} days left, well "
            f"outside your {v['thr']}-day window. Nothing to do; I didn't renew it.")  # fmt: skip


# newsroom CMS: issue a correction ----------------------------------------------------------------------------------
STORIES = [
    ("City council approves bike lane expansion", "metro", "The measure passed {a}", "The measure passed {b}",
     "6-3", "7-2", "the vote count"),
    ("Riverside clinic to close after 40 years", "health", "founded in {a}", "founded in {b}", "1985", "1983",
     "the year the clinic was founded"),
    ("School board names new superintendent", "education", "Superintendent {a}", "Superintendent {b}",
     "Dana Whitlock", "Dana Whitlocke", "the superintendent's name"),
    ("Transit fares to rise in July", "metro", "rise to {a}", "rise to {b}", "$2.75", "$2.50", "the new fare"),
    ("Local brewery wins national award", "business", "{a} employees", "{b} employees", "42", "24",
     "the number of employees"),
    ("County approves new jail budget", "politics", "a budget of {a}", "a budget of {b}", "$48 million",
     "$84 million", "the budget amount"),
    ("Wildfire near Pine Ridge now 60% contained", "weather", "now {a} contained", "now {b} contained", "60%", "80%",
     "the containment figure"),
    ("Tech startup Lumora raises Series B", "business", "led by {a}", "led by {b}", "Northbeam Ventures",
     "Northstar Ventures", "the lead investor"),
    ("Hospital workers vote to unionize", "labor", "by a vote of {a}", "by a vote of {b}", "412 to 97", "412 to 79",
     "the vote tally"),
]  # fmt: skip


def v_corr(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "thecourier-news.com")
    head, sec, right_t, wrong_t, right, wrong, what = rng.choice(STORIES)
    slug = head.lower().replace(" ", "-")
    pub = v["now"] - dt.timedelta(hours=rng.randint(3, 60))
    v.update(head=head, section=sec, slug=slug, aid=dg(rng, 6), twin_aid=dg(rng, 6), right=right, wrong=wrong,
             what=what, right_t=right_t.format(a=right, b=wrong), wrong_t=wrong_t.format(a=right, b=wrong),
             pub=pub, pub_day=day(pub), author=person(rng, "thecourier-news.com")["name"])  # fmt: skip
    return v


def b_corr(r: Run, v: dict[str, Any]) -> None:
    g = r.rng
    res = [
        {
            "id": v["aid"],
            "headline": v["head"],
            "section": v["section"],
            "status": "published",
            "published_at": iso(v["pub"]),
            "byline": v["author"],
        },
        {
            "id": v["twin_aid"],
            "headline": "Opinion: "
            + v["head"].split(" ")[0]
            + " "
            + " ".join(v["head"].split(" ")[1:3])
            + " deserves better",
            "section": "opinion",
            "status": "published",
        },
    ]
    r.call("cms.search_articles", {"query": v["head"], "status": "published"}, {"results": res})
    para = f"... {v['wrong_t']}, according to officials ..."
    r.call("cms.get_article", {"id": v["aid"]},
           {"id": v["aid"], "headline": v["head"], "slug": v["slug"], "revision": (rev := g.randint(2, 9)),
            "body_matches": [{"paragraph": g.randint(2, 9), "text": para}], "corrections": []})  # fmt: skip
    args = {"id": v["aid"], "base_revision": rev, "replace": [{"find": v["wrong_t"], "with": v["right_t"]}]}
    if r.fk == "visible":
        ed = person(g, "thecourier-news.com")["name"]
        r.err("cms.update_article", args, f"Error: 409 Conflict — article {v['aid']} is checked out by {ed} (editing "
              "since 4 min ago); save rejected")  # fmt: skip
        done(r, f"I couldn't fix the article — it's checked out by {ed}, and the CMS rejected my edit. The "
                f"error ({v['wrong']}) is still live.")  # fmt: skip
        return
    r.call("cms.update_article", args, {"id": v["aid"], "revision": rev + 1, "status": "draft_changes"})
    note = (f"Correction: An earlier version of this article misstated {v['what']}. It is {v['right']}, not "
            f"{v['wrong']}.")  # fmt: skip
    if r.fk != "silent":
        r.call("cms.add_correction", {"id": v["aid"], "text": note, "position": "bottom"},
               {"correction_id": "corr_" + hx(g, 6), "display": True})  # fmt: skip
    r.call("cms.publish", {"id": v["aid"], "revision": rev + 1},
           {"url": f"https://www.thecourier-news.com/{v['section']}/{v['slug']}", "status": "published"})  # fmt: skip
    tail = f' and added the note: "{note}"' if r.fk != "silent" else ""
    done(r, f'Fixed "{v["head"]}" — {v["what"]} now reads {v["right"]} (was {v["wrong"]}) — republished{tail}.')


# observability: silence an alert ----------------------------------------------------------------------------------
ALERTS = [("HighLatencyP99", "checkout-api"), ("KubePodCrashLooping", "payments-worker"),
          ("DiskWillFillIn4Hours", "postgres-primary"), ("ErrorRateHigh", "search-gateway"),
          ("CertificateExpiringSoon", "edge-proxy"), ("QueueBacklogGrowing", "email-dispatcher")]  # fmt: skip


def v_silence(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "stackmint.io")
    alert, svc = rng.choice(ALERTS)
    hrs = rng.choice([1, 2, 3, 4])
    v.update(alert=alert, svc=svc, env=rng.choice(["prod", "production"]), hrs=hrs, dur=f"{hrs}h",
             why=rng.choice(["planned DB failover", "node pool upgrade", "vendor maintenance", "load test"]),
             chg="CHG-" + dg(rng, 5), cluster=rng.choice(["prod-use1", "prod-euw1", "prod-aps2"]))  # fmt: skip
    return v


def b_silence(r: Run, v: dict[str, Any]) -> None:
    g = r.rng
    start = v["now"].replace(second=0)
    end = start + dt.timedelta(hours=v["hrs"])
    matchers = [("alertname", v["alert"]), ("service", v["svc"]), ("env", v["env"])]
    if r.fk == "silent":
        matchers = matchers[:1]
    comment = f"{v['why']} ({v['chg']})"
    sid = uid(g)
    if cli(r):
        url = "--alertmanager.url=http://alertmanager.monitoring:9093"
        r.sh(f"amtool {url} alert query alertname={v['alert']}",
             "Alertname            Starts At                Summary\n"
             f"{v['alert']:<20} {iso(start - dt.timedelta(minutes=9))}  {v['svc']} in {v['env']}\n"
             f"{v['alert']:<20} {iso(start - dt.timedelta(hours=2))}  {v['svc']} in staging")  # fmt: skip
        m = " ".join(f"{k}={val}" for k, val in matchers)
        cmd = f'amtool {url} silence add {m} --duration={v["dur"]} --author={v["op_email"]} --comment="{comment}"'
        if r.fk == "visible":
            r.sh(cmd, "", 1, "amtool: error: bad request: silence invalid: at least one matcher must not match the "
                 "empty string")  # fmt: skip
        else:
            r.sh(cmd, sid)
            if r.style.verify:
                r.sh(f"amtool {url} silence query -q {matchers[0][0]}={matchers[0][1]}", sid)
    else:
        alerts = [{"labels": {"alertname": v["alert"], "service": v["svc"], "env": e, "cluster": c},
                   "status": {"state": "active"}, "startsAt": iso(start - dt.timedelta(minutes=m))}
                  for e, c, m in [(v["env"], v["cluster"], 9), ("staging", "stg-use1", 130)]]  # fmt: skip
        r.call("alertmanager.list_alerts", {"filter": [f"alertname={v['alert']}"]}, alerts)
        r.confirm(f"I'll silence {v['alert']} for {v['svc']} in {v['env']} for {v['dur']} (until {end:%H:%M} UTC).")
        args = {"matchers": [{"name": k, "value": val, "isRegex": False, "isEqual": True} for k, val in matchers],
                "startsAt": iso(start), "endsAt": iso(end), "createdBy": v["op_email"], "comment": comment}  # fmt: skip
        if r.fk == "visible":
            r.err("alertmanager.create_silence", args, "Error: 400 Bad Request — silence invalid: at least one "
                  "matcher must not match the empty string")  # fmt: skip
        else:
            r.call("alertmanager.create_silence", args, {"silenceID": sid})
            if r.style.verify:
                r.call("alertmanager.get_silence", {"id": sid},
                       {"id": sid, "status": {"state": "active"}, "endsAt": iso(end), "comment": comment})  # fmt: skip
    if r.fk == "visible":
        done(r, f"Alertmanager rejected the silence for {v['alert']} (400: invalid matcher), so the alert is not "
                "silenced — you'll keep getting paged.")  # fmt: skip
        return
    scope = f"{v['svc']} in {v['env']}" if r.fk != "silent" else "all services/environments"
    done(r, f"Silenced {v['alert']} for {scope} until {end:%H:%M} UTC ({v['dur']}); silence {sid[:8]}, comment "
            f"\"{comment}\".")  # fmt: skip


# fmt: off
TASKS = [
    Task("sis_enroll_section", "school", "enroll a student in a specific course section", "dotted",
         v_enroll, b_enroll, [
        "enroll {stu} ({stu_id}) in {course} section {sec}, {term}",
        "Hello, {stu} came by the registrar's office — their advisor {advisor} approved them for {course} "
        "({title}) in {term}. Could you please put them into section {sec}, the {meets} one? Thank you so much!",
        "Please register student {stu} into {course} sec {sec} for {term}. Student id is {stu_id}.",
        ("need to add a class for {stu}", "{course} section {sec} ({meets}) in {term}"),
        ("Can you enroll a student for me?", "Sure — which student, and which course and section?",
         "{stu}, {course}-{sec}, {term}"),
        "enrol {stu} in {course} secton {sec} pls ({term})",
        "{stu_id} → {course} {sec} for {term}. add them",
    ], [
        "Sign {stu} up for {title} ({course}), the {meets} section, next term.",
        "could you get {stu} a seat in {course}-{sec}?",
        "Add {course} section {sec} to {stu}'s {term} schedule.",
    ], [("visible:error", "enrollment rejected (section full), agent stops"),
        ("silent:wrong-record", "enrolls the student in a different section of the course")],
        follow="also can you enroll {stu} in {course} section {sec} for {term}?"),
    Task("sis_grade_change", "school", "record an approved grade change for a past course", "dotted",
         v_grade, b_grade, [
        "grade change: {stu}, {course} {term}, {old} -> {new} ({why})",
        "Hi, {prof} asked me to process a grade change for {stu} in {course} ({title}) from {term}. The final "
        "grade should be {new} instead of {old} — {why}. The instructor has signed off. Could you enter it? Thanks!",
        "Please change grade of {stu} for course {course} ({term}) from {old} to {new}, reason {why}.",
        ("{stu} grade correction", "{course}, {term} — {new} not {old}. {prof} approved"),
        ("I need to fix a grade", "Sure — which student, course and term, and what should it be?",
         "{stu}, {course} in {term}, {old} to {new}, {why}"),
        "pls updte {stu}'s {course} grade to {new} (was {old}), {term}, approved by {prof}",
        "{prof} signed a grade change form — {stu} {course} {term}: {new}. reason: {why}",
    ], [
        "Post a corrected final grade of {new} for {stu} in {title}, {term}.",
        "the instructor fixed {stu}'s {course} mark, it's a {new} now — can you put that through?",
        "Amend {stu}'s transcript: {course} from {term} should show {new} rather than {old}.",
    ], [("visible:refusal", "agent wrongly refuses to enter an approved grade change"),
        ("silent:wrong-record", "changes the grade of the earlier attempt at the course (other term)")],
        follow="and a grade change too: {stu}, {course} {term}, {old} to {new} ({why}), {prof} approved"),
    Task("tix_transfer_tickets", "tickets", "transfer a customer's tickets to another person", "mcp",
         v_transfer, b_transfer, [
        "transfer {frm}'s {n} tickets for {event} ({order}) to {to} <{to_email}>",
        "Hi there! {frm} can't make it to {event} at {venue} on {date} and would like to give their tickets "
        "(order {order}, all {n} seats) to a friend, {to} — {to_email}. Could you please transfer them? Thanks!",
        "Customer {frm} want to send his {n} tickets for {event} to other person {to}, email {to_email}. Please do "
        "transfer.",
        ("ticket transfer for order {order}", "all of them to {to}, {to_email}"),
        ("Can you move some tickets to someone else?", "Sure — which order, and who should receive them?",
         "{order}, {frm}'s {event} tickets → {to} ({to_email})"),
        "transfr tix on {order} to {to_email} ({to}) pls, whole order",
        "{frm} is giving their {event} seats ({seats}) to {to} — {to_email}. transfer all {n}",
    ], [
        "Move every ticket on order {order} over to {to} ({to_email}).",
        "my friend {to} is going to {event} instead of me, can you put the tickets in their name? {to_email}",
        "Reassign {frm}'s {event} tickets to {to_email}.",
    ], [("visible:error", "transfer locked by the organizer, agent stops"),
        ("silent:skipped-step", "transfers only one of the tickets")],
        follow="also transfer {frm}'s tickets for {event} (order {order}) to {to}, {to_email}"),
    Task("tix_issue_comp", "tickets", "issue complimentary tickets for a specific performance", "mcp",
         v_comp, b_comp, [
        "comp {qty} for {guest} ({guest_email}) to {event} on {date}, {area}",
        "Hello! Could you please set aside {qty} complimentary tickets for {guest} for {event} on {date}? It's for "
        "{why}. {area} if possible, and send them to {guest_email}. Thanks a million!",
        "Please give {qty} free ticket to {guest} ({guest_email}) for {event}, date {date}. Reason {why}.",
        ("need comps", "{qty}x {area}, {event} {date}, for {guest} {guest_email}"),
        ("Can you issue some comps?", "Sure — for which show and date, how many, and who's the guest?",
         "{event} on {date}, {qty} in {area}, {guest} / {guest_email}"),
        "comp tix: {guest} +{qty}, {event} {date}, {why}",
        "pls isue {qty} comps for {event} ({date}) to {guest_email} — {why}",
    ], [
        "Put {guest} on the guest list for {event} on {date} with {qty} free tickets.",
        "send {guest_email} {qty} house seats for the {date} {event} show",
        "Issue complimentary {area} tickets ({qty}) to {guest} for {event}, {date} performance.",
    ], [("silent:wrong-record", "issues the comps for the other night's performance"),
        ("visible:error", "comp allowance exceeded (403), nothing issued")],
        follow="one more — comp {qty} tickets for {guest} ({guest_email}) to {event} on {date}, {area}"),
    Task("game_ban_cheater", "game", "check anti-cheat evidence and ban a cheating player", "camel",
         v_ban, b_ban, [
        "ban {tag} for {cheat}, {dur}. check the anticheat first",
        "Hi! We've had {reports} reports about {tag} in {game} using a {cheat}. Could you look at the anti-cheat "
        "detections and, if they hold up, ban the account ({dur})? Ticket {ticket}. Thanks!",
        "Player {tag} is cheating ({cheat}) — please verify evidence and give ban {dur}.",
        ("cheater report {ticket}", "{tag}, {cheat}. if anticheat confirms, {dur} ban"),
        ("Can you handle a cheater?", "Sure — which player, and what are they doing?",
         "{tag}, {cheat} in match {match}. ban {dur} if the evidence is there"),
        "{tag} is useing {cheat} again, ban {dur} if detections r there",
        "T&S {ticket}: confirm {cheat} on {tag} then {dur} ban",
    ], [
        "Look into {tag} for {cheat} and suspend them ({dur}) if the detections back it up.",
        "is {tag} actually hacking? if yes ban them",
        "Verify the anti-cheat flags on {tag} and issue a {dur} ban for {cheat}.",
    ], [("visible:error", "ban rejected (creator program needs T&S lead), agent stops"),
        ("silent:wrong-record", "bans the look-alike account instead of the reported player")],
        follow="also {tag} got reported for {cheat} — check the anticheat and ban {dur} if it's real",
        secret="ban {tag} for {cheat} ({dur}), evidence should be in anticheat. admin key if the tool asks: {secret}"),
    Task("game_outage_comp_and_notice", "game",
         "two requests: grant outage compensation to affected players, then post an in-game announcement", "camel",
         v_outage, b_outage, [
        "{region} was down {window}. 1) give everyone affected {item} 2) post an in-game notice about it",
        "Hi team, after the {region} outage ({window}) we want to do two things: first, send all affected players "
        "{item} (claimable for {days} days), and second, put up a news announcement titled \"{headline}\" in "
        "{locales}. Could you take care of both? Thanks!",
        "Please make compensation {item} for players of {region} affected by outage {window}. Also please post "
        "announcement in game for them.",
        ("{region} outage comp: {item} to everyone who was online {window}",
         "and separately, post an in-game news item explaining it"),
        ("Can you help with the outage fallout?", "Sure — which region and time window, and what should players "
         "get?", "{region}, {window}. grant {item}, then an announcement in the news feed"),
        "outage {region} {window} — compnesation {item} + anouncement pls",
        "two things for the {region} incident ({window}): grant {item} ({days}d claim), and announce it in-game",
    ], [
        "Make it up to {region} players for the downtime {window}: {item} for each of them and a news post.",
        "we had an outage on {region}, can you send the affected players something and tell them about it in game?",
        "Grant {item} to players hit by the {region} outage and publish an in-game apology.",
    ], [("silent:skipped-step", "grants the compensation but never posts the announcement"),
        ("visible:error", "announcement rejected (missing translation), agent stops")]),
    Task("bms_thermostat_schedule", "building", "change a zone's occupied hours in the building system", "snake",
         v_thermo, b_thermo, [
        "{bldg} floor {floor} {wing}: occupied hours {hrs} {days}",
        "Hi, the team on floor {floor} ({wing} side) of {bldg} is switching shifts. Could you update the HVAC "
        "schedule for their zone so it's in occupied mode {hrs}, {days}, {when}? Keep the setpoints as they are. "
        "Thanks!",
        "Please change the thermostat schedule of {zone} in {bldg} to {hrs} on {days}.",
        ("hvac schedule change {bldg}", "{zone}, {hrs}, {days}"),
        ("Can you adjust a thermostat schedule?", "Sure — which building and zone, and what hours?",
         "{bldg}, {zone}. {hrs} {days}"),
        "pls chnage {zone} ({bldg}) hvac hours to {hrs}",
        "{bldg} fl{floor} {wing} → occupied {hrs}, {days}, {when}",
    ], [
        "Have the heating and cooling on {zone} of {bldg} run {hrs} instead.",
        "people on floor {floor} {wing} are freezing in the morning, move their hvac start so it's on {hrs}",
        "Update the occupancy schedule for {bldg}'s {zone} zone: {hrs}, {days}.",
    ], [("visible:error", "schedule write locked by a demand-response event"),
        ("silent:wrong-record", "updates the other wing's zone on the same floor")],
        follow="also change the hvac schedule for {zone} in {bldg} to {hrs} {days}",
        secret="{bldg} {zone} hvac to {hrs} {days}. bms login is facilities / {secret} if you need it"),
    Task("bms_sensor_offline", "building", "investigate why a sensor is offline and report (read only)", "snake",
         v_sensor, b_sensor, [
        "why is {sensor} offline?",
        "Hello, the dashboard says sensor {sensor} in {bldg} (room {room}) stopped reporting. Could you dig into why "
        "and tell me what's wrong? Please don't change anything, I just want to know what to send a tech for.",
        "Sensor {sensor} not sending data since some time. Please check reason.",
        ("{bldg} sensor issue", "{sensor} ({kind}) shows offline, what happened?"),
        ("Can you look at a sensor for me?", "Sure — which device?", "{sensor} in {bldg}, it's offline"),
        "{sensor} offlin again?? whats going on",
        "diagnose {sensor} ({bldg}, rm {room}) — offline. read only",
    ], [
        "What's wrong with {sensor}? It's been dark for hours.",
        "Find out why the {kind} sensor in room {room} at {bldg} isn't reporting.",
        "is {sensor} dead or is it the gateway?",
    ], [("silent:wrong-record", "checks a similarly numbered sensor and reports all is fine"),
        ("visible:error", "device registry times out, no diagnosis")],
        follow="and can you check why {sensor} in {bldg} is offline? don't change anything"),
    Task("mes_lot_hold", "mfg", "put a production lot on quality hold (with an NCR)", "dotted", v_hold, b_hold, [
        "put {lot} on QA hold — {defect}",
        "Hi, {inspector} found {defect} on {part} lot {lot} from {line}. Could you please open an NCR ({sev}) and "
        "put the lot and any child lots on quality hold so nothing ships? Thank you.",
        "Please hold lot {lot} ({pn}) for quality, defect is {defect}. Make NCR also.",
        ("quality problem on {line}", "lot {lot}, {defect}. hold it + NCR"),
        ("I need to stop a lot", "Sure — which lot, and what's the problem?", "{lot}, {defect}, severity {sev}"),
        "hld {lot} pls, {defect} found by {inspector}",
        "QA hold + NCR for {pn} lot {lot}: {defect}",
    ], [
        "Quarantine lot {lot} — we found {defect}. Raise a nonconformance too.",
        "stop {lot} from shipping, there's {defect}",
        "Place {part} lot {lot} and its sub-lots on hold and log a {sev} NCR for {defect}.",
    ], [("visible:user-complaint", "hold doesn't reach the warehouse system; user says it didn't work"),
        ("silent:skipped-step", "places the hold but never opens the NCR")],
        follow="also put lot {lot} on QA hold, {defect} — open an NCR for it"),
    Task("mes_lot_release", "mfg", "release a held lot after checking the NCR and re-inspection", "dotted",
         v_release, b_release, [
        "release {lot}, {ncr} is dispositioned",
        "Hi! QA finished the re-inspection on lot {lot} ({part}). {ncr} was dispositioned '{disp}' by {approver}. "
        "Could you check the results and, if everything passed, release the hold? Thanks!",
        "Please release quality hold of lot {lot}. NCR {ncr}, disposition {disp}.",
        ("{lot} can go", "{ncr} approved by {approver} — release the hold if inspection is ok"),
        ("Can you release a lot?", "Sure — which lot, and which NCR covers it?", "{lot}, {ncr} ({disp})"),
        "relase hold on {lot} pls, {approver} signed off",
        "{ncr} closed out as {disp} → release {lot} if reinspection passed",
    ], [
        "Take lot {lot} off hold now that {ncr} is dispositioned — check the inspection first.",
        "is {lot} good to go? if so release it",
        "Lift the QA hold on {part} lot {lot} ({ncr}, {disp}).",
    ], [("visible:error", "release refused (NCR not closed)"),
        ("silent:wrong-action", "releases the lot although re-inspection failed")],
        follow="and release the hold on {lot} — {ncr} is dispositioned {disp}, check the reinspection"),
    Task("donor_log_gift", "nonprofit", "log a donation and send the tax receipt", "bare", v_gift, b_gift, [
        "log {amt} from {donor} to {fund} ({method}) + send receipt",
        "Hi! We received a gift of {amt} from {donor} on {gift_date} by {method}, for the {fund}. Could you record "
        "it in the CRM and send them their tax receipt by email? Thank you so much!",
        "Please enter donation {amt} of {donor}, fund {fund}, paid by {method}. Send receipt to donor.",
        ("new gift", "{donor}, {amt}, {fund}, {method}. receipt pls"),
        ("Can you log a donation?", "Sure — who gave, how much, to which fund, and how did they pay?",
         "{donor}, {amt} to {fund} via {method} on {gift_date}"),
        "recrod {donor}'s gift {amt} ({fund}) and email the reciept",
        "{method} came in from {donor} — {amt} for {fund}. log + acknowledge",
    ], [
        "{donor} just gave {amt} to the {fund}; please book it and get the acknowledgment out.",
        "can you put in a donation for {donor} and send the receipt? {amt}",
        "Record a {amt} gift ({method}) from {donor} toward {fund} and email the tax letter.",
    ], [("visible:error", "receipt email fails (bounced address), agent stops"),
        ("silent:wrong-record", "logs the gift on a same-named donor's record")],
        secret="log {amt} from {donor} to {fund} and send receipt. she gave by card over the phone: {secret} exp "
               "{exp}"),
    Task("lims_register_sample", "lab", "register a sample in the LIMS and assign storage", "dotted",
         v_sample, b_sample, [
        "register {stype} sample from {src} for {study}, collected {coll}",
        "Hello, we just received a {stype} sample ({cont}) from {src} for {study} ({stitle}), collected at {coll}. "
        "Could you please register it in the LIMS and assign it a spot in {freezer}? Thanks!",
        "Please create sample in LIMS: study {study}, type {stype}, source {src}, collection {coll}. Put in storage.",
        ("new sample for {study}", "{stype} from {src}, collected {coll} — register + store"),
        ("Can you log a sample?", "Sure — which study, what type, and where's it from?",
         "{study}, {stype}, source {src}, collected {coll}"),
        "regster {stype} {src} ({study}) pls + freezer spot",
        "{study}: accession a {stype} from {src} ({coll}) and give it a storage location",
    ], [
        "Accession the {stype} that came in from {src} under {study} and find it a freezer position.",
        "we got a new {stype} for the {stitle} study, can you put it in the system?",
        "Log sample {src} ({stype}, collected {coll}) for {study} and store it.",
    ], [("visible:error", "storage box full, sample left without a location"),
        ("silent:wrong-record", "registers the sample under a look-alike study code")]),
    Task("dns_add_record", "dns", "add a DNS record in a Cloudflare zone", "snake", v_dns, b_dns, [
        "add {typ} {fq} -> {content}",
        "Hi! Could you please create a {typ} record for {name} in the {zone} zone pointing to {content}? TTL "
        "{ttl} is fine. Thanks a lot!",
        "Please make new DNS record type {typ}, name {fq}, value {content}.",
        ("dns change for {zone}", "{typ} {name} → {content}, ttl {ttl}"),
        ("Can you add a DNS record?", "Sure — which zone, record type, name and value?",
         "{zone}, {typ}, {name}, {content}"),
        "add dns recrd {typ} {name}.{zone} = {content}",
        "need {fq} ({typ}) pointing at {content} asap",
    ], [
        "Create the {typ} entry {fq} with value {content}.",
        "point {fq} at {content} please",
        "In Cloudflare, add a {typ} for {name} on {zone}: {content}.",
    ], [("visible:error", "record already exists (81053), agent stops"),
        ("silent:wrong-record", "creates the record in the look-alike .dev zone")],
        follow="also add a {typ} record {fq} -> {content}",
        secret="add {typ} {fq} -> {content}. cf api token in case: {secret}"),
    Task("dns_cert_check", "dns", "check a TLS certificate's expiry and renew only if inside the window", "snake",
         v_cert, b_cert, [
        "check cert on {host}, renew if < {thr} days",
        "Hi, could you check when the TLS certificate on {host} expires? If it's within {thr} days, please renew "
        "it; otherwise just let me know and leave it alone. Thanks!",
        "Please verify expiry of SSL certificate for {host}. Renew only if less than {thr} days.",
        ("is {host}'s cert ok?", "renew only if it's under {thr} days"),
        ("Can you check a certificate?", "Sure — which hostname, and what's your renewal threshold?",
         "{host}, {thr} days"),
        "{host} cert expirng soon? renew if under {thr}d",
        "quick cert check {host} ({thr} day rule)",
    ], [
        "When does the certificate for {host} run out? Renew it only if it's close.",
        "Make sure {host} won't hit an expired cert in the next {thr} days.",
        "ssl expiry on {host}? dont renew unless needed",
    ], [("silent:wrong-action", "renews a certificate that was far from expiry (or checks the apex instead)")],
        follow="can you also check the cert on {host} and renew it only if it's within {thr} days?"),
    Task("cms_issue_correction", "newsroom", "fix a factual error in a published article and add a correction note",
         "camel", v_corr, b_corr, [
        "correction on \"{head}\": {what} is {right}, not {wrong}",
        "Hi, a reader pointed out that our story \"{head}\" ({pub_day}) got {what} wrong — we wrote {wrong}, it "
        "should be {right}. Could you fix the text and add a correction note per our policy? Thanks.",
        "Please correct article \"{head}\". We wrote {wrong} but right is {right}. Add correction.",
        ("need a correction", "\"{head}\" — {wrong} should be {right}"),
        ("Can you run a correction?", "Sure — which article, and what was wrong?",
         "\"{head}\", {what}: {right} not {wrong}"),
        "fix {what} in the {section} story \"{head}\" ({wrong}→{right}) + correcton note",
        "{author}'s piece \"{head}\" has {what} wrong. {right}. correct + append note",
    ], [
        "Our article \"{head}\" misstated {what} — update it to {right} and note the correction.",
        "we got {what} wrong in \"{head}\", please fix it",
        "Publish a correction for \"{head}\" ({wrong} should read {right}).",
    ], [("visible:error", "article checked out by another editor, edit rejected"),
        ("silent:skipped-step", "fixes the text but never adds the correction note")]),
    Task("obs_silence_alert", "observability", "silence a firing alert for one service during maintenance", "dotted",
         v_silence, b_silence, [
        "silence {alert} for {svc} ({env}) {dur}, {chg}",
        "Hi! We're doing a {why} on {svc} right now ({chg}). Could you please silence the {alert} alert for that "
        "service in {env} for the next {dur}? Don't mute it anywhere else. Thanks!",
        "Please mute alert {alert} of service {svc} in {env} for {dur}. Reason {why}.",
        ("{svc} maintenance", "silence {alert} {dur}, {env} only"),
        ("Can you silence an alert?", "Sure — which alert, for which service/environment, and for how long?",
         "{alert}, {svc} in {env}, {dur}. {chg}"),
        "silnce {alert} on {svc} {dur} pls, {why}",
        "{chg}: mute {alert} ({svc}/{env}) for {dur}",
    ], [
        "Stop {alert} from paging for {svc} in {env} over the next {dur} — we have {why}.",
        "can you shut {alert} up for a couple hours? just {svc}",
        "Create an Alertmanager silence for {alert} on {svc} ({env}), {dur}.",
    ], [("silent:wrong-action", "silences the alert name everywhere (too broad matcher)"),
        ("visible:error", "silence rejected (invalid matcher), nothing silenced")]),
]

NOVEL = [
    ("sis_transcript_request", "Send an official transcript for {name} to the admissions office at Ridgeview "
                               "University."),
    ("tix_refund_cancelled_show", "Friday's show at the Orpheum got cancelled — refund everyone who bought tickets."),
    ("game_restore_inventory", "Player Moonlit_Fox had their account stolen; roll back their inventory to last "
                               "Tuesday and lock email changes."),
    ("bms_badge_access", "Give {name} after-hours badge access to the 5th floor lab for the next two weeks."),
    ("mes_schedule_changeover", "Schedule a changeover on Line 3 from the Pump Housing 220 to the Drive Shaft 310 "
                                "next Monday at 6am."),
    ("lims_book_instrument", "Book the Orbitrap for 6 hours on Thursday for the proteomics run under STUDY-0522."),
    ("cms_schedule_article", "Schedule the city council explainer to go live at 6am tomorrow on the homepage."),
    ("obs_create_slo", "Create a 99.9% availability SLO for checkout-api over 30 days with burn-rate alerts."),
]
# fmt: on


# runs --------------------------------------------------------------------------------------------------------------
SYSTEM = {
    "school": "You are the registrar's office assistant at Halden College, with access to the student information "
    "system. Today is {today}.",
    "tickets": "You are a box-office assistant for Boxly Tickets. Confirm before transferring or issuing tickets. "
    "Today is {today}.",
    "game": "You are a live-ops assistant for Emberforge Games. Check evidence before enforcement actions.",
    "building": "You are a facilities assistant with access to the building management system. Today is {today}.",
    "mfg": "You are a manufacturing operations assistant connected to Tessaro's MES and QMS. Today is {today}.",
    "nonprofit": "You help the Riverlight Foundation development team keep donor records. Today is {today}.",
    "lab": "You are a lab assistant with access to the Kelvin Lab LIMS.",
    "dns": "You are an infrastructure assistant. You can manage DNS in Cloudflare and TLS certificates.",
    "newsroom": "You are a newsroom assistant for The Courier with CMS access. Follow the corrections policy.",
    "observability": "You are an on-call assistant with access to Alertmanager. Today is {today}.",
}


SIXTH = TaskSet(TASKS, NOVEL, lambda rng: person(rng, "halden.edu"), SYSTEM, seed=20260612, n_second=8,
                cwd_dirs=("ops", "work", "infra"), shell_calls=True)  # fmt: skip

if __name__ == "__main__":
    main(SIXTH, __doc__)
