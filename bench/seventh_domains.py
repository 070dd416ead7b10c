"""Labelled agent sessions in a seventh set of domains, written blind: security operations (isolate a compromised
host after checking its alerts; block an indicator in both the EDR and the firewall), data engineering (backfill an
Airflow DAG after checking its failed runs; re-run a failed dbt model and everything downstream of it), feature
flags and experiments (roll a flag out to a percentage of users in one environment; stop an A/B test and record
the winner), browser automation by a computer-use agent (submit an expense report through a web form; download a
monthly statement from a vendor portal), the accounting close (post a journal entry with an approval check above a
threshold; reconcile a bank statement line against an invoice), payroll (correct an employee's timesheet hours and
re-run the pay calculation; look up an employee's last pay -- read only), fleet maintenance (check a vehicle's
odometer against its service interval and schedule a service only if it is due -- usually nothing to do; log a
roadside breakdown and dispatch a tow), localization (push new UI strings and order translations) and email
marketing (test-send a campaign, then schedule it to a segment). A held-out-style check for
``deftly bench --jsonl DIR/sessions.jsonl``.

Written without reading deftly's extraction, matching or ranking code, and not tuned to it. Every one of the 16
task types is run 7 times (5 or 6 successes, 1 or 2 failures) with other people, ids, dates and amounts, in a
different wording each time (terse, polite and long, non-native English, typos, split over two messages, the agent
asking a clarifying question first) and in a different trace format each time. Agents differ: some look records up
before acting, some narrate, some confirm before writes, some re-read after a write, and some hit a recoverable
error (a validation error, a 404, a wrong CLI flag) and fix it. Failures are visible (an unrecovered tool error,
a blocked login) or silent (the wrong record, a skipped required step, a wrong action, or going along with a
request that should have been refused -- posting an over-threshold journal entry without its approval because the
user said to skip it -- and the user says thanks). Eight sessions carry a second, different request from the same
domain (labelled in ``also``). A few users paste secrets (listed in the manifest). Tool names mix styles by domain
(``crowdstrike_contain_host``, ``airflow.list_dag_runs``, ``mcp__launchdarkly__update_flag``, ``browser_click``
and ``computer``, ``createJournalEntry``, ``payroll.update_timesheet_entry``, ``create_work_order``,
``lokalise_upload_file``, ``scheduleCampaign``); Claude Code runs expose every tool as ``mcp__server__tool``, Codex
runs as ``server__tool``, and most data-engineering, localization and some security runs in those two harnesses use
a shell instead (``airflow dags backfill``, ``dbt run --select``, ``lokalise2``, ``curl`` to an API).

Trace formats and their writers are those of bench/fourth_domains.py, the planning of runs, the command line and
the files written into DIR (run_XXXX.json(l), sessions.jsonl, meta/manifest.json) those of bench/fifth_domains.py.
Each task type gets 3 unseen queries worded unlike its runs; 8 novel queries ask for task types that were never
run.

    python bench/seventh_domains.py --out DIR [--seed N]
    deftly bench --jsonl DIR/sessions.jsonl --verbose
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import string
import sys
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fifth_domains import ALNUM, Task, TaskSet, an, day, dg, done, has, hx, iso, main, uid, usd
from fourth_domains import Run
from sixth_domains import cli

BASE = dt.datetime(2025, 4, 7, 8, 10)

FIRST = [
    "Ayesha", "Bruno", "Camille", "Dariusz", "Esther", "Farid", "Gwen", "Hamza", "Ingrid", "Jun", "Kalani", "Leandro",
    "Marisol", "Nadia", "Oskar", "Parisa", "Quentin", "Rosalind", "Stellan", "Tamar", "Ugo", "Valentina", "Wiremu",
    "Xochitl", "Yusuf", "Zofia", "Adaeze", "Bjorn", "Cyrus", "Delphine", "Eitan", "Fumiko", "Gideon", "Hana",
]  # fmt: skip
LAST = [
    "Achebe", "Bianchi", "Chowdhury", "Dahl", "Ekström", "Fonseca", "Gutierrez", "Halvorsen", "Ibarra", "Jaramillo",
    "Kovacs", "Lindholm", "Mbeki", "Novak", "Oyelowo", "Pham", "Rautio", "Szabo", "Tanaka", "Urquhart", "Varga",
    "Whitcombe", "Yamada", "Zubiri", "Alvarado", "Bakshi", "Coutinho", "Dragomir", "Eze", "Falk",
]  # fmt: skip


# small helpers -----------------------------------------------------------------------------------------------------
def person(rng: random.Random, dom: str = "") -> dict[str, str]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    dom = dom or rng.choice(["gmail.com", "outlook.com", "proton.me", "yahoo.com", "icloud.com", "hey.com"])
    local = rng.choice([f"{first}.{last}", f"{first[0]}{last}", f"{first}{rng.randint(1, 99)}"]).lower()
    local = local.replace("ö", "o").replace("ä", "a").replace("-", "")
    return {"first": first, "last": last, "name": f"{first} {last}", "email": f"{local}@{dom}"}


def base(rng: random.Random, dom: str) -> dict[str, Any]:
    now = BASE + dt.timedelta(days=rng.randint(0, 240), minutes=rng.randint(0, 580))
    op = person(rng, dom)
    return {"now": now, "today": now.date().isoformat(), "op": op["first"], "op_email": op["email"]}


def pw_page(url: str, title: str, snapshot: list[str], code: str = "") -> str:
    """What the Playwright MCP server returns after an action: the code it ran and the page's accessibility tree."""
    head = f"### Ran Playwright code\n```js\n{code}\n```\n\n" if code else ""
    return (f"{head}### Page state\n- Page URL: {url}\n- Page Title: {title}\n- Page Snapshot:\n```yaml\n"
            + "\n".join(snapshot) + "\n```")  # fmt: skip


def shot(r: Run) -> dict[str, Any]:
    """A computer-use screenshot result (the image itself is not kept in the transcript)."""
    return {"type": "image", "media_type": "image/png", "data": f"<{r.rng.randint(140, 420)} KB omitted>"}


def use_computer(r: Run) -> bool:
    """Computer-use runs (screenshots and clicks at coordinates) come from Anthropic-style harnesses."""
    return r.fmt in ("anthropic", "vercel-model") and r.rng.random() < 0.6


def curl(method: str, url: str, body: Any = None, token: str = "$API_TOKEN", extra: str = "") -> str:
    data = f" \\\n  -d '{json.dumps(body)}'" if body is not None else ""
    verb = f" -X {method}" if method != "GET" else ""
    return (f"curl -sS{verb} '{url}' \\\n  -H \"Authorization: Bearer {token}\" -H 'Content-Type: application/json'"
            f"{extra}{data}")  # fmt: skip


# security operations: isolate a host after checking its alerts; block an indicator in EDR and firewall ------------
HOST_PREFIX = ["WS-FIN", "LT-MKT", "LT-ENG", "WS-HR", "SRV-APP", "LT-SLS", "WS-OPS"]
TECHNIQUES = [
    ("T1003.001", "Credential Access", "OS Credential Dumping: LSASS Memory", "rundll32.exe",
     "rundll32.exe C:\\Windows\\System32\\comsvcs.dll MiniDump 624 C:\\Users\\Public\\lsass.dmp full"),
    ("T1059.001", "Execution", "PowerShell encoded command", "powershell.exe",
     "powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABp..."),
    ("T1486", "Impact", "Data Encrypted for Impact (ransomware behavior)", "svchost_upd.exe",
     "C:\\ProgramData\\svchost_upd.exe --encrypt --ext .lockd C:\\Users"),
    ("T1071.001", "Command and Control", "Beaconing to known C2 over HTTPS", "OneDriveUpdater.exe",
     "C:\\Users\\{user}\\AppData\\Local\\Temp\\OneDriveUpdater.exe /silent"),
    ("T1021.002", "Lateral Movement", "SMB/Windows Admin Shares with PsExec", "PSEXESVC.exe",
     "C:\\Windows\\PSEXESVC.exe"),
]  # fmt: skip


def v_isolate(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "harborline.com")
    pre = rng.choice(HOST_PREFIX)
    n = rng.randint(100, 4999)
    host = f"{pre}-{n:04d}"
    twin = (
        f"{pre}-{int(str(n).zfill(4)[::-1]):04d}" if str(n).zfill(4)[::-1] != str(n).zfill(4) else f"{pre}-{n + 1:04d}"
    )
    tech = rng.choice(TECHNIQUES)
    user = person(rng, "harborline.com")
    v.update(host=host, twin=twin, aid=hx(rng, 32), twin_aid=hx(rng, 32), tid=tech[0], tactic=tech[1],
             technique=tech[2], proc=tech[3], cmdline=tech[4].replace("{user}", user["first"].lower()),
             user=user["name"], user_login=user["email"].split("@")[0], inc="INC-" + dg(rng, 5),
             ip=f"10.{rng.randint(10, 60)}.{rng.randint(0, 255)}.{rng.randint(2, 250)}",
             os=rng.choice(["Windows 11", "Windows 10", "Windows Server 2022"]), n_alerts=rng.randint(2, 6),
             sev=rng.choice(["Critical", "High"]))  # fmt: skip
    return v


def b_isolate(r: Run, v: dict[str, Any]) -> None:
    g = r.rng
    aid = v["aid"] if r.fk != "silent" else v["twin_aid"]
    host = v["host"] if r.fk != "silent" else v["twin"]
    first = v["now"] - dt.timedelta(minutes=g.randint(20, 300))
    alerts = [{"composite_id": f"{hx(g, 32)}:ind:{aid}:{dg(g, 11)}-{g.randint(10, 99)}-{dg(g, 6)}",
               "severity_name": v["sev"] if i == 0 else g.choice(["High", "Medium"]), "tactic": v["tactic"],
               "technique": v["technique"], "technique_id": v["tid"], "filename": v["proc"], "cmdline": v["cmdline"],
               "user_name": v["user_login"], "created_timestamp": iso(first + dt.timedelta(minutes=3 * i)),
               "status": "new", "pattern_disposition_description": "Detection, standard detection."}
              for i in range(v["n_alerts"] if r.fk != "silent" else 1)]  # fmt: skip
    if r.fk == "silent":
        alerts[0].update(severity_name="Low", tactic="Discovery", technique="System Information Discovery",
                         technique_id="T1082", filename="systeminfo.exe", cmdline="systeminfo")  # fmt: skip
    devices = [{"device_id": v["aid"], "hostname": v["host"], "local_ip": v["ip"], "os_version": v["os"],
                "status": "normal", "last_seen": iso(v["now"] - dt.timedelta(minutes=1))},
               {"device_id": v["twin_aid"], "hostname": v["twin"], "os_version": v["os"], "status": "normal",
                "last_seen": iso(v["now"] - dt.timedelta(minutes=g.randint(2, 50)))}]  # fmt: skip
    shell = cli(r, 0.45)
    base_url = "https://api.us-2.crowdstrike.com"
    if shell:
        r.note(f"I'll look up {v['host']} in Falcon and pull its recent alerts before containing anything.")
        r.sh(curl("GET", f"{base_url}/devices/queries/devices/v1?filter=hostname:*'{v['host'][:-2]}*'",
                  token="$FALCON_TOKEN") + " | jq '.resources'",
             json.dumps([d["device_id"] for d in devices], indent=2))  # fmt: skip
        r.sh(curl("GET", f"{base_url}/devices/entities/devices/v2?ids={aid}", token="$FALCON_TOKEN")
             + " | jq '.resources[0] | {hostname, local_ip, os_version, status, last_seen}'",
             json.dumps({k: d[k] for d in devices if d["device_id"] == aid for k in d if k != "device_id"},
                        indent=2))  # fmt: skip
        r.sh(curl("GET", f"{base_url}/alerts/combined/alerts/v1?filter=device.device_id:'{aid}'%2Bstatus:'new'",
                  token="$FALCON_TOKEN") + " | jq '[.resources[] | {severity_name, tactic, technique, filename, "
             "cmdline, created_timestamp}]'",
             json.dumps([{k: a[k] for k in ("severity_name", "tactic", "technique", "filename", "cmdline",
                                            "created_timestamp")} for a in alerts], indent=2))  # fmt: skip
    else:
        r.call("crowdstrike.query_devices", {"filter": f"hostname:*'{v['host'][:-2]}*'", "limit": 10},
               {"resources": devices, "meta": {"query_time": 0.0213, "powered_by": "device-api",
                                               "trace_id": uid(g)}, "errors": []})  # fmt: skip
        r.call("crowdstrike.get_alerts", {"device_id": aid, "status": "new", "sort": "created_timestamp.desc",
                                          "limit": 20},
               {"resources": alerts, "meta": {"pagination": {"total": len(alerts), "offset": 0}}})  # fmt: skip
    if r.fk == "silent":
        r.say(f"{host} has one low-severity discovery alert ({alerts[0]['filename']}). Containing it as asked.")
    else:
        r.say(f"{v['host']} ({v['user']}) has {len(alerts)} new alerts, top one {v['sev']}: {v['technique']} "
              f"({v['tid']}) from `{v['proc']}`. That matches the report — containing it.")  # fmt: skip
    r.confirm(f"I'll network-contain {host} ({aid[:12]}…). It will only be able to talk to the Falcon cloud.")
    comment = f"{v['inc']}: {v['technique']} ({v['tid']}) — contained by SOC"
    if shell:
        url = f"{base_url}/devices/entities/devices-actions/v2?action_name=contain"
        if r.fk == "visible":
            r.sh(curl("POST", url, {"ids": [aid]}, token="$FALCON_TOKEN"),
                 json.dumps({"errors": [{"code": 409, "message": f"Device {aid} cannot be contained: sensor is in "
                            "Reduced Functionality Mode (RFM)"}], "resources": []}))  # fmt: skip
        else:
            if g.random() < 0.35:
                r.sh(curl("POST", url.replace("contain", "isolate"), {"ids": [aid]}, token="$FALCON_TOKEN"),
                     json.dumps({"errors": [{"code": 400, "message": "invalid action_name 'isolate'; allowed: "
                                 "contain, lift_containment, hide_host, unhide_host"}]}))  # fmt: skip
                r.note("Wrong action name — the API calls it `contain`.")
            r.sh(curl("POST", url, {"ids": [aid]}, token="$FALCON_TOKEN"),
                 json.dumps({"resources": [{"id": aid, "path": url}], "errors": []}))  # fmt: skip
            if r.style.verify:
                r.sh(curl("GET", f"{base_url}/devices/entities/devices/v2?ids={aid}", token="$FALCON_TOKEN")
                     + " | jq -r '.resources[0].status'", "containment_pending")  # fmt: skip
    else:
        args = {"ids": [aid], "action_name": "contain", "comment": comment}
        if r.fk == "visible":
            r.err("crowdstrike.contain_host", args, f"Error: 409 Conflict — device {aid} cannot be contained: sensor "
                  "is in Reduced Functionality Mode (RFM); update the sensor or use a network-level block")  # fmt: skip
        else:
            if g.random() < 0.3:
                r.err(
                    "crowdstrike.contain_host",
                    {**args, "action_name": "isolate"},
                    "Error: 400 Bad Request — "
                    "invalid action_name 'isolate'; allowed: contain, lift_containment, hide_host, unhide_host",
                )
                r.note("The action is called `contain`; retrying.")
            r.call("crowdstrike.contain_host", args, {"resources": [{"id": aid, "path": "/devices/entities/devices-"
                   "actions/v2"}], "errors": []})  # fmt: skip
            if r.style.verify:
                r.call("crowdstrike.get_device", {"id": aid},
                       {"device_id": aid, "hostname": host, "status": "contained",
                        "last_seen": iso(v["now"])})  # fmt: skip
            if r.style.auth_first:
                r.call("crowdstrike.update_alerts", {"composite_ids": [a["composite_id"] for a in alerts],
                       "status": "in_progress", "comment": comment}, {"updated": len(alerts)})  # fmt: skip
    if r.fk == "visible":
        done(r, f"I couldn't contain {v['host']}: Falcon says the sensor is in Reduced Functionality Mode, so network "
                "containment isn't available. The host is still on the network — it needs a switch-port/NAC block "
                "or someone to pull it physically.")  # fmt: skip
        return
    done(r, f"{host} is contained (Falcon device {aid[:12]}…). It can only reach the CrowdStrike cloud now; "
            f"{'the alerts are marked in progress under ' + v['inc'] if r.style.auth_first else 'incident ' + v['inc']}"
            ". Lift containment from the console when the investigation is done.")  # fmt: skip


BAD_DOMAINS = ["msft-login-verify.com", "docusign-secure-view.net", "cdn-update-check.org", "sharepoint-files.co",
               "okta-sso-auth.net", "dropbox-transfer.io", "payroll-adp-portal.com"]  # fmt: skip
BAD_FILES = ["Invoice_0423.pdf.exe", "HR_Policy_Update.docm", "setup_x64.msi", "vpnclient_patch.dll",
             "Q3_Remittance.iso"]  # fmt: skip


def v_block(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "harborline.com")
    kind = rng.choice(["domain", "sha256"])
    val = rng.choice(BAD_DOMAINS) if kind == "domain" else hx(rng, 64)
    v.update(kind=kind, ioc=val, what="domain" if kind == "domain" else "hash", file=rng.choice(BAD_FILES),
             src=rng.choice(["a phishing email", "the sandbox report", "a threat-intel feed", "an EDR detection"]),
             inc="INC-" + dg(rng, 5), vt=rng.randint(19, 61), feed="ioc-block-domains" if kind == "domain" else
             "ioc-block-sha256", secret=hx(rng, 64))  # fmt: skip
    return v


def b_block(r: Run, v: dict[str, Any]) -> None:
    g = r.rng
    typ = v["kind"]
    if getattr(r, "pasted", False):
        r.say("Quick note before I start: I won't use that key — the threat-intel connector already has its own "
              "credentials.")  # fmt: skip
        r.pasted = False
    if r.style.auth_first or g.random() < 0.5:
        path = "domains" if typ == "domain" else "files"
        r.call("virustotal.get_report", {"resource_type": path, "id": v["ioc"]},
               {"data": {"id": v["ioc"], "type": path[:-1], "attributes": {"last_analysis_stats": {
                   "malicious": v["vt"], "suspicious": g.randint(0, 4), "undetected": 72 - v["vt"], "harmless": 0},
                   "reputation": -g.randint(20, 90), "tags": [g.choice(["phishing", "trojan", "malware",
                                                                         "infostealer"])]}}})  # fmt: skip
        r.say(f"VirusTotal: {v['vt']}/72 engines flag it as malicious. Blocking it in Falcon and on the "
              "firewall.")  # fmt: skip
    shell = cli(r, 0.4)
    desc = f"{v['inc']} — from {v['src']}"
    ioc_body = {"indicators": [{"type": typ, "value": v["ioc"], "action": "prevent" if typ == "sha256" else "detect",
                                "severity": "high", "platforms": ["windows", "mac", "linux"], "applied_globally": True,
                                "description": desc, "expiration": iso(v["now"] + dt.timedelta(days=90))}]}  # fmt: skip
    ioc_id = hx(g, 64)
    if shell:
        r.sh(curl("POST", "https://api.us-2.crowdstrike.com/iocs/entities/indicators/v1", ioc_body,
                  token="$FALCON_TOKEN") + " | jq '.resources[0] | {id, type, value, action}'",
             json.dumps({"id": ioc_id, "type": typ, "value": v["ioc"], "action": ioc_body["indicators"][0]["action"]},
                        indent=2))  # fmt: skip
    else:
        r.call("crowdstrike.create_ioc", ioc_body["indicators"][0],
               {"resources": [{"id": ioc_id, "type": typ, "value": v["ioc"], "created_by": "api-client-soar",
                               "created_on": iso(v["now"])}], "errors": None})  # fmt: skip
    if r.fk == "silent":
        done(r, f"Blocked `{v['ioc']}` in CrowdStrike Falcon (IOC {ioc_id[:10]}…, applied to all hosts).")
        return
    fw = "https://fw-mgmt.harborline.internal/api/v2/cmdb/system/external-resource"
    entries = g.randint(40, 900)
    if shell:
        r.sh(curl("GET", f"{fw}/{v['feed']}", token="$FORTI_TOKEN", extra=" -k") + " | jq '.results[0] | "
             "{name, type, status, \"entries\": .\"resource-count\"}'",
             json.dumps({"name": v["feed"], "type": "domain" if typ == "domain" else "malware", "status": "enable",
                         "entries": entries}, indent=2))  # fmt: skip
    else:
        r.call(
            "fortigate.get_threat_feed",
            {"name": v["feed"]},
            {
                "name": v["feed"],
                "type": "domain" if typ == "domain" else "malware",
                "status": "enable",
                "resource_count": entries,
                "refresh_rate_min": 5,
                "used_by": ["wan-out-strict", "vpn-users"],
            },
        )
    add = {"name": v["feed"], "entries": [v["ioc"]], "comment": desc}
    if r.fk == "visible":
        if shell:
            r.sh(
                curl(
                    "POST",
                    f"https://fw-mgmt.harborline.internal/api/v2/monitor/system/external-resource/{v['feed']}/entries",
                    add,
                    token="$FORTI_TOKEN",
                    extra=" -k",
                ),
                json.dumps(
                    {
                        "http_status": 403,
                        "status": "error",
                        "error": -37,
                        "message": "Permission denied: API profile 'soar-readonly' lacks write access",
                    }
                ),
            )
        else:
            r.err("fortigate.add_threat_feed_entries", add, "Error: 403 — permission denied: API profile "
                  "'soar-readonly' has no write access to system.external-resource")  # fmt: skip
        done(r, f"`{v['ioc']}` is blocked in Falcon (IOC {ioc_id[:10]}…), but the firewall rejected the change: the "
                "SOAR API profile is read-only there. The firewall is NOT blocking it yet — a network admin has to "
                f"add it to {v['feed']}.")  # fmt: skip
        return
    if shell:
        r.sh(curl("POST", f"https://fw-mgmt.harborline.internal/api/v2/monitor/system/external-resource/"
                  f"{v['feed']}/entries", add, token="$FORTI_TOKEN", extra=" -k"),
             json.dumps({"http_status": 200, "status": "success", "results": {"added": 1,
                         "resource-count": entries + 1}}))  # fmt: skip
    else:
        r.call("fortigate.add_threat_feed_entries", add, {"status": "success", "added": 1,
               "resource_count": entries + 1})  # fmt: skip
        if r.style.verify:
            r.call("fortigate.refresh_threat_feed", {"name": v["feed"]}, {"status": "success", "last_update":
                   iso(v["now"] + dt.timedelta(minutes=1))})  # fmt: skip
    done(r, f"`{v['ioc']}` is blocked on both layers: Falcon IOC {ioc_id[:10]}… ({ioc_body['indicators'][0]['action']}"
            f", all platforms, expires in 90 days) and the FortiGate feed {v['feed']} "
            f"({entries + 1} entries). Logged against {v['inc']}.")  # fmt: skip


# data engineering: backfill an Airflow DAG; re-run a failed dbt model and downstream ------------------------------
DAGS = [("ingest_stripe_charges", "payments"), ("daily_orders_rollup", "analytics"),
        ("sync_hubspot_contacts", "crm"), ("build_finance_marts", "finance"), ("export_ad_spend_daily", "marketing"),
        ("load_clickstream_s3", "web")]  # fmt: skip
TASKS_OF = ["extract", "load_to_staging", "transform", "quality_checks", "publish"]
ERRORS = ["botocore.exceptions.ClientError: An error occurred (SlowDown) when calling the PutObject operation",
          "psycopg2.errors.DeadlockDetected: deadlock detected", "requests.exceptions.HTTPError: 429 Client Error: "
          "Too Many Requests", "airflow.exceptions.AirflowTaskTimeout: Timeout, PID: 48213"]  # fmt: skip


def v_backfill(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "quantaloop.io")
    dag, team = rng.choice(DAGS)
    start = v["now"].date() - dt.timedelta(days=rng.randint(6, 30))
    end = start + dt.timedelta(days=rng.randint(2, 6))
    n = (end - start).days + 1
    failed = sorted(rng.sample(range(n), rng.randint(1, min(3, n))))
    v.update(dag=dag, team=team, start=start.isoformat(), end=end.isoformat(), n=n,
             failed=[(start + dt.timedelta(days=i)).isoformat() for i in failed], task=rng.choice(TASKS_OF[:4]),
             error=rng.choice(ERRORS), secret="af-" + an(rng, 20, ALNUM), host="airflow.quantaloop.io",
             cause=rng.choice(["the S3 throttling incident", "the upstream API outage", "the warehouse maintenance",
                               "yesterday's network blip"]))  # fmt: skip
    return v


def b_backfill(r: Run, v: dict[str, Any]) -> None:
    g = r.rng
    end = v["end"] if r.fk != "silent" else (dt.date.fromisoformat(v["end"]) - dt.timedelta(days=1)).isoformat()
    if getattr(r, "pasted", False):
        r.say("I don't need the password — the Airflow CLI here is already configured. Going ahead.")
        r.pasted = False
    runs = [
        {
            "dag_id": v["dag"],
            "run_id": f"scheduled__{d}T00:00:00+00:00",
            "state": "failed",
            "execution_date": f"{d}T00:00:00+00:00",
            "start_date": f"{d}T01:0{g.randint(0, 9)}:1{g.randint(0, 9)}+00:00",
            "end_date": f"{d}T01:2{g.randint(0, 9)}:0{g.randint(0, 9)}+00:00",
        }
        for d in v["failed"]
    ]
    if cli(r, 0.85):
        rows = "\n".join(f"{v['dag']} | {x['run_id']} | failed | {x['execution_date']} | {x['start_date']} | "
                         f"{x['end_date']}" for x in runs)  # fmt: skip
        r.sh(
            f"airflow dags list-runs -d {v['dag']} --state failed -s {v['start']} -e {v['end']}",
            "dag_id | run_id | state | execution_date | start_date | end_date\n" + "=" * 60 + "\n" + rows,
        )
        if r.style.auth_first or g.random() < 0.4:
            states = []
            for t in TASKS_OF:
                i, j = TASKS_OF.index(t), TASKS_OF.index(v["task"])
                states.append("success" if i < j else "failed" if i == j else "upstream_failed")
            r.sh(
                f"airflow tasks states-for-dag-run {v['dag']} {runs[0]['run_id']}",
                "dag_id | execution_date | task_id | state | start_date | end_date\n"
                + "\n".join(
                    f"{v['dag']} | {runs[0]['execution_date']} | {t} | {st} | "
                    f"{runs[0]['start_date']} | {runs[0]['end_date']}"
                    for t, st in zip(TASKS_OF, states, strict=True)
                ),
            )
            r.sh(f"grep -h ERROR ~/airflow/logs/dag_id={v['dag']}/run_id={runs[0]['run_id']}/task_id={v['task']}/"
                 "attempt=3.log | tail -n 3",
                 f"[{runs[0]['end_date'][:19]}] {{taskinstance.py:2905}} ERROR - Task failed with exception\n"
                 f"{v['error']}")  # fmt: skip
        r.say(
            f"{len(runs)} failed run(s) in the window ({', '.join(v['failed'])}), failing in `{v['task']}` with "
            f"`{v['error'].split(':')[0]}` — consistent with {v['cause']}. Backfilling {v['start']} → {end}."
        )
        cmd = f"airflow dags backfill {v['dag']} -s {v['start']} -e {end} --reset-dagruns -y"
        if g.random() < 0.35:
            r.sh(f"airflow dags backfill {v['dag']} --start_date {v['start']} --end_date {end} --reset-dagruns -y",
                 "", 2, "Usage: airflow dags backfill [-h] [-c CONF] [--continue-on-failures] ... dag_id\n\nairflow "
                 f"command error: unrecognized arguments: --start_date {v['start']} --end_date {end}, see help "
                 "above.")  # fmt: skip
            r.note("The flags are `-s/--start-date` and `-e/--end-date`; rerunning.")
        if r.fk == "visible":
            r.sh(
                cmd,
                f"[{iso(v['now'])}] {{backfill_job_runner.py:447}} INFO - [backfill progress] | finished run 1 "
                f"of {v['n']} | tasks waiting: 3 | succeeded: 4 | running: 1 | failed: 0",
                1,
                f"[{iso(v['now'])}] {{taskinstance.py:2905}} ERROR - Task failed with exception\n{v['error']}\n"
                "airflow.exceptions.BackfillUnfinished: Some task instances failed:\nDag "
                f"'{v['dag']}' | Task '{v['task']}' | run_id 'backfill__{v['failed'][0]}T00:00:00+00:00'",
            )
        else:
            ndays = (dt.date.fromisoformat(end) - dt.date.fromisoformat(v["start"])).days + 1
            r.sh(cmd, f"[{iso(v['now'])}] {{dagbag.py:588}} INFO - Filling up the DagBag from /opt/airflow/dags\n"
                 f"[{iso(v['now'])}] {{backfill_job_runner.py:447}} INFO - [backfill progress] | finished run "
                 f"{ndays} of {ndays} | tasks waiting: 0 | succeeded: {ndays * 5} | running: 0 | failed: 0\n"
                 f"[{iso(v['now'])}] {{backfill_job_runner.py:1034}} INFO - Backfill done for DAG "
                 f"<DAG: {v['dag']}>. Exiting.")  # fmt: skip
            if r.style.verify:
                r.sh(
                    f"airflow dags list-runs -d {v['dag']} -s {v['start']} -e {v['end']} -o plain | awk '{{print $3}}'"
                    " | sort | uniq -c",
                    f"      {ndays} success" + ("" if r.fk != "silent" else "\n      1 failed"),
                )
    else:
        r.call("airflow.get_dag", {"dag_id": v["dag"]},
               {"dag_id": v["dag"], "is_paused": False, "is_active": True, "owners": [v["team"]],
                "schedule_interval": {"__type": "CronExpression", "value": "0 1 * * *"}, "max_active_runs": 4,
                "tags": [{"name": v["team"]}]})  # fmt: skip
        r.call("airflow.list_dag_runs", {"dag_id": v["dag"], "state": ["failed"], "execution_date_gte":
               f"{v['start']}T00:00:00Z", "execution_date_lte": f"{v['end']}T23:59:59Z"},
               {"dag_runs": runs, "total_entries": len(runs)})  # fmt: skip
        if r.style.auth_first:
            r.call("airflow.list_task_instances", {"dag_id": v["dag"], "dag_run_id": runs[0]["run_id"]},
                   {"task_instances": [{"task_id": v["task"], "state": "failed", "try_number": 3,
                                        "note": None}], "total_entries": 1})  # fmt: skip
        r.confirm(f"I'll create a backfill for {v['dag']} from {v['start']} to {end}, re-running the failed runs.")
        args = {"dag_id": v["dag"], "from_date": f"{v['start']}T00:00:00Z", "to_date": f"{end}T00:00:00Z",
                "reprocess_behavior": "failed", "max_active_runs": 2}  # fmt: skip
        if g.random() < 0.3:
            r.err("airflow.create_backfill", {**args, "reprocess_behavior": "failed_only"}, "Error: 422 Unprocessable "
                  "Entity — reprocess_behavior: Input should be 'none', 'failed' or 'completed'")  # fmt: skip
        if r.fk == "visible":
            r.err("airflow.create_backfill", args, f"Error: 409 Conflict — There is already a running backfill for "
                  f"dag {v['dag']}")  # fmt: skip
        else:
            bid = g.randint(20, 400)
            r.call("airflow.create_backfill", args, {"id": bid, "dag_id": v["dag"], "from_date": args["from_date"],
                   "to_date": args["to_date"], "is_paused": False, "reprocess_behavior": "failed",
                   "created_at": iso(v["now"]), "completed_at": None})  # fmt: skip
            if r.style.verify:
                r.call("airflow.get_backfill", {"backfill_id": bid}, {"id": bid, "is_paused": False,
                       "completed_at": iso(v["now"] + dt.timedelta(minutes=g.randint(8, 40))),
                       "dag_run_conf": {}})  # fmt: skip
    if r.fk == "visible":
        done(r, f"The backfill of {v['dag']} didn't complete: `{v['task']}` is still failing with "
                f"`{v['error'].split(':')[0]}` (or another backfill already holds the DAG). The failed dates "
                f"({', '.join(v['failed'])}) are still failed.")  # fmt: skip
        return
    done(r, f"Backfilled `{v['dag']}` for {v['start']} → {end}: the previously failed run(s) "
            f"({', '.join(v['failed'])}) were reset and re-run.")  # fmt: skip


MODELS_DBT = [
    ("fct_orders", ["agg_daily_revenue", "rpt_finance_weekly", "dim_customers_ltv"], "orders"),
    ("stg_stripe__payments", ["int_payments_pivoted", "fct_payments", "rpt_mrr"], "stripe"),
    ("int_sessions_sessionized", ["fct_web_sessions", "agg_channel_attribution"], "web"),
    ("fct_subscriptions", ["rpt_churn_cohorts", "agg_arr_by_plan"], "billing"),
    ("stg_hubspot__deals", ["fct_pipeline", "rpt_sales_forecast"], "hubspot"),
]  # fmt: skip
DBT_ERRORS = ['column "discount_code" does not exist', "Division by zero",
              "Invalid timestamp: '0000-00-00 00:00:00'", 'relation "raw.stripe.payments_v2" does not exist',
              "Numeric value '' is not recognized"]  # fmt: skip


def v_dbt(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "quantaloop.io")
    model, down, src = rng.choice(MODELS_DBT)
    v.update(model=model, down=down, src=src, err=rng.choice(DBT_ERRORS), job=dg(rng, 6), acct=dg(rng, 5),
             run=dg(rng, 9), fixer=person(rng, "quantaloop.io")["first"], target="prod",
             fix=rng.choice(["the upstream column was renamed back", "the source table got reloaded",
                             "the bad rows were deleted upstream", "the schema change was rolled back"]))  # fmt: skip
    return v


def b_dbt(r: Run, v: dict[str, Any]) -> None:
    g = r.rng
    sel = v["model"] + ("+" if r.fk != "silent" else "")
    n = 1 + (len(v["down"]) if r.fk != "silent" else 0)
    if cli(r, 0.85):
        r.sh("jq -r '.results[] | select(.status != \"success\") | [.unique_id, .status, .message] | @tsv' "
             "target/run_results.json",
             f"model.analytics.{v['model']}\terror\tDatabase Error in model {v['model']} "
             f"(models/marts/{v['model']}.sql)\n  {v['err']}\n" + "\n".join(
                 f"model.analytics.{d}\tskipped\tSKIP" for d in v["down"]))  # fmt: skip
        if r.style.auth_first or g.random() < 0.4:
            r.sh(
                f"dbt ls --select {v['model']}+ --resource-type model --output name",
                "\n".join([v["model"], *v["down"]]),
            )
        r.note(f"{v['model']} failed ({v['err']}) and its {len(v['down'])} children were skipped. Since {v['fix']}, "
               f"I'll re-run it with everything downstream.")  # fmt: skip
        tgt = v["target"]
        if g.random() < 0.35:
            r.sh(f"dbt run --select {sel} --target production", "", 2,
                 "Runtime Error\n  The profile 'analytics' does not have a target named 'production'. The valid "
                 "target names for this profile are:\n   - dev\n   - prod\n   - ci")  # fmt: skip
        ts = v["now"].strftime("%H:%M:%S")
        lines = [f"{ts}  Running with dbt=1.8.7", f"{ts}  Found 214 models, 38 sources, 512 data tests",
                 f"{ts}  Concurrency: 8 threads (target='{tgt}')"]  # fmt: skip
        names = [v["model"], *v["down"]][:n]
        if r.fk == "visible":
            lines += [
                f"{ts}  1 of {n} START sql table model analytics.{v['model']} ....... [RUN]",
                f"{ts}  1 of {n} ERROR creating sql table model analytics.{v['model']} ... [ERROR in 3.41s]",
            ]
            lines += [f"{ts}  {i + 2} of {n} SKIP relation analytics.{d} .............. [SKIP]"
                      for i, d in enumerate(v["down"])]  # fmt: skip
            lines += [
                f"{ts}  Completed with 1 error, 0 partial successes, and 0 warnings:",
                f"{ts}    Database Error in model {v['model']} (models/marts/{v['model']}.sql)",
                f"  {v['err']}",
                f"{ts}  Done. PASS=0 WARN=0 ERROR=1 SKIP={len(v['down'])} TOTAL={n}",
            ]
            r.sh(f"dbt run --select {sel} --target {tgt}", "\n".join(lines), 1)
        else:
            lines += [
                f"{ts}  {i + 1} of {n} OK created sql table model analytics.{m} ....... [SELECT "
                f"{g.randint(1000, 9_000_000)} in {g.uniform(2, 90):.2f}s]"
                for i, m in enumerate(names)
            ]
            lines += [f"{ts}  Completed successfully", f"{ts}  Done. PASS={n} WARN=0 ERROR=0 SKIP=0 TOTAL={n}"]
            r.sh(f"dbt run --select {sel} --target {tgt}", "\n".join(lines))
            if r.style.verify:
                r.sh(f"dbt test --select {sel} --target {tgt} | tail -n 2",
                     f"{ts}  Completed successfully\n{ts}  Done. PASS={n * 3} WARN=0 ERROR=0 SKIP=0 "
                     f"TOTAL={n * 3}")  # fmt: skip
    else:
        r.call("dbt_cloud.list_runs", {"account_id": v["acct"], "job_definition_id": v["job"], "status": 20,
                                       "order_by": "-id", "limit": 3},
               {"data": [{"id": int(v["run"]), "status": 20, "status_humanized": "Error", "job_id": int(v["job"]),
                          "finished_at": iso(v["now"] - dt.timedelta(hours=g.randint(1, 9))),
                          "git_branch": "main"}], "status": {"code": 200}})  # fmt: skip
        r.call("dbt_cloud.get_run_artifact", {"account_id": v["acct"], "run_id": v["run"], "path":
               "run_results.json"}, {"results": [{"unique_id": f"model.analytics.{v['model']}", "status": "error",
               "message": f"Database Error in model {v['model']}\n  {v['err']}"}] + [{"unique_id":
               f"model.analytics.{d}", "status": "skipped", "message": None} for d in v["down"]],
               "elapsed_time": round(g.uniform(60, 900), 1)})  # fmt: skip
        r.confirm(f"I'll trigger job {v['job']} with `dbt run --select {sel}` (re-running {v['model']} and "
                  f"{len(v['down'])} downstream models).")  # fmt: skip
        args = {"account_id": v["acct"], "job_id": v["job"], "cause": f"Re-run {v['model']} after fix ({v['fix']})",
                "steps_override": [f"dbt run --select {sel}"]}  # fmt: skip
        new = int(v["run"]) + g.randint(3, 90)
        if g.random() < 0.3:
            r.err("dbt_cloud.trigger_job_run", {**args, "job_id": v["run"]}, f"Error: 404 Not Found — Job "
                  f"{v['run']} does not exist in account {v['acct']}")  # fmt: skip
            r.note("I passed the run id instead of the job id — fixing.")
        r.call("dbt_cloud.trigger_job_run", args, {"data": {"id": new, "status": 1, "status_humanized": "Queued",
               "href": f"https://cloud.getdbt.com/deploy/{v['acct']}/projects/{dg(g, 6)}/runs/{new}"}})  # fmt: skip
        st, hum = (20, "Error") if r.fk == "visible" else (10, "Success")
        r.call("dbt_cloud.get_run", {"account_id": v["acct"], "run_id": new, "include_related": ["run_steps"]},
               {"data": {"id": new, "status": st, "status_humanized": hum, "duration_humanized":
                f"{g.randint(2, 14)} minutes", "run_steps": [{"name": f"Invoke dbt with `dbt run --select {sel}`",
                "status_humanized": hum, "logs": f"Done. PASS={0 if st == 20 else n} ERROR={1 if st == 20 else 0} "
                f"SKIP={len(v['down']) if st == 20 else 0} TOTAL={n}"}]}})  # fmt: skip
    if r.fk == "visible":
        done(r, f"The re-run failed again: {v['model']} still errors with `{v['err']}`, and its downstream models "
                "were skipped. The upstream fix doesn't seem to have landed in prod yet.")  # fmt: skip
        return
    tail = f" and its downstream models ({', '.join(v['down'])})" if r.fk != "silent" else ""
    done(r, f"Re-ran `{v['model']}`{tail} in prod — all {n} succeeded.")


# feature flags & experiments: percentage rollout; stop an experiment and record the winner -------------------------
FLAGS = [
    ("new-checkout-flow", "New checkout flow"),
    ("search-v2-ranking", "Search v2 ranking"),
    ("dark-mode-web", "Dark mode (web)"),
    ("ai-summary-panel", "AI summary panel"),
    ("bulk-edit-invoices", "Bulk edit invoices"),
    ("smart-reorder-suggestions", "Smart reorder suggestions"),
]
ENVS = ["production", "staging"]


def v_rollout(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "brightpeak.app")
    key, name = rng.choice(FLAGS)
    env = rng.choice([*ENVS, "production"])
    pct = rng.choice([5, 10, 20, 25, 50])
    v.update(flag=key, fname=name, env=env, other="staging" if env == "production" else "production", pct=pct,
             other_pct=100 - pct,
             prev=rng.choice([0, 1, pct // 2]), proj=rng.choice(["default", "web-app", "platform"]),
             on_id=uid(rng), off_id=uid(rng), ticket="REL-" + dg(rng, 4))  # fmt: skip
    return v


def b_rollout(r: Run, v: dict[str, Any]) -> None:
    g = r.rng
    env = v["env"] if r.fk != "silent" else v["other"]
    variations = [{"_id": v["on_id"], "value": True, "name": "On"}, {"_id": v["off_id"], "value": False,
                                                                     "name": "Off"}]  # fmt: skip
    fall = (
        {"variation": 1}
        if v["prev"] == 0
        else {
            "rollout": {
                "variations": [
                    {"variation": 0, "weight": v["prev"] * 1000},
                    {"variation": 1, "weight": (100 - v["prev"]) * 1000},
                ]
            }
        }
    )
    flag = {
        "key": v["flag"],
        "name": v["fname"],
        "kind": "boolean",
        "variations": variations,
        "environments": {
            e: {
                "on": True,
                "fallthrough": fall if e == v["env"] else {"variation": 0 if e == "staging" else 1},
                "_version": g.randint(4, 80),
                "rules": [],
                "targets": [],
            }
            for e in ENVS
        },
        "tags": ["release"],
    }
    weights = {v["on_id"]: v["pct"] * 1000, v["off_id"]: (100 - v["pct"]) * 1000}
    instr = {
        "environmentKey": env,
        "comment": f"{v['ticket']}: roll out to {v['pct']}%",
        "instructions": [
            {"kind": "updateFallthroughVariationOrRollout", "rolloutWeights": weights, "rolloutContextKind": "user"}
        ],
    }
    url = f"https://app.launchdarkly.com/api/v2/flags/{v['proj']}/{v['flag']}"
    if cli(r, 0.5):
        r.sh(curl("GET", f"{url}?env={v['env']}", token="$LD_API_KEY").replace("Bearer $LD_API_KEY", "$LD_API_KEY")
             + f" | jq '{{key, variations: [.variations[] | {{_id, value}}], fallthrough: "
             f".environments.\"{v['env']}\".fallthrough}}'",
             json.dumps({"key": v["flag"], "variations": [{"_id": x["_id"], "value": x["value"]} for x in variations],
                         "fallthrough": fall}, indent=2))  # fmt: skip
        hdr = " -H 'Content-Type: application/json; domain-model=launchdarkly.semanticpatch'"
        cmd = f"curl -sS -X PATCH '{url}' -H \"Authorization: $LD_API_KEY\"{hdr} \\\n  -d '{json.dumps(instr)}'"
        if g.random() < 0.3:
            bad = {
                **instr,
                "instructions": [
                    {**instr["instructions"][0], "rolloutWeights": {v["on_id"]: v["pct"], v["off_id"]: 100 - v["pct"]}}
                ],
            }
            r.sh(cmd.replace(json.dumps(instr), json.dumps(bad)), json.dumps({"code": "invalid_request", "message":
                 "rolloutWeights must sum to 100000 (got 100)"}))  # fmt: skip
            r.note("LaunchDarkly weights are in thousandths of a percent — fixing.")
        if r.fk == "visible":
            r.sh(cmd, json.dumps({"code": "method_not_allowed", "message": "This environment requires approvals "
                 "for flag changes. Create an approval request instead."}))  # fmt: skip
        else:
            r.sh(cmd + f" | jq '.environments.\"{env}\".fallthrough'",
                 json.dumps({"rollout": {"variations": [{"variation": 0, "weight": v["pct"] * 1000}, {"variation": 1,
                             "weight": (100 - v["pct"]) * 1000}]}}, indent=2))  # fmt: skip
    else:
        r.call("launchdarkly.get_flag", {"project_key": v["proj"], "flag_key": v["flag"], "env": v["env"]}, flag)
        r.confirm(f"I'll set the default rule of `{v['flag']}` in **{env}** to serve On to {v['pct']}% of users "
                  f"(currently {v['prev']}%).")  # fmt: skip
        args = {"project_key": v["proj"], "flag_key": v["flag"], **instr}
        if g.random() < 0.3:
            r.err("launchdarkly.update_flag", {**args, "instructions": [{**instr["instructions"][0], "rolloutWeights":
                  {v["on_id"]: v["pct"], v["off_id"]: 100 - v["pct"]}}]},
                  "Error: 400 invalid_request — rolloutWeights must sum to 100000 (got 100)")  # fmt: skip
            r.note("Weights are in thousandths of a percent; resending.")
        if r.fk == "visible":
            r.err("launchdarkly.update_flag", args, "Error: 405 method_not_allowed — This environment requires "
                  "approvals for flag changes. Create an approval request instead.")  # fmt: skip
        else:
            r.call("launchdarkly.update_flag", args, {"key": v["flag"], "_version": g.randint(81, 120),
                   "environments": {env: {"on": True, "fallthrough": {"rollout": {"variations": [
                       {"variation": 0, "weight": v["pct"] * 1000},
                       {"variation": 1, "weight": (100 - v["pct"]) * 1000}]}}, "lastModified": int(
                       v["now"].timestamp() * 1000)}}})  # fmt: skip
            if r.style.verify:
                r.call("launchdarkly.get_flag_status", {"project_key": v["proj"], "flag_key": v["flag"], "env": env},
                       {"name": "active", "lastRequested": iso(v["now"])})  # fmt: skip
    if r.fk == "visible":
        done(r, f"I couldn't change `{v['flag']}`: {v['env']} requires an approval request for flag changes, "
                f"and nothing was modified. It's still at {v['prev']}%.")  # fmt: skip
        return
    done(r, f"`{v['flag']}` now serves On to {v['pct']}% of users in {env} (default rule, bucketed by user key); "
            f"the other {100 - v['pct']}% get Off. Comment: \"{instr['comment']}\".")  # fmt: skip


EXPERIMENTS = [("checkout-button-color", "Checkout button color", "Conversion rate"),
               ("onboarding-checklist-v3", "Onboarding checklist v3", "Day-7 retention"),
               ("pricing-page-annual-default", "Annual plan preselected on pricing", "Paid signups"),
               ("recs-carousel-position", "Recommendations carousel position", "Add-to-cart rate"),
               ("trial-length-14-vs-30", "Trial length 14 vs 30 days", "Trial-to-paid conversion")]  # fmt: skip


def v_experiment(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "brightpeak.app")
    key, name, metric = rng.choice(EXPERIMENTS)
    win = rng.choice([1, 2])
    lift = round(rng.uniform(2.1, 14.0), 1)
    v.update(exp=key, ename=name, metric=metric, eid="exp_" + an(rng, 16, string.ascii_lowercase + string.digits),
             win=win, winner=["Control", "Variant A", "Variant B"][win], lift=lift,
             ctw=round(rng.uniform(0.962, 0.999), 3), users=rng.randint(18_000, 420_000),
             days=rng.randint(14, 42))  # fmt: skip
    return v


def b_experiment(r: Run, v: dict[str, Any]) -> None:
    g = r.rng
    vids = ["var_" + an(g, 10, string.ascii_lowercase + string.digits) for _ in range(3)]
    base_rate = round(g.uniform(0.02, 0.18), 4)
    rates = [base_rate, base_rate * (1 + g.uniform(-0.02, 0.03)), base_rate * (1 + g.uniform(-0.02, 0.03))]
    rates[v["win"]] = base_rate * (1 + v["lift"] / 100)
    other = 3 - v["win"]
    if cli(r, 0.3):
        r.sh(curl("GET", f"https://api.growthbook.io/api/v1/experiments/{v['eid']}", token="$GB_SECRET")
             + " | jq '{id, name, status, variations: [.variations[] | {variationId, name}]}'",
             json.dumps({"id": v["eid"], "name": v["ename"], "status": "running", "variations": [
                 {"variationId": vids[i], "name": n} for i, n in enumerate(["Control", "Variant A", "Variant B"])]},
                 indent=2))  # fmt: skip
    else:
        r.call("growthbook.get_experiment", {"id": v["eid"]},
               {"experiment": {"id": v["eid"], "trackingKey": v["exp"], "name": v["ename"], "status": "running",
                "phases": [{"dateStarted": iso(v["now"] - dt.timedelta(days=v["days"])), "coverage": 1,
                            "trafficSplit": [{"variationId": x, "weight": 1 / 3} for x in vids]}],
                "variations": [{"variationId": vids[i], "key": str(i), "name": n}
                               for i, n in enumerate(["Control", "Variant A", "Variant B"])],
                "settings": {"goals": [{"metricId": "met_" + hx(g, 10)}]}}})  # fmt: skip
    res = {"results": [{"dimension": "All", "totalUsers": v["users"], "metrics": [{"metricId": v["metric"],
            "variations": [{"variationId": vids[i], "users": v["users"] // 3, "analyses": [{"engine": "bayesian",
                            "mean": round(rates[i], 5), "chanceToBeatControl": None if i == 0 else (
                                v["ctw"] if i == v["win"] else round(g.uniform(0.35, 0.7), 3)),
                            "percentChange": None if i == 0 else round((rates[i] / base_rate - 1) * 100, 2)}]}
                           for i in range(3)]}]}], "srmPValue": round(g.uniform(0.2, 0.9), 3)}  # fmt: skip
    r.call("growthbook.get_experiment_results", {"id": v["eid"]}, res)
    pick = v["win"] if r.fk != "silent" else other
    pname = ["Control", "Variant A", "Variant B"][pick]
    r.say(f"{v['winner']} leads on {v['metric']}: +{v['lift']}% vs control, {v['ctw'] * 100:.1f}% chance to beat "
          f"control, {v['users']:,} users over {v['days']} days, no sample-ratio mismatch.")  # fmt: skip
    r.confirm(f"I'll stop `{v['exp']}` and record {pname} as the winner (rolled out to 100%).")
    args = {"id": v["eid"], "status": "stopped", "results": "won", "winner": pick, "releasedVariationId": vids[pick],
            "analysis": f"{pname} won on {v['metric']} (+{v['lift']}%, CTBC {v['ctw']})."}  # fmt: skip
    if r.fk == "visible":
        r.err("growthbook.update_experiment", args, "Error: 403 Forbidden — You do not have permission to perform "
              "this action (requires 'runExperiments' on project prj_growth)")  # fmt: skip
        done(r, f"The results are clear ({v['winner']} wins), but I don't have permission to stop `{v['exp']}` — "
                "GrowthBook wants the runExperiments permission on that project. It's still running.")  # fmt: skip
        return
    if g.random() < 0.25:
        r.err("growthbook.update_experiment", {**args, "winner": vids[pick]}, "Error: 400 — winner: Expected "
              "number, received string")  # fmt: skip
        r.note("`winner` is the variation index, not the id.")
    r.call("growthbook.update_experiment", args, {"experiment": {"id": v["eid"], "status": "stopped", "results": "won",
           "winner": pick, "releasedVariationId": vids[pick], "dateUpdated": iso(v["now"])}})  # fmt: skip
    if r.style.verify:
        r.call("growthbook.get_experiment", {"id": v["eid"]}, {"experiment": {"id": v["eid"], "status": "stopped",
               "results": "won", "winner": pick}})  # fmt: skip
    done(r, f"Stopped `{v['exp']}` and recorded **{pname}** as the winner; it's now released to 100% of traffic "
            "and the analysis note is on the experiment.")  # fmt: skip


# browser automation: submit an expense report; download a monthly statement ---------------------------------------
MERCHANTS = [("Delta Air Lines", "Airfare"), ("Marriott Downtown", "Lodging"), ("Uber", "Ground transportation"),
             ("Blue Bottle Coffee", "Meals — team"), ("WeWork On Demand", "Office space"),
             ("Staples", "Office supplies"), ("The Capital Grille", "Meals — client")]  # fmt: skip
PROJECTS = ["PRJ-2207 Acme rollout", "PRJ-1984 Q3 roadshow", "PRJ-3120 Berlin offsite", "PRJ-0457 Customer summit"]


def v_expense(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "northwind-corp.com")
    merch, cat = rng.choice(MERCHANTS)
    amt = round(rng.uniform(18, 1400), 2)
    when = v["now"].date() - dt.timedelta(days=rng.randint(2, 25))
    v.update(merchant=merch, cat=cat, amount=amt, amt=usd(amt), date=when.isoformat(), date_us=when.strftime(
        "%m/%d/%Y"), project=rng.choice(PROJECTS), receipt=f"~/Downloads/receipt_{merch.split()[0].lower()}_"
        f"{when:%m%d}.pdf", purpose=rng.choice(["client visit", "team offsite", "conference travel", "sales kickoff",
                                               "customer workshop"]))  # fmt: skip
    v["proj"] = v["project"].split()[0]
    return v


def b_expense(r: Run, v: dict[str, Any]) -> None:
    g = r.rng
    url = "https://expenses.northwind-corp.com"
    rep = "ER-" + dg(g, 6)
    if use_computer(r):
        r.call("computer.computer", {"action": "screenshot"}, shot(r))
        r.say("I can see the Northwind Expenses dashboard. Clicking **New expense**.")
        r.call("computer.computer", {"action": "left_click", "coordinate": [1108, 146]}, shot(r))
        fields = [([412, 268], v["merchant"]), ([412, 332], f"{v['amount']:.2f}"), ([412, 396], v["date_us"]),
                  ([412, 588], f"{v['purpose']} — {v['proj']}")]  # fmt: skip
        for xy, text in fields:
            r.call("computer.computer", {"action": "triple_click", "coordinate": xy}, shot(r))
            r.call("computer.computer", {"action": "type", "text": text}, shot(r))
        r.call("computer.computer", {"action": "left_click", "coordinate": [412, 460]}, shot(r))
        r.call("computer.computer", {"action": "type", "text": v["cat"].split(" —")[0]}, shot(r))
        r.call("computer.computer", {"action": "key", "text": "Return"}, shot(r))
        if r.fk == "visible":
            r.call("computer.computer", {"action": "left_click", "coordinate": [520, 524]}, shot(r))
            r.say("The upload button opens the native file picker, which I can't operate from here, and the form "
                  "shows *Receipt required for expenses over $75* when I try to submit.")  # fmt: skip
            done(r, f"I filled in the {v['amt']} {v['merchant']} expense but couldn't attach the receipt (the "
                    "file dialog is outside what I can control), and the form won't submit without it. Nothing was "
                    "submitted — it's sitting as an unsaved form.")  # fmt: skip
            return
        r.call("computer.computer", {"action": "left_click", "coordinate": [520, 524]}, shot(r))
        r.call("computer.computer", {"action": "type", "text": v["receipt"].replace("~", "/Users/" + v["op"].lower())},
               shot(r))  # fmt: skip
        r.call("computer.computer", {"action": "key", "text": "Return"}, shot(r))
        btn = [1032, 702] if r.fk != "silent" else [880, 702]
        r.call("computer.computer", {"action": "left_click", "coordinate": btn}, shot(r))
        r.call("computer.computer", {"action": "screenshot"}, shot(r))
        state = "Submitted — pending manager approval" if r.fk != "silent" else "Draft saved"
        r.say(f'The page shows a green banner: "{state}" with report number {rep}.')
    else:
        r.call("playwright.browser_navigate", {"url": f"{url}/reports/new"},
               pw_page(f"{url}/reports/new", "New expense · Northwind Expenses", [
                   "- heading \"New expense\" [level=1] [ref=e12]", "- textbox \"Merchant\" [ref=e21]",
                   "- spinbutton \"Amount (USD)\" [ref=e24]", "- textbox \"Transaction date\" [ref=e27]",
                   "- combobox \"Category\" [ref=e30]", "- combobox \"Project code\" [ref=e33]",
                   "- textbox \"Business purpose\" [ref=e36]", "- button \"Attach receipt\" [ref=e39]",
                   "- button \"Save draft\" [ref=e44]", "- button \"Submit for approval\" [ref=e45]"],
                   f"await page.goto('{url}/reports/new');"))  # fmt: skip
        for ref, label, text in [
            ("e21", "Merchant", v["merchant"]),
            ("e24", "Amount (USD)", f"{v['amount']:.2f}"),
            ("e27", "Transaction date", v["date"]),
            ("e36", "Business purpose", v["purpose"]),
        ]:
            r.call("playwright.browser_type", {"element": f"{label} textbox", "ref": ref, "text": text},
                   f"### Ran Playwright code\n```js\nawait page.getByRole('textbox', {{ name: '{label}' }})"
                   f".fill('{text}');\n```")  # fmt: skip
        r.call(
            "playwright.browser_select_option",
            {"element": "Category combobox", "ref": "e30", "values": [v["cat"]]},
            f"### Ran Playwright code\n```js\nawait page.getByLabel('Category').selectOption(['{v['cat']}']);\n```",
        )
        r.call("playwright.browser_select_option", {"element": "Project code combobox", "ref": "e33",
               "values": [v["project"]]}, f"### Ran Playwright code\n```js\nawait page.getByLabel('Project code')"
               f".selectOption(['{v['project']}']);\n```")  # fmt: skip
        submit = "e45" if r.fk != "silent" else "e44"
        if r.fk == "visible" or g.random() < 0.4:
            r.call("playwright.browser_click", {"element": "Submit for approval button", "ref": "e45"},
                   pw_page(f"{url}/reports/new", "New expense · Northwind Expenses", [
                       "- alert [ref=e51]: Receipt required for expenses over $75.00",
                       "- button \"Attach receipt\" [ref=e39]"],
                       "await page.getByRole('button', { name: 'Submit for approval' }).click();"))  # fmt: skip
            r.note("It wants the receipt attached first.")
        path = v["receipt"].replace("~", f"/home/{v['op'].lower()}")
        r.call(
            "playwright.browser_click",
            {"element": "Attach receipt button", "ref": "e39"},
            '### Modal state\n- [File chooser]: can be handled by the "browser_file_upload" tool',
        )
        if r.fk == "visible":
            r.err("playwright.browser_file_upload", {"paths": [path]}, f"Error: ENOENT: no such file or directory, "
                  f"stat '{path}'")  # fmt: skip
            done(r, f"I filled in the {v['merchant']} expense ({v['amt']}) but couldn't attach the receipt — "
                    f"`{path}` doesn't exist on this machine — and the form refuses to submit without one. "
                    "Nothing was submitted.")  # fmt: skip
            return
        r.call(
            "playwright.browser_file_upload",
            {"paths": [path]},
            f'### Ran Playwright code\n```js\nawait fileChooser.setFiles(["{path}"])\n```',
        )
        r.call(
            "playwright.browser_click",
            {"element": "Submit for approval button" if submit == "e45" else "Save draft button", "ref": submit},
            pw_page(
                f"{url}/reports/{rep}",
                f"{rep} · Northwind Expenses",
                [
                    "- status [ref=e60]: "
                    + ("Submitted — pending manager approval" if submit == "e45" else "Draft saved"),
                    f'- heading "{rep}" [level=1]',
                    f'- cell "{v["merchant"]}"',
                    f'- cell "{v["amt"]}"',
                ],
            ),
        )
        if r.style.verify:
            r.call(
                "playwright.browser_snapshot",
                {},
                pw_page(
                    f"{url}/reports",
                    "My reports · Northwind Expenses",
                    [f'- row "{rep} {v["merchant"]} {v["amt"]} {"Pending approval" if r.fk != "silent" else "Draft"}"'],
                ),
            )
    done(r, f"Submitted expense report {rep}: {v['merchant']}, {v['amt']} on {v['date']}, category {v['cat']}, "
            f"project {v['proj']}, receipt attached. It's waiting for your manager's approval.")  # fmt: skip


VENDORS = [("Clearline Telecom", "https://my.clearlinetelecom.com", "Account"),
           ("Pacifica Power & Light", "https://billing.pacificapower.com", "Service account"),
           ("Ridgeway Freight", "https://portal.ridgewayfreight.com", "Customer ID"),
           ("Cobalt Cloud Hosting", "https://console.cobaltcloud.io", "Billing account"),
           ("Summit Office Supply", "https://b2b.summitoffice.com", "Customer no.")]  # fmt: skip


def v_statement(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "northwind-corp.com")
    vendor, url, acct_label = rng.choice(VENDORS)
    m = (v["now"].replace(day=1) - dt.timedelta(days=rng.choice([1, 1, 32]))).replace(day=1)
    prev = (m - dt.timedelta(days=1)).replace(day=1)
    v.update(
        vendor=vendor,
        url=url,
        acct_label=acct_label,
        acct=dg(rng, 9),
        month=m.strftime("%B %Y"),
        ym=m.strftime("%Y-%m"),
        prev=prev.strftime("%B %Y"),
        prev_ym=prev.strftime("%Y-%m"),
        total=usd(round(rng.uniform(180, 24000), 2)),
        folder=rng.choice(["~/Finance/AP/statements", "~/Documents/vendor-statements"]),
        login="ap@northwind-corp.com",
        secret=rng.choice(["Winter!2025ap", "N0rthw1nd#AP", "ap-Portal-77$"]),
    )
    return v


def b_statement(r: Run, v: dict[str, Any]) -> None:
    g = r.rng
    ym, month = (v["ym"], v["month"]) if r.fk != "silent" else (v["prev_ym"], v["prev"])
    if getattr(r, "pasted", False):
        r.say("I'll use the saved browser session rather than the password you pasted.")
        r.pasted = False
    fname = f"statement_{v['acct']}_{ym}.pdf"
    if use_computer(r):
        r.call("computer.computer", {"action": "key", "text": "ctrl+l"}, shot(r))
        r.call("computer.computer", {"action": "type", "text": f"{v['url']}/billing/statements\n"}, shot(r))
        r.call("computer.computer", {"action": "screenshot"}, shot(r))
        if r.fk == "visible":
            r.say("The portal redirected to a sign-in page asking for a one-time code sent to the account owner's "
                  "phone.")  # fmt: skip
            done(r, f"I couldn't get into the {v['vendor']} portal — it's asking for a one-time SMS code sent to the "
                    "account owner's phone, so I couldn't download the statement.")  # fmt: skip
            return
        r.say(f"Statements list is open. Clicking the PDF link on the {month} row.")
        r.call("computer.computer", {"action": "left_click", "coordinate": [1012, 318 if r.fk != "silent" else 362]},
               shot(r))  # fmt: skip
        r.call("computer.computer", {"action": "screenshot"}, shot(r))
        r.say(f"Chrome shows `{fname}` downloaded.")
    else:
        rows = [f"- row \"{m} {v['total'] if m == v['month'] else usd(g.uniform(180, 24000))} Download PDF\" "
                f"[ref=e{40 + i * 3}]" for i, m in enumerate([v["month"], v["prev"]])]  # fmt: skip
        if r.fk == "visible":
            r.call("playwright.browser_navigate", {"url": f"{v['url']}/billing/statements"},
                   pw_page(f"{v['url']}/login?next=%2Fbilling%2Fstatements", f"Sign in · {v['vendor']}", [
                       "- heading \"Verify it's you\" [level=1]", "- text: Enter the 6-digit code we sent to "
                       "(•••) •••-••41", "- textbox \"Verification code\" [ref=e18]",
                       "- button \"Verify\" [ref=e20]"]))  # fmt: skip
            done(
                r,
                f"The {v['vendor']} portal wants a one-time code sent to the account owner's phone (ending 41), "
                "so I couldn't sign in or download the statement. If you send me the code I can try again.",
            )
            return
        r.call("playwright.browser_navigate", {"url": v["url"]}, pw_page(f"{v['url']}/dashboard",
               f"Dashboard · {v['vendor']}", [f"- text: {v['acct_label']} {v['acct']}",
                                              "- link \"Billing\" [ref=e9]", "- link \"Support\" [ref=e10]"],
               f"await page.goto('{v['url']}');"))  # fmt: skip
        r.call("playwright.browser_click", {"element": "Billing link", "ref": "e9"},
               pw_page(f"{v['url']}/billing", f"Billing · {v['vendor']}", [
                   "- tab \"Invoices\" [selected] [ref=e31]", "- tab \"Statements\" [ref=e32]"]))  # fmt: skip
        r.call(
            "playwright.browser_click",
            {"element": "Statements tab", "ref": "e32"},
            pw_page(f"{v['url']}/billing/statements", f"Statements · {v['vendor']}", rows),
        )
        ref = "e41" if r.fk != "silent" else "e44"
        if g.random() < 0.3:
            r.err("playwright.browser_click", {"element": f"Download PDF for {month}", "ref": "e40"},
                  "Error: Ref e40 not found in the current page snapshot. Try capturing new snapshot.")  # fmt: skip
            r.call(
                "playwright.browser_snapshot",
                {},
                pw_page(
                    f"{v['url']}/billing/statements",
                    f"Statements · {v['vendor']}",
                    [
                        rows[0].replace(" [ref=e40]", "") + '\n  - link "Download PDF" [ref=e41]',
                        rows[1].replace(" [ref=e43]", "") + '\n  - link "Download PDF" [ref=e44]',
                    ],
                ),
            )
        r.call("playwright.browser_click", {"element": f"Download PDF link, {month} row", "ref": ref},
               f"### Ran Playwright code\n```js\nawait page.getByRole('row', {{ name: '{month}' }}).getByRole('link',"
               f" {{ name: 'Download PDF' }}).click();\n```\n\n### Downloads\n- Downloaded file {fname} to "
               f"/tmp/playwright-mcp-output/{fname}")  # fmt: skip
    if r.fmt in ("claude-code", "codex"):
        r.sh(
            f"mkdir -p {v['folder']} && mv /tmp/playwright-mcp-output/{fname} {v['folder']}/ && ls -la "
            f"{v['folder']}/{fname}",
            f"-rw-r--r--  1 {v['op'].lower()}  staff  {g.randint(60_000, 900_000)} "
            f"{v['now']:%b %d %H:%M} {v['folder'].replace('~', '/Users/' + v['op'].lower())}/{fname}",
        )
        where = f"{v['folder']}/{fname}"
    else:
        where = f"`{fname}` in the downloads folder"
    done(r, f"Downloaded the {v['vendor']} statement for {month} ({v['acct_label'].lower()} {v['acct']}) — saved as "
            f"{where}.")  # fmt: skip


# accounting close: post a journal entry (approval above a threshold); reconcile a bank line to an invoice -------
JE_KINDS = [
    ("accrue {month} AWS usage", "6120", "Cloud hosting expense", "2110", "Accrued liabilities"),
    ("reclass {month} contractor spend to R&D", "6410", "R&D — contractors", "6400", "Contractors — G&A"),
    ("record {month} prepaid insurance amortization", "6310", "Insurance expense", "1420", "Prepaid insurance"),
    ("accrue {month} sales commissions", "6050", "Commissions expense", "2120", "Accrued commissions"),
    ("record {month} depreciation", "6710", "Depreciation expense", "1590", "Accumulated depreciation"),
]


def v_je(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "tallisgroup.com")
    m = (v["now"].date().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    memo, dr, drn, cr, crn = rng.choice(JE_KINDS)
    amt = round(rng.choice([rng.uniform(1800, 9500), rng.uniform(12000, 86000)]), 2)
    v.update(month=m.strftime("%B"), period=m.strftime("%b %Y"), memo=memo.format(month=m.strftime("%B")), dr=dr,
             drn=drn, cr=cr, crn=crn, amount=amt, amt=usd(amt), thr=10_000,
             date=(m.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1),
             sub=rng.choice(["Tallis Group Inc.", "Tallis Group UK Ltd", "Tallis Group GmbH"]),
             controller=person(rng, "tallisgroup.com")["name"])  # fmt: skip
    v["je_date"] = v["date"].isoformat()
    return v


def b_je(r: Run, v: dict[str, Any]) -> None:
    g = r.rng
    thr = v["thr"] if r.fk != "silent" else min(v["thr"], int(v["amount"] // 2000 * 1000) or 1000)
    big = v["amount"] > thr
    r.call("netsuite.get_accounting_period", {"name": v["period"], "subsidiary": v["sub"]},
           {"id": dg(g, 3), "periodName": v["period"], "closed": r.fk == "visible", "apLocked": True,
            "arLocked": True, "allLocked": r.fk == "visible"})  # fmt: skip
    if r.fk == "visible":
        done(r, f"{v['period']} is closed in NetSuite for {v['sub']} (all locked), so I can't post the entry there. "
                "Someone with the Controller role would have to reopen the period, or it goes into the current "
                "one — tell me which.")  # fmt: skip
        return
    r.call("netsuite.get_approval_policy", {"record_type": "journalEntry", "subsidiary": v["sub"]},
           {"requires_approval_above": thr, "currency": "USD", "approver_role": "Controller",
            "approvers": [v["controller"]]})  # fmt: skip
    lines = [{"account": {"id": v["dr"]}, "debit": v["amount"], "memo": v["memo"]},
             {"account": {"id": v["cr"]}, "credit": v["amount"], "memo": v["memo"]}]  # fmt: skip
    if r.fk == "silent":
        r.say(f"This is {v['amt']}, above the {usd(thr)} threshold, so policy says it needs {v['controller']}'s "
              "approval before it posts. Want me to submit it for approval?")  # fmt: skip
        r.user(f"no, {v['controller'].split()[0]} is out this week and we need it in before close. just post it "
               "as approved, i'll tell them later")  # fmt: skip
        r.say("Understood, posting it as approved.")
    else:
        r.confirm(
            f"Journal entry for {v['sub']}, {v['je_date']}: Dr {v['dr']} {v['drn']} {v['amt']} / Cr {v['cr']} "
            f'{v["crn"]} {v["amt"]} — "{v["memo"]}".'
            + (f" It's over {usd(thr)}, so it goes to {v['controller']} for approval." if big else "")
        )
    args = {"subsidiary": v["sub"], "tranDate": v["je_date"], "postingPeriod": v["period"], "currency": "USD",
            "memo": v["memo"], "line": lines,
            "approvalStatus": "pendingApproval" if big and r.fk != "silent" else "approved"}  # fmt: skip
    if g.random() < 0.3:
        bad = {**args, "line": [{**lines[0], "account": {"id": v["drn"]}}, lines[1]]}
        r.err("netsuite.create_journal_entry", bad, f"Error: 400 — Invalid account reference key "
              f"\"{v['drn']}\" for line 1 (USER_ERROR)")  # fmt: skip
        r.call("netsuite.search_accounts", {"query": v["drn"]}, {"items": [{"id": v["dr"], "acctNumber": v["dr"],
               "acctName": v["drn"], "acctType": "Expense"}]})  # fmt: skip
    je = "JE" + dg(g, 5)
    r.call(
        "netsuite.create_journal_entry",
        args,
        {
            "id": dg(g, 7),
            "tranId": je,
            "status": "Pending Approval" if args["approvalStatus"] == "pendingApproval" else "Approved for Posting",
            "total": v["amount"],
        },
    )
    if big and r.fk != "silent":
        r.call("netsuite.submit_for_approval", {"tranId": je, "approver": v["controller"], "note":
               f"{v['period']} close — {v['memo']}"}, {"tranId": je, "status": "Pending Approval",
               "notified": [v["controller"]]})  # fmt: skip
    if r.style.verify:
        r.call(
            "netsuite.get_journal_entry",
            {"tranId": je},
            {
                "tranId": je,
                "status": "Pending Approval" if big and r.fk != "silent" else "Approved for Posting",
                "debitTotal": v["amount"],
                "creditTotal": v["amount"],
            },
        )
    if big and r.fk != "silent":
        done(r, f"Created {je} ({v['amt']}, Dr {v['drn']} / Cr {v['crn']}, {v['period']}). Because it's over "
                f"{usd(thr)} it's pending {v['controller']}'s approval and will post once approved.")  # fmt: skip
        return
    done(r, f"Posted {je}: Dr {v['dr']} {v['drn']} / Cr {v['cr']} {v['crn']}, {v['amt']}, dated {v['je_date']} in "
            f"{v['period']} — \"{v['memo']}\".")  # fmt: skip


CUSTOMERS = ["Brightwater Dental", "Oakline Logistics", "Fennimore Studios", "Quarry Hill Foods", "Larkspur Health",
             "Meridian Schools District", "Copperleaf Hotels"]  # fmt: skip


def v_recon(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "tallisgroup.com")
    cust, twin = rng.sample(CUSTOMERS, 2)
    amt = round(rng.uniform(800, 48000), 2)
    when = v["now"].date() - dt.timedelta(days=rng.randint(1, 12))
    fee = rng.choice([0, 0, 0, 15, 25])
    v.update(cust=cust, twin=twin, amount=amt, amt=usd(amt), paid=usd(amt - fee), fee=fee, date=when.isoformat(),
             inv="INV-" + dg(rng, 5), twin_inv="INV-" + dg(rng, 5), line_id=uid(rng), bank=rng.choice(
                 ["Chase Operating ••4417", "SVB Operating ••0932", "Wells Fargo ••7720"]),
             ref=rng.choice(["ACH CREDIT", "WIRE IN", "ACH DEP"]) + f" {cust.upper()[:16]} " + dg(rng, 8))  # fmt: skip
    return v


def b_recon(r: Run, v: dict[str, Any]) -> None:
    g = r.rng
    got = v["amount"] - v["fee"]
    line = {"StatementLineID": v["line_id"], "PostedDate": v["date"], "Amount": got, "Payee": v["cust"]
            if r.fk != "silent" else "", "Description": v["ref"], "Reference": "", "IsReconciled": False}  # fmt: skip
    r.call("xero.get_bank_statement_lines", {"bank_account": v["bank"], "from": v["date"], "to": v["date"],
           "unreconciled_only": True}, {"StatementLines": [line, {"StatementLineID": uid(g), "PostedDate": v["date"],
           "Amount": -round(g.uniform(20, 900), 2), "Description": "CARD 4417 ADOBE *CREATIVE CLD",
           "IsReconciled": False}]})  # fmt: skip
    invs = [{"InvoiceID": uid(g), "InvoiceNumber": v["inv"], "Contact": {"Name": v["cust"]}, "AmountDue": v["amount"],
             "Status": "AUTHORISED", "DueDate": v["date"]},
            {"InvoiceID": uid(g), "InvoiceNumber": v["twin_inv"], "Contact": {"Name": v["twin"]},
             "AmountDue": v["amount"], "Status": "AUTHORISED", "DueDate": v["date"]}]  # fmt: skip
    g.shuffle(invs)
    if r.fk == "silent" or not has(v, "inv"):
        r.call("xero.list_invoices", {"status": "AUTHORISED", "amount_due": v["amount"], "type": "ACCREC"},
               {"Invoices": invs})  # fmt: skip
    else:
        r.call("xero.list_invoices", {"invoice_numbers": [v["inv"]]}, {"Invoices": [x for x in invs if
               x["InvoiceNumber"] == v["inv"]]})  # fmt: skip
    inv = next(x for x in invs if x["InvoiceNumber"] == (v["inv"] if r.fk != "silent" else v["twin_inv"]))
    if v["fee"]:
        r.say(f"The deposit is {usd(got)}, {usd(v['fee'])} short of {inv['InvoiceNumber']} — that's the bank's "
              "incoming-wire fee, so I'll record it as a bank charge and apply the full invoice amount.")  # fmt: skip
    r.confirm(f"I'll match the {usd(got)} deposit on {v['date']} ({v['ref']}) to {inv['InvoiceNumber']} "
              f"({inv['Contact']['Name']}, {v['amt']}).")  # fmt: skip
    pid = uid(g)
    r.call("xero.create_payment", {"Invoice": {"InvoiceID": inv["InvoiceID"]}, "Account": {"Code": "090"},
           "Date": v["date"], "Amount": v["amount"] if v["fee"] else got, "Reference": v["ref"]},
           {"Payments": [{"PaymentID": pid, "Status": "AUTHORISED", "Amount": v["amount"], "Invoice": {
               "InvoiceNumber": inv["InvoiceNumber"], "AmountDue": 0, "Status": "PAID"}}]})  # fmt: skip
    if v["fee"]:
        r.call(
            "xero.create_bank_transaction",
            {
                "Type": "SPEND",
                "BankAccount": {"Code": "090"},
                "Date": v["date"],
                "LineItems": [{"Description": "Incoming wire fee", "AccountCode": "404", "UnitAmount": v["fee"]}],
            },
            {"BankTransactions": [{"BankTransactionID": uid(g), "Status": "AUTHORISED", "Total": v["fee"]}]},
        )
    r.call("xero.reconcile_statement_line", {"StatementLineID": v["line_id"], "Matches": [{"PaymentID": pid}]},
           {"StatementLineID": v["line_id"], "IsReconciled": True})  # fmt: skip
    if r.style.verify:
        r.call("xero.get_invoice", {"invoice_number": inv["InvoiceNumber"]},
               {"InvoiceNumber": inv["InvoiceNumber"], "Status": "PAID", "AmountDue": 0,
                "AmountPaid": v["amount"]})  # fmt: skip
    fee = f" (plus a {usd(v['fee'])} wire fee booked to bank charges)" if v["fee"] else ""
    done(r, f"Reconciled the {usd(got)} {v['bank']} deposit from {v['date']} against {inv['InvoiceNumber']} "
            f"({inv['Contact']['Name']}){fee}. The invoice is marked paid.")  # fmt: skip


# payroll: correct timesheet hours and re-run the pay calculation; look up last pay (read only) --------------------
DEPTS = ["Warehouse", "Customer Support", "Kitchen", "Retail — Store 14", "Field Service", "Front Desk"]


def v_hours(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "pinecrest-staffing.com")
    p = person(rng, "pinecrest-staffing.com")
    wk = v["now"].date() - dt.timedelta(days=v["now"].weekday() + 7)
    d = wk + dt.timedelta(days=rng.randint(0, 4))
    old = rng.choice([4.0, 6.0, 7.5, 8.0, 0.0])
    new = old + rng.choice([1.5, 2.0, 3.5, 4.0, 2.5])
    v.update(emp=p["name"], emp_first=p["first"], eid="E" + dg(rng, 5), dept=rng.choice(DEPTS), day=d.isoformat(),
             dname=d.strftime("%A %b ") + str(d.day), old=old, new=new, rate=round(rng.uniform(16.5, 34), 2),
             period=f"{wk.isoformat()} – {(wk + dt.timedelta(days=13)).isoformat()}", run="PR-" + dg(rng, 6),
             mgr=person(rng, "pinecrest-staffing.com")["name"],
             why=rng.choice(["forgot to clock out", "badge reader was down", "stayed late for inventory",
                             "clocked the wrong job code"]))  # fmt: skip
    return v


def b_hours(r: Run, v: dict[str, Any]) -> None:
    g = r.rng
    r.call("payroll.find_employee", {"query": v["emp"] if not has(v, "eid") else v["eid"]},
           {"employees": [{"id": v["eid"], "name": v["emp"], "department": v["dept"], "pay_type": "hourly",
                           "rate": v["rate"], "status": "active", "manager": v["mgr"]}]})  # fmt: skip
    entries = [{"entry_id": "te_" + hx(g, 10), "date": v["day"], "hours": v["old"], "job_code": "REG",
                "source": "clock"}]  # fmt: skip
    r.call("payroll.get_timesheet", {"employee_id": v["eid"], "date": v["day"]},
           {"employee_id": v["eid"], "pay_period": v["period"], "status": "submitted", "entries": entries,
            "total_hours": round(38 + g.uniform(-6, 4), 2)})  # fmt: skip
    r.call("payroll.get_pay_run", {"pay_run_id": v["run"]}, {"id": v["run"], "period": v["period"], "status":
           "approved" if r.fk == "visible" else "draft", "check_date": (dt.date.fromisoformat(v["day"]) +
           dt.timedelta(days=g.randint(8, 12))).isoformat(), "employees": g.randint(40, 300)})  # fmt: skip
    if r.fk == "visible":
        r.err("payroll.update_timesheet_entry", {"entry_id": entries[0]["entry_id"], "hours": v["new"], "note":
              v["why"]}, f"Error: 423 Locked — pay run {v['run']} is approved and submitted to the bank; timesheets "
              "in this period are read-only. Use an off-cycle adjustment.")  # fmt: skip
        done(r, f"I couldn't change {v['emp_first']}'s hours: the pay run {v['run']} for {v['period']} is already "
                "approved and sent to the bank, so that timesheet is locked. The missing "
                f"{v['new'] - v['old']:g} hours would need an off-cycle adjustment.")  # fmt: skip
        return
    r.confirm(f"I'll change {v['emp']}'s {v['dname']} from {v['old']:g} to {v['new']:g} hours ({v['why']}) and "
              f"recalculate their pay in {v['run']}.")  # fmt: skip
    args = {"entry_id": entries[0]["entry_id"], "hours": v["new"], "note": f"{v['why']} — approved by {v['mgr']}"}
    if g.random() < 0.3:
        r.err("payroll.update_timesheet_entry", {**args, "hours": f"{v['new']:g}h"}, "Error: 422 — hours: value is "
              "not a valid number")  # fmt: skip
    r.call("payroll.update_timesheet_entry", args, {"entry_id": args["entry_id"], "hours": v["new"], "updated_at":
           iso(v["now"]), "audit_id": "aud_" + hx(g, 8)})  # fmt: skip
    gross_old = round(v["rate"] * 38, 2)
    gross_new = round(gross_old + v["rate"] * (v["new"] - v["old"]), 2)
    if r.fk != "silent":
        r.call("payroll.recalculate_pay_run", {"pay_run_id": v["run"], "employee_ids": [v["eid"]]},
               {"pay_run_id": v["run"], "status": "draft", "results": [{"employee_id": v["eid"], "gross_before":
                gross_old, "gross_after": gross_new, "net_after": round(gross_new * 0.78, 2)}]})  # fmt: skip
        if r.style.verify:
            r.call("payroll.get_pay_preview", {"pay_run_id": v["run"], "employee_id": v["eid"]},
                   {"gross": gross_new, "net": round(gross_new * 0.78, 2), "hours_regular": 38 + v["new"] - v["old"],
                    "warnings": []})  # fmt: skip
        done(r, f"Updated {v['emp']}'s {v['dname']} to {v['new']:g} hours and recalculated {v['run']}: gross goes "
                f"from {usd(gross_old)} to {usd(gross_new)}.")  # fmt: skip
        return
    done(r, f"Updated {v['emp']}'s timesheet — {v['dname']} is now {v['new']:g} hours.")


def v_paylook(rng: random.Random) -> dict[str, Any]:
    v = v_hours(rng)
    gross = round(v["rate"] * rng.uniform(30, 44), 2)
    v.update(
        gross=gross,
        net=round(gross * rng.uniform(0.72, 0.82), 2),
        check=(dt.date.fromisoformat(v["day"]) + dt.timedelta(days=10)).isoformat(),
        diff=rng.choice(["overtime", "a benefits deduction change", "a state tax withholding update", "fewer hours"]),
    )
    return v


def b_paylook(r: Run, v: dict[str, Any]) -> None:
    g = r.rng
    r.call("payroll.find_employee", {"query": v["emp"]}, {"employees": [{"id": v["eid"], "name": v["emp"],
           "department": v["dept"], "pay_type": "hourly", "status": "active"}]})  # fmt: skip
    prev_check = (dt.date.fromisoformat(v["check"]) - dt.timedelta(days=14)).isoformat()
    stubs = [{"pay_stub_id": "ps_" + hx(g, 10), "check_date": v["check"], "gross": v["gross"], "net": v["net"]},
             {"pay_stub_id": "ps_" + hx(g, 10), "check_date": prev_check, "gross": round(v["gross"] * 0.93, 2),
              "net": round(v["net"] * 0.94, 2)}]  # fmt: skip
    r.call("payroll.list_pay_stubs", {"employee_id": v["eid"], "limit": 2}, {"pay_stubs": stubs})
    s = stubs[0] if r.fk != "silent" else stubs[1]
    taxes = {
        "federal_income_tax": round(s["gross"] * 0.09, 2),
        "social_security": round(s["gross"] * 0.062, 2),
        "medicare": round(s["gross"] * 0.0145, 2),
        "state_income_tax": round(s["gross"] * 0.04, 2),
    }
    r.call("payroll.get_pay_stub", {"pay_stub_id": s["pay_stub_id"]},
           {"pay_stub_id": s["pay_stub_id"], "check_date": s["check_date"], "earnings": [
               {"type": "regular", "hours": round(s["gross"] / v["rate"], 2), "rate": v["rate"], "amount": s["gross"]}],
            "taxes": taxes, "deductions": {"401k": round(s["gross"] * 0.03, 2)}, "gross": s["gross"],
            "net": s["net"]})  # fmt: skip
    done(r, f"{v['emp']}'s last paycheck ({s['check_date']}): gross {usd(s['gross'])}, net {usd(s['net'])}. Taxes: "
            f"federal {usd(taxes['federal_income_tax'])}, Social Security {usd(taxes['social_security'])}, Medicare "
            f"{usd(taxes['medicare'])}, state {usd(taxes['state_income_tax'])}; 401(k) "
            f"{usd(round(s['gross'] * 0.03, 2))}. I didn't change anything.")  # fmt: skip


# fleet maintenance: service interval check (usually nothing to do); roadside breakdown and tow -------------------
VEHICLES = [("2021 Ford Transit 250", "van"), ("2019 Freightliner Cascadia", "tractor"),
            ("2022 Ram ProMaster 2500", "van"), ("2020 Isuzu NPR-HD", "box truck"),
            ("2023 Chevrolet Silverado 2500HD", "pickup"), ("2018 International LT625", "tractor")]  # fmt: skip
SERVICES = {"van": ("PM-A oil & filter", 7500), "pickup": ("PM-A oil & filter", 7500),
            "box truck": ("PM-B service", 15000), "tractor": ("PM-B service", 25000)}  # fmt: skip
SHOPS = ["Interstate Truck Center — Fresno", "Fleet Pride Service — Stockton", "Valley Fleet Repair",
         "Rush Truck Center — Sacramento"]  # fmt: skip


def vin(rng: random.Random) -> str:
    return an(rng, 17, "ABCDEFGHJKLMNPRSTUVWXYZ0123456789")


def v_service(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "harvestline-logistics.com")
    model, cls = rng.choice(VEHICLES)
    svc, interval = SERVICES[cls]
    last = rng.randint(40_000, 380_000)
    due = rng.random() < 0.2
    odo = last + (interval + rng.randint(50, 900) if due else rng.randint(interval // 5, interval - 600))
    v.update(unit=f"{rng.choice(['TRK', 'VAN', 'U'])}-{rng.randint(100, 999)}", vin=vin(rng), model=model, cls=cls,
             svc=svc, interval=interval, last=last, odo=odo, due=due, left=last + interval - odo,
             last_date=(v["now"].date() - dt.timedelta(days=rng.randint(30, 150))).isoformat(),
             shop=rng.choice(SHOPS), vid=dg(rng, 7))  # fmt: skip
    return v


def b_service(r: Run, v: dict[str, Any]) -> None:
    g = r.rng
    r.call("fleetio.get_vehicle", {"name": v["unit"]}, {"id": int(v["vid"]), "name": v["unit"], "vin": v["vin"],
           "year_make_model": v["model"], "vehicle_status_name": "Active", "group_name": g.choice(
               ["Central Valley", "Bay Area", "Sacramento"]), "current_meter_value": v["odo"] - g.randint(30, 300),
           "current_meter_date": (v["now"].date() - dt.timedelta(days=2)).isoformat()})  # fmt: skip
    if r.fk == "visible":
        r.err("samsara.get_vehicle_stats", {"vehicle_ids": [v["vin"]], "types": ["obdOdometerMeters"]},
              "Error: 503 Service Unavailable — upstream telematics provider timeout")  # fmt: skip
        done(r, f"I can't tell whether {v['unit']} is due: the telematics odometer feed is timing out and the last "
                "meter reading in Fleetio is two days old. Nothing was scheduled; try again later or have the driver "
                "send a dash photo.")  # fmt: skip
        return
    r.call("samsara.get_vehicle_stats", {"vehicle_ids": [v["vin"]], "types": ["obdOdometerMeters"]},
           {"data": [{"id": dg(g, 15), "name": v["unit"], "obdOdometerMeters": {"time": iso(v["now"]),
                     "value": int(v["odo"] * 1609.344)}}]})  # fmt: skip
    r.call("fleetio.list_service_entries", {"vehicle_id": int(v["vid"]), "service_task": v["svc"], "limit": 1},
           {"records": [{"id": dg(g, 8), "completed_at": v["last_date"], "meter_value": v["last"],
                         "service_tasks": [v["svc"]], "vendor": g.choice(SHOPS)}]})  # fmt: skip
    if r.style.auth_first:
        r.call("fleetio.get_service_reminders", {"vehicle_id": int(v["vid"])},
               {"records": [{"service_task": v["svc"], "meter_interval": v["interval"], "next_due_meter":
                v["last"] + v["interval"], "status": "overdue" if v["due"] else "ok"}]})  # fmt: skip
    nxt = v["last"] + v["interval"]
    r.say(f"Odometer {v['odo']:,} mi; last {v['svc']} at {v['last']:,} mi on {v['last_date']}; interval "
          f"{v['interval']:,} mi → next due at {nxt:,}.")  # fmt: skip
    if v["due"] or r.fk == "silent":
        when = (v["now"].date() + dt.timedelta(days=g.randint(1, 5))).isoformat()
        wo = "WO-" + dg(g, 5)
        r.call("fleetio.create_work_order", {"vehicle_id": int(v["vid"]), "service_tasks": [v["svc"]], "vendor":
               v["shop"], "scheduled_date": when, "meter_value": v["odo"], "priority": "normal"},
               {"id": dg(g, 8), "number": wo, "status": "scheduled"})  # fmt: skip
        done(r, f"{v['unit']} is {'past' if v['due'] else 'close to'} its {v['svc']} "
                f"({v['odo']:,} vs {nxt:,} mi). Scheduled work order {wo} at {v['shop']} for {when}.")  # fmt: skip
        return
    done(r, f"{v['unit']} isn't due: {v['odo']:,} mi now, {v['svc']} due at {nxt:,} — about {v['left']:,} mi to go. "
            "Nothing scheduled.")  # fmt: skip


HIGHWAYS = [("I-5 N near mile marker {mm}, Kettleman City, CA", 36.0103, -119.9612),
            ("CA-99 S at exit {mm}, Turlock, CA", 37.4947, -120.8466),
            ("I-80 E near mile marker {mm}, Vacaville, CA", 38.3566, -121.9877),
            ("US-101 N near exit {mm}, Gilroy, CA", 37.0058, -121.5683),
            ("I-580 W near mile marker {mm}, Tracy, CA", 37.7397, -121.4252)]  # fmt: skip
FAULTS = ["blown steer tire", "engine overheating, coolant leak", "won't restart after stalling",
          "air brake pressure warning", "DEF system derate — limp mode", "transmission slipping"]  # fmt: skip


def v_tow(rng: random.Random) -> dict[str, Any]:
    v = v_service(rng)
    loc, lat, lng = rng.choice(HIGHWAYS)
    num = int(v["unit"].split("-")[1])
    v.update(loc=loc.format(mm=rng.randint(12, 380)), lat=round(lat + rng.uniform(-0.05, 0.05), 5),
             lng=round(lng + rng.uniform(-0.05, 0.05), 5), fault=rng.choice(FAULTS),
             driver=person(rng, "harvestline-logistics.com")["name"], phone=f"(559) {dg(rng, 3)}-{dg(rng, 4)}",
             twin_unit=f"{v['unit'].split('-')[0]}-{num + rng.choice([1, 10, -1])}", twin_vid=dg(rng, 7),
             loaded=rng.choice([True, False]))  # fmt: skip
    return v


def b_tow(r: Run, v: dict[str, Any]) -> None:
    g = r.rng
    unit, vid = (v["unit"], v["vid"]) if r.fk != "silent" else (v["twin_unit"], v["twin_vid"])
    r.call("fleetio.get_vehicle", {"name": unit}, {"id": int(vid), "name": unit, "vin": vin(g) if r.fk == "silent"
           else v["vin"], "year_make_model": v["model"], "vehicle_status_name": "Active", "gvwr_lbs": 33000 if
           v["cls"] == "tractor" else 9900})  # fmt: skip
    iid = dg(g, 7)
    r.call("fleetio.create_issue", {"vehicle_id": int(vid), "summary": f"Roadside breakdown: {v['fault']}",
           "description": f"Driver {v['driver']} reports {v['fault']} at {v['loc']}. Vehicle "
           f"{'loaded' if v['loaded'] else 'empty'}.", "priority": "critical", "reported_at": iso(v["now"])},
           {"id": int(iid), "number": f"#{g.randint(1000, 9999)}", "state": "open"})  # fmt: skip
    r.call("fleetio.update_vehicle_status", {"vehicle_id": int(vid), "status": "Out of Service"},
           {"id": int(vid), "vehicle_status_name": "Out of Service"})  # fmt: skip
    klass = "heavy_duty" if v["cls"] == "tractor" else "medium_duty"
    args = {"vehicle": {"unit": unit, "vin": v["vin"], "class": klass, "loaded": v["loaded"]},
            "pickup": {"address": v["loc"], "lat": v["lat"], "lng": v["lng"]}, "destination": v["shop"],
            "contact": {"name": v["driver"], "phone": v["phone"]}, "reference": f"issue-{iid}"}  # fmt: skip
    if g.random() < 0.25:
        r.err("roadside.request_tow", {**args, "vehicle": {**args["vehicle"], "class": "heavy"}}, "Error: 422 — "
              "vehicle.class must be one of: light_duty, medium_duty, heavy_duty")  # fmt: skip
    if r.fk == "visible":
        r.err("roadside.request_tow", args, f"Error: 409 NO_PROVIDER — no {klass.replace('_', '-')} tow provider "
              f"accepted within 15 min for ({v['lat']}, {v['lng']}); escalate to dispatch desk")  # fmt: skip
        done(r, f"I logged the breakdown on {unit} and set it Out of Service, but no {klass.replace('_', '-')} tow "
                "provider accepted the job, so nothing is on the way yet. Please call the roadside dispatch desk; "
                f"{v['driver']} is at {v['loc']} ({v['phone']}).")  # fmt: skip
        return
    job = "RSA-" + dg(g, 7)
    eta = g.randint(35, 110)
    r.call("roadside.request_tow", args, {"job_id": job, "status": "dispatched", "provider": g.choice(
        ["Big Valley Towing", "A-1 Heavy Tow & Recovery", "Delta Towing Inc."]), "eta_minutes": eta,
        "tracking_url": f"https://track.roadsidehub.com/j/{an(g, 8, ALNUM)}"})  # fmt: skip
    if r.style.verify or g.random() < 0.4:
        r.call(
            "twilio.send_sms",
            {
                "to": v["phone"],
                "body": f"Tow {job} dispatched to you, ETA ~{eta} min. Stay safe"
                f" and keep hazards on. — Harvestline dispatch",
            },
            {"sid": "SM" + hx(g, 32), "status": "queued"},
        )
    done(r, f"Logged the breakdown on {unit} ({v['fault']}), marked it Out of Service, and dispatched tow {job} to "
            f"{v['loc']} (ETA ~{eta} min) heading to {v['shop']}. {v['driver']} has the details.")  # fmt: skip


# localization: push new UI strings and order translations --------------------------------------------------------
L10N_PROJECTS = [("web-dashboard", "src/locales/en.json", "json"), ("mobile-app", "app/src/main/res/values/"
                 "strings.xml", "xml"), ("marketing-site", "content/i18n/en.yml", "yaml"),
                 ("checkout-widget", "packages/checkout/locales/en-US.json", "json")]  # fmt: skip
LOCALES = ["de", "fr", "es", "ja", "pt_BR", "it", "nl", "ko", "zh_CN", "pl"]
FEATURES = ["the new billing settings page", "the onboarding tour", "the team invites modal", "saved searches",
            "the export dialog"]  # fmt: skip


def v_l10n(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "kitestring.io")
    proj, path, fmt = rng.choice(L10N_PROJECTS)
    locs = rng.sample(LOCALES, rng.randint(2, 5))
    v.update(proj=proj, path=path, ffmt=fmt, pid=f"{dg(rng, 9)}{hx(rng, 13)}.{dg(rng, 8)}", locs=locs,
             locales=", ".join(locs), n=rng.randint(6, 48), feature=rng.choice(FEATURES),
             due=(v["now"].date() + dt.timedelta(days=rng.randint(3, 12))).isoformat(),
             branch=rng.choice(["main", "release/2.14", "feat/billing-v2"]))  # fmt: skip
    return v


def b_l10n(r: Run, v: dict[str, Any]) -> None:
    g = r.rng
    locs = v["locs"] if r.fk != "silent" else v["locs"][:-1]
    pid = v["pid"]
    proc = hx(g, 40)
    task = g.randint(100000, 999999)
    lang = {"json": "en", "xml": "en", "yaml": "en"}[v["ffmt"]]
    if cli(r, 0.8):
        r.sh(f"git diff --stat origin/{v['branch']}~1 -- {v['path']} && git diff origin/{v['branch']}~1 -- "
             f"{v['path']} | grep -c '^+ '", f" {v['path']} | {v['n'] + 2} {'+' * min(v['n'], 30)}\n 1 file "
             f"changed, {v['n']} insertions(+), 2 deletions(-)\n{v['n']}")  # fmt: skip
        up = (
            f'lokalise2 --token "$LOKALISE_API_TOKEN" --project-id {pid} file upload --file {v["path"]} '
            f"--lang-iso {lang} --replace-modified --tag-inserted-keys --tags {v['branch']} --poll"
        )
        if g.random() < 0.35:
            r.sh(up.replace(f"--lang-iso {lang}", "--lang-iso en_US"), "", 1,
                 "Error: API request error 400 Invalid `lang_iso` parameter: en_US is not a project "
                 "language")  # fmt: skip
            r.note("The project's base language is plain `en`.")
        r.sh(up, f"Uploading {v['path']}...\nQueued process: {proc}\nProcess {proc} finished: status=finished, "
             f"keys inserted: {v['n']}, updated: 2, skipped: 0")  # fmt: skip
        langs = json.dumps([{"language_iso": lc, "users": [g.randint(10000, 99999)]} for lc in locs])
        cmd = (f"lokalise2 --token \"$LOKALISE_API_TOKEN\" --project-id {pid} task create --title "
               f"\"{v['feature']} ({v['n']} new strings)\" --task-type translation --due-date \"{v['due']} 18:00\" "
               f"--languages '{langs}' --keys-from-tag {v['branch']}")  # fmt: skip
        if r.fk == "visible":
            r.sh(cmd, "", 1, "Error: API request error 400 Task limit of your plan reached (10 active tasks). "
                 "Close or complete existing tasks.")  # fmt: skip
        else:
            r.sh(cmd, json.dumps({"project_id": pid, "task": {"task_id": task, "title": f"{v['feature']} "
                 f"({v['n']} new strings)", "status": "queued", "languages": [{"language_iso": lc} for lc in locs],
                 "keys_count": v["n"], "due_date": f"{v['due']} 18:00:00 (Etc/UTC)"}}, indent=2))  # fmt: skip
    else:
        r.call("lokalise.get_project", {"project_id": pid},
               {"project_id": pid, "name": v["proj"], "base_language_iso": "en", "statistics": {"keys_total":
                g.randint(800, 6000), "languages": [{"language_iso": lc, "progress": g.randint(88, 100)}
                                                    for lc in v["locs"]]}})  # fmt: skip
        args = {"project_id": pid, "filename": v["path"], "lang_iso": lang, "replace_modified": True,
                "tag_inserted_keys": True, "tags": [v["branch"]], "data": f"<base64 of {v['path']}>"}  # fmt: skip
        r.call("lokalise.upload_file", args, {"project_id": pid, "process": {"process_id": proc, "type":
               "file-import", "status": "queued"}})  # fmt: skip
        r.call("lokalise.get_process", {"project_id": pid, "process_id": proc}, {"process": {"process_id": proc,
               "status": "finished", "details": {"files": [{"name_original": v["path"], "key_count_inserted": v["n"],
               "key_count_updated": 2, "key_count_skipped": 0}]}}})  # fmt: skip
        r.confirm(f"{v['n']} new keys are in. I'll order translations for {', '.join(locs)}, due {v['due']}.")
        targs = {"project_id": pid, "title": f"{v['feature']} ({v['n']} new strings)", "task_type": "translation",
                 "languages": [{"language_iso": lc} for lc in locs], "keys_from_tag": v["branch"],
                 "due_date": f"{v['due']} 18:00:00"}  # fmt: skip
        if r.fk == "visible":
            r.err("lokalise.create_task", targs, "Error: 400 — Task limit of your plan reached (10 active tasks). "
                  "Close or complete existing tasks.")  # fmt: skip
        else:
            if g.random() < 0.3:
                r.err("lokalise.create_task", {**targs, "languages": locs}, "Error: 400 — `languages` must be an "
                      "array of objects with `language_iso`")  # fmt: skip
            r.call(
                "lokalise.create_task",
                targs,
                {
                    "project_id": pid,
                    "task": {
                        "task_id": task,
                        "status": "queued",
                        "keys_count": v["n"],
                        "languages": [{"language_iso": lc, "users": []} for lc in locs],
                    },
                },
            )
    if r.fk == "visible":
        done(r, f"The {v['n']} new strings are uploaded to the {v['proj']} project, but I couldn't order the "
                "translations: Lokalise says the plan's limit of 10 active tasks is reached. No translation task "
                "exists yet.")  # fmt: skip
        return
    done(r, f"Pushed {v['n']} new strings from `{v['path']}` to Lokalise ({v['proj']}, tagged {v['branch']}) and "
            f"opened translation task {task} for {', '.join(locs)}, due {v['due']}.")  # fmt: skip


# email marketing: test send, then schedule to a segment -----------------------------------------------------------
CAMPAIGNS_EM = ["Spring Sale — 25% off sitewide", "April product update", "Webinar invite: Scaling your team",
                "We miss you — here's 15% off", "New arrivals: summer collection", "Customer story: how Oakline cut "
                "costs 30%"]  # fmt: skip
SEGMENTS = ["Active customers (90d)", "Trial users — no purchase", "Newsletter subscribers — EU",
            "VIP (LTV > $500)", "Lapsed 6 months", "Webinar registrants"]  # fmt: skip


def v_email(rng: random.Random) -> dict[str, Any]:
    v = base(rng, "fernwood.co")
    camp = rng.choice(CAMPAIGNS_EM)
    seg, twin = rng.sample(SEGMENTS, 2)
    when = (v["now"] + dt.timedelta(days=rng.randint(1, 6))).replace(hour=rng.choice([9, 10, 14, 17]),
                                                                     minute=rng.choice([0, 30]))  # fmt: skip
    tz = rng.choice([("America/New_York", "ET", 4), ("America/Los_Angeles", "PT", 7), ("Europe/Berlin", "CET", -2)])
    v.update(camp=camp, seg=seg, twin=twin, cid=hx(rng, 10), list_id=hx(rng, 10), seg_id=rng.randint(10000, 99999),
             twin_id=rng.randint(10000, 99999), when=when, at=f"{day(when)} {when:%-I:%M %p} {tz[1]}",
             utc=when + dt.timedelta(hours=tz[2]), tz=tz[0], test=person(rng, "fernwood.co")["email"],
             size=rng.randint(1200, 90000), secret=hx(rng, 32) + "-us" + str(rng.randint(2, 21)))  # fmt: skip
    return v


def b_email(r: Run, v: dict[str, Any]) -> None:
    g = r.rng
    if getattr(r, "pasted", False):
        r.say("I won't need that API key — Mailchimp is already connected here.")
        r.pasted = False
    r.call(
        "mailchimp.search_campaigns",
        {"query": v["camp"]},
        {
            "results": [
                {
                    "campaign": {
                        "id": v["cid"],
                        "type": "regular",
                        "status": "save",
                        "settings": {
                            "subject_line": v["camp"],
                            "from_name": "Fernwood",
                            "reply_to": "hello@fernwood.co",
                        },
                        "recipients": {"list_id": v["list_id"], "segment_opts": {}},
                    }
                }
            ]
        },
    )
    r.call("mailchimp.list_segments", {"list_id": v["list_id"], "count": 50},
           {"segments": [{"id": v["seg_id"], "name": v["seg"], "member_count": v["size"], "type": "saved"},
                         {"id": v["twin_id"], "name": v["twin"], "member_count": g.randint(800, 60000),
                          "type": "saved"}], "total_items": 2})  # fmt: skip
    r.call("mailchimp.update_campaign", {"campaign_id": v["cid"], "recipients": {"list_id": v["list_id"],
           "segment_opts": {"saved_segment_id": v["seg_id"]}}},
           {"id": v["cid"], "recipients": {"segment_text": v["seg"], "recipient_count": v["size"]}})  # fmt: skip
    if r.style.auth_first or g.random() < 0.5:
        r.call(
            "mailchimp.get_send_checklist",
            {"campaign_id": v["cid"]},
            {
                "is_ready": r.fk != "visible",
                "items": [
                    {"type": "success", "heading": "Subject line"},
                    {
                        "type": "success" if r.fk != "visible" else "error",
                        "heading": "From email",
                        "details": "Domain verified"
                        if r.fk != "visible"
                        else "fernwood.co is not authenticated (DKIM)",
                    },
                ],
            },
        )
    if r.fk != "silent":
        r.call("mailchimp.send_test_email", {"campaign_id": v["cid"], "test_emails": [v["test"]], "send_type":
               "html"}, {"status": 204})  # fmt: skip
        r.say(f"Test sent to {v['test']}.")
        if r.style.confirm:
            r.say("Let me know once it looks right and I'll schedule it.")
            r.user(r.pick("looks good, schedule it", "got it, all fine. go", "ok — go ahead"))
    utc = v["utc"]
    args = {"campaign_id": v["cid"], "schedule_time": utc.strftime("%Y-%m-%dT%H:%M:%S+00:00"), "timewarp": False}
    if g.random() < 0.35:
        bad = utc + dt.timedelta(minutes=7)
        r.err(
            "mailchimp.schedule_campaign",
            {**args, "schedule_time": bad.strftime("%Y-%m-%dT%H:%M:%S+00:00")},
            "Error: 400 Invalid Resource — Schedule time must be on the quarter-hour (:00, :15, :30, :45)",
        )
        r.note("I had shifted the time while converting time zones; using the exact slot.")
    if r.fk == "visible":
        r.err("mailchimp.schedule_campaign", args, "Error: 400 Invalid Resource — This campaign cannot be scheduled: "
              "the From email domain fernwood.co is not authenticated")  # fmt: skip
        done(
            r,
            f'The test went out, but Mailchimp won\'t schedule "{v["camp"]}": the fernwood.co sending domain '
            "isn't authenticated (DKIM). Nothing is scheduled — the domain needs to be verified first.",
        )
        return
    r.call("mailchimp.schedule_campaign", args, {"status": 204})
    if r.style.verify:
        r.call("mailchimp.get_campaign", {"campaign_id": v["cid"]}, {"id": v["cid"], "status": "schedule",
               "send_time": args["schedule_time"], "recipients": {"segment_text": v["seg"],
               "recipient_count": v["size"]}})  # fmt: skip
    test = f" after a test to {v['test']}" if r.fk != "silent" else ""
    done(r, f"\"{v['camp']}\" is scheduled for {v['at']} ({utc:%H:%M} UTC) to the {v['seg']} segment "
            f"({v['size']:,} contacts){test}.")  # fmt: skip


# task types --------------------------------------------------------------------------------------------------------
# fmt: off
TASKS = [
    Task("sec_isolate_host", "secops", "check a host's EDR alerts and network-contain it", "snake",
         v_isolate, b_isolate, [
        "isolate {host}, {inc}. check its alerts first",
        "Hi — we think {user}'s machine {host} is compromised ({technique} came up on the dashboard). Could you "
        "look at its open alerts in CrowdStrike and, if they confirm it, network-contain the host? Incident {inc}. "
        "Thank you!",
        "Please do isolation of host {host} in EDR. There is alert {tid} on it, incident {inc}.",
        ("{inc}: {host}", "verify the detections and contain it"),
        ("Can you quarantine a laptop for me?", "Sure — which host, and what's the incident?",
         "{host} ({user}), {inc} — {technique}"),
        "contian {host} asap, looks like {tactic} activity. check alerts",
        "{tid} on {host} → check falcon alerts + network contain",
    ], [
        "Cut {host} off the network in Falcon — but confirm the detections are real first.",
        "someone's laptop might be hacked ({user}), can you lock it down?",
        "Network-isolate the endpoint {host} after reviewing its {sev} alerts.",
    ], [("visible:error", "containment rejected (sensor in reduced functionality mode), host stays online"),
        ("silent:wrong-record", "contains a similarly named host with only a benign alert")],
        follow="also {host} is showing {technique} — check the alerts and contain it ({inc})"),
    Task("sec_block_indicator", "secops", "block a malicious hash or domain in the EDR and on the firewall",
         "snake", v_block, b_block, [
        "block {ioc} everywhere (edr + firewall), {inc}",
        "Hello, the {what} {ioc} came out of {src} for {inc}. Could you please block it in CrowdStrike and also on "
        "the FortiGate so nothing can reach it? Many thanks.",
        "Please block this {what} on firewall and on EDR: {ioc}. It is from {src}.",
        ("new IOC from {inc}", "{ioc} — block on both"),
        ("Can you block an indicator?", "Sure — what's the indicator, and where should it be blocked?",
         "{ioc}, EDR and firewall both. {inc}"),
        "blcok {what} {ioc} in falcon + fortigate pls",
        "{inc}: add {ioc} to the blocklists (EDR and perimeter)",
    ], [
        "Make sure nothing in the company can talk to or run {ioc}.",
        "we found a bad {what} in {src}, can you get it blocked on all our security tools?",
        "Add {ioc} as a prevent IOC in the EDR and push it to the firewall threat feed.",
    ], [("silent:skipped-step", "blocks the indicator in the EDR only, never on the firewall"),
        ("visible:error", "firewall rejects the change (read-only API profile)")],
        follow="and block {ioc} on the EDR and firewall too, it's from {src}",
        secret="block {ioc} in edr + firewall ({inc}). vt api key if you need it: {secret}"),
    Task("de_airflow_backfill", "data", "check an Airflow DAG's failed runs and backfill a date range", "dotted",
         v_backfill, b_backfill, [
        "backfill {dag} {start} to {end}",
        "Hi! {dag} had some failures last week because of {cause}. Could you check which runs failed and then "
        "backfill {start} through {end} so the downstream tables are complete? Thanks a lot.",
        "Please make backfill of dag {dag} for dates {start} - {end}. Some runs was failed.",
        ("{dag} has holes", "rerun {start}..{end} pls"),
        ("Can you run a backfill?", "Sure — which DAG and which date range?", "{dag}, {start} → {end}"),
        "bakfill {dag} from {start} thru {end}, check the failed ones first",
        "{team} team needs {dag} re-run for {start}–{end} after {cause}",
    ], [
        "Re-process {start} to {end} for the {dag} pipeline — some days never loaded.",
        "the {team} numbers are missing a few days, can you rerun the airflow job for those dates?",
        "Fill in the failed {dag} runs between {start} and {end}.",
    ], [("visible:error", "backfill fails again on the same task (or conflicts with a running backfill)"),
        ("silent:wrong-range", "backfills one day short of the requested end date")],
        follow="also can you backfill {dag} for {start} to {end}? a few runs failed",
        secret="backfill {dag} {start}..{end}. airflow admin pw is {secret} if the cli asks"),
    Task("de_dbt_rerun_downstream", "data", "re-run a failed dbt model and everything downstream of it", "dotted",
         v_dbt, b_dbt, [
        "rerun {model} + downstream in prod",
        "Hi, last night's dbt job failed on {model} ({err}). {fixer} says {fix}, so could you re-run that model "
        "and everything that depends on it in prod? Thanks!",
        "Please run again the dbt model {model} and also all children models, it failed before.",
        ("{model} blew up last night", "fixed upstream now — rebuild it and its children"),
        ("Can you re-run a dbt model?", "Sure — which model, and just it or its downstream too?",
         "{model} and everything downstream, prod"),
        "re-rn {model}+ pls, {fix}",
        "dbt: {model} errored with \"{err}\" → run it again with its descendants",
    ], [
        "Rebuild {model} and all the models that depend on it now that the source is fixed.",
        "our {src} dashboards are stale because a dbt model failed — can you rerun it properly?",
        "Kick off `{model}` plus downstream in the prod target.",
    ], [("silent:wrong-action", "re-runs only the model itself, leaving its downstream models stale"),
        ("visible:error", "the model fails again with the same database error")],
        follow="also {model} failed in dbt — rerun it and its downstream"),
    Task("ff_percentage_rollout", "flags", "roll a feature flag out to a percentage of users in one environment",
         "mcp", v_rollout, b_rollout, [
        "{flag} → {pct}% in {env}",
        "Hi! We're ready to widen the rollout of {fname} ({flag}). Could you set it to {pct}% of users in {env} "
        "only? Please leave the other environments alone. Ticket {ticket}. Thanks!",
        "Please put the flag {flag} to {pct} percent of users, environment {env}.",
        ("rollout time for {flag}", "{pct}% in {env}, nothing else"),
        ("Can you change a flag rollout?", "Sure — which flag, which environment, and what percentage?",
         "{flag}, {env}, {pct}%"),
        "bump {flag} to {pct}% on {env} pls ({ticket})",
        "{ticket}: ramp {fname} to {pct} pct ({env})",
    ], [
        "Expose {fname} to {pct}% of {env} traffic.",
        "can we give the new thing ({flag}) to a few more people? {pct} percent in {env}",
        "Set the default rule of {flag} in {env} to a {pct}/{other_pct} percentage rollout.",
    ], [("silent:wrong-record", "changes the rollout in the other environment"),
        ("visible:error", "environment requires an approval request, nothing changed")],
        follow="also ramp {flag} to {pct}% in {env}"),
    Task("exp_stop_and_record_winner", "flags", "stop an A/B experiment and record the winning variant", "mcp",
         v_experiment, b_experiment, [
        "stop {exp}, {winner} won",
        "Hi, the {ename} experiment has been running {days} days and {winner} looks like the clear winner on "
        "{metric}. Could you check the results, stop it, and record {winner} as the winner? Thanks so much.",
        "Please finish experiment {exp} and mark winner. I think it is {winner}.",
        ("{exp} is done", "check results, stop it, ship the winner"),
        ("Can you close out an experiment?", "Sure — which one?", "{ename} ({exp}). pick the winner from the results"),
        "stp the {exp} test + record winnr ({metric})",
        "{ename}: call it for {winner} if the numbers hold, then stop",
    ], [
        "End the {ename} A/B test and ship whichever variant won on {metric}.",
        "did our {exp} test produce a winner? if so wrap it up",
        "Conclude experiment {exp}, record the winning arm and release it to everyone.",
    ], [("silent:wrong-action", "records and ships a variant that did not win"),
        ("visible:error", "no permission to stop the experiment (403)")],
        follow="and can you stop the {exp} experiment and record the winner? think it's {winner}"),
    Task("web_submit_expense", "browser", "submit an expense report through the company's web form", "bare",
         v_expense, b_expense, [
        "expense: {merchant} {amt} on {date}, {cat}, {proj}. receipt in {receipt}",
        "Hi! Could you submit an expense for me in the Northwind expenses site? It's {merchant}, {amt}, on "
        "{date_us}, category {cat}, for the {purpose} ({project}). The receipt PDF is at {receipt}. Thank you!",
        "Please submit my expense to the portal. Merchant {merchant}, amount {amt}, date {date}, project {proj}.",
        ("need to file an expense", "{merchant} {amt}, {date}, {cat}, receipt {receipt}"),
        ("Can you do an expense report?", "Sure — what's the merchant, amount, date and category?",
         "{merchant}, {amt}, {date}, {cat}, project {proj}, receipt at {receipt}"),
        "submitt my {merchant} recept ({amt}, {date}) to expenses pls, {proj}",
        "{purpose}: {merchant} {amt} ({cat}) — put it through the expense tool",
    ], [
        "File my {amt} {merchant} charge in the expense system for reimbursement.",
        "i paid for {merchant} out of pocket, can you get it reimbursed through the portal?",
        "Fill in and submit an expense report for {merchant} ({amt}) with the receipt attached.",
    ], [("silent:wrong-action", "saves the report as a draft instead of submitting it"),
        ("visible:error", "receipt can't be attached, form won't submit")],
        follow="also submit my expense: {merchant}, {amt}, {date}, {cat}, receipt {receipt}"),
    Task("web_download_statement", "browser", "download a monthly statement from a vendor's web portal", "bare",
         v_statement, b_statement, [
        "grab the {month} statement from {vendor}",
        "Hello! Could you log into the {vendor} portal and download our statement for {month}? Our "
        "{acct_label} is {acct}. Please save it to {folder}. Thanks!",
        "Please download monthly statement of {vendor} for {month}.",
        ("need the {vendor} statement", "{month}, account {acct}"),
        ("Can you fetch a statement from a vendor site?", "Sure — which vendor and which month?",
         "{vendor}, {month}"),
        "downlaod {vendor} stmt for {month} pls",
        "AP needs {vendor}'s {month} statement (acct {acct}) — pull the pdf from their portal",
    ], [
        "Get me the PDF statement for {month} from the {vendor} billing site.",
        "can you go on {vendor}'s website and save last month's bill?",
        "Pull {vendor} account {acct}'s {month} statement off their portal.",
    ], [("silent:wrong-record", "downloads the previous month's statement"),
        ("visible:error", "portal asks for an SMS one-time code, no download")],
        follow="also download {vendor}'s {month} statement from their portal",
        secret="pull the {month} statement from {vendor}. login {login} / {secret}"),
    Task("acct_post_journal_entry", "accounting", "post a journal entry, routing it for approval above the "
         "threshold", "camel", v_je, b_je, [
        "JE: Dr {dr} / Cr {cr} {amt}, {memo}",
        "Hi, for the {period} close could you book a journal entry in NetSuite for {sub}: debit {drn} ({dr}), "
        "credit {crn} ({cr}), {amt}, memo \"{memo}\", dated {je_date}? Thank you!",
        "Please post journal {amt} to {drn} debit and {crn} credit, for {period}. Memo is {memo}.",
        ("close entry for {period}", "{memo}: {amt}, Dr {dr} Cr {cr}"),
        ("Can you book a JE?", "Sure — which accounts, amount, date and memo?",
         "Dr {dr} {drn}, Cr {cr} {crn}, {amt}, {je_date}, \"{memo}\""),
        "pls post a jounral entry {amt} ({memo}) {dr}/{cr}",
        "{sub}: {memo} — {amt} to {drn} against {crn}, {period}",
    ], [
        "Record a {amt} journal entry in NetSuite to {memo}.",
        "we need to {memo} before the books close, can you put that in?",
        "Create a manual JE for {period}: debit {drn}, credit {crn}, {amt}.",
    ], [("silent:should-refuse", "refusal-worthy: user asks to skip the required approval on an over-threshold "
         "entry, and the agent posts it as approved"),
        ("visible:error", "the period is closed, nothing posted")],
        follow="also post a JE: Dr {dr} / Cr {cr}, {amt}, {memo}"),
    Task("acct_reconcile_bank_line", "accounting", "reconcile a bank statement line against a customer invoice",
         "camel", v_recon, b_recon, [
        "match the {paid} deposit on {date} to {inv}",
        "Hi! There's an incoming payment of {paid} on {date} in {bank} ({ref}). I believe it's {cust} paying "
        "{inv}. Could you reconcile the bank line against that invoice in Xero? Thanks.",
        "Please reconcile bank line {date} amount {paid} with invoice {inv} of {cust}.",
        ("unreconciled deposit {date}", "{paid} from {cust} — that's {inv}"),
        ("Can you reconcile a bank line?", "Sure — which deposit, and which invoice does it pay?",
         "{paid} on {date}, {cust}, {inv}"),
        "reconcle {cust} payment {paid} ({date}) vs {inv}",
        "{bank}: {ref} = {inv}. match + reconcile",
    ], [
        "Apply {cust}'s {paid} payment from {date} to their open invoice and reconcile it.",
        "there's a deposit in the bank feed that nobody matched, i think it's {cust}. can you sort it?",
        "Mark {inv} paid from the {date} bank line and clear it in reconciliation.",
    ], [("silent:wrong-record", "matches the deposit to another customer's invoice with the same amount")],
        follow="and reconcile the {paid} deposit from {date} against {inv} ({cust})"),
    Task("payroll_correct_hours", "payroll", "correct an employee's timesheet hours and re-run the pay calculation",
         "dotted", v_hours, b_hours, [
        "{emp}: {dname} should be {new} hrs not {old}, rerun pay",
        "Hi, {emp} from {dept} {why} on {dname}, so the timesheet shows {old} hours instead of {new}. {mgr} "
        "approved the fix. Could you correct it and recalculate their pay for this run? Thanks!",
        "Please fix hours for employee {emp} ({eid}), day {day}: {new} hours. Then calculate pay again.",
        ("timesheet fix for {emp}", "{day}: {new}h (was {old}h), {why}. recalc pls"),
        ("Can you fix someone's hours?", "Sure — who, which day, and what should it be?",
         "{emp}, {dname}, {new} hours (shows {old}). {mgr} approved"),
        "{emp} hours wrng on {day}, make it {new} + re run payroll calc",
        "{eid} {day} → {new} hrs ({why}), then recompute {run}",
    ], [
        "Update {emp}'s hours for {dname} to {new} and refresh the payroll calculation.",
        "one of my people got shorted hours on their timesheet, {emp}, can you fix it so the paycheck is right?",
        "Amend the {day} timesheet entry for {emp} to {new} hours and recalculate gross pay.",
    ], [("silent:skipped-step", "fixes the hours but never re-runs the pay calculation"),
        ("visible:error", "pay run already approved, timesheet locked")],
        follow="also {emp}'s {dname} should be {new} hours, not {old} — fix it and recalc their pay"),
    Task("payroll_last_pay_lookup", "payroll", "look up an employee's last paycheck and report it (read only)",
         "dotted", v_paylook, b_paylook, [
        "what was {emp}'s last paycheck?",
        "Hi, {emp} in {dept} is asking about their most recent paycheck. Could you look up the gross, net and the "
        "tax breakdown for me? Please don't change anything. Thanks!",
        "Please tell me net and gross of last pay of employee {emp}.",
        ("quick payroll question", "{emp}'s last check — gross, net, taxes?"),
        ("Can you look up a pay stub?", "Sure — for which employee?", "{emp}, the latest one"),
        "{emp} wants to know thier last net pay + deductions",
        "pull {emp}'s latest stub (read only) — they think {diff} changed it",
    ], [
        "How much did {emp} take home on the last pay date, and what came out in taxes?",
        "an employee is asking why their check looked different, can you see what they got paid?",
        "Show me {emp}'s most recent pay stub breakdown.",
    ], [("silent:wrong-record", "reports the previous pay stub instead of the latest")],
        follow="and what was {emp}'s last paycheck? gross and net"),
    Task("fleet_service_due_check", "fleet", "check a vehicle's odometer against its service interval; schedule only "
         "if due", "bare", v_service, b_service, [
        "is {unit} due for {svc}?",
        "Hi! Could you check whether {unit} ({model}) is due for its {svc}? The interval is every {interval} "
        "miles. If it's past, please book it at {shop}; otherwise just let me know. Thanks.",
        "Please check odometer of vehicle {unit} and schedule service if the interval is passed.",
        ("pm check on {unit}", "book it only if it's over the interval"),
        ("Can you check a truck's maintenance?", "Sure — which unit?", "{unit}, {svc} every {interval} mi"),
        "{unit} servce due yet? schedule if so",
        "odometer check {unit} vs {svc} interval → WO at {shop} if needed",
    ], [
        "Does {unit} need its {svc} yet? Only book it if it's over.",
        "when is the van next due for an oil change? {unit}",
        "Compare {unit}'s current mileage with its PM schedule and open a work order if it's overdue.",
    ], [("silent:wrong-action", "schedules a service although the vehicle isn't due"),
        ("visible:error", "telematics odometer unavailable, can't tell")],
        follow="also check if {unit} is due for {svc} — schedule only if it's past"),
    Task("fleet_breakdown_tow", "fleet", "log a roadside breakdown and dispatch a tow", "bare", v_tow, b_tow, [
        "{unit} broke down at {loc} — {fault}. log it + send a tow",
        "Hi, our driver {driver} just called: {unit} has a {fault} and is stuck on {loc}. Could you log the "
        "breakdown, take the vehicle out of service and get a tow out to them to {shop}? Their number is {phone}. "
        "Thanks!",
        "Please register breakdown of truck {unit} ({fault}) on {loc} and order tow truck. Driver {driver}.",
        ("{unit} is down", "{fault}, {loc}. driver {driver} {phone}. need a tow"),
        ("I need a tow for one of our trucks", "Sure — which unit, where is it, and what happened?",
         "{unit}, {loc}, {fault}. driver {driver} {phone}"),
        "tow for {unit} asap, {fault} on {loc}",
        "breakdown: {unit} / {driver} ({phone}) / {loc} → log issue, dispatch tow to {shop}",
    ], [
        "One of our trucks ({unit}) is dead on the side of {loc}; get it towed and record the breakdown.",
        "driver stranded with a {fault}, need roadside help sent",
        "Open a breakdown issue on {unit} and arrange towing to {shop}.",
    ], [("visible:error", "no tow provider accepts the job"),
        ("silent:wrong-record", "logs the breakdown and dispatches the tow for a different unit number")],
        follow="also {unit} broke down at {loc} ({fault}) — log it and send a tow, driver {driver} {phone}"),
    Task("l10n_push_strings", "l10n", "push new UI strings to the translation platform and order translations",
         "snake", v_l10n, b_l10n, [
        "push new strings from {path} to lokalise, translate to {locales}",
        "Hi! We just merged {feature} on {branch}, which adds about {n} new strings in {path}. Could you upload "
        "them to Lokalise ({proj}) and create a translation task for {locales}, due {due}? Thank you!",
        "Please upload new texts of {proj} to translation platform and ask translation in {locales}.",
        ("new copy for {feature}", "upload {path} and request {locales}"),
        ("Can you send strings for translation?", "Sure — which project/file, and which languages?",
         "{proj}, {path}, languages {locales}, by {due}"),
        "sync {path} to lokalise + order {locales} translaitons",
        "{branch}: {n} new keys in {proj} → lokalise, task for {locales} due {due}",
    ], [
        "Get the new {feature} copy into Lokalise and have it translated into {locales}.",
        "we added a bunch of new text to the app, can you get it out to the translators?",
        "Upload the updated source file {path} and open a translation job for {locales}.",
    ], [("silent:skipped-step", "orders translations for all but one of the requested locales"),
        ("visible:error", "translation task rejected (plan's task limit)")]),
    Task("email_schedule_campaign", "email", "test-send an email campaign, then schedule it to a segment", "camel",
         v_email, b_email, [
        "schedule \"{camp}\" to {seg} for {at}, test to {test} first",
        "Hi! The \"{camp}\" campaign is ready in Mailchimp. Could you send a test to {test} first, and then "
        "schedule it for {at} to the \"{seg}\" segment? Thanks a lot!",
        "Please schedule campaign \"{camp}\" to segment {seg}, time {at}. Before, send test email to {test}.",
        ("\"{camp}\" is ready", "test to {test}, then schedule {at} for {seg}"),
        ("Can you schedule an email for me?", "Sure — which campaign, which audience, and when?",
         "\"{camp}\", {seg}, {at}. test to {test} before"),
        "shedule {camp} → {seg} @ {at}, send me ({test}) a test frist",
        "{seg}: \"{camp}\", {at}. test send then schedule",
    ], [
        "Send a proof of \"{camp}\" to {test}, then set it to go out to {seg} at {at}.",
        "our newsletter is done, can you queue it up for the {seg} people after i check a test copy?",
        "Schedule the Mailchimp campaign \"{camp}\" for the {seg} segment ({at}) after a test send.",
    ], [("silent:skipped-step", "schedules the campaign without sending the test"),
        ("visible:error", "scheduling rejected (sending domain not authenticated)")],
        secret="schedule \"{camp}\" for {at} to {seg} (test to {test}). mc key: {secret}"),
]

NOVEL = [
    ("sec_revoke_user_sessions", "{name}'s Okta account was phished — kill all their sessions and force a password "
                                 "reset."),
    ("de_add_airflow_connection", "Add an Airflow connection for the new Snowflake warehouse ANALYTICS_WH so DAGs "
                                  "can use it."),
    ("ff_archive_stale_flags", "Find feature flags that have been 100% on in production for over 90 days and "
                               "archive them."),
    ("web_book_travel", "Book me a flight to Denver next Tuesday morning and a hotel near the convention center "
                        "for two nights."),
    ("acct_void_vendor_payment", "Void the check we sent to Summit Office Supply last week — it was a duplicate."),
    ("payroll_add_bonus", "Add a one-time $1,500 spot bonus for {name} to the next payroll."),
    ("fleet_assign_driver", "Assign {name} to van VAN-412 starting Monday and update the ELD roster."),
    ("email_unsubscribe_contact", "Remove {email} from every marketing list — they asked to unsubscribe."),
]
# fmt: on


# runs --------------------------------------------------------------------------------------------------------------
SYSTEM = {
    "secops": "You are a SOC assistant for Harborline with access to CrowdStrike Falcon, VirusTotal and the FortiGate "
    "firewall API. Confirm before containment actions. Today is {today}.",
    "data": "You are a data-platform assistant for Quantaloop. You can operate Airflow and dbt. Today is {today}.",
    "flags": "You are a release assistant with access to LaunchDarkly and GrowthBook for Brightpeak. Today is {today}.",
    "browser": "You are a computer-use assistant. You can control a web browser to complete tasks for the user.",
    "accounting": "You are a close assistant for Tallis Group's accounting team with NetSuite and Xero access. "
    "Follow the approval policy. Today is {today}.",
    "payroll": "You are a payroll assistant for Pinecrest Staffing. Today is {today}.",
    "fleet": "You are a fleet-maintenance assistant for Harvestline Logistics (Fleetio, Samsara, roadside "
    "dispatch). Today is {today}.",
    "l10n": "You are a localization assistant for Kitestring. You can push strings to Lokalise.",
    "email": "You are an email-marketing assistant for Fernwood with Mailchimp access. Today is {today}.",
}


SEVENTH = TaskSet(TASKS, NOVEL, lambda rng: person(rng, "pinecrest-staffing.com"), SYSTEM, seed=20260718,
                  n_second=8, cwd_dirs=("work", "repos", "ops"), cc_versions=("2.0.31", "2.1.3", "2.1.12"),
                  codex_versions=("0.50.0", "0.53.1", "0.58.0"), shell_calls=True)  # fmt: skip

if __name__ == "__main__":
    main(SEVENTH, __doc__)
