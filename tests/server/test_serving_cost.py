"""What a serving process spends per call and at start (issue 15): same answers, less waiting."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from tracebuilders import cancel_session

from deftly.server.background.embedding import BUILTIN_NAME, FastEmbedder, builtin_model_file, tokenizer_dir
from deftly.server.runtime import Runtime, open_for_command
from deftly.server.settings import Settings
from deftly.tools.extract.heuristic import HeuristicExtractor
from deftly.tools.find_procedure import find_procedures
from deftly.tools.learn import LearnItem, learn_batch
from deftly.tools.rate_procedure import rate_procedure
from deftly.tools.record_trace import record_trace
from deftly.tools.review import review_procedure

NOW = datetime(2026, 5, 1, tzinfo=UTC)
TEXTS = ["cancel my flight", "Rebook reservation ZFA04Y for user mia_li_3668 onto an earlier flight, please."]


def test_the_model_session_does_not_spin_and_embeds_exactly_as_fastembed_does(embedder: Any) -> None:
    from fastembed import TextEmbedding
    from fastembed.common.model_description import ModelSource, PoolingType

    config = embedder._ensure_loaded().session.get_session_options()
    assert config.get_session_config_entry("session.intra_op.allow_spinning") == "0"
    assert config.inter_op_num_threads == 1 and not config.enable_cpu_mem_arena

    with contextlib.suppress(ValueError):  # registered already by an earlier test in this process
        TextEmbedding.add_custom_model(
            model=BUILTIN_NAME,
            pooling=PoolingType.MEAN,
            normalization=True,
            sources=ModelSource(hf=BUILTIN_NAME),
            dim=384,
            model_file=str(builtin_model_file()),
        )
    plain = TextEmbedding(BUILTIN_NAME, specific_model_path=str(tokenizer_dir()), threads=2)
    texts = [*TEXTS, "", "x " * 400, "Ünïcödé — naïve café, 東京"]  # empty, truncated at 256 tokens, non-ASCII
    assert np.array_equal(np.array(embedder.embed_documents(texts)), np.array(list(plain.embed(texts))))
    assert np.array_equal(np.array(embedder.embed_query(TEXTS[0])), next(iter(plain.query_embed(TEXTS[0]))))


def test_texts_are_batched_by_token_length_and_embed_as_each_alone(embedder: Any) -> None:
    """A batch is padded to its longest text, so documents are grouped by token length (issue 15: a fifth
    of the import's model time was padding); the mask keeps padding out, so nothing changes bit for bit."""
    from deftly.server.background.embedding import _token_batches

    texts = ["word " * n for n in (3, 120, 5, 40, 4, 41, 200, 6)] + ["Ünïcödé — naïve café, 東京", "", "x " * 400]
    together = np.array(embedder.embed_documents(texts))
    alone = np.array([embedder.embed_query(text) for text in texts])
    assert np.array_equal(together, alone)

    lengths = [5, 120, 7, 42, 6, 43, 256, 8, 40]
    batches = list(_token_batches(lengths, 32))
    assert sorted(i for batch in batches for i in batch) == list(range(len(lengths)))
    widths = [[lengths[i] for i in batch] for batch in batches]
    assert widths == [[5, 6, 7, 8], [40, 42, 43], [120], [256]]  # shortest first, none padded by much
    assert [len(b) for b in _token_batches([10] * 70, 32)] == [32, 32, 6]
    assert [len(b) for b in _token_batches([100] * 12, 32)] == [10, 2]  # at most ~1,024 padded tokens


def test_a_bulk_embedder_runs_batches_at_once_on_one_thread_sessions_and_embeds_bit_for_bit_the_same(
    embedder: Any,
) -> None:
    """``deftly import`` embeds on one-thread sessions, a batch per thread (issue 15: ~25% fewer model
    CPU-seconds); every vector, and its place in the answer, must be the one the serving model gives."""
    import threading

    bulk = FastEmbedder(threads=2, bulk=True)
    model = bulk._ensure_loaded()
    config = model.session.get_session_options()
    assert config.intra_op_num_threads == 1 and config.enable_cpu_mem_arena
    assert config.get_session_config_entry("session.intra_op.allow_spinning") == "0"

    callers: set[str] = set()
    run = model._run

    def spying(input_ids: Any, attention_mask: Any) -> Any:
        callers.add(threading.current_thread().name)
        return run(input_ids, attention_mask)

    model._run = spying
    texts = [f"{'word ' * n}{n}" for n in (3, 120, 5, 40, 4, 41, 200, 6, 90, 7)] + [*TEXTS, "", "x " * 400]
    assert np.array_equal(np.array(bulk.embed_documents(texts)), np.array(embedder.embed_documents(texts)))
    assert len(callers) == 2 and all(name.startswith("deftly-embed") for name in callers)
    assert np.array_equal(np.array(bulk.embed_query(TEXTS[1])), np.array(embedder.embed_query(TEXTS[1])))


def test_the_import_command_embeds_in_bulk_and_a_server_does_not(tmp_path: Path) -> None:
    command = open_for_command(Settings(home=tmp_path / "a"), bulk_embedding=True)
    server = Runtime(Settings(home=tmp_path / "b"), run_worker=False)
    server.start()
    try:
        assert command.embedder._bulk and not server.embedder._bulk
    finally:
        command.stop()
        server.stop()


def test_an_import_of_nothing_new_does_not_load_the_model(tmp_path: Path) -> None:
    import json

    from deftly.server.hosts.agent_homes import trace_files
    from deftly.server.hosts.ingest import import_files

    (tmp_path / "runs").mkdir()
    (tmp_path / "runs" / "cancel.json").write_text(json.dumps(cancel_session()))
    files = trace_files([tmp_path / "runs"])
    settings = Settings(home=tmp_path / "home")
    for expected_status, loads_model in (("completed", True), ("unchanged", False)):
        runtime = open_for_command(settings, bulk_embedding=True)
        try:
            summary = import_files(runtime, files)
            assert [f.status for f in summary.files] == [expected_status]
            assert runtime.embedder.loaded is loads_model
        finally:
            runtime.stop()


def test_the_model_optimized_once_and_saved_embeds_bit_for_bit_as_the_shipped_one(
    tmp_path: Path, embedder: Any
) -> None:
    """Folding the int8 weights at every start was a server's peak memory (issue 15); the saved graph is
    loaded instead, from the second start on. A damaged copy falls back to the shipped model."""
    from deftly.server.background.embedding import OPTIMIZED_DATA, optimized_builtin_model

    texts = [*TEXTS, "", "x " * 400, "Ünïcödé — naïve café, 東京"]
    first = FastEmbedder(cache_dir=tmp_path / "models")
    assert np.array_equal(np.array(first.embed_documents(texts)), np.array(embedder.embed_documents(texts)))
    [saved] = (tmp_path / "models").iterdir()
    assert optimized_builtin_model(tmp_path / "models") == saved  # found, not built again
    again = FastEmbedder(cache_dir=tmp_path / "models")
    assert np.array_equal(np.array(again.embed_query(TEXTS[1])), np.array(embedder.embed_query(TEXTS[1])))

    (saved / OPTIMIZED_DATA).write_bytes(b"damaged")
    damaged = FastEmbedder(cache_dir=tmp_path / "models")
    assert np.array_equal(np.array(damaged.embed_query(TEXTS[1])), np.array(embedder.embed_query(TEXTS[1])))


def test_native_code_paged_out_still_runs(embedder: Any) -> None:
    from deftly.server.runtime import page_out_native_code

    before = embedder.embed_query(TEXTS[0])
    page_out_native_code()
    assert embedder.embed_query(TEXTS[0]) == before


def test_the_trace_records_of_an_import_are_read_in_one_query(store: Any) -> None:
    first = record_trace(store, cancel_session(), now=NOW, session_id="s1")
    second = record_trace(store, cancel_session(), now=NOW, session_id="s2")
    found = store.get_traces([first.resource_id, "tr_missing", second.resource_id])
    assert set(found) == {first.resource_id, second.resource_id}
    assert found[first.resource_id] == store.get_trace(first.resource_id)
    assert store.get_traces([]) == {}


def test_the_builtin_model_runs_without_importing_fastembed() -> None:
    """Importing fastembed costs a server ~0.4 s and ~40 MB (issue 15); a fresh interpreter, since the test
    process imported it long ago."""
    code = (
        "import sys; from deftly.server.background.embedding import FastEmbedder; "
        "FastEmbedder().embed_query('x'); print('fastembed' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False"]


def _learned(store: Any, embedder: Any, session: str) -> str:
    recorded = record_trace(store, cancel_session(), now=NOW, session_id=session)
    record = store.get_trace(recorded.resource_id)
    [result] = learn_batch(
        [LearnItem(record, store.load_trace(recorded.resource_id))],
        extractor=HeuristicExtractor(),
        store=store,
        embedder=embedder,
        now=NOW,
    )
    return result.procedure_ids[0]


def test_step_failures_of_several_procedures_come_from_one_query(store: Any, embedder: Any) -> None:
    pid = _learned(store, embedder, "s1")
    for step in (2, 2, 2, 3):
        rate_procedure(store, pid, False, now=NOW, failed_step=step)
    assert store.step_failures_of([pid, "no-such-procedure"]) == {pid: store.step_failures(pid)} == {pid: {2: 3, 3: 1}}
    assert store.step_failures_of([]) == {}

    hit = find_procedures(store, embedder, "cancel a reservation", now=NOW).procedures[0]
    assert hit.id == pid and "failed in 3 runs" in hit.text


def test_a_server_runtime_starts_its_worker_once_the_model_is_loaded_and_search_is_warm(tmp_path: Path) -> None:
    runtime = Runtime(Settings(home=tmp_path / "home"))
    runtime.start()
    try:
        runtime.ready()
        deadline = time.monotonic() + 60
        while runtime._worker is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert runtime._worker is not None
        assert runtime.embedder.loaded
        assert {"search_vectors", "procedures", "procedure_stats"} <= set(runtime.db.reader._tables)
    finally:
        runtime.stop()
    assert runtime._worker is None


def test_a_command_runtime_neither_loads_the_model_nor_starts_a_worker(tmp_path: Path) -> None:
    runtime = Runtime(Settings(home=tmp_path / "home"), run_worker=False)
    runtime.start()
    try:
        runtime.ready()
        time.sleep(0.2)
        assert runtime._worker is None and not runtime.embedder.loaded
    finally:
        runtime.stop()


def test_the_builtin_embedder_loads_its_model_only_once() -> None:
    embedder = FastEmbedder()
    first = embedder._ensure_loaded()
    assert embedder._ensure_loaded() is first and first.session is not None


LANCEDB_AT_MODEL_LOAD = """
import sys, time
from deftly.server.background import embedding
from deftly.server.runtime import Runtime
from deftly.server.settings import Settings

load = embedding.FastEmbedder._load
seen = []
def spying(self):
    time.sleep(0.5)
    seen.append("lancedb" in sys.modules)
    return load(self)
embedding.FastEmbedder._load = spying
runtime = Runtime(Settings(home=sys.argv[1]))
runtime.start()
runtime.store()  # a request arriving at once
runtime.stop()
print(seen, "lancedb" in sys.modules)
"""


def test_a_server_builds_the_model_before_lancedb_is_even_imported(tmp_path: Path) -> None:
    """Both at once put a serving process's peak memory ~95 MB higher (issue 15). A request arriving meanwhile
    waits instead of importing storage itself: two threads importing numpy's C modules at once failed the
    import ("cannot load module more than once per process"), and with it the store. In a fresh interpreter,
    since the test process has imported LanceDB long ago."""
    done = subprocess.run(
        [sys.executable, "-c", LANCEDB_AT_MODEL_LOAD, str(tmp_path / "home")],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    assert done.stdout.split() == ["[False]", "True"]


def test_the_skill_fingerprint_follows_what_is_served_without_rendering_it(tmp_path: Path, embedder: Any) -> None:
    from deftly.server.app.skills import SkillCatalog

    runtime = open_for_command(Settings(home=tmp_path / "home"))
    try:
        catalog, store = SkillCatalog(runtime), runtime.store()
        empty = catalog.fingerprint()
        pid = _learned(store, embedder, "s1")
        learned = catalog.fingerprint()
        rate_procedure(store, pid, True, now=NOW)
        assert empty != learned == catalog.fingerprint()  # a rating changes no SKILL.md
        review_procedure(store, pid, "reject", now=NOW, reason="wrong")
        assert catalog.fingerprint() == empty  # a retired procedure is not served
    finally:
        runtime.stop()
