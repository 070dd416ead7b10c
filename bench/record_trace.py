"""``record_trace`` latency for a 100-message trace, through a real MCP client talking to ``deftly serve`` over stdio.

Floor (issue 2): returns in <= 50 ms. Each call sends a new session (so nothing short-circuits as
"unchanged"). Times are client-side round trips: JSON-RPC over the pipe, validation, parse, scrub, store.
Two runs:

* idle: after each call the script waits (untimed) until the background worker has extracted the
  trace, so each call meets an idle server, as when an agent records a session now and then;
* back-to-back: calls follow each other at once, so the worker extracts (embedding, LanceDB writes)
  in the same process while later calls are timed.

Then the same calls in-process on an idle store, timing the phases of ``record_trace`` separately.

    python bench/record_trace.py [--calls 100] [--messages 100]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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


def phase_breakdown(home: Path, calls: int, messages: int) -> dict[str, list[float]]:
    """Per-phase timings of ``record_trace`` in-process, each call on an idle store (worker drained)."""
    import deftly.tools.record_trace as module
    from deftly.server.runtime import Runtime
    from deftly.server.settings import Settings
    from deftly.server.storage.store import LanceStore

    phases: dict[str, list[float]] = {}

    def timed(name: str, fn: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                phases.setdefault(name, []).append((time.perf_counter() - started) * 1000)

        return wrapper

    originals = (module.parse_history, module.scrub_trace, LanceStore.get_trace, LanceStore.put_trace)
    module.parse_history = timed("parse_history", module.parse_history)
    module.scrub_trace = timed("scrub_trace", module.scrub_trace)
    runtime = Runtime(Settings(home=home, worker_poll_seconds=0.05))
    runtime.start()
    try:
        worker = runtime.worker
        assert worker is not None
        for i in range(calls + WARMUP):
            LanceStore.get_trace = timed("store.get_trace", originals[2])
            LanceStore.put_trace = timed("store.put_trace", originals[3])
            started = time.perf_counter()
            result = module.record_trace(
                runtime.store(), long_trace(messages, seed=i), now=datetime.now(UTC), session_id=f"phase-{i}"
            )
            phases.setdefault("record_trace (all)", []).append((time.perf_counter() - started) * 1000)
            LanceStore.get_trace, LanceStore.put_trace = originals[2], originals[3]
            runtime.wake_worker()
            while runtime.store().get_trace(result.resource_id).status in ("pending", "processing"):
                time.sleep(0.01)
    finally:
        module.parse_history, module.scrub_trace = originals[0], originals[1]
        LanceStore.get_trace, LanceStore.put_trace = originals[2], originals[3]
        runtime.stop()
    return {name: values[WARMUP:] for name, values in phases.items()}


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
    print("in-process phases, idle store:")
    with tempfile.TemporaryDirectory() as tmp:
        phases = phase_breakdown(Path(tmp) / "home", args.calls, args.messages)
    for name, values in phases.items():
        show(f"  {name}", values)
    write_result("record_trace", {"messages": args.messages, "bytes": size, "timings_ms": figures, "phases": phases})


if __name__ == "__main__":
    main()
