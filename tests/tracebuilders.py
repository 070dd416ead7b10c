"""Building realistic OpenAI-chat traces in tests: user/assistant turns and tool calls with results."""

from __future__ import annotations

import itertools
import json
from typing import Any

from deftly.tools.formats import parse_history
from deftly.tools.trace import Trace

_ids = itertools.count(1)
Message = dict[str, Any]


def user(text: str) -> list[Message]:
    return [{"role": "user", "content": text}]


def assistant(text: str) -> list[Message]:
    return [{"role": "assistant", "content": text}]


def call(tool: str, arguments: dict[str, Any], result: Any, *, error: bool = False) -> list[Message]:
    """An assistant tool call and its tool result; ``error`` makes the result a tau-bench style failure."""
    call_id = f"call_{next(_ids)}"
    content = result if isinstance(result, str) else json.dumps(result)
    if error:
        content = f"Error: {content}"
    return [
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": call_id, "type": "function", "function": {"name": tool, "arguments": json.dumps(arguments)}}
            ],
        },
        {"role": "tool", "tool_call_id": call_id, "name": tool, "content": content},
    ]


def user_call(tool: str, arguments: dict[str, Any], result: Any) -> list[Message]:
    """A call the user makes with their own tools (tau2's device tools, converted to OpenAI Chat)."""
    call_id = f"user_call_{next(_ids)}"
    content = result if isinstance(result, str) else json.dumps(result)
    function = {"name": tool, "arguments": json.dumps(arguments)}
    return [
        {"role": "user", "content": None, "tool_calls": [{"id": call_id, "type": "function", "function": function}]},
        {"role": "tool", "tool_call_id": call_id, "name": tool, "content": content},
    ]


def chat(*parts: list[Message]) -> list[Message]:
    return [message for part in parts for message in part]


def trace_of(*parts: list[Message]) -> Trace:
    return parse_history(chat(*parts))


def cancel_session(reservation: str = "ZFA04Y", user_id: str = "mia_li_3668") -> list[Message]:
    """A user asks to cancel a reservation; the agent looks it up, checks the user and cancels it."""
    return chat(
        user(f"Hi, I'd like to cancel my reservation {reservation}, please."),
        assistant("Sure. Can I have your user id?"),
        user(f"It's {user_id}."),
        call(
            "get_user_details",
            {"user_id": user_id},
            {
                "name": {"first_name": "Mia", "last_name": "Li"},
                "email": "mia.li@example.com",
                "reservations": [reservation, "K1NW8N"],
            },
        ),
        call(
            "get_reservation_details",
            {"reservation_id": reservation},
            {"reservation_id": reservation, "user_id": user_id, "cabin": "economy", "insurance": "yes"},
        ),
        assistant("Your reservation has travel insurance, so it can be cancelled. Shall I go ahead?"),
        user("Yes, please go ahead."),
        call(
            "cancel_reservation",
            {"reservation_id": reservation, "reason": "change_of_plan"},
            {"reservation_id": reservation, "status": "cancelled"},
        ),
        assistant(f"Done: reservation {reservation} is cancelled and the refund is on its way."),
        user("Thanks! ###STOP###"),
    )
