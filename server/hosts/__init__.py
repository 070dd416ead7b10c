"""Hosts: where deftly meets agents outside MCP.

Finding sessions in agents' home folders (Claude Code, Codex, OpenClaw, Copilot), importing
trace files and waiting for their extraction, the Claude Code hook and its installer, and
Agent Skills folders on disk. A new agent home, hook or file-based integration starts here.
It may import the runtime and the rooms below it (background work, storage, settings) and
``deftly.tools``; never the MCP app or the CLI.
"""
