"""find_procedure's body, shared by the MCP tool (``server.py``) and the answer given before the SDK is
imported (``early_find.py``): neither imports the MCP SDK from here."""

from __future__ import annotations

from datetime import UTC, datetime

from deftly.server.runtime import Runtime
from deftly.tools.find_procedure import FindResult, find_procedures
from deftly.tools.ports import SearchFilters


def find_for(
    runtime: Runtime,
    query: str,
    *,
    max_results: int = 3,
    metadata: dict[str, str | int | float | bool] | None = None,
    tags: list[str] | None = None,
    tools: list[str] | None = None,
    min_success_rate: float | None = None,
) -> FindResult:
    """The procedures for ``query`` from the runtime's store, or before it opens from its search snapshot."""
    filters = SearchFilters(metadata=metadata or {}, tags=tuple(tags or ()), tools=tuple(tools or ()))
    store, embedder = runtime.searcher(filters)
    try:
        return find_procedures(
            store,
            embedder,
            query,
            now=datetime.now(UTC),
            max_results=max_results,
            filters=filters,
            min_success_rate=min_success_rate,
            policy=runtime.settings.ranking_policy(),
            review=runtime.settings.review,
        )
    finally:
        runtime.answered_early()
