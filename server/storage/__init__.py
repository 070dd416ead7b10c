"""Storage: everything deftly keeps on disk, in LanceDB, and nothing else.

The connection and its tables (``db``, ``schema``, ``rows``), the namespace-scoped stores of
procedures, search phrases, traces and ratings (``store``, ``search_store``, ``traces_store``),
hybrid search over them (``search``), cross-process file locks, the import log and ``forget``.
A new storage backend or table starts here. This room may import ``deftly.tools``, the
standard library and LanceDB; it never imports the MCP app, the CLI, the hosts or the
background work above it.
"""
