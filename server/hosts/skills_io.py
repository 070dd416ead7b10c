"""Agent Skills folders on disk: exporting the store's procedures, and importing skills as procedures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from deftly.server.storage.store import LanceStore
from deftly.tools.errors import DeftlyError
from deftly.tools.get_procedure import get_procedure
from deftly.tools.learn import embed_procedures
from deftly.tools.models import Procedure
from deftly.tools.ports import Embedder
from deftly.tools.skill_format import MAX_NAME_CHARS, render_skill, skill_name
from deftly.tools.skill_parse import parse_skill_file, skill_to_procedure

SKILL_FILES = ("SKILL.md", "skill.md")
PAGE = 500
# What a skill carries; a re-import that changes none of these leaves the procedure as it is.
_CONTENT = {"title", "when_to_use", "parameters", "steps", "pitfalls", "examples", "tags", "tools", "metadata"}


@dataclass
class SkillOutcome:
    path: str
    status: str  # exported | created | updated | unchanged | error
    id: str = ""
    name: str = ""
    reason: str = ""


def export_skills(
    store: LanceStore, folder: Path, include: Callable[[Procedure], bool] = lambda _: True
) -> list[SkillOutcome]:
    """Write each procedure ``include`` accepts as ``folder/<name>/SKILL.md``; a procedure exported before keeps
    its folder. The others are reported as ``left out``, with their state."""
    folder.mkdir(parents=True, exist_ok=True)
    previous = _exported_names(folder)
    taken = set(previous.values())
    outcomes = []
    for procedure in sorted(_all_procedures(store), key=lambda p: (p.created_at, p.id)):
        if not include(procedure):
            reason = f"{procedure.state}: not served; --all exports it"
            outcomes.append(SkillOutcome("", "left out", procedure.id, skill_name(procedure.title), reason))
            continue
        name = previous.get(procedure.id) or _free_name(skill_name(procedure.title), taken, folder)
        taken.add(name)
        detail = get_procedure(store, procedure.id)
        target = folder / name / "SKILL.md"
        target.parent.mkdir(exist_ok=True)
        target.write_text(render_skill(procedure, name, detail.stats), encoding="utf-8")
        outcomes.append(SkillOutcome(str(target), "exported", procedure.id, name))
    return outcomes


def _all_procedures(store: LanceStore) -> list[Procedure]:
    procedures: list[Procedure] = []
    while page := store.list_procedures(PAGE, offset=len(procedures)):
        procedures += page
    return procedures


def _exported_names(folder: Path) -> dict[str, str]:
    """Procedure id -> the folder it was exported to before."""
    names = {}
    for path in skill_files(folder):
        try:
            skill = parse_skill_file(path.read_text(encoding="utf-8"), where=str(path))
        except (OSError, DeftlyError):
            continue
        if "deftly-id" in skill.metadata and skill.name == path.parent.name:
            names[skill.metadata["deftly-id"]] = skill.name
    return names


def _free_name(name: str, taken: set[str], folder: Path) -> str:
    candidate, number = name, 1
    while candidate in taken or (folder / candidate).exists():
        number += 1
        suffix = f"-{number}"
        candidate = name[: MAX_NAME_CHARS - len(suffix)].rstrip("-") + suffix
    return candidate


def skill_files(folder: Path) -> list[Path]:
    """``folder``'s own SKILL.md if it is a skill, else those of its sub-folders."""
    own = [folder / name for name in SKILL_FILES if (folder / name).is_file()]
    if own:
        return own[:1]
    found = []
    for child in sorted(p for p in folder.iterdir() if p.is_dir()):
        found += [child / name for name in SKILL_FILES if (child / name).is_file()][:1]
    return found


def import_skills(store: LanceStore, embedder: Embedder, folder: Path, *, now: datetime) -> list[SkillOutcome]:
    """Store each skill as a procedure: new ones are added, changed ones updated (a new version, the
    previous kept), unchanged ones left alone."""
    outcomes: list[SkillOutcome] = []
    created: list[Procedure] = []
    changed: list[tuple[Procedure, Procedure]] = []
    seen: dict[str, str] = {}
    for path in skill_files(folder):
        try:
            skill = parse_skill_file(path.read_text(encoding="utf-8", errors="replace"), where=str(path))
            procedure = skill_to_procedure(skill, namespace=store.namespace, now=now)
        except (OSError, DeftlyError, ValueError) as exc:
            outcomes.append(SkillOutcome(str(path), "error", reason=str(exc)))
            continue
        if procedure.id in seen:
            reason = f"same procedure id ({procedure.id}) as {seen[procedure.id]}; skipped"
            outcomes.append(SkillOutcome(str(path), "error", procedure.id, skill.name, reason))
            continue
        seen[procedure.id] = str(path)
        existing = store.get_procedure(procedure.id)
        status = _place(procedure, existing, created, changed, now)
        outcomes.append(SkillOutcome(str(path), status, procedure.id, skill.name))
    procedures = created + [new for new, _ in changed]
    embeddings = embed_procedures(procedures, embedder)
    store.add_procedures([(p, embeddings[p.id]) for p in created])
    store.update_procedures([(new, embeddings[new.id], old) for new, old in changed])
    return outcomes


def _content(procedure: Procedure) -> dict[str, Any]:
    """What a skill file says; where steps were learned (``Step.sources``) is not in it."""
    content = procedure.model_dump(include=_CONTENT)
    content["steps"] = [{k: v for k, v in step.items() if k != "sources"} for step in content["steps"]]
    return content


def _place(
    procedure: Procedure,
    existing: Procedure | None,
    created: list[Procedure],
    changed: list[tuple[Procedure, Procedure]],
    now: datetime,
) -> str:
    if existing is None:
        created.append(procedure)
        return "created"
    if _content(procedure) == _content(existing):
        return "unchanged"
    update = procedure.model_dump(include=_CONTENT)
    merged = existing.model_copy(
        update={
            **update,
            "signatures": list(dict.fromkeys([*existing.signatures, *procedure.signatures])),
            "version": existing.version + 1,
            "updated_at": now,
        }
    )
    changed.append((Procedure.model_validate(merged.model_dump()), existing))
    return "updated"
