"""The built wheel ships every module of ``server/`` and ``tools/`` under ``deftly.``, and the model data files.

setuptools does not discover sub-folders of a remapped package (``package-dir``): a new sub-package
missing from ``[tool.setuptools] packages`` imports fine from the checkout and is absent from the
wheel. Only a real build shows it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHIPPED = {"server": "deftly/server", "tools": "deftly/tools"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[zipfile.ZipFile]:
    """A wheel built from a copy of the sources, so the build leaves nothing in the checkout."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(REPO_ROOT / name, source / name)
    for folder in SHIPPED:
        shutil.copytree(REPO_ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    out = tmp_path_factory.mktemp("dist")
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(out), str(source)]
    done = subprocess.run(build, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    [built] = out.glob("deftly_mcp-*.whl")
    with zipfile.ZipFile(built) as archive:
        yield archive


def source_files(pattern: str) -> Iterator[tuple[str, str]]:
    """(path in the checkout, path it must have in the wheel) for every file matching ``pattern``."""
    for folder, installed in SHIPPED.items():
        for path in sorted((REPO_ROOT / folder).rglob(pattern)):
            if "__pycache__" in path.parts:
                continue
            relative = path.relative_to(REPO_ROOT / folder).as_posix()
            yield f"{folder}/{relative}", f"{installed}/{relative}"


@pytest.mark.slow
def test_every_module_ships_under_deftly(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())

    missing = [source for source, installed in source_files("*.py") if installed not in names]

    assert missing == [], "add their packages to [tool.setuptools] packages in pyproject.toml"


@pytest.mark.slow
def test_model_data_and_type_markers_ship(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    model_files = [installed for _, installed in source_files("*") if "/model/" in installed]

    assert {"deftly/server/background/model/tokenizer.json", "deftly/server/background/model/NOTICE"} <= set(
        model_files
    )
    assert set(model_files) <= names
    assert {"deftly/server/py.typed", "deftly/tools/py.typed"} <= names
    demo_traces = {installed for _, installed in source_files("*") if "/demo_traces/" in installed}
    assert len(demo_traces) >= 3 and demo_traces <= names, "deftly demo's example sessions ship"


@pytest.mark.slow
def test_no_bare_top_level_packages_and_the_console_script(wheel: zipfile.ZipFile) -> None:
    top_level = {name.split("/")[0] for name in wheel.namelist()}
    [entry_points] = [n for n in wheel.namelist() if n.endswith(".dist-info/entry_points.txt")]

    assert {name for name in top_level if not name.endswith(".dist-info")} == {"deftly"}
    assert "deftly = deftly.server.__main__:main" in wheel.read(entry_points).decode()


@pytest.mark.slow
def test_the_distribution_is_deftly_mcp_with_its_project_urls(wheel: zipfile.ZipFile) -> None:
    [metadata] = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    headers = wheel.read(metadata).decode()

    assert "\nName: deftly-mcp\n" in headers, "`deftly` is taken on PyPI"
    urls = {line.split(": ", 1)[1].split(", ")[0] for line in headers.splitlines() if line.startswith("Project-URL")}
    assert urls == {"Homepage", "Repository", "Issues", "Documentation"}
