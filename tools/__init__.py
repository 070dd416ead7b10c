"""deftly's domain: trace formats, extraction, generalization, ranking, and the four agent-facing operations."""
