"""Choosing the extractor from settings: the offline one, or Claude when a key is configured."""

from __future__ import annotations

from deftly.server.settings import Settings
from deftly.tools.extract.base import Extractor
from deftly.tools.extract.heuristic import HeuristicExtractor


def build_extractor(settings: Settings) -> Extractor:
    if settings.resolved_extractor() == "claude":
        from deftly.tools.extract.claude import ClaudeExtractor, client_from_key

        if settings.anthropic_api_key is None:
            raise ValueError("DEFTLY_EXTRACTOR=claude needs ANTHROPIC_API_KEY (or DEFTLY_ANTHROPIC_API_KEY).")
        client = client_from_key(settings.anthropic_api_key.get_secret_value())
        return ClaudeExtractor(client, model=settings.claude_model, fallback=HeuristicExtractor())
    return HeuristicExtractor()
