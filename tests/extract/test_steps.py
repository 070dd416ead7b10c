"""Steps from tool calls: failures, retries, loops, decision points, placeholders and data flow."""

from __future__ import annotations

from datetime import UTC, datetime

from tracebuilders import assistant, call, cancel_session, trace_of, user

from deftly.tools.extract.heuristic import HeuristicExtractor
from deftly.tools.extract.segment import split_tasks
from deftly.tools.extract.steps import plan_steps
from deftly.tools.generalize import ValueBinder
from deftly.tools.merge import Origin, new_procedure
from deftly.tools.render import render_markdown
from deftly.tools.values import kind_of


def _plan(*parts):  # type: ignore[no-untyped-def]
    task = split_tasks(trace_of(*parts))[0]
    binder = ValueBinder(request="\n".join(task.user_texts))
    return plan_steps(task.calls, binder), binder


def _draft(*parts):  # type: ignore[no-untyped-def]
    extraction = HeuristicExtractor().extract(trace_of(*parts))
    assert len(extraction.drafts) == 1, extraction.skipped
    return extraction.drafts[0]


EMAIL_WITH_FALLBACK = (
    user("Send the Q4 report to dana@acme.com"),
    call("search_files", {"query": "Q4 report"}, {"files": [{"id": "f_77", "name": "q4-report.pdf"}]}),
    call(
        "send_email", {"to": "dana@acme.com", "attachment_id": "f_77"}, "attachment too large (25 MB limit)", error=True
    ),
    call("upload_to_drive", {"file_id": "f_77"}, {"url": "https://drive.example.com/d/8f7e6"}),
    call(
        "send_email",
        {"to": "dana@acme.com", "body": "Here is the report: https://drive.example.com/d/8f7e6"},
        {"sent": True},
    ),
    assistant("I shared the report with Dana through a Drive link."),
)


def test_failed_calls_are_never_steps() -> None:
    plan, _ = _plan(*EMAIL_WITH_FALLBACK)
    assert [s.tool for s in plan.steps] == ["search_files", "upload_to_drive", "send_email"]
    assert plan.failed_calls == 1


def test_a_failure_the_agent_fixed_by_retrying_the_tool_becomes_a_pitfall() -> None:
    plan, _ = _plan(*EMAIL_WITH_FALLBACK)
    assert plan.pitfalls == [
        '`send_email` can fail with "attachment too large ({number} MB limit)"; check its arguments first.'
    ]


def test_a_failure_worked_around_with_another_tool_becomes_a_decision_point() -> None:
    plan, _ = _plan(
        user("Send the Q4 report to dana@acme.com"),
        call("send_email", {"to": "dana@acme.com", "attachment": "q4.pdf"}, "attachment too large", error=True),
        call("share_link", {"to": "dana@acme.com", "file": "q4.pdf"}, {"ok": True}),
        call("log_activity", {"what": "shared"}, {"ok": True}),
        assistant("Shared a link instead."),
    )
    assert [s.tool for s in plan.steps] == ["share_link", "log_activity"]
    assert plan.steps[0].decision == 'If `send_email` fails with "attachment too large", call `share_link` instead.'


def test_exact_retries_collapse_and_repeated_lookups_become_one_looping_step() -> None:
    plan, _ = _plan(
        user("Cancel whichever of my reservations is to Seattle; user id mia_li_3668"),
        call("get_user_details", {"user_id": "mia_li_3668"}, {"reservations": ["AAA111", "BBB222"]}),
        call("get_reservation_details", {"reservation_id": "AAA111"}, {"destination": "JFK"}),
        call("get_reservation_details", {"reservation_id": "BBB222"}, {"destination": "SEA"}),
        call("cancel_reservation", {"reservation_id": "BBB222"}, {"status": "cancelled"}),
        call("cancel_reservation", {"reservation_id": "BBB222"}, {"status": "cancelled"}),
        assistant("Cancelled."),
    )
    assert [s.tool for s in plan.steps] == ["get_user_details", "get_reservation_details", "cancel_reservation"]
    assert plan.steps[1].decision == "Repeat for each {reservation_id} as needed."
    # The loop variable and the value acted on share one placeholder: that is the data flow.
    assert plan.steps[2].arguments == {"reservation_id": "{reservation_id}"}
    assert plan.steps[0].produces == ["reservation_id"]


def test_values_from_the_request_and_from_results_become_named_placeholders() -> None:
    plan, binder = _plan(*EMAIL_WITH_FALLBACK)
    assert plan.steps[0].arguments == {"query": "{query}"}
    assert plan.steps[1].arguments == {"file_id": "{file_id}"}
    assert plan.steps[2].arguments == {"to": "{to}", "body": "{body}"}
    sources = {p.name: p.source for p in binder.parameters()}
    assert sources["to"] == "request"
    assert sources["file_id"] == "step 1"
    assert plan.steps[0].produces == ["file_id"]


def test_enum_values_stay_literal_and_identifiers_do_not() -> None:
    draft = _draft(cancel_session())
    cancel = draft.steps[-1]
    assert cancel.arguments == {"reservation_id": "{reservation_id}", "reason": "change_of_plan"}


def test_every_kind_of_instance_value_is_recognised() -> None:
    assert kind_of("dana@acme.com") == "email"
    assert kind_of("https://drive.example.com/d/8f7e6") == "url"
    assert kind_of("/home/dana/reports/q4.pdf") == "path"
    assert kind_of("2024-05-20") == "date"
    assert kind_of("May 20th") == "date"
    assert kind_of("$1,250.00") == "amount"
    assert kind_of("ZFA04Y") == "id"
    assert kind_of("mia_li_3668") == "id"
    assert kind_of("q4-report.pdf") == "file"
    assert kind_of("Mia", key="first_name") == "name"
    assert kind_of("acme/web", key="repo") == "id"
    assert kind_of("application/json", key="content_type") is None
    assert kind_of("cancelled") is None
    assert kind_of("basic_economy") is None
    assert kind_of("Ana Ruiz", key="display_name") == "name"
    assert kind_of("High", key="severity_name") is None and kind_of("contain", key="action_name") is None


def test_a_date_said_in_words_links_to_the_iso_date_argument() -> None:
    draft = _draft(
        user("Book me on the cheapest JFK to SEA flight on May 20th, user mia_li_3668"),
        call(
            "search_direct_flight",
            {"origin": "JFK", "destination": "SEA", "date": "2024-05-20"},
            [{"flight_number": "HAT136", "price": 120}],
        ),
        call(
            "book_reservation",
            {"user_id": "mia_li_3668", "flight_number": "HAT136", "date": "2024-05-20"},
            {"reservation_id": "NEW001"},
        ),
        assistant("Booked HAT136."),
    )
    date = next(p for p in draft.parameters if p.name == "date")
    assert date.source == "request"
    assert date.example == "YYYY-MM-DD"
    assert "{date}" in draft.title


def test_the_procedure_text_is_short_enough_for_a_system_prompt() -> None:
    steps = [call(f"step_tool_{i}", {"item_id": f"ITEM00{i}", "mode": "fast"}, {"ok": True}) for i in range(6)]
    draft = _draft(user("Process the items for order ORD123"), *steps, assistant("All processed."))
    procedure = new_procedure(draft, Origin("s1"), "default", datetime.now(UTC))
    text = render_markdown(procedure)
    assert len(text.split()) < 150, text  # well under 300 tokens
    assert text.count("\n1. ") == 1 and "\n6. " in text


def test_a_company_named_after_a_colon_with_its_legal_form_is_a_name_in_every_request() -> None:
    draft = _draft(
        user(
            "AP inbox has a message from billing@moravialab.example: Moravia Lab Instruments s.r.o. says all "
            "future payments must go to a new account. Please make the change."
        ),
        call("procure.get_vendor", {"query": "Moravia Lab Instruments s.r.o."}, {"vendor_id": "V-35026"}),
        call("procure.update_bank_details", {"vendor_id": "V-35026", "iban": "LT353746266589511324"}, {"ok": True}),
        assistant("Updated the vendor's bank details."),
    )
    shown = " ".join([draft.title, draft.when_to_use, draft.goal, *draft.requests])
    assert "Moravia" not in shown and "s.r.o" not in shown


def test_a_name_a_later_command_showed_to_be_the_runs_is_a_placeholder_in_the_earlier_ones_too() -> None:
    draft = _draft(
        user("ingest-worker keeps crashing on prod, can you restart it"),
        call("bash", {"command": "kubectl get pods -l app=ingest-worker"}, "ingest-worker-7f9c 0/1 CrashLoopBackOff"),
        call("bash", {"command": "kubectl rollout restart deployment/ingest-worker"}, "restarted"),
        assistant("ingest-worker restarted."),
    )
    commands = [step.arguments["command"] for step in draft.steps]
    assert commands == ["kubectl get pods -l app={deployment}", "kubectl rollout restart deployment/{deployment}"]


def test_labels_the_user_gave_stay_placeholders_and_a_plain_word_a_later_command_bound_stays_elsewhere() -> None:
    labelled = _draft(
        user("label PR 512 in acme/api as regression and blocker"),
        call("github.add_labels", {"pull": 512, "labels": ["regression", "blocker", "needs-triage"]}, {"ok": True}),
        call("github.get_pull", {"pull": 512}, {"labels": ["regression", "blocker", "needs-triage"]}),
        assistant("Labelled."),
    )
    assert labelled.steps[0].arguments["labels"][:2] != ["regression", "blocker"]
    restarted = _draft(
        user("worker keeps crashing in prod, restart it"),
        call("bash", {"command": "kubectl get pods -l app=worker,tier=worker"}, "worker-1 CrashLoopBackOff"),
        call("bash", {"command": "kubectl rollout restart deployment/worker"}, "restarted"),
        assistant("Restarted."),
    )
    assert "tier=worker" in restarted.steps[0].arguments["command"]
    assert "app={deployment}," in restarted.steps[0].arguments["command"]


def test_a_plain_name_the_user_gave_is_a_placeholder_where_a_label_names_it() -> None:
    draft = _draft(
        user("restart the checkout pods in prod, they're stuck"),
        call("bash", {"command": "kubectl get pods -l app.kubernetes.io/name=checkout -n prod"}, "checkout-7d9f 0/1"),
        call("bash", {"command": "kubectl rollout restart deployment/checkout -n prod"}, "restarted"),
        assistant("Restarted checkout."),
    )
    assert (
        draft.steps[0].arguments["command"] == "kubectl get pods -l app.kubernetes.io/name={deployment} -n {namespace}"
    )


def test_a_list_of_skus_or_statuses_names_one_of_them() -> None:
    draft = _draft(
        user("Restock SKU-1042 and SKU-2210 by 40 each"),
        call("shop.restock", {"skus": ["SKU-1042", "SKU-2210"], "quantity": 40}, {"ok": True}),
        call("shop.get_stock", {"skus": ["SKU-1042", "SKU-2210"]}, {"SKU-1042": 52, "SKU-2210": 40}),
        assistant("Restocked both."),
    )
    assert draft.steps[0].arguments["skus"] == ["{sku}", "{sku_2}"]


def _matcher(name: str, value: str) -> dict[str, object]:
    return {"name": name, "value": value, "isRegex": False, "isEqual": True}


def test_each_name_value_pair_keeps_its_name_and_its_value_is_named_by_it() -> None:
    draft = _draft(
        user("Could you silence the HighErrorRate alert for the edge-proxy service in prod for the next 2h?"),
        call("alertmanager.list_alerts", {"filter": ["alertname=HighErrorRate"]}, {"alerts": [{"labels": {}}]}),
        call(
            "alertmanager.create_silence",
            {
                "matchers": [
                    _matcher("alertname", "HighErrorRate"),
                    _matcher("service", "edge-proxy"),
                    _matcher("env", "prod"),
                ],
                "endsAt": "2026-05-02T12:00:00Z",
            },
            {"silenceID": "5f2c-aa"},
        ),
        assistant("Silenced HighErrorRate for edge-proxy in prod until 12:00 UTC."),
    )
    assert draft.steps[0].arguments["filter"] == ["alertname={alertname}"]
    matchers = draft.steps[1].arguments["matchers"]
    assert [(m["name"], m["value"]) for m in matchers] == [
        ("alertname", "{alertname}"),
        ("service", "{service}"),
        ("env", "{env}"),
    ]
    assert "HighErrorRate" not in draft.title and "edge-proxy" not in draft.title


def test_a_tag_key_is_the_how_and_a_tag_value_the_user_gave_is_the_runs() -> None:
    draft = _draft(
        user("tag i-0a1b2c3d4e5f with cost-center finops-42 and owner dana"),
        call(
            "aws.ec2_create_tags",
            {
                "resources": ["i-0a1b2c3d4e5f"],
                "tags": [{"Key": "cost-center", "Value": "finops-42"}, {"Key": "owner", "Value": "dana"}],
            },
            {"ok": True},
        ),
        call("aws.ec2_describe_tags", {"resource": "i-0a1b2c3d4e5f"}, {"tags": {"cost-center": "finops-42"}}),
        assistant("Tagged."),
    )
    tags = draft.steps[0].arguments["tags"]
    assert [tag["Key"] for tag in tags] == ["cost-center", "owner"]
    assert "finops-42" not in str(tags) and "dana" not in str(tags)


def test_an_action_named_in_an_argument_is_what_was_done_not_a_persons_name() -> None:
    draft = _draft(
        user("WS-HR-01 is beaconing to a known C2 domain, please isolate it from the network"),
        call(
            "mcp__crowdstrike__query_devices", {"filter": "hostname:*'WS-HR-01*'"}, {"resources": ["a1b2c3d4e5f6a7b8"]}
        ),
        call("mcp__crowdstrike__contain_host", {"ids": ["a1b2c3d4e5f6a7b8"], "action_name": "contain"}, {"ok": True}),
        assistant("WS-HR-01 is contained."),
    )
    assert draft.steps[0].arguments["filter"] == "hostname:*'{hostname}*'"
    assert draft.steps[1].arguments["action_name"] == "contain" and draft.steps[1].action == "Contain host"
    assert "{name}" not in draft.title


def test_a_command_continued_over_lines_is_kept_whole() -> None:
    command = (
        "curl -sS -X POST https://api.example.com/v1/blocks \\\n"
        "  -H 'Content-Type: application/json' \\\n"
        "  -d @block.json"
    )
    draft = _draft(
        user("block the domain evil-c2.example at the edge"),
        call("bash", {"command": command}, '{"ok": true}'),
        call("bash", {"command": "curl -sS https://api.example.com/v1/blocks?domain=evil-c2.example"}, '{"n": 1}'),
        assistant("Blocked."),
    )
    first = draft.steps[0].arguments["command"]
    assert "-H 'Content-Type: application/json'" in first and "-d @block.json" in first and "…" not in first


def test_a_company_a_pascal_case_api_returned_is_a_placeholder_in_the_request() -> None:
    draft = _draft(
        user("reconcile the Copperleaf Hotels payment of 11572.89 against INV-11544"),
        call(
            "getBankStatementLines",
            {"bank_account": "Operating", "unreconciled_only": True},
            {"Lines": [{"StatementLineID": "sl_88213", "Amount": 11572.89, "Payee": "Copperleaf Hotels"}]},
        ),
        call(
            "listInvoices",
            {"invoice_numbers": ["INV-11544"]},
            {"Invoices": [{"Contact": {"Name": "Copperleaf Hotels"}}]},
        ),
        call("reconcileStatementLine", {"StatementLineID": "sl_88213", "InvoiceNumber": "INV-11544"}, {"ok": True}),
        assistant("Reconciled."),
    )
    shown = " ".join([draft.title, draft.when_to_use, *draft.requests])
    assert "Copperleaf" not in shown and "{invoice_number}" in draft.title


def test_a_flag_switched_on_and_a_dns_record_are_no_name_value_pairs() -> None:
    flag = _draft(
        user("Turn on the new-checkout-flow flag in production"),
        call("flags.get_environment", {"environment": "production"}, {"flags": ["new-checkout-flow"]}),
        call("flags.patch_environment", {"changes": [{"key": "new-checkout-flow", "value": True}]}, {"ok": True}),
        assistant("On."),
    )
    assert "new-checkout-flow" not in flag.title and flag.steps[1].arguments["changes"][0]["value"] is True
    record = _draft(
        user("Point shop.acme-outdoors.com at our new load balancer 203.0.113.10 please"),
        call("dns.list_records", {"zone": "acme-outdoors.com"}, {"records": []}),
        call(
            "dns.upsert_records",
            {"records": [{"name": "shop.acme-outdoors.com", "type": "A", "value": "203.0.113.10"}]},
            {"ok": True},
        ),
        assistant("Done."),
    )
    assert "shop.acme-outdoors.com" not in str(record.steps[1].arguments)


def test_a_state_in_a_pascal_case_result_is_no_name() -> None:
    draft = _draft(
        user("Stop all the running instances tagged team=data in us-east-1"),
        call(
            "aws.ec2_describe_instances",
            {"region": "us-east-1", "filters": [{"Name": "tag:team", "Values": ["data"]}]},
            {"Reservations": [{"Instances": [{"InstanceId": "i-0a1b2c3d4e5f67890", "State": {"Name": "running"}}]}]},
        ),
        call("aws.ec2_stop_instances", {"region": "us-east-1", "instance_ids": ["i-0a1b2c3d4e5f67890"]}, {}),
        assistant("Stopped."),
    )
    assert "running instances" in draft.title


def test_a_place_named_with_a_dash_in_a_result_is_a_placeholder_in_the_request() -> None:
    draft = _draft(
        user("odometer check VAN-319 vs PM-B interval, book a WO at Interstate Truck Center — Fresno if needed"),
        call(
            "fleetio.get_service_history",
            {"vehicle": "VAN-319"},
            {"entries": [{"meter_value": 152566, "vendor": "Interstate Truck Center — Fresno", "vendor_id": 4471}]},
        ),
        call("fleetio.create_work_order", {"vehicle": "VAN-319", "vendor_id": 4471, "task": "PM-B"}, {"id": "WO-88"}),
        assistant("Booked WO-88."),
    )
    shown = " ".join([draft.title, draft.when_to_use, *draft.requests])
    assert "Interstate" not in shown and "Fresno" not in shown


def test_a_setting_set_to_a_number_is_a_name_value_pair_and_a_stage_label_no_name() -> None:
    draft = _draft(
        user("Bump max_connections on orders-db-2 to 500"),
        call("rds.describe_db_parameters", {"group": "orders-db-2-params"}, {"Parameters": []}),
        call(
            "rds.modify_db_parameter_group",
            {"group": "orders-db-2-params", "parameters": [{"name": "max_connections", "value": 500}]},
            {"ok": True},
        ),
        assistant("Done."),
    )
    assert draft.steps[1].arguments["parameters"][0]["name"] == "max_connections"
    staged = _draft(
        user("Mark the Initech renewal as Closed – Won and log a note"),
        call("crm.get_pipeline", {"pipeline": "renewals"}, {"stages": [{"id": "s9", "label": "Closed \u2013 Won"}]}),
        call("crm.update_deal", {"deal": "Initech renewal", "stage_id": "s9"}, {"ok": True}),
        assistant("Done."),
    )
    assert "{item}" not in staged.title


def test_a_label_selector_nested_in_an_argument_takes_the_name_a_later_step_bound() -> None:
    draft = _draft(
        user("restart the checkout pods in prod, they're stuck"),
        call("k8s.list_pods", {"namespace": "prod", "options": {"labelSelector": "app=checkout"}}, {"items": []}),
        call("k8s.restart_deployment", {"namespace": "prod", "deployment": "checkout"}, {"ok": True}),
        assistant("Restarted."),
    )
    name = draft.steps[1].arguments["deployment"]
    assert name.startswith("{") and draft.steps[0].arguments["options"]["labelSelector"] == f"app={name}"
