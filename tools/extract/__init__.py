"""Extraction: from a canonical trace to generalized procedure drafts (offline, or with Claude)."""
