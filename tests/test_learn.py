"""Learning from traces end to end on a real LanceDB and the real model: merge, don't duplicate."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tracebuilders import assistant, call, cancel_session, chat, user

from deftly.tools.extract.heuristic import HeuristicExtractor
from deftly.tools.find_procedure import find_procedures
from deftly.tools.get_procedure import get_procedure
from deftly.tools.learn import LearnItem, LearnResult, learn_batch
from deftly.tools.rate_procedure import rate_procedure
from deftly.tools.record_trace import record_trace
from deftly.tools.trace import Trace

NOW = datetime(2026, 11, 21, tzinfo=UTC)


def record_and_learn(store: Any, embedder: Any, history: list[dict[str, Any]], session: str) -> LearnResult:
    recorded = record_trace(store, history, now=NOW, session_id=session)
    record = store.get_trace(recorded.resource_id)
    item = LearnItem(record, store.load_trace(recorded.resource_id))
    [result] = learn_batch([item], extractor=HeuristicExtractor(), store=store, embedder=embedder, now=NOW)
    store.set_trace_statuses([result.update()])
    return result


def certificate_task(user_id: str = "mia_li_3668") -> list[dict[str, Any]]:
    return chat(
        user(f"Also, can you send me a $50 certificate for the trouble? My user id is {user_id}."),
        call("get_user_details", {"user_id": user_id}, {"membership": "gold"}),
        call("send_certificate", {"user_id": user_id, "amount": 50}, "Certificate added"),
        assistant("I sent you a $50 certificate."),
    )


def test_one_session_makes_one_procedure_with_its_source(store: Any, embedder: Any) -> None:
    result = record_and_learn(store, embedder, cancel_session(), "s1")
    assert result.status == "completed" and result.created == 1
    [procedure] = store.list_procedures(10)
    assert procedure.sources == ["s1"]
    assert procedure.tools == ["get_user_details", "get_reservation_details", "cancel_reservation"]
    assert "ZFA04Y" not in procedure.model_dump_json() and "mia_li_3668" not in procedure.model_dump_json()


def test_the_same_session_learned_twice_adds_no_procedure_and_no_evidence(store: Any, embedder: Any) -> None:
    session = cancel_session()
    record_and_learn(store, embedder, session, "s1")
    again = record_trace(store, session, now=NOW, session_id="s1")
    assert again.status == "completed" and again.message.startswith("Unchanged")
    # As after a crash between storing procedures and marking the trace done: learn it once more.
    record_and_learn(store, embedder, session, "s1")
    [procedure] = store.list_procedures(10)
    assert procedure.sources == ["s1"] and procedure.version == 1


def test_a_grown_session_keeps_its_first_procedure_and_adds_the_new_task(store: Any, embedder: Any) -> None:
    record_and_learn(store, embedder, cancel_session(), "s1")
    grown = record_and_learn(store, embedder, chat(cancel_session()[:-1], certificate_task()), "s1")
    assert grown.created == 1 and grown.merged == 1
    procedures = {p.tools[-1]: p for p in store.list_procedures(10)}
    assert set(procedures) == {"cancel_reservation", "send_certificate"}
    assert procedures["cancel_reservation"].sources == ["s1"]


def test_another_session_of_the_same_task_merges_and_raises_evidence(store: Any, embedder: Any) -> None:
    record_and_learn(store, embedder, cancel_session(), "s1")
    result = record_and_learn(store, embedder, cancel_session("K9WX2B", "noah_muller_9847"), "s2")
    assert result.merged == 1 and result.created == 0
    [procedure] = store.list_procedures(10)
    assert procedure.sources == ["s1", "s2"]
    assert procedure.version == 1  # same steps: no new version


def test_a_real_change_of_steps_creates_a_new_version_and_keeps_the_old_one(store: Any, embedder: Any) -> None:
    record_and_learn(store, embedder, cancel_session(), "s1")
    [before] = store.list_procedures(10)
    shorter = chat(
        user("Please cancel reservation B7CD2E for user noah_muller_9847."),
        call("get_reservation_details", {"reservation_id": "B7CD2E"}, {"reservation_id": "B7CD2E", "insurance": "yes"}),
        call("cancel_reservation", {"reservation_id": "B7CD2E", "reason": "change_of_plan"}, {"status": "cancelled"}),
        assistant("Cancelled."),
    )
    record_and_learn(store, embedder, shorter, "s2")
    [after] = store.list_procedures(10)
    assert after.id == before.id and after.version == 2
    assert after.steps[0].optional and not after.steps[1].optional
    assert store.list_versions(after.id) == [1]
    kept = store.get_version(after.id, 1)
    assert kept is not None and kept.steps == before.steps


def test_procedures_acting_through_different_tools_never_merge(store: Any, embedder: Any) -> None:
    record_and_learn(store, embedder, cancel_session(), "s1")
    booking = chat(
        user("Book flight HAT136 on 2024-05-20 for user mia_li_3668, please."),
        call("get_user_details", {"user_id": "mia_li_3668"}, {"payment_methods": ["credit_card_4421486"]}),
        call(
            "book_reservation",
            {
                "user_id": "mia_li_3668",
                "flight_number": "HAT136",
                "date": "2024-05-20",
                "payment_id": "credit_card_4421486",
            },
            {"reservation_id": "NEW001"},
        ),
        assistant("Booked."),
    )
    result = record_and_learn(store, embedder, booking, "s2")
    assert result.created == 1
    assert len(store.list_procedures(10)) == 2


def test_a_refusal_leaves_its_lesson_on_the_matching_procedure(store: Any, embedder: Any) -> None:
    record_and_learn(store, embedder, cancel_session(), "s1")
    refusal = chat(
        user("I need to cancel my reservation H8Q05L; my user id is sophia_silva_7557."),
        call("get_reservation_details", {"reservation_id": "H8Q05L"}, {"cabin": "basic_economy", "insurance": "no"}),
        call("get_user_details", {"user_id": "sophia_silva_7557"}, {"membership": "silver"}),
        assistant("Unfortunately, basic economy reservations without travel insurance cannot be cancelled."),
    )
    result = record_and_learn(store, embedder, refusal, "s2")
    assert result.status == "skipped" and result.lessons == 1
    [procedure] = store.list_procedures(10)
    assert procedure.pitfalls == ["Basic economy reservations without travel insurance cannot be cancelled."]
    assert procedure.sources == ["s1"]  # a refusal is a lesson, not evidence


def test_several_changes_in_one_batch_make_one_new_version(store: Any, embedder: Any) -> None:
    record_and_learn(store, embedder, cancel_session(), "s1")
    [before] = store.list_procedures(10)
    variants = [
        chat(
            user(f"Please cancel reservation {rid} for user noah_muller_9847."),
            call("get_reservation_details", {"reservation_id": rid}, {"reservation_id": rid, "insurance": "yes"}),
            call("cancel_reservation", {"reservation_id": rid, "reason": "change_of_plan"}, {"status": "cancelled"}),
            assistant("Cancelled."),
        )
        for rid in ("B7CD2E", "Q9ZT4M")
    ]
    items = []
    for session, history in zip(("s2", "s3"), variants, strict=True):
        recorded = record_trace(store, history, now=NOW, session_id=session)
        items.append(LearnItem(store.get_trace(recorded.resource_id), store.load_trace(recorded.resource_id)))
    learn_batch(items, extractor=HeuristicExtractor(), store=store, embedder=embedder, now=NOW)
    [after] = store.list_procedures(10)
    assert after.sources == ["s1", "s2", "s3"]
    assert after.version == 2 and store.list_versions(after.id) == [1]
    kept = store.get_version(after.id, 1)
    assert kept is not None and kept.steps == before.steps


def _cancel_requests() -> list[list[dict[str, Any]]]:
    wordings = (
        "Ugh, plans changed. Get rid of booking {rid} for me, I need to cancel it.",
        "Please cancel reservation {rid}.",
        "Cancel my reservation {rid}, please.",
        "Could you cancel reservation {rid} for me?",
    )
    return [
        chat(
            user(wording.format(rid=rid)),
            call("get_reservation_details", {"reservation_id": rid}, {"reservation_id": rid, "insurance": "yes"}),
            call("cancel_reservation", {"reservation_id": rid, "reason": "change_of_plan"}, {"status": "cancelled"}),
            assistant("Cancelled."),
        )
        for wording, rid in zip(wordings, ("B7CD2E", "Q9ZT4M", "K1NW8N", "ZFA04Y"), strict=True)
    ]


def test_what_is_learned_does_not_depend_on_how_sessions_were_batched(tmp_path: Any, embedder: Any) -> None:
    from deftly.server.storage.db import Database
    from deftly.server.storage.store import LanceStore

    def fresh(name: str) -> Any:
        db = Database(tmp_path / name, dimensions=embedder.dimensions, embedding_model=embedder.model_name)
        return LanceStore(db, "default")

    one_by_one, together = fresh("one"), fresh("together")
    items = []
    for number, history in enumerate(_cancel_requests()):
        record_and_learn(one_by_one, embedder, history, f"s{number}")
        recorded = record_trace(together, history, now=NOW, session_id=f"s{number}")
        items.append(LearnItem(together.get_trace(recorded.resource_id), together.load_trace(recorded.resource_id)))
    learn_batch(items, extractor=HeuristicExtractor(), store=together, embedder=embedder, now=NOW)

    [sequential], [batched] = one_by_one.list_procedures(10), together.list_procedures(10)
    assert batched.title == sequential.title
    assert not batched.title.startswith("Ugh")  # the most typical request titles it, not the first one
    assert batched.sources == sequential.sources == ["s0", "s1", "s2", "s3"]


def test_a_session_resent_while_it_is_extracted_is_extracted_again(store: Any, embedder: Any) -> None:
    first = record_trace(store, cancel_session(), now=NOW, session_id="s1")
    [(claimed, content)] = store.db.claim_pending()
    grown = record_trace(store, cancel_session() + certificate_task(), now=NOW, session_id="s1")
    assert grown.resource_id == first.resource_id and store.get_trace(first.resource_id).status == "pending"

    item = LearnItem(claimed, Trace.model_validate_json(content))
    [result] = learn_batch([item], extractor=HeuristicExtractor(), store=store, embedder=embedder, now=NOW)
    store.set_trace_statuses([result.update()])

    assert store.get_trace(first.resource_id).status == "pending", "the older content's outcome is not recorded"
    [(again, _)] = store.db.claim_pending()
    assert again.content_hash != claimed.content_hash


def test_updating_a_procedure_forgotten_meanwhile_does_not_bring_it_back(store: Any, embedder: Any) -> None:
    from deftly.server.storage.forget import forget_procedure
    from deftly.tools.learn import embed_procedures

    record_and_learn(store, embedder, cancel_session(), "s1")
    [procedure] = store.list_procedures(10)
    changed = procedure.model_copy(update={"title": "Cancel a reservation", "version": 2})
    embedding = embed_procedures([changed], embedder)[changed.id]

    forget_procedure(store.db, "default", procedure.id)  # `deftly forget` while the worker was merging
    store.update_procedures([(changed, embedding, procedure)])

    assert store.list_procedures(10) == []
    assert store.db.phrases.count_rows() == 0, "no search phrases are left pointing at it"


def vague_then_specific(detail: str, order: str, session: str) -> list[dict[str, Any]]:
    """The first message says little; what tells the task apart comes later in the conversation."""
    return chat(
        user("Hi, I need some help with an order I got last week."),
        assistant("Sure, what do you need?"),
        user(f"The {detail} arrived cracked, I want to send it back for a refund. It's order {order}."),
        call("orders.get_order", {"order_id": order}, {"status": "delivered", "items": [detail]}),
        call("orders.return_items", {"order_id": order, "reason": "damaged"}, {"status": "return requested"}),
        assistant("The return is requested; the refund follows when it arrives."),
    )


def test_what_every_run_asked_later_in_the_session_is_searchable(store: Any, embedder: Any) -> None:
    from deftly.tools.find_procedure import find_procedures
    from deftly.tools.render import search_document

    record_and_learn(store, embedder, vague_then_specific("blender", "W3301", "s1"), "s1")
    record_and_learn(store, embedder, vague_then_specific("teapot", "W7702", "s2"), "s2")

    [procedure] = store.list_procedures(10)
    assert len(procedure.asked) == 2 and all("refund" in asked for asked in procedure.asked)
    assert "cracked" in search_document(procedure)
    found = find_procedures(store, embedder, "my mug came cracked, I'd like to return it", now=NOW)
    assert [p.id for p in found.procedures][:1] == [procedure.id]


def reset_session(request: str, login: str) -> list[dict[str, Any]]:
    return chat(
        user(request),
        call("idp.find_user", {"query": login}, {"users": [{"id": "u-5521", "login": login}]}),
        call("idp.reset_password", {"user_id": "u-5521", "send_email": True}, {"status": "reset_link_sent"}),
        assistant(f"Done: a reset link went to {login}'s inbox."),
    )


def test_a_run_like_two_procedures_learned_in_the_same_batch_makes_them_one(store: Any, embedder: Any) -> None:
    sessions = {
        "locked-out": reset_session("Hana Ferreira is locked out of her account, can you sort it?", "hferreira"),
        "reset-by-address": reset_session("Password reset for noor.haddad@example.org", "nhaddad"),
        "reset-by-name": reset_session("Reset Luca Moretti's password, he can't log in", "lmoretti"),
    }
    items = []
    for session, history in sessions.items():
        recorded = record_trace(store, history, now=NOW, session_id=session)
        items.append(LearnItem(store.get_trace(recorded.resource_id), store.load_trace(recorded.resource_id)))

    results = learn_batch(items, extractor=HeuristicExtractor(), store=store, embedder=embedder, now=NOW)

    (procedure,) = store.list_procedures(10)
    assert sorted(procedure.sources) == sorted(sessions)
    assert {i for r in results for i in r.procedure_ids} == {procedure.id}  # no trace names the one merged away
    assert sum(r.created for r in results) == 1 and sum(r.merged for r in results) == 2


def test_a_later_run_like_two_stored_procedures_merges_the_unrated_one_and_retires_it(
    store: Any, embedder: Any
) -> None:
    locked = record_and_learn(
        store, embedder, reset_session("Hana Ferreira is locked out of her account, can you sort it?", "hferreira"), "a"
    )
    by_address = record_and_learn(
        store, embedder, reset_session("Password reset for noor.haddad@example.org", "nhaddad"), "b"
    )
    (kept,), (twin,) = locked.procedure_ids, by_address.procedure_ids
    assert kept != twin  # worded too far apart to merge
    rate_procedure(store, kept, True, now=NOW)  # rated: stays, whichever a later run meets first

    bridge = record_and_learn(
        store, embedder, reset_session("Reset Luca Moretti's password, he can't log in", "lm"), "c"
    )
    later = record_and_learn(store, embedder, reset_session("Password reset for ines.roth@example.org", "iroth"), "d")

    assert bridge.procedure_ids == [kept] and later.procedure_ids == [kept]  # the retired one is no candidate
    detail = get_procedure(store, twin)
    assert detail.state == "retired" and kept in detail.state_reason
    assert sorted(get_procedure(store, kept).sources) == ["a", "b", "c", "d"]
    found = find_procedures(store, embedder, "password reset for someone@example.com", now=NOW)
    assert [hit.id for hit in found.procedures] == [kept]


def expense_through_a_browser(request: str, amount: str, extra_field: bool) -> list[dict[str, Any]]:
    """A web form filled through Playwright's MCP tools; one run also picks a category from a list."""
    category = [call("browser_select_option", {"element": "Category", "ref": "e30", "values": ["Travel"]}, "ok")]
    return chat(
        user(request),
        call("browser_navigate", {"url": "https://expenses.acme.example/new"}, "Page: New expense [ref=e21] Amount"),
        call("browser_type", {"element": "Amount", "ref": "e21", "text": amount}, "ok"),
        *(category if extra_field else []),
        call("browser_click", {"element": "Submit", "ref": "e44"}, "Page: Expense EXP-88213 submitted"),
        call("browser_snapshot", {}, "Page: Expense EXP-88213 Status: Submitted"),
        assistant("Submitted."),
    )


def test_runs_of_one_web_form_are_one_procedure_titled_by_what_was_asked(store: Any, embedder: Any) -> None:
    record_and_learn(
        store, embedder, expense_through_a_browser("File an expense report for my $84.20 taxi", "84.20", False), "s1"
    )
    second = expense_through_a_browser("please file an expense report for the 312.00 hotel night", "312.00", True)
    result = record_and_learn(store, embedder, second, "s2")
    assert result.merged == 1 and result.created == 0  # one more field on the page is not another task
    [procedure] = store.list_procedures(10)
    assert procedure.title.startswith("File an expense report") and "browser" not in procedure.title.lower()
