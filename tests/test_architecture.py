"""The rooms hold: import-linter's contracts are kept, no module imports itself in a circle, rooms stay small."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
MAX_MODULES_PER_ROOM = 12


def test_import_contracts_are_kept() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)

    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def import_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), i.e. every import circle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return cycles


def test_no_module_imports_itself_in_a_circle() -> None:
    # TYPE_CHECKING imports count: a circle a type checker needs is still a circle a reader follows.
    graph = grimp.build_graph("deftly.server", "deftly.tools", cache_dir=None)

    assert import_cycles(graph) == []


def test_the_cycle_finder_finds_a_circle() -> None:
    graph = grimp.ImportGraph()
    for name in ("pkg", "pkg.a", "pkg.b", "pkg.c"):
        graph.add_module(name)
    graph.add_import(importer="pkg.a", imported="pkg.b")
    graph.add_import(importer="pkg.b", imported="pkg.a")
    graph.add_import(importer="pkg.c", imported="pkg.a")

    assert import_cycles(graph) == [["pkg.a", "pkg.b"]]


@pytest.mark.parametrize("room", sorted(p for p in (ROOT / "server").iterdir() if (p / "__init__.py").is_file()))
def test_each_server_room_says_what_it_holds_and_stays_small(room: Path) -> None:
    modules = [p for p in room.glob("*.py") if p.name != "__init__.py"]
    docstring = (room / "__init__.py").read_text().strip()

    assert len(modules) <= MAX_MODULES_PER_ROOM, f"{room.name} holds {len(modules)} modules; split it"
    assert docstring.startswith('"""') and "import" in docstring, f"{room.name}/__init__.py must say what it may import"
