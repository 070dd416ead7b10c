"""Nothing secret reaches disk (issue 13): plant secrets everywhere a trace can carry them, import through all three
paths, let extraction finish, then read every byte under DEFTLY_HOME.

Secrets of 40 kinds are planted in every position: system prompt, user text, assistant text, a tool argument, a
nested tool argument, a tool result, a failed call's error, the session id, a metadata value, the title and a
rating note. The traces go in through ``deftly import`` (a subprocess on files), ``record_trace`` (in-process,
through a real Runtime, its store and worker) and the Claude Code hook (``deftly hook claude-code`` with a
payload on stdin; the drain it starts stores and extracts). Then every file under the home (all LanceDB table
versions, the inbox, logs, the import log) is searched for each secret, raw and JSON-escaped. Floor: 0 survive.

A companion set of ids a procedure needs (order numbers, flight numbers, commit SHAs in git commands, UUIDs,
product ids, dates, emails, …) is planted the same way; floor: at most 1 % of them scrubbed. The same disk scan
must find them (a check that the scan can see strings at all).

    python bench/secrets_on_disk.py [--seed 13] [--scrub-cost-mb 10]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchlib import deftly_command, git_commit, machine, server_env
from planted import KINDS, NEEDED, SESSION_IDS, Kind

POSITIONS = (
    "system prompt",
    "user text",
    "assistant text",
    "tool argument",
    "nested tool argument",
    "tool result",
    "tool error",
    "session id",
    "metadata value",
    "title",
    "rating note",
)
PATH_POSITIONS = {
    "deftly import": POSITIONS[:8],
    "record_trace": POSITIONS,
    # Claude Code transcripts carry no system prompt or metadata; a hook sends no rating.
    "claude-code hook": tuple(p for p in POSITIONS if p not in ("system prompt", "metadata value", "rating note")),
}
MAX_SCRUBBED_SHARE = 0.01


@dataclass
class Plant:
    path: str
    kind: str
    position: str
    value: str
    needles: list[str]
    rendered: str
    trace_key: str = ""


@dataclass
class Session:
    """One trace to send: its texts by position, and what was planted in it."""

    path: str
    key: str
    texts: dict[str, str]
    plants: list[Plant] = field(default_factory=list)
    session_id: str = ""


# --- planting ---------------------------------------------------------------------------------------------------


def render(kind: Kind, context: str, value: str) -> str:
    return context.format(s=value, json_s=json.dumps(value))


def plant_sessions(rng: random.Random, kinds: tuple[Kind, ...], secret: bool) -> list[Session]:
    """One session per path and kind, the kind planted once in every position that path carries."""
    sessions = []
    for path, positions in PATH_POSITIONS.items():
        for number, kind in enumerate(kinds):
            session = Session(path, f"{path[:6].strip()}-{kind.name}-{number}", {})
            for index, position in enumerate(positions):
                if position == "rating note" and not secret:
                    continue  # ratings are not part of a trace; the companion set is checked in traces
                if position == "session id" and not secret:
                    session.session_id = unused_session_id(rng, number, sessions)
                    session.plants.append(Plant(path, "session_id", position, session.session_id, [], ""))
                    continue
                value = kind.make(rng)
                context = kind.contexts[(index + number) % len(kind.contexts)]
                rendered = render(kind, context, value)
                session.plants.append(Plant(path, kind.name, position, value, kind.needles(value), rendered))
                session.texts[position] = rendered
                if position == "session id":
                    session.session_id = rendered
            if not session.session_id:
                session.session_id = session.key
            sessions.append(session)
    return sessions


def unused_session_id(rng: random.Random, number: int, sessions: list[Session]) -> str:
    """An ordinary session id no other session has: re-sending a session id would update, not add, a trace."""
    taken = {s.session_id for s in sessions}
    while (session_id := SESSION_IDS[number % len(SESSION_IDS)](rng)) in taken:
        pass
    return session_id


def openai_messages(session: Session) -> list[dict[str, Any]]:
    t = session.texts
    messages: list[dict[str, Any]] = []
    if "system prompt" in t:
        messages.append(
            {"role": "system", "content": f"You are ACME's ops assistant. Deployment notes: {t['system prompt']}"}
        )
    messages.append({"role": "user", "content": f"The billing-api deploy fails; fix it and redeploy. {t['user text']}"})
    for n, (tool, arguments, result) in enumerate(_calls(t), start=1):
        call = {"id": f"call_{n}", "type": "function", "function": {"name": tool, "arguments": json.dumps(arguments)}}
        messages.append({"role": "assistant", "content": None, "tool_calls": [call]})
        messages.append({"role": "tool", "tool_call_id": f"call_{n}", "content": result})
    messages.append({"role": "assistant", "content": f"Redeployed billing-api. For the record: {t['assistant text']}"})
    return messages


def _calls(t: dict[str, str]) -> list[tuple[str, dict[str, Any], str]]:
    """A fix-and-redeploy task a procedure is learned from: read the config, a deploy that is rejected, the fix,
    the deploy redone (a failure not made good would get the task skipped, and nothing learned), then the deploy
    recorded through the API."""
    return [
        (
            "run_command",
            {"command": "cat config/settings.txt"},
            f"service=billing-api\n{t['tool result']}\nregion=eu-1",
        ),
        ("deploy_service", {"service": "billing-api"}, f"Error: deploy rejected: {t['tool error']}"),
        ("write_file", {"path": "config/.env", "content": t["tool argument"]}, "wrote 1 file"),
        ("deploy_service", {"service": "billing-api"}, '{"status": "deployed", "service": "billing-api"}'),
        (
            "http_request",
            {
                "url": "https://api.acme.io/v1/deploys",
                "method": "POST",
                "body": {"service": "billing-api", "config": {"notes": [t["nested tool argument"]]}},
            },
            '{"status": "recorded", "service": "billing-api"}',
        ),
    ]


def claude_code_lines(session: Session) -> list[dict[str, Any]]:
    t = session.texts
    envelope = {
        "isSidechain": False,
        "userType": "external",
        "cwd": "/home/lee/billing",
        "sessionId": session.session_id,
    }
    envelope |= {"version": "2.1.92", "gitBranch": "main"}
    lines: list[dict[str, Any]] = [
        {"type": "summary", "summary": f"Fix the billing deploy ({t['title']})", "leafUuid": "x"}
    ]
    parent: str | None = None

    def line(kind: str, message: dict[str, Any], **extra: Any) -> None:
        nonlocal parent
        uuid = f"{kind[0]}-{len(lines):04d}"
        lines.append({"parentUuid": parent, **envelope, "type": kind, "message": message, "uuid": uuid} | extra)
        parent = uuid

    line("user", {"role": "user", "content": f"The billing-api deploy fails; fix it. {t['user text']}"})
    for n, (tool, arguments, result) in enumerate(_calls(t), start=1):
        block = {"type": "tool_use", "id": f"toolu_{n:03d}", "name": tool, "input": arguments}
        line("assistant", {"id": f"msg_{n}", "role": "assistant", "content": [block]})
        failed = result.startswith("Error:")
        outcome = {"type": "tool_result", "tool_use_id": f"toolu_{n:03d}", "content": result, "is_error": failed}
        harness: Any = result if failed else {"stdout": result, "stderr": ""}
        line("user", {"role": "user", "content": [outcome]}, toolUseResult=harness)
    reply = {"type": "text", "text": f"Redeployed billing-api. For the record: {t['assistant text']}"}
    line("assistant", {"id": "msg_end", "role": "assistant", "content": [reply]})
    return lines


# --- the three paths ----------------------------------------------------------------------------------------------


def via_import(home: Path, work: Path, sessions: list[Session]) -> None:
    folder = work / "import"
    folder.mkdir()
    for number, session in enumerate(sessions):
        document = {"session_id": session.session_id, "messages": openai_messages(session)}
        (folder / f"trace-{number:03d}.json").write_text(json.dumps(document), encoding="utf-8")
        session.key = f"trace-{number:03d}"
    done = subprocess.run(
        [*deftly_command(), "import", str(folder), "--init", "--json"],
        env=server_env(home),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"deftly import failed ({done.returncode}): {done.stderr[-2000:]}")


def via_hook(home: Path, work: Path, sessions: list[Session]) -> None:
    for number, session in enumerate(sessions):
        transcript = work / "claude" / f"s-{number:03d}.jsonl"
        transcript.parent.mkdir(parents=True, exist_ok=True)
        transcript.write_text("".join(json.dumps(x) + "\n" for x in claude_code_lines(session)), encoding="utf-8")
        payload = {"session_id": session.session_id, "transcript_path": str(transcript), "cwd": "/home/lee/billing"}
        payload |= {"hook_event_name": "SessionEnd", "reason": "prompt_input_exit"}
        done = subprocess.run(
            [*deftly_command(), "hook", "claude-code"],
            input=json.dumps(payload),
            env=server_env(home),
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise SystemExit(f"the hook failed for {session.key}: {done.stderr[-2000:]}")
    wait_for_drains(home)


def wait_for_drains(home: Path, timeout: float = 600.0) -> None:
    from deftly.server.storage.filelock import FileLock

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        inbox = home / "inbox"
        queued = inbox.is_dir() and (any(inbox.glob("*.json")) or any(inbox.glob("*.claimed")))
        lock = FileLock(home / "worker.lock")
        if not queued and lock.acquire():
            lock.release()
            if not _pending(home):
                time.sleep(1.0)  # a drain that lost the race for the lock exits after it
                return
        time.sleep(0.5)
    raise SystemExit("the hooks' drains did not finish")


def _pending(home: Path) -> bool:
    from deftly.server.background.embedding import BUILTIN_DIM, BUILTIN_NAME
    from deftly.server.storage.db import Database
    from deftly.server.storage.store import LanceStore

    db = Database(home / "lancedb", dimensions=BUILTIN_DIM, embedding_model=BUILTIN_NAME)
    return any(r.status in ("pending", "processing") for r in LanceStore(db, "default").list_traces(limit=10_000))


def via_record_trace(home: Path, sessions: list[Session]) -> None:
    """In-process, as ``deftly serve`` runs it: a Runtime with its worker; then a rating for each session."""
    from deftly.server.runtime import Runtime
    from deftly.server.settings import Settings
    from deftly.tools.rate_procedure import rate_procedure
    from deftly.tools.record_trace import record_trace

    runtime = Runtime(Settings(home=home, worker_poll_seconds=0.1))
    runtime.start()
    try:
        store = runtime.store()
        recorded = []
        for session in sessions:
            result = record_trace(
                store,
                openai_messages(session),
                now=datetime.now(UTC),
                session_id=session.session_id,
                title=f"Fix the billing deploy ({session.texts['title']})",
                metadata={"project": "billing-api", "note": session.texts["metadata value"]},
            )
            recorded.append(result.resource_id)
        runtime.wake_worker()
        deadline = time.monotonic() + 600
        while any(store.get_trace(r).status in ("pending", "processing") for r in recorded):  # type: ignore[union-attr]
            if time.monotonic() > deadline:
                raise SystemExit("extraction did not finish")
            time.sleep(0.2)
        fallback = store.list_procedures(1)
        if not fallback:
            records = [store.get_trace(r) for r in recorded]
            statuses = Counter(f"{r.status}: {r.reason}" if r else "missing" for r in records)
            raise SystemExit(
                "record_trace learned no procedure from the planted sessions, so the rating notes cannot be planted"
                f" (trace statuses: {dict(statuses)})"
            )
        for session, resource_id in zip(sessions, recorded, strict=True):
            record = store.get_trace(resource_id)
            procedure_ids = (record.procedure_ids if record else []) or [p.id for p in fallback]
            note = session.texts.get("rating note", "the retry step was not needed")
            rate_procedure(store, procedure_ids[0], success=False, now=datetime.now(UTC), notes=f"Failed: {note}")
    finally:
        runtime.stop()


# --- reading the home --------------------------------------------------------------------------------------------


def home_bytes(home: Path) -> tuple[bytes, int]:
    files = [p for p in home.rglob("*") if p.is_file()]
    return b"\0".join(p.read_bytes() for p in files), len(files)


def table_rows(home: Path) -> tuple[bytes, int]:
    """Every row of every version of every LanceDB table, decoded: Lance compresses some string columns (short
    ones such as session ids), which a byte scan of its files cannot see into."""
    import lancedb

    connection = lancedb.connect(str(home / "lancedb"))
    parts: list[bytes] = []
    versions = 0
    for name in connection.table_names():
        table = connection.open_table(name)
        for version in table.list_versions():
            table.checkout(version["version"])
            rows = table.to_arrow().drop_columns([c for c in table.schema.names if c == "vector"]).to_pylist()
            parts.append(json.dumps(rows, default=str, ensure_ascii=False).encode())
            versions += 1
    return b"\0".join(parts), versions


def encodings(needle: str) -> set[bytes]:
    return {needle.encode(), json.dumps(needle)[1:-1].encode(), json.dumps(needle, ensure_ascii=False)[1:-1].encode()}


def survives(blob: bytes, plant: Plant) -> bool:
    return any(form in blob for needle in plant.needles for form in encodings(needle))


def stored_texts(home: Path) -> dict[str, str]:
    """Each stored trace's record and content as one text, by session id."""
    from deftly.server.background.embedding import BUILTIN_DIM, BUILTIN_NAME
    from deftly.server.storage.db import Database
    from deftly.server.storage.store import LanceStore

    store = LanceStore(Database(home / "lancedb", dimensions=BUILTIN_DIM, embedding_model=BUILTIN_NAME), "default")
    texts = {}
    for record in store.list_traces(limit=10_000):
        texts[record.session_id] = record.model_dump_json() + store.load_trace(record.resource_id).model_dump_json()
    return texts


def companion_scrubbed(plant: Plant, text: str) -> bool:
    return not any(form.decode() in text for form in encodings(plant.value))


def permissions(home: Path) -> Counter[str]:
    modes: Counter[str] = Counter()
    for path in [home, *home.rglob("*")]:
        mode = path.stat().st_mode & 0o777
        wanted = 0o700 if path.is_dir() else 0o600
        modes["ok" if mode & ~wanted == 0 else f"{'dir' if path.is_dir() else 'file'} {mode:o}"] += 1
    return modes


# --- the report ----------------------------------------------------------------------------------------------------


def run(seed: int, kinds: int) -> bool:
    rng = random.Random(seed)
    secret_sessions = plant_sessions(rng, KINDS[:kinds], secret=True)
    needed_sessions = plant_sessions(rng, NEEDED[:kinds], secret=False)
    started = time.perf_counter()
    timings = {}
    with tempfile.TemporaryDirectory() as tmp:
        work, home = Path(tmp), Path(tmp) / "home"
        for path, send in (
            ("deftly import", lambda s: via_import(home, work, s)),
            ("claude-code hook", lambda s: via_hook(home, work, s)),
            ("record_trace", lambda s: via_record_trace(home, s)),
        ):
            began = time.perf_counter()
            send([s for s in secret_sessions + needed_sessions if s.path == path])
            timings[path] = time.perf_counter() - began
        raw, files = home_bytes(home)
        rows, versions = table_rows(home)
        blob = raw + b"\0" + rows
        stored = stored_texts(home)
        modes = permissions(home)
    seconds = time.perf_counter() - started

    plants = [p for s in secret_sessions for p in s.plants]
    surviving = [p for p in plants if survives(blob, p)]
    print(f"machine: {machine()}; commit {git_commit()}")
    print(
        f"\nhome after import + hook + record_trace and extraction: {files} files ({len(raw) / 1e6:.1f} MB) read byte"
    )
    print(f"by byte, and {versions} LanceDB table versions decoded row by row ({len(rows) / 1e6:.1f} MB of JSON)\n")
    kinds = len({p.kind for p in plants})
    print(f"secrets planted: {len(plants)} ({kinds} kinds x {len(POSITIONS)} positions, over 3 paths)")
    print(f"secrets surviving anywhere on disk (raw or JSON-escaped): {len(surviving)}  (floor: 0)")
    print_matrix(plants, surviving)
    for plant in surviving[:20]:
        print(f"  SURVIVED {plant.path} / {plant.kind} / {plant.position}: {plant.rendered[:100]!r}")

    needed = [(p, stored.get(stored_key(s), "")) for s in needed_sessions for p in s.plants]
    scrubbed = [p for p, text in needed if companion_scrubbed(p, text)]
    on_disk = sum(survives(raw, p) for p, _ in needed)
    share = len(scrubbed) / len(needed)
    print(f"\nneeded ids planted (companion set): {len(needed)} ({len(NEEDED)} kinds + ordinary session ids)")
    print(f"needed ids scrubbed: {len(scrubbed)} ({share:.1%}; floor: <= {MAX_SCRUBBED_SHARE:.0%})")
    print(f"needed ids the byte scan alone finds: {on_disk} of {len(needed)} (the rest are in compressed columns)")
    for plant in scrubbed[:20]:
        print(f"  SCRUBBED {plant.path} / {plant.kind} / {plant.position}: {plant.value!r} in {plant.rendered[:80]!r}")

    print(f"\npermissions under the home: {dict(modes)}")
    print(f"runtime: {seconds:.0f} s (" + ", ".join(f"{k} {v:.0f} s" for k, v in timings.items()) + ")")
    return not surviving and share <= MAX_SCRUBBED_SHARE and set(modes) == {"ok"}


def stored_key(session: Session) -> str:
    from deftly.tools.secrets import safe_session_id

    if session.path == "deftly import":
        return session.key  # the file's name is the session
    return safe_session_id(session.session_id)


def print_matrix(plants: list[Plant], surviving: list[Plant]) -> None:
    planted = Counter((p.kind, p.position) for p in plants)
    left = Counter((p.kind, p.position) for p in surviving)
    short = ["system", "user", "assist", "arg", "nested", "result", "error", "sessid", "meta", "title", "rating"]
    print(f"\n{'kind (surviving/planted)':32}" + "".join(f"{s:>8}" for s in short))
    for kind in dict.fromkeys(p.kind for p in plants):
        cells = [f"{left[(kind, pos)]}/{planted[(kind, pos)]}" if planted[(kind, pos)] else "-" for pos in POSITIONS]
        print(f"{kind:32}" + "".join(f"{c:>8}" for c in cells))


def scrub_cost(megabytes: float) -> None:
    """CPU seconds of ``scrub_trace`` on a 10 MB Claude Code transcript (parsing not counted)."""
    from parse_formats import claude_code_transcript

    from deftly.tools.formats import parse_history
    from deftly.tools.secrets import scrub_trace, tokens, warm

    warm()
    transcript = claude_code_transcript(megabytes)
    trace = parse_history(transcript)
    timings = []
    for _ in range(3):
        tokens.mask_token.cache_clear()
        started = time.process_time()
        scrub_trace(trace)
        timings.append(time.process_time() - started)
    print(f"scrub_trace on a {len(transcript) / 2**20:.1f} MB Claude Code transcript: {min(timings) * 1000:.0f} ms CPU")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--kinds", type=int, default=len(KINDS), help="plant only the first N kinds (a quick run)")
    parser.add_argument("--scrub-cost-mb", type=float, default=10.0, help="0 to skip the scrub-cost figure")
    args = parser.parse_args()
    ok = run(args.seed, args.kinds)
    if args.scrub_cost_mb:
        scrub_cost(args.scrub_cost_mb)
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
