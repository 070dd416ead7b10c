"""Resident memory (RSS) of an idle ``deftly serve``, before the embedding model has loaded and after.

The server answers ``initialize`` first and opens LanceDB and the model in a background thread, so:

* at initialize: RSS when the ``initialize`` reply arrives (imports done, store and model still loading);
* before the model loads: a process holding everything the server holds (MCP app, LanceDB opened,
  tables and indexes) except the model, measured in a separate process that never loads it;
* after: the real server once the model is loaded, one ``find_procedure`` served, then idle for a few
  seconds; also its peak (VmHWM).

    python bench/rss.py [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from benchlib import INITIALIZE, git_commit, machine, reply, rss_mb, send, server_env, spawn_server, write_result

IDLE_SECONDS = 5.0

WITHOUT_MODEL = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from deftly.server.app.server import build_server
    from deftly.server.storage.db import Database
    from deftly.server.background.embedding import BUILTIN_DIM, BUILTIN_NAME
    from deftly.server.settings import Settings
    settings = Settings(home=Path(sys.argv[1]))
    server = build_server(settings)
    db = Database(settings.db_path, dimensions=BUILTIN_DIM, embedding_model=BUILTIN_NAME)
    db.procedures.count_rows()
    time.sleep(1.0)
    status = Path("/proc/self/status").read_text()
    print(next(int(l.split()[1]) for l in status.splitlines() if l.startswith("VmRSS:")) / 1024)
    """
)


def peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def serve_run(home: Path) -> dict[str, float]:
    process = spawn_server(home)
    try:
        send(process, {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": INITIALIZE})
        reply(process, 1)
        at_initialize = rss_mb(process.pid)
        send(process, {"jsonrpc": "2.0", "method": "notifications/initialized"})
        call = {"name": "find_procedure", "arguments": {"query": "cancel a reservation"}}
        send(process, {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": call})
        assert not reply(process, 2)["result"]["isError"]
        time.sleep(IDLE_SECONDS)
        return {"at_initialize": at_initialize, "loaded_idle": rss_mb(process.pid), "peak": peak_mb(process.pid)}
    finally:
        process.kill()
        process.wait()


def without_model(home: Path) -> float:
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_MODEL, str(home)],
        env=server_env(home),
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: {machine()}; commit {git_commit()}")
    runs, bare = [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            runs.append(serve_run(Path(tmp) / "home"))
            bare.append(without_model(Path(tmp) / "home"))
    median = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
    print(f"RSS at the initialize reply (store and model still loading): {median['at_initialize']:.0f} MB")
    print(f"RSS before the model loads (server + LanceDB open, no model): {statistics.median(bare):.0f} MB")
    print(f"RSS after: model loaded, one find_procedure, {IDLE_SECONDS:.0f} s idle: {median['loaded_idle']:.0f} MB")
    print(f"peak RSS (VmHWM) of that server: {median['peak']:.0f} MB   (medians of {args.runs} runs)")
    write_result("rss", {"serve_runs_mb": runs, "without_model_mb": bare})


if __name__ == "__main__":
    main()
