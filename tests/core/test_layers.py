"""The layers of DESIGN.md, checked on the real source: import-linter's contracts, Qt only
in hub_app/ui, the vocabulary on the standard library alone, and no import cycles."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("hub_app", "devices", "drivers", "sync", "care_service", "vocabulary", "simulators", "demo")
QT_MODULES = {"PySide6", "shiboken6", "PyQt5", "PyQt6", "PySide2"}


def python_files(package: str) -> list[Path]:
    return sorted(p for p in (REPO / package).rglob("*.py") if "__pycache__" not in p.parts)


def imported_top_levels(path: Path) -> set[tuple[str, int]]:
    """(top-level module, line) for every absolute import in the file, wherever it sits."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {(alias.name.split(".")[0], node.lineno) for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add((node.module.split(".")[0], node.lineno))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, (ast.Attribute, ast.Name))
            and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id) in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add((node.args[0].value.split(".")[0], node.lineno))
    return found


def test_import_linter_contracts_are_kept():
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache", "--no-logo"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
    assert "BROKEN" not in result.stdout


def test_every_package_has_source_to_check():
    for package in PACKAGES:
        assert python_files(package), f"{package}/ has no Python files"
    assert python_files("hub_app/ui"), "hub_app/ui has no Python files"


def test_only_hub_app_ui_imports_qt():
    offenders = []
    checked = 0
    for package in PACKAGES:
        for path in python_files(package):
            relative = path.relative_to(REPO)
            if relative.parts[:2] == ("hub_app", "ui"):
                continue
            checked += 1
            for module, line in imported_top_levels(path):
                if module in QT_MODULES:
                    offenders.append(f"{relative}:{line} imports {module}")
    assert checked > 10
    assert offenders == [], "\n".join(offenders)


def test_the_qt_check_would_see_an_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def later():\n    from PySide6.QtWidgets import QWidget\n"
        "import importlib\nimportlib.import_module('shiboken6')\n"
    )
    assert {m for m, _ in imported_top_levels(sample)} == {"PySide6", "importlib", "shiboken6"}


def test_hub_app_ui_really_is_where_qt_lives():
    modules = {m for path in python_files("hub_app/ui") for m, _ in imported_top_levels(path)}
    assert "PySide6" in modules


def test_the_vocabulary_uses_the_standard_library_only():
    offenders = []
    for path in python_files("vocabulary"):
        for module, line in imported_top_levels(path):
            if module not in sys.stdlib_module_names and module not in ("vocabulary", "__future__"):
                offenders.append(f"{path.relative_to(REPO)}:{line} imports {module}")
    assert offenders == [], "\n".join(offenders)


# -- no import cycles -----------------------------------------------------------------------


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of more than one module, or a module importing itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    for root in sorted(graph.modules):
        if root in index:
            continue
        # iterative Tarjan, so a deep graph cannot hit the recursion limit
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1 or node in graph.find_modules_directly_imported_by(node):
                    found.append(sorted(group))
    return found


def test_the_cycle_finder_finds_cycles():
    graph = grimp.ImportGraph()
    for importer, imported in [("p.a", "p.b"), ("p.b", "p.c"), ("p.c", "p.a"), ("p.c", "p.d"), ("p.e", "p.e")]:
        graph.add_import(importer=importer, imported=imported)
    graph.add_module("p.lonely")
    assert sorted(cycles(graph)) == [["p.a", "p.b", "p.c"], ["p.e"]]
    chain = grimp.ImportGraph()
    chain.add_import(importer="q.a", imported="q.b")
    chain.add_import(importer="q.b", imported="q.c")
    assert cycles(chain) == []


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    # Imports only for type checkers (under `if TYPE_CHECKING:`) never run: not cycles.
    return grimp.build_graph(*PACKAGES, cache_dir=None, exclude_type_checking_imports=True)


def test_no_module_imports_itself_directly_or_indirectly(graph):
    assert "hub_app.core" in graph.modules
    assert graph.direct_import_exists(importer="hub_app.core", imported="hub_app.store")
    found = cycles(graph)
    described = []
    for group in found:
        first = group[0]
        others = [m for m in group if m != first] or [first]
        chain = graph.find_shortest_chain(importer=first, imported=others[0]) or (first,)
        back = graph.find_shortest_chain(importer=others[0], imported=first) or (first,)
        described.append(" -> ".join(chain) + " -> " + " -> ".join(back[1:]))
    assert found == [], "import cycles:\n" + "\n".join(described)


def test_the_core_never_reaches_the_ui(graph):
    """Nothing outside hub_app.ui depends on it, directly or not, except the entry points
    that start a window."""
    entry_points = {"hub_app.cli", "hub_app.__main__", "demo.run", "demo.scenario", "demo.cli", "demo.__main__", "demo"}
    ui = {m for m in graph.modules if m == "hub_app.ui" or m.startswith("hub_app.ui.")}
    assert "hub_app.ui.app" in ui
    offenders = []
    for module in sorted(graph.modules - ui - entry_points):
        reached = graph.find_upstream_modules(module) & ui
        if reached:
            offenders.append(f"{module} reaches {sorted(reached)}")
    assert offenders == [], "\n".join(offenders)
