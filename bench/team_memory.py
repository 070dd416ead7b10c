"""Team memory's floor (issue 14, item 3): two servers on one S3 store lose nothing and see each other.

    python bench/team_memory.py [--traces 200] [--ratings 200] [--clients 4] [--queries 100] [--keep DIR]

Starts a local S3-compatible server (moto's server mode, from the test extras) on a loopback port, then
two ``deftly serve`` processes over stdio (two homes, as on two machines) sharing ``s3://bucket/deftly``.
Each server gets ``--clients`` concurrent callers that together record ``--traces`` traces and make
``--ratings`` rate_procedure calls, at the same time as the other server's. Afterwards it checks, in the
store itself, that every trace is there and learned, that the rating counters and the feedback log equal
what was sent, and that the two tasks recorded on both servers became one procedure each. Then it times
``find_procedure`` round trips on each server (p50, p95) and how long a procedure one server learns takes to
be found through the other (record_trace returned -> the other's find_procedure lists it).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import anyio
from benchlib import deftly_command, git_commit, machine, server_env, show, write_result
from mcp import Client, StdioServerParameters

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from s3_support import LocalS3, address_history, cancel_history, local_s3

NEW_TASKS = [  # learned after the load, one per delay measurement: (request, lookup tool, action tool, query)
    ("Refund payment P-{n} to the customer", "get_payment", "refund_payment", "refund a payment"),
    ("Reset the password of account acct-{n}", "get_account", "reset_password", "reset an account password"),
    ("Renew the TLS certificate of d{n}.example.com", "get_certificate", "renew_certificate", "renew a certificate"),
    ("Book meeting room R{n} for the standup", "list_rooms", "book_room", "book a meeting room"),
    ("Archive support ticket T-{n}", "get_ticket", "archive_ticket", "archive a support ticket"),
    ("Upgrade the plan of customer C-{n} to pro", "get_customer", "change_plan", "upgrade a customer's plan"),
]


def new_task_history(task: int, n: int) -> list[dict[str, Any]]:
    request, lookup, action, _query = NEW_TASKS[task]
    call = [
        {"id": f"c{k}", "type": "function", "function": {"name": tool, "arguments": f'{{"ref": "{n}"}}'}}
        for k, tool in enumerate((lookup, action))
    ]
    return [
        {"role": "user", "content": request.format(n=n)},
        {"role": "assistant", "content": None, "tool_calls": [call[0]]},
        {"role": "tool", "tool_call_id": "c0", "content": '{"found": true}'},
        {"role": "assistant", "content": None, "tool_calls": [call[1]]},
        {"role": "tool", "tool_call_id": "c1", "content": '{"done": true}'},
        {"role": "assistant", "content": "Done."},
    ]


def stdio(home: Path, env: dict[str, str]) -> Client:
    command, *args = deftly_command()
    return Client(StdioServerParameters(command=command, args=[*args, "serve"], env=server_env(home, **env)))


def content(result: Any) -> dict[str, Any]:
    if result.is_error:
        raise RuntimeError(result.content[0].text)
    data: dict[str, Any] = result.structured_content
    return data


async def status_of(client: Client, resource_id: str) -> dict[str, Any]:
    import json

    contents = (await client.read_resource(f"trace://{resource_id}")).contents
    status: dict[str, Any] = json.loads(contents[0].text)
    return status


async def learned(client: Client, resource_id: str, timeout: float = 600) -> dict[str, Any]:
    with anyio.fail_after(timeout):
        while (status := await status_of(client, resource_id))["status"] in ("pending", "processing"):
            await anyio.sleep(0.2)
    return status


async def find_ids(client: Client, query: str) -> list[str]:
    return [hit["id"] for hit in content(await client.call_tool("find_procedure", {"query": query}))["procedures"]]


class Load:
    """What one server's callers sent: resource ids recorded, ratings by outcome, and the call latencies."""

    def __init__(self) -> None:
        self.recorded: list[str] = []
        self.successes = 0
        self.failures = 0
        self.record_ms: list[float] = []
        self.rate_ms: list[float] = []


async def record(client: Client, server: str, i: int, load: Load) -> None:
    n = 10_000 * (server == "b") + i
    history = cancel_history(n) if i % 2 else address_history(n)
    started = time.perf_counter()
    recorded = content(await client.call_tool("record_trace", {"history": history, "session_id": f"{server}-{i}"}))
    load.record_ms.append((time.perf_counter() - started) * 1000)
    load.recorded.append(recorded["resource_id"])


async def rate(client: Client, i: int, rated: str, load: Load) -> None:
    success = i % 3 != 0
    started = time.perf_counter()
    content(await client.call_tool("rate_procedure", {"id": rated, "success": success}))
    load.rate_ms.append((time.perf_counter() - started) * 1000)
    load.successes += success
    load.failures += not success


async def caller(client: Client, server: str, jobs: range, args: argparse.Namespace, rated: str, load: Load) -> None:
    for i in jobs:
        if i < args.traces:
            await record(client, server, i, load)
        if i < args.ratings:
            await rate(client, i, rated, load)


async def serve_load(client: Client, server: str, args: argparse.Namespace, rated: str) -> Load:
    load = Load()
    total = max(args.traces, args.ratings)
    async with anyio.create_task_group() as group:
        for number in range(args.clients):
            group.start_soon(caller, client, server, range(number, total, args.clients), args, rated, load)
    return load


async def delays(a: Client, b: Client) -> list[float]:
    """record_trace on one server returned -> find_procedure on the other lists the procedure (seconds)."""
    measured = []
    for task in range(len(NEW_TASKS)):
        source, other = (a, b) if task % 2 == 0 else (b, a)
        recorded = content(
            await source.call_tool("record_trace", {"history": new_task_history(task, 7), "session_id": f"new-{task}"})
        )
        started = time.monotonic()
        status = await learned(source, recorded["resource_id"])
        [procedure_id] = status["procedure_ids"]
        while procedure_id not in await find_ids(other, NEW_TASKS[task][3]):
            await anyio.sleep(0.05)
        measured.append(time.monotonic() - started)
    return measured


async def find_latency(client: Client, queries: int) -> list[float]:
    asked = ["cancel a reservation", "change the shipping address of an order", "refund a payment", "book a room"]
    for query in asked:  # warm-up
        await find_ids(client, query)
    times = []
    for i in range(queries):
        started = time.perf_counter()
        await find_ids(client, asked[i % len(asked)])
        times.append((time.perf_counter() - started) * 1000)
    return times


def check_store(s3: LocalS3, store: str, loads: dict[str, Load], expected_procedures: int) -> dict[str, Any]:
    db = s3.open_db(store)
    sent_traces = sum(len(load.recorded) for load in loads.values()) + 1 + len(NEW_TASKS)
    successes = sum(load.successes for load in loads.values())
    failures = sum(load.failures for load in loads.values())
    rows = db.stats.search().select(["id", "successes", "failures"]).to_list()
    counted = {row["id"]: (row["successes"], row["failures"]) for row in rows}
    return {
        "traces_sent": sent_traces,
        "traces_stored": db.traces.count_rows(),
        "traces_completed": db.traces.count_rows("status = 'completed'"),
        "ratings_sent": successes + failures,
        "ratings_counted": sum(s + f for s, f in counted.values()),
        "successes": (successes, sum(s for s, _ in counted.values())),
        "failures": (failures, sum(f for _, f in counted.values())),
        "feedback_rows": db.feedback.count_rows(),
        "procedures": (expected_procedures, db.procedures.count_rows()),
    }


async def run(args: argparse.Namespace) -> int:
    print(f"machine: {machine()}; commit {git_commit()}; load average {os.getloadavg()[0]:.2f} at start")
    with tempfile.TemporaryDirectory(prefix="deftly-team-") as temporary, local_s3(Path(temporary) / "s3.log") as s3:
        scratch = args.keep or temporary
        store = s3.new_store()
        extra = {"DEFTLY_LOG_LEVEL": "INFO"} if args.keep else {}
        if args.read_consistency:
            extra["DEFTLY_READ_CONSISTENCY_SECONDS"] = args.read_consistency
        env = s3.env(store, **extra)
        print(f"store {store} on {s3.endpoint} (moto server mode, conditional writes serialized)")
        async with stdio(Path(scratch) / "a", env) as a, stdio(Path(scratch) / "b", env) as b:
            first = content(await a.call_tool("record_trace", {"history": cancel_history(0), "session_id": "first"}))
            [rated] = (await learned(a, first["resource_id"]))["procedure_ids"]
            started = time.monotonic()
            loads: dict[str, Load] = {}

            async def serve(client: Client, name: str) -> None:
                loads[name] = await serve_load(client, name, args, rated)

            async with anyio.create_task_group() as group:
                group.start_soon(serve, a, "a")
                group.start_soon(serve, b, "b")
            sent = time.monotonic() - started
            for load in loads.values():
                for resource_id in load.recorded:
                    await learned(b, resource_id)
            drained = time.monotonic() - started
            print(
                f"load: {sum(len(x.recorded) for x in loads.values())} record_trace + "
                f"{sum(len(x.rate_ms) for x in loads.values())} rate_procedure calls from 2 servers x {args.clients} "
                f"callers in {sent:.1f} s; every trace learned {drained:.1f} s after the start"
            )
            show("record_trace (under load, both servers)", [t for x in loads.values() for t in x.record_ms])
            show("rate_procedure (under load, both servers)", [t for x in loads.values() for t in x.rate_ms])
            visible = await delays(a, b)
            print(
                "learned on one server -> found through the other: "
                + ", ".join(f"{d:.2f}" for d in visible)
                + f" s (max {max(visible):.2f} s)"
            )
            finds = {name: await find_latency(client, args.queries) for name, client in (("a", a), ("b", b))}
            print(f"load average {os.getloadavg()[0]:.2f} before the find timing")
            found = {name: show(f"find_procedure over S3, server {name}", times) for name, times in finds.items()}
        checked = check_store(s3, store, loads, expected_procedures=2 + len(NEW_TASKS))
    lost_traces = checked["traces_sent"] - checked["traces_stored"]
    lost_ratings = checked["ratings_sent"] - checked["ratings_counted"]
    ok = (
        lost_traces == 0
        and checked["traces_completed"] == checked["traces_sent"]
        and lost_ratings == 0
        and checked["feedback_rows"] == checked["ratings_sent"]
        and checked["successes"][0] == checked["successes"][1]
        and checked["procedures"][0] == checked["procedures"][1]
    )
    print(
        f"traces: sent {checked['traces_sent']}, stored {checked['traces_stored']} (lost {lost_traces}), "
        f"learned {checked['traces_completed']}; ratings: sent {checked['ratings_sent']}, counted "
        f"{checked['ratings_counted']} (lost {lost_ratings}; successes sent/counted {checked['successes']}, "
        f"failures {checked['failures']}), feedback rows {checked['feedback_rows']}; procedures expected/stored "
        f"{checked['procedures']}  [{'OK' if ok else 'FAILED'}]"
    )
    write_result("team_memory", {"checked": checked, "find_ms": found, "visible_s": visible, "load_s": sent})
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--traces", type=int, default=200, help="record_trace calls per server")
    parser.add_argument("--ratings", type=int, default=200, help="rate_procedure calls per server")
    parser.add_argument("--clients", type=int, default=4, help="concurrent callers per server")
    parser.add_argument("--queries", type=int, default=100, help="timed find_procedure calls per server")
    parser.add_argument("--read-consistency", help="DEFTLY_READ_CONSISTENCY_SECONDS for both servers (default: unset)")
    parser.add_argument("--keep", help="keep the two servers' homes (and their INFO logs) in this folder")
    args = parser.parse_args()
    return anyio.run(run, args)


if __name__ == "__main__":
    sys.exit(main())
