"""The command line: ``deftly`` and each of its commands.

Argument parsing and dispatch (``main``), shared output helpers (exit codes, JSON printing,
confirmation: ``output``), where log lines go (``logs``), one module per group of commands
(``serving`` is ``deftly serve`` and its signal handling, ``listing`` is ``deftly list``), the demo
with its example traces, and ``deftly bench`` with its data-set loading. A new command starts here. This is the
top room: it may import every other part of ``deftly.server``; nothing imports it but
``deftly.server.__main__``.
"""
