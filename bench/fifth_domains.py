"""Labelled agent sessions in a fifth set of domains, written blind: data science (profile a warehouse table,
retrain a model and compare it with production), e-commerce seller ops on Shopify (partial refund, price
change), recruiting in an ATS (move a candidate to onsite and book the panel, reject a candidate), legal (check a
clause against the playbook and redline it, route a mutual NDA for signature), AWS cost (stop idle instances, tag
untagged resources), mobile releases in App Store Connect (submit a build for review, pause a phased release),
property management (log a maintenance request and dispatch a vendor), freight (rebook a delayed shipment, fetch a
customs document) and marketing (pause underperforming ad campaigns). A held-out-style check for
``deftly bench --jsonl DIR/sessions.jsonl``.

Written without reading deftly's extraction, matching or ranking code, and not tuned to it. Every one of the 16
task types is run 7 times (5 or 6 successes, 1 or 2 failures) with other people, ids, dates and amounts, in a
different wording each time (terse, polite and long, non-native English, typos, split over two messages, the agent
asking a clarifying question first) and in a different trace format each time. Agents differ: some look records up
before acting, some narrate, some confirm before writes, some re-read after a write. Failures are visible (an
unrecovered tool error, the user saying it did not work, a wrong refusal) or silent (the wrong record, a skipped
required step or a wrong action, and the user says thanks). Ten sessions carry a second, different request from
the same domain (labelled in ``also``). A few users paste secrets (listed in the manifest). Tool names mix styles
by domain (``describe_table``, ``ats.move_stage``, ``mcp__shopify__create_refund``, ``addRedlineComment``,
``aws_ec2_stop_instances``); Claude Code runs expose every tool as ``mcp__server__tool``, Codex runs as
``server__tool``, and most AWS runs in those two harnesses use the ``aws`` CLI through the shell instead.

Trace formats and their writers are those of bench/fourth_domains.py (OpenAI chat, Anthropic Messages, OpenAI
Responses, Vercel AI SDK UI and model messages, Claude Code JSONL, Codex CLI rollouts). Each task type gets 3
unseen queries worded unlike its runs; 8 novel queries ask for task types that were never run.

    python bench/fifth_domains.py --out DIR [--seed N]
    deftly bench --jsonl DIR/sessions.jsonl --verbose

Writes into DIR:
  run_XXXX.json(l)   one trace per run (.jsonl for Claude Code and Codex transcripts)
  sessions.jsonl     {"trace_file","task","success"[,"also"]} lines (runs), then {"query","task"} lines
  meta/manifest.json per-run details (format, model, wording, failure kind, second request, secrets) -- NOT
                     for ingestion
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import string
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fourth_domains import MODELS, WRITERS, Run, Style, ask, assign_ids

RUNS_PER_TASK = 7
FORMATS = ["openai", "anthropic", "openai-responses", "vercel-ui", "vercel-model", "claude-code", "codex"]
BASE = dt.datetime(2025, 2, 3, 8, 30)
ALNUM = string.ascii_letters + string.digits

FIRST = [
    "Ines", "Marcus", "Leilani", "Bartek", "Anjali", "Tobias", "Xiu", "Chidi", "Elena", "Haruto", "Samira", "Conor",
    "Beatriz", "Jonas", "Thandiwe", "Rohan", "Astrid", "Kwame", "Noor", "Felipe", "Greta", "Arjun", "Maren", "Dev",
    "Svetlana", "Malik", "Paloma", "Nils", "Hye-jin", "Emeka", "Colette", "Vikram", "Rania", "Theo", "Ayumi", "Wren",
]  # fmt: skip
LAST = [
    "Achterberg", "Balogun", "Castellanos", "Dvorak", "Eriksen", "Farouk", "Gallagher", "Hoshino", "Iyer", "Jansen",
    "Kaur", "Lemaire", "Mwangi", "Nakashima", "Ostrowski", "Pereira", "Quigley", "Rasmussen", "Salazar", "Thorne",
    "Uchenna", "Vasquez", "Whitaker", "Xu", "Yamamoto", "Zielinski", "Abernathy", "Delacroix", "Oyelaran", "Petrov",
]  # fmt: skip
THANKS = ["thanks!", "great, thank you", "perfect", "ty", "thx", "cool, appreciate it", "awesome, thanks a lot"]
SECRETS_NOTE = (
    "One note: please don't paste credentials into chat — I don't need them (the connector is already "
    "authenticated), and I'd rotate that one since it's now in this transcript."
)


# small helpers -----------------------------------------------------------------------------------------------------
def an(rng: random.Random, n: int, chars: str = string.ascii_uppercase + string.digits) -> str:
    return "".join(rng.choice(chars) for _ in range(n))


def dg(rng: random.Random, n: int) -> str:
    return an(rng, n, string.digits)


def hx(rng: random.Random, n: int) -> str:
    return an(rng, n, "0123456789abcdef")


def uid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def usd(x: float) -> str:
    return f"${x:,.2f}"


def day(d: dt.date | dt.datetime) -> str:
    return d.strftime("%a %b ") + str(d.day)


def iso(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def person(rng: random.Random, dom: str = "") -> dict[str, str]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    dom = dom or rng.choice(["gmail.com", "outlook.com", "proton.me", "yahoo.com", "icloud.com"])
    local = rng.choice([f"{first}.{last}", f"{first[0]}{last}", f"{first}{rng.randint(1, 99)}"]).lower()
    return {"first": first, "last": last, "name": f"{first} {last}", "email": f"{local}@{dom}".replace("'", "")}


def base(rng: random.Random, dom: str) -> dict[str, Any]:
    now = BASE + dt.timedelta(days=rng.randint(0, 260), minutes=rng.randint(0, 540))
    op = person(rng, dom)
    return {"now": now, "today": now.date().isoformat(), "op": op["first"], "op_email": op["email"]}


def has(v: dict[str, Any], key: str) -> bool:
    """Did the request (any of its turns) carry this value?"""
    return "{" + key + "}" in str(v.get("_req", ""))


def done(r: Run, text: str, note: str = SECRETS_NOTE) -> None:
    """The agent's closing message; one that was handed a pasted credential says so (in `note`)."""
    if getattr(r, "pasted", False):
        text += "\n\n" + note
        r.pasted = False
    r.say(text)


def luhn(prefix: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(prefix)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return prefix + str((10 - total % 10) % 10)


# data science: profile a table; retrain a model and compare it with production -------------------------------------
TABLES = [
    ("analytics", "fct_orders", "order_id:STRING order_date:DATE store_id:INT64 gross_revenue:NUMERIC "
     "refunds:NUMERIC channel:STRING", "channel", "order_id"),
    ("raw", "stripe_charges", "charge_id:STRING customer_id:STRING amount:INT64 currency:STRING status:STRING "
     "created:TIMESTAMP", "status", "charge_id"),
    ("marts", "customer_ltv", "customer_id:STRING first_order_at:TIMESTAMP orders:INT64 ltv_usd:NUMERIC "
     "segment:STRING", "segment", "customer_id"),
    ("events", "app_sessions", "session_id:STRING user_id:STRING platform:STRING started_at:TIMESTAMP "
     "duration_s:INT64 app_version:STRING", "platform", "session_id"),
    ("staging", "support_tickets", "ticket_id:STRING requester_email:STRING priority:STRING created_at:TIMESTAMP "
     "first_response_min:INT64 csat:INT64", "priority", "ticket_id"),
    ("ml", "loan_applications", "application_id:STRING income:NUMERIC loan_amount:NUMERIC term_months:INT64 "
     "state:STRING defaulted:BOOL", "state", "application_id"),
]  # fmt: skip
CATS = {
    "channel": ["web", "ios", "android", "pos", "wholesale"],
    "status": ["succeeded", "failed", "refunded", "disputed"],
    "segment": ["smb", "mid_market", "enterprise", "consumer"],
    "platform": ["ios", "android", "web", "ipados"],
    "priority": ["normal", "high", "low", "urgent"],
    "state": ["CA", "TX", "NY", "FL", "IL", "WA"],
}
OTHER_TABLES = ["dim_date", "stg_refunds", "fct_inventory_snapshots", "tmp_backfill_q3", "ref_currency"]


def v_profile(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "lumenretail.com")
    ds, table, cols, cat, key = rng.choice(TABLES)
    cols = [c.split(":") for c in cols.split()]
    project = rng.choice(["lumen-dw-prod", "nw-analytics", "fjord-bi-prod", "acme-warehouse"])
    rows = rng.randint(40_000, 9_000_000)
    shares = sorted((rng.random() for _ in CATS[cat]), reverse=True)
    cats = [(c, int(rows * s / sum(shares))) for c, s in zip(CATS[cat], shares, strict=True)]
    old = rng.choice([f"{table}_v1", f"{table}_backup_{rng.randint(2023, 2024)}{rng.randint(10, 12)}01"])
    v.update(project=project, dataset=ds, table=table, fq=f"{project}.{ds}.{table}", cols=cols, cat=cat, key=key,
             rows=rows, nullcol=rng.choice(cols[1:])[0], nullpct=round(rng.uniform(0.4, 23.0), 1),
             dupes=rng.choice([0, 0, rng.randint(3, 900)]), cats=cats, old=old)  # fmt: skip
    return v


def b_profile(r: Run, v: dict[str, Any]) -> None:
    g, target, cols = r.rng, v["fq"], v["cols"]
    if r.style.auth_first or r.fk == "silent":
        r.note(f"Let me find the table in `{v['dataset']}` first.")
        listed = sorted([v["table"], v["old"], g.choice(OTHER_TABLES)])
        r.call("warehouse.list_tables", {"project": v["project"], "dataset": v["dataset"]},
               {"tables": [{"table_id": t, "type": "TABLE"} for t in listed]})  # fmt: skip
        if r.fk == "silent":
            target = f"{v['project']}.{v['dataset']}.{v['old']}"
    live = target == v["fq"]
    rows = v["rows"] if live else int(v["rows"] * g.uniform(0.3, 0.8))
    modified = v["now"] - dt.timedelta(hours=g.randint(1, 30) if live else g.randint(2000, 6000))
    r.call("warehouse.describe_table", {"table": target},
           {"table": target, "num_rows": rows, "size_bytes": rows * g.randint(60, 400), "last_modified": iso(modified),
            "columns": [{"name": n, "type": t, "mode": "NULLABLE"} for n, t in cols]})  # fmt: skip
    nulls = ", ".join(f"COUNTIF({n} IS NULL) AS {n}_nulls" for n, _ in cols)
    key = v["key"]
    sql = f"SELECT COUNT(*) AS row_count, COUNT(DISTINCT {key}) AS distinct_{key}, {nulls} FROM `{target}`"
    if r.fk == "visible":
        r.err("warehouse.run_query", {"sql": sql, "dry_run": False},
              f"Error: 403 Access Denied: Table {target}: User does not have permission to query table {target}, "
              "or perhaps it does not exist. (reason: accessDenied, missing bigquery.tables.getData)")  # fmt: skip
        done(r, f"I couldn't profile `{target}`: the query was rejected with 403 Access Denied (the account I run "
                "as lacks `bigquery.tables.getData` on that dataset). Someone with admin rights on the dataset "
                "would need to grant BigQuery Data Viewer before I can run it.")  # fmt: skip
        return
    res = {"row_count": rows, f"distinct_{key}": rows - v["dupes"]}
    for n, _ in cols:
        res[f"{n}_nulls"] = int(rows * v["nullpct"] / 100) if n == v["nullcol"] else 0
    r.call("warehouse.run_query", {"sql": sql},
           {"rows": [res], "bytes_processed": rows * 41, "job_id": "job_" + hx(g, 20)})  # fmt: skip
    num = [n for n, t in cols if t in ("INT64", "NUMERIC")]
    if num and (r.style.verify or g.random() < 0.6):
        parts = ", ".join(f"MIN({n}) AS {n}_min, MAX({n}) AS {n}_max, ROUND(AVG({n}),2) AS {n}_avg" for n in num)
        stats: dict[str, Any] = {}
        for n in num:
            lo = g.randint(0, 20)
            stats |= {f"{n}_min": lo, f"{n}_max": lo + g.randint(300, 90000), f"{n}_avg": round(g.uniform(20, 900), 2)}
        r.call("warehouse.run_query", {"sql": f"SELECT {parts} FROM `{target}`"}, {"rows": [stats]})
    r.call("warehouse.run_query",
           {"sql": f"SELECT {v['cat']}, COUNT(*) AS n FROM `{target}` GROUP BY 1 ORDER BY n DESC LIMIT 10"},
           {"rows": [{v["cat"]: c, "n": n} for c, n in v["cats"]]})  # fmt: skip
    topline = ", ".join(f"`{c}` {n / rows:.0%}" for c, n in v["cats"][:3])
    dup = f"{v['dupes']:,} duplicate `{key}` values" if v["dupes"] else f"`{key}` is unique"
    done(r, f"Profile of `{target}` ({rows:,} rows, last modified {modified:%Y-%m-%d}):\n"
            f"- nulls: only `{v['nullcol']}` has any — {v['nullpct']}% null; every other column is complete\n"
            f"- keys: {dup}\n- `{v['cat']}` top values: {topline}\n"
            "Overall it looks usable" + (", but dedupe on the key first." if v["dupes"] else "."))  # fmt: skip


ML = [
    ("churn-classifier", "auc", "f1", True), ("ltv-regressor", "rmse", "mae", False),
    ("fraud-xgb", "auc", "precision_at_1pct", True), ("demand-forecast", "mape", "wape", False),
    ("lead-scoring", "auc", "logloss", True),
]  # fmt: skip


def v_retrain(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "quantive.io")
    name, m1, m2, higher = rng.choice(ML)
    end = v["now"].date().replace(day=1) - dt.timedelta(days=1)
    start = (end - dt.timedelta(days=rng.choice([60, 90, 180]))).replace(day=1)
    p1 = round(rng.uniform(0.71, 0.9), 4) if higher else round(rng.uniform(8, 30), 3)
    delta = rng.uniform(0.004, 0.03) if higher else rng.uniform(0.2, 2.5)
    better = rng.random() < 0.7
    n1 = round(p1 + delta, 4) if better == higher else round(p1 - delta, 4)
    p2, n2 = (rng.uniform(0.3, 0.6), rng.uniform(0.3, 0.6)) if higher else (p1 * 0.7, n1 * rng.uniform(0.6, 0.8))
    v.update(model=name, m1=m1, m2=m2, start=start.isoformat(), end=end.isoformat(),
             window=f"{start:%b %Y} to {end:%b %Y}", prod_ver=rng.randint(4, 31), p1=p1, n1=n1, better=better,
             p2=round(p2, 4), n2=round(n2, 4), job="trn-" + hx(rng, 10), prod_run=hx(rng, 32), new_run=hx(rng, 32),
             table=f"features.{name.replace('-', '_')}_training")  # fmt: skip
    return v


def b_retrain(r: Run, v: dict[str, Any]) -> None:
    g, job, m1, m2 = r.rng, v["job"], v["m1"], v["m2"]
    r.note(f"First I'll pull the current Production version of `{v['model']}` so I can reuse its params.")
    prod = {"name": v["model"], "version": str(v["prod_ver"]), "current_stage": "Production", "run_id": v["prod_run"],
            "metrics": {m1: v["p1"], m2: v["p2"]},
            "params": {"max_depth": "6", "learning_rate": "0.05", "n_estimators": "600"}}  # fmt: skip
    r.call("mlflow.get_model_version", {"name": v["model"], "stage": "Production"}, prod)
    job_args = {"model": v["model"], "training_table": v["table"], "date_from": v["start"], "date_to": v["end"],
                "base_run_id": v["prod_run"], "instance_type": r.pick("ml.m5.4xlarge", "n2-highmem-16")}  # fmt: skip
    r.call("training.submit_job", job_args, {"job_id": job, "status": "QUEUED"})
    for _ in range(g.randint(0, 2)):
        r.call("training.get_job", {"job_id": job}, {"job_id": job, "status": "RUNNING", "progress": g.randint(10, 90)})
    if r.fk == "visible":
        r.call("training.get_job", {"job_id": job},
               {"job_id": job, "status": "FAILED",
                "error": "Container killed: OOMKilled (exit 137) in feature join; peak memory 63.8 GiB"})  # fmt: skip
        done(r, f"The retraining job {job} failed — the container ran out of memory during the feature join "
                "(OOMKilled). I could not produce a new run, so there is nothing to compare against "
                "production.")  # fmt: skip
        return
    r.call("training.get_job", {"job_id": job},
           {"job_id": job, "status": "SUCCEEDED", "mlflow_run_id": v["new_run"],
            "duration_min": g.randint(14, 95)})  # fmt: skip
    cmp = {"runs": [
        {"run_id": v["prod_run"], "label": f"v{v['prod_ver']} (Production)", m1: v["p1"], m2: v["p2"]},
        {"run_id": v["new_run"], "label": "candidate", m1: v["n1"], m2: v["n2"]}],
        "eval_set": f"holdout_{v['end']}"}  # fmt: skip
    r.call("mlflow.compare_runs", {"run_ids": [v["prod_run"], v["new_run"]], "metrics": [m1, m2]}, cmp)
    verdict = "better" if v["better"] else "worse"
    text = (f"Retrained `{v['model']}` on {v['window']} (job {job}, run `{v['new_run'][:8]}`). On the same "
            f"holdout: {m1} {v['n1']} vs {v['p1']} for production v{v['prod_ver']} — the candidate is {verdict}; "
            f"{m2} {v['n2']} vs {v['p2']}.")  # fmt: skip
    if r.fk == "silent":
        new = str(v["prod_ver"] + 1)
        r.call("mlflow.transition_stage",
               {"name": v["model"], "version": new, "stage": "Production", "archive_existing_versions": True},
               {"name": v["model"], "version": new, "current_stage": "Production"})  # fmt: skip
        text += f" I've promoted it to Production as v{new} and archived the old version."
    else:
        text += " Nothing was promoted; production is unchanged."
    done(r, text)


# e-commerce (Shopify): partial refund; price change ----------------------------------------------------------------
PRODUCTS = [
    ("Merino Crew Sock", 18.0), ("Linen Apron", 42.0), ("Ceramic Pour-Over Set", 64.0), ("Beeswax Candle 8oz", 26.0),
    ("Waxed Canvas Tote", 78.0), ("Organic Cotton Tee", 34.0), ("Walnut Cutting Board", 89.0),
    ("Cold Brew Bottle", 29.0), ("Alpaca Beanie", 48.0), ("Stoneware Mug Set", 56.0), ("Trail Running Cap", 32.0),
    ("Bamboo Bath Towel", 39.0),
]  # fmt: skip
SIZES = [["S", "M", "L", "XL"], ["Small", "Large"], ["8oz", "12oz", "16oz"], ["One Size"], ["Sand", "Olive", "Slate"]]
REASONS = [
    ("arrived damaged", "damaged", False), ("was the wrong size", "wrong size", True),
    ("never arrived in the box", "missing from package", False), ("is not what they ordered", "wrong item", True),
]  # fmt: skip


def v_refund(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "fernandpine.co")
    cust = person(rng)
    lines = [{"id": int("1" + dg(rng, 12)), "title": title, "sku": an(rng, 3) + "-" + dg(rng, 4),
              "quantity": rng.randint(1, 3), "price": f"{price:.2f}"}
             for title, price in rng.sample(PRODUCTS, rng.randint(2, 4))]  # fmt: skip
    target = rng.choice(lines)
    rqty = rng.randint(1, target["quantity"])
    reason, short, restock = rng.choice(REASONS)
    tax = rng.choice([0.0, 0.0625, 0.0725, 0.08875])
    v.update(order_no=f"#{rng.randint(1040, 98000)}", order_id=int("5" + dg(rng, 12)), customer=cust["name"],
             cust_email=cust["email"], lines=lines, target=target, ritem=target["title"], rqty=rqty, reason=reason,
             reason_short=short, restock=restock, tax=tax, amount=round(float(target["price"]) * rqty * (1 + tax), 2),
             restock_text="Put it back into stock." if restock else "Don't restock it.",
             secret=luhn("4" + dg(rng, 14)), exp=f"{rng.randint(1, 12):02d}/{rng.randint(26, 30)}",
             shipping=rng.choice([0.0, 6.95, 9.5]))  # fmt: skip
    return v


def b_refund(r: Run, v: dict[str, Any]) -> None:
    g, oid, tax = r.rng, v["order_id"], v["tax"]
    if getattr(r, "pasted", False):
        r.say("Refunds in Shopify can only go back to the original payment method, so I'll refund the card used at "
              "checkout and won't use the number you pasted. Please don't share full card numbers in "
              "chat.")  # fmt: skip
        r.pasted = False
    total = sum(float(x["price"]) * x["quantity"] for x in v["lines"])
    order = {"id": oid, "name": v["order_no"], "email": v["cust_email"], "financial_status": "paid",
             "fulfillment_status": "fulfilled", "customer": {"name": v["customer"]},
             "total_price": f"{total * (1 + tax) + v['shipping']:.2f}", "line_items": v["lines"],
             "shipping_lines": [{"title": "Standard", "price": f"{v['shipping']:.2f}"}]}  # fmt: skip
    r.call("shopify.get_order", {"name": v["order_no"]}, order)
    rt = "return" if v["restock"] else "no_restock"
    items = [{"line_item_id": v["target"]["id"], "quantity": v["rqty"], "restock_type": rt}]
    amount = v["amount"]
    if r.fk == "silent":
        items = [{"line_item_id": x["id"], "quantity": x["quantity"], "restock_type": "return"} for x in v["lines"]]
        amount = round(total * (1 + tax), 2)
    if r.style.auth_first or r.style.verify:
        r.call("shopify.calculate_refund", {"order_id": oid, "refund_line_items": items},
               {"refund_line_items": items, "subtotal": f"{amount / (1 + tax):.2f}",
                "total_tax": f"{amount - amount / (1 + tax):.2f}", "suggested_amount": f"{amount:.2f}"})  # fmt: skip
    r.confirm(f"I'll refund {v['rqty']} x {v['ritem']} on {v['order_no']} ({usd(v['amount'])} incl. tax) and "
              "email the customer.")  # fmt: skip
    args = {"order_id": oid, "refund_line_items": items, "notify": True, "note": v["reason_short"],
            "transactions": [{"kind": "refund", "gateway": "shopify_payments", "amount": f"{amount:.2f}"}]}  # fmt: skip
    if r.fk == "visible":
        args["transactions"][0]["amount"] = f"{amount + v['shipping'] + 12:.2f}"
        r.err("shopify.create_refund", args, "Error: 422 Unprocessable Entity — transactions.amount: Refund amount "
              "exceeds the refundable amount for the line items selected")  # fmt: skip
        done(r, f"Shopify rejected the refund for {v['order_no']} (422: amount exceeds the refundable amount). "
                "I wasn't able to complete it, so nothing has been refunded yet.")  # fmt: skip
        return
    rid = int("9" + dg(g, 11))
    r.call("shopify.create_refund", args,
           {"refund": {"id": rid, "order_id": oid, "created_at": iso(v["now"]), "transactions": [
               {"id": int(dg(g, 13)), "status": "success", "amount": f"{amount:.2f}"}]}})  # fmt: skip
    if r.style.verify:
        status = "partially_refunded" if r.fk != "silent" else "refunded"
        r.call("shopify.get_order", {"name": v["order_no"]}, {**order, "financial_status": status})
    what = f"{v['rqty']} x {v['ritem']}" if r.fk != "silent" else "the order"
    done(r, f"Done — refunded {what} on {v['order_no']}: {usd(amount)} back to the original payment method "
            f"(refund {rid}). {'Restocked.' if v['restock'] else 'Not restocked.'} {v['customer']} gets the refund "
            "email.")  # fmt: skip


def v_price(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "fernandpine.co")
    title, old = rng.choice(PRODUCTS)
    title += rng.choice(["", " - Sand", " - Olive", " - Slate"])
    new = round(old * rng.choice([0.8, 0.85, 0.9, 1.1, 1.15, 1.2]) - 0.01, 2)
    variants = [{"id": int("4" + dg(rng, 13)), "title": s, "sku": f"{an(rng, 4)}-{s[:2].upper()}",
                 "price": f"{old:.2f}", "compare_at_price": None} for s in rng.choice(SIZES)]  # fmt: skip
    v.update(product=title, pid=int("8" + dg(rng, 12)), variants=variants, old=usd(old), new=new, new_price=usd(new),
             handle=title.lower().replace(" - ", "-").replace(" ", "-"), sale=new < old and rng.random() < 0.5,
             secret="shpat_" + hx(rng, 32))  # fmt: skip
    return v


def b_price(r: Run, v: dict[str, Any]) -> None:
    pid, new = v["pid"], f"{v['new']:.2f}"
    prod = {"id": pid, "title": v["product"], "handle": v["handle"], "status": "active", "variants": v["variants"]}
    other = {"id": pid + 17, "title": v["product"] + " (Gift Set)", "handle": v["handle"] + "-gift-set",
             "status": "active", "variants": [{"id": v["variants"][0]["id"] + 991, "title": "Default",
                                               "price": "99.00"}]}  # fmt: skip
    r.call("shopify.search_products", {"query": v["product"], "limit": 5}, {"products": [prod, other]})
    compare = v["old"].lstrip("$") if v["sale"] else None
    targets = v["variants"][:1] if r.fk == "silent" else v["variants"]
    r.confirm(f"I'll set {v['product']} ({len(v['variants'])} variants) from {v['old']} to {v['new_price']}.")
    bulk = {"product_id": pid, "variants": [{"id": x["id"], "price": new, "compare_at_price": compare}
                                            for x in targets]}  # fmt: skip
    if r.fk == "visible":
        r.err("shopify.bulk_update_variants", bulk, "Error: [API] Access denied for productVariantsBulkUpdate "
              "field. Required access: `write_products` access scope.")  # fmt: skip
        done(r, "The price update failed: the Shopify connection doesn't have the `write_products` scope, so I "
                "can't change prices from here. A store owner would need to update the app's permissions.")  # fmt: skip
        return
    upd = [{**x, "price": new, "compare_at_price": compare} for x in targets]
    if len(targets) > 1 and r.rng.random() < 0.5:
        r.call("shopify.bulk_update_variants", bulk,
               {"product": {"id": pid}, "productVariants": upd, "userErrors": []})  # fmt: skip
    else:
        for i, x in enumerate(upd):
            r.call("shopify.update_variant", {"variant_id": x["id"], "price": new, "compare_at_price": compare},
                   {"variant": x}, parallel=i > 0)  # fmt: skip
    if r.style.verify:
        r.call("shopify.get_product", {"id": pid}, {**prod, "variants": upd + v["variants"][len(upd) :]})
    which = "all variants" if r.fk != "silent" else f"the {targets[0]['title']} variant"
    sale = f" with {v['old']} shown as the compare-at price" if compare else ""
    done(r, f"Updated **{v['product']}** — {which} now {v['new_price']} (was {v['old']}){sale}.")


# recruiting (ATS): move to onsite and book the panel; reject -------------------------------------------------------
JOBS = [
    "Senior Backend Engineer", "Product Designer", "Data Analyst II", "Account Executive, Mid-Market", "Staff SRE",
    "Customer Success Manager", "Engineering Manager, Payments", "Technical Writer",
]  # fmt: skip


def v_onsite(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "kestrel.io")
    cand = person(rng)
    ivs = list({p["first"]: p for p in (person(rng, "kestrel.io") for _ in range(4))}.values())
    ivs = ivs[: rng.randint(2, 4)]
    mon = v["now"].date() + dt.timedelta(days=7 - v["now"].weekday())
    v.update(cand=cand["name"], cand_email=cand["email"], cand_id="cand_" + dg(rng, 7), app_id="app_" + dg(rng, 8),
             job=rng.choice(JOBS), req="REQ-" + dg(rng, 4), ivs=ivs,
             iv_names=", ".join(p["first"] for p in ivs[:-1]) + " and " + ivs[-1]["first"],
             mon=mon, window=f"the week of {mon:%b} {mon.day}", dur=rng.choice([45, 60]),
             where=rng.choice(["Zoom", "the Lisbon office", "Google Meet", "HQ, 4th floor"]))  # fmt: skip
    return v


def search_cands(r: Run, v: dict[str, Any], stage: str, twin: bool = False) -> None:
    apps = [{"application_id": v["app_id"], "job": v["job"], "req_id": v.get("req", "REQ-" + dg(r.rng, 4)),
             "stage": stage}]  # fmt: skip
    found = [{"candidate_id": v["cand_id"], "name": v["cand"], "email": v["cand_email"], "applications": apps}]
    if twin:
        found.insert(0, {"candidate_id": v["twin_id"], "name": v["cand"], "email": v["twin_email"], "applications": [
            {"application_id": v["twin_app"], "job": v["twin_job"], "stage": "Application Review"}]})  # fmt: skip
    r.call("ats.search_candidates", {"query": v["cand"]}, {"candidates": found, "total": len(found)})


def b_onsite(r: Run, v: dict[str, Any]) -> None:
    g, dur = r.rng, dt.timedelta(minutes=v["dur"])
    search_cands(r, v, "Phone Screen")
    r.call("ats.move_stage", {"application_id": v["app_id"], "to_stage": "Onsite"},
           {"application_id": v["app_id"], "stage": "Onsite", "moved_at": iso(v["now"])})  # fmt: skip
    if r.fk == "silent":
        done(r, f"{v['cand']} is now in the Onsite stage for {v['job']}. The interviewers will see it in their queue.")
        return
    emails = [p["email"] for p in v["ivs"]]
    d = v["mon"] + dt.timedelta(days=g.randint(0, 3))
    start = dt.datetime.combine(d, dt.time(g.choice([9, 10, 13, 14])))
    slots = [{"start": iso(start + dur * i), "end": iso(start + dur * (i + 1)), "free": emails}
             for i in range(len(emails) + 1)]  # fmt: skip
    r.call("calendar.find_availability",
           {"attendees": emails, "start": v["mon"].isoformat(), "end": (v["mon"] + dt.timedelta(days=4)).isoformat(),
            "duration_min": v["dur"]}, {"slots": slots})  # fmt: skip
    sessions = [{"interviewer": p["email"], "start": slots[i]["start"], "end": slots[i]["end"]}
                for i, p in enumerate(v["ivs"])]  # fmt: skip
    args = {"application_id": v["app_id"], "sessions": sessions, "location": v["where"], "notify_candidate": True}
    if r.fk == "visible":
        busy = v["ivs"][1]
        r.err("ats.schedule_interview", args, f"Error: 409 Conflict: interviewer {busy['email']} has a conflicting "
              f"event at {sessions[1]['start']} (calendar sync lag)")  # fmt: skip
        done(r, f"I moved {v['cand']} to Onsite, but scheduling the panel failed: {busy['name']}'s calendar shows a "
                "conflict for their slot. I couldn't book the interviews — they may need to free the "
                "time.")  # fmt: skip
        return
    r.call("ats.schedule_interview", args,
           {"interview_id": "int_" + dg(g, 6), "status": "scheduled", "invites_sent": len(emails) + 1})  # fmt: skip
    lines = "\n".join(f"- {s['start'][11:16]}–{s['end'][11:16]} UTC {p['name']}"
                      for s, p in zip(sessions, v["ivs"], strict=True))  # fmt: skip
    done(r, f"{v['cand']} moved to Onsite for {v['job']} and the panel is booked on {day(d)} ({v['where']}):\n"
            f"{lines}\nInvites went to the interviewers and the candidate.")  # fmt: skip


REJECT = [
    ("Position filled", "tpl_filled"), ("Not enough relevant experience", "tpl_app_review"),
    ("Did not pass technical interview", "tpl_post_onsite"), ("Compensation mismatch", "tpl_general"),
]  # fmt: skip


def v_reject(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "kestrel.io")
    cand, twin = person(rng), person(rng)
    reason, tpl = rng.choice(REJECT)
    v.update(cand=cand["name"], cand_email=cand["email"], cand_id="cand_" + dg(rng, 7), app_id="app_" + dg(rng, 8),
             job=rng.choice(JOBS), reason=reason, tpl=tpl, twin_id="cand_" + dg(rng, 7), twin_email=twin["email"],
             twin_app="app_" + dg(rng, 8), twin_job=rng.choice(JOBS),
             stage=rng.choice(["Phone Screen", "Onsite", "Application Review"]))  # fmt: skip
    return v


def b_reject(r: Run, v: dict[str, Any]) -> None:
    if r.fk == "visible":
        done(r, "I'm sorry, but I can't send rejection emails to candidates. Decisions like that should come from a "
                "recruiter directly — please reject them in the ATS yourself.")  # fmt: skip
        return
    search_cands(r, v, v["stage"], twin=r.fk == "silent" or r.rng.random() < 0.3)
    app = v["twin_app"] if r.fk == "silent" else v["app_id"]
    if r.style.auth_first:
        r.call("ats.list_email_templates", {"type": "rejection"},
               {"templates": [{"id": t, "name": n} for n, t in REJECT]})  # fmt: skip
    r.confirm(f"I'll reject {v['cand']}'s application for {v['job']} ({v['reason']}) and send the standard email.")
    send_at = iso(v["now"] + dt.timedelta(hours=r.rng.choice([0, 0, 18])))
    r.call("ats.reject_application",
           {"application_id": app, "rejection_reason": v["reason"], "email_template_id": v["tpl"],
            "send_email": True, "send_at": send_at},
           {"application_id": app, "status": "rejected", "email": "scheduled"})  # fmt: skip
    done(r, f"Rejected {v['cand']} for {v['job']} (reason: {v['reason']}); the rejection email is queued.")


# legal: clause check against the playbook; mutual NDA for signature ------------------------------------------------
COMPANIES = [
    "Brightlane Logistics", "Okoro Health Systems", "Vantablue GmbH", "Sable & Finch LLP", "Meridia Labs",
    "Tallgrass Energy Partners", "Nordvik AS", "Pinecrest Software Inc.", "Halcyon Robotics", "Ardent Media Group",
]  # fmt: skip
# clause: (counterparty's text, our playbook position, how the text deviates)
CLAUSES = {
    "Limitation of Liability": (
        "Each party's aggregate liability shall not exceed the fees paid in the three (3) months preceding the claim.",
        "Cap at 12 months' fees; carve-outs for confidentiality and indemnity.",
        "Cap is 3 months' fees and has no carve-outs."),
    "Indemnification": (
        "Customer shall indemnify Vendor against all claims arising from Customer's use of the Services.",
        "Mutual IP indemnity; no customer indemnity for ordinary use.",
        "One-sided indemnity running from us to them."),
    "Governing Law": (
        "This Agreement is governed by the laws of England and Wales.",
        "Delaware law; New York acceptable as fallback.",
        "English law is outside the playbook."),
    "Auto-Renewal": (
        "This Agreement renews automatically for successive 24-month terms unless terminated 120 days prior.",
        "12-month renewals, 30-60 days' notice.",
        "24-month renewals with 120 days' notice."),
    "Payment Terms": (
        "Invoices are payable within fifteen (15) days; late amounts bear 2% monthly interest.",
        "Net 45; late interest at most 1% per month.",
        "Net 15 and 2% monthly interest."),
}  # fmt: skip
AGREED = "Consistent with the playbook position; no change needed."


def v_redline(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "corvalaw.com")
    v.update(cp=rng.choice(COMPANIES), agr="AGR-" + dg(rng, 5), latest=rng.randint(2, 5),
             ctype=rng.choice(["MSA", "SaaS Subscription Agreement", "DPA", "Reseller Agreement"]),
             clause=rng.choice(list(CLAUSES)), section=f"{rng.randint(7, 14)}.{rng.randint(1, 4)}")  # fmt: skip
    return v


def b_redline(r: Run, v: dict[str, Any]) -> None:
    text, standard, gap = CLAUSES[v["clause"]]
    vers = [{"id": f"{v['agr']}-v{n}", "title": f"{v['ctype']} — {v['cp']}", "version": n,
             "status": "counterparty draft" if n == v["latest"] else "superseded",
             "updated": iso(v["now"] - dt.timedelta(days=(v["latest"] - n) * 9 + 1))}
            for n in range(v["latest"], 0, -1)]  # fmt: skip
    r.call("clm.search_agreements", {"counterparty": v["cp"], "type": v["ctype"]}, {"results": vers})
    latest = r.fk != "silent"
    ver = v["latest"] if latest else v["latest"] - 1
    doc = f"{v['agr']}-v{ver}"
    r.call("clm.get_clause", {"document_id": doc, "heading": v["clause"]},
           {"section": v["section"], "heading": v["clause"], "text": text if latest else standard})  # fmt: skip
    r.call("playbook.get_position", {"clause_type": v["clause"]},
           {"clause_type": v["clause"], "standard": standard, "escalate_to": "legal-ops@corvalaw.com"})  # fmt: skip
    args = {"document_id": doc, "section": v["section"],
            "comment": f"Deviation from playbook: {gap} Our position: {standard}" if latest else AGREED}  # fmt: skip
    if latest and r.rng.random() < 0.6:
        args["suggested_text"] = standard
    if r.fk == "visible":
        who = person(r.rng, "corvalaw.com")["email"]
        r.err("clm.add_redline_comment", args, f"Error: 423 Locked — {doc} is checked out for editing by {who} "
              f"since {iso(v['now'] - dt.timedelta(hours=3))}")  # fmt: skip
        done(r, f"§{v['section']} ({v['clause']}) deviates from the playbook: {gap} I couldn't add the redline "
                "comment though — the document is locked by another editor.")  # fmt: skip
        return
    r.call("clm.add_redline_comment", args, {"comment_id": "cmt_" + hx(r.rng, 8), "document_id": doc, "status": "open"})
    if latest:
        done(r, f"§{v['section']} {v['clause']} in the {v['cp']} {v['ctype']} (v{ver}) is off-playbook: {gap} "
                f"I added a redline comment with our standard position: {standard}")  # fmt: skip
    else:
        done(r, f"§{v['section']} {v['clause']} in the {v['cp']} {v['ctype']} is in line with the playbook; I left "
                "a comment noting no change is needed.")  # fmt: skip


def v_nda(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "corvalaw.com")
    cp = rng.choice(COMPANIES)
    signer = person(rng, cp.split()[0].lower() + ".com")
    gc = person(rng, "corvalaw.com")
    v.update(cp=cp, cp_signer=signer["name"], cp_email=signer["email"], gc=gc["name"], gc_email=gc["email"],
             cp_title=rng.choice(["CEO", "VP Legal", "COO", "Head of Partnerships"]), term=rng.choice([2, 3, 5]),
             law=rng.choice(["Delaware", "New York", "California"]),
             purpose=rng.choice(["a potential integration partnership", "a possible acquisition of a product line",
                                 "a pilot of our analytics platform", "joint go-to-market discussions"]),
             secret=rng.choice(["Tr0ub4dor&3", "Summer2025!corva", "hunter2-Legal#9"]))  # fmt: skip
    return v


def b_nda(r: Run, v: dict[str, Any]) -> None:
    g = r.rng
    legal = v["cp"] if v["cp"].endswith(("Inc.", "LLP", "GmbH", "AS")) else v["cp"] + ", Inc."
    if r.style.auth_first:
        r.call("crm.find_account", {"name": v["cp"]},
               {"account_id": "001" + an(g, 15, ALNUM), "legal_name": legal,
                "billing_country": r.pick("US", "DE", "NO", "UK")})  # fmt: skip
    tpl = ("tpl_nda_oneway_v2", "One-way NDA (we disclose)") if r.fk == "silent" else ("tpl_mnda_v4", "Mutual NDA v4")
    fields = {"counterparty_legal_name": legal, "purpose": v["purpose"], "governing_law": v["law"],
              "term_years": v["term"], "effective_date": v["today"]}  # fmt: skip
    doc, env = "doc_" + hx(g, 12), "env_" + hx(g, 10)
    r.call("clm.create_from_template", {"template_id": tpl[0], "fields": fields},
           {"document_id": doc, "template": tpl[1], "status": "draft", "pages": 4})  # fmt: skip
    email = v["cp_email"].replace("@", "@mail.", 1) if r.fk == "visible" else v["cp_email"]
    signers = [{"name": v["cp_signer"], "email": email, "routing_order": 1},
               {"name": v["gc"], "email": v["gc_email"], "routing_order": 2}]  # fmt: skip
    subject = f"{tpl[1].split(' (')[0]} — {legal} / Corva"
    r.call("esign.create_envelope", {"document_id": doc, "signers": signers, "subject": subject},
           {"envelope_id": env, "status": "created"})  # fmt: skip
    r.call("esign.send_envelope", {"envelope_id": env},
           {"envelope_id": env, "status": "sent", "sent_at": iso(v["now"])})  # fmt: skip
    done(r, f"The {tpl[1]} with {legal} ({v['law']} law, {v['term']}-year term) is out for signature: "
            f"{v['cp_signer']} signs first, then {v['gc']} countersigns. Envelope {env}.")  # fmt: skip
    if r.fk == "visible":
        r.user(f"{v['cp_signer'].split()[0]} says they never got anything. this didn't work")
        r.call("esign.get_envelope", {"envelope_id": env},
               {"envelope_id": env, "status": "sent",
                "recipients": [{"email": email, "status": "bounced", "reason": "550 mailbox full"}]})  # fmt: skip
        done(r, f"You're right — the invite bounced: it went to {email}, which isn't a valid mailbox. I'm not able "
                "to change recipients on an envelope that was already sent; it has to be voided and re-sent from "
                "the e-sign console.")  # fmt: skip


# AWS cost: stop idle instances; tag untagged resources -------------------------------------------------------------
REGIONS = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"]
ROLES = ["api", "worker", "etl", "bastion", "jupyter", "grafana"]
ITYPES = ["m5.xlarge", "t3.large", "c6i.2xlarge", "r6g.large", "g4dn.xlarge"]
DENIED = ("An error occurred (UnauthorizedOperation) when calling the StopInstances operation: You are not "
          "authorized to perform this operation.")  # fmt: skip


def v_idle(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "parallax.dev")
    env = rng.choice(["dev", "staging", "sandbox", "qa"])
    inst = []
    for i in range(rng.randint(4, 6)):
        idle = i < 2 or rng.random() < 0.3
        inst.append({"id": "i-0" + hx(rng, 16), "name": f"{env}-{rng.choice(ROLES)}-{i + 1}",
                     "type": rng.choice(ITYPES),
                     "cpu": round(rng.uniform(0.2, 2.8), 2) if idle else round(rng.uniform(9, 64), 1)})  # fmt: skip
    rng.shuffle(inst)
    key_id, key = "AKIA" + an(rng, 16), an(rng, 40, ALNUM + "/+")
    v.update(env=env, region=rng.choice(REGIONS), inst=inst, thr=rng.choice([3, 5]), days=rng.choice([7, 14]),
             secret=f"AWS_ACCESS_KEY_ID={key_id} AWS_SECRET_ACCESS_KEY={key}", secrets=[key_id, key])  # fmt: skip
    return v


def b_idle(r: Run, v: dict[str, Any]) -> None:
    g, region = r.rng, v["region"]
    idle = [x for x in v["inst"] if x["cpu"] < v["thr"]] if r.fk != "silent" else v["inst"]
    ids = [x["id"] for x in idle]
    end = v["now"].replace(minute=0, second=0)
    start = end - dt.timedelta(days=v["days"])
    if r.fmt in ("claude-code", "codex") and g.random() < 0.7:
        rows = "\n".join(f"{x['id']}\t{x['type']}\t{x['name']}" for x in v["inst"])
        r.sh(f"aws ec2 describe-instances --region {region} --filters Name=tag:env,Values={v['env']} "
             "Name=instance-state-name,Values=running --query 'Reservations[].Instances[].[InstanceId,InstanceType,"
             "Tags[?Key==`Name`]|[0].Value]' --output text", rows)  # fmt: skip
        if r.fk != "silent":
            out = "\n".join(f"{x['id']} {x['cpu']}" for x in v["inst"])
            r.sh(f"for id in {' '.join(x['id'] for x in v['inst'])}; do echo -n \"$id \"; aws cloudwatch "
                 f"get-metric-statistics --region {region} --namespace AWS/EC2 --metric-name CPUUtilization "
                 f"--dimensions Name=InstanceId,Value=$id --start-time {iso(start)} --end-time {iso(end)} "
                 f"--period {v['days'] * 86400} --statistics Average --query 'Datapoints[0].Average' "
                 "--output text; done", out)  # fmt: skip
        cmd = f"aws ec2 stop-instances --region {region} --instance-ids {' '.join(ids)}"
        if r.fk == "visible":
            r.sh(cmd, "", 254, DENIED + " Encoded authorization failure message: " + an(g, 60, ALNUM))
        else:
            states = [{"InstanceId": i, "CurrentState": {"Code": 64, "Name": "stopping"},
                       "PreviousState": {"Code": 16, "Name": "running"}} for i in ids]  # fmt: skip
            r.sh(cmd, json.dumps({"StoppingInstances": states}, indent=4))
    else:
        res = [{"InstanceId": x["id"], "InstanceType": x["type"], "State": {"Name": "running"},
                "Tags": [{"Key": "Name", "Value": x["name"]}, {"Key": "env", "Value": v["env"]}]}
               for x in v["inst"]]  # fmt: skip
        filters = [{"Name": "tag:env", "Values": [v["env"]]}, {"Name": "instance-state-name", "Values": ["running"]}]
        r.call("aws.ec2_describe_instances", {"region": region, "filters": filters},
               {"Reservations": [{"Instances": res}]})  # fmt: skip
        if r.fk != "silent":
            for i, x in enumerate(v["inst"]):
                r.call("aws.cloudwatch_get_metric_statistics",
                       {"region": region, "namespace": "AWS/EC2", "metric_name": "CPUUtilization",
                        "dimensions": [{"Name": "InstanceId", "Value": x["id"]}], "start_time": iso(start),
                        "end_time": iso(end), "period": 86400 * v["days"], "statistics": ["Average"]},
                       {"Label": "CPUUtilization",
                        "Datapoints": [{"Timestamp": iso(start), "Average": x["cpu"], "Unit": "Percent"}]},
                       parallel=i > 0)  # fmt: skip
        if r.fk == "silent":
            r.confirm(f"Found {len(ids)} running {v['env']} instances: {', '.join(ids)}. Stop them?")
        else:
            r.confirm(f"These are under {v['thr']}% average CPU over {v['days']} days: {', '.join(ids)}. Stop them?")
        if r.fk == "visible":
            r.err("aws.ec2_stop_instances", {"region": region, "instance_ids": ids}, DENIED)
        else:
            r.call("aws.ec2_stop_instances", {"region": region, "instance_ids": ids},
                   {"StoppingInstances": [{"InstanceId": i, "CurrentState": {"Name": "stopping"},
                                           "PreviousState": {"Name": "running"}} for i in ids]})  # fmt: skip
    if r.fk == "visible":
        done(r, f"I found {len(ids)} idle instance(s) in {v['env']} ({', '.join(ids)}), but StopInstances failed "
                "with UnauthorizedOperation — the role I'm using can't stop instances. Nothing was "
                "stopped.")  # fmt: skip
        return
    cpu = {x["id"]: "" if r.fk == "silent" else f" — {x['cpu']}% avg CPU" for x in idle}
    lines = "\n".join(f"- {x['name']} ({x['id']}, {x['type']}){cpu[x['id']]}" for x in idle)
    kept = len(v["inst"]) - len(idle)
    tail = f"\nLeft {kept} busy instance(s) running." if kept else ""
    done(r, f"Stopped {len(idle)} idle {v['env']} instance(s) in {region}:\n{lines}{tail}")


RES_TYPES = [
    ("ec2:instance", "arn:aws:ec2:{region}:{acct}:instance/i-0{h}"),
    ("ec2:volume", "arn:aws:ec2:{region}:{acct}:volume/vol-0{h}"),
    ("s3:bucket", "arn:aws:s3:::{name}"),
    ("rds:db", "arn:aws:rds:{region}:{acct}:db:{name}"),
    ("lambda:function", "arn:aws:lambda:{region}:{acct}:function:{name}"),
]
TAGS = [
    ("CostCenter", ["CC-4410", "CC-2031", "CC-7702"]), ("team", ["payments", "growth", "data-platform", "search"]),
    ("owner", ["platform-eng", "ml-infra", "web-core"]), ("project", ["atlas", "lighthouse", "nimbus"]),
]  # fmt: skip
STEMS = ["ingest", "reports", "tmp", "backup", "webhooks", "exports"]


def v_tag(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "parallax.dev")
    key, values = rng.choice(TAGS)
    value = rng.choice(values)
    region, acct = rng.choice(REGIONS), dg(rng, 12)
    res = []
    for _ in range(rng.randint(5, 8)):
        kind, tpl = rng.choice(RES_TYPES)
        arn = tpl.format(region=region, acct=acct, h=hx(rng, 16), name=f"{rng.choice(STEMS)}-{hx(rng, 4)}")
        state = rng.choice(["none", "none", "same", "other"])
        tags = [{"Key": "env", "Value": rng.choice(["prod", "dev"])}]
        if state != "none":
            other = rng.choice([x for x in values if x != value])
            tags.append({"Key": key, "Value": value if state == "same" else other})
        res.append({"ResourceARN": arn, "Tags": tags, "_state": state, "_type": kind})
    if all(x["_state"] != "none" for x in res):
        res[0]["_state"], res[0]["Tags"] = "none", res[0]["Tags"][:1]
    v.update(tagk=key, tagv=value, region=region, res=res, types=sorted({x["_type"] for x in res}))
    return v


def b_tag(r: Run, v: dict[str, Any]) -> None:
    region, tagk, tagv = v["region"], v["tagk"], v["tagv"]
    listing = [{k: x[k] for k in ("ResourceARN", "Tags")} for x in v["res"]]
    r.call("aws.tagging_get_resources", {"region": region, "resource_type_filters": v["types"]},
           {"ResourceTagMappingList": listing, "PaginationToken": ""})  # fmt: skip
    missing = [x["ResourceARN"] for x in v["res"] if x["_state"] == "none"]
    targets = missing if r.fk != "silent" else [x["ResourceARN"] for x in v["res"] if x["_state"] != "same"]
    r.confirm(f"{len(missing)} resource(s) have no `{tagk}` tag. I'll add `{tagk}={tagv}` to them.")
    r.call("aws.tagging_tag_resources", {"region": region, "resource_arn_list": targets, "tags": {tagk: tagv}},
           {"FailedResourcesMap": {}})  # fmt: skip
    if r.style.verify:
        r.call("aws.tagging_get_resources", {"region": region, "tag_filters": [{"Key": tagk}]},
               {"ResourceTagMappingList": [{"ResourceARN": a, "Tags": [{"Key": tagk, "Value": tagv}]}
                                           for a in targets]})  # fmt: skip
    other = sum(1 for x in v["res"] if x["_state"] == "other")
    note = ""
    if other and r.fk != "silent":
        note = f"\n{other} resource(s) already had a different `{tagk}` value and were left alone."
    done(r, f"Tagged {len(targets)} resource(s) in {region} with `{tagk}={tagv}`:\n"
            + "\n".join(f"- {a}" for a in targets) + note)  # fmt: skip


# mobile release (App Store Connect): submit for review; pause a phased release -------------------------------------
APPS = [
    ("Tandem Rider", "Tandem Driver", "com.tandem.rider"), ("Pocketly Budget", "Pocketly Business", "com.pocketly.app"),
    ("Greenleaf Pharmacy", "Greenleaf Pharmacy Pro", "health.greenleaf.rx"),
    ("Kitebox", "Kitebox Studio", "io.kitebox.ios"), ("Lumen Fitness", "Lumen Fitness Coach", "com.lumenfit.app"),
]  # fmt: skip
NOTES = ["Bug fixes and performance improvements.", "New widgets and a faster checkout.",
         "Fixes a crash on launch for some iPad users."]  # fmt: skip


def v_submit(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "tandem.app")
    app, _, bundle = rng.choice(APPS)
    b = rng.randint(180, 2400)
    key = "MIGTAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBHkwdwIBAQQg" + an(rng, 40, ALNUM)
    v.update(app=app, bundle=bundle, app_id=dg(rng, 10), build=str(b), old_build=str(b - rng.randint(1, 4)),
             version=f"{rng.randint(2, 9)}.{rng.randint(0, 24)}.{rng.randint(0, 3)}", ver_id=uid(rng),
             release=rng.choice(["manually", "automatically after approval"]), notes=rng.choice(NOTES),
             secret=f"-----BEGIN PRIVATE KEY-----\n{key}\n-----END PRIVATE KEY-----", secrets=[key])  # fmt: skip
    return v


def b_submit(r: Run, v: dict[str, Any]) -> None:
    g, vid, app_id = r.rng, v["ver_id"], v["app_id"]
    look = {"filter_bundle_id": v["bundle"]} if r.style.auth_first else {"query": v["app"]}
    r.call("appstore.list_apps", look, {"data": [{"id": app_id, "name": v["app"], "bundleId": v["bundle"]}]})
    builds = [{"id": uid(g), "version": b, "processingState": "VALID",
               "uploadedDate": iso(v["now"] - dt.timedelta(hours=6 * i + 2))}
              for i, b in enumerate([v["build"], v["old_build"]])]  # fmt: skip
    r.call("appstore.list_builds", {"app_id": app_id, "pre_release_version": v["version"], "limit": 5},
           {"data": builds})  # fmt: skip
    r.call("appstore.get_app_store_version", {"app_id": app_id, "version_string": v["version"], "platform": "IOS"},
           {"id": vid, "versionString": v["version"], "appStoreState": "PREPARE_FOR_SUBMISSION",
            "releaseType": "MANUAL"})  # fmt: skip
    pick = builds[1] if r.fk == "silent" else builds[0]
    r.call("appstore.select_build", {"version_id": vid, "build_id": pick["id"]},
           {"version_id": vid, "build": pick["version"]})  # fmt: skip
    r.confirm(f"Ready to submit {v['app']} {v['version']} (build {pick['version']}) for review. Go?")
    if r.fk == "visible":
        r.err("appstore.submit_for_review", {"version_id": vid}, "Error: 409 ENTITY_ERROR.ATTRIBUTE.REQUIRED — You "
              "must provide export compliance information (usesNonExemptEncryption) for this build before "
              "submitting.")  # fmt: skip
        done(r, f"Submission of {v['app']} {v['version']} failed: App Store Connect requires the export compliance "
                "answer for this build before it can go to review, and I couldn't set that from here.")  # fmt: skip
        return
    sub = uid(g)
    r.call("appstore.submit_for_review", {"version_id": vid}, {"submission_id": sub, "state": "WAITING_FOR_REVIEW"})
    done(r, f"Submitted {v['app']} {v['version']} (build {pick['version']}) for App Review — state is Waiting for "
            f"Review (submission {sub[:8]}). It will release {v['release']} once approved.")  # fmt: skip


WHY = ["crash rate spiked", "login is broken for some users", "payments are failing on iOS 17",
       "the new onboarding shows a blank screen"]  # fmt: skip
PCT = {1: 1, 2: 2, 3: 5, 4: 10, 5: 20, 6: 50, 7: 100}


def v_phased(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "tandem.app")
    app, twin, _ = rng.choice(APPS)
    v.update(app=app, twin=twin, app_id=dg(rng, 10), twin_id=dg(rng, 10), day_n=rng.randint(1, 6),
             version=f"{rng.randint(2, 9)}.{rng.randint(0, 24)}.0", pr_id=uid(rng), ver_id=uid(rng),
             why=rng.choice(WHY))  # fmt: skip
    return v


def b_phased(r: Run, v: dict[str, Any]) -> None:
    pr, silent = v["pr_id"], r.fk == "silent"
    r.call("appstore.list_apps", {"query": v["app"].split()[0]},
           {"data": [{"id": v["twin_id"], "name": v["twin"]}, {"id": v["app_id"], "name": v["app"]}]})  # fmt: skip
    name = v["twin"] if silent else v["app"]
    r.call("appstore.get_app_store_version", {"app_id": v["twin_id"] if silent else v["app_id"],
           "state": "READY_FOR_SALE"}, {"id": v["ver_id"], "versionString": v["version"],
           "appStoreState": "READY_FOR_SALE", "phasedReleaseId": pr})  # fmt: skip
    if r.style.auth_first or r.style.verify:
        r.call("appstore.get_phased_release", {"version_id": v["ver_id"]},
               {"id": pr, "phasedReleaseState": "ACTIVE", "currentDayNumber": v["day_n"],
                "startDate": v["today"]})  # fmt: skip
    args = {"phased_release_id": pr, "state": "PAUSED"}
    if r.fk == "visible":
        r.err("appstore.update_phased_release", args, "Error: 403 FORBIDDEN_ERROR — The API key in use does not "
              "allow this operation. Required role: App Manager or Admin.")  # fmt: skip
        done(r, f"I couldn't pause the phased release of {v['app']} {v['version']}: the App Store Connect API key "
                "has the Developer role, which can't change releases. Someone with App Manager access needs to "
                "pause it.")  # fmt: skip
        return
    r.call("appstore.update_phased_release", args,
           {"id": pr, "phasedReleaseState": "PAUSED", "currentDayNumber": v["day_n"],
            "totalPauseDuration": 0})  # fmt: skip
    done(r, f"Paused the phased release of {name} {v['version']} on day {v['day_n']} (~{PCT[v['day_n']]}% of "
            "automatic-update users had it). People can still download it manually; resume when the fix is "
            "ready (a release can stay paused up to 30 days).")  # fmt: skip


# property management: maintenance request + vendor dispatch --------------------------------------------------------
ISSUES = [
    ("plumbing", "kitchen sink is leaking under the cabinet", "urgent"),
    ("hvac", "heat isn't working, apartment is 58F", "emergency"),
    ("electrical", "half the outlets in the bedroom stopped working", "urgent"),
    ("appliance", "the dishwasher won't drain", "routine"), ("pest", "they've seen mice in the pantry", "routine"),
    ("locksmith", "front door deadbolt is jammed", "urgent"),
]  # fmt: skip
PROS = {"plumbing": "a plumber", "hvac": "an HVAC tech", "electrical": "an electrician",
        "appliance": "an appliance repair tech", "pest": "pest control", "locksmith": "a locksmith"}  # fmt: skip
PROPS = ["Oakmont Terrace", "Willow Creek Commons", "The Albright", "Harbor View Lofts", "Juniper Court",
         "Redfield Flats"]  # fmt: skip
FIRMS = ["Plumbing", "Services", "Home Repair", "& Sons", "Pro"]


def v_maint(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "keystonepm.com")
    tenant = person(rng)
    trade, issue, prio = rng.choice(ISSUES)
    d = v["now"].date() + dt.timedelta(days=rng.randint(1, 3))
    s = rng.choice([8, 9, 13])
    vendors = [{"vendor_id": "V-" + dg(rng, 4), "name": f"{rng.choice(LAST)} {rng.choice(FIRMS)}", "trade": trade,
                "rating": round(rng.uniform(3.9, 4.9), 1),
                "next_available": iso(dt.datetime.combine(d, dt.time(s + i)))}
               for i in range(rng.randint(2, 3))]  # fmt: skip
    v.update(tenant=tenant["name"], phone=f"({rng.randint(201, 989)}) 555-{dg(rng, 4)}", prop=rng.choice(PROPS),
             unit=f"{rng.randint(1, 6)}{rng.choice('ABCDEF')}", trade=trade, pro=PROS[trade], issue=issue, prio=prio,
             vendors=vendors, d=d, start=s, when=f"{day(d)} between {s}:00 and {s + 3}:00",
             pte=rng.choice([True, False]), zip=str(rng.randint(10001, 98999)), unit_id="U-" + dg(rng, 5))  # fmt: skip
    return v


def b_maint(r: Run, v: dict[str, Any]) -> None:
    g, wo = r.rng, "WO-" + dg(r.rng, 6)
    r.call("pm.find_unit", {"property": v["prop"], "unit": v["unit"]},
           {"unit_id": v["unit_id"], "property": v["prop"], "unit": v["unit"],
            "tenant": {"name": v["tenant"], "phone": v["phone"]}, "zip": v["zip"]})  # fmt: skip
    r.call("pm.create_work_order",
           {"unit_id": v["unit_id"], "category": v["trade"], "priority": v["prio"], "description": v["issue"],
            "permission_to_enter": v["pte"], "reported_by": v["tenant"]},
           {"work_order_id": wo, "status": "open"})  # fmt: skip
    if r.fk == "silent":
        done(r, f"Logged work order {wo} for {v['prop']} {v['unit']} ({v['trade']}, {v['prio']}). A vendor will be "
                "assigned to it.")  # fmt: skip
        return
    r.call("pm.search_vendors", {"trade": v["trade"], "zip": v["zip"], "available_after": v["today"]},
           {"vendors": v["vendors"]})  # fmt: skip
    ven = max(v["vendors"], key=lambda x: x["rating"]) if r.style.auth_first else v["vendors"][0]
    start = dt.datetime.combine(v["d"], dt.time(v["start"]))
    if r.fk == "visible":
        start += dt.timedelta(days=1, hours=4)
    window = f"{day(start)}, {start.hour}:00–{start.hour + 3}:00"
    notes = f"{v['issue']}. Tenant {v['tenant']} {v['phone']}." + (" PTE granted." if v["pte"] else " Call first.")
    r.call("pm.dispatch_vendor",
           {"work_order_id": wo, "vendor_id": ven["vendor_id"], "window_start": iso(start),
            "window_end": iso(start + dt.timedelta(hours=3)), "notes": notes},
           {"dispatch_id": "D-" + dg(g, 6), "status": "accepted", "vendor": ven["name"]})  # fmt: skip
    if r.style.verify or g.random() < 0.4:
        r.call("pm.notify_tenant", {"unit_id": v["unit_id"], "channel": "sms",
               "message": f"{ven['name']} will come {window} about: {v['issue']}."}, {"sent": True})  # fmt: skip
    done(r, f"Work order {wo} is logged ({v['trade']}, {v['prio']}) and {ven['name']} is dispatched for {window}.")
    if r.fk == "visible":
        r.user(f"no, that's wrong, I said {v['when']}. the tenant isn't home then. this doesn't work")
        done(r, "Sorry about that. The vendor has already accepted the dispatch, and I'm not able to change the "
                f"window from here — you'll need to call {ven['name']} to move it to {v['when']}.")  # fmt: skip


# freight: rebook a delayed shipment; fetch a customs document ------------------------------------------------------
LANES = [
    ("CNSHA", "Shanghai", "USLAX", "Los Angeles"), ("VNSGN", "Ho Chi Minh City", "USOAK", "Oakland"),
    ("DEHAM", "Hamburg", "USNYC", "New York"), ("INNSA", "Nhava Sheva", "GBFXT", "Felixstowe"),
    ("KRPUS", "Busan", "USSEA", "Seattle"), ("NLRTM", "Rotterdam", "CAMTR", "Montreal"),
]  # fmt: skip
CARRIERS = [
    ("MSC", "MSC Aurora"), ("Maersk", "Maersk Kinloss"), ("CMA CGM", "CMA CGM Tage"), ("ONE", "ONE Harmony"),
    ("Hapag-Lloyd", "Berlin Express"), ("Evergreen", "Ever Lucent"),
]  # fmt: skip


def v_rebook(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "northpass-freight.com")
    o, oname, d, dname = rng.choice(LANES)
    etd = v["now"].date() + dt.timedelta(days=rng.randint(1, 6))
    opts = []
    for i, (carrier, vessel) in enumerate(rng.sample(CARRIERS, 3)):
        dep = etd + dt.timedelta(days=rng.randint(2, 9))
        opts.append({"sailing_id": "SL-" + dg(rng, 6), "carrier": carrier, "vessel": vessel,
                     "voyage": f"{dg(rng, 3)}{rng.choice('EWNS')}", "etd": dep.isoformat(),
                     "eta": (dep + dt.timedelta(days=rng.randint(14, 32))).isoformat(),
                     "rate_usd": rng.randint(1800, 5200) + 150 * i})  # fmt: skip
    v.update(ref="SHP-" + dg(rng, 6), ship_id="sh_" + hx(rng, 10), o=o, oname=oname, dest=d, dname=dname, etd=etd,
             delay=rng.randint(5, 12), opts=opts, cont=rng.choice(["40HC", "20GP", "40GP"]), po="PO-" + dg(rng, 5),
             consignee=person(rng)["email"],
             container=rng.choice(["MSKU", "TGHU", "CMAU", "HLXU"]) + dg(rng, 7))  # fmt: skip
    return v


def b_rebook(r: Run, v: dict[str, Any]) -> None:
    g, sid = r.rng, v["ship_id"]
    r.call("tms.get_shipment", {"reference": v["ref"]},
           {"id": sid, "reference": v["ref"], "po": v["po"], "container": v["container"], "equipment": v["cont"],
            "origin": v["o"], "destination": v["dest"],
            "booking": {"carrier": r.pick("Yang Ming", "ZIM"), "vessel": r.pick("YM Wellness", "ZIM Mount Blanc"),
                        "etd": v["etd"].isoformat(), "status": "DELAYED", "delay_days": v["delay"],
                        "reason": "blank sailing / port omission"}})  # fmt: skip
    r.call("tms.search_sailings",
           {"origin": v["o"], "destination": v["dest"], "earliest_departure": v["today"], "equipment": v["cont"]},
           {"sailings": v["opts"]})  # fmt: skip
    best = min(v["opts"], key=lambda x: x["eta"])
    pick = best if r.fk != "silent" else min((x for x in v["opts"] if x is not best), key=lambda x: x["rate_usd"])
    r.confirm(f"Earliest arrival is {best['carrier']} {best['vessel']} (ETD {best['etd']}, ETA {best['eta']}, "
              f"{usd(best['rate_usd'])}). Rebook {v['ref']} onto it?")  # fmt: skip
    args = {"shipment_id": sid, "sailing_id": pick["sailing_id"], "reason": "original sailing delayed"}
    if r.fk == "visible":
        r.err("tms.rebook_shipment", args, f"Error: carrier rejected booking request — no {v['cont']} space "
              f"available on {pick['vessel']} {pick['voyage']} (code CAP-409)")  # fmt: skip
        done(r, f"The rebooking of {v['ref']} failed: {pick['carrier']} says there's no {v['cont']} space left on "
                f"{pick['vessel']}. The shipment is still on its delayed booking.")  # fmt: skip
        return
    bk = pick["carrier"].split()[0].upper().replace("-", "") + dg(g, 8)
    r.call("tms.rebook_shipment", args,
           {"shipment_id": sid, "booking_number": bk, "status": "CONFIRMED", "etd": pick["etd"],
            "eta": pick["eta"]})  # fmt: skip
    if has(v, "consignee") or g.random() < 0.3:
        r.call("tms.notify_parties", {"shipment_id": sid, "recipients": [v["consignee"]], "template": "rebooking"},
               {"sent": 1})  # fmt: skip
    done(r, f"{v['ref']} is rebooked on {pick['carrier']} {pick['vessel']} {pick['voyage']} — booking {bk}, ETD "
            f"{pick['etd']}, ETA {v['dname']} {pick['eta']}, {usd(pick['rate_usd'])}.")  # fmt: skip


DOCS = [
    ("commercial invoice", "COMMERCIAL_INVOICE"), ("packing list", "PACKING_LIST"), ("7501 entry summary", "CBP_7501"),
    ("certificate of origin", "CERT_OF_ORIGIN"), ("arrival notice", "ARRIVAL_NOTICE"),
]  # fmt: skip
CLIENT_DOMAINS = ["brightlane.com", "okorohealth.com", "vantablue.de", "meridialabs.io"]


def v_customs(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "northpass-freight.com")
    doc, code = rng.choice(DOCS)
    client = person(rng, rng.choice(CLIENT_DOMAINS))
    v.update(ref="SHP-" + dg(rng, 6), ship_id="sh_" + hx(rng, 10), doc=doc, code=code, to=client["email"],
             client=client["first"], entry=f"{an(rng, 3, string.ascii_uppercase)}-{dg(rng, 7)}-{dg(rng, 1)}",
             hbl="NPFH" + dg(rng, 8))  # fmt: skip
    return v


def b_customs(r: Run, v: dict[str, Any]) -> None:
    g, sid = r.rng, v["ship_id"]
    r.call("tms.get_shipment", {"reference": v["ref"]},
           {"id": sid, "reference": v["ref"], "house_bl": v["hbl"], "customs": {
               "entry_number": v["entry"], "broker": "Pacific Gateway Brokers", "status": "RELEASED"}})  # fmt: skip
    if r.fk == "visible":
        r.err("customs.list_documents", {"shipment_id": sid}, "Error: 401 Unauthorized — broker portal session "
              "expired; re-authenticate at https://portal.pgcb.example/sso")  # fmt: skip
        done(r, f"I couldn't get the {v['doc']} for {v['ref']}: the customs broker portal rejected the request "
                "(session expired, 401). I'm not able to re-authenticate it from here.")  # fmt: skip
        return
    docs = [{"document_id": "doc_" + hx(g, 8), "type": c, "file_name": f"{v['ref']}_{c.lower()}.pdf",
             "uploaded": iso(v["now"] - dt.timedelta(days=g.randint(1, 9)))} for _, c in DOCS]  # fmt: skip
    r.call("customs.list_documents", {"shipment_id": sid}, {"documents": docs})
    code = v["code"] if r.fk != "silent" else next(c for _, c in DOCS if c != v["code"])
    want = next(x for x in docs if x["type"] == code)
    url = f"https://files.northpass-freight.com/d/{hx(g, 24)}?exp={int(v['now'].timestamp()) + 86400}"
    r.call("customs.get_document", {"document_id": want["document_id"]},
           {"file_name": want["file_name"], "download_url": url, "expires_in": 86400,
            "size_kb": g.randint(80, 900)})  # fmt: skip
    if not has(v, "to"):
        done(r, f"Here's the {v['doc']} for {v['ref']} (entry {v['entry']}): [{want['file_name']}]({url}) — the "
                "link is valid for 24h.")  # fmt: skip
        return
    body = f"Hi {v['client']},\n\nAttached is the {v['doc']} for {v['ref']} (entry {v['entry']}).\n\nBest,\n{v['op']}"
    r.call("mail.send", {"to": [v["to"]], "subject": f"{v['ref']} — {v['doc']}", "body": body,
           "attachments": [want["document_id"]]},
           {"message_id": f"<{hx(g, 16)}@northpass-freight.com>", "status": "sent"})  # fmt: skip
    done(r, f"Sent {want['file_name']} to {v['to']}.")


# marketing: pause underperforming campaigns ------------------------------------------------------------------------
CAMPAIGNS = [
    "Prospecting - Broad - US", "Retargeting - 30d Visitors", "Lookalike 1% Purchasers", "Brand Search",
    "Spring Sale - Advantage+", "UGC Video Test", "Competitor Keywords", "Cart Abandoners - DPA", "Podcast Listeners",
]  # fmt: skip


def v_ads(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "goodfolk.shop")
    platform = rng.choice(["Meta", "Google Ads"])
    thr = rng.choice([1.0, 1.5, 2.0])
    camps = []
    for i, name in enumerate(rng.sample(CAMPAIGNS, rng.randint(4, 6))):
        spend = round(rng.uniform(400, 9000), 2)
        roas = round(rng.uniform(0.3, thr - 0.1), 2) if i < 2 else round(rng.uniform(thr + 0.2, 5.5), 2)
        camps.append({"id": dg(rng, 17 if platform == "Meta" else 11), "name": name, "spend": spend, "roas": roas,
                      "revenue": round(spend * roas, 2), "ctr": round(rng.uniform(0.4, 3.2), 2),
                      "purchases": int(spend * roas / rng.uniform(40, 120))})  # fmt: skip
    rng.shuffle(camps)
    acct = ("act_" + dg(rng, 15)) if platform == "Meta" else f"{dg(rng, 3)}-{dg(rng, 3)}-{dg(rng, 4)}"
    v.update(platform=platform, acct=acct, thr=thr, days=rng.choice([7, 14, 30]), camps=camps,
             secret="EAAG" + an(rng, 120, ALNUM))  # fmt: skip
    return v


def b_ads(r: Run, v: dict[str, Any]) -> None:
    if r.style.auth_first:
        r.call("ads.list_campaigns", {"account_id": v["acct"], "status": "ACTIVE"},
               {"campaigns": [{"id": c["id"], "name": c["name"], "status": "ACTIVE"} for c in v["camps"]]})  # fmt: skip
    ins = [{"campaign_id": c["id"], "campaign_name": c["name"], "spend": c["spend"], "purchase_value": c["revenue"],
            "purchases": c["purchases"], "roas": c["roas"], "ctr": c["ctr"]} for c in v["camps"]]  # fmt: skip
    r.call("ads.get_insights", {"account_id": v["acct"], "level": "campaign", "date_preset": f"last_{v['days']}d",
           "fields": ["spend", "purchase_value", "purchases", "roas", "ctr"]}, {"data": ins})  # fmt: skip
    bad = [c for c in v["camps"] if c["roas"] < v["thr"]]
    if r.fk == "silent":
        bad = sorted(v["camps"], key=lambda c: c["ctr"])[:2]
    r.confirm("Below target: " + "; ".join(f"{c['name']} ({c['roas']}x)" for c in bad) + ". Pause these?")
    if r.fk == "visible":
        r.err("ads.pause_campaign", {"campaign_id": bad[0]["id"]}, "Error: (#200) Permissions error: the user does "
              "not have ads_management permission on this ad account")  # fmt: skip
        done(r, f"I couldn't pause anything — the {v['platform']} API returned a permissions error (#200) on the "
                "first campaign. The connected user needs advertiser or admin access on the ad account.")  # fmt: skip
        return
    for i, c in enumerate(bad):
        r.call("ads.pause_campaign", {"campaign_id": c["id"]}, {"id": c["id"], "status": "PAUSED", "success": True},
               parallel=i > 0)  # fmt: skip
    saved = sum(c["spend"] for c in bad) / v["days"]
    paused = ", ".join(f"**{c['name']}** (ROAS {c['roas']}x on {usd(c['spend'])})" for c in bad)
    done(r, f"Paused {paused}. That stops about {usd(saved)}/day of spend; the rest are at or above {v['thr']}x and "
            "still running.")  # fmt: skip


# task types --------------------------------------------------------------------------------------------------------
@dataclass
class Task:
    id: str
    domain: str
    desc: str
    naming: str  # how its tools are named outside Claude Code and Codex: dotted | mcp | snake | bare | camel
    vals: Callable[[random.Random], dict[str, Any]]
    build: Callable[[Run, dict[str, Any]], None]
    requests: list[Any]  # 7 wordings: str | (turn, turn) | (turn, agent's question, turn)
    queries: list[str]  # 3 unseen requests
    fails: list[tuple[str, str]]  # (kind, description) of the failing runs
    follow: str = ""  # the task asked as a session's second request
    secret: str = ""  # a wording carrying a pasted secret (replaces one successful run's)


# fmt: off
TASKS = [
    Task("ds_profile_table", "data", "profile a warehouse table (nulls, keys, distributions)", "bare",
         v_profile, b_profile, [
        "profile {fq} for me pls — nulls, distinct counts, ranges. want to know if it's usable",
        "Hi! Before I build the dashboard on top of `{table}` (dataset {dataset}, project {project}) could you give "
        "me a quick data-quality profile? Row count, null rates per column, min/max for the numeric ones and the "
        "top values of {cat}. Thanks a lot!",
        "can you check table {fq} ... how many null, how many duplicate, how is distribution of {cat}. I need for "
        "my report tomorrow",
        ("need a profile of the {table} table", "the one in {dataset}, project {project}. nulls + distributions"),
        ("Can you profile a table for me?",
         "Sure — which table, and what should the profile cover (nulls, distinct counts, distributions)?",
         "{fq}. nulls, dupes on {key}, whatever looks weird"),
        "data quality check on {dataset}.{table} ({project}) — column stats + top {cat} values. read only",
        "quick one: how clean is {fq}? row count, nulls, dupes on {key}",
    ], [
        "Is {project}.{dataset}.{table} in good shape? I want null percentages and the spread of {cat} first.",
        "Run a data-quality profile on {table} in {dataset} — row count, uniqueness of {key}, null rates.",
        "give me descriptive stats for every column of {fq}, im about to train on it",
    ], [("visible:error", "profiling query denied (403), agent stops"),
        ("silent:wrong-record", "profiles the stale backup table instead of the live one")],
        follow="also can you profile {fq}? nulls and top {cat} values is enough"),
    Task("ds_retrain_compare", "data", "retrain a model on a new window and compare with production", "dotted",
         v_retrain, b_retrain, [
        "retrain {model} on {window} and compare to prod. don't promote",
        "Hello, could you kick off a retrain of the {model} model using data from {start} to {end} and then tell me "
        "how it compares to the current production version on {m1} and {m2}? Please don't change anything in the "
        "registry, I only want the comparison.",
        "Please train again {model} with new data ({window}) and compare metrics with production one. No deploy.",
        ("{model} needs a refresh", "retrain on {start}..{end}, same params as prod, show me metrics side by side"),
        ("Can you retrain one of our models?", "Sure — which model, and on what date range?",
         "{model}, {window}. just compare against prod, I'll decide on promotion"),
        "retrian {model} w/ data thru {end} (from {start}) + compare vs production model, {m1} mainly",
        "we got new labels — rerun training for {model} on {window} and give me candidate vs production {m1}/{m2}",
    ], [
        "Fit a fresh {model} on {start}–{end} data and benchmark it against the version currently in Production; "
        "leave the registry alone.",
        "how would {model} do if we retrained it on {window}? compare with prod",
        "Kick off training for {model} with the latest window ({window}) and report metric deltas vs the live model.",
    ], [("visible:error", "training job OOMKilled, nothing compared"),
        ("silent:wrong-action", "promotes the candidate to Production though told not to")],
        follow="one more: retrain {model} on {window} data and compare it with what's in production, don't "
               "promote anything"),
    Task("shop_partial_refund", "shop", "refund some items of a Shopify order", "mcp", v_refund, b_refund, [
        "refund {rqty}x {ritem} on order {order_no}, customer says it {reason}. keep the rest of the order as is",
        "Hello, could you please issue a partial refund on order {order_no} for {customer}? Only the {ritem} "
        "({rqty} of them) should be refunded, the other items are fine. {restock_text} Please make sure they get "
        "the notification email. Thank you!",
        "Customer {customer} write me that {ritem} {reason}. Please make refund only for this item, order "
        "{order_no}, not full order",
        ("partial refund pls {order_no}", "just the {ritem} x{rqty}, {reason_short}"),
        ("I need to refund part of an order", "Sure — what's the order number, and which items and quantities?",
         "{order_no}, {rqty} x {ritem}. {restock_text}"),
        "ordr {order_no} - refnd the {ritem} only ({rqty}), reason {reason_short}. dont refund shipping",
        "{customer} emailed: the {ritem} {reason}. refund that line ({rqty}) on {order_no} pls",
    ], [
        "Order {order_no}: the buyer wants money back for {rqty} {ritem} only — can you refund just that?",
        "can u do a refund for one item in order {order_no}? it's the {ritem}, {reason_short}",
        "Please process a line-item refund ({ritem}, qty {rqty}) for {customer}'s order {order_no}; leave the rest.",
    ], [("visible:error", "create_refund rejected (amount exceeds refundable), agent stops"),
        ("silent:wrong-action", "refunds the whole order instead of the one line")],
        follow="also order {order_no} needs a partial refund: {rqty}x {ritem}, {reason_short}",
        secret="Refund the {ritem} (x{rqty}) on {order_no}. The customer asked if we could put it on a different "
               "card instead: {secret} exp {exp} — can we do that?"),
    Task("shop_update_price", "shop", "change the price of a Shopify product (all variants)", "mcp",
         v_price, b_price, [
        "change price of {product} to {new_price}",
        "Hi there! We're adjusting prices for next season — could you please update {product} to {new_price}? It "
        "should apply to every size/variant. Many thanks!",
        "pls update the {product} price, new price is {new_price} for all variant",
        ("price change", "{product} -> {new_price}, all variants"),
        ("Can you update a product price for me?", "Of course — which product, and what's the new price?",
         "{product}, {new_price} (every variant)"),
        "set {product} at {new_price} instaed of {old} on the store",
        "{product} is now {new_price}. update shopify pls, all sizes",
    ], [
        "Reprice {product}: {new_price} across every variant.",
        "what would it take to make {product} cost {new_price} on our store? just do it",
        "Our supplier raised costs, so {product} has to be {new_price} from today — please update it in Shopify.",
    ], [("visible:error", "bulk update denied (missing write_products scope)"),
        ("silent:skipped-step", "updates only the first variant")],
        follow="and change the price of {product} to {new_price} for all variants please",
        secret="update {product} to {new_price} on shopify. here's the admin token if you need it {secret}"),
    Task("ats_move_to_onsite", "recruiting", "move a candidate to onsite and schedule the interview panel", "dotted",
         v_onsite, b_onsite, [
        "move {cand} to onsite for {job} and book {iv_names} for {dur} min each {window}",
        "Hi! {cand} did great in the phone screen for the {job} role ({req}). Could you move them to the onsite "
        "stage and set up the panel with {iv_names}? {dur}-minute sessions, {window}, on {where}. Thank you!",
        "Please advance candidate {cand} to Onsite ({job}). Interviewers: {iv_names}. Schedule {window}, {dur} "
        "minutes, location {where}.",
        ("{cand} -> onsite", "panel = {iv_names}, {dur}min, {window}, {where}"),
        ("Can you set up an onsite?", "Sure — for which candidate and role, and who should be on the panel?",
         "{cand} for {job}; {iv_names}, {dur} min each, {window}"),
        "onsite for {cand} ({job}) pls, interviewrs {iv_names}, sometime {window}",
        "moving {cand} forward — onsite stage + schedule {iv_names} ({dur}m, {where}) {window}",
    ], [
        "Advance {cand} to the onsite round for {job} and line up interviews with {iv_names} {window}.",
        "{cand} passed screening. set up their onsite loop w/ {iv_names}",
        "Could you put {cand} in the Onsite stage and get {iv_names} on the calendar with them ({dur} minutes each)?",
    ], [("visible:error", "panel scheduling conflict (409), agent stops after the stage move"),
        ("silent:skipped-step", "moves the stage but never schedules the interviewers")],
        follow="Also {cand} passed the phone screen for {job} — move them to onsite and book {iv_names} {window}"),
    Task("ats_reject_candidate", "recruiting", "reject a candidate and send the rejection email", "dotted",
         v_reject, b_reject, [
        "reject {cand} for {job}, reason: {reason}. standard email",
        "Hello, unfortunately we've decided not to move forward with {cand} for the {job} position. Could you "
        "please reject the application ({reason}) and send them our usual rejection email? Thanks.",
        "Please to reject candidate {cand} (role {job}). Reason is {reason}. Send the mail too.",
        ("{cand} - not moving forward", "{job} role, reason {reason}. send the template email"),
        ("Need to close out a candidate", "Sure — who is it, for which role, and what's the reason?",
         "{cand}, {job}, {reason}"),
        "rejct {cand} ({job}) w/ the usual email, {reason}",
        "we're passing on {cand} for {job} — {reason}. reject + email pls",
    ], [
        "Decline {cand}'s application to {job} and send the standard rejection ({reason}).",
        "can you turn down {cand}? {job} req, {reason}",
        "Mark {cand} as rejected for the {job} opening and email them — reason: {reason}.",
    ], [("visible:refusal", "agent wrongly refuses to send rejections"),
        ("silent:wrong-record", "rejects a same-named candidate's application to another job")],
        follow="and please reject {cand} for {job}, reason: {reason}. use the standard email"),
    Task("legal_clause_check", "legal", "check a contract clause against the playbook and redline it", "camel",
         v_redline, b_redline, [
        "check the {clause} clause in the {cp} {ctype} against our playbook and leave a redline comment",
        "Hi, {cp} sent back their markup of the {ctype}. Could you review the {clause} section against our "
        "playbook position and add a comment in the document where it deviates? Thanks so much.",
        "Please review {clause} in {ctype} of {cp} versus playbook and put comment in the doc",
        ("{cp} {ctype}", "can you check {clause} vs playbook + comment"),
        ("Can you look at a clause for me?", "Sure — which agreement and which clause?",
         "{cp}'s {ctype}, the {clause} section. Flag it in the doc if it's off-playbook"),
        "is the {clause} in the {cp} {ctype} ok per playbook? redline it if not",
        "latest {cp} draft ({ctype}): {clause} — compare w/ playbook & comment",
    ], [
        "Does {cp}'s {ctype} meet our standard on {clause}? Mark up any deviation.",
        "Run the {clause} provision of the {ctype} with {cp} past the playbook and annotate the draft.",
        "need a playbook check on {clause} for the {cp} contract, comment inline pls",
    ], [("visible:error", "redline comment fails (document locked)"),
        ("silent:wrong-record", "reviews the superseded version instead of the latest draft")],
        follow="while you're in there, check {clause} in the {cp} {ctype} vs the playbook and comment on it"),
    Task("legal_route_nda", "legal", "generate a mutual NDA and send it for e-signature", "camel", v_nda, b_nda, [
        "send a mutual NDA to {cp_signer} ({cp_email}) at {cp} for signature, {law} law, {term} years. {gc} "
        "countersigns",
        "Hello! We're starting talks with {cp} about {purpose}. Could you prepare our mutual NDA ({law} law, "
        "{term}-year term) and route it for signature — {cp_signer}, {cp_title}, {cp_email} signs first, then {gc} "
        "on our side? Thank you!",
        "Please make mutual NDA with {cp} and send for e-sign. Signer {cp_signer} {cp_email}. Our signer {gc}. "
        "Law {law}.",
        ("need an nda out today", "mutual, {cp}, signer {cp_signer} {cp_email}, {gc} countersigns, {law}"),
        ("Can you route an NDA?", "Sure — who's the counterparty, who signs on each side, and which governing law?",
         "{cp}; {cp_signer} ({cp_email}) then {gc}; {law}, {term} yrs"),
        "mnda for {cp} ({purpose}) -> {cp_signer} <{cp_email}>, then {gc}. {law}",
        "route our mutual NDA to {cp} for signatures: {cp_signer} / {cp_email}, countersign {gc}",
    ], [
        "Get a mutual non-disclosure agreement with {cp} out for signature — their signatory is {cp_signer} "
        "({cp_email}).",
        "we need {cp} under NDA before next week's call, can you send one to {cp_signer} for e-signing?",
        "Prepare and send for DocuSign a two-way NDA with {cp}, {law} governing law; {gc} signs for us.",
    ], [("visible:user-complaint", "invite went to a mistyped address; user says it never arrived, agent can't fix"),
        ("silent:wrong-record", "uses the one-way NDA template instead of the mutual one")],
        follow="also need a mutual NDA out to {cp_signer} at {cp} ({cp_email}) for signature, {gc} countersigns",
        secret="send mutual NDA to {cp_signer} ({cp_email}) at {cp}, {gc} countersigns. if you need to log into "
               "docusign it's {gc_email} / {secret}"),
    Task("aws_stop_idle", "cloud", "find and stop idle EC2 instances", "snake", v_idle, b_idle, [
        "stop idle {env} instances in {region} (avg cpu < {thr}% last {days} days)",
        "Hi, our AWS bill is creeping up. Could you find the EC2 instances in the {env} environment ({region}) that "
        "have been basically idle — under {thr}% average CPU over the last {days} days — and stop them? Please "
        "leave anything busy alone. Thanks!",
        "Please find not used EC2 in {env} env, region {region}, and stop them. Not used = cpu below {thr}% for "
        "{days} days.",
        ("idle ec2 cleanup", "{env}, {region}, <{thr}% cpu over {days}d → stop"),
        ("Can you shut down some idle instances?", "Sure — which environment/region, and what counts as idle?",
         "{env} in {region}, under {thr}% avg CPU for {days} days"),
        "stop evrything idle in {env} ({region}), cpu avg under {thr}% for {days}d",
        "cost cleanup: {region} {env} instances sitting idle the last {days} days (<{thr}% CPU) — stop them",
    ], [
        "Which {env} EC2 boxes in {region} have been idle for {days} days? Stop them.",
        "Shut down the underused instances in our {env} account ({region}) — anything averaging below {thr}% CPU.",
        "find idle ec2 instances in {region} and stop em, {env} only",
    ], [("visible:error", "StopInstances UnauthorizedOperation, nothing stopped"),
        ("silent:skipped-step", "skips the CPU check and stops every running instance")],
        follow="also, stop anything idle in {env} in {region} (avg CPU under {thr}% for the last {days} days)",
        secret="stop the idle {env} boxes in {region} (<{thr}% cpu, {days}d). creds if you need them: {secret}"),
    Task("aws_tag_untagged", "cloud", "tag AWS resources that lack a required tag", "snake", v_tag, b_tag, [
        "tag everything in {region} missing {tagk} with {tagk}={tagv}",
        "Hello! Finance needs every resource in {region} to carry a {tagk} tag. Could you find the ones that don't "
        "have it and tag them {tagk}={tagv}? Please don't touch resources that already have a value. Thank you!",
        "Please add tag {tagk}={tagv} to all resources without {tagk} tag in {region}.",
        ("untagged resources", "{region}, anything without {tagk} → {tagk}={tagv}"),
        ("Can you fix some missing tags?", "Sure — which region, which tag key, and what value?",
         "{region}, {tagk}, value {tagv}. only the ones missing it"),
        "tagg untagged stuff in {region} w/ {tagk}={tagv}",
        "cost allocation cleanup: {region} resources with no {tagk} → {tagv}",
    ], [
        "Make sure nothing in {region} is missing the {tagk} tag — set it to {tagv} where absent.",
        "find resources w/o {tagk} in {region} and tag them {tagv}",
        "Apply {tagk}: {tagv} to the untagged resources in {region}; leave existing tags alone.",
    ], [("silent:wrong-action", "overwrites resources that already had a different value")],
        follow="Also tag whatever is untagged in {region} with {tagk}={tagv}"),
    Task("asc_submit_review", "mobile", "submit an iOS build for App Store review", "mcp", v_submit, b_submit, [
        "submit {app} {version} build {build} for review",
        "Hi! QA signed off on {app} {version}. Could you please attach build {build} to the version and submit it "
        "for App Review? Release {release} after approval. Thanks!",
        "Please send {app} version {version} (build {build}) to Apple review.",
        ("{app} {version} is ready", "build {build}, submit for review pls"),
        ("Can you submit the iOS app for review?", "Sure — which app, version and build?",
         "{app} {version}, build {build}"),
        "subimt {app} {version} b{build} to app review",
        "push {app} {version} ({build}) into review — notes: {notes}",
    ], [
        "Get build {build} of {app} {version} into App Review.",
        "can you send {app} {version} to apple for review, build {build}",
        "Attach {build} to the {version} release of {app} and submit it to App Store review.",
    ], [("visible:error", "submission rejected (export compliance missing)"),
        ("silent:wrong-record", "attaches an older build than the one asked for")],
        follow="also submit {app} {version} build {build} for review",
        secret="submit {app} {version} build {build} for review. ASC key in case the connector needs it:\n{secret}"),
    Task("asc_pause_phased", "mobile", "pause a phased App Store release", "mcp", v_phased, b_phased, [
        "pause the phased rollout of {app} {version}, {why}",
        "Hi, urgent: {why} since {app} {version} started rolling out. Could you pause the phased release in App "
        "Store Connect until we ship a fix? Thank you!",
        "Please stop the phased release for {app} {version}. {why}.",
        ("need to pause a rollout", "{app} {version} — {why}"),
        ("Can you halt a release?", "Sure — which app and version?", "{app} {version}, phased release. {why}"),
        "pause {app} {version} rollout asap!! {why}",
        "{why} on {app} {version} → pause phased release pls",
    ], [
        "Halt the gradual rollout of {app} {version} — {why}.",
        "can we freeze the {app} {version} release where it is? {why}",
        "Put the {version} phased release of {app} on hold in App Store Connect.",
    ], [("visible:error", "pause denied (403, API key role)"),
        ("silent:wrong-record", "pauses the similarly named sister app")],
        follow="and pause the phased rollout of {app} {version}, {why}"),
    Task("pm_maintenance_dispatch", "property", "log a maintenance request and dispatch a vendor", "bare",
         v_maint, b_maint, [
        "{prop} {unit}: {issue}. log it and send {pro} {when}",
        "Hi! {tenant} in unit {unit} at {prop} called — {issue}. Could you open a work order ({prio}) and get "
        "{pro} out {when}? Tenant's number is {phone}. Thanks!",
        "Tenant {tenant} ({prop} unit {unit}) report: {issue}. Please create work order and dispatch vendor {when}.",
        ("new maintenance request {prop} {unit}", "{issue}. priority {prio}, vendor {when}"),
        ("Can you log a maintenance request?",
         "Sure — which property and unit, what's the problem, and when can a vendor come?",
         "{prop} {unit}, {issue}. {when}"),
        "wrk order for {unit} @ {prop} — {issue}, {prio}. dispatch {when} pls",
        "{tenant} ({unit}, {prop}) says {issue}; open a WO + send someone {when}",
    ], [
        "Unit {unit} at {prop} has a problem: {issue}. Open a work order and get a vendor there {when}.",
        "log a {trade} issue for {prop} {unit} and dispatch whoever's available",
        "Please file a maintenance ticket for {tenant} at {prop} (unit {unit}) and schedule {pro} for {when}.",
    ], [("visible:user-complaint", "vendor dispatched for the wrong window; user complains, agent can't change it"),
        ("silent:skipped-step", "logs the work order but never dispatches a vendor")]),
    Task("freight_rebook_delayed", "freight", "rebook a delayed ocean shipment on the earliest-arriving sailing",
         "dotted", v_rebook, b_rebook, [
        "{ref} is delayed, rebook on whatever arrives earliest",
        "Hello, the carrier just pushed shipment {ref} ({po}) by {delay} days. Could you please look at alternative "
        "sailings from {oname} to {dname} and rebook it on the one that gets there first? Let the consignee know "
        "at {consignee}. Thanks!",
        "Shipment {ref} delay. Please find new sailing {o} to {dest} with earliest arrival and rebook.",
        ("{ref} got rolled", "rebook earliest ETA pls, {cont}"),
        ("Can you rebook a shipment?", "Sure — which shipment, and what matters most (arrival date or cost)?",
         "{ref}, earliest arrival"),
        "rebok {ref} ({container}) on the fastest option to {dname}, its delayed {delay} days",
        "{po} / {ref}: vessel delayed. move it to the earliest-arriving sailing and notify {consignee}",
    ], [
        "{ref} missed its sailing — get it onto the option with the soonest ETA.",
        "Our {oname} to {dname} container ({ref}) is delayed; rebook it for earliest delivery.",
        "can u find a faster sailing for {ref} and switch the booking",
    ], [("visible:error", "carrier rejects the rebooking (no space), agent stops"),
        ("silent:wrong-action", "rebooks the cheapest sailing instead of the earliest arrival")],
        follow="also {ref} missed its vessel — rebook on the earliest arrival please"),
    Task("freight_customs_doc", "freight", "retrieve a customs document for a shipment (and send it)", "dotted",
         v_customs, b_customs, [
        "need the {doc} for {ref}",
        "Hi, {client} from our client's team is asking for the {doc} on shipment {ref}. Could you pull it from the "
        "broker and email it to {to}? Thank you!",
        "Please get {doc} of shipment {ref} and send to {to}.",
        ("customs doc request", "{ref}, {doc}"),
        ("Can you get me a customs document?", "Sure — for which shipment, and which document?",
         "{ref}, the {doc}. send it to {to}"),
        "pull {doc} 4 {ref} pls",
        "{to} needs the {doc} for {ref} (entry {entry}) — send it over",
    ], [
        "Where can I download the {doc} for {ref}?",
        "Send {to} the {doc} for shipment {ref}.",
        "fetch the {doc} on {ref} from the broker portal",
    ], [("visible:error", "broker portal session expired (401), agent stops"),
        ("silent:wrong-record", "fetches/sends a different document type than asked")],
        follow="Also can you pull the {doc} for {ref}?"),
    Task("ads_pause_underperformers", "marketing", "pause ad campaigns below a ROAS target", "camel",
         v_ads, b_ads, [
        "pause {platform} campaigns under {thr}x ROAS (last {days} days)",
        "Hi! Could you look at our {platform} account ({acct}) and pause any campaign whose ROAS over the last "
        "{days} days is below {thr}x? Leave the rest running. Thanks a lot!",
        "Please stop campaigns in {platform} with ROAS less than {thr} for last {days} days.",
        ("ad spend is out of control", "{platform}, pause anything below {thr}x ROAS over {days}d"),
        ("Can you pause some campaigns?", "Sure — on which platform, and what's the cutoff?",
         "{platform}, ROAS under {thr}x over the last {days} days"),
        "pasue underperforming {platform} campaigns, roas < {thr}, {days}d",
        "kill the {platform} campaigns that aren't hitting {thr}x ROAS ({days} day window)",
    ], [
        "Turn off every {platform} campaign that returned less than {thr}x on spend in the past {days} days.",
        "which campaigns are losing money on {platform}? pause the ones under {thr}x roas",
        "Pause our weakest {platform} ad campaigns (ROAS below {thr}, last {days} days).",
    ], [("visible:error", "pause denied (#200 permissions)"),
        ("silent:wrong-action", "pauses by lowest CTR instead of ROAS")],
        secret="pause {platform} campaigns below {thr}x ROAS over {days}d. token: {secret}"),
]

NOVEL = [
    ("shop_cancel_order", "Cancel order #{n} before it ships — the buyer changed their mind. Restock everything and "
                          "refund in full."),
    ("ats_open_req", "Open a new req for a Senior Data Engineer in Austin and publish it to LinkedIn and our careers "
                     "page."),
    ("legal_renewals_report", "Which vendor contracts auto-renew in the next 60 days? I need the list with the "
                              "notice deadlines."),
    ("aws_budget_alert", "Set up an AWS budget for the sandbox account, $2,000 a month, and email {email} at 80%."),
    ("asc_testflight_tester", "Add {name} ({email}) as an external tester to the Beta group for our iOS app in "
                              "TestFlight."),
    ("pm_lease_renewal", "Send the tenant in unit 4B at Oakmont Terrace a lease renewal offer: 12 months, 3% "
                         "increase."),
    ("freight_ltl_quote", "Get me LTL quotes for 6 pallets from our Reno warehouse to Denver, pickup this Thursday."),
    ("ads_shift_budget", "Move $500 a day from the prospecting campaign to retargeting on Meta."),
]
# fmt: on


# runs --------------------------------------------------------------------------------------------------------------
SYSTEM = {
    "data": "You are a data assistant for Lumen Retail's analytics team. You can query the warehouse and the ML "
    "platform. Today is {today}.",
    "shop": "You are the operations assistant for the Fern & Pine Shopify store. Confirm before issuing refunds. "
    "Today is {today}.",
    "recruiting": "You help the Kestrel talent team run ATS workflows. Today is {today}.",
    "legal": "You are Corva's legal operations assistant with access to the CLM, the negotiation playbook and "
    "e-signature.",
    "cloud": "You are a FinOps assistant for Parallax. Only act on resources the user asks about. Today is {today}.",
    "mobile": "You are a release assistant with App Store Connect API access for the mobile team.",
    "property": "You are the maintenance coordinator assistant for Keystone Property Management. Today is {today}.",
    "freight": "You are an assistant for Northpass Freight's ocean operations desk. Today is {today}.",
    "marketing": "You are a paid-media assistant for Goodfolk. You can read insights and change campaign status.",
}


def expose(name: str, style: str) -> str:
    """A tool written `server.tool`, named the way the run's harness names it."""
    server, tool = name.split(".", 1)
    if style == "mcp":
        return f"mcp__{server}__{tool}"
    if style == "codex":
        return f"{server}__{tool}"
    if style == "snake":
        return f"{server}_{tool}"
    if style == "bare":
        return tool
    if style == "camel":
        head, *rest = tool.split("_")
        return head + "".join(p.title() for p in rest)
    return name


def plan(rng: random.Random, t: Task) -> list[tuple[str | None, str, Any]]:
    """(failure kind, format, wording) of each run of a task type: every run in another format and another
    wording; the secret-carrying wording replaces one successful run's."""
    kinds = [None] * (RUNS_PER_TASK - len(t.fails)) + [k for k, _ in t.fails]
    fmts, reqs = FORMATS[:], t.requests[:]
    rng.shuffle(fmts)
    rng.shuffle(reqs)
    if t.secret:
        reqs[rng.randrange(RUNS_PER_TASK - len(t.fails))] = t.secret
    return [(k, fmts[i % len(fmts)], reqs[i]) for i, k in enumerate(kinds)]


def make_style(rng: random.Random, fmt: str, naming: str) -> Style:
    model, narrate, look, confirm, verify = rng.choice(MODELS[fmt])
    naming = {"claude-code": "mcp", "codex": "codex"}.get(fmt, naming)
    return Style(model, narrate, rng.random() < look, rng.random() < confirm * 0.7, rng.random() < verify,
                 rng.random() < 0.3, rng.random() < 0.5, naming)  # fmt: skip


def build_run(rng: random.Random, t: Task, kind: str | None, fmt: str, req: Any, partner: Task | None) -> dict:
    v = t.vals(rng)
    v["_req"] = req
    r = Run(rng, "ok" if kind is None else "fail", make_style(rng, fmt, t.naming), req == t.secret)
    r.fk, r.fmt, r.pasted = kind and kind.split(":")[0], fmt, req == t.secret
    if r.pasted:
        for s in v.get("secrets", [v["secret"]]):
            r.secret(str(s), "user message")
    ask(req, v, r)
    t.build(r, v)
    second = None
    if partner is not None:
        v2 = partner.vals(rng)
        v2["_req"] = partner.follow
        text = partner.follow.format_map(v2)
        r.user(text[0].upper() + text[1:] if rng.random() < 0.5 else text)
        partner.build(r, v2)
        second = {"task": partner.id, "request": text}
    if kind and kind.startswith("silent"):
        r.user(rng.choice(THANKS))
    elif not kind:
        r.thanks(0.6)
    for ev, c in r.ev:
        if ev == "call" and c.kind == "tool":
            c.name = expose(c.name, r.style.naming)
    return {"task": t, "run": r, "v": v, "fmt": fmt, "req": req, "kind": kind, "second": second}


def novel_vals(rng: random.Random) -> dict[str, Any]:
    p = person(rng, "lumenretail.com")
    return {"n": rng.randint(1040, 98000), **p}


# a set of task types and what goes with it; the sixth and seventh sets are written by this plumbing too ------------
@dataclass
class TaskSet:
    tasks: list[Task]
    novel: list[tuple[str, str]]  # (task id, unseen request) of task types that were never run
    novel_vals: Callable[[random.Random], dict[str, Any]]  # the values a novel request is filled with
    system: dict[str, str]  # a system prompt per domain
    seed: int  # the default --seed
    n_second: int  # how many sessions carry a second request
    cwd_dirs: tuple[str, ...]  # the working directory's last part (or the domain)
    cc_versions: tuple[str, ...] = ("2.0.14", "2.0.31", "2.1.3")
    codex_versions: tuple[str, ...] = ("0.46.0", "0.50.0", "0.53.1")
    shell_calls: bool = False  # the manifest counts each run's shell calls


def meta_for(rng: random.Random, ts: TaskSet, t: Task, v: dict[str, Any], style: Style, fmt: str) -> dict[str, Any]:
    system = None
    if fmt in ("openai", "anthropic", "vercel-model") and rng.random() < 0.7:
        system = ts.system[t.domain].format(today=v["today"])
    return {
        "model": style.model,
        "system": system,
        "start": v["now"],
        "cwd": f"/home/{v['op'].lower().replace('-', '')}/{rng.choice([*ts.cwd_dirs, t.domain])}",
        "session_id": uid(rng),
        "cc_version": rng.choice(ts.cc_versions),
        "codex_version": rng.choice(ts.codex_versions),
        "title": t.desc[:60] if rng.random() < 0.5 else None,
    }


def write(out: str, runs: list[dict[str, Any]], rng: random.Random, ts: TaskSet) -> tuple[list[dict], list[dict], dict]:
    """Each run's trace file; its sessions.jsonl line and its manifest entry."""
    lines, manifest, fmt_counts = [], [], {}
    for n, item in enumerate(runs, 1):
        t, r, fmt, kind = item["task"], item["run"], item["fmt"], item["kind"]
        writer, ext = WRITERS[fmt]
        assign_ids(r, fmt)
        body = writer(r, meta_for(rng, ts, t, item["v"], r.style, fmt))
        fname = f"run_{n:04d}.{ext}"
        with open(os.path.join(out, fname), "w", encoding="utf-8") as f:
            if ext == "jsonl":
                f.write("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in body))
            else:
                json.dump(body, f, ensure_ascii=False, indent=1)
        fmt_counts[fmt] = fmt_counts.get(fmt, 0) + 1
        line: dict[str, Any] = {"trace_file": fname, "task": t.id, "success": kind is None}
        if item["second"]:
            line["also"] = [item["second"]["task"]]
        lines.append(line)
        style = {k: getattr(r.style, k) for k in ("narrate", "auth_first", "confirm", "verify", "naming")}
        calls = [x for ev, x in r.ev if ev == "call"]
        entry = {
            "trace_file": fname, "format": fmt, "model": r.style.model, "task": t.id, "domain": t.domain,
            "success": kind is None, "failure_kind": kind, "failure": dict(t.fails).get(kind) if kind else None,
            "second_request": item["second"], "request_template": item["req"], "agent_style": style,
            "n_tool_calls": r.ncalls,
        }  # fmt: skip
        if ts.shell_calls:
            entry["n_shell_calls"] = sum(1 for x in calls if x.kind == "bash")
        entry["n_error_results"] = sum(1 for x in calls if x.error)
        entry["secrets"] = r.secrets
        manifest.append(entry)
    return lines, manifest, fmt_counts


def main(ts: TaskSet, doc: str) -> None:
    """The command line of a generator: its runs, sessions.jsonl, meta/manifest.json and a summary line."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--seed", type=int, default=ts.seed)
    args = ap.parse_args()

    tasks, novel = ts.tasks, ts.novel
    rng = random.Random(args.seed)
    os.makedirs(os.path.join(args.out, "meta"), exist_ok=True)
    assert len({t.id for t in tasks}) == len(tasks)
    assert not {tid for tid, _ in novel} & {t.id for t in tasks}
    for t in tasks:
        assert len(t.requests) == RUNS_PER_TASK and len(t.queries) == 3 and 1 <= len(t.fails) <= 2, t.id
    plans = {t.id: plan(rng, t) for t in tasks}
    partners = {t.id: [o for o in tasks if o.follow and o.domain == t.domain and o is not t] for t in tasks}
    # which successful runs hold a second request (of another task type of the same domain)
    slots = [(t.id, i) for t in tasks for i, (k, _, q) in enumerate(plans[t.id])
             if k is None and q != t.secret and partners[t.id]]  # fmt: skip
    chosen = set(rng.sample(slots, ts.n_second))
    runs = []
    for t in tasks:
        for i, (kind, fmt, req) in enumerate(plans[t.id]):
            partner = rng.choice(partners[t.id]) if (t.id, i) in chosen else None
            runs.append(build_run(rng, t, kind, fmt, req, partner))
    rng.shuffle(runs)
    lines, manifest, fmt_counts = write(args.out, runs, rng, ts)

    queries = [{"query": q.format_map(t.vals(rng)), "task": t.id} for t in tasks for q in t.queries]
    for tid, q in novel:
        queries.append({"query": q.format_map(ts.novel_vals(rng)), "task": tid})
    rng.shuffle(queries)

    with open(os.path.join(args.out, "sessions.jsonl"), "w", encoding="utf-8") as f:
        f.write("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines + queries))
    described = [{"id": t.id, "domain": t.domain, "desc": t.desc, "runs": RUNS_PER_TASK,
                  "failing_runs": [{"kind": k, "failure": d} for k, d in t.fails]} for t in tasks]  # fmt: skip
    with open(os.path.join(args.out, "meta", "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(
            {"seed": args.seed, "formats": fmt_counts, "tasks": described,
             "novel_tasks": [tid for tid, _ in novel], "runs": manifest},
            f, ensure_ascii=False, indent=1, default=str,
        )  # fmt: skip
    n_secrets = sum(len(m["secrets"]) for m in manifest)
    n_multi = sum(1 for m in manifest if m["second_request"])
    n_fail = sum(1 for m in manifest if not m["success"])
    print(
        f"wrote {len(lines)} traces ({', '.join(f'{k} {v}' for k, v in sorted(fmt_counts.items()))}), "
        f"{n_fail} failed, {n_multi} with a second request, {len(queries)} queries ({len(novel)} novel), "
        f"{n_secrets} secrets, {len(tasks)} task types in {len({t.domain for t in tasks})} domains -> {args.out}"
    )


FIFTH = TaskSet(TASKS, NOVEL, novel_vals, SYSTEM, seed=20260505, n_second=10, cwd_dirs=("ops", "work", "scratch"))

if __name__ == "__main__":
    main(FIFTH, __doc__)
