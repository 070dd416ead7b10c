"""Agent Skills: ``deftly export --skills`` writes valid skills (checked with ``skills-ref``); ``import --skills``
reads them back into the same procedures, and re-importing updates instead of duplicating."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import skills_ref
from deftly_support import address_trace, cancel_trace, deftly_command, open_db, server_env
from hypothesis import given, settings
from hypothesis import strategies as st

from deftly.server.storage.store import LanceStore
from deftly.tools.instantiate import instantiate
from deftly.tools.merge import merge_parameters
from deftly.tools.models import Parameter, Procedure, Step
from deftly.tools.skill_format import MAX_NAME_CHARS, code_span, render_skill, skill_name
from deftly.tools.skill_parse import code_spans, parse_skill_file, skill_to_procedure

ROUND_TRIP = ("title", "when_to_use", "steps", "parameters", "version", "pitfalls", "examples", "tags", "tools")
NOW = datetime(2026, 11, 21, tzinfo=UTC)


def _round_trip(procedure: Procedure) -> dict[str, Any]:
    """What a skill file carries: everything in ROUND_TRIP but where steps were learned."""
    content = procedure.model_dump(include=set(ROUND_TRIP))
    content["steps"] = [{k: v for k, v in step.items() if k != "sources"} for step in content["steps"]]
    return content


def deftly(home: Path, *args: str, code: int = 0) -> str:
    done = subprocess.run([*deftly_command(), *args], capture_output=True, text=True, env=server_env(home), timeout=300)
    assert done.returncode == code, done.stderr
    return done.stdout


def procedures(home: Path) -> dict[str, Procedure]:
    return {p.id: p for p in LanceStore(open_db(home), "default").list_procedures(100)}


@pytest.fixture
def learned_home(tmp_path: Path, deftly_home: Path) -> Path:
    """A home with two learned procedures, one rated."""
    traces = tmp_path / "traces"
    traces.mkdir()
    (traces / "cancel.json").write_text(json.dumps(cancel_trace()))
    (traces / "address.json").write_text(json.dumps(address_trace()))
    deftly(deftly_home, "import", str(traces), "--json")
    return deftly_home


@pytest.mark.slow
def test_exported_skills_are_valid_and_round_trip(learned_home: Path, tmp_path: Path) -> None:
    skills = tmp_path / "skills"

    exported = json.loads(deftly(learned_home, "export", "--skills", str(skills), "--json"))["skills"]

    folders = sorted(p for p in skills.iterdir() if p.is_dir())
    assert len(folders) == len(exported) == 2
    for folder in folders:
        assert skills_ref.validate(folder) == [], folder
        properties = skills_ref.read_properties(folder)
        assert properties.name == folder.name and len(properties.name) <= MAX_NAME_CHARS
        assert "Use when" in properties.description and len(properties.description) <= 1024
        assert {"deftly-id", "deftly-version", "parameters", "success-rate"} <= set(properties.metadata)
    original = procedures(learned_home)

    fresh = tmp_path / "other-home"
    created = json.loads(deftly(fresh, "import", "--init", "--skills", str(skills), "--json"))["skills"]

    assert sorted(s["status"] for s in created) == ["created", "created"]
    copied = procedures(fresh)
    assert set(copied) == set(original), "the deftly id travels with the skill"
    for pid, procedure in original.items():
        assert _round_trip(copied[pid]) == _round_trip(procedure)
    found = json.loads(deftly(fresh, "search", "cancel my booking", "--json"))["procedures"]
    assert found and found[0]["id"] == next(p for p in original if p.startswith("cancel")), "embedded and searchable"


@pytest.mark.slow
def test_reimporting_updates_instead_of_duplicating(learned_home: Path, tmp_path: Path) -> None:
    skills = tmp_path / "skills"
    deftly(learned_home, "export", "--skills", str(skills), "--json")

    unchanged = json.loads(deftly(learned_home, "import", "--skills", str(skills), "--json"))["skills"]
    assert [s["status"] for s in unchanged] == ["unchanged", "unchanged"]

    [cancel] = [p / "SKILL.md" for p in skills.iterdir() if p.name.startswith("cancel")]
    text = cancel.read_text(encoding="utf-8")
    cancel.write_text(text.replace("## Steps\n", "## Steps\n\n1. Confirm the cancellation with the user\n", 1))
    edited = cancel.read_text(encoding="utf-8")
    assert edited.count("\n1. ") == 2  # the edit duplicates a number; steps are read in order, renumbered
    updated = json.loads(deftly(learned_home, "import", "--skills", str(skills), "--json"))["skills"]

    assert sorted(s["status"] for s in updated) == ["unchanged", "updated"]
    [pid] = [s["id"] for s in updated if s["status"] == "updated"]
    after = procedures(learned_home)
    assert len(after) == 2
    assert after[pid].version == 2 and after[pid].steps[0].action == "Confirm the cancellation with the user"
    shown = json.loads(deftly(learned_home, "show", pid, "--version", "1", "--json"))
    assert shown["version"] == 1, "the previous version is kept"


@pytest.mark.slow
def test_exporting_again_keeps_each_procedures_folder(learned_home: Path, tmp_path: Path) -> None:
    skills = tmp_path / "skills"
    deftly(learned_home, "export", "--skills", str(skills), "--json")
    (skills / "my-own-skill").mkdir()
    before = sorted(p.name for p in skills.iterdir())

    again = json.loads(deftly(learned_home, "export", "--skills", str(skills), "--json"))["skills"]

    assert sorted(p.name for p in skills.iterdir()) == before
    assert {s["name"] for s in again} < set(before)


@pytest.mark.slow
def test_a_retired_procedure_is_exported_only_when_asked_for(learned_home: Path, tmp_path: Path) -> None:
    retired_id, kept_id = sorted(procedures(learned_home))
    deftly(learned_home, "review", "reject", retired_id, "--reason", "wrong order of steps")

    served = json.loads(deftly(learned_home, "export", "--skills", str(tmp_path / "served"), "--json"))["skills"]
    everything = json.loads(deftly(learned_home, "export", "--skills", str(tmp_path / "all"), "--all", "--json"))

    assert {s["id"]: s["status"] for s in served} == {retired_id: "left out", kept_id: "exported"}
    assert len(list((tmp_path / "served").glob("*/SKILL.md"))) == 1
    assert {s["status"] for s in everything["skills"]} == {"exported"}
    assert len(list((tmp_path / "all").glob("*/SKILL.md"))) == 2


def test_a_hand_written_skill_becomes_a_procedure() -> None:
    text = """---
name: rotate-logs
description: Rotate and compress the nginx logs on a web host. Use when disk space runs low on {host}.
license: MIT
---

# Rotate the nginx logs on {host}

Some context an author might write.

1. Check the disk usage on {host}
2. Run logrotate
   - Tool: `ssh_exec`
   - Arguments: `{"host": "{host}", "command": "logrotate -f /etc/logrotate.d/nginx"}`
3. Confirm nginx reopened its logs
"""
    skill = parse_skill_file(text, where="rotate-logs/SKILL.md")
    procedure = skill_to_procedure(skill, namespace="default", now=NOW)

    assert procedure.id == "skill-rotate-logs" and procedure.title == "Rotate the nginx logs on {host}"
    assert procedure.steps[0].action == "Check the disk usage on {host}"
    assert procedure.steps[1].tool == "ssh_exec" and procedure.steps[1].arguments["host"] == "{host}"
    assert [p.name for p in procedure.parameters] == ["host"]
    assert procedure.when_to_use.startswith("Rotate and compress")


def test_a_hand_written_placeholder_in_camel_case_survives_merging() -> None:
    text = """---
name: open-issue
description: Open an issue in a repository. Use when a bug needs tracking.
---

# Open an issue in {RepoName}

1. Create the issue
   - Tool: `create_issue`
   - Arguments: `{"repo": "{RepoName}", "title": "{title}"}`
"""
    procedure = skill_to_procedure(parse_skill_file(text, where="open-issue/SKILL.md"), namespace="default", now=NOW)

    merged = merge_parameters(procedure.parameters, [], procedure.steps, procedure.title)

    assert [p.name for p in procedure.parameters] == ["RepoName", "title"]
    assert [p.name for p in merged] == ["RepoName", "title"]
    assert instantiate(procedure, {"RepoName": "acme/web"}).title == "Open an issue in acme/web"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("# no front matter", "must start with YAML front matter"),
        ("---\nname: x\n", "not closed"),
        ("---\nname: [unclosed\n---\nbody", "not valid YAML"),
        ("---\nname: x\n---\nbody", "needs 'name' and 'description'"),
    ],
)
def test_a_broken_skill_file_says_what_is_wrong(text: str, problem: str) -> None:
    from deftly.tools.errors import InvalidInput

    with pytest.raises(InvalidInput, match=problem):
        parse_skill_file(text, where="x/SKILL.md")


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Cancel reservation {reservation_id} for user {user_id}", "cancel-reservation-for-user"),
        ("Café: crème brûlée — order #42!", "cafe-creme-brulee-order-42"),
        ("{only_placeholders}", "procedure"),
        ("word " * 40, ("word-" * 13).rstrip("-")),
        ("x" * 70, "x" * 64),
    ],
)
def test_skill_names_are_valid(title: str, name: str) -> None:
    assert skill_name(title) == name


_text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cn", "Co", "Zl", "Zp")), min_size=1, max_size=40
).filter(lambda s: " ".join(s.split()) == s and s and not s.startswith("(Optional) "))
_arguments = st.dictionaries(
    st.from_regex(r"[a-z_]{1,10}", fullmatch=True),
    st.one_of(_text, st.integers(), st.booleans(), st.lists(_text, max_size=3)),
    max_size=4,
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.builds(
            Step,
            action=_text,
            tool=st.one_of(st.none(), st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,20}", fullmatch=True)),
            arguments=_arguments,
            produces=st.lists(st.from_regex(r"[a-z_]{1,10}", fullmatch=True), max_size=2),
            decision=st.one_of(st.none(), _text),
            optional=st.booleans(),
        ),
        min_size=1,
        max_size=4,
    ),
    _text,
)
def test_steps_survive_the_skill_format(steps: list[Step], title: str) -> None:
    parameter = Parameter(name="order_id", description="The order", kind="id", example="#W1", source="step 1")
    procedure = Procedure(
        id="p-1", title=title, steps=steps, parameters=[parameter], version=3, created_at=NOW, updated_at=NOW
    )
    text = render_skill(procedure, skill_name(title))

    back = skill_to_procedure(parse_skill_file(text, where="SKILL.md"), namespace="default", now=NOW)

    assert back.steps == steps
    assert back.parameters[:1] == [parameter] and back.version == 3 and back.title == title


@given(_text)
def test_code_spans_round_trip(text: str) -> None:
    assert code_spans(f"x {code_span(text)} y") == [text]
