"""What the MCP server tells the agent about when to use each tool."""

INSTRUCTIONS = """deftly is your procedural memory: it remembers how multi-step tasks were done before.

- Before starting a multi-step task, call find_procedure with the task in your own words. If a
  procedure fits, follow its steps, substituting the {placeholders} with this task's values;
  call get_procedure for its parameters and pitfalls. If none fits, proceed normally.
- After following a procedure, call rate_procedure with success true or false (and the failed
  step and a short note when it failed), so better procedures rank first.
- After finishing a multi-step task (or at the end of the session), call record_trace with the
  conversation, including tool calls and results, so deftly can learn from it. Secrets are
  removed before anything is stored.
"""
