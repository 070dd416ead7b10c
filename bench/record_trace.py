"""``record_trace`` latency for a 100-message trace, through a real MCP client talking to ``deftly serve`` over stdio.

Floor (issue 2): returns in <= 50 ms. Each call sends a new session (so nothing short-circuits as
"unchanged"). Times are client-side round trips: JSON-RPC over the pipe, validation, parse, scrub, store.
Two runs:

* idle: after each call the script waits (untimed) until the background worker has extracted the
  trace, so each call meets an idle server, as when an agent records a session now and then;
* back-to-back: calls follow each other at once, so the worker extracts (embedding, LanceDB writes)
  in the same process while later calls are timed.

    python bench/record_trace.py [--calls 100] [--messages 100]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import anyio
from benchlib import deftly_command, git_commit, long_trace, machine, server_env, show, write_result
from mcp import Client, StdioServerParameters

FLOOR_MS = 50.0
WARMUP = 5


async def measure(home: Path, calls: int, messages: int, idle: bool) -> tuple[list[float], int]:
    command, *args = deftly_command()
    params = StdioServerParameters(command=command, args=[*args, "serve"], env=server_env(home))
    traces = [long_trace(messages, seed=i) for i in range(calls + WARMUP)]
    size = len(json.dumps(traces[0]).encode())
    timings: list[float] = []
    async with Client(params, mode="legacy") as client:
        for i, trace in enumerate(traces):
            started = time.perf_counter()
            result = await client.call_tool("record_trace", {"history": trace, "session_id": f"bench-{i}"})
            elapsed = (time.perf_counter() - started) * 1000
            assert not result.is_error, result.content
            if i >= WARMUP:
                timings.append(elapsed)
            if idle:
                await wait_extracted(client, result.structured_content["resource_id"])
    return timings, size


async def wait_extracted(client: Client, resource_id: str) -> None:
    while True:
        contents = (await client.read_resource(f"trace://{resource_id}")).contents
        if json.loads(contents[0].text)["status"] not in ("pending", "processing"):
            return
        await anyio.sleep(0.02)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--messages", type=int, default=100)
    args = parser.parse_args()
    print(f"machine: {machine()}; commit {git_commit()}")
    figures = {}
    for label, idle in (("idle", True), ("back-to-back", False)):
        with tempfile.TemporaryDirectory() as tmp:
            timings, size = anyio.run(measure, Path(tmp) / "home", args.calls, args.messages, idle)
        result = show(f"record_trace over stdio, {label} server", timings)
        figures[label] = timings
        verdict = "meets" if result["median"] <= FLOOR_MS else "MISSES"
        print(f"  floor {FLOOR_MS:.0f} ms: {verdict} (median {result['median']:.1f} ms, p95 {result['p95']:.1f} ms)")
    print(f"trace: {args.messages} messages, {size / 1024:.1f} KiB of JSON; {WARMUP} warm-up calls not counted")
    write_result("record_trace", {"messages": args.messages, "bytes": size, "timings_ms": figures})


if __name__ == "__main__":
    main()
