"""The MCP face: the server agents talk to.

``build_server`` and the four tools (``record_trace``, ``find_procedure``, ``get_procedure``,
``rate_procedure``), the ``procedure://`` and ``trace://`` resources, the prompts, the
instructions sent at initialize, the HTTP transports' guards (bearer token, Origin), and the
checks every raw JSON-RPC message passes first on stdio and HTTP (``wire``, ``stdio``).
A change to what an MCP client sees starts here. It may import the runtime, settings,
``deftly.tools`` and the MCP SDK; never the CLI or the hosts.
"""
