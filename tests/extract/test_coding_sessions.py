"""Coding-agent sessions: shell commands stay readable, the instance values inside them do not."""

from __future__ import annotations

from datetime import UTC, datetime

from tracebuilders import assistant, call, trace_of, user

from deftly.tools.extract.base import Draft
from deftly.tools.extract.heuristic import HeuristicExtractor
from deftly.tools.generalize import ValueBinder
from deftly.tools.merge import Origin, merge, new_procedure
from deftly.tools.render import render_call
from deftly.tools.values import kind_of

PROJECT = "/home/lee/acme-cli"


def _release_session() -> tuple:  # type: ignore[type-arg]
    return (
        user("Release version 2.4.0: add a changelog entry for it and tag the release."),
        call("Read", {"file_path": f"{PROJECT}/CHANGELOG.md"}, "# Changelog\n\n## 2.3.1\n- Fix --json output\n"),
        call(
            "Bash",
            {"command": "git log --oneline v2.3.1..HEAD", "description": "Commits since the last release"},
            "a41c9e2 Add --since filter\n7d03b51 Retry uploads on 503",
        ),
        call(
            "Edit",
            {"file_path": f"{PROJECT}/CHANGELOG.md", "old_string": "# Changelog\n", "new_string": "## 2.4.0\n"},
            "The file has been updated.",
        ),
        call("Bash", {"command": "git commit -am 'Release 2.4.0'"}, "[main 9f2e1aa] Release 2.4.0"),
        call("Bash", {"command": "git tag -a v2.4.0 -m 'Release 2.4.0'"}, ""),
        assistant("Tagged v2.4.0."),
    )


def _draft(*parts, cwd: str | None = PROJECT) -> Draft:  # type: ignore[no-untyped-def]
    trace = trace_of(*parts)
    trace.cwd = cwd
    extraction = HeuristicExtractor().extract(trace)
    assert len(extraction.drafts) == 1, extraction.skipped
    return extraction.drafts[0]


def test_commands_keep_their_words_and_lose_their_values() -> None:
    draft = _draft(*_release_session())
    commands = [step.arguments.get("command") for step in draft.steps if step.tool == "Bash"]

    assert commands == [
        "git log --oneline v{current_version}..HEAD",
        "git commit -am 'Release {version}'",
        "git tag -a v{version} -m 'Release {version}'",
    ]
    assert draft.steps[1].arguments["description"] == "Commits since the last release"


def test_a_shell_session_is_titled_by_its_request_not_its_shell() -> None:
    draft = _draft(*_release_session())

    assert draft.title == "Release version {version}"
    assert draft.when_to_use == "The user asks to release version {version}."
    assert "Bash" not in draft.title


def test_paths_inside_the_project_read_relative_to_a_project_placeholder() -> None:
    draft = _draft(*_release_session())

    assert draft.steps[0].arguments["file_path"] == "{project_dir}/CHANGELOG.md"
    project = next(p for p in draft.parameters if p.name == "project_dir")
    assert project.kind == "path"
    assert "/home/lee" not in project.example
    assert "lee" not in "\n".join(str(step.arguments) for step in draft.steps)


def test_without_a_working_directory_the_path_is_one_placeholder() -> None:
    draft = _draft(*_release_session(), cwd=None)

    assert draft.steps[0].arguments["file_path"] == "{file_path}"


def test_different_commands_of_one_shell_are_separate_steps_and_a_loop_stays_one() -> None:
    draft = _draft(
        user("Delete the build artifacts out-1.log and out-2.log, then run the tests."),
        call("bash", {"command": "rm out-1.log"}, ""),
        call("bash", {"command": "rm out-2.log"}, ""),
        call("bash", {"command": "pytest -q"}, "58 passed"),
    )

    assert [step.arguments["command"] for step in draft.steps] == ["rm {file_name}", "pytest -q"]
    assert draft.steps[0].decision is not None and draft.steps[0].decision.startswith("Repeat")
    assert draft.requests == ["Delete the build artifacts {file_name}, then run the tests."]


def test_another_iteration_of_a_command_binds_its_values_to_the_same_placeholders() -> None:
    binder = ValueBinder(request="Tag releases 1.2.0 and 1.3.0.")
    template = binder.generalize("bash", {"command": "git tag v1.2.0"})

    binder.alias({"command": "git tag v1.3.0"}, template)

    assert template == {"command": "git tag v{version}"}
    assert binder.value_map() == {"1.2.0": "version", "1.3.0": "version"}


def test_tool_names_flags_and_system_paths_inside_commands_stay_literal() -> None:
    binder = ValueBinder(request="Convert the notes to UTF-8.", cwd=PROJECT)

    arguments = binder.generalize(
        "bash", {"command": "python3 -m iconv --to utf-8 notes.txt > /dev/null && head -n 20 manage.py"}
    )

    assert arguments["command"] == "python3 -m iconv --to utf-8 notes.txt > /dev/null && head -n 20 manage.py"


def test_identifying_values_inside_commands_become_placeholders() -> None:
    binder = ValueBinder(request="Send the report for 2026-03-01 to dana@acme.com.", cwd=PROJECT)

    arguments = binder.generalize(
        "bash",
        {"command": "report --date 2026-03-01 --commit 9f2e1aa0 --out /srv/reports/q1/march.pdf | mail dana@acme.com"},
    )

    assert arguments["command"] == "report --date {date} --commit {commit} --out {path} | mail {email}"
    assert {p.name: p.source for p in binder.parameters()}["date"] == "request"


def test_an_id_a_command_printed_and_the_repository_the_user_named_are_placeholders_in_later_commands() -> None:
    binder = ValueBinder(request="CI on #516 in acme/route-planner failed again, rerun the failed jobs?")

    listed = binder.generalize(
        "bash", {"command": "gh run list --repo acme/route-planner --branch fix/upload-resume --limit 3"}
    )
    binder.add_result(1, "completed  failure  CI  fix/upload-resume  14313280509")
    rerun = binder.generalize("bash", {"command": "gh run rerun 14313280509 --failed --repo acme/route-planner"})
    checks = binder.generalize("bash", {"command": "gh pr checks 516 --repo acme/route-planner | tail -n 25"})

    assert listed["command"] == "gh run list --repo {repo} --branch {branch} --limit 3"
    assert rerun["command"] == "gh run rerun {id} --failed --repo {repo}"
    assert checks["command"] == "gh pr checks {number} --repo {repo} | tail -n 25"
    assert {p.name: p.source for p in binder.parameters()}["id"] == "step 1"


def test_a_key_value_argument_the_user_gave_is_a_placeholder_named_by_its_key() -> None:
    binder = ValueBinder(request="Silence ErrorRateHigh for search-gateway in prod for 4h, we're upgrading nodes")

    arguments = binder.generalize(
        "shell",
        {"command": "amtool silence add alertname=ErrorRateHigh service=search-gateway env=prod --duration=4h"},
    )
    setting = binder.generalize("bash", {"command": "helm upgrade web ./chart --set replicaCount=3 --set debug=true"})

    assert arguments["command"] == "amtool silence add alertname={alertname} service={service} env={env} --duration=4h"
    assert setting["command"] == "helm upgrade web ./chart --set replicaCount=3 --set debug=true"  # the agent's
    binder.add_result(1, "NAME               READY   STATUS\nworker-5d8-xyz12   0/1     Failed")
    evicted = binder.generalize("bash", {"command": "kubectl delete pods --field-selector status.phase=Failed"})
    migrated = binder.generalize("bash", {"command": "psql -h staging-db -v ON_ERROR_STOP=1 -f 0042_add_index.sql"})
    assert evicted["command"] == "kubectl delete pods --field-selector status.phase=Failed"
    assert "ON_ERROR_STOP=1" in migrated["command"]


def test_a_count_a_name_and_a_host_in_command_options_by_who_gave_them() -> None:
    binder = ValueBinder(request="Scale checkout in prod to 3 replicas and restart the payments-worker container")

    scaled = binder.generalize("bash", {"command": "helm upgrade checkout ./chart --set replicaCount=3"})
    found = binder.generalize("bash", {"command": "docker ps -aq --filter name=payments-worker"})
    tested = binder.generalize("bash", {"command": "pytest --host host.docker.internal"})

    assert scaled["command"].endswith("--set replicaCount={replicacount}")
    assert found["command"] == "docker ps -aq --filter name={name}"
    assert tested["command"] == "pytest --host host.docker.internal"  # the agent's


def test_looking_at_a_certificate_or_a_dns_answer_with_output_thrown_away_only_looks() -> None:
    from deftly.tools.generalize.commands import is_read_command

    cert = "echo | openssl s_client -connect pay.example.org:443 2>/dev/null | openssl x509 -noout -dates"
    assert is_read_command({"command": cert})
    assert is_read_command({"command": "dig +short TXT _dmarc.example.org @1.1.1.1"})
    assert is_read_command({"command": "kubectl logs api-7f9 2>&1 | tail -n 50"})
    assert not is_read_command({"command": "openssl x509 -in site.pem -outform der -out site.der"})
    assert not is_read_command({"command": "dig +short example.org > answers.txt"})
    assert not is_read_command({"command": "echo | openssl req -new -newkey rsa:2048 -nodes -keyout site.key"})


def test_a_zone_or_a_bucket_the_agent_derived_from_what_the_user_named_is_a_placeholder() -> None:
    binder = ValueBinder(request="need _dmarc.brightfern.co (TXT) pointing at v=DMARC1; p=none asap")

    arguments = binder.generalize("Bash", {"command": "flarectl dns list --zone brightfern.co --name _dmarc"})

    assert arguments["command"] == "flarectl dns list --zone {zone} --name {name}"


def test_words_the_agent_chose_for_a_command_stay_even_when_the_user_said_them() -> None:
    binder = ValueBinder(request="Show me the last 50 lines of the api logs in json, main branch.")

    arguments = binder.generalize("bash", {"command": "kubectl logs api --tail=50 -o json && git log main -5"})

    assert arguments["command"] == "kubectl logs api --tail=50 -o json && git log main -5"


def test_argv_lists_are_generalized_element_by_element() -> None:
    binder = ValueBinder(request="Bump requests to 2.32.3 in requirements.txt.")

    arguments = binder.generalize("shell", {"command": ["pip", "install", "-r", "requirements.txt"]})

    assert arguments["command"] == ["pip", "install", "-r", "{file_name}"]


def test_a_heredoc_keeps_its_first_line_only() -> None:
    binder = ValueBinder(request="Write the config.")
    script = "cat > settings.toml <<'EOF'\n[server]\npassword_file = '/home/lee/.pw'\nEOF"

    arguments = binder.generalize("bash", {"command": script})

    assert arguments["command"] == "cat > settings.toml <<'EOF' …"


def test_commands_render_whole_where_other_arguments_are_abbreviated() -> None:
    draft = _draft(
        user("Run the full test suite with coverage for the api package."),
        call("bash", {"command": "pytest -q --cov=api --cov-report=term-missing tests/api tests/integration"}, "ok"),
        call("bash", {"command": "coverage report --fail-under=90"}, "ok"),
    )

    rendered = render_call(draft.steps[0])

    assert "pytest -q --cov=api --cov-report=term-missing tests/api tests/integration" in rendered


def test_versions_are_their_own_kind() -> None:
    assert kind_of("2.31.3") == "version"
    assert kind_of("v1.4") == "version"
    assert kind_of("2026-03-01") == "date"
    assert kind_of("out-2.log") == "file"


def test_merging_two_runs_keeps_a_readable_command() -> None:
    first = _draft(*_release_session())
    second = _draft(
        user("Release version 3.0.0: add a changelog entry for it and tag the release."),
        call("Read", {"file_path": f"{PROJECT}/CHANGELOG.md"}, "# Changelog\n\n## 2.4.0\n- Add --since\n"),
        call("Bash", {"command": "git log --oneline v2.4.0..HEAD"}, "b51c9e2 Drop Python 3.9"),
        call(
            "Edit", {"file_path": f"{PROJECT}/CHANGELOG.md", "old_string": "# Changelog\n", "new_string": "## 3\n"}, ""
        ),
        call("Bash", {"command": "git commit -m 'Changelog for 3.0.0'"}, "[main 1a2b3c4] Changelog"),
        call("Bash", {"command": "git tag v3.0.0"}, ""),
        assistant("Tagged v3.0.0."),
    )
    now = datetime.now(UTC)

    merged = merge(new_procedure(first, Origin("s1"), "default", now), second, Origin("s2"), now)

    commands = [step.arguments["command"] for step in merged.steps if step.tool == "Bash"]
    assert commands == [
        "git log --oneline v{current_version}..HEAD",
        "git commit -am 'Release {version}'",
        "git tag -a v{version} -m 'Release {version}'",
    ]


def test_commands_given_as_argument_vectors_are_told_apart_like_command_lines() -> None:
    def shell(script: str, output: str) -> object:
        return call("shell", {"command": ["bash", "-lc", script], "workdir": "/home/ana/ops"}, output)

    trace = trace_of(
        user("scale the checkout deployment in prod to 6 replicas"),
        shell("kubectl config current-context", "prod-eu-1"),
        shell("kubectl -n prod get deploy checkout", "checkout   3/3"),
        shell("kubectl -n prod scale deployment/checkout --replicas=6", "deployment.apps/checkout scaled"),
        shell("kubectl -n prod rollout status deployment/checkout", "successfully rolled out"),
        assistant("checkout runs 6 replicas now."),
    )
    (draft,) = HeuristicExtractor().extract(trace).drafts

    commands = [str(step.arguments["command"]) for step in draft.steps]
    assert len(commands) == 4 and "scale deployment/" in commands[2]  # not one "bash" step repeated


def issue_count_session(request: str, query: str) -> object:
    return trace_of(
        user(request),
        call("mcp__github__search_issues", {"query": query, "perPage": 5}, {"total_count": 7, "items": []}),
        assistant("7 open issues carry that label."),
    )


def test_one_written_search_is_know_how_and_the_values_in_its_qualifiers_are_placeholders() -> None:
    named = issue_count_session(
        "how many open 'needs-triage' issues does orchard-st/telemetry-agent have?",
        "repo:orchard-st/telemetry-agent is:issue is:open label:needs-triage",
    )
    partly = issue_count_session(
        "count open security issues in route-planner pls",
        "repo:solstice-health/route-planner is:issue is:open label:security",
    )
    plain = issue_count_session("find Dana's issues", "Dana Reyes")

    queries = [d.steps[0].arguments["query"] for t in (named, partly) for d in HeuristicExtractor().extract(t).drafts]
    assert queries == ["repo:{repo} is:issue is:open label:{label}"] * 2  # "is:open" is how, not a value
    assert not HeuristicExtractor().extract(plain).drafts  # a search for a name alone is one trivial look
    (draft,) = HeuristicExtractor().extract(named).drafts
    assert "orchard" not in draft.title and "{repo}" in draft.title


def test_two_runs_written_searches_merge_into_one_search_not_a_bare_placeholder() -> None:
    from deftly.tools.merge import merge_steps

    quoted = issue_count_session(
        "open 'priority: high' issues on infra?", 'repo:acme/infra is:open label:"priority: high"'
    )
    bare = issue_count_session("open security issues on acme/api?", "repo:acme/api is:open label:security")
    old, new = (HeuristicExtractor().extract(t).drafts[0].steps for t in (quoted, bare))

    (merged,) = merge_steps(old, new)
    assert merged.arguments["query"].startswith("repo:{repo} is:open label:")


def test_code_is_named_by_what_it_calls_not_by_the_values_it_passes() -> None:
    from deftly.tools.generalize.commands import command_head

    assert command_head({"code": 'df.to_csv("/data/clean/{file_name}", index=False) …'}) == ("df.to_csv",)
    assert command_head({"code": 'print(pd.read_csv("/data/raw/x.csv").shape)'}) == ("print",)
    assert command_head({"command": "./scripts/deploy.sh staging --dry-run"}) == ("./scripts/deploy.sh", "staging")


def test_a_commands_own_values_are_told_from_its_flags_counts_and_versions() -> None:
    cases = {
        (
            "install the chart as payments-api in the payments namespace",
            "helm upgrade --install payments-api ./charts/api -n payments",
        ): "helm upgrade --install payments-api {path} -n {namespace}",  # after a flag: missed, not guessed
        ("show me the last 20 commits", "git log -n 20 --oneline"): "git log -n {number} --oneline",
        ("use python 3.11", "pyenv install 3.11"): "pyenv install 3.11",
        ("push the fix to main", "git push origin main"): "git push origin main",
        ("tail the checkout-api logs", "kubectl logs deploy/checkout-api --since=5m -n shop"): (
            "kubectl logs deploy/{deployment} --since=5m -n shop"
        ),
    }
    for (request, command), expected in cases.items():
        assert ValueBinder(request=request).generalize("bash", {"command": command})["command"] == expected, command
