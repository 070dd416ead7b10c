"""Background work: what turns a recorded trace into stored procedures while nobody waits.

The extraction worker (claims pending traces, runs an extractor, merges, embeds, stores), the
hook inbox it drains, the embedding model (fastembed with the built-in offline MiniLM) and the
choice of extractor (offline or Claude). A change to how or when extraction runs starts here.
It may import ``deftly.tools``, ``deftly.server.settings`` and ``deftly.server.storage``; never
the runtime, the MCP app, the hosts or the CLI.
"""
