"""Shared fixtures: every test gets its own DEFTLY_HOME, so nothing touches the user's real state."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def deftly_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "deftly-home"
    home.mkdir()  # an explicit DEFTLY_HOME must exist: deftly refuses to create a misspelled one
    monkeypatch.setenv("DEFTLY_HOME", str(home))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # the built-in model is local; nothing may try a download
    for name in (
        "DEFTLY_NAMESPACE",
        "DEFTLY_EXTRACTOR",
        "DEFTLY_AUTH_TOKEN",
        "DEFTLY_EMBEDDING_MODEL",
        "DEFTLY_REVIEW",
        "DEFTLY_STORE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    yield home


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def embedder() -> Any:
    """The real built-in embedding model, loaded once per test session."""
    from deftly.server.background.embedding import FastEmbedder

    model = FastEmbedder()
    model.embed_query("warm up")
    return model


@pytest.fixture
def store(tmp_path: Path, embedder: Any) -> Any:
    """A namespace-scoped LanceStore on a real LanceDB in a temporary directory."""
    from deftly.server.storage.db import Database
    from deftly.server.storage.store import LanceStore

    db = Database(tmp_path / "db", dimensions=embedder.dimensions, embedding_model=embedder.model_name)
    return LanceStore(db, "default")
