"""Turning a task's concrete argument values into named placeholders.

A value becomes ``{name}`` when it varies by instance: it was taken from the user's request,
produced by an earlier step's result, or has the shape of an id, email, path, URL, date, amount,
file or person name. Values intrinsic to the procedure (an enum such as ``status="cancelled"``)
stay literal. The same value used twice gets the same placeholder, which is how data flow between
steps shows ("``{reservation_id}`` from step 2").

* ``bindings`` — the table of values already given a placeholder, and aliases of them;
* ``provenance`` — where a value came from: the request, an earlier step's result, or the agent;
* ``commands`` — command lines, which stay readable with the values inside them replaced;
* ``binder`` — ``ValueBinder``, which walks a call's arguments and uses the three above.
"""

from deftly.tools.generalize.binder import ValueBinder, snake_name
from deftly.tools.generalize.bindings import READABLE_KINDS, Binding
from deftly.tools.generalize.commands import command_head
from deftly.tools.generalize.values_json import canonical_json

__all__ = ["READABLE_KINDS", "Binding", "ValueBinder", "canonical_json", "command_head", "snake_name"]
