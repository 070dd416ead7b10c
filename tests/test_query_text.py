"""A request is compared with procedures in their form: names, codes and dates read as their kinds."""

from __future__ import annotations

from typing import Any

from test_find_and_rate import NOW, learn
from tracebuilders import assistant, call, chat, user

from deftly.tools.find_procedure import find_procedures
from deftly.tools.query_text import embedding_query


def test_values_read_as_their_kinds_and_a_verb_opening_the_request_stays() -> None:
    assert embedding_query("Goran Jansen's manager should be Sven Underwood now") == (
        "name's manager should be name now"
    )
    assert embedding_query("Reject Ana Ruiz's meeting request on 2026-11-10") == "Reject name's meeting request on date"
    assert embedding_query("Give kenji.ito@northwind.io their money back") == "Give email their money back"
    assert embedding_query("cancel my reservation please") == "cancel my reservation please"


def manager_session(employee: str, manager: str) -> list[dict[str, Any]]:
    return chat(
        user(f"Set {manager} as the line manager for {employee}, effective next Monday."),
        call("hr.search_employees", {"query": employee}, {"results": [{"employee_id": "E-2231", "name": employee}]}),
        call("hr.search_employees", {"query": manager}, {"results": [{"employee_id": "E-0410", "name": manager}]}),
        call("hr.update_employee", {"employee_id": "E-2231", "changes": {"manager_id": "E-0410"}}, {"ok": True}),
        assistant(f"{employee} now reports to {manager}."),
    )


def test_a_request_full_of_other_names_finds_the_procedure_learned_with_others(store: Any, embedder: Any) -> None:
    learned = learn(store, embedder, manager_session("Tom Baker", "Ana Lopes"), "s1")

    found = find_procedures(
        store, embedder, "Goran Jansen's manager should be Sven Underwood now, not Mei Duarte. Fix the record.", now=NOW
    )

    assert [hit.id for hit in found.procedures][:1] == [learned]


def test_a_name_made_of_joined_words_reads_as_an_id_and_an_operation_or_a_hyphenated_word_stays() -> None:
    assert embedding_query("raise a pull request feat-dark-mode-toggle to main in billing-worker") == (
        "raise a pull request id to main in id"
    )
    assert embedding_query("dedupe the webinar_registrations export") == "dedupe the id export"
    for kept in ("who is on-call today", "set up a follow-up call", "Please terraform-apply the stack"):
        assert embedding_query(kept) == kept
