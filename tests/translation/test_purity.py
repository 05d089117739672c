"""translation/ is pure, like routing/: it imports only the standard library, msgspec and itself (no hub, storage or
routing), does no I/O and never reads the clock. Checked on the source (ast), wherever an import or call stands."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent.parent / "translation"
SOURCES = sorted(PACKAGE.rglob("*.py"))
ALLOWED_THIRD_PARTY = {"msgspec"}
# Standard library modules that do I/O, run processes or read the clock.
IMPURE_MODULES = {
    "asyncio",
    "glob",
    "http",
    "io",
    "logging",
    "os",
    "pathlib",
    "random",
    "secrets",
    "shutil",
    "socket",
    "sqlite3",
    "ssl",
    "subprocess",
    "sys",
    "tempfile",
    "threading",
    "time",
    "urllib",
    "uuid",
    "zoneinfo",
}
IMPURE_CALLS = {"open", "print", "input", "now", "utcnow", "today", "time", "monotonic", "perf_counter"}


def imports_of(tree: ast.AST) -> set[str]:
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            imported.add(node.module)
        elif isinstance(node, ast.ImportFrom):
            imported.add("translation")  # a relative import stays inside the package
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "__import__":
            imported.add("__import__")
    return imported


def calls_of(tree: ast.AST) -> set[str]:
    called = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name):
                called.add(node.func.id)
            elif isinstance(node.func, ast.Attribute):
                called.add(node.func.attr)
    return called


def test_there_is_a_package_to_check():
    assert PACKAGE / "__init__.py" in SOURCES
    assert len(SOURCES) > 5


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: path.name)
def test_it_imports_only_the_standard_library_msgspec_and_itself(path):
    for imported in imports_of(ast.parse(path.read_text())):
        top = imported.split(".")[0]
        assert top in sys.stdlib_module_names or top in ALLOWED_THIRD_PARTY or top == "translation", (path, imported)
        assert top not in {"hub", "storage", "routing"}, (path, imported)
        assert top not in IMPURE_MODULES, f"{path.name} imports {imported}: I/O or the clock"


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: path.name)
def test_it_does_no_io_and_reads_no_clock(path):
    impure = calls_of(ast.parse(path.read_text())) & IMPURE_CALLS
    assert not impure, f"{path.name} calls {sorted(impure)}"


def test_the_checks_would_find_what_they_look_for():
    tree = ast.parse("import hub.relay\nfrom os import path\nimport datetime\ndatetime.datetime.now()\nopen('x')\n")
    assert {"hub.relay", "os", "datetime"} <= imports_of(tree)
    assert {"now", "open"} <= calls_of(tree)
